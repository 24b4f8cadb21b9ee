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
    SELECT (pg_catalog.left(view_name, 58) || '_copy')::name
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_default_name(name) IS
'Internal: the default name of the materialized masked copy of a view (<view>_copy).';

-- The copy of a catalog row as a relation, or NULL when it does not exist.
CREATE FUNCTION mask_internal._citus_copy_relation(policy_id integer, copy_name name)
RETURNS regclass
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.oid::pg_catalog.regclass
      FROM mask.policy po
      JOIN pg_catalog.pg_namespace n ON n.nspname = po.view_schema
      JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = _citus_copy_relation.copy_name
     WHERE po.id = _citus_copy_relation.policy_id
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_relation(integer, name) IS
'Internal: the relation named copy_name in a policy''s view schema, or NULL.';

-- The masked view of a protected table, or NULL.
CREATE FUNCTION mask_internal._citus_copy_view(policy_id integer, relation regclass)
RETURNS regclass
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.oid::pg_catalog.regclass
      FROM mask.protected p
      JOIN mask.policy po ON po.id = p.policy_id
      JOIN pg_catalog.pg_namespace n ON n.nspname = po.view_schema
      JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.view_name AND c.relkind = 'v'
     WHERE p.policy_id = _citus_copy_view.policy_id AND p.relation = _citus_copy_view.relation
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_view(integer, regclass) IS
'Internal: the generated masked view of a protected table, or NULL.';

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
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_column name;
BEGIN
    IF mask_internal._citus_kind(relation) IS DISTINCT FROM 'distributed' THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT pg_catalog.column_to_column_name(p.logicalrelid, p.partkey) '
            'FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1 AND p.partmethod = ''h'''
       INTO v_column USING relation;
    RETURN v_column;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_distribution_column(regclass) IS
'Internal: the distribution column of a hash-distributed Citus table, NULL for any other table.';

-- The number of shards of a Citus distributed table.
CREATE FUNCTION mask_internal._citus_shard_count(relation regclass)
RETURNS integer
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_count integer;
BEGIN
    IF mask_internal._citus_kind(relation) IS DISTINCT FROM 'distributed' THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT pg_catalog.count(*)::integer FROM pg_catalog.pg_dist_shard s WHERE s.logicalrelid = $1'
       INTO v_count USING relation;
    RETURN v_count;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_shard_count(regclass) IS
'Internal: the shard count of a Citus distributed table, NULL for any other table.';

-- The roles that read a policy's views: members and auditors.
CREATE FUNCTION mask_internal._citus_copy_readers(policy_id integer)
RETURNS oid[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.array_agg(DISTINCT x.oid), '{}')
      FROM (SELECT m.role::oid AS oid FROM mask.member m WHERE m.policy_id = _citus_copy_readers.policy_id
            UNION SELECT a.role::oid FROM mask.auditor a) x
      JOIN pg_catalog.pg_roles ro ON ro.oid = x.oid
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_readers(integer) IS
'Internal: the members of a policy and the auditors, who read its views and copies.';

-- The columns of the masked view of a table with their rules: whether
-- always NULL, and whether pseudonymised (the rule reads the key).
CREATE FUNCTION mask_internal._citus_copy_columns(policy_id integer, relation regclass)
RETURNS TABLE (attname name, attnum smallint, action text, tokens boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.attname, a.attnum, r.action,
           r.action = 'mask' AND pg_catalog.strpos(r.expression_sql, mask_internal._key_sql(r.policy_id)) > 0
      FROM mask.rule r
      JOIN pg_catalog.pg_attribute a
        ON a.attrelid = r.relation AND a.attname = r.column_name AND a.attnum > 0 AND NOT a.attisdropped
     WHERE r.policy_id = _citus_copy_columns.policy_id AND r.relation = _citus_copy_columns.relation
       AND NOT r.orphaned
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_columns(integer, regclass) IS
'Internal: the columns of the masked view of a protected table, with their rule''s action and whether it pseudonymises.';

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
        SELECT c.action INTO v_action FROM mask_internal._citus_copy_columns(policy_id, relation) c
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

    SELECT c.attname INTO v_pick FROM mask_internal._citus_copy_columns(policy_id, relation) c
     WHERE c.attname = v_raw AND (c.action = 'pass' OR c.tokens);
    IF v_pick IS NULL THEN
        SELECT c.attname INTO v_pick FROM mask_internal._citus_copy_columns(policy_id, relation) c
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

-- Turns Citus DDL propagation on (the copy, its grants and its schema must
-- reach the workers) and returns the setting to restore with
-- mask_internal._citus_local_end().
CREATE FUNCTION mask_internal._citus_copy_ddl_begin()
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
    PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'on', true);
    RETURN v_setting;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_ddl_begin() IS
