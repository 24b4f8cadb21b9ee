-- ---------------------------------------------------------------------------
-- mask.verify(): does the database enforce what the catalog says?
--
-- The catalog and the views cannot drift through the API (every change
-- regenerates in the same transaction), but everything around them can:
-- a GRANT on a raw table, a role made superuser, a view replaced or
-- re-owned by hand, a table given to PUBLIC, a dropped column, a tampered
-- audit log.  verify() looks at the database as it is now and reports each
-- such drift as one row (severity, policy, object, finding, hint):
--
--   error    an invariant of the security model is broken: some role can
--            read raw data, change a policy or read a key it should not, or
--            a view is not what the catalog generates, or the log is broken
--   warning  a risk: raw personal data shown by a PASS rule, a rule that no
--            longer applies, masked data readable outside the policy, DDL
--            no longer followed
--   info     nothing leaks, but an auditor wants to know: hidden columns
--            that mask.detect() classifies as personal data
--
-- No error or warning row means clean.  Findings carry names, counts and
-- the sentences of the engine's own checks, never a value or a key.
-- Global findings (the audit chain, the event triggers) have policy NULL
-- and are reported with or without only_policy.
--
-- Member paths are found by mask_internal._raw_paths() (46_member_paths.sql), the
-- function add_member() refuses with, so verify() and add_member() always
-- name the same path and the same fix, for the member and for every role
-- granted the member role.
-- A view's definition is compared with the definition of a view built from
-- the catalog's own generator (mask_internal._view_query) in a rolled-back
-- subtransaction, both printed by pg_get_viewdef(): no second copy of the
-- generator, no fingerprint to keep in step, and what is compared is what
-- PostgreSQL will run.
--
-- This file is self-contained (new in 0.2.0): it can be appended verbatim
-- to the upgrade script.
-- ---------------------------------------------------------------------------

