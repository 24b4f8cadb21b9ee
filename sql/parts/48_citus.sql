-- ---------------------------------------------------------------------------
-- Citus: masked views over distributed and reference tables.
--
-- Citus runs the shard queries of a query over a distributed table on
-- connections opened as the current user (Citus issues #1683, #6161): a
-- member reading an ordinary generated view would need privileges on the
-- raw shards, and gets "permission denied" instead.  So for a Citus table
-- the generated view reads through a set-returning function of its own,
--     <view_schema>."<view_name>_rows"(key bytea)
-- owned by the table's owner and SECURITY DEFINER: inside it the current
-- user is the owner, and Citus opens the shard connections as the owner.
-- The view is
--     SELECT * FROM <view_schema>."<view_name>_rows"((<key subquery>))
-- with the key subquery of every generated view (mask_internal._key_sql), evaluated
-- as the reader before the function runs, so the key rules of 41_keys.sql
-- apply unchanged.  The function checks the key it is given against the
-- policy's (mask_internal._key_matches) and uses NULL otherwise: called directly with
-- a key of the caller's choice it cannot compute pseudonyms of raw values.
--
-- Inside the function, the masks of the rules run on the workers (the
-- masked query is pushed down shard by shard), but mask.pseudonym runs on
-- the coordinator: the rows come up through a subquery (OFFSET 0 makes
-- Citus plan it as a distributed subplan), and the pseudonyms are computed
-- over it, so the key never travels to a worker nor appears in a shard
-- query (which citus.log_remote_commands would show to the reader).
--
-- What this costs: the member's WHERE, ORDER BY and LIMIT are not pushed
-- into the function (it is a security barrier by construction: a leaky
-- function of the member's sees only masked rows), so every read scans the
-- table.  The function and the view live on the coordinator only.
-- On a database without Citus nothing here does anything.
-- ---------------------------------------------------------------------------

-- 'distributed' or 'reference' for a Citus table, NULL otherwise (and
-- always NULL where Citus is not installed).
CREATE FUNCTION mask_internal._citus_kind(relation regclass)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kind "char";
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT p.partmethod FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1'
       INTO v_kind USING relation;
    IF v_kind IS NULL THEN
        RETURN NULL;                            -- a local table
    END IF;
    RETURN CASE v_kind WHEN 'n' THEN 'reference' ELSE 'distributed' END;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_kind(regclass) IS
'Internal: distributed or reference for a Citus table (read from pg_dist_partition), NULL for any other table or without Citus.';

-- Whether key is the policy's key.  The row functions run as the table
-- owner, who may not read keys: mask_internal._citus_prepare grants the owner
-- EXECUTE here (a yes/no about a 32-byte random key is no help in guessing
-- it); nobody else may call it.
CREATE FUNCTION mask_internal._key_matches(policy_id integer, key bytea)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT FROM mask.policy_key k
                    WHERE k.policy_id = _key_matches.policy_id AND k.key = _key_matches.key)
$$;

COMMENT ON FUNCTION mask_internal._key_matches(integer, bytea) IS
'Internal: true when key is the policy''s pseudonym key (used by the row functions of Citus tables, which receive the key from their view).';

-- The settings a row function runs under.  Inside it Citus executes the
-- outer query, which holds the key as a constant, on the coordinator, and
-- its logging settings (citus.log_remote_commands, DEBUG messages) would
-- show that query to whoever set them: the reader.  Pinned here, the
-- reader's own settings do not reach into the function.
CREATE FUNCTION mask_internal._citus_quiet()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'SET client_min_messages = warning SET citus.log_remote_commands = off '
           'SET citus.worker_min_messages = warning SET citus.explain_all_tasks = off'
$$;

COMMENT ON FUNCTION mask_internal._citus_quiet() IS
'Internal: the SET clauses of the row functions of Citus views, so that no logging setting of the reader shows the queries they run (which hold the key).';

-- The name of the row function of a generated view.
CREATE FUNCTION mask_internal._citus_rows_name(view_name name)
RETURNS name
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (pg_catalog.left(view_name, 58) || '_rows')::name
$$;

COMMENT ON FUNCTION mask_internal._citus_rows_name(name) IS
'Internal: the name of the SECURITY DEFINER row function that a masked view of a Citus table reads (<view>_rows).';

-- The row function of a generated view, if it has one.
CREATE FUNCTION mask_internal._citus_rows_function(view_schema name, view_name name)
RETURNS regprocedure
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.to_regprocedure(pg_catalog.format('%I.%I(bytea)', view_schema,
                                                        mask_internal._citus_rows_name(view_name)))
$$;

COMMENT ON FUNCTION mask_internal._citus_rows_function(name, name) IS
'Internal: the row function of the masked view view_schema.view_name of a Citus table, or NULL.';

-- The view query for a Citus table (what mask_internal._view_query returns for it).
CREATE FUNCTION mask_internal._citus_view_query(policy_id integer, relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('SELECT %s FROM %I.%I(%s)',
                             CASE WHEN EXISTS (SELECT FROM mask.rule r JOIN pg_catalog.pg_attribute a
                                                 ON a.attrelid = r.relation AND a.attname = r.column_name
                                                AND a.attnum > 0 AND NOT a.attisdropped
                                                WHERE r.policy_id = p.policy_id AND r.relation = p.relation
                                                  AND NOT r.orphaned)
                                  THEN '*' ELSE '' END,
                             po.view_schema,
                             mask_internal._citus_rows_name(p.view_name),
                             CASE WHEN EXISTS (SELECT FROM mask.rule r
                                                WHERE r.policy_id = p.policy_id AND r.relation = p.relation
                                                  AND NOT r.orphaned
                                                  AND pg_catalog.strpos(r.expression_sql, mask_internal._key_sql(p.policy_id)) > 0)
                                  THEN mask_internal._key_sql(p.policy_id)
                                  ELSE 'NULL::bytea' END)
      FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
     WHERE p.policy_id = _citus_view_query.policy_id AND p.relation = _citus_view_query.relation
$$;

COMMENT ON FUNCTION mask_internal._citus_view_query(integer, regclass) IS
'Internal: the query of the masked view of a Citus table: a call of its row function with the policy''s key subquery.';

-- What maskview generates (the row functions, the views, the key views and
-- their grants) stays on the coordinator: Citus would otherwise propagate
-- the DDL to the workers, where neither the row function nor the key is.  A
-- view over a local table too: Citus would only warn that it cannot
-- propagate it, and a key view would go to the workers.  Regeneration inside
-- an event trigger on a distributed table so opens no connection of its own
-- (one that would wait for the shard locks the command holds on the workers).
-- _citus_local_begin turns propagation off for the rest of the regeneration
-- and returns the setting to restore (NULL: nothing to do, Citus is not
-- loaded).  relation is not looked at any more (kept for the signature).
CREATE FUNCTION mask_internal._citus_local_begin(relation regclass)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_setting text := pg_catalog.current_setting('citus.enable_ddl_propagation', true);
BEGIN
    IF v_setting IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'off', true);
    RETURN v_setting;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_local_begin(regclass) IS
'Internal: where Citus is loaded, turns its DDL propagation off while maskview generates its coordinator-only views, row functions and key views; returns the setting to restore, or NULL.';

CREATE FUNCTION mask_internal._citus_local_end(previous text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF previous IS NOT NULL THEN
        PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', previous, true);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_local_end(text) IS
'Internal: restores the Citus DDL propagation setting saved by mask_internal._citus_local_begin().';

-- Citus DDL propagation off until the end of the current (sub)transaction,
-- where Citus is loaded: for the temporary views mask.verify() builds and
-- rolls back, which Citus would otherwise warn it cannot propagate.
CREATE FUNCTION mask_internal._citus_local_ddl()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.current_setting('citus.enable_ddl_propagation', true) IS NOT NULL THEN
        PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'off', true);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_local_ddl() IS
'Internal: where Citus is loaded, turns its DDL propagation off for the rest of the (sub)transaction.';

-- The plpgsql body of the row function of the masked view of a Citus table,
-- from the catalog (what mask_internal._citus_prepare installs and mask.verify()
-- compares with).
CREATE FUNCTION mask_internal._citus_rows_body(policy_id integer, relation regclass)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot    mask.protected;
    v_key_sql text := mask_internal._key_sql(policy_id);
    v_inner   text[] := '{}';
    v_outer   text[] := '{}';
    v_raw     text[] := '{}';
    v_col     record;
    v_n       integer := 0;
    v_body    text;
BEGIN
    SELECT p.* INTO v_prot FROM mask.protected p
     WHERE p.policy_id = _citus_rows_body.policy_id AND p.relation = _citus_rows_body.relation;
    -- Inner query (pushed to the workers): every rule's mask except the
    -- pseudonyms, plus the raw columns the pseudonyms read.  Outer query
    -- (on the coordinator): the pseudonyms, with the key as a parameter.
    FOR v_col IN SELECT a.attname, a.attnum, r.action, r.expression_sql,
                        pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
                   FROM mask.rule r
                   JOIN pg_catalog.pg_attribute a
                     ON a.attrelid = r.relation AND a.attname = r.column_name AND a.attnum > 0
                  WHERE r.policy_id = _citus_rows_body.policy_id AND r.relation = _citus_rows_body.relation
                    AND NOT r.orphaned AND NOT a.attisdropped
                  ORDER BY a.attnum LOOP
        v_n := v_n + 1;
        IF v_col.action = 'mask' AND pg_catalog.strpos(v_col.expression_sql, v_key_sql) > 0 THEN
            v_outer := v_outer || pg_catalog.replace(v_col.expression_sql, v_key_sql, '_maskview_key');
            -- the raw columns it may read (a superset does no harm: they only
            -- travel from the workers to the coordinator, as the owner)
            SELECT v_raw || pg_catalog.array_agg(pg_catalog.quote_ident(a2.attname) ORDER BY a2.attnum)
              INTO v_raw
              FROM pg_catalog.pg_attribute a2
             WHERE a2.attrelid = _citus_rows_body.relation AND a2.attnum > 0 AND NOT a2.attisdropped
               AND pg_catalog.strpos(v_col.expression_sql, pg_catalog.quote_ident(a2.attname)) > 0
               AND NOT (pg_catalog.quote_ident(a2.attname) = ANY (v_raw));
        ELSE
            v_inner := v_inner || (CASE v_col.action
                                       WHEN 'pass' THEN pg_catalog.quote_ident(v_col.attname)
                                       WHEN 'null' THEN 'NULL::' || v_col.type
                                       ELSE v_col.expression_sql END
                                   || ' AS _maskview_' || v_n);
            v_outer := v_outer || ('_maskview_s._maskview_' || v_n);
        END IF;
    END LOOP;

    IF v_n = 0 THEN
        -- every column hidden: the view has no columns but counts the rows;
        -- a function needs one (_citus_prepare), which the view leaves out
        v_outer := ARRAY['true'];
    END IF;
    v_body := pg_catalog.format(
        'SELECT %s FROM (SELECT %s FROM %s%s OFFSET 0) _maskview_s',
        COALESCE(NULLIF(pg_catalog.array_to_string(v_outer, ', '), ''), 'NULL'),
        COALESCE(NULLIF(pg_catalog.array_to_string(v_inner || v_raw, ', '), ''), 'NULL'),
        relation::text, COALESCE(' WHERE (' || v_prot.row_filter_sql || ')', ''));
    -- The raw columns the pseudonyms read are referenced unqualified in the
    -- outer query; nothing else there can take their names.
    v_body := pg_catalog.format($f$
#variable_conflict use_column
BEGIN
    -- maskview row function of a Citus table: see mask_internal._citus_prepare.
    IF _maskview_key IS NOT NULL AND NOT mask_internal._key_matches(%s, _maskview_key) THEN
        _maskview_key := NULL;
    END IF;
    RETURN QUERY %s;
END;
$f$, policy_id, v_body);

    RETURN v_body;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_rows_body(integer, regclass) IS
'Internal: the plpgsql body of the row function of the masked view of a Citus table, generated from the catalog.';

-- (Re)creates the row function of the masked view of a Citus table, owned
-- by the table owner, and returns its signature; NULL for other tables.
CREATE FUNCTION mask_internal._citus_prepare(policy_id integer, relation regclass, owner name)
RETURNS regprocedure
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot    mask.protected;
    v_schema  name;
    v_fn      text;
    v_result  text[] := '{}';
    v_a       record;
    v_body    text;
    v_sig     regprocedure;
    v_probe   text;
BEGIN
    IF mask_internal._citus_kind(relation) IS NULL THEN
        RETURN NULL;
    END IF;
    v_body := mask_internal._citus_rows_body(policy_id, relation);
    SELECT p.* INTO v_prot FROM mask.protected p
     WHERE p.policy_id = _citus_prepare.policy_id AND p.relation = _citus_prepare.relation;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_prepare.policy_id;
    v_fn := pg_catalog.format('%I.%I', v_schema, mask_internal._citus_rows_name(v_prot.view_name));

    -- The result columns: those of the ordinary masked query, with their
    -- types, read from a probe view of it, dropped straight away.
    v_probe := pg_catalog.format('%I.%I', v_schema, '_maskview_probe_' || pg_catalog.pg_backend_pid());
    EXECUTE pg_catalog.format('CREATE VIEW %s AS %s', v_probe, mask_internal._view_select(policy_id, relation));
    FOR v_a IN SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
                 FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = v_probe::pg_catalog.regclass AND a.attnum > 0
                ORDER BY a.attnum LOOP
        v_result := v_result || pg_catalog.format('%I %s', v_a.attname, v_a.type);
    END LOOP;
    EXECUTE pg_catalog.format('DROP VIEW %s', v_probe);

    IF v_result = '{}' THEN
        v_result := ARRAY['_maskview_row boolean'];   -- see mask_internal._citus_rows_body
    END IF;

    BEGIN
        EXECUTE pg_catalog.format(
            'CREATE OR REPLACE FUNCTION %s(_maskview_key bytea) RETURNS TABLE (%s) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp ' || mask_internal._citus_quiet() || ' AS %L',
            v_fn, pg_catalog.array_to_string(v_result, ', '), v_body);
    EXCEPTION WHEN invalid_function_definition THEN
        -- another result type: the view over it goes too, and is made again
        EXECUTE pg_catalog.format('DROP FUNCTION %s(bytea) CASCADE', v_fn);
        EXECUTE pg_catalog.format(
            'CREATE FUNCTION %s(_maskview_key bytea) RETURNS TABLE (%s) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp ' || mask_internal._citus_quiet() || ' AS %L',
            v_fn, pg_catalog.array_to_string(v_result, ', '), v_body);
    END;
    v_sig := pg_catalog.to_regprocedure(v_fn || '(bytea)');
    EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO %I', v_sig, owner);
    EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_sig);
    -- The row function names mask_internal._key_matches, so its owner needs
    -- the schema too (USAGE shows only names; EXECUTE stays refused).
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA mask_internal TO %I', owner);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mask_internal._key_matches(integer, bytea) TO %I', owner);
    EXECUTE pg_catalog.format('COMMENT ON FUNCTION %s IS %L', v_sig,
        pg_catalog.format('maskview: rows of the masked view of Citus table %s, read as its owner (generated; do not call directly).',
                          relation::text));
    RETURN v_sig;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_prepare(integer, regclass, name) IS
