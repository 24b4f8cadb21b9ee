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
-- The findings about materialized masked copies are listed above
-- mask_internal._verify_citus_copy.  Where Citus is not installed (or no
-- copy is kept) these functions return nothing.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._verify_citus(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_t       record;
    v_fn      regprocedure;
    v_f       record;
    v_g       record;
    v_r       record;
    v_why     text;
    v_readers oid[];
    v_refresh text := 'SELECT mask.refresh_privileges(); regenerates it on the coordinator.';
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN;
    END IF;
    -- (Citus hides shards from queries of pg_class: no join with it here)
    FOR v_t IN SELECT pr.relation_name, mask_internal._citus_shell_of(pr.relation) AS shell
                 FROM mask.protected pr
                WHERE pr.policy_id = pol.id AND mask_internal._citus_shell_of(pr.relation) IS NOT NULL
                ORDER BY pr.relation_name LOOP
        RETURN NEXT ROW('error', pol.name, v_t.relation_name,
            pg_catalog.format('The protected table is now a shard of Citus table %s (citus_add_local_table_to_metadata, or a foreign key to a reference table, made it one): the protection is on the shard, not on the table its data is read and written through.',
                              v_t.shell),
            'SELECT mask.refresh_privileges(); moves the protection to the Citus table and regenerates its view.'
        )::mask_internal.finding;
    END LOOP;
    FOR v_t IN SELECT pr.relation, pr.view_name, c.relowner,
                      pg_catalog.format('%I.%I', n.nspname, c.relname) AS name,
                      pg_catalog.format('%I.%I', pol.view_schema, pr.view_name) AS view,
                      mask_internal._citus_kind(pr.relation) AS kind,
                      mask_internal._citus_view(pol.id, pr.relation) AS view_oid
                 FROM mask.protected pr
                 JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE pr.policy_id = pol.id
                ORDER BY pr.relation_name LOOP
        v_fn := mask_internal._citus_rows_function(pol.view_schema, v_t.view_name);
        IF v_t.kind IS NULL THEN
            IF v_fn IS NOT NULL THEN
                RETURN NEXT ROW('warning', pol.name, v_fn::text,
                    pg_catalog.format('A row function is left beside the view of %s, which is not a Citus table (any more): the view reads the table itself, and the function only widens what its grantees may call.',
                                      v_t.name),
                    'SELECT mask.refresh_privileges(); drops it.'
                )::mask_internal.finding;
            END IF;
            CONTINUE;
        END IF;
        CONTINUE WHEN v_t.view_oid IS NULL;    -- reported by _verify_view
        IF NOT mask_internal._citus_view_form_ok(pol.id, v_t.relation) THEN
            RETURN NEXT ROW('error', pol.name, v_t.view,
                pg_catalog.format('The masked view reads the Citus table directly (%s is a %s table now, distributed or made a reference table after it was protected): Citus opens the shard connections as the reader, so members get permission denied.',
                                  v_t.name, v_t.kind),
                'SELECT mask.refresh_privileges(); regenerates it over a row function owned by the table owner.'
            )::mask_internal.finding;
            CONTINUE;
        END IF;

        -- The row function is what the catalog generates.
        SELECT p.proowner, p.proacl INTO v_f FROM pg_catalog.pg_proc p WHERE p.oid = v_fn;
        v_why := mask_internal._citus_rows_function_differs(pol.id, v_t.relation, v_fn);
        IF v_why IS NOT NULL THEN
            RETURN NEXT ROW('error', pol.name, v_fn::text,
                pg_catalog.format('The row function of the masked view of %s differs from what the catalog generates (%s).',
                                  v_t.name, v_why),
                v_refresh
            )::mask_internal.finding;
        END IF;

        -- EXECUTE for the view's readers only.
        v_readers := mask_internal._policy_readers(pol.id);
        FOR v_g IN SELECT DISTINCT g.grantee FROM pg_catalog.aclexplode(v_f.proacl) g
                    WHERE g.grantee <> v_f.proowner AND NOT (g.grantee = ANY (v_readers))
                    ORDER BY 1 LOOP
            RETURN NEXT ROW('warning', pol.name, v_fn::text,
                pg_catalog.format('%s can call the row function of the masked view of %s without being a member or an auditor (it returns the masked rows).',
                                  mask_internal._grantee_label(v_g.grantee), v_t.name),
                pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM %s;', v_fn, mask_internal._grantee_name(v_g.grantee))
            )::mask_internal.finding;
        END LOOP;

        -- Every reader can read the view (the plain form is above).
        FOR v_r IN SELECT ro.oid, ro.rolname FROM pg_catalog.pg_roles ro
                    WHERE ro.oid = ANY (v_readers) AND NOT ro.rolsuper ORDER BY ro.rolname LOOP
            v_why := CASE
                WHEN NOT pg_catalog.has_schema_privilege(v_r.oid, pol.view_schema, 'USAGE')
                    THEN pg_catalog.format('no USAGE on schema %I', pol.view_schema)
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
            RETURN NEXT ROW('error', pol.name, v_t.view,
                pg_catalog.format('Role %I cannot read %s: %s.', v_r.rolname, v_t.view, v_why),
                v_refresh
            )::mask_internal.finding;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_citus(mask.policy) IS
'Internal: mask.verify() findings on Citus about a policy: protected tables made shards, views of Citus tables members cannot read or in the wrong form, row functions that differ or are granted too widely.';


-- The materialized masked copies of a policy (49_citus_copy*.sql):
--   error    the copy holds rows masked by other rules or another row filter
--            than the current ones; its columns differ from the view's; it
--            is not owned by the extension owner; a role other than the
--            policy's readers has a privilege on it, or a reader more than
--            SELECT; the table is not protected by the policy any more
--   warning  the copy is missing or not a distributed table; it is empty
--            (never refreshed, or emptied by a change of the rules); the
--            key was rotated since its refresh (old tokens); a reader
--            cannot read it
--   info     when it was refreshed, by whom, and how many rows it holds
CREATE FUNCTION mask_internal._verify_citus_copy(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc      record;
    v_object  text;
    v_copy    regclass;
    v_view    regclass;
    v_readers oid[];
    v_g       record;
    v_keyat   timestamptz;
BEGIN
    FOR v_cc IN SELECT c.*, p.relation_name, p.relation IS NOT NULL AS protected
                  FROM mask.citus_copy c
                  LEFT JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE c.policy_id = pol.id
                 ORDER BY c.copy_name LOOP
        v_object := pg_catalog.format('%I.%I', pol.view_schema, v_cc.copy_name);
        v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
        IF NOT v_cc.protected THEN
            RETURN NEXT ROW('error', pol.name, v_object,
                'A masked copy is kept for a table the policy no longer protects.',
                'Run SELECT mask.refresh_privileges(); it drops the copy.'
            )::mask_internal.finding;
            CONTINUE;
        END IF;
        IF v_copy IS NULL OR mask_internal._citus_kind(v_copy) IS DISTINCT FROM 'distributed' THEN
            RETURN NEXT ROW('warning', pol.name, v_object,
                pg_catalog.format('The masked copy of %s is %s.', v_cc.relation_name,
                    CASE WHEN v_copy IS NULL THEN 'missing' ELSE 'not a Citus distributed table' END),
                pg_catalog.format('SELECT mask.refresh(%L); creates it again.', pol.name)
            )::mask_internal.finding;
            CONTINUE;
        END IF;
        v_view := mask_internal._citus_view(v_cc.policy_id, v_cc.relation);
        IF v_view IS NULL OR mask_internal._citus_copy_signature(v_copy) <> mask_internal._citus_copy_signature(v_view) THEN
            RETURN NEXT ROW('error', pol.name, v_object,
                pg_catalog.format('The columns of the masked copy of %s differ from those of its masked view (the rules): %s.',
                    v_cc.relation_name, mask_internal._citus_copy_signature(v_copy)),
                pg_catalog.format('SELECT mask.refresh(%L); creates it again with the columns of the view.', pol.name)
            )::mask_internal.finding;
        END IF;
        IF v_cc.filled_with IS NOT NULL
           AND v_cc.filled_with IS DISTINCT FROM mask_internal._citus_copy_definition(v_cc.policy_id, v_cc.relation) THEN
            RETURN NEXT ROW('error', pol.name, v_object,
                pg_catalog.format('The masked copy of %s holds rows masked by other rules or another row filter than the policy''s current ones.',
                                  v_cc.relation_name),
                pg_catalog.format('SELECT mask.refresh(%L);', pol.name)
            )::mask_internal.finding;
        END IF;
        IF (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = v_copy) <> mask_internal._extension_owner() THEN
            RETURN NEXT ROW('error', pol.name, v_object,
                pg_catalog.format('The masked copy of %s is owned by %s, not by the extension owner: its owner can change its rows and grants.',
                    v_cc.relation_name,
                    (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = v_copy)),
                pg_catalog.format('SELECT mask.refresh(%L); creates it again.', pol.name)
            )::mask_internal.finding;
        END IF;
        v_readers := mask_internal._policy_readers(v_cc.policy_id);
        -- (readers get SELECT on the whole copy, nobody a column grant or a grant option)
        FOR v_g IN SELECT * FROM mask_internal._grants_beyond_reading(v_copy, v_readers) LOOP
            RETURN NEXT ROW('error', pol.name, v_object,
                pg_catalog.format('%s holds %s on %sthe masked copy of %s, which only the policy''s readers may read.',
                    mask_internal._grantee_name(v_g.grantee),
                    v_g.privilege_type || CASE WHEN v_g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                    COALESCE('column ' || pg_catalog.quote_ident(v_g.attname) || ' of ', ''),
                    v_cc.relation_name),
                'Run SELECT mask.refresh_privileges(); it revokes grants maskview did not make.'
            )::mask_internal.finding;
        END LOOP;
        FOR v_g IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                    WHERE ro.oid = ANY (v_readers)
                      AND NOT pg_catalog.has_table_privilege(ro.oid, v_copy, 'SELECT')
                    ORDER BY 1 LOOP
            RETURN NEXT ROW('warning', pol.name, v_object,
                pg_catalog.format('Reader %s of the policy cannot read the masked copy of %s.',
                                  pg_catalog.quote_ident(v_g.rolname), v_cc.relation_name),
                'Run SELECT mask.refresh_privileges();'
            )::mask_internal.finding;
        END LOOP;
        IF v_cc.filled_with IS NULL THEN
            RETURN NEXT ROW('warning', pol.name, v_object,
                pg_catalog.format('The masked copy of %s is empty: %s.', v_cc.relation_name,
                    CASE WHEN v_cc.refreshed_at IS NULL THEN 'it was never refreshed'
                         ELSE 'a change of the rules emptied it after its refresh at '
                              || pg_catalog.to_char(v_cc.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' END),
                pg_catalog.format('SELECT mask.refresh(%L);', pol.name)
            )::mask_internal.finding;
            CONTINUE;
        END IF;
        SELECT k.created_at INTO v_keyat FROM mask.policy_key k WHERE k.policy_id = v_cc.policy_id;
        IF v_keyat IS DISTINCT FROM v_cc.key_created_at THEN
            RETURN NEXT ROW('warning', pol.name, v_object,
                pg_catalog.format('The masked copy of %s holds pseudonyms of the key the policy had before mask.rotate_key(): they no longer match the view''s.',
                                  v_cc.relation_name),
                pg_catalog.format('SELECT mask.refresh(%L);', pol.name)
            )::mask_internal.finding;
        END IF;
        RETURN NEXT ROW('info', pol.name, v_object,
            pg_catalog.format('The masked copy of %s holds %s rows as of %s UTC (refreshed by %s); changes to the table since are not in it.',
                v_cc.relation_name, v_cc.refreshed_rows,
                pg_catalog.to_char(v_cc.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                pg_catalog.quote_ident(v_cc.refreshed_by)),
            pg_catalog.format('SELECT mask.refresh(%L); to bring it up to date.', pol.name)
        )::mask_internal.finding;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_citus_copy(mask.policy) IS
'Internal (mask.verify()): a policy''s masked copies of Citus tables that are missing, empty, stale (rules, filter or key changed since their refresh), of other columns than their view, of another owner, or readable by roles other than the policy''s readers.';


-- maskview objects and keys on the workers, and SELECT for members or PUBLIC
-- on the shards and shell tables of the policies' protected Citus tables:
-- one query per worker.  Global findings (policy NULL) about the policies
-- verify() covers.
CREATE FUNCTION mask_internal._verify_citus_workers(pols mask.policy[])
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_ids     integer[];
    v_schemas name[];
    v_keys    text[];
    v_shards  text[];
    v_members text[];
    v_cmd     text;
    v_w       record;
    v_item    text;
    v_grantee text;
    v_table   text;
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN;
    END IF;
    v_ids := ARRAY(SELECT p.id FROM pg_catalog.unnest(pols) p);
    v_schemas := ARRAY(SELECT p.view_schema FROM pg_catalog.unnest(pols) p);
    v_keys := ARRAY(SELECT mask_internal._key_view_name(p.id) FROM pg_catalog.unnest(pols) p);
    EXECUTE $q$
        SELECT COALESCE(pg_catalog.array_agg(x), '{}') FROM (
            SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) || E'\t'
                   || pg_catalog.format('%I.%I', n.nspname, c.relname) AS x
              FROM pg_catalog.pg_dist_partition dp
              JOIN pg_catalog.pg_class c ON c.oid = dp.logicalrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE dp.logicalrelid IN (SELECT pr.relation FROM mask.protected pr WHERE pr.policy_id = ANY ($1))
            UNION ALL
            SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) || E'\t'
                   || pg_catalog.shard_name(s.logicalrelid, s.shardid)
              FROM pg_catalog.pg_dist_shard s
              JOIN pg_catalog.pg_class c ON c.oid = s.logicalrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE s.logicalrelid IN (SELECT pr.relation FROM mask.protected pr WHERE pr.policy_id = ANY ($1))) t$q$
       INTO v_shards USING v_ids;
    v_members := ARRAY(SELECT DISTINCT ro.rolname::text FROM mask.member m
                         JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
                        WHERE m.policy_id = ANY (v_ids));
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
            IF NOT v_w.success THEN
                RETURN NEXT ROW('warning', NULL, pg_catalog.format('worker %s:%s', v_w.nodename, v_w.nodeport),
                    'The worker could not be checked for maskview objects and shard grants: ' || v_w.result,
                    'Run mask.verify() again when every worker answers.'
                )::mask_internal.finding;
                CONTINUE;
            END IF;
            FOREACH v_item IN ARRAY COALESCE(pg_catalog.string_to_array(NULLIF(v_w.result, ''), E'\n'), '{}') LOOP
                IF v_item LIKE 'grant %' THEN
                    v_grantee := pg_catalog.split_part(v_item, ' ', 2);
                    v_table := pg_catalog.split_part(v_item, ' ', 3);
                    RETURN NEXT ROW('error', NULL, v_table,
                        pg_catalog.format('%s can read shards of %s on the worker %s:%s (SELECT granted there): raw data through a direct connection to the worker.',
                                          CASE WHEN v_grantee = 'PUBLIC' THEN 'PUBLIC' ELSE 'Role ' || v_grantee END,
                                          v_table, v_w.nodename, v_w.nodeport),
                        pg_catalog.format('SELECT run_command_on_placements(%L, %L); and REVOKE ALL ON %s FROM %s; on the coordinator.',
                                          v_table, 'REVOKE ALL ON %s FROM ' || v_grantee, v_table, v_grantee)
                    )::mask_internal.finding;
                ELSIF v_item LIKE 'key %' THEN
                    RETURN NEXT ROW('error', NULL, 'mask.policy_key',
                        pg_catalog.format('The pseudonym key of policy id %s is on the worker %s:%s: maskview keeps keys on the coordinator.',
                                          pg_catalog.split_part(v_item, ' ', 2), v_w.nodename, v_w.nodeport),
                        'On that worker: DELETE FROM mask.policy_key; then SELECT mask.rotate_key(...); for the policy, since the key may be known.'
                    )::mask_internal.finding;
                ELSE
                    RETURN NEXT ROW('error', NULL, pg_catalog.substr(v_item, pg_catalog.strpos(v_item, ' ') + 1),
                        pg_catalog.format('This %s is on the workers too (%s:%s): maskview keeps its generated views, row functions and key views on the coordinator, and a query started on a worker would read a masked view there without the key (NULL pseudonyms).',
                                          pg_catalog.split_part(v_item, ' ', 1), v_w.nodename, v_w.nodeport),
                        'SELECT mask.refresh_privileges(); takes what Citus copied off the workers; drop anything else there by hand.'
                    )::mask_internal.finding;
                END IF;
            END LOOP;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        RETURN NEXT ROW('warning', NULL, 'Citus workers',
            'The workers could not be checked for maskview objects and shard grants: ' || SQLERRM,
            'Run mask.verify() as a superuser on the coordinator when every worker answers.'
        )::mask_internal.finding;
    END;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_citus_workers(mask.policy[]) IS
'Internal: mask.verify() findings on the Citus workers about the given policies: generated views, row functions, key views and keys found there, SELECT for members or PUBLIC on shards of protected tables; a warning when a worker cannot be asked.';
