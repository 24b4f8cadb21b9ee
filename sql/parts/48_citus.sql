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

-- One value of Citus's own catalog (pg_catalog.pg_dist_*) about a
-- relation: query, with the relation's OID as $1, run where the citus
-- extension is installed; NULL where it is not (its catalog tables do not
-- exist then, so the query is dynamic).  The Citus facts below are read
-- through it.
CREATE FUNCTION mask_internal._citus_catalog(query text, relation oid)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_value text;
BEGIN
    IF relation IS NULL OR pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE query INTO v_value USING relation;
    RETURN v_value;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_catalog(text, oid) IS
'Internal: the value a query of the Citus catalog ($1 the relation) returns, or NULL where Citus is not installed.';

-- 'distributed' or 'reference' for a Citus table, NULL otherwise (and
-- always NULL where Citus is not installed).
CREATE FUNCTION mask_internal._citus_kind(relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE m WHEN 'n' THEN 'reference' ELSE 'distributed' END
      FROM mask_internal._citus_catalog(
               'SELECT p.partmethod FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1',
               relation) m
     WHERE m IS NOT NULL
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

-- What the owner of a row function needs to call mask_internal._key_matches
-- from it: USAGE on the schema (which shows only names; EXECUTE stays
-- refused on everything else there) and EXECUTE on that one function.
CREATE FUNCTION mask_internal._citus_grant_key_matches(owner name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA mask_internal TO %I', owner);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mask_internal._key_matches(integer, bytea) TO %I', owner);
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_grant_key_matches(name) IS
'Internal: USAGE on mask_internal and EXECUTE on mask_internal._key_matches for the owner of a Citus table, whose row functions call it.';

-- The settings under which maskview runs what holds the key on a Citus
-- coordinator: the row functions and mask.refresh().  Inside them Citus
-- executes queries that hold the key as a constant, and its logging
-- settings (citus.log_remote_commands, DEBUG messages) would show them to
-- whoever set those: the reader.  Pinned, the reader's own settings do not
-- reach into them.
CREATE FUNCTION mask_internal._citus_quiet_settings()
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT '{"client_min_messages": "warning", "citus.log_remote_commands": "off",
             "citus.worker_min_messages": "warning", "citus.explain_all_tasks": "off"}'::jsonb
$$;

COMMENT ON FUNCTION mask_internal._citus_quiet_settings() IS
'Internal: the settings (name: value) that keep Citus from showing the reader the queries of a row function or a refresh, which hold the key.';

-- The SET clauses of a row function: mask_internal._citus_quiet_settings().
CREATE FUNCTION mask_internal._citus_quiet()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.string_agg(pg_catalog.format('SET %s = %s', s.key, s.value), ' ' ORDER BY s.key)
      FROM pg_catalog.jsonb_each_text(mask_internal._citus_quiet_settings()) s
$$;

COMMENT ON FUNCTION mask_internal._citus_quiet() IS
'Internal: the SET clauses of the row functions of Citus views, so that no logging setting of the reader shows the queries they run (which hold the key).';