'Internal: turns Citus DDL propagation on while maskview creates a copy or changes its grants; returns the setting to restore.';

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
    v_cc      mask.citus_copy;
    v_schema  name;
    v_view    regclass := mask_internal._citus_copy_view(policy_id, relation);
    v_copy    regclass;
    v_target  text;
    v_shards  integer;
    v_colocate text;
    v_prev    text := mask_internal._internal_begin();
    v_ddl     text := mask_internal._citus_copy_ddl_begin();
BEGIN
    SELECT c.* INTO v_cc FROM mask.citus_copy c
     WHERE c.policy_id = _citus_copy_create.policy_id AND c.relation = _citus_copy_create.relation;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_copy_create.policy_id;
    IF v_view IS NULL THEN
        RAISE EXCEPTION 'the masked view of % is missing', relation
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Run mask.refresh_privileges() to generate it again.';
    END IF;
    v_target := pg_catalog.format('%I.%I', v_schema, v_cc.copy_name);
    v_copy := mask_internal._citus_copy_relation(policy_id, v_cc.copy_name);
    IF v_copy IS NOT NULL THEN
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_copy AND c.relkind = 'r') THEN
            RAISE EXCEPTION 'relation % is not a masked copy', v_target
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'maskview does not replace objects it did not generate.',
                      HINT = 'Move or drop that relation, or pass another copy_name to mask.set_citus_copy().';
        END IF;
        EXECUTE pg_catalog.format('DROP TABLE %s CASCADE', v_target);
    END IF;

    EXECUTE pg_catalog.format('CREATE TABLE %s (LIKE %s INCLUDING COMMENTS)', v_target, v_view);
    EXECUTE pg_catalog.format('ALTER TABLE %s OWNER TO %I', v_target,
                              pg_catalog.pg_get_userbyid(mask_internal._extension_owner()));
    EXECUTE pg_catalog.format('REVOKE ALL ON TABLE %s FROM PUBLIC', v_target);
    EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', v_target,
        pg_catalog.format('maskview: materialized masked copy of %s (the rows of view %s as of the last mask.refresh()); generated, do not change by hand.',
                          relation::text, v_view::text));

    v_shards := mask_internal._citus_shard_count(relation);
    -- Never colocated with a raw table: a refresh writes the copy as the
    -- extension owner and then reads the raw table as its owner in the same
    -- transaction, which Citus refuses on colocated placements.  Copies of
    -- one distribution type and shard count are colocated with each other,
    -- so joins of copies on their tokens run shard by shard.
    SELECT pg_catalog.format('%I.%I', po.view_schema, o.copy_name) INTO v_colocate
      FROM mask.citus_copy o JOIN mask.policy po ON po.id = o.policy_id
     WHERE NOT (o.policy_id = _citus_copy_create.policy_id AND o.relation = _citus_copy_create.relation)
       AND mask_internal._citus_copy_relation(o.policy_id, o.copy_name) IS NOT NULL
       AND mask_internal._citus_kind(mask_internal._citus_copy_relation(o.policy_id, o.copy_name)) = 'distributed'
       AND (SELECT a.atttypid FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = mask_internal._citus_copy_relation(o.policy_id, o.copy_name)
               AND a.attname = o.distribution_column)
           = (SELECT a.atttypid FROM pg_catalog.pg_attribute a
               WHERE a.attrelid = v_target::regclass AND a.attname = v_cc.distribution_column)
       AND mask_internal._citus_shard_count(mask_internal._citus_copy_relation(o.policy_id, o.copy_name)) = v_shards
     ORDER BY po.view_schema, o.copy_name LIMIT 1;
    IF v_colocate IS NULL THEN
        EXECUTE 'SELECT pg_catalog.create_distributed_table($1, $2, colocate_with => ''none'', shard_count => $3)'
          USING v_target, v_cc.distribution_column::text, v_shards;
    ELSE
        EXECUTE 'SELECT pg_catalog.create_distributed_table($1, $2, colocate_with => $3)'
          USING v_target, v_cc.distribution_column::text, v_colocate;
    END IF;
    v_copy := v_target::regclass;
    PERFORM mask_internal._citus_copy_grants(policy_id, v_copy, mask_internal._citus_copy_readers(policy_id));
    PERFORM mask_internal._citus_local_end(v_ddl);
    PERFORM mask_internal._internal_end(v_prev);
    RETURN v_copy;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_create(integer, regclass) IS
