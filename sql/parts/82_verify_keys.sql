-- ---------------------------------------------------------------------------
-- mask.verify(), keys: can any role read a pseudonym key, and are tokens of
-- guessable values made too short?  (Hooked into mask.verify() by one line in
-- 82_verify.sql.)
--
--   error    a key relation (mask.policy_key or mask_internal."_key_<id>") has a grant
--            maskview did not make, a column grant, or is not the view
--            maskview generates; an object other than maskview's reads a key
--            relation; the key guard event trigger is missing or disabled
--   warning  mask.pseudonym with fewer than 12 characters (60 bits) on a
--            column that mask.detect() classifies as phone, bank_card or
--            id_card with confidence 0.5 or more (as for PASS rules); why
--            12: README, "Limits and threat model"
--
-- Every error about a key says to rotate it: once readable, it may be known.
-- ---------------------------------------------------------------------------

-- The definition, as pg_get_viewdef() prints it, of the key view that
-- mask_internal._key_view_query() generates (mask_internal._viewdef_of_query, 82_verify.sql).
CREATE FUNCTION mask_internal._verify_expected_key_viewdef(policy_id integer)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN mask_internal._viewdef_of_query(mask_internal._key_view_query(_verify_expected_key_viewdef.policy_id));
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_expected_key_viewdef(integer) IS
'Internal: pg_get_viewdef() of the key view mask_internal._key_view_query() generates for a policy, built in a rolled-back subtransaction.';