-- Sets each of settings (name: value, as _citus_quiet_settings returns
-- them) for the rest of the transaction and returns the values they had,
-- which a second call with them restores.
CREATE FUNCTION mask_internal._citus_set_local(settings jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_previous jsonb := '{}';
    v_setting  record;
BEGIN
    FOR v_setting IN SELECT s.key, s.value FROM pg_catalog.jsonb_each_text(settings) s ORDER BY s.key LOOP
        v_previous := v_previous || pg_catalog.jsonb_build_object(v_setting.key,
                                                                 pg_catalog.current_setting(v_setting.key));
        PERFORM pg_catalog.set_config(v_setting.key, v_setting.value, true);
    END LOOP;
    RETURN v_previous;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_set_local(jsonb) IS
'Internal: sets settings (name: value) for the rest of the transaction; returns their previous values, for a second call to restore.';

-- The name of the row function of a generated view.
CREATE FUNCTION mask_internal._citus_rows_name(view_name name)
RETURNS name
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._suffixed_name(view_name, '_rows')
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

-- The columns of the masked view of a protected table
-- (mask_internal._view_columns), each with whether its rule pseudonymises
-- (reads the policy's key): those the row function computes on the
-- coordinator, and the candidates for a copy's distribution column.
CREATE FUNCTION mask_internal._citus_rule_columns(policy_id integer, relation regclass)
RETURNS TABLE (attname name, attnum smallint, action text, expression_sql text, value_sql text, tokens boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT v.attname, v.attnum, v.action, v.expression_sql, v.value_sql,
           v.action = 'mask'
           AND pg_catalog.strpos(v.expression_sql, mask_internal._key_sql(_citus_rule_columns.policy_id)) > 0
      FROM mask_internal._view_columns(_citus_rule_columns.policy_id, _citus_rule_columns.relation) v
     ORDER BY v.attnum
$$;

COMMENT ON FUNCTION mask_internal._citus_rule_columns(integer, regclass) IS
'Internal: the columns of the masked view of a protected table in order (mask_internal._view_columns), with whether each rule pseudonymises.';

-- The generated masked view of a protected table, or NULL (a relation of
-- its name that is not a view is not it).
CREATE FUNCTION mask_internal._citus_view(policy_id integer, relation regclass)
RETURNS regclass
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.oid::pg_catalog.regclass
      FROM mask.protected p
      JOIN mask.policy po ON po.id = p.policy_id
      JOIN pg_catalog.pg_class c
        ON c.oid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', po.view_schema, p.view_name))
       AND c.relkind = 'v'
     WHERE p.policy_id = _citus_view.policy_id AND p.relation = _citus_view.relation
$$;

COMMENT ON FUNCTION mask_internal._citus_view(integer, regclass) IS
'Internal: the generated masked view of a protected table, or NULL.';

-- The view query for a Citus table (what mask_internal._view_query returns for it).
CREATE FUNCTION mask_internal._citus_view_query(policy_id integer, relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('SELECT %s FROM %I.%I(%s)',
                             CASE WHEN EXISTS (SELECT FROM mask_internal._citus_rule_columns(p.policy_id, p.relation))
                                  THEN '*' ELSE '' END,
                             po.view_schema,
                             mask_internal._citus_rows_name(p.view_name),
                             CASE WHEN EXISTS (SELECT FROM mask_internal._citus_rule_columns(p.policy_id, p.relation) c
                                                WHERE c.tokens)
                                  THEN mask_internal._key_sql(p.policy_id)
                                  ELSE 'NULL::bytea' END)
      FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
     WHERE p.policy_id = _citus_view_query.policy_id AND p.relation = _citus_view_query.relation
$$;

COMMENT ON FUNCTION mask_internal._citus_view_query(integer, regclass) IS
'Internal: the query of the masked view of a Citus table: a call of its row function with the policy''s key subquery.';

-- Where Citus is loaded, sets citus.enable_ddl_propagation for the rest of
-- the (sub)transaction and returns the setting it replaced, which a second
-- call with it restores; NULL, and nothing done, where Citus is not loaded
-- or setting is NULL.  The one place that switches propagation:
--   off  for what maskview generates on the coordinator only: the row
--        functions, the views, the key views and their grants (41_keys.sql,
--        43_generate.sql), and the temporary views of mask.verify().  Citus
--        would otherwise propagate the DDL to the workers, where neither the
--        row function nor the key is; a view over a local table too (Citus
--        would only warn that it cannot propagate it, and a key view would
--        go to the workers).  Regeneration inside an event trigger on a
--        distributed table so opens no connection of its own (one that
--        would wait for the shard locks the command holds on the workers).
--   on   for the materialized copies, their grants and their schema, which
--        must reach the workers (49_citus_copy.sql).
CREATE FUNCTION mask_internal._citus_ddl_propagation(setting text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_setting text := pg_catalog.current_setting('citus.enable_ddl_propagation', true);
BEGIN
    IF v_setting IS NULL OR setting IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', setting, true);
    RETURN v_setting;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_ddl_propagation(text) IS
'Internal: where Citus is loaded, sets its DDL propagation (on/off, or the setting a previous call returned) for the rest of the (sub)transaction; returns the setting to restore, or NULL.';

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
    FOR v_col IN SELECT * FROM mask_internal._citus_rule_columns(policy_id, relation) LOOP
        v_n := v_n + 1;
        IF v_col.tokens THEN
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
            v_inner := v_inner || (v_col.value_sql || ' AS _maskview_' || v_n);
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
    v_def     text;
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

    v_def := pg_catalog.format(
        'FUNCTION %s(_maskview_key bytea) RETURNS TABLE (%s) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp ' || mask_internal._citus_quiet() || ' AS %L',
        v_fn, pg_catalog.array_to_string(v_result, ', '), v_body);
    BEGIN
        EXECUTE 'CREATE OR REPLACE ' || v_def;
    EXCEPTION WHEN invalid_function_definition THEN
        -- another result type: the view over it goes too, and is made again
        EXECUTE pg_catalog.format('DROP FUNCTION %s(bytea) CASCADE', v_fn);
        EXECUTE 'CREATE ' || v_def;
    END;
    v_sig := pg_catalog.to_regprocedure(v_fn || '(bytea)');
    EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO %I', v_sig, owner);
    EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_sig);
    PERFORM mask_internal._citus_grant_key_matches(owner);
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
    PERFORM mask_internal._citus_copy_sync(view_schema, view_name, readers);   -- 49_citus_copy_lifecycle.sql
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
    PERFORM mask_internal._citus_copy_drop(view_schema, view_name);   -- 49_citus_copy_lifecycle.sql
    IF v_fn IS NOT NULL THEN
        EXECUTE pg_catalog.format('DROP FUNCTION %s CASCADE', v_fn);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_drop(name, name) IS
'Internal: drops the row function of a masked view of a Citus table together with the view.';