'Internal: (re)creates the SECURITY DEFINER row function, owned by the table owner, that the masked view of a Citus table reads; NULL for other tables.';

-- EXECUTE on the row function of a view for exactly the view's readers.
CREATE FUNCTION mask_internal._citus_grants(view_schema name, view_name name, readers oid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_fn      regprocedure := mask_internal._citus_rows_function(view_schema, view_name);
    v_grantee oid;
BEGIN
    PERFORM mask_internal._citus_copy_sync(view_schema, view_name, readers);   -- 49_citus_copy.sql
    IF v_fn IS NULL THEN
        RETURN;
    END IF;
    FOR v_grantee IN SELECT DISTINCT g.grantee
                       FROM pg_catalog.pg_proc f, pg_catalog.aclexplode(f.proacl) g
                      WHERE f.oid = v_fn AND g.grantee <> f.proowner
                        AND NOT (g.grantee = ANY (readers)) LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM %s', v_fn,
            mask_internal._grantee_name(v_grantee));
    END LOOP;
    FOR v_grantee IN SELECT ro.oid FROM pg_catalog.pg_roles ro
                      WHERE ro.oid = ANY (readers) ORDER BY ro.rolname LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', v_fn,
                                  pg_catalog.pg_get_userbyid(v_grantee));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_grants(name, name, oid[]) IS
