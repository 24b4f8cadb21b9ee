-- Citus (continued from 48_citus.sql): repairs run by mask.refresh_privileges().

-- ---------------------------------------------------------------------------
-- Repairs that need more than an event trigger can see.
-- create_distributed_table / create_reference_table of a protected local
-- table keep its OID and run no DDL on the coordinator that an event trigger
-- sees: the view stays the plain form, which members cannot read on a Citus
-- table, and Citus copies it -- and the key view it reads -- to the workers
-- (views that read a table it distributes, with their dependencies).
-- mask.refresh_privileges() calls this for every policy: it drops the copies
-- on the workers (DROP with Citus propagation on, which also forgets them in
-- pg_dist_object), and regenerates the views whose form does not match
-- their table.  mask.verify() reports both (mask_internal._verify_citus).  Not done
-- in the event triggers: dropping on the workers opens connections there.
-- ---------------------------------------------------------------------------

-- Whether Citus marked the relation distributed (it is on the workers).
CREATE FUNCTION mask_internal._citus_on_workers(relation oid)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(mask_internal._citus_catalog(
               'SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_object o
                                WHERE o.classid = ''pg_catalog.pg_class''::pg_catalog.regclass AND o.objid = $1)',
               relation)::boolean, false)
$$;

COMMENT ON FUNCTION mask_internal._citus_on_workers(oid) IS
'Internal: true when Citus lists the relation in pg_dist_object (it propagated it to the workers).';

-- Whether the view of a protected table has the form its table needs: the
-- row function for a Citus table, the table itself otherwise.
CREATE FUNCTION mask_internal._citus_view_form_ok(policy_id integer, relation regclass)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE((
        SELECT (mask_internal._citus_kind(p.relation) IS NOT NULL) = COALESCE(EXISTS (
                   SELECT FROM pg_catalog.pg_rewrite rw
                     JOIN pg_catalog.pg_depend d
                       ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = rw.oid
                      AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                      AND d.refobjid = mask_internal._citus_rows_function(po.view_schema, p.view_name)
                    WHERE rw.ev_class = v.v), false)
          FROM mask.protected p
          JOIN mask.policy po ON po.id = p.policy_id
          CROSS JOIN LATERAL mask_internal._citus_view(p.policy_id, p.relation) v (v)
         WHERE p.policy_id = _citus_view_form_ok.policy_id AND p.relation = _citus_view_form_ok.relation
           AND v.v IS NOT NULL),
        true)
$$;

COMMENT ON FUNCTION mask_internal._citus_view_form_ok(integer, regclass) IS
'Internal: false when the masked view of a Citus table reads the table directly, or that of a local table a row function (true when there is no view).';

-- Why the row function fn of a protected Citus table's view is not what the
-- catalog generates, or NULL when it is: owned by the table owner, SECURITY
-- DEFINER, the body mask_internal._citus_rows_body gives, and exactly the
-- settings mask_internal._citus_prepare pins (search_path and
-- mask_internal._citus_quiet_settings()).  mask.verify() reports the reason;
-- mask.refresh_privileges() regenerates the table when there is one.
CREATE FUNCTION mask_internal._citus_rows_function_differs(policy_id integer, relation regclass,
                                                           fn regprocedure)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
        WHEN f.proowner <> c.relowner THEN
            pg_catalog.format('it is owned by %I, not by the table owner %I',
                              pg_catalog.pg_get_userbyid(f.proowner), pg_catalog.pg_get_userbyid(c.relowner))
        WHEN NOT f.prosecdef THEN 'it is not SECURITY DEFINER'
        WHEN f.prosrc IS DISTINCT FROM mask_internal._citus_rows_body(policy_id, relation) THEN
            'its body differs'
        WHEN (SELECT pg_catalog.array_agg(s ORDER BY s) FROM pg_catalog.unnest(f.proconfig) s)
             IS DISTINCT FROM
             (SELECT pg_catalog.array_agg(s ORDER BY s)
                FROM (SELECT 'search_path=pg_catalog, pg_temp' AS s
                      UNION ALL
                      SELECT q.key || '=' || q.value
                        FROM pg_catalog.jsonb_each_text(mask_internal._citus_quiet_settings()) q) e) THEN
            'its pinned settings differ'
        END
      FROM pg_catalog.pg_proc f, pg_catalog.pg_class c
     WHERE f.oid = fn AND c.oid = relation