-- The definition, as pg_get_viewdef() prints it, of a view made of query.
-- The view is created as a temporary view inside a subtransaction that is
-- then rolled back, so nothing of it survives the call.  The event triggers
-- need no mark: they follow ALTER TABLE and dropped objects of view schemas
-- and protected tables, never a temporary view.  Errors of the SQL (a
-- trusted function dropped since, say) propagate: the caller reports them.
-- Raises 25006 in a read-only transaction.
CREATE FUNCTION mask_internal._viewdef_of_query(query text)
RETURNS text
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_def   text;
BEGIN
    BEGIN
        -- A name no generated view uses; an object of that name left in the
        -- session's own temporary schema is dropped with the subtransaction.
        IF pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', '_maskview_verify_expected')) IS NOT NULL THEN
            EXECUTE pg_catalog.format('DROP VIEW pg_temp.%I', '_maskview_verify_expected');
        END IF;
        PERFORM mask_internal._citus_local_ddl();      -- (no Citus warning about a temporary view)
        EXECUTE pg_catalog.format('CREATE TEMPORARY VIEW %I AS %s', '_maskview_verify_expected', query);
        v_def := pg_catalog.pg_get_viewdef(
                     pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', '_maskview_verify_expected')), false);
        -- Undo the view: this SQLSTATE is ours alone and caught right here.
        RAISE EXCEPTION 'maskview verify rollback' USING ERRCODE = 'MVV01';
    EXCEPTION WHEN SQLSTATE 'MVV01' THEN
        NULL;
    END;
    RETURN v_def;
END;
$$;

COMMENT ON FUNCTION mask_internal._viewdef_of_query(text) IS
'Internal: pg_get_viewdef() of a view made of the query, built as a temporary view in a rolled-back subtransaction.';

-- The definition of the view the catalog generates now for one protected
-- table; NULL when the table is gone.
CREATE FUNCTION mask_internal._verify_expected_viewdef(policy_id integer, relation regclass)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN mask_internal._viewdef_of_query(mask_internal._view_query(_verify_expected_viewdef.policy_id,
                                                   _verify_expected_viewdef.relation));
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_expected_viewdef(integer, regclass) IS
'Internal: pg_get_viewdef() of the masked view the catalog generates now for one protected table, built as a temporary view in a rolled-back subtransaction.';


-- Every finding, unordered; mask.verify() sorts them.  Not SECURITY DEFINER
-- itself (EXECUTE is revoked from PUBLIC): verify() runs it with the
-- extension owner's rights, which reading privileges of every role and
-- sampling tables for detect() needs.
CREATE FUNCTION mask_internal._verify_findings(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pol      mask.policy;
    v_rels     oid[];
    v_m        record;
    v_t        record;
    v_v        record;
    v_r        record;
    v_d        record;
    v_g        record;
    v_a        record;
    v_e        record;
    v_path     text;
    v_key_view regclass;
    v_expected text;
    v_err      text;
    v_state    text;
    v_protect  text;
    v_rule     text;
    v_readers  oid[];
BEGIN
    FOR v_pol IN SELECT p.* FROM mask.policy p
                  WHERE _verify_findings.only_policy IS NULL OR p.name = _verify_findings.only_policy
                  ORDER BY p.name LOOP
        policy := v_pol.name;
        v_rels := ARRAY(SELECT pr.relation::oid FROM mask.protected pr
                          JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                         WHERE pr.policy_id = v_pol.id);
        v_key_view := pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'mask_internal',
                                             mask_internal._key_view_name(v_pol.id)));

        -- ---------------------------------------------------- the key ---
        IF NOT EXISTS (SELECT FROM mask.policy_key k WHERE k.policy_id = v_pol.id) THEN
            severity := 'warning';
            object := NULL;
            finding := 'The policy has no pseudonym key: mask.pseudonym() rules yield NULL.';
            hint := pg_catalog.format('SELECT mask.rotate_key(%L);', v_pol.name);
            RETURN NEXT;
        END IF;
        -- Only the owners of the policy's tables (who own its views) read the
        -- key view; anyone else could compute pseudonyms of chosen values.
        IF v_key_view IS NOT NULL THEN
            FOR v_g IN SELECT DISTINCT g.grantee
                         FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                        WHERE c.oid = v_key_view AND g.grantee <> c.relowner
                          AND NOT g.grantee IN (SELECT c2.relowner FROM pg_catalog.pg_class c2
                                                 WHERE c2.oid = ANY (v_rels))
                        ORDER BY 1 LOOP
                severity := 'error';
                object := pg_catalog.format('%I.%I', 'mask_internal', mask_internal._key_view_name(v_pol.id));
                finding := pg_catalog.format('%s can read the policy''s pseudonym key through its key view.',
                    CASE WHEN v_g.grantee = 0 THEN 'PUBLIC'
                         ELSE 'Role ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_g.grantee)) END);
                hint := pg_catalog.format('REVOKE ALL ON %s FROM %s; then SELECT mask.rotate_key(%L); since the key may be known.',
                    object,
                    mask_internal._grantee_name(v_g.grantee),
                    v_pol.name);
                RETURN NEXT;
            END LOOP;
        END IF;

        -- ------------------------------------------------ the members ---
        FOR v_m IN SELECT m.role::oid AS roleid, m.role_name, ro.rolname
                     FROM mask.member m
                     LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
                    WHERE m.policy_id = v_pol.id
                    ORDER BY m.role_name LOOP
            object := pg_catalog.quote_ident(COALESCE(v_m.rolname, v_m.role_name));
            IF v_m.rolname IS NULL THEN
                severity := 'warning';
                finding := pg_catalog.format('Member role %s (OID %s) no longer exists.', object, v_m.roleid);
                hint := pg_catalog.format('SELECT mask.remove_member(%L, %L);', v_pol.name, v_m.roleid::text);
                RETURN NEXT;
                CONTINUE;
            END IF;
            -- The very check add_member() refuses with (46_member_paths.sql),
            -- for the member and for every role granted it, which reads the
            -- views too.
            v_path := NULL;
            FOR v_a IN SELECT rd.reader, rd.name, rd.via_grant, p.path, p.hint
                         FROM mask_internal._member_readers(v_m.roleid) rd
                         LEFT JOIN LATERAL (SELECT r.path, r.hint FROM mask_internal._raw_paths(rd.reader, v_rels) r
                                             LIMIT 1) p ON true LOOP
                IF NOT v_a.via_grant THEN
                    CONTINUE WHEN v_a.path IS NULL;
                    v_path := v_a.path;
                    severity := 'error';
                    finding := 'Member can read raw data: ' || v_a.path;
                ELSE
                    object := pg_catalog.quote_ident(v_a.name);
                    IF v_a.path IS NULL THEN
                        severity := 'info';
                        finding := pg_catalog.format('Role %s reads the masked views as member %s, which was granted to it; add_member() did not check it.',
                                                     object, pg_catalog.quote_ident(v_m.rolname));
                        hint := pg_catalog.format('SELECT mask.add_member(%L, %L); records it as a member, or REVOKE %s FROM %s;',
                                                  v_pol.name, v_a.name, pg_catalog.quote_ident(v_m.rolname), object);
                        RETURN NEXT;
                        CONTINUE;
                    END IF;
                    severity := 'error';
                    finding := pg_catalog.format('Role %s reads the masked views as member %s, which was granted to it, and can read raw data: %s',
                                                 object, pg_catalog.quote_ident(v_m.rolname), v_a.path);
                END IF;
                hint := v_a.hint || CASE WHEN v_a.via_grant
                    THEN pg_catalog.format(' Or REVOKE %s FROM %s;', pg_catalog.quote_ident(v_m.rolname), object)
                    ELSE pg_catalog.format(' Or take the role out of the policy: SELECT mask.remove_member(%L, %L);',
                                           v_pol.name, v_m.rolname) END;
                RETURN NEXT;
            END LOOP;
            object := pg_catalog.quote_ident(v_m.rolname);
            -- Every further check would only repeat this one for a
            -- superuser, and the path is what to close first.
            CONTINUE WHEN v_path IS NOT NULL;
            IF pg_catalog.has_table_privilege(v_m.roleid, 'mask.policy_key', 'SELECT')
               OR (v_key_view IS NOT NULL
                   AND pg_catalog.has_table_privilege(v_m.roleid, v_key_view, 'SELECT')) THEN
                severity := 'error';
                finding := 'Member can read the pseudonym key and so compute the pseudonym of any value.';
                hint := pg_catalog.format('Revoke that SELECT (on mask.policy_key or %s), then SELECT mask.rotate_key(%L);',
                                          v_key_view, v_pol.name);
                RETURN NEXT;
            END IF;
        END LOOP;

        -- ------------------------------------------------- the tables ---
        FOR v_t IN SELECT pr.relation::oid AS relid, pr.relation_name, pr.view_name, pr.row_filter,
                          c.oid IS NOT NULL AS live, c.relacl, c.relowner, ro.rolname AS owner,
                          ro.rolsuper AS owner_super,
                          CASE WHEN c.oid IS NOT NULL
                               THEN pg_catalog.format('%I.%I', n.nspname, c.relname) END AS name
                     FROM mask.protected pr
                     LEFT JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = c.relowner
                    WHERE pr.policy_id = v_pol.id
                    ORDER BY pr.relation_name LOOP
            IF NOT v_t.live THEN
                severity := 'error';
                object := v_t.relation_name;
                finding := 'The catalog protects a table that no longer exists (dropped while the event triggers were not running).';
                hint := pg_catalog.format('SELECT mask.unprotect(%L, %s);', v_pol.name, v_t.relid);
                RETURN NEXT;
                CONTINUE;
            END IF;
            v_protect := pg_catalog.format('SELECT mask.protect(%L, %L, %L, %L); regenerates it from the catalog.',
                                           v_pol.name, v_t.name, v_t.row_filter, v_t.view_name);

            -- PUBLIC on the raw table: every role, members included, reads it.
            object := v_t.name;
            IF EXISTS (SELECT FROM pg_catalog.aclexplode(v_t.relacl) g
                        WHERE g.grantee = 0 AND g.privilege_type = 'SELECT') THEN
                severity := 'error';
                finding := 'PUBLIC has SELECT on the protected table: every role can read its raw data.';
                hint := pg_catalog.format('REVOKE SELECT ON %s FROM PUBLIC;', v_t.name);
                RETURN NEXT;
            END IF;
            FOR v_a IN SELECT a.attname
                         FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                        WHERE a.attrelid = v_t.relid AND g.grantee = 0 AND g.privilege_type = 'SELECT'
                        ORDER BY a.attnum LOOP
                severity := 'error';
                finding := pg_catalog.format('PUBLIC has SELECT on column %I of the protected table: every role can read it raw.',
                                             v_a.attname);
                hint := pg_catalog.format('REVOKE SELECT (%I) ON %s FROM PUBLIC;', v_a.attname, v_t.name);
                RETURN NEXT;
            END LOOP;
            IF v_t.owner_super THEN
                severity := 'error';
                finding := pg_catalog.format('The table is owned by superuser %I: its masked view would bypass every privilege and row security check.',
                                             v_t.owner);
                hint := pg_catalog.format('ALTER TABLE %s OWNER TO a non-superuser role that owns the data; then %s',
                                          v_t.name, v_protect);
                RETURN NEXT;
            END IF;

            -- The generated view.
            object := pg_catalog.format('%I.%I', v_pol.view_schema, v_t.view_name);
            SELECT c.oid, c.relkind, c.relowner, c.relacl,
                   pg_catalog.pg_get_userbyid(c.relowner) AS owner,
                   EXISTS (SELECT FROM pg_catalog.pg_options_to_table(c.reloptions) o
                            WHERE o.option_name = 'security_barrier'
                              AND o.option_value::boolean) AS barrier
              INTO v_v
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = v_pol.view_schema AND c.relname = v_t.view_name;
            IF NOT FOUND THEN
                severity := 'error';
                finding := pg_catalog.format('The masked view of %s is missing (dropped by hand): members cannot read it.',
                                             v_t.name);
                hint := v_protect;
                RETURN NEXT;
            ELSIF v_v.relkind <> 'v' THEN
                severity := 'error';
                finding := pg_catalog.format('The object in place of the masked view of %s is not a view (relkind %s).',
                                             v_t.name, v_v.relkind);
                hint := 'Drop or rename that object, then ' || v_protect;
                RETURN NEXT;
            ELSE
                IF v_v.relowner <> v_t.relowner THEN
                    severity := 'error';
                    finding := pg_catalog.format('The view is owned by %I, not by %I, the owner of %s%s.',
                        v_v.owner, v_t.owner, v_t.name,
                        CASE WHEN (SELECT ro.rolsuper FROM pg_catalog.pg_roles ro WHERE ro.oid = v_v.relowner)
                             THEN ': a superuser-owned view bypasses the table''s privileges and row security'
                             ELSE '' END);
                    hint := pg_catalog.format('ALTER VIEW %s OWNER TO %I; or %s', object, v_t.owner, v_protect);
                    RETURN NEXT;
                END IF;
                IF NOT v_v.barrier THEN
                    severity := 'error';
                    finding := 'The view is not a security_barrier view: leaky functions in members'' queries can see rows the row filter removes.';
                    hint := pg_catalog.format('ALTER VIEW %s SET (security_barrier); or %s', object, v_protect);
                    RETURN NEXT;
                END IF;
                v_err := NULL;
                v_state := NULL;
                BEGIN
                    v_expected := mask_internal._verify_expected_viewdef(v_pol.id, v_t.relid::regclass);
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS v_err = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
                END;
                IF v_state = '25006' THEN
                    -- The expected definition needs a (temporary) view.
                    severity := 'warning';
                    finding := 'The view''s definition was not compared with the catalog: the transaction is read-only (READ ONLY or a hot standby).';
                    hint := 'Run mask.verify() in a read-write transaction on the primary.';
                    RETURN NEXT;
                ELSIF v_err IS NOT NULL THEN
                    severity := 'error';
                    finding := 'The catalog no longer generates a valid view for this table: ' || v_err;
                    hint := 'Fix the rule or row filter concerned with mask.set_rule() / mask.drop_rule() / mask.protect().';
                    RETURN NEXT;
                ELSIF mask_internal._viewdef_unlocked(v_v.oid) IS DISTINCT FROM v_expected THEN
                    severity := 'error';
                    finding := 'The view''s definition differs from what the catalog generates (altered or replaced by hand).';
                    hint := v_protect;
                    RETURN NEXT;
                END IF;
                -- Masked data for members and auditors only (mask_internal._apply_grants).
                v_readers := ARRAY(SELECT m.role::oid FROM mask.member m WHERE m.policy_id = v_pol.id
                                   UNION SELECT au.role::oid FROM mask.auditor au);
                FOR v_g IN SELECT DISTINCT g.grantee
                             FROM pg_catalog.aclexplode(v_v.relacl) g
                            WHERE g.grantee <> v_v.relowner AND NOT (g.grantee = ANY (v_readers))
                            ORDER BY 1 LOOP
                    severity := 'warning';
                    finding := pg_catalog.format('%s can read the masked view without being a member or an auditor.',
                        CASE WHEN v_g.grantee = 0 THEN 'PUBLIC'
                             ELSE 'Role ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_g.grantee)) END);
                    hint := pg_catalog.format('REVOKE ALL ON %s FROM %s; (or add the role with mask.add_member()).',
                        object, mask_internal._grantee_name(v_g.grantee));
                    RETURN NEXT;
                END LOOP;
            END IF;

            -- Rules whose column is gone (flagged by the event trigger, or
            -- not yet noticed because the DDL ran without it).
            FOR v_r IN SELECT r.column_name, r.orphaned
                         FROM mask.rule r
                        WHERE r.policy_id = v_pol.id AND r.relation = v_t.relid
                          AND (r.orphaned OR NOT EXISTS (
                                   SELECT FROM pg_catalog.pg_attribute a
                                    WHERE a.attrelid = r.relation AND a.attname = r.column_name
                                      AND a.attnum > 0 AND NOT a.attisdropped))
                        ORDER BY r.column_name LOOP
                severity := 'warning';
                object := pg_catalog.format('%s.%I', v_t.name, v_r.column_name);
                finding := 'Orphaned rule: its column was dropped or its expression no longer applies; it generates nothing and the column (if any) is hidden.';
                hint := pg_catalog.format('SELECT mask.drop_rule(%L, %L, %L); or set a new rule for the column.',
                                          v_pol.name, v_t.name, v_r.column_name);
                RETURN NEXT;
            END LOOP;

            -- Personal data, as mask.detect() classifies it: shown by a PASS
            -- rule (warning when detect is confident, else info), or hidden
            -- (info: nothing leaks, but no masked form is offered either).
            FOR v_d IN SELECT d."column", d.pii_type, d.confidence, d.evidence, d.suggested_rule,
                              r.action
                         FROM mask_internal._detect_relation(v_t.relid::regclass, 1000) d
                         JOIN pg_catalog.pg_attribute a
                           ON a.attrelid = v_t.relid AND a.attname = d."column"
                         LEFT JOIN mask.rule r
                           ON r.policy_id = v_pol.id AND r.relation = v_t.relid
                          AND r.column_name = a.attname AND NOT r.orphaned
                        WHERE r.action IS NULL OR r.action = 'pass'
                        ORDER BY d."column" LOOP
                object := pg_catalog.format('%s.%I', v_t.name, v_d."column");
                v_rule := pg_catalog.format('SELECT mask.set_rule(%L, %L, %L, %L);',
                                            v_pol.name, v_t.name, v_d."column", v_d.suggested_rule);
                IF v_d.action = 'pass' THEN
                    severity := CASE WHEN v_d.confidence >= 0.5 THEN 'warning' ELSE 'info' END;
                    finding := pg_catalog.format('A PASS rule shows this column raw, and it looks like %s (confidence %s; %s).',
                                                 v_d.pii_type, v_d.confidence, v_d.evidence);
                    hint := 'Mask it: ' || v_rule;
                ELSE
                    severity := 'info';
                    finding := pg_catalog.format('Hidden column that looks like %s (confidence %s; %s); nothing leaks.',
                                                 v_d.pii_type, v_d.confidence, v_d.evidence);
                    hint := 'No action needed; to show it masked: ' || v_rule;
                END IF;
                RETURN NEXT;
            END LOOP;
        END LOOP;
    END LOOP;

    -- ----------------------------------------------------- global ---
    policy := NULL;
    FOR v_a IN SELECT l.id, l.problem FROM mask.verify_audit_log() l LOOP
        severity := 'error';
        object := 'mask.audit_log';
        finding := pg_catalog.format('The audit log''s hash chain is broken at id %s: %s.', v_a.id, v_a.problem);
        hint := 'Rows were changed, removed or reordered with the append-only triggers disabled (superuser). Compare with a backup or an externally kept hash; the log cannot be repaired in place.';
        RETURN NEXT;
    END LOOP;
    FOR v_e IN SELECT x.name, e.evtenabled
                 FROM (VALUES ('maskview_ddl_command_start'), ('maskview_ddl_command_end'), ('maskview_sql_drop'),
                              ('maskview_drop_extension_guard')) x(name)
                 LEFT JOIN pg_catalog.pg_event_trigger e ON e.evtname = x.name
                WHERE e.evtenabled IS NULL OR e.evtenabled = 'D'
                ORDER BY x.name LOOP
        severity := 'warning';
        object := v_e.name;
        finding := CASE WHEN v_e.evtenabled IS NULL THEN 'The event trigger is missing'
                        ELSE 'The event trigger is disabled' END
                   || ': renames, dropped columns and dropped tables are followed only at the next API call, and go unaudited.';
        hint := CASE WHEN v_e.evtenabled IS NULL
                     THEN 'Reinstall the extension''s event triggers (ALTER EXTENSION maskview UPDATE, or drop and create the extension after saving the policies with mask.export_policy()).'
                     ELSE pg_catalog.format('ALTER EVENT TRIGGER %I ENABLE;', v_e.name) END;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_findings(name) IS
'Internal: every finding of mask.verify(), unordered.';


CREATE FUNCTION mask.verify(only_policy name DEFAULT NULL)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- SECURITY DEFINER: an auditor must see privileges, key grants and personal
-- data in tables it may not read.  Only names, counts and the engine's own
-- sentences leave this function.  VOLATILE: it builds (and rolls back) a
-- temporary view per protected table.  EXECUTE is revoked from PUBLIC;
-- mask.grant_auditor() and mask.grant_admin() grant it.
BEGIN
    IF verify.only_policy IS NOT NULL THEN
        PERFORM mask_internal._policy(verify.only_policy);   -- 22023 for an unknown policy
    END IF;
    -- Each concern adds its findings from a function of its own
    -- (mask_internal._verify_<concern>(only_policy), same columns): one line here.
    RETURN QUERY
        SELECT f.severity, f.policy, f.object, f.finding, f.hint
          FROM (SELECT * FROM mask_internal._verify_findings(verify.only_policy)
                UNION ALL SELECT * FROM mask_internal._verify_lifecycle(verify.only_policy)
                UNION ALL SELECT * FROM mask_internal._verify_keys(verify.only_policy)
                UNION ALL SELECT * FROM mask_internal._verify_views(verify.only_policy)
                UNION ALL SELECT * FROM mask_internal._verify_settings(verify.only_policy)
                UNION ALL SELECT * FROM mask_internal._verify_citus_copy(verify.only_policy)
                UNION ALL SELECT * FROM mask_internal._verify_citus(verify.only_policy)
                ) f
         ORDER BY pg_catalog.array_position(ARRAY['error', 'warning', 'info'], f.severity),
                  f.policy COLLATE "C" NULLS FIRST, f.object COLLATE "C" NULLS FIRST,
                  f.finding COLLATE "C";
END;
$$;

COMMENT ON FUNCTION mask.verify(name) IS
'Auditor report: every way the database has drifted from what the policy catalog says (members with a path to raw data, views altered, re-owned or dropped, PUBLIC grants, PASS rules on personal data, orphaned rules, broken audit chain ...), one row (severity error|warning|info, policy, object, finding, hint) each. No error or warning row means clean. Names and findings only, never values or keys.';


-- Auditors and admins that existed before an upgrade from 0.1.0 get this
-- through mask.refresh_privileges() (84_refresh_privileges.sql), run after
-- ALTER EXTENSION UPDATE: a GRANT inside an extension script would be
-- recorded as an initial privilege, and pg_dump would then leave it out.