'Internal: EXECUTE on the row function of a masked view of a Citus table for the view''s readers, nobody else.';

-- Drops the row function of a view that is dropped (if it has one).
CREATE FUNCTION mask_internal._citus_drop(view_schema name, view_name name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_fn regprocedure := mask_internal._citus_rows_function(view_schema, view_name);
BEGIN
    PERFORM mask_internal._citus_copy_drop(view_schema, view_name);   -- 49_citus_copy.sql
    IF v_fn IS NOT NULL THEN
        EXECUTE pg_catalog.format('DROP FUNCTION %s CASCADE', v_fn);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_drop(name, name) IS
'Internal: drops the row function of a masked view of a Citus table together with the view.';


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
    v_new  regclass;
    v_prot record;
    v_prev text;
BEGIN
    SELECT mask_internal._citus_rebuilt_table(schema_name, relname, p.columns) INTO v_new
      FROM mask.protected p WHERE p.relation = _citus_follow_rebuild.relation
     ORDER BY p.policy_id LIMIT 1;
    IF v_new IS NULL OR EXISTS (SELECT FROM mask.protected p WHERE p.relation = v_new) THEN
        RETURN NULL;
    END IF;
    v_prev := mask_internal._internal_begin();
    UPDATE mask.rule r SET relation = v_new WHERE r.relation = _citus_follow_rebuild.relation;
    UPDATE mask.protected p SET relation = v_new WHERE p.relation = _citus_follow_rebuild.relation;
    -- the materialized masked copy of the table, if any (49_citus_copy.sql)
    UPDATE mask.citus_copy cc SET relation = v_new WHERE cc.relation = _citus_follow_rebuild.relation;
    PERFORM mask_internal._internal_end(v_prev);
    FOR v_prot IN SELECT po.name, p.relation_name, p.view_name, po.view_schema
                    FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                   WHERE p.relation = v_new ORDER BY po.name LOOP
        PERFORM mask_internal._audit('follow_table_rebuild', v_prot.name, v_prot.relation_name,
            pg_catalog.jsonb_build_object('command', command,
                'from_oid', _citus_follow_rebuild.relation, 'to_oid', v_new::oid,
                'view', pg_catalog.format('%I.%I', v_prot.view_schema, v_prot.view_name),
                'note', 'Citus rebuilt the table (a new table of the same name, columns and data); the protection follows it'));
    END LOOP;
    RETURN v_new;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_follow_rebuild(oid, name, name, text) IS
'Internal: when a dropped protected table is being rebuilt by Citus (alter_distributed_table, undistribute_table), moves its protection to the new table and audits follow_table_rebuild; NULL for an ordinary drop.';


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
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_found boolean;
BEGIN
    IF relation IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_object') IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_object o
                             WHERE o.classid = ''pg_catalog.pg_class''::pg_catalog.regclass AND o.objid = $1)'
       INTO v_found USING relation;
    RETURN v_found;
