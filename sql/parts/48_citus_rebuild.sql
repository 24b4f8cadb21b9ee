-- Citus (continued from 48_citus.sql): following the table rebuilds of Citus.

-- ---------------------------------------------------------------------------
-- Table rebuilds.  alter_distributed_table, undistribute_table and
-- create_distributed_table of a Citus local table make a new table: Citus
-- creates <name>_<hash> beside the old one, moves the rows, drops the old
-- table (DROP TABLE ... CASCADE) and renames the new one to the old name, all
-- in one transaction (ReplaceTable in Citus's alter_table.c).  It is the same
-- table to everyone -- name, columns, data, indexes, grants, the views that
-- read it -- and so to maskview: when a protected table is dropped while a
-- table of that Citus name and with its columns stands beside it, the
-- protection moves to the new table (mask_internal._on_sql_drop, audited
-- follow_table_rebuild) and the rename that follows regenerates its view.
-- Refusing the rebuild instead would make Citus's own maintenance (shard
-- counts, undistributing, converting local tables) impossible on a protected
-- table short of unprotecting it and losing its rules.
-- ---------------------------------------------------------------------------

-- The name Citus gives the new table of a rebuild of relname: relname_<hash>
-- with the unsigned 32-bit hash_any of the name (hashtext), shortened like a
-- shard name when it would not fit (AppendShardIdToName).
CREATE FUNCTION mask_internal._citus_rebuild_name(relname name)
RETURNS name
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hash   bigint := (pg_catalog.hashtext(relname::text)::bigint + 4294967296) % 4294967296;
    v_suffix text := '_' || v_hash::text;
    v_clip   text := relname::text;
BEGIN
    IF pg_catalog.octet_length(relname::text) < 64 - pg_catalog.octet_length(v_suffix) THEN
        RETURN (relname::text || v_suffix)::name;
    END IF;
    -- at most NAMEDATALEN (64) - len(suffix) - 10 bytes of the name, whole
    -- characters (pg_mbcliplen)
    WHILE pg_catalog.octet_length(v_clip) > 64 - pg_catalog.octet_length(v_suffix) - 10 LOOP
        v_clip := pg_catalog.left(v_clip, -1);
    END LOOP;
    RETURN (v_clip || '_' || pg_catalog.lpad(pg_catalog.to_hex(v_hash), 8, '0') || v_suffix)::name;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_rebuild_name(name) IS
'Internal: the name Citus gives the new table when it rebuilds table relname (alter_distributed_table, undistribute_table).';

-- The new table of a Citus rebuild of the protected table schema.relname,
-- which is being dropped: the table of the rebuild name in the same schema
-- that has every column the catalog knows of the old one; NULL when there is
-- none, or Citus is not installed (then it is an ordinary DROP TABLE).
CREATE FUNCTION mask_internal._citus_rebuilt_table(schema_name name, relname name, columns jsonb)
RETURNS regclass
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.oid::pg_catalog.regclass
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL
       AND n.nspname = _citus_rebuilt_table.schema_name
       AND c.relname = mask_internal._citus_rebuild_name(_citus_rebuilt_table.relname)
       AND c.relkind IN ('r', 'p', 'f')
       AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_object_keys(_citus_rebuilt_table.columns) k
                        WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                                           WHERE a.attrelid = c.oid AND a.attname = k
                                             AND a.attnum > 0 AND NOT a.attisdropped))
$$;

COMMENT ON FUNCTION mask_internal._citus_rebuilt_table(name, name, jsonb) IS
'Internal: the new table Citus made to rebuild the protected table schema_name.relname that is being dropped, or NULL.';

-- Moves the protection of a table of a policy to the table Citus replaced
-- it with -- its rules, the protection and the materialized masked copy
-- (49_citus_copy.sql) -- audited follow_table_rebuild with the command that
-- did it and why (details: more to record).
CREATE FUNCTION mask_internal._citus_move_protection(policy_id integer, from_relation oid, to_relation regclass,
                                                     command text, note text, details jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prev text := mask_internal._internal_begin();
BEGIN
    UPDATE mask.rule r SET relation = to_relation
     WHERE r.policy_id = _citus_move_protection.policy_id AND r.relation = from_relation;
    UPDATE mask.protected p SET relation = to_relation
     WHERE p.policy_id = _citus_move_protection.policy_id AND p.relation = from_relation;
    UPDATE mask.citus_copy cc SET relation = to_relation
     WHERE cc.policy_id = _citus_move_protection.policy_id AND cc.relation = from_relation;
    PERFORM mask_internal._internal_end(v_prev);
    PERFORM mask_internal._audit('follow_table_rebuild', po.name, p.relation_name,
                pg_catalog.jsonb_build_object('command', command,
                    'from_oid', from_relation, 'to_oid', to_relation::oid,
                    'view', pg_catalog.format('%I.%I', po.view_schema, p.view_name),
                    'note', note) || details)
       FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
      WHERE p.policy_id = _citus_move_protection.policy_id AND p.relation = to_relation;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_move_protection(integer, oid, regclass, text, text, jsonb) IS
'Internal: moves a policy''s rules, protection and masked copy from a table Citus replaced to its new table, audited follow_table_rebuild.';

-- Moves the protection of a rebuilt table to its new table (called by
-- mask_internal._on_sql_drop) and returns the new table, or NULL when the drop is
-- not a rebuild.  The catalog keeps the table's name: the new table takes it
-- back by the rename that ends the rebuild, whose ddl_command_end
-- regenerates the view (until then a Citus view's row function reads the
-- table by that name).
CREATE FUNCTION mask_internal._citus_follow_rebuild(relation oid, schema_name name, relname name, command text)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_new    regclass;
    v_policy integer;
BEGIN
    SELECT mask_internal._citus_rebuilt_table(schema_name, relname, p.columns) INTO v_new
      FROM mask.protected p WHERE p.relation = _citus_follow_rebuild.relation
     ORDER BY p.policy_id LIMIT 1;
    IF v_new IS NULL OR EXISTS (SELECT FROM mask.protected p WHERE p.relation = v_new) THEN
        RETURN NULL;
    END IF;
    FOR v_policy IN SELECT p.policy_id FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                     WHERE p.relation = _citus_follow_rebuild.relation ORDER BY po.name LOOP
        PERFORM mask_internal._citus_move_protection(v_policy, relation, v_new, command,
            'Citus rebuilt the table (a new table of the same name, columns and data); the protection follows it');
    END LOOP;
    RETURN v_new;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_follow_rebuild(oid, name, name, text) IS
'Internal: when a dropped protected table is being rebuilt by Citus (alter_distributed_table, undistribute_table), moves its protection to the new table and audits follow_table_rebuild; NULL for an ordinary drop.';