$$;

COMMENT ON FUNCTION mask_internal._citus_rows_function_differs(integer, regclass, regprocedure) IS
'Internal: how the row function of a Citus table''s masked view differs from what the catalog generates (owner, SECURITY DEFINER, body, pinned settings), or NULL.';

-- Whether what maskview generated for a Citus table is in place: the view
-- (of the row-function form) and the row function as the catalog generates
-- it, owned by the table owner; for another table, a view that does not
-- read a row function.  mask_internal._citus_repair regenerates the table otherwise.
CREATE FUNCTION mask_internal._citus_generated_ok(policy_id integer, relation regclass)
RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot record;
    v_fn   regprocedure;
BEGIN
    IF NOT mask_internal._citus_view_form_ok(policy_id, relation) THEN
        RETURN false;
    END IF;
    IF mask_internal._citus_kind(relation) IS NULL THEN
        RETURN true;
    END IF;
    SELECT po.view_schema, p.view_name, c.relowner INTO v_prot
      FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
      JOIN pg_catalog.pg_class c ON c.oid = p.relation
     WHERE p.policy_id = _citus_generated_ok.policy_id AND p.relation = _citus_generated_ok.relation;
    v_fn := mask_internal._citus_rows_function(v_prot.view_schema, v_prot.view_name);
    RETURN v_fn IS NOT NULL
       AND mask_internal._citus_view(policy_id, relation) IS NOT NULL
       AND mask_internal._citus_rows_function_differs(policy_id, relation, v_fn) IS NULL;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_generated_ok(integer, regclass) IS
'Internal: false when the masked view of a protected table does not have the form its table needs, or the row function of a Citus table''s view is missing, re-owned or not what the catalog generates.';

-- The Citus table whose shard the protected table has become, or NULL.
-- citus_add_local_table_to_metadata (also run by Citus itself when a local
-- table gets a foreign key to a reference table) renames the table to its
-- shard, <name>_<shardid>, and creates a new shell table of the old name:
-- the event trigger follows the rename, so the protection lands on the
-- shard, which only Citus should read.  Nothing runs after the shell table
-- is registered that an event trigger could see; mask.refresh_privileges()
-- moves the protection to the shell (mask._citus_repair) and mask.verify()
-- reports it until then.
CREATE FUNCTION mask_internal._citus_shell_of(relation regclass)
RETURNS regclass
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._citus_catalog(
               'SELECT s.logicalrelid::pg_catalog.oid FROM pg_catalog.pg_dist_shard s
                 WHERE s.logicalrelid <> $1
                   AND pg_catalog.to_regclass(pg_catalog.shard_name(s.logicalrelid, s.shardid)) = $1
                 LIMIT 1',
               relation)::pg_catalog.oid::pg_catalog.regclass
$$;

COMMENT ON FUNCTION mask_internal._citus_shell_of(regclass) IS
'Internal: the Citus table (shell) whose shard on this node relation is, or NULL (a protected table made a Citus local table is renamed to its shard).';