END;
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
                    WHERE rw.ev_class = v.oid), false)
          FROM mask.protected p
          JOIN mask.policy po ON po.id = p.policy_id
          JOIN pg_catalog.pg_namespace n ON n.nspname = po.view_schema
          JOIN pg_catalog.pg_class v ON v.relnamespace = n.oid AND v.relname = p.view_name AND v.relkind = 'v'
         WHERE p.policy_id = _citus_view_form_ok.policy_id AND p.relation = _citus_view_form_ok.relation),
        true)
$$;

COMMENT ON FUNCTION mask_internal._citus_view_form_ok(integer, regclass) IS
'Internal: false when the masked view of a Citus table reads the table directly, or that of a local table a row function (true when there is no view).';

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
       AND pg_catalog.to_regclass(pg_catalog.format('%I.%I', v_prot.view_schema, v_prot.view_name)) IS NOT NULL
       AND EXISTS (SELECT FROM pg_catalog.pg_proc f
                    WHERE f.oid = v_fn AND f.prosecdef AND f.proowner = v_prot.relowner
                      AND f.prosrc = mask_internal._citus_rows_body(policy_id, relation));
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
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_shell regclass;
BEGIN
    IF relation IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_shard') IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT s.logicalrelid::pg_catalog.regclass FROM pg_catalog.pg_dist_shard s
              WHERE s.logicalrelid <> $1
                AND pg_catalog.to_regclass(pg_catalog.shard_name(s.logicalrelid, s.shardid)) = $1
              LIMIT 1'
       INTO v_shell USING relation;
    RETURN v_shell;
