-- ---------------------------------------------------------------------------
-- Citus, option (b): a materialized masked copy for large reads.
--
-- The masked view of a Citus table (48_citus.sql) reads through a row
-- function, so a member's WHERE and LIMIT are applied after every row was
-- masked.  A policy admin may opt a protected distributed table into a
-- copy (mask.set_citus_copy): an ordinary distributed table
--     <view_schema>.<copy_name>      (default <view_name>_copy)
-- with the columns of the masked view, holding the masked rows as of the
-- last mask.refresh(policy).  Members and auditors read it directly, so
-- Citus pushes their WHERE, LIMIT and aggregates down to the shards, and a
-- lookup by the distribution column goes to one shard.
--
-- Filling it.  mask.refresh() runs, in the caller's transaction,
--     TRUNCATE copy;  INSERT INTO copy SELECT * FROM <row function>($1)
-- with the policy's key as the parameter.  The row function is that of the
-- view: it reads the raw table as the table owner (row security and the
-- owner's privileges apply), runs every mask but pseudonym on the workers,
-- and the pseudonyms on the coordinator, so the key is in no shard query, no
-- worker's memory and no file on a worker; Citus collects the masked rows
-- on the coordinator and copies them into the copy's shards (masked values
-- only travel to the workers).  TRUNCATE holds an ACCESS EXCLUSIVE lock on
-- the copy and its shards until the distributed commit: a member's query
-- waits for the refresh and then sees the new rows, never a half-filled
-- copy nor a mix of old and new shards.
--
-- Distribution column.  The copy cannot be distributed by a raw value the
-- policy masks.  By default it is distributed by the raw table's
-- distribution column when the rule passes or pseudonymises it (tokens
-- hash as well as the raw keys), and otherwise by the first pseudonymised
-- column; an admin may name any other column of the view.  It has the shard
-- count of the raw table and is never colocated with a raw table (see
-- mask_internal._citus_copy_create); copies are colocated with each other.
--
-- Who owns what.  The copy and its shards belong to the extension owner
-- (like the view schema): not a member, not the table owner, and members
-- get SELECT only.  Grants: SELECT for the policy's members and auditors,
-- nothing for anyone else (mask_internal._citus_copy_sync, run with every grant of
-- the policy).  A change of the rules or the row filter empties the copy
-- (audited) rather than leave rows masked by rules that no longer hold;
-- mask.verify() reports copies that are missing, empty, stale (rules or
-- key changed since their refresh) or whose columns differ from the view.
-- ---------------------------------------------------------------------------

-- The default name of the copy of a masked view.
CREATE FUNCTION mask_internal._citus_copy_default_name(view_name name)
RETURNS name
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._suffixed_name(view_name, '_copy')
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_default_name(name) IS
'Internal: the default name of the materialized masked copy of a view (<view>_copy).';

-- The copy of a catalog row as a relation, or NULL when it does not exist.
CREATE FUNCTION mask_internal._citus_copy_relation(policy_id integer, copy_name name)
RETURNS regclass
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.to_regclass(pg_catalog.format('%I.%I', po.view_schema, _citus_copy_relation.copy_name))
      FROM mask.policy po
     WHERE po.id = _citus_copy_relation.policy_id
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_relation(integer, name) IS
'Internal: the relation named copy_name in a policy''s view schema, or NULL.';

-- The columns of a relation, names and types in order: what a copy and its
-- view must agree on.
CREATE FUNCTION mask_internal._citus_copy_signature(relation regclass)
RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.string_agg(pg_catalog.format('%I %s', a.attname,
                        pg_catalog.format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum), '')
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_signature(regclass) IS
'Internal: the column names and types of a relation in order (a copy must have those of its masked view).';

