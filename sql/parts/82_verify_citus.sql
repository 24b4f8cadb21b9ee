-- ---------------------------------------------------------------------------
-- mask.verify() findings on Citus (48_citus.sql says how a masked view of a
-- Citus table works; doc/citus.md why):
--
--   error    a protected table that Citus turned into the shard of a Citus
--            local table (the protection belongs on the new shell table)
--   error    a Citus table whose view reads the table directly (members get
--            permission denied on the workers: create_distributed_table of
--            a protected table, which no event trigger sees)
--   error    a member or auditor who cannot read a view of a Citus table,
--            and why (EXECUTE on the row function, the owner's EXECUTE on
--            mask_internal._key_matches, SELECT on the view, USAGE on the schema)
--   error    a row function that is not what the catalog generates (its
--            body, SECURITY DEFINER, its owner, its pinned settings)
--   warning  EXECUTE on a row function for a role that does not read the view
--   warning  a row function beside the view of a table that is not (any
--            more) a Citus table
--   error    a generated view, a row function, a key view or a key on a
--            worker (a view or function in a view schema; the materialized
--            masked copies of 49_citus_copy.sql are distributed tables, and
--            belong there): maskview keeps them on the coordinator, and a query
--            started on a worker would read a view there without the key
--   error    SELECT on the shards or shell tables of a protected table on a
--            worker for a member or PUBLIC: raw data through a direct
--            connection to the worker (Citus propagates GRANTs on a
--            distributed table to its shards; the coordinator's grants are
--            checked by mask_internal._raw_paths like any table's)
--
-- The worker checks ask each worker once, through Citus's
-- run_command_on_workers (a connection per worker, as verify()'s caller's
-- rights: the extension owner); a worker that cannot be asked is a warning.
-- Where Citus is not installed this returns nothing.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._verify_citus(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pol     record;
    v_t       record;
    v_fn      regprocedure;
    v_f       record;
    v_g       record;
    v_r       record;
    v_why     text;
    v_readers oid[];
    v_refresh text := 'SELECT mask.refresh_privileges(); regenerates it on the coordinator.';
    v_schemas name[];
    v_keys    text[];
    v_shards  text[];
    v_members text[];
    v_cmd     text;
    v_w       record;
    v_item    text;
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN;
    END IF;
    v_readers := ARRAY(SELECT au.role::oid FROM mask.auditor au);

    FOR v_pol IN SELECT p.id, p.name, p.view_schema FROM mask.policy p
                  WHERE _verify_citus.only_policy IS NULL OR p.name = _verify_citus.only_policy
                  ORDER BY p.name LOOP
        policy := v_pol.name;
        -- (Citus hides shards from queries of pg_class: no join with it here)
        FOR v_t IN SELECT pr.relation_name, mask_internal._citus_shell_of(pr.relation) AS shell
                     FROM mask.protected pr
                    WHERE pr.policy_id = v_pol.id AND mask_internal._citus_shell_of(pr.relation) IS NOT NULL
                    ORDER BY pr.relation_name LOOP
            severity := 'error';
            object := v_t.relation_name;
            finding := pg_catalog.format('The protected table is now a shard of Citus table %s (citus_add_local_table_to_metadata, or a foreign key to a reference table, made it one): the protection is on the shard, not on the table its data is read and written through.',
                                         v_t.shell);
            hint := 'SELECT mask.refresh_privileges(); moves the protection to the Citus table and regenerates its view.';
            RETURN NEXT;
        END LOOP;
        FOR v_t IN SELECT pr.relation, pr.view_name, c.relowner,
                          pg_catalog.format('%I.%I', n.nspname, c.relname) AS name,
                          pg_catalog.format('%I.%I', v_pol.view_schema, pr.view_name) AS view,
                          mask_internal._citus_kind(pr.relation) AS kind,
                          (SELECT v.oid FROM pg_catalog.pg_class v
                             JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
                            WHERE vn.nspname = v_pol.view_schema AND v.relname = pr.view_name
                              AND v.relkind = 'v') AS view_oid
                     FROM mask.protected pr
                     JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE pr.policy_id = v_pol.id
                    ORDER BY pr.relation_name LOOP
            v_fn := mask_internal._citus_rows_function(v_pol.view_schema, v_t.view_name);
            IF v_t.kind IS NULL THEN
                IF v_fn IS NOT NULL THEN
                    severity := 'warning';
                    object := v_fn::text;
                    finding := pg_catalog.format('A row function is left beside the view of %s, which is not a Citus table (any more): the view reads the table itself, and the function only widens what its grantees may call.',
                                                 v_t.name);
                    hint := 'SELECT mask.refresh_privileges(); drops it.';
                    RETURN NEXT;
                END IF;
                CONTINUE;
            END IF;
            CONTINUE WHEN v_t.view_oid IS NULL;    -- reported by _verify_findings
            object := v_t.view;
            IF NOT mask_internal._citus_view_form_ok(v_pol.id, v_t.relation) THEN
                severity := 'error';
                finding := pg_catalog.format('The masked view reads the Citus table directly (%s is a %s table now, distributed or made a reference table after it was protected): Citus opens the shard connections as the reader, so members get permission denied.',
                                             v_t.name, v_t.kind);
                hint := 'SELECT mask.refresh_privileges(); regenerates it over a row function owned by the table owner.';
                RETURN NEXT;
                CONTINUE;
            END IF;

            -- The row function is what the catalog generates.
            SELECT p.proowner, p.prosecdef, p.prosrc, p.proconfig, p.proacl INTO v_f
              FROM pg_catalog.pg_proc p WHERE p.oid = v_fn;
            v_why := NULL;
            IF v_f.proowner <> v_t.relowner THEN
                v_why := pg_catalog.format('it is owned by %I, not by the table owner %I',
                    pg_catalog.pg_get_userbyid(v_f.proowner), pg_catalog.pg_get_userbyid(v_t.relowner));
            ELSIF NOT v_f.prosecdef THEN
                v_why := 'it is not SECURITY DEFINER';
            ELSIF v_f.prosrc IS DISTINCT FROM mask_internal._citus_rows_body(v_pol.id, v_t.relation) THEN
                v_why := 'its body differs';
            ELSIF EXISTS (SELECT FROM pg_catalog.unnest(ARRAY['search_path=pg_catalog, pg_temp',
                                                              'client_min_messages=warning',
                                                              'citus.log_remote_commands=off']) s
                           WHERE NOT (s = ANY (COALESCE(v_f.proconfig, '{}')))) THEN
                v_why := 'its pinned settings differ';
            END IF;
            IF v_why IS NOT NULL THEN
                severity := 'error';
                object := v_fn::text;
                finding := pg_catalog.format('The row function of the masked view of %s differs from what the catalog generates (%s).',
                                             v_t.name, v_why);
                hint := v_refresh;
                RETURN NEXT;
            END IF;

            -- EXECUTE for the view's readers only.
            v_readers := ARRAY(SELECT m.role::oid FROM mask.member m WHERE m.policy_id = v_pol.id
                               UNION SELECT au.role::oid FROM mask.auditor au);
            FOR v_g IN SELECT DISTINCT g.grantee FROM pg_catalog.aclexplode(v_f.proacl) g
                        WHERE g.grantee <> v_f.proowner AND NOT (g.grantee = ANY (v_readers))
                        ORDER BY 1 LOOP
                severity := 'warning';
                object := v_fn::text;
                finding := pg_catalog.format('%s can call the row function of the masked view of %s without being a member or an auditor (it returns the masked rows).',
                    mask_internal._grantee_label(v_g.grantee),
                    v_t.name);
                hint := pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM %s;', v_fn, mask_internal._grantee_name(v_g.grantee));
                RETURN NEXT;
            END LOOP;

            -- Every reader can read the view (the plain form is above).
            FOR v_r IN SELECT ro.oid, ro.rolname FROM pg_catalog.pg_roles ro
                        WHERE ro.oid = ANY (v_readers) AND NOT ro.rolsuper ORDER BY ro.rolname LOOP
                v_why := CASE
                    WHEN NOT pg_catalog.has_schema_privilege(v_r.oid, v_pol.view_schema, 'USAGE')
                        THEN pg_catalog.format('no USAGE on schema %I', v_pol.view_schema)
                    WHEN NOT pg_catalog.has_table_privilege(v_r.oid, v_t.view_oid, 'SELECT')
                        THEN 'no SELECT on the view'
                    WHEN NOT pg_catalog.has_function_privilege(v_r.oid, v_fn, 'EXECUTE')
                        THEN pg_catalog.format('no EXECUTE on its row function %s', v_fn)
                    WHEN NOT pg_catalog.has_schema_privilege(v_t.relowner, 'mask_internal', 'USAGE')
                        THEN pg_catalog.format('the table owner %I has no USAGE on schema mask_internal, whose mask_internal._key_matches the row function calls',
                                               pg_catalog.pg_get_userbyid(v_t.relowner))
                    WHEN NOT pg_catalog.has_function_privilege(v_t.relowner, 'mask_internal._key_matches(integer, bytea)', 'EXECUTE')
                        THEN pg_catalog.format('the table owner %I may not execute mask_internal._key_matches, which the row function calls',
                                               pg_catalog.pg_get_userbyid(v_t.relowner))
                    WHEN NOT pg_catalog.has_table_privilege(v_t.relowner, v_t.relation, 'SELECT')
                        THEN pg_catalog.format('the table owner %I has no SELECT on %s, which the row function reads as the owner',
                                               pg_catalog.pg_get_userbyid(v_t.relowner), v_t.name)
                    END;
                CONTINUE WHEN v_why IS NULL;
                severity := 'error';
                object := v_t.view;
                finding := pg_catalog.format('Role %I cannot read %s: %s.', v_r.rolname, v_t.view, v_why);
                hint := v_refresh;
                RETURN NEXT;
            END LOOP;
        END LOOP;
    END LOOP;

    -- ------------------------------------------------- the workers ---
    -- One query per worker: relations and functions in the view schemas and
    -- key views, keys, and SELECT for members or PUBLIC on the shards and
    -- shell tables of the protected Citus tables.
    v_schemas := ARRAY(SELECT p.view_schema FROM mask.policy p
                        WHERE _verify_citus.only_policy IS NULL OR p.name = _verify_citus.only_policy);
    v_keys := ARRAY(SELECT mask_internal._key_view_name(p.id) FROM mask.policy p
                     WHERE _verify_citus.only_policy IS NULL OR p.name = _verify_citus.only_policy);
    EXECUTE $q$
        SELECT COALESCE(pg_catalog.array_agg(x), '{}') FROM (
            SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) || E'\t'
                   || pg_catalog.format('%I.%I', n.nspname, c.relname) AS x
              FROM pg_catalog.pg_dist_partition dp
              JOIN pg_catalog.pg_class c ON c.oid = dp.logicalrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE dp.logicalrelid IN (SELECT pr.relation FROM mask.protected pr JOIN mask.policy p ON p.id = pr.policy_id
                                        WHERE $1 IS NULL OR p.name = $1)
            UNION ALL
            SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) || E'\t'
                   || pg_catalog.shard_name(s.logicalrelid, s.shardid)
              FROM pg_catalog.pg_dist_shard s
              JOIN pg_catalog.pg_class c ON c.oid = s.logicalrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE s.logicalrelid IN (SELECT pr.relation FROM mask.protected pr JOIN mask.policy p ON p.id = pr.policy_id
                                       WHERE $1 IS NULL OR p.name = $1)) t$q$
       INTO v_shards USING _verify_citus.only_policy;
    v_members := ARRAY(SELECT DISTINCT ro.rolname::text FROM mask.member m
                         JOIN mask.policy p ON p.id = m.policy_id
                         JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
                        WHERE _verify_citus.only_policy IS NULL OR p.name = _verify_citus.only_policy);
    <<workers>>
    BEGIN
        IF v_schemas = '{}' THEN
            EXIT workers;
        END IF;
        v_cmd := pg_catalog.format($w$
            SELECT COALESCE(pg_catalog.string_agg(x, E'\n' ORDER BY x), '') FROM (
                SELECT 'relation ' || c.oid::pg_catalog.regclass::text AS x
                  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'v'   -- (a materialized masked copy is a distributed table there)
                   AND (n.nspname = ANY (%L::name[]) OR (n.nspname IN ('mask', 'mask_internal') AND c.relname = ANY (%L::name[])))
                UNION ALL
                SELECT 'function ' || p.oid::pg_catalog.regprocedure::text
                  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = ANY (%L::name[])
                UNION ALL
                SELECT 'key ' || k.policy_id FROM mask.policy_key k
                UNION ALL
                SELECT DISTINCT 'grant ' || CASE WHEN g.grantee = 0 THEN 'PUBLIC'
                                                  ELSE pg_catalog.pg_get_userbyid(g.grantee)::text END
                                || ' ' || pg_catalog.split_part(t.name, E'\t', 1)
                  FROM pg_catalog.unnest(%L::text[]) t(name)
                  JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(pg_catalog.split_part(t.name, E'\t', 2))
                  CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) g
                 WHERE g.privilege_type = 'SELECT' AND g.grantee <> c.relowner
                   AND (g.grantee = 0 OR pg_catalog.pg_get_userbyid(g.grantee) = ANY (%L::text[]))) s$w$,
            v_schemas, v_keys, v_schemas, v_shards, v_members);
        FOR v_w IN EXECUTE 'SELECT w.nodename, w.nodeport, w.success, w.result FROM pg_catalog.run_command_on_workers($1) w ORDER BY 1, 2'
                   USING v_cmd LOOP
            policy := NULL;
            IF NOT v_w.success THEN
                severity := 'warning';
                object := pg_catalog.format('worker %s:%s', v_w.nodename, v_w.nodeport);
                finding := 'The worker could not be checked for maskview objects and shard grants: ' || v_w.result;
                hint := 'Run mask.verify() again when every worker answers.';
                RETURN NEXT;
                CONTINUE;
            END IF;
            FOREACH v_item IN ARRAY COALESCE(pg_catalog.string_to_array(NULLIF(v_w.result, ''), E'\n'), '{}') LOOP
                severity := 'error';
                IF v_item LIKE 'grant %' THEN
                    object := pg_catalog.split_part(v_item, ' ', 3);
                    finding := pg_catalog.format('%s can read shards of %s on the worker %s:%s (SELECT granted there): raw data through a direct connection to the worker.',
                        CASE WHEN pg_catalog.split_part(v_item, ' ', 2) = 'PUBLIC' THEN 'PUBLIC'
                             ELSE 'Role ' || pg_catalog.split_part(v_item, ' ', 2) END,
                        object, v_w.nodename, v_w.nodeport);
                    hint := pg_catalog.format('SELECT run_command_on_placements(%L, %L); and REVOKE ALL ON %s FROM %s; on the coordinator.',
                        object, 'REVOKE ALL ON %s FROM ' || pg_catalog.split_part(v_item, ' ', 2),
                        object, pg_catalog.split_part(v_item, ' ', 2));
                ELSIF v_item LIKE 'key %' THEN
                    object := 'mask.policy_key';
                    finding := pg_catalog.format('The pseudonym key of policy id %s is on the worker %s:%s: maskview keeps keys on the coordinator.',
                        pg_catalog.split_part(v_item, ' ', 2), v_w.nodename, v_w.nodeport);
                    hint := pg_catalog.format('On that worker: DELETE FROM mask.policy_key; then SELECT mask.rotate_key(...); for the policy, since the key may be known.');
                ELSE
                    object := pg_catalog.substr(v_item, pg_catalog.strpos(v_item, ' ') + 1);
                    finding := pg_catalog.format('This %s is on the workers too (%s:%s): maskview keeps its generated views, row functions and key views on the coordinator, and a query started on a worker would read a masked view there without the key (NULL pseudonyms).',
                        pg_catalog.split_part(v_item, ' ', 1), v_w.nodename, v_w.nodeport);
                    hint := 'SELECT mask.refresh_privileges(); takes what Citus copied off the workers; drop anything else there by hand.';
                END IF;
                RETURN NEXT;
            END LOOP;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        policy := NULL;
        severity := 'warning';
        object := 'Citus workers';
        finding := 'The workers could not be checked for maskview objects and shard grants: ' || SQLERRM;
        hint := 'Run mask.verify() as a superuser on the coordinator when every worker answers.';
        RETURN NEXT;
    END;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_citus(name) IS
'Internal: mask.verify() findings on Citus: views of Citus tables members cannot read or in the wrong form, row functions that differ or are granted too widely, maskview objects and keys on the workers, member grants on shards.';
