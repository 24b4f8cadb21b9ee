-- ---------------------------------------------------------------------------
-- Generation: the query of a masked view from the catalog, and the
-- regeneration of a policy's views.
-- ---------------------------------------------------------------------------

-- The SELECT a generated view is made of, from the catalog alone.  Also what
-- mask.verify() compares a view's definition with.  A view over a Citus table
-- reads through a row function instead (48_citus.sql).
CREATE FUNCTION mask_internal._view_query(policy_id integer, relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN mask_internal._citus_kind(relation) IS NULL
                THEN mask_internal._view_select(policy_id, relation)
                ELSE mask_internal._citus_view_query(policy_id, relation) END
$$;

COMMENT ON FUNCTION mask_internal._view_query(integer, regclass) IS
'Internal: the query of the masked view of one protected table, as generated from the catalog (hidden columns omitted).';

-- The columns the masked view of a protected table shows: those with a rule
-- that is not orphaned, in the table's column order, with the rule and what
-- the view selects for it (value_sql: the column, a typed NULL or the
-- validated mask).  One source for the view's query, its column comments
-- and the row function of a Citus table (48_citus.sql).
CREATE FUNCTION mask_internal._view_columns(policy_id integer, relation regclass)
RETURNS TABLE (attname name, attnum smallint, action text, expression text,
               expression_sql text, reason text, value_sql text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
        SELECT a.attname, a.attnum, r.action, r.expression, r.expression_sql, r.reason,
               CASE r.action
                   WHEN 'pass' THEN pg_catalog.quote_ident(a.attname)
                   WHEN 'null' THEN 'NULL::' || pg_catalog.format_type(a.atttypid, a.atttypmod)
                   ELSE r.expression_sql
               END
          FROM mask.rule r
          JOIN pg_catalog.pg_attribute a
            ON a.attrelid = r.relation AND a.attname = r.column_name AND a.attnum > 0
         WHERE r.policy_id = _view_columns.policy_id AND r.relation = _view_columns.relation
           AND NOT r.orphaned AND NOT a.attisdropped
         ORDER BY a.attnum;
END;
$$;

COMMENT ON FUNCTION mask_internal._view_columns(integer, regclass) IS
'Internal: the columns the masked view of a protected table shows (a rule that is not orphaned), in column order, with their rule and what the view selects for each.';

-- The masked SELECT over the raw table itself.
CREATE FUNCTION mask_internal._view_select(policy_id integer, relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'SELECT '
           || COALESCE((
                SELECT pg_catalog.string_agg(v.value_sql || ' AS ' || pg_catalog.quote_ident(v.attname),
                                             ', ' ORDER BY v.attnum)
                  FROM mask_internal._view_columns(p.policy_id, p.relation) v), '')
           || pg_catalog.format(' FROM %I.%I', n.nspname, c.relname)
           || COALESCE(' WHERE (' || p.row_filter_sql || ')', '')
      FROM mask.protected p
      JOIN pg_catalog.pg_class c ON c.oid = p.relation
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE p.policy_id = _view_select.policy_id AND p.relation = _view_select.relation
$$;

COMMENT ON FUNCTION mask_internal._view_select(integer, regclass) IS
'Internal: the masked SELECT over a protected table (rules in column order, hidden columns omitted, the row filter).';


-- Drops a generated view if it exists and is a view (never anything else),
-- with whatever depends on it (audited by mask_internal._drop_view_cascade): the
-- objects of members over a masked view never veto unprotect or drop_policy.
CREATE FUNCTION mask_internal._drop_generated_view(view_schema name, view_name name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_view oid;
BEGIN
    SELECT c.oid INTO v_view FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = view_schema AND c.relname = view_name AND c.relkind = 'v';
    IF FOUND THEN
        PERFORM mask_internal._drop_view_cascade(v_view, 'the masked view is removed from the policy');
    END IF;
    PERFORM mask_internal._citus_drop(view_schema, view_name);
END;
$$;

COMMENT ON FUNCTION mask_internal._drop_generated_view(name, name) IS
'Internal: drops one generated view if present, with its dependent objects (audited when there are any).';


-- Refuses (22023) a table owned by a superuser: its masked view is owned by
-- the table's owner, and a superuser's view would bypass row security and
-- every privilege check on the table.  protect() asks before it records a
-- table, every regeneration asks again (ALTER TABLE ... OWNER TO since).
CREATE FUNCTION mask_internal._check_table_owner(relation regclass)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_owner name;
BEGIN
    SELECT ro.rolname INTO v_owner
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_roles ro ON ro.oid = c.relowner
     WHERE c.oid = _check_table_owner.relation AND ro.rolsuper;
    IF FOUND THEN
        RAISE EXCEPTION 'table % is owned by superuser %',
                        mask_internal._relation_name(_check_table_owner.relation), v_owner
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A masked view is owned by its table''s owner, and a view owned by a superuser would bypass row security and every privilege check on the table.',
                  HINT = 'Give the table a non-superuser owner, for example with ALTER TABLE ... OWNER TO a role that owns the data.';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._check_table_owner(regclass) IS
'Internal: refuses (invalid_parameter_value) a table owned by a superuser, whose masked view would bypass every privilege and row security check.';


-- The view schema of a policy exists and is maskview's: created again when
-- it was dropped by hand (the catalog says it exists), taken over when it is
-- of another owner (an 0.2.0 policy's) and holds nothing but generated views
-- (45_view_schema.sql).  Returns what changed, keyed by the schema's name.
CREATE FUNCTION mask_internal._prepare_view_schema(policy mask.policy)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_former name;
    v_prev   text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = (_prepare_view_schema.policy).view_schema) THEN
        v_prev := mask_internal._internal_begin();
        EXECUTE pg_catalog.format('CREATE SCHEMA %I', (_prepare_view_schema.policy).view_schema);
        UPDATE mask.policy p SET schema_created = true WHERE p.id = (_prepare_view_schema.policy).id;
        PERFORM mask_internal._internal_end(v_prev);
        RETURN '{}';
    END IF;
    v_former := mask_internal._claim_view_schema((_prepare_view_schema.policy).view_schema);
    IF v_former IS NULL THEN
        RETURN '{}';
    END IF;
    RETURN pg_catalog.jsonb_build_object((_prepare_view_schema.policy).view_schema,
        pg_catalog.jsonb_build_object('schema_owner_changed',
            pg_catalog.jsonb_build_object('from', v_former,
                'to', pg_catalog.pg_get_userbyid(mask_internal._extension_owner()))));
END;
$$;

COMMENT ON FUNCTION mask_internal._prepare_view_schema(mask.policy) IS
'Internal: makes sure a policy''s view schema exists and belongs to maskview; returns what changed.';


-- (Re)generates the masked view of one protected table from the catalog,
-- which the caller has reconciled with the table (42_reconcile.sql), without
-- its grants (44_grants.sql).  Returns what changed besides the view's
-- definition (view_replaced, view_owner_changed), an empty object if nothing.
CREATE FUNCTION mask_internal._generate_view(policy mask.policy, relation regclass)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- and the pinned rule settings (91_rule_settings.sql)
AS $$
DECLARE
    v_policy    mask.policy := _generate_view.policy;
    v_prot      mask.protected;
    v_changes   jsonb := '{}';
    v_owner     name;
    v_old_owner name;
    v_target    text;
    v_query     text;
    v_col       record;
    v_prev      text;
    v_view_oid  oid;
    v_view_kind "char";
    v_added     text[];
BEGIN
    SELECT p.* INTO v_prot FROM mask.protected p
     WHERE p.policy_id = v_policy.id AND p.relation = _generate_view.relation;
    PERFORM mask_internal._check_table_owner(v_prot.relation);
    v_owner := (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
                 WHERE c.oid = v_prot.relation);
    v_prev := mask_internal._internal_begin();

    v_target := pg_catalog.format('%I.%I', v_policy.view_schema, v_prot.view_name);
    -- a Citus table's view reads a row function owned by the table owner
    -- (48_citus.sql)
    PERFORM mask_internal._citus_prepare(v_policy.id, v_prot.relation, v_owner);
    v_query := mask_internal._view_query(v_policy.id, v_prot.relation);
    SELECT c.oid, c.relkind, pg_catalog.pg_get_userbyid(c.relowner)
      INTO v_view_oid, v_view_kind, v_old_owner
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = v_policy.view_schema AND c.relname = v_prot.view_name;
    IF v_view_oid IS NOT NULL AND v_view_kind <> 'v' THEN
        -- Not ours, and maybe someone's data: never dropped, never reused.
        RAISE EXCEPTION 'relation % is not the masked view of %', v_target, v_prot.relation_name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'maskview does not replace objects it did not generate.',
                  HINT = 'Move or drop that relation; mask.verify() lists what else is in the view schema.';
    END IF;
    -- CREATE OR REPLACE VIEW keeps the rules, triggers and column grants of
    -- the view it replaces: a view carrying any (added by its owner, or
    -- planted in its place) is dropped and generated afresh.
    IF v_view_oid IS NOT NULL THEN
        v_added := mask_internal._view_additions(v_view_oid);
        IF v_added <> '{}' THEN
            PERFORM mask_internal._drop_view_cascade(v_view_oid,
                'the view carried objects maskview did not generate',
                pg_catalog.jsonb_build_object('removed', pg_catalog.to_jsonb(v_added)));
            v_changes := v_changes || pg_catalog.jsonb_build_object('view_replaced', pg_catalog.to_jsonb(v_added));
            v_view_oid := NULL;
            v_old_owner := NULL;
        END IF;
    END IF;
    -- The view follows the table to a new owner (ALTER TABLE ... OWNER TO).
    IF v_old_owner IS NOT NULL AND v_old_owner <> v_owner THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('view_owner_changed',
                       pg_catalog.jsonb_build_object('from', v_old_owner, 'to', v_owner));
    END IF;
    -- CREATE OR REPLACE keeps objects that depend on the view; it cannot
    -- drop, rename or retype columns (42P16), and then the view is dropped,
    -- with whatever depends on it (audited), and created afresh: objects of
    -- members over a masked view never veto a change.
    BEGIN
        EXECUTE pg_catalog.format('CREATE OR REPLACE VIEW %s WITH (security_barrier) AS %s',
                                  v_target, v_query);
    EXCEPTION WHEN invalid_table_definition THEN
        PERFORM mask_internal._drop_view_cascade(v_view_oid,
            'the columns of the masked view changed (a hidden or renamed column, or a rule of another type)');
        EXECUTE pg_catalog.format('CREATE VIEW %s WITH (security_barrier) AS %s', v_target, v_query);
    END;
    -- A table that is no longer a Citus table (undistribute_table) keeps no
    -- row function: its view now reads the table itself.
    IF mask_internal._citus_kind(v_prot.relation) IS NULL THEN
        PERFORM mask_internal._citus_drop(v_policy.view_schema, v_prot.view_name);
    END IF;
    EXECUTE pg_catalog.format('ALTER VIEW %s OWNER TO %I', v_target, v_owner);
    EXECUTE pg_catalog.format('COMMENT ON VIEW %s IS %L', v_target,
        pg_catalog.format('maskview: masked view of %s for policy %s, generated from the policy catalog; changes made by hand are undone by the next regeneration.',
                          v_prot.relation_name, v_policy.name));
    FOR v_col IN SELECT * FROM mask_internal._view_columns(v_policy.id, v_prot.relation) LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', v_target, v_col.attname,
            'maskview rule: '
            || CASE v_col.action WHEN 'pass' THEN 'PASS' WHEN 'null' THEN 'NULL'
                                 ELSE v_col.expression END
            || COALESCE('; reason: ' || v_col.reason, ''));
    END LOOP;
    PERFORM mask_internal._internal_end(v_prev);
    RETURN v_changes;
END;
$$;

COMMENT ON FUNCTION mask_internal._generate_view(mask.policy, regclass) IS
'Internal: (re)generates the masked view of one protected table from the (reconciled) catalog, owned by the table''s owner; returns what changed besides its definition.';


-- Regenerates the views of a policy from the catalog -- all of them, or only
-- that of only_relation, the one table an API call or a DDL command changed:
-- replacing a view takes an exclusive lock until commit, and readers of the
-- policy's other views need not wait for it, nor deadlock with it.  The
-- caller has reconciled the catalog with the tables (mask_internal._reconcile,
-- once per call); only a table found gone is reconciled here, which removes
-- it and its view.  Grants are applied to the views regenerated and to what
-- the whole policy shares (schema, key view), and only where missing or
-- extra.  Returns, per table, what changed (for the audit rows).
CREATE FUNCTION mask_internal._regenerate_policy(policy_id integer, only_relation regclass DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy   mask.policy;
    v_prot     mask.protected;
    v_changes  jsonb;
    v_result   jsonb;
    v_prev     text;
    v_citus    text;
BEGIN
    SELECT p.* INTO v_policy FROM mask.policy p WHERE p.id = _regenerate_policy.policy_id;
    IF NOT FOUND THEN
        RETURN '{}';
    END IF;
    v_prev := mask_internal._internal_begin();
    -- Where Citus is loaded, all of it stays on the coordinator (48_citus.sql).
    v_citus := mask_internal._citus_ddl_propagation('off');
    v_result := mask_internal._prepare_view_schema(v_policy);
    PERFORM mask_internal._ensure_key_view(v_policy.id);

    FOR v_prot IN SELECT p.* FROM mask.protected p
                   WHERE p.policy_id = v_policy.id
                     AND (_regenerate_policy.only_relation IS NULL
                          OR p.relation = _regenerate_policy.only_relation)
                   ORDER BY p.relation_name LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_prot.relation) THEN
            v_result := v_result || pg_catalog.jsonb_build_object(v_prot.relation_name,
                mask_internal._reconcile(v_policy.id, v_prot.relation));
            PERFORM mask_internal._drop_generated_view(v_policy.view_schema, v_prot.view_name);
            CONTINUE;
        END IF;
        v_changes := mask_internal._generate_view(v_policy, v_prot.relation);
        IF v_changes <> '{}' THEN
            v_result := v_result || pg_catalog.jsonb_build_object(v_prot.relation_name, v_changes);
        END IF;
        PERFORM mask_internal._apply_view_grants(v_policy.id, v_prot.relation);
    END LOOP;

    PERFORM mask_internal._apply_policy_grants(v_policy.id);
    PERFORM mask_internal._citus_ddl_propagation(v_citus);
    PERFORM mask_internal._internal_end(v_prev);
    RETURN v_result;
END;
$$;

COMMENT ON FUNCTION mask_internal._regenerate_policy(integer, regclass) IS
'Internal: regenerates the masked views of a policy (or only that of one table) from the reconciled catalog and applies the grants they lack; returns what changed.';