'Internal: (re)creates the empty distributed masked copy of a protected Citus table, with the columns of its masked view, owned by the extension owner, SELECT for the policy''s readers only.';

-- Privileges on a copy: SELECT for exactly the readers, nothing else for
-- anyone (column grants included), USAGE on the view schema for the
-- readers on the workers too.  Changes nothing when already so.
CREATE FUNCTION mask_internal._citus_copy_grants(policy_id integer, copy regclass, readers oid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_g      record;
    v_reader name;
    v_schema name;
    v_ddl    text;
BEGIN
    IF copy IS NULL THEN
        RETURN;
    END IF;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_copy_grants.policy_id;
    v_ddl := mask_internal._citus_copy_ddl_begin();
    FOR v_g IN SELECT DISTINCT NULL::name AS attname, g.grantee
                 FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                WHERE c.oid = _citus_copy_grants.copy AND g.grantee <> c.relowner
                  AND (NOT (g.grantee = ANY (readers)) OR g.privilege_type <> 'SELECT' OR g.is_grantable)
               UNION
               SELECT DISTINCT a.attname, g.grantee
                 FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                WHERE a.attrelid = _citus_copy_grants.copy AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY 1 NULLS FIRST, 2 LOOP
        EXECUTE pg_catalog.format('REVOKE ALL %s ON %s FROM %s CASCADE',
            COALESCE('(' || pg_catalog.quote_ident(v_g.attname) || ')', ''), copy,
            mask_internal._grantee_name(v_g.grantee));
    END LOOP;
    FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                     WHERE ro.oid = ANY (readers)
                       AND NOT pg_catalog.has_table_privilege(ro.oid, copy, 'SELECT')
                     ORDER BY ro.rolname LOOP
        -- (the schema grant is made again so that Citus sends it to the
        -- workers, where the shard queries of the reader run)
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', v_schema, v_reader);
        EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %I', copy, v_reader);
    END LOOP;
    PERFORM mask_internal._citus_local_end(v_ddl);
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_grants(integer, regclass, oid[]) IS
'Internal: SELECT on a masked copy for exactly the policy''s readers (and USAGE on the view schema on every node), nothing for anyone else.';

-- Empties a copy whose rows were masked by other rules than the current
-- ones (audited), so that tightening a rule or the row filter takes effect
-- on the copy at once.
CREATE FUNCTION mask_internal._citus_copy_invalidate(cc mask.citus_copy, reason text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_copy regclass := mask_internal._citus_copy_relation(cc.policy_id, cc.copy_name);
    v_prev text := mask_internal._internal_begin();
    v_ddl  text;
BEGIN
    IF v_copy IS NOT NULL THEN
        -- (with DDL propagation off, Citus truncates the coordinator's
        -- empty shell table only)
        v_ddl := mask_internal._citus_copy_ddl_begin();
        EXECUTE pg_catalog.format('TRUNCATE %s', v_copy);
        PERFORM mask_internal._citus_local_end(v_ddl);
    END IF;
    UPDATE mask.citus_copy c SET filled_with = NULL
     WHERE c.policy_id = cc.policy_id AND c.relation = cc.relation;
    PERFORM mask_internal._internal_end(v_prev);
    PERFORM mask_internal._audit('citus_copy_emptied', (SELECT po.name FROM mask.policy po WHERE po.id = cc.policy_id),
        (SELECT p.relation_name FROM mask.protected p
          WHERE p.policy_id = cc.policy_id AND p.relation = cc.relation),
        pg_catalog.jsonb_build_object('copy', cc.copy_name, 'reason', reason,
                                      'note', 'empty until the next mask.refresh()'));
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_invalidate(mask.citus_copy, text) IS
'Internal: empties a masked copy filled under rules that changed since (audited); mask.refresh() fills it again.';

-- Run with the grants of every view of a policy (hook in
-- mask_internal._citus_grants): a copy filled under other rules is emptied, and its
-- grants follow the policy's readers.
CREATE FUNCTION mask_internal._citus_copy_sync(view_schema name, view_name name, readers oid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc   mask.citus_copy;
    v_copy regclass;
    v_view regclass;
BEGIN
    SELECT c.* INTO v_cc FROM mask.citus_copy c
      JOIN mask.policy po ON po.id = c.policy_id
      JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
     WHERE po.view_schema = _citus_copy_sync.view_schema AND p.view_name = _citus_copy_sync.view_name;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
    v_view := mask_internal._citus_copy_view(v_cc.policy_id, v_cc.relation);
    IF v_cc.filled_with IS NOT NULL
       AND (v_cc.filled_with IS DISTINCT FROM mask_internal._citus_copy_definition(v_cc.policy_id, v_cc.relation)
            OR v_copy IS NULL OR v_view IS NULL
            OR mask_internal._citus_copy_signature(v_copy) IS DISTINCT FROM mask_internal._citus_copy_signature(v_view)) THEN
        PERFORM mask_internal._citus_copy_invalidate(v_cc, 'the rules, the row filter or the columns changed since the last refresh');
    END IF;
    IF v_copy IS NOT NULL
       AND EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_copy AND c.relkind = 'r') THEN
        PERFORM mask_internal._citus_copy_grants(v_cc.policy_id, v_copy, readers);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_sync(name, name, oid[]) IS
'Internal: keeps the masked copy of a view in step with the policy: emptied when filled under other rules, SELECT for the readers only.';

-- Drops the copy of a view that is dropped (hook in mask_internal._citus_drop); the
-- catalog row stays while the table is protected, and mask.refresh()
-- creates the copy again (a view renamed by protect() loses its rows).
CREATE FUNCTION mask_internal._citus_copy_drop(view_schema name, view_name name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc   mask.citus_copy;
    v_copy regclass;
    v_prev text;
    v_ddl  text;
BEGIN
    FOR v_cc IN SELECT c.* FROM mask.citus_copy c
                  JOIN mask.policy po ON po.id = c.policy_id
                  JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE po.view_schema = _citus_copy_drop.view_schema
                   AND p.view_name = _citus_copy_drop.view_name LOOP
        v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
        CONTINUE WHEN v_copy IS NULL
                   OR NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_copy AND c.relkind = 'r');
        v_prev := mask_internal._internal_begin();
        v_ddl := mask_internal._citus_copy_ddl_begin();
        EXECUTE pg_catalog.format('DROP TABLE %s CASCADE', v_copy);
        UPDATE mask.citus_copy c SET filled_with = NULL
         WHERE c.policy_id = v_cc.policy_id AND c.relation = v_cc.relation;
        PERFORM mask_internal._citus_local_end(v_ddl);
        PERFORM mask_internal._internal_end(v_prev);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_drop(name, name) IS
'Internal: drops the masked copy of a generated view that is being dropped.';

-- Catalog rows of tables no longer protected (unprotect, DROP TABLE): their
-- copies go (hook in mask_internal._apply_grants), audited.
CREATE FUNCTION mask_internal._citus_copy_cleanup(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc   mask.citus_copy;
    v_copy regclass;
    v_prev text;
    v_ddl  text;
BEGIN
    FOR v_cc IN SELECT c.* FROM mask.citus_copy c
                 WHERE c.policy_id = _citus_copy_cleanup.policy_id
                   AND NOT EXISTS (SELECT FROM mask.protected p
                                    WHERE p.policy_id = c.policy_id AND p.relation = c.relation)
                 ORDER BY c.copy_name LOOP
        v_prev := mask_internal._internal_begin();
        v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
        IF v_copy IS NOT NULL AND EXISTS (SELECT FROM pg_catalog.pg_class c
                                           WHERE c.oid = v_copy AND c.relkind = 'r') THEN
            v_ddl := mask_internal._citus_copy_ddl_begin();
            EXECUTE pg_catalog.format('DROP TABLE %s CASCADE', v_copy);
            PERFORM mask_internal._citus_local_end(v_ddl);
        END IF;
        DELETE FROM mask.citus_copy c WHERE c.policy_id = v_cc.policy_id AND c.relation = v_cc.relation;
        PERFORM mask_internal._internal_end(v_prev);
        PERFORM mask_internal._audit('citus_copy_dropped', (SELECT po.name FROM mask.policy po WHERE po.id = v_cc.policy_id),
            v_cc.copy_name::text,
            pg_catalog.jsonb_build_object('note', 'the table is no longer protected by the policy'));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_cleanup(integer) IS
'Internal: drops the masked copies (and catalog rows) of tables a policy no longer protects.';

-- Fills one copy: TRUNCATE and INSERT ... SELECT from the row function of
-- the view, with the key as a parameter, in the caller's transaction.
-- The row function receives the key and belongs to the table owner (who
-- has no USAGE on the view schema, so cannot reach it by name; but a
-- setting or body changed by hand would see the key): it is generated
-- again first (mask_internal._citus_prepare), in this transaction, so the
-- function that receives the key is exactly maskview's, and a change to it
-- waits for the commit; readers of the view are not held up by it.
-- Recreates the copy when it is missing or its columns differ from the
-- view's.  Returns the number of rows.
CREATE FUNCTION mask_internal._citus_copy_fill(policy_id integer, relation regclass)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc     mask.citus_copy;
    v_schema name;
    v_view   regclass;
    v_copy   regclass;
    v_fn     regprocedure;
    v_key    bytea;
    v_keyat  timestamptz;
    v_rows   bigint;
    v_prev   text;
    v_ddl    text;
BEGIN
    SELECT c.* INTO v_cc FROM mask.citus_copy c
     WHERE c.policy_id = _citus_copy_fill.policy_id AND c.relation = _citus_copy_fill.relation;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_copy_fill.policy_id;
    v_ddl := mask_internal._citus_local_begin(relation);
    PERFORM mask_internal._citus_prepare(policy_id, relation,
        (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = relation));
    PERFORM mask_internal._citus_local_end(v_ddl);
    v_view := mask_internal._citus_copy_view(policy_id, relation);
    v_fn := mask_internal._citus_rows_function(v_schema, (SELECT p.view_name FROM mask.protected p
                                                  WHERE p.policy_id = _citus_copy_fill.policy_id
                                                    AND p.relation = _citus_copy_fill.relation));
    IF v_view IS NULL OR v_fn IS NULL THEN
        RAISE EXCEPTION 'the masked view of % is missing or does not read a row function', relation
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Run mask.refresh_privileges() to generate it again.';
    END IF;
    v_copy := mask_internal._citus_copy_relation(policy_id, v_cc.copy_name);
    IF v_copy IS NULL OR mask_internal._citus_kind(v_copy) IS DISTINCT FROM 'distributed'
       OR mask_internal._citus_copy_signature(v_copy) IS DISTINCT FROM mask_internal._citus_copy_signature(v_view)
       OR mask_internal._citus_distribution_column(v_copy) IS DISTINCT FROM v_cc.distribution_column THEN
        v_copy := mask_internal._citus_copy_create(policy_id, relation);
    END IF;

    SELECT k.key, k.created_at INTO v_key, v_keyat FROM mask.policy_key k
     WHERE k.policy_id = _citus_copy_fill.policy_id;
    v_prev := mask_internal._internal_begin();
    v_ddl := mask_internal._citus_copy_ddl_begin();
    EXECUTE pg_catalog.format('TRUNCATE %s', v_copy);
    -- the key is a parameter: it is in no statement text, and the row
    -- function computes the pseudonyms on the coordinator
    EXECUTE pg_catalog.format('INSERT INTO %s SELECT * FROM %I.%I($1)', v_copy, v_schema,
                              (SELECT p.proname FROM pg_catalog.pg_proc p WHERE p.oid = v_fn))
      USING v_key;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    UPDATE mask.citus_copy c
       SET filled_with = mask_internal._citus_copy_definition(_citus_copy_fill.policy_id, _citus_copy_fill.relation),
           key_created_at = v_keyat, refreshed_at = pg_catalog.now(),
           refreshed_by = session_user, refreshed_rows = v_rows
     WHERE c.policy_id = _citus_copy_fill.policy_id AND c.relation = _citus_copy_fill.relation;
    PERFORM mask_internal._citus_local_end(v_ddl);
    PERFORM mask_internal._internal_end(v_prev);
    RETURN v_rows;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_fill(integer, regclass) IS
'Internal: refills a masked copy from the row function of its view (masks on the workers, pseudonyms on the coordinator, the key a parameter), in the caller''s transaction.';


CREATE FUNCTION mask.set_citus_copy(policy name, relation regclass, enabled boolean,
                                    distribution_column name DEFAULT NULL, copy_name text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    v_policy  mask.policy;
    v_prot    mask.protected;
    v_old     mask.citus_copy;
    v_name    name;
    v_column  name;
    v_rows    bigint;
    v_prev    text;
BEGIN
    v_policy := mask_internal._policy(set_citus_copy.policy);
    v_prot := mask_internal._protected(v_policy, set_citus_copy.relation);
    IF set_citus_copy.enabled IS NULL THEN
        RAISE EXCEPTION 'enabled must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.* INTO v_old FROM mask.citus_copy c
     WHERE c.policy_id = v_policy.id AND c.relation = v_prot.relation;

    IF NOT set_citus_copy.enabled THEN
        IF v_old.relation IS NULL THEN
            RAISE EXCEPTION 'table % of policy "%" has no masked copy', v_prot.relation_name, v_policy.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_prev := mask_internal._internal_begin();
        PERFORM mask_internal._citus_copy_drop(v_policy.view_schema, v_prot.view_name);
        DELETE FROM mask.citus_copy c WHERE c.policy_id = v_policy.id AND c.relation = v_prot.relation;
        PERFORM mask_internal._internal_end(v_prev);
        RETURN mask_internal._audit('set_citus_copy', v_policy.name, v_prot.relation_name,
            pg_catalog.jsonb_build_object('enabled', false, 'copy',
                pg_catalog.format('%I.%I', v_policy.view_schema, v_old.copy_name)));
    END IF;

    IF mask_internal._citus_kind(v_prot.relation) IS DISTINCT FROM 'distributed' THEN
        RAISE EXCEPTION 'table % is not a Citus distributed table', v_prot.relation_name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = CASE WHEN mask_internal._citus_kind(v_prot.relation) = 'reference'
                                THEN 'A reference table is on every node; its masked view serves it.'
                                ELSE 'A masked copy is for Citus distributed tables; the masked view of any other table reads it with WHERE and LIMIT pushed down already.' END,
                  HINT = 'Read the masked view instead.';
    END IF;
    IF set_citus_copy.copy_name = '' THEN
        RAISE EXCEPTION 'copy name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mask_internal._check_name_length('copy_name', set_citus_copy.copy_name);
    v_name := COALESCE(set_citus_copy.copy_name, v_old.copy_name::text,
                       mask_internal._citus_copy_default_name(v_prot.view_name));
    -- The name must be free in the view schema, or this copy's own.
    IF (EXISTS (SELECT FROM mask.protected o WHERE o.policy_id IN (SELECT po.id FROM mask.policy po
                                                                   WHERE po.view_schema = v_policy.view_schema)
                                             AND o.view_name = v_name)
        OR EXISTS (SELECT FROM mask.citus_copy o JOIN mask.policy po ON po.id = o.policy_id
                    WHERE po.view_schema = v_policy.view_schema AND o.copy_name = v_name
                      AND NOT (o.policy_id = v_policy.id AND o.relation = v_prot.relation))
        OR (mask_internal._citus_copy_relation(v_policy.id, v_name) IS NOT NULL
            AND v_name IS DISTINCT FROM v_old.copy_name)) THEN
        RAISE EXCEPTION 'relation %.% already exists', pg_catalog.quote_ident(v_policy.view_schema),
                        pg_catalog.quote_ident(v_name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'maskview does not replace objects it did not generate.',
                  HINT = 'Pass another copy_name.';
    END IF;
    IF mask_internal._citus_copy_view(v_policy.id, v_prot.relation) IS NULL
       OR mask_internal._citus_copy_signature(mask_internal._citus_copy_view(v_policy.id, v_prot.relation)) = '' THEN
        RAISE EXCEPTION 'the masked view of % has no columns', v_prot.relation_name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Every column of the table is hidden by the policy.',
                  HINT = 'Set rules with mask.set_rule() first.';
    END IF;
    v_column := mask_internal._citus_copy_pick_column(v_policy.id, v_prot.relation, set_citus_copy.distribution_column);

    v_prev := mask_internal._internal_begin();
    IF v_old.relation IS NOT NULL AND v_old.copy_name <> v_name
       AND mask_internal._citus_copy_relation(v_policy.id, v_old.copy_name) IS NOT NULL THEN
        PERFORM mask_internal._citus_copy_drop(v_policy.view_schema, v_prot.view_name);
    END IF;
    INSERT INTO mask.citus_copy AS c (policy_id, relation, copy_name, distribution_column)
    VALUES (v_policy.id, v_prot.relation, v_name, v_column)
    ON CONFLICT ON CONSTRAINT citus_copy_pkey DO UPDATE
        SET copy_name = EXCLUDED.copy_name, distribution_column = EXCLUDED.distribution_column,
            filled_with = NULL, enabled_by = session_user, enabled_at = pg_catalog.now();
    PERFORM mask_internal._citus_copy_create(v_policy.id, v_prot.relation);
    v_rows := mask_internal._citus_copy_fill(v_policy.id, v_prot.relation);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('set_citus_copy', v_policy.name, v_prot.relation_name,
        pg_catalog.jsonb_build_object('enabled', true,
            'copy', pg_catalog.format('%I.%I', v_policy.view_schema, v_name),
            'distribution_column', v_column, 'rows', v_rows,
            'replaced', v_old.relation IS NOT NULL));
END;
$$;

COMMENT ON FUNCTION mask.set_citus_copy(name, regclass, boolean, name, text) IS
'Keeps (enabled true: creates and fills) or drops a materialized masked copy of a protected Citus distributed table: a distributed table <view_schema>.<copy_name> (default <view>_copy) of the masked rows that members read with WHERE and LIMIT pushed to the shards; mask.refresh() fills it again.';


CREATE FUNCTION mask.refresh(policy name)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    v_policy mask.policy;
    v_cc     record;
    v_rows   jsonb := '{}';
    v_quiet  text[];
    v_start  timestamptz := pg_catalog.clock_timestamp();
BEGIN
    v_policy := mask_internal._policy(refresh.policy);
    -- No logging setting of the caller shows the statements of the refresh.
    IF pg_catalog.current_setting('citus.log_remote_commands', true) IS NOT NULL THEN
        v_quiet := ARRAY[pg_catalog.current_setting('citus.log_remote_commands'),
                         pg_catalog.current_setting('citus.worker_min_messages'),
                         pg_catalog.current_setting('citus.explain_all_tasks')];
        PERFORM pg_catalog.set_config('citus.log_remote_commands', 'off', true);
        PERFORM pg_catalog.set_config('citus.worker_min_messages', 'warning', true);
        PERFORM pg_catalog.set_config('citus.explain_all_tasks', 'off', true);
    END IF;
    FOR v_cc IN SELECT c.relation, p.relation_name FROM mask.citus_copy c
                  JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE c.policy_id = v_policy.id ORDER BY p.relation_name LOOP
        v_rows := v_rows || pg_catalog.jsonb_build_object(v_cc.relation_name,
                                                          mask_internal._citus_copy_fill(v_policy.id, v_cc.relation));
    END LOOP;
    IF v_quiet IS NOT NULL THEN
        PERFORM pg_catalog.set_config('citus.log_remote_commands', v_quiet[1], true);
        PERFORM pg_catalog.set_config('citus.worker_min_messages', v_quiet[2], true);
        PERFORM pg_catalog.set_config('citus.explain_all_tasks', v_quiet[3], true);
    END IF;
    RETURN mask_internal._audit('refresh', v_policy.name, NULL,
        pg_catalog.jsonb_build_object('copies', v_rows,
            'seconds', pg_catalog.round(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - v_start)::numeric, 3)));
END;
$$;

COMMENT ON FUNCTION mask.refresh(name) IS
'Refills every materialized masked copy of a policy (mask.set_citus_copy) from the raw tables, atomically: readers of a copy wait for the refresh and then see the new rows. Audited with the row counts.';


-- mask.verify() on masked copies (hooked in by one line in 82_verify.sql):
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
CREATE FUNCTION mask_internal._verify_citus_copy(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc      record;
    v_copy    regclass;
    v_view    regclass;
    v_readers oid[];
    v_g       record;
    v_keyat   timestamptz;
BEGIN
    FOR v_cc IN SELECT c.*, po.name AS policy_name, po.view_schema, p.relation_name,
                       p.relation IS NOT NULL AS protected
                  FROM mask.citus_copy c
                  JOIN mask.policy po ON po.id = c.policy_id
                  LEFT JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE _verify_citus_copy.only_policy IS NULL OR po.name = _verify_citus_copy.only_policy
                 ORDER BY po.name, c.copy_name LOOP
        policy := v_cc.policy_name;
        object := pg_catalog.format('%I.%I', v_cc.view_schema, v_cc.copy_name);
        v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
        IF NOT v_cc.protected THEN
            severity := 'error';
            finding := 'A masked copy is kept for a table the policy no longer protects.';
            hint := 'Run SELECT mask.refresh_privileges(); it drops the copy.';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF v_copy IS NULL OR mask_internal._citus_kind(v_copy) IS DISTINCT FROM 'distributed' THEN
            severity := 'warning';
            finding := pg_catalog.format('The masked copy of %s is %s.', v_cc.relation_name,
                           CASE WHEN v_copy IS NULL THEN 'missing' ELSE 'not a Citus distributed table' END);
            hint := pg_catalog.format('SELECT mask.refresh(%L); creates it again.', v_cc.policy_name);
            RETURN NEXT;
            CONTINUE;
        END IF;
        v_view := mask_internal._citus_copy_view(v_cc.policy_id, v_cc.relation);
        IF v_view IS NULL OR mask_internal._citus_copy_signature(v_copy) <> mask_internal._citus_copy_signature(v_view) THEN
            severity := 'error';
            finding := pg_catalog.format('The columns of the masked copy of %s differ from those of its masked view (the rules): %s.',
                           v_cc.relation_name, mask_internal._citus_copy_signature(v_copy));
            hint := pg_catalog.format('SELECT mask.refresh(%L); creates it again with the columns of the view.', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        IF v_cc.filled_with IS NOT NULL
           AND v_cc.filled_with IS DISTINCT FROM mask_internal._citus_copy_definition(v_cc.policy_id, v_cc.relation) THEN
            severity := 'error';
            finding := pg_catalog.format('The masked copy of %s holds rows masked by other rules or another row filter than the policy''s current ones.',
                                         v_cc.relation_name);
            hint := pg_catalog.format('SELECT mask.refresh(%L);', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        IF (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = v_copy) <> mask_internal._extension_owner() THEN
            severity := 'error';
            finding := pg_catalog.format('The masked copy of %s is owned by %s, not by the extension owner: its owner can change its rows and grants.',
                           v_cc.relation_name,
                           (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = v_copy));
            hint := pg_catalog.format('SELECT mask.refresh(%L); creates it again.', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        v_readers := mask_internal._citus_copy_readers(v_cc.policy_id);
        FOR v_g IN SELECT DISTINCT NULL::name AS attname, g.grantee, g.privilege_type
                     FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                    WHERE c.oid = v_copy AND g.grantee <> c.relowner
                      AND (NOT (g.grantee = ANY (v_readers)) OR g.privilege_type <> 'SELECT')
                   UNION
                   SELECT DISTINCT a.attname, g.grantee, g.privilege_type
                     FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                    WHERE a.attrelid = v_copy AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY 1 NULLS FIRST, 2, 3 LOOP
            severity := 'error';
            finding := pg_catalog.format('%s holds %s on %sthe masked copy of %s, which only the policy''s readers may read.',
                           mask_internal._grantee_name(v_g.grantee), v_g.privilege_type,
                           COALESCE('column ' || pg_catalog.quote_ident(v_g.attname) || ' of ', ''),
                           v_cc.relation_name);
            hint := 'Run SELECT mask.refresh_privileges(); it revokes grants maskview did not make.';
            RETURN NEXT;
        END LOOP;
        FOR v_g IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                    WHERE ro.oid = ANY (v_readers)
                      AND NOT pg_catalog.has_table_privilege(ro.oid, v_copy, 'SELECT')
                    ORDER BY 1 LOOP
            severity := 'warning';
            finding := pg_catalog.format('Reader %s of the policy cannot read the masked copy of %s.',
                                         pg_catalog.quote_ident(v_g.rolname), v_cc.relation_name);
            hint := 'Run SELECT mask.refresh_privileges();';
            RETURN NEXT;
        END LOOP;
        IF v_cc.filled_with IS NULL THEN
            severity := 'warning';
            finding := pg_catalog.format('The masked copy of %s is empty: %s.', v_cc.relation_name,
                           CASE WHEN v_cc.refreshed_at IS NULL THEN 'it was never refreshed'
                                ELSE 'a change of the rules emptied it after its refresh at '
                                     || pg_catalog.to_char(v_cc.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' END);
            hint := pg_catalog.format('SELECT mask.refresh(%L);', v_cc.policy_name);
            RETURN NEXT;
            CONTINUE;
        END IF;
        SELECT k.created_at INTO v_keyat FROM mask.policy_key k WHERE k.policy_id = v_cc.policy_id;
        IF v_keyat IS DISTINCT FROM v_cc.key_created_at THEN
            severity := 'warning';
            finding := pg_catalog.format('The masked copy of %s holds pseudonyms of the key the policy had before mask.rotate_key(): they no longer match the view''s.',
                                         v_cc.relation_name);
            hint := pg_catalog.format('SELECT mask.refresh(%L);', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        severity := 'info';
        finding := pg_catalog.format('The masked copy of %s holds %s rows as of %s UTC (refreshed by %s); changes to the table since are not in it.',
                       v_cc.relation_name, v_cc.refreshed_rows,
                       pg_catalog.to_char(v_cc.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                       pg_catalog.quote_ident(v_cc.refreshed_by));
        hint := pg_catalog.format('SELECT mask.refresh(%L); to bring it up to date.', v_cc.policy_name);
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_citus_copy(name) IS
'Internal (mask.verify()): masked copies of Citus tables that are missing, empty, stale (rules, filter or key changed since their refresh), of other columns than their view, of another owner, or readable by roles other than the policy''s readers.';
