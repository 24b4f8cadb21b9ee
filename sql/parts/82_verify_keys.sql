-- ---------------------------------------------------------------------------
-- mask.verify(), keys: can any role read a pseudonym key, and are tokens of
-- guessable values made too short?  (Listed in mask_internal._verify_findings,
-- 82_verify_report.sql.)
--
--   error    a key relation (mask.policy_key or mask_internal."_key_<id>") has a grant
--            maskview did not make, a column grant, or is not the view
--            maskview generates; an object other than maskview's reads a key
--            relation (the key guard event trigger: with the others in
--            mask_internal._verify_event_triggers, 82_verify_report.sql)
--   warning  the policy has no key; mask.pseudonym with fewer than 12
--            characters (60 bits) on a column that mask.detect() classifies
--            as phone, bank_card or id_card with confidence 0.5 or more (as
--            for PASS rules); why 12: README, "Limits and threat model"
--
-- Every error about a key says to rotate it: once readable, it may be known.
-- ---------------------------------------------------------------------------
-- Every view, materialized view or table rule and every row-security
-- policy whose definition reads relation (other than relation's own rule):
-- they read with their owner's privileges but run as whoever queries them.
-- what names the object in a finding; relid, name and kind let the caller
-- leave out the readers maskview made itself.
CREATE FUNCTION mask_internal._relation_readers(relation regclass)
RETURNS TABLE (what text, relid oid, name name, kind "char")
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('%s %s',
               CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                              ELSE 'rule ' || pg_catalog.quote_ident(r.rulename) || ' on' END,
               c.oid::regclass),
           c.oid, r.rulename, c.relkind
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
      JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
     WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
       AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.refobjid = _relation_readers.relation AND d.deptype = 'n'
       AND c.oid <> _relation_readers.relation
    UNION ALL
    SELECT pg_catalog.format('row-security policy %I on %s', pl.polname, pl.polrelid::regclass),
           pl.polrelid, pl.polname, 'P'
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_policy pl ON pl.oid = d.objid
     WHERE d.classid = 'pg_catalog.pg_policy'::pg_catalog.regclass
       AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.refobjid = _relation_readers.relation AND d.deptype = 'n'
$$;

COMMENT ON FUNCTION mask_internal._relation_readers(regclass) IS
'Internal: the views, rules and row-security policies whose definitions read a relation (kind: relkind, or P for a row-security policy).';


-- The hint's tail for a finding that a key may be known.
CREATE FUNCTION mask_internal._verify_rotate_hint(pol mask.policy)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format(' Then SELECT mask.rotate_key(%L); since the key may be known.', pol.name)
$$;

COMMENT ON FUNCTION mask_internal._verify_rotate_hint(mask.policy) IS
'Internal: the end of a hint of mask.verify() that says to rotate a policy''s key.';


-- The key of a policy and its key view: no key; the view missing, not a
-- security_barrier view of the extension owner, or not defined as
-- mask_internal._key_view_query() generates it (41_keys.sql).
CREATE FUNCTION mask_internal._verify_key_view(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name     text := mask_internal._key_view(pol.id);
    v_view     record;
    v_live     text;
    v_expected text;
    v_recreate text := 'SELECT mask.refresh_privileges(); (it recreates the key views).'
                       || mask_internal._verify_rotate_hint(pol);
BEGIN
    IF NOT EXISTS (SELECT FROM mask.policy_key k WHERE k.policy_id = pol.id) THEN
        RETURN NEXT ROW('warning', pol.name, NULL,
            'The policy has no pseudonym key: mask.pseudonym() rules yield NULL.',
            pg_catalog.format('SELECT mask.rotate_key(%L);', pol.name)
        )::mask_internal.finding;
    END IF;

    SELECT c.oid, c.relkind, c.relowner,
           COALESCE('security_barrier=true' = ANY (c.reloptions), false) AS barrier
      INTO v_view
      FROM pg_catalog.pg_class c
     WHERE c.oid = pg_catalog.to_regclass(v_name);
    IF v_view.oid IS NULL THEN
        IF EXISTS (SELECT FROM mask.protected pr WHERE pr.policy_id = pol.id) THEN
            RETURN NEXT ROW('error', pol.name, v_name,
                'The policy''s key view is missing: its masked views cannot be generated.',
                'SELECT mask.refresh_privileges();'
            )::mask_internal.finding;
        END IF;
    ELSIF v_view.relkind <> 'v' OR NOT v_view.barrier OR v_view.relowner <> mask_internal._extension_owner() THEN
        RETURN NEXT ROW('error', pol.name, v_name,
            CASE WHEN v_view.relkind <> 'v'
                      THEN pg_catalog.format('The key relation is not a view (relkind %s).', v_view.relkind)
                 WHEN NOT v_view.barrier
                      THEN 'The key view is not a security_barrier view: a table owner''s function in WHERE can see every policy''s key.'
                 ELSE pg_catalog.format('The key view is owned by %I, not by the extension owner.',
                                        pg_catalog.pg_get_userbyid(v_view.relowner)) END,
            v_recreate
        )::mask_internal.finding;
    ELSE
        BEGIN
            SELECT d.live, d.expected INTO v_live, v_expected
              FROM mask_internal._viewdefs(v_view.oid, mask_internal._key_view_query(pol.id)) d;
        EXCEPTION WHEN read_only_sql_transaction THEN
            v_expected := NULL;   -- reported for the masked views already
        END;
        IF v_expected IS NOT NULL AND v_live IS DISTINCT FROM v_expected THEN
            RETURN NEXT ROW('error', pol.name, v_name,
                'The key view''s definition differs from what maskview generates (an earlier version''s, or changed by hand): it may show the key to the owners of the policy''s tables.',
                v_recreate
            )::mask_internal.finding;
        END IF;
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_key_view(mask.policy) IS
'Internal: the findings of mask.verify() about a policy''s key and key view: no key, the view missing, of another shape or owner, or defined otherwise than generated.';


-- Who can read a policy's key view: table-level grants to others than the
-- owners of the policy's tables (who own its views), column grants to
-- anyone (maskview makes none), and objects other than the policy's masked
-- views that read it.  Any of them can compute pseudonyms of chosen values.
CREATE FUNCTION mask_internal._verify_key_view_access(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text := mask_internal._key_view(pol.id);
    v_view regclass := pg_catalog.to_regclass(v_name);
    v_g    record;
BEGIN
    IF v_view IS NULL THEN
        RETURN;
    END IF;
    FOR v_g IN SELECT DISTINCT g.grantee FROM mask_internal._relation_grants(v_view) g
                WHERE g.attname IS NULL
                  AND NOT g.grantee IN (SELECT c.relowner
                                          FROM mask.protected pr
                                          JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                                         WHERE pr.policy_id = pol.id)
                ORDER BY 1 LOOP
        RETURN NEXT ROW('error', pol.name, v_name,
            pg_catalog.format('%s can read the policy''s pseudonym key through its key view.',
                              mask_internal._grantee_label(v_g.grantee)),
            pg_catalog.format('REVOKE ALL ON %s FROM %s; then SELECT mask.rotate_key(%L); since the key may be known.',
                              v_name, mask_internal._grantee_name(v_g.grantee), pol.name)
        )::mask_internal.finding;
    END LOOP;
    FOR v_g IN SELECT DISTINCT g.attname, g.grantee FROM mask_internal._relation_grants(v_view) g
                WHERE g.attname IS NOT NULL
                ORDER BY 1, 2 LOOP
        RETURN NEXT ROW('error', pol.name, v_name,
            pg_catalog.format('%s holds a column grant on the key view (column %I): maskview grants none, and a column grant escapes table-level checks.',
                              mask_internal._grantee_label(v_g.grantee), v_g.attname),
            pg_catalog.format('REVOKE ALL (%I) ON %s FROM %s; (or any API change of the policy removes it).',
                              v_g.attname, v_name, mask_internal._grantee_name(v_g.grantee))
            || mask_internal._verify_rotate_hint(pol)
        )::mask_internal.finding;
    END LOOP;
    FOR v_g IN SELECT DISTINCT r.what FROM mask_internal._relation_readers(v_view) r
                WHERE NOT (r.name = '_RETURN' AND r.kind = 'v' AND EXISTS (
                               SELECT FROM mask.protected pr
                                 JOIN pg_catalog.pg_class c ON c.oid = r.relid
                                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                                WHERE pr.policy_id = pol.id AND pr.view_name = c.relname
                                  AND n.nspname = pol.view_schema))
                ORDER BY 1 LOOP
        RETURN NEXT ROW('error', pol.name, v_name,
            pg_catalog.format('The %s reads the policy''s key view: it reads with its owner''s privileges but runs as the role that queries it, and can pass the key to that role or to its owner.',
                              v_g.what),
            'Drop it; build on the masked view instead.' || mask_internal._verify_rotate_hint(pol)
        )::mask_internal.finding;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_key_view_access(mask.policy) IS
'Internal: the findings of mask.verify() about who can read a policy''s key view: grants, column grants, objects reading it.';


-- Pseudonyms of guessable values made too short: mask.pseudonym with fewer
-- than 12 characters on a column detect() classifies as a phone, card or ID
-- number.  The table's detect() classification is computed only when the
-- policy has a short pseudonym rule on it.
CREATE FUNCTION mask_internal._verify_short_pseudonyms(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH short AS (
        SELECT r.relation, r.column_name, r.expression,
               COALESCE((pg_catalog.regexp_match(r.expression_sql,
                   '\(SELECT k\.key FROM mask_internal\.\S+ k\), *([0-9]+)\)'))[1]::integer, 12) AS len
          FROM mask.rule r
         WHERE r.policy_id = pol.id AND r.action = 'mask' AND NOT r.orphaned
           AND r.expression_sql LIKE '%mask.pseudonym(%')
    SELECT 'warning', pol.name, pg_catalog.format('%s.%I', s.relation, s.column_name),
           pg_catalog.format('%s gives %s-character tokens (%s bits) of a column that looks like %s (confidence %s; %s): a short token is guessable and links different people, and it does not make the value harder to guess for anyone holding the key.',
                             s.expression, s.len, s.len * 5, d.pii_type, d.confidence, d.evidence),
           pg_catalog.format('Use 12 characters or more: SELECT mask.set_rule(%L, %L, %L, %L);',
                             pol.name, s.relation::text, s.column_name,
                             pg_catalog.regexp_replace(s.expression, ',\s*[0-9]+\s*\)\s*$', ')'))
      -- (tables that still exist; OFFSET 0 keeps the filter before the call)
      FROM (SELECT DISTINCT s2.relation FROM short s2
              JOIN pg_catalog.pg_class c ON c.oid = s2.relation AND c.relkind IN ('r', 'p')
             WHERE s2.len < 12 OFFSET 0) t
     CROSS JOIN LATERAL mask_internal._detect_relation(t.relation, 1000) d
      JOIN short s ON s.relation = t.relation AND s.column_name = d."column"
     WHERE s.len < 12 AND d.pii_type IN ('phone', 'bank_card', 'id_card')
       AND d.confidence >= 0.5
$$;

COMMENT ON FUNCTION mask_internal._verify_short_pseudonyms(mask.policy) IS
'Internal: the findings of mask.verify() about pseudonyms shorter than 12 characters of columns that look like phone, card or ID numbers.';


-- The key table mask.policy_key: privileges of anyone but its owner (also
-- removed at every regeneration), and objects other than the key views
-- that read it.
CREATE FUNCTION mask_internal._verify_key_table()
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_g record;
BEGIN
    FOR v_g IN SELECT DISTINCT g.attname, g.grantee FROM mask_internal._relation_grants('mask.policy_key') g
                ORDER BY 1 NULLS FIRST, 2 LOOP
        RETURN NEXT ROW('error', NULL, 'mask.policy_key',
            pg_catalog.format('%s holds a privilege on the key table%s: it can read every policy''s key.',
                              mask_internal._grantee_label(v_g.grantee),
                              CASE WHEN v_g.attname IS NOT NULL
                                   THEN pg_catalog.format(' (column %I)', v_g.attname) ELSE '' END),
            pg_catalog.format('REVOKE ALL %sON mask.policy_key FROM %s CASCADE; (or any API change of a policy removes it), then rotate every policy''s key: SELECT mask.rotate_key(name) FROM mask.policy;',
                              COALESCE('(' || pg_catalog.quote_ident(v_g.attname) || ') ', ''),
                              mask_internal._grantee_name(v_g.grantee))
        )::mask_internal.finding;
    END LOOP;
    FOR v_g IN SELECT DISTINCT r.what FROM mask_internal._relation_readers('mask.policy_key') r
                WHERE NOT (r.kind <> 'P' AND r.name = '_RETURN' AND EXISTS (
                               SELECT FROM pg_catalog.pg_class c
                                WHERE c.oid = r.relid AND c.relnamespace = 'mask_internal'::regnamespace
                                  AND c.relname ~ '^_key_[0-9]+$'))
                ORDER BY 1 LOOP
        RETURN NEXT ROW('error', NULL, 'mask.policy_key',
            pg_catalog.format('The %s reads the key table mask.policy_key.', v_g.what),
            'Drop it, then rotate every policy''s key: SELECT mask.rotate_key(name) FROM mask.policy;'
        )::mask_internal.finding;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_key_table() IS
'Internal: the findings of mask.verify() about the key table: privileges of others than its owner, objects reading it.';