-- Moves the protection of tables that became the shard of a Citus table to
-- that table (audited follow_table_rebuild); returns whether any moved.
CREATE FUNCTION mask_internal._citus_follow_shards(policy_id integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_p     record;
    v_moved boolean := false;
BEGIN
    FOR v_p IN SELECT p.relation, mask_internal._citus_shell_of(p.relation) AS shell
                 FROM mask.protected p
                WHERE p.policy_id = _citus_follow_shards.policy_id
                ORDER BY p.relation_name LOOP
        CONTINUE WHEN v_p.shell IS NULL
                   OR EXISTS (SELECT FROM mask.protected p2
                               WHERE p2.policy_id = _citus_follow_shards.policy_id AND p2.relation = v_p.shell);
        PERFORM mask_internal._citus_move_protection(policy_id, v_p.relation, v_p.shell,
            'citus_add_local_table_to_metadata',
            'Citus made the table its shard and a new table of its name; the protection follows the new table',
            pg_catalog.jsonb_build_object('to', pg_catalog.format('%s', v_p.shell)));
        v_moved := true;
    END LOOP;
    RETURN v_moved;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_follow_shards(integer) IS
'Internal: moves the protection of tables of a policy that Citus turned into shards (citus_add_local_table_to_metadata) to their Citus table, audited follow_table_rebuild.';

CREATE FUNCTION mask_internal._citus_repair(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key   regclass := pg_catalog.to_regclass(mask_internal._key_view(policy_id));
    v_view  record;
    v_regen boolean := false;
    v_ddl   text;
    v_prev  text;
BEGIN
    IF pg_catalog.current_setting('citus.enable_ddl_propagation', true) IS NULL
       OR pg_catalog.to_regclass('pg_catalog.pg_dist_object') IS NULL THEN
        RETURN;
    END IF;
    -- Tables that Citus turned into shards: the protection goes to the shell.
    v_regen := mask_internal._citus_follow_shards(policy_id);
    v_ddl := mask_internal._citus_ddl_propagation('on');
    -- The generated views on the workers go (with the key view, all of the
    -- policy's: they read it), then the key view; regenerated below.
    FOR v_view IN SELECT v.v AS oid
                    FROM mask.protected p
                    CROSS JOIN LATERAL mask_internal._citus_view(p.policy_id, p.relation) v (v)
                   WHERE p.policy_id = _citus_repair.policy_id AND v.v IS NOT NULL
                     AND (mask_internal._citus_on_workers(v.v) OR mask_internal._citus_on_workers(v_key))
                   ORDER BY p.relation_name LOOP
        PERFORM mask_internal._drop_view_cascade(v_view.oid,
            'Citus copied the masked view to the workers, where it cannot work; it is made again on the coordinator only');
        v_regen := true;
    END LOOP;
    IF mask_internal._citus_on_workers(v_key) THEN
        v_prev := mask_internal._internal_begin();
        EXECUTE pg_catalog.format('DROP VIEW %s', v_key);
        PERFORM mask_internal._internal_end(v_prev);
        v_regen := true;
    END IF;
    PERFORM mask_internal._citus_ddl_propagation(v_ddl);
    -- A row function left beside the view of a table that is no longer a
    -- Citus table (the view reads the table itself).
    FOR v_view IN SELECT po.view_schema, p.view_name
                    FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                   WHERE p.policy_id = _citus_repair.policy_id
                     AND mask_internal._citus_kind(p.relation) IS NULL
                     AND mask_internal._citus_rows_function(po.view_schema, p.view_name) IS NOT NULL
                     AND mask_internal._citus_view_form_ok(p.policy_id, p.relation)
                   ORDER BY p.relation_name LOOP
        v_prev := mask_internal._internal_begin();
        PERFORM mask_internal._citus_drop(v_view.view_schema, v_view.view_name);
        PERFORM mask_internal._internal_end(v_prev);
    END LOOP;
    -- The row functions call mask_internal._key_matches as the table owner.
    PERFORM mask_internal._citus_grant_key_matches(pg_catalog.pg_get_userbyid(o.relowner))
       FROM (SELECT DISTINCT c.relowner
               FROM mask.protected p JOIN pg_catalog.pg_class c ON c.oid = p.relation
              WHERE p.policy_id = _citus_repair.policy_id
                AND mask_internal._citus_kind(p.relation) IS NOT NULL) o;
    IF v_regen OR EXISTS (SELECT FROM mask.protected p
                           WHERE p.policy_id = _citus_repair.policy_id
                             AND NOT mask_internal._citus_generated_ok(p.policy_id, p.relation)) THEN
        PERFORM mask_internal._regenerate_policy(policy_id);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_repair(integer) IS
'Internal: where Citus is loaded, takes the generated views and key view of a policy off the workers and regenerates views whose form does not match their table (after create_distributed_table of a protected table); called by mask.refresh_privileges().';