END;
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
    v_prev  text;
    v_moved boolean := false;
BEGIN
    FOR v_p IN SELECT p.relation, p.relation_name, p.view_name, po.name, po.view_schema,
                      mask_internal._citus_shell_of(p.relation) AS shell
                 FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                WHERE p.policy_id = _citus_follow_shards.policy_id
                ORDER BY p.relation_name LOOP
        CONTINUE WHEN v_p.shell IS NULL
                   OR EXISTS (SELECT FROM mask.protected p2
                               WHERE p2.policy_id = _citus_follow_shards.policy_id AND p2.relation = v_p.shell);
        v_prev := mask_internal._internal_begin();
        UPDATE mask.rule r SET relation = v_p.shell
         WHERE r.policy_id = _citus_follow_shards.policy_id AND r.relation = v_p.relation;
        UPDATE mask.protected p SET relation = v_p.shell
         WHERE p.policy_id = _citus_follow_shards.policy_id AND p.relation = v_p.relation;
        UPDATE mask.citus_copy cc SET relation = v_p.shell
         WHERE cc.policy_id = _citus_follow_shards.policy_id AND cc.relation = v_p.relation;
        PERFORM mask_internal._internal_end(v_prev);
        PERFORM mask_internal._audit('follow_table_rebuild', v_p.name, v_p.relation_name,
            pg_catalog.jsonb_build_object('command', 'citus_add_local_table_to_metadata',
                'from_oid', v_p.relation::oid, 'to_oid', v_p.shell::oid,
                'to', pg_catalog.format('%s', v_p.shell),
                'view', pg_catalog.format('%I.%I', v_p.view_schema, v_p.view_name),
                'note', 'Citus made the table its shard and a new table of its name; the protection follows the new table'));
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
    v_key   regclass := pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'mask_internal',
                                               mask_internal._key_view_name(policy_id)));
    v_view  record;
    v_regen boolean := false;
    v_setting text := pg_catalog.current_setting('citus.enable_ddl_propagation', true);
    v_prev  text;