CREATE FUNCTION mask_internal._verify_keys(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pol      mask.policy;
    v_ext_own  oid := (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'maskview');
    v_view     record;
    v_g        record;
    v_o        record;
    v_r        record;
    v_expected text;
    v_rotate   text;
BEGIN
    FOR v_pol IN SELECT p.* FROM mask.policy p
                  WHERE _verify_keys.only_policy IS NULL OR p.name = _verify_keys.only_policy
                  ORDER BY p.name LOOP
        policy := v_pol.name;
        v_rotate := pg_catalog.format(' Then SELECT mask.rotate_key(%L); since the key may be known.', v_pol.name);
        object := pg_catalog.format('%I.%I', 'mask_internal', mask_internal._key_view_name(v_pol.id));
        SELECT c.oid, c.relkind, c.relowner,
               COALESCE('security_barrier=true' = ANY (c.reloptions), false) AS barrier
          INTO v_view
          FROM pg_catalog.pg_class c
         WHERE c.oid = pg_catalog.to_regclass(object);

        -- ------------------------------------------- the key view itself ---
        IF v_view.oid IS NULL THEN
            IF EXISTS (SELECT FROM mask.protected pr WHERE pr.policy_id = v_pol.id) THEN
                severity := 'error';
                finding := 'The policy''s key view is missing: its masked views cannot be generated.';
                hint := 'SELECT mask.refresh_privileges();';
                RETURN NEXT;
            END IF;
        ELSIF v_view.relkind <> 'v' OR NOT v_view.barrier OR v_view.relowner <> v_ext_own THEN
            severity := 'error';
            finding := CASE WHEN v_view.relkind <> 'v'
                                 THEN pg_catalog.format('The key relation is not a view (relkind %s).', v_view.relkind)
                            WHEN NOT v_view.barrier
                                 THEN 'The key view is not a security_barrier view: a table owner''s function in WHERE can see every policy''s key.'
                            ELSE pg_catalog.format('The key view is owned by %I, not by the extension owner.',
                                                   pg_catalog.pg_get_userbyid(v_view.relowner)) END;
            hint := 'SELECT mask.refresh_privileges(); (it recreates the key views).' || v_rotate;
            RETURN NEXT;
        ELSE
            BEGIN
                v_expected := mask_internal._verify_expected_key_viewdef(v_pol.id);
            EXCEPTION WHEN read_only_sql_transaction THEN
                v_expected := NULL;   -- reported for the masked views already
            END;
            IF v_expected IS NOT NULL
               AND mask_internal._viewdef_unlocked(v_view.oid) IS DISTINCT FROM v_expected THEN
                severity := 'error';
                finding := 'The key view''s definition differs from what maskview generates (an earlier version''s, or changed by hand): it may show the key to the owners of the policy''s tables.';
                hint := 'SELECT mask.refresh_privileges(); (it recreates the key views).' || v_rotate;
                RETURN NEXT;
            END IF;
        END IF;

        -- ------------------------------------ grants on the key view ---
        -- Table-level grants to others than the table owners are reported
        -- by mask_internal._verify_findings; column grants here (nobody gets one).
        IF v_view.oid IS NOT NULL THEN
            FOR v_g IN SELECT DISTINCT a.attname, g.grantee
                         FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                        WHERE a.attrelid = v_view.oid AND a.attnum > 0
                        ORDER BY 1, 2 LOOP
                severity := 'error';
                finding := pg_catalog.format('%s holds a column grant on the key view (column %I): maskview grants none, and a column grant escapes table-level checks.',
                                             CASE WHEN v_g.grantee = 0 THEN '' ELSE 'Role ' END
                                             || mask_internal._grantee_name(v_g.grantee), v_g.attname);
                hint := pg_catalog.format('REVOKE ALL (%I) ON %s FROM %s; (or any API change of the policy removes it).',
                                          v_g.attname, object, mask_internal._grantee_name(v_g.grantee)) || v_rotate;
                RETURN NEXT;
            END LOOP;
        END IF;

        -- ----------------------- objects that read the key of the policy ---
        -- Rules (of views, materialized views or tables) and row-security
        -- policies reading the key view, other than the masked views of
        -- this policy: they run as whoever queries them.
        FOR v_o IN SELECT DISTINCT x.what
                     FROM (SELECT pg_catalog.format('%s %s',
                                      CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                                                     ELSE 'rule ' || pg_catalog.quote_ident(r.rulename) || ' on' END,
                                      c.oid::regclass) AS what,
                                  c.oid AS relid, r.rulename
                             FROM pg_catalog.pg_depend d
                             JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
                             JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
                            WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                              AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                              AND d.refobjid = v_view.oid AND d.deptype = 'n'
                              AND c.oid <> v_view.oid   -- its own rule
                              AND NOT (r.rulename = '_RETURN' AND c.relkind = 'v' AND EXISTS (
                                       SELECT FROM mask.protected pr
                                         JOIN pg_catalog.pg_namespace n ON n.nspname = v_pol.view_schema
                                        WHERE pr.policy_id = v_pol.id AND pr.view_name = c.relname
                                          AND c.relnamespace = n.oid))
                           UNION ALL
                           SELECT pg_catalog.format('row-security policy %I on %s', pl.polname, pl.polrelid::regclass),
                                  pl.polrelid, pl.polname
                             FROM pg_catalog.pg_depend d
                             JOIN pg_catalog.pg_policy pl ON pl.oid = d.objid
                            WHERE d.classid = 'pg_catalog.pg_policy'::pg_catalog.regclass
                              AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                              AND d.refobjid = v_view.oid AND d.deptype = 'n') x
                    ORDER BY 1 LOOP
            severity := 'error';
            finding := pg_catalog.format('The %s reads the policy''s key view: it reads with its owner''s privileges but runs as the role that queries it, and can pass the key to that role or to its owner.',
                                         v_o.what);
            hint := 'Drop it; build on the masked view instead.' || v_rotate;
            RETURN NEXT;
        END LOOP;

        -- -------------------- pseudonyms of guessable values, too short ---
        -- The table's detect() classification is computed only when the
        -- policy has a short pseudonym rule on it.
        FOR v_r IN WITH short AS (
                       SELECT r.relation, r.column_name, r.expression,
                              COALESCE((pg_catalog.regexp_match(r.expression_sql,
                                  '\(SELECT k\.key FROM mask_internal\.\S+ k\), *([0-9]+)\)'))[1]::integer, 12) AS len
                         FROM mask.rule r
                        WHERE r.policy_id = v_pol.id AND r.action = 'mask' AND NOT r.orphaned
                          AND r.expression_sql LIKE '%mask.pseudonym(%')
                   SELECT s.relation, s.column_name, s.expression, s.len, d.pii_type, d.confidence,
                          d.evidence
                     -- (tables that still exist; OFFSET 0 keeps the filter before the call)
                     FROM (SELECT DISTINCT s2.relation FROM short s2
                             JOIN pg_catalog.pg_class c ON c.oid = s2.relation AND c.relkind IN ('r', 'p')
                            WHERE s2.len < 12 OFFSET 0) t
                     CROSS JOIN LATERAL mask_internal._detect_relation(t.relation, 1000) d
                     JOIN short s ON s.relation = t.relation AND s.column_name = d."column"
                    WHERE s.len < 12 AND d.pii_type IN ('phone', 'bank_card', 'id_card')
                      AND d.confidence >= 0.5
                    ORDER BY 1::text, 2 LOOP
            severity := 'warning';
            object := pg_catalog.format('%s.%I', v_r.relation, v_r.column_name);
            finding := pg_catalog.format('%s gives %s-character tokens (%s bits) of a column that looks like %s (confidence %s; %s): a short token is guessable and links different people, and it does not make the value harder to guess for anyone holding the key.',
                                         v_r.expression, v_r.len, v_r.len * 5, v_r.pii_type, v_r.confidence, v_r.evidence);
            hint := pg_catalog.format('Use 12 characters or more: SELECT mask.set_rule(%L, %L, %L, %L);',
                                      v_pol.name, v_r.relation::text, v_r.column_name,
                                      pg_catalog.regexp_replace(v_r.expression, ',\s*[0-9]+\s*\)\s*$', ')'));
            RETURN NEXT;
        END LOOP;
    END LOOP;

    -- ---------------------------------------------------------- global ---
    policy := NULL;
    -- The key table: its owner only.  (Also removed at every regeneration.)
    object := 'mask.policy_key';
    FOR v_g IN SELECT DISTINCT NULL::name AS attname, g.grantee
                 FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                WHERE c.oid = 'mask.policy_key'::pg_catalog.regclass AND g.grantee <> c.relowner
               UNION
               SELECT DISTINCT a.attname, g.grantee
                 FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                WHERE a.attrelid = 'mask.policy_key'::pg_catalog.regclass AND a.attnum > 0
               ORDER BY 1 NULLS FIRST, 2 LOOP
        severity := 'error';
        finding := pg_catalog.format('%s holds a privilege on the key table%s: it can read every policy''s key.',
                                     CASE WHEN v_g.grantee = 0 THEN '' ELSE 'Role ' END
                                     || mask_internal._grantee_name(v_g.grantee),
                                     CASE WHEN v_g.attname IS NOT NULL
                                          THEN pg_catalog.format(' (column %I)', v_g.attname) ELSE '' END);
        hint := pg_catalog.format('REVOKE ALL %sON mask.policy_key FROM %s CASCADE; (or any API change of a policy removes it), then rotate every policy''s key: SELECT mask.rotate_key(name) FROM mask.policy;',
                                  COALESCE('(' || pg_catalog.quote_ident(v_g.attname) || ') ', ''),
                                  mask_internal._grantee_name(v_g.grantee));
        RETURN NEXT;
    END LOOP;
    -- Objects reading the key table itself, other than the key views.
    FOR v_o IN SELECT DISTINCT CASE WHEN x.kind = 'policy' THEN 'row-security policy ' || x.name || ' on ' || x.rel
                                    ELSE x.kind || ' ' || x.rel END AS what
                 FROM (SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                                             ELSE 'rule ' || pg_catalog.quote_ident(r.rulename) || ' on' END AS kind,
                              c.oid::regclass::text AS rel, r.rulename::text AS name
                         FROM pg_catalog.pg_depend d
                         JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
                         JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
                        WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                          AND d.refobjid = 'mask.policy_key'::pg_catalog.regclass AND d.deptype = 'n'
                          AND NOT (c.relnamespace = 'mask_internal'::regnamespace AND c.relname ~ '^_key_[0-9]+$'
                                   AND r.rulename = '_RETURN')
                       UNION ALL
                       SELECT 'policy', pl.polrelid::regclass::text, pg_catalog.quote_ident(pl.polname)
                         FROM pg_catalog.pg_depend d
                         JOIN pg_catalog.pg_policy pl ON pl.oid = d.objid
                        WHERE d.classid = 'pg_catalog.pg_policy'::pg_catalog.regclass
                          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                          AND d.refobjid = 'mask.policy_key'::pg_catalog.regclass AND d.deptype = 'n') x
                ORDER BY 1 LOOP
        severity := 'error';
        finding := pg_catalog.format('The %s reads the key table mask.policy_key.', v_o.what);
        hint := 'Drop it, then rotate every policy''s key: SELECT mask.rotate_key(name) FROM mask.policy;';
        RETURN NEXT;
    END LOOP;
    -- The key guard.
    FOR v_o IN SELECT e.evtenabled FROM (VALUES (1)) x
                 LEFT JOIN pg_catalog.pg_event_trigger e ON e.evtname = 'maskview_key_guard'
                WHERE e.evtenabled IS NULL OR e.evtenabled = 'D' LOOP
        severity := 'error';
        object := 'maskview_key_guard';
        finding := CASE WHEN v_o.evtenabled IS NULL THEN 'The event trigger is missing'
                        ELSE 'The event trigger is disabled' END
                   || ': a table owner can make a view, rule or row-security policy that hands its policy''s key to a member.';
        hint := CASE WHEN v_o.evtenabled IS NULL
                     THEN 'Reinstall the extension''s event triggers (ALTER EXTENSION maskview UPDATE, or drop and create the extension after saving the policies with mask.export_policy()).'
                     ELSE 'ALTER EVENT TRIGGER maskview_key_guard ENABLE;' END;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_keys(name) IS
'Internal: the findings of mask.verify() about keys: grants and column grants on key relations, key views not as generated, objects reading a key relation, the key guard trigger, and short pseudonyms of phone, card and ID numbers.';
