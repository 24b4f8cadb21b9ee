-- ---------------------------------------------------------------------------
-- mask.verify() (what it reports: 82_verify.sql) and the one list of the
-- finding functions it runs; the findings about members and the global ones
-- (the audit chain, the event triggers).
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
-- ---------------------------------------------------------------------------

-- The definitions, as pg_get_viewdef() prints them, of a live view and of
-- a view made of query (what the catalog generates), for verify() to
-- compare.  Both are printed in one subtransaction that is then rolled
-- back: the view made of query is a temporary view, so nothing of it
-- survives the call, and printing a view takes ACCESS SHARE on it and every
-- relation it reads until the end of the transaction -- an auditor who runs
-- verify() in an open transaction would otherwise block every regeneration
-- and the owner's ALTER TABLE; locks taken in a rolled-back subtransaction
-- go with it.  The event triggers need no mark: they follow ALTER TABLE and
-- dropped objects of view schemas and protected tables, never a temporary
-- view.  Errors of the SQL (a trusted function dropped since, say)
-- propagate: the caller reports them; 25006 in a read-only transaction.
CREATE FUNCTION mask_internal._viewdefs(view oid, query text, OUT live text, OUT expected text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    BEGIN
        live := pg_catalog.pg_get_viewdef(_viewdefs.view, false);
        IF query IS NOT NULL THEN
            -- A name no generated view uses; an object of that name left in
            -- the session's own temporary schema is dropped with the
            -- subtransaction.
            IF pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', '_maskview_verify_expected')) IS NOT NULL THEN
                EXECUTE pg_catalog.format('DROP VIEW pg_temp.%I', '_maskview_verify_expected');
            END IF;
            PERFORM mask_internal._citus_ddl_propagation('off');   -- (no Citus warning about a temporary view)
            EXECUTE pg_catalog.format('CREATE TEMPORARY VIEW %I AS %s', '_maskview_verify_expected', query);
            expected := pg_catalog.pg_get_viewdef(
                pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', '_maskview_verify_expected')), false);
        END IF;
        -- Undo the view and the locks: this SQLSTATE is ours alone and
        -- caught right here.
        RAISE EXCEPTION 'maskview verify rollback' USING ERRCODE = 'MVV01';
    EXCEPTION WHEN SQLSTATE 'MVV01' THEN
        NULL;
    END;
END;
$$;

COMMENT ON FUNCTION mask_internal._viewdefs(oid, text) IS
'Internal: pg_get_viewdef() of a live view and of a view made of a query, printed (and the latter built as a temporary view) in a rolled-back subtransaction, so that neither the view nor any lock outlives the call.';


-- The findings of one policy's members, for the member and for every role
-- granted the member role (which reads the views too): a path to raw data,
-- found by the very check add_member() refuses with (46_member_paths.sql),
-- or the pseudonym key.  A role granted a member without a path is info.
CREATE FUNCTION mask_internal._verify_members(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rels     oid[] := ARRAY(SELECT pr.relation::oid FROM mask.protected pr
                                JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                               WHERE pr.policy_id = pol.id);
    v_key_view regclass := pg_catalog.to_regclass(mask_internal._key_view(pol.id));
    v_m        record;
    v_member   text;
    v_a        record;
    v_reader   text;
    v_path     text;
BEGIN
    FOR v_m IN SELECT m.role::oid AS roleid, m.role_name, ro.rolname
                 FROM mask.member m
                 LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
                WHERE m.policy_id = pol.id
                ORDER BY m.role_name LOOP
        v_member := pg_catalog.quote_ident(COALESCE(v_m.rolname, v_m.role_name));
        IF v_m.rolname IS NULL THEN
            RETURN NEXT ROW('warning', pol.name, v_member,
                pg_catalog.format('Member role %s (OID %s) no longer exists.', v_member, v_m.roleid),
                pg_catalog.format('SELECT mask.remove_member(%L, %L);', pol.name, v_m.roleid::text)
            )::mask_internal.finding;
            CONTINUE;
        END IF;
        v_path := NULL;
        -- the member itself first, then every role granted it
        FOR v_a IN SELECT rd.reader, rd.name, rd.via_grant, p.path, p.hint
                     FROM mask_internal._member_readers(v_m.roleid) rd
                     LEFT JOIN LATERAL (SELECT r.path, r.hint FROM mask_internal._raw_paths(rd.reader, v_rels) r
                                         LIMIT 1) p ON true LOOP
            IF NOT v_a.via_grant THEN
                CONTINUE WHEN v_a.path IS NULL;
                v_path := v_a.path;
                RETURN NEXT ROW('error', pol.name, v_member,
                    'Member can read raw data: ' || v_a.path,
                    v_a.hint || pg_catalog.format(' Or take the role out of the policy: SELECT mask.remove_member(%L, %L);',
                                                  pol.name, v_m.rolname)
                )::mask_internal.finding;
                CONTINUE;
            END IF;
            v_reader := pg_catalog.quote_ident(v_a.name);
            IF v_a.path IS NULL THEN
                RETURN NEXT ROW('info', pol.name, v_reader,
                    pg_catalog.format('Role %s reads the masked views as member %s, which was granted to it; add_member() did not check it.',
                                      v_reader, v_member),
                    pg_catalog.format('SELECT mask.add_member(%L, %L); records it as a member, or REVOKE %s FROM %s;',
                                      pol.name, v_a.name, v_member, v_reader)
                )::mask_internal.finding;
            ELSE
                RETURN NEXT ROW('error', pol.name, v_reader,
                    pg_catalog.format('Role %s reads the masked views as member %s, which was granted to it, and can read raw data: %s',
                                      v_reader, v_member, v_a.path),
                    v_a.hint || pg_catalog.format(' Or REVOKE %s FROM %s;', v_member, v_reader)
                )::mask_internal.finding;
            END IF;
        END LOOP;
        -- Every further check would only repeat this one for a superuser,
        -- and the path is what to close first.
        CONTINUE WHEN v_path IS NOT NULL;
        IF pg_catalog.has_table_privilege(v_m.roleid, 'mask.policy_key', 'SELECT')
           OR (v_key_view IS NOT NULL
               AND pg_catalog.has_table_privilege(v_m.roleid, v_key_view, 'SELECT')) THEN
            RETURN NEXT ROW('error', pol.name, v_member,
                'Member can read the pseudonym key and so compute the pseudonym of any value.',
                pg_catalog.format('Revoke that SELECT (on mask.policy_key or %s), then SELECT mask.rotate_key(%L);',
                                  v_key_view, pol.name)
            )::mask_internal.finding;
        END IF;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_members(mask.policy) IS
'Internal: the findings of mask.verify() about a policy''s members: paths to raw data (also of roles granted a member), the key, roles that no longer exist.';


-- A broken hash chain of the audit log (30_audit.sql).
CREATE FUNCTION mask_internal._verify_audit_chain()
RETURNS SETOF mask_internal.finding
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'error', NULL::name, 'mask.audit_log',
           pg_catalog.format('The audit log''s hash chain is broken at id %s: %s.', l.id, l.problem),
           'Rows were changed, removed or reordered with the append-only triggers disabled (superuser). Compare with a backup or an externally kept hash; the log cannot be repaired in place.'
      FROM mask.verify_audit_log() l
$$;

COMMENT ON FUNCTION mask_internal._verify_audit_chain() IS
'Internal: the finding of mask.verify() about a broken audit log hash chain, one row per break.';


-- maskview's event triggers that are missing or disabled, each with what
-- is then lost: the DDL triggers follow renames and drops (a warning: the
-- next API call follows them too), the key guard refuses objects that
-- would hand a key on (an error: nothing else does).
CREATE FUNCTION mask_internal._verify_event_triggers()
RETURNS SETOF mask_internal.finding
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN x.name = 'maskview_key_guard' THEN 'error' ELSE 'warning' END, NULL::name, x.name,
           CASE WHEN e.evtenabled IS NULL THEN 'The event trigger is missing'
                ELSE 'The event trigger is disabled' END
           || CASE WHEN x.name = 'maskview_key_guard'
                   THEN ': a table owner can make a view, rule or row-security policy that hands its policy''s key to a member.'
                   ELSE ': renames, dropped columns and dropped tables are followed only at the next API call, and go unaudited.' END,
           CASE WHEN e.evtenabled IS NULL
                THEN 'Reinstall the extension''s event triggers (ALTER EXTENSION maskview UPDATE, or drop and create the extension after saving the policies with mask.export_policy()).'
                ELSE pg_catalog.format('ALTER EVENT TRIGGER %I ENABLE;', x.name) END
      FROM (VALUES ('maskview_ddl_command_start'), ('maskview_ddl_command_end'), ('maskview_sql_drop'),
                   ('maskview_drop_extension_guard'), ('maskview_key_guard')) x(name)
      LEFT JOIN pg_catalog.pg_event_trigger e ON e.evtname = x.name
     WHERE e.evtenabled IS NULL OR e.evtenabled = 'D'
$$;

COMMENT ON FUNCTION mask_internal._verify_event_triggers() IS
'Internal: the findings of mask.verify() about maskview''s event triggers that are missing or disabled.';


-- Every finding, unordered; mask.verify() sorts them.  Not SECURITY DEFINER
-- itself (EXECUTE is revoked from PUBLIC): verify() runs it with the
-- extension owner's rights, which reading privileges of every role and
-- sampling tables for detect() needs.  The one list of the finding
-- functions: those of a policy take the policy (and those of a protected
-- table the table too), global ones nothing, so that which policies a call
-- covers is decided here alone.  A new concern adds its function here.
CREATE FUNCTION mask_internal._verify_findings(only_policy name)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pols mask.policy[] := ARRAY(SELECT p FROM mask.policy p
                                   WHERE _verify_findings.only_policy IS NULL
                                      OR p.name = _verify_findings.only_policy
                                   ORDER BY p.name);
    v_pol  mask.policy;
    v_rel  regclass;
BEGIN
    FOREACH v_pol IN ARRAY v_pols LOOP
        RETURN QUERY SELECT * FROM mask_internal._verify_members(v_pol);
        FOR v_rel IN SELECT pr.relation FROM mask.protected pr
                      WHERE pr.policy_id = v_pol.id ORDER BY pr.relation_name LOOP
            RETURN QUERY SELECT * FROM mask_internal._verify_table(v_pol, v_rel);
            -- (a table that is gone has no view, rules or data to look at)
            CONTINUE WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_rel);
            RETURN QUERY SELECT * FROM mask_internal._verify_view(v_pol, v_rel);
            RETURN QUERY SELECT * FROM mask_internal._verify_orphaned_rules(v_pol, v_rel);
            RETURN QUERY SELECT * FROM mask_internal._verify_personal_data(v_pol, v_rel);
        END LOOP;
        RETURN QUERY SELECT * FROM mask_internal._verify_row_security(v_pol);      -- 82_verify_lifecycle.sql
        RETURN QUERY SELECT * FROM mask_internal._verify_key_view(v_pol);          -- 82_verify_keys.sql
        RETURN QUERY SELECT * FROM mask_internal._verify_key_view_access(v_pol);
        RETURN QUERY SELECT * FROM mask_internal._verify_short_pseudonyms(v_pol);
        RETURN QUERY SELECT * FROM mask_internal._verify_view_schema(v_pol);       -- 82_verify_views.sql
        RETURN QUERY SELECT * FROM mask_internal._verify_settings(v_pol);          -- 82_verify_settings.sql
        RETURN QUERY SELECT * FROM mask_internal._verify_citus_copy(v_pol);        -- 82_verify_citus.sql
        RETURN QUERY SELECT * FROM mask_internal._verify_citus(v_pol);
    END LOOP;
    -- Global findings (policy NULL), with or without only_policy.
    RETURN QUERY SELECT * FROM mask_internal._verify_audit_chain();
    RETURN QUERY SELECT * FROM mask_internal._verify_event_triggers();
    RETURN QUERY SELECT * FROM mask_internal._verify_catalog_rows();               -- 82_verify_lifecycle.sql
    RETURN QUERY SELECT * FROM mask_internal._verify_trusted_functions();
    RETURN QUERY SELECT * FROM mask_internal._verify_key_table();                  -- 82_verify_keys.sql
    RETURN QUERY SELECT * FROM mask_internal._verify_citus_workers(v_pols);        -- 82_verify_citus.sql
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_findings(name) IS
'Internal: every finding of mask.verify(), unordered: those of each policy (or of the one named) and the global ones; the one list of the finding functions.';


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
    RETURN QUERY
        SELECT f.severity, f.policy, f.object, f.finding, f.hint
          FROM mask_internal._verify_findings(verify.only_policy) f
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