BEGIN
    IF v_setting IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_object') IS NULL THEN
        RETURN;
    END IF;
    -- Tables that Citus turned into shards: the protection goes to the shell.
    v_regen := mask_internal._citus_follow_shards(policy_id);
    PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'on', true);
    -- The generated views on the workers go (with the key view, all of the
    -- policy's: they read it), then the key view; regenerated below.
    FOR v_view IN SELECT c.oid
                    FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                    JOIN pg_catalog.pg_namespace n ON n.nspname = po.view_schema
                    JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.view_name
                                              AND c.relkind = 'v'
                   WHERE p.policy_id = _citus_repair.policy_id
                     AND (mask_internal._citus_on_workers(c.oid) OR mask_internal._citus_on_workers(v_key))
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
    PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', v_setting, true);
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
    FOR v_view IN SELECT DISTINCT c.relowner
                    FROM mask.protected p JOIN pg_catalog.pg_class c ON c.oid = p.relation
                   WHERE p.policy_id = _citus_repair.policy_id
                     AND mask_internal._citus_kind(p.relation) IS NOT NULL LOOP
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA mask_internal TO %I',
                                  pg_catalog.pg_get_userbyid(v_view.relowner));
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mask_internal._key_matches(integer, bytea) TO %I',
                                  pg_catalog.pg_get_userbyid(v_view.relowner));
    END LOOP;
    IF v_regen OR EXISTS (SELECT FROM mask.protected p
                           WHERE p.policy_id = _citus_repair.policy_id
                             AND NOT mask_internal._citus_generated_ok(p.policy_id, p.relation)) THEN
        PERFORM mask_internal._regenerate_policy(policy_id);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_repair(integer) IS
'Internal: where Citus is loaded, takes the generated views and key view of a policy off the workers and regenerates views whose form does not match their table (after create_distributed_table of a protected table); called by mask.refresh_privileges().';