-- What a copy is filled with: the masked SELECT of the rules and filter.
CREATE FUNCTION mask_internal._citus_copy_definition(policy_id integer, relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._view_select(policy_id, relation)
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_definition(integer, regclass) IS
'Internal: the masked SELECT a copy is filled with (mask_internal._view_select): compared with what the last refresh recorded to tell a stale copy.';

-- The Citus distribution column of a hash-distributed table, or NULL.
CREATE FUNCTION mask_internal._citus_distribution_column(relation regclass)
RETURNS name
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._citus_catalog(
               'SELECT pg_catalog.column_to_column_name(p.logicalrelid, p.partkey)
                  FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1 AND p.partmethod = ''h''',
               relation)::name
$$;

COMMENT ON FUNCTION mask_internal._citus_distribution_column(regclass) IS
'Internal: the distribution column of a hash-distributed Citus table, NULL for any other table.';

-- The number of shards of a Citus distributed table.
CREATE FUNCTION mask_internal._citus_shard_count(relation regclass)
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._citus_catalog(
               'SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_shard s WHERE s.logicalrelid = p.logicalrelid)
                  FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1 AND p.partmethod <> ''n''',
               relation)::integer
$$;

COMMENT ON FUNCTION mask_internal._citus_shard_count(regclass) IS
'Internal: the shard count of a Citus distributed table, NULL for any other table.';

-- The column a copy is distributed by: the one asked for, which must be a
-- column of the view that is not always NULL, or the default described at
-- the top of this file.  22023 when there is none.
CREATE FUNCTION mask_internal._citus_copy_pick_column(policy_id integer, relation regclass, requested name)
RETURNS name
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_raw     name := mask_internal._citus_distribution_column(relation);
    v_action  text;
    v_pick    name;
BEGIN
    IF requested IS NOT NULL THEN
        SELECT c.action INTO v_action FROM mask_internal._citus_rule_columns(policy_id, relation) c
         WHERE c.attname = requested;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'column "%" is not a column of the masked view of %', requested, relation
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'The copy has the columns of the masked view: columns with a PASS or masking rule.',
                      HINT = 'Name a column that has a rule, or leave distribution_column out.';
        END IF;
        IF v_action = 'null' THEN
            RAISE EXCEPTION 'column "%" is NULL in every row of the masked view of %', requested, relation
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'A distribution column that is always NULL puts every row in one shard.',
                      HINT = 'Name a passed or pseudonymised column.';
        END IF;
        RETURN requested;
    END IF;

    SELECT c.attname INTO v_pick FROM mask_internal._citus_rule_columns(policy_id, relation) c
     WHERE c.attname = v_raw AND (c.action = 'pass' OR c.tokens);
    IF v_pick IS NULL THEN
        SELECT c.attname INTO v_pick FROM mask_internal._citus_rule_columns(policy_id, relation) c
         WHERE c.tokens ORDER BY c.attnum LIMIT 1;
    END IF;
    IF v_pick IS NULL THEN
        RAISE EXCEPTION 'no distribution column for the copy of %', relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The raw distribution column %s is neither passed nor pseudonymised by the policy, and no column of the view is pseudonymised.',
                                             COALESCE(pg_catalog.quote_ident(v_raw), '(none)')),
                  HINT = 'Pass distribution_column: a column of the masked view with many distinct values.';
    END IF;
    RETURN v_pick;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_pick_column(integer, regclass, name) IS
'Internal: the distribution column of a copy: the one requested (a column of the view, not always NULL), else the raw distribution column when passed or pseudonymised, else the first pseudonymised column; 22023 when none.';

-- Runs statements on a masked copy (its DDL and grants, a refresh's TRUNCATE
-- and INSERT): as maskview's own DDL, which the event triggers skip, and
-- with Citus DDL propagation on, so that they reach the copy's shards and
-- the workers.  key, if given, is $1 of the statements: a parameter, in no
-- statement's text.  Returns the row count of the last statement.
CREATE FUNCTION mask_internal._citus_copy_execute(statements text[], key bytea DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prev      text := mask_internal._internal_begin();
    v_ddl       text := mask_internal._citus_ddl_propagation('on');
    v_statement text;
    v_rows      bigint := 0;
BEGIN
    FOREACH v_statement IN ARRAY statements LOOP
        EXECUTE v_statement USING key;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
    END LOOP;
    PERFORM mask_internal._citus_ddl_propagation(v_ddl);
    PERFORM mask_internal._internal_end(v_prev);
    RETURN v_rows;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_execute(text[], bytea) IS
'Internal: runs statements on a masked copy as maskview''s own DDL with Citus DDL propagation on (key, if any, as parameter $1); returns the row count of the last.';

-- (Re)creates the empty copy of one catalog row: a table with the columns
-- (and column comments, which name the rules) of the masked view, owned by
-- the extension owner, distributed by its distribution column, with the
-- shard count of the raw table.  Returns the copy.
CREATE FUNCTION mask_internal._citus_copy_create(policy_id integer, relation regclass)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc       mask.citus_copy;
    v_view     regclass := mask_internal._citus_view(policy_id, relation);
    v_copy     regclass;
    v_target   text;
    v_shards   integer := mask_internal._citus_shard_count(relation);
    v_colocate text;
BEGIN
    SELECT c.* INTO v_cc FROM mask.citus_copy c
     WHERE c.policy_id = _citus_copy_create.policy_id AND c.relation = _citus_copy_create.relation;
    IF v_view IS NULL THEN
        RAISE EXCEPTION 'the masked view of % is missing', relation
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Run mask.refresh_privileges() to generate it again.';
    END IF;
    SELECT pg_catalog.format('%I.%I', po.view_schema, v_cc.copy_name) INTO v_target
      FROM mask.policy po WHERE po.id = _citus_copy_create.policy_id;
    v_copy := mask_internal._citus_copy_relation(policy_id, v_cc.copy_name);
    IF v_copy IS NOT NULL THEN
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_copy AND c.relkind = 'r') THEN
            RAISE EXCEPTION 'relation % is not a masked copy', v_target
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'maskview does not replace objects it did not generate.',
                      HINT = 'Move or drop that relation, or pass another copy_name to mask.set_citus_copy().';
        END IF;
        PERFORM mask_internal._citus_copy_execute(ARRAY[pg_catalog.format('DROP TABLE %s CASCADE', v_target)]);
    END IF;

    PERFORM mask_internal._citus_copy_execute(ARRAY[
        pg_catalog.format('CREATE TABLE %s (LIKE %s INCLUDING COMMENTS)', v_target, v_view),
        pg_catalog.format('ALTER TABLE %s OWNER TO %I', v_target,
                          pg_catalog.pg_get_userbyid(mask_internal._extension_owner())),
        pg_catalog.format('REVOKE ALL ON TABLE %s FROM PUBLIC', v_target),
        pg_catalog.format('COMMENT ON TABLE %s IS %L', v_target,
            pg_catalog.format('maskview: materialized masked copy of %s (the rows of view %s as of the last mask.refresh()); generated, do not change by hand.',
                              relation::text, v_view::text))]);

    -- Never colocated with a raw table: a refresh writes the copy as the
    -- extension owner and then reads the raw table as its owner in the same
    -- transaction, which Citus refuses on colocated placements.  Copies of
    -- one distribution type and shard count are colocated with each other,
    -- so joins of copies on their tokens run shard by shard.
    SELECT pg_catalog.format('%I.%I', po.view_schema, o.copy_name) INTO v_colocate
      FROM mask.citus_copy o
      JOIN mask.policy po ON po.id = o.policy_id
      CROSS JOIN LATERAL mask_internal._citus_copy_relation(o.policy_id, o.copy_name) r (copy)
     WHERE NOT (o.policy_id = _citus_copy_create.policy_id AND o.relation = _citus_copy_create.relation)
       AND mask_internal._citus_kind(r.copy) = 'distributed'
       AND (SELECT a.atttypid FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = r.copy AND a.attname = o.distribution_column)
           = (SELECT a.atttypid FROM pg_catalog.pg_attribute a
               WHERE a.attrelid = v_target::regclass AND a.attname = v_cc.distribution_column)
       AND mask_internal._citus_shard_count(r.copy) = v_shards
     ORDER BY po.view_schema, o.copy_name LIMIT 1;
    -- (v_shards is NULL when the raw table is no longer distributed, e.g.
    -- made a reference table since: %L writes NULL, Citus's default count)
    PERFORM mask_internal._citus_copy_execute(ARRAY[
        CASE WHEN v_colocate IS NULL
             THEN pg_catalog.format('SELECT pg_catalog.create_distributed_table(%L, %L, colocate_with => %L, shard_count => %L::pg_catalog.int4)',
                                    v_target, v_cc.distribution_column, 'none', v_shards)
             ELSE pg_catalog.format('SELECT pg_catalog.create_distributed_table(%L, %L, colocate_with => %L)',
                                    v_target, v_cc.distribution_column, v_colocate) END]);
    v_copy := v_target::regclass;
    PERFORM mask_internal._citus_copy_grants(policy_id, v_copy, mask_internal._policy_readers(policy_id));
    RETURN v_copy;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_create(integer, regclass) IS
'Internal: (re)creates the empty distributed masked copy of a protected Citus table, with the columns of its masked view, owned by the extension owner, SELECT for the policy''s readers only.';
