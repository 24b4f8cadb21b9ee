-- ---------------------------------------------------------------------------
-- Policy API: the protected tables of a policy (conventions of the API:
-- 50_api_policy.sql).
-- ---------------------------------------------------------------------------

-- Refuses (22023) a relation that cannot be protected: NULL or gone, a
-- temporary table, not a table, owned by a superuser, under row security
-- its owner bypasses, maskview's own, or in a view schema.
CREATE FUNCTION mask_internal._check_protectable(relation regclass)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rel record;
BEGIN
    IF _check_protectable.relation IS NULL THEN
        RAISE EXCEPTION 'relation must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.relname, c.relkind, c.relpersistence, n.nspname,
           c.relrowsecurity, c.relforcerowsecurity INTO v_rel
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = _check_protectable.relation;
    IF NOT FOUND THEN
        -- (0::regclass, or a table dropped since the OID was taken)
        RAISE EXCEPTION 'relation with OID % does not exist', _check_protectable.relation::oid
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the name of an existing table.';
    END IF;
    IF v_rel.relpersistence = 't' THEN
        -- its view would be a temporary view of this session, not one in
        -- the policy's schema, and both go at the end of the session
        RAISE EXCEPTION 'table % is temporary', _check_protectable.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only permanent and unlogged tables can be protected.';
    END IF;
    IF v_rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '% is not a table', _check_protectable.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only tables and partitioned tables can be protected.';
    END IF;
    PERFORM mask_internal._check_table_owner(_check_protectable.relation);
    -- The view reads the table as its owner, and row security does not
    -- apply to a table's owner unless forced: members would see every row.
    IF v_rel.relrowsecurity AND NOT v_rel.relforcerowsecurity THEN
        RAISE EXCEPTION 'table % has row level security that its owner bypasses', _check_protectable.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The masked view reads the table as the table''s owner, to whom row security policies do not apply unless forced: members would see every row.',
                  HINT = 'Either ALTER TABLE ... FORCE ROW LEVEL SECURITY (the policies then apply, evaluated for the owner), or express the restriction as the row filter of mask.protect() and DISABLE ROW LEVEL SECURITY.';
    END IF;
    IF v_rel.nspname IN ('mask', 'mask_internal') THEN
        RAISE EXCEPTION 'table % belongs to maskview', _check_protectable.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The tables of schemas mask and mask_internal cannot be protected.';
    END IF;
    -- A view schema holds generated views only: a table there would sit
    -- next to its own masked view, readable by every member's search_path.
    IF EXISTS (SELECT FROM mask.policy p WHERE p.view_schema = v_rel.nspname) THEN
        RAISE EXCEPTION 'table % is in a view schema', _check_protectable.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Schema %s holds the masked views of a policy.', pg_catalog.quote_ident(v_rel.nspname)),
                  HINT = 'Move the table to a schema of its own (ALTER TABLE ... SET SCHEMA).';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._check_protectable(regclass) IS
'Internal: refuses (invalid_parameter_value) a relation mask.protect() cannot protect, saying why.';


-- The name of the masked view protect() makes for relation (view_name, by
-- default the table's), refused (22023) when it is empty, too long, the
-- view of another table in the schema, or the name of any other object.
CREATE FUNCTION mask_internal._protect_view_name(policy mask.policy, relation regclass, view_name text)
RETURNS name
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_view  name;
    v_other text;
    v_old   name;
BEGIN
    IF _protect_view_name.view_name = '' THEN
        RAISE EXCEPTION 'view name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mask_internal._check_name_length('view_name', _protect_view_name.view_name);
    v_view := COALESCE(_protect_view_name.view_name,
                       (SELECT c.relname::text FROM pg_catalog.pg_class c
                         WHERE c.oid = _protect_view_name.relation));
    SELECT o.relation_name INTO v_other
      FROM mask.protected o JOIN mask.policy p ON p.id = o.policy_id
     WHERE p.view_schema = (_protect_view_name.policy).view_schema AND o.view_name = v_view
       AND NOT (o.policy_id = (_protect_view_name.policy).id AND o.relation = _protect_view_name.relation);
    IF FOUND THEN
        RAISE EXCEPTION 'view name %.% is already taken', pg_catalog.quote_ident((_protect_view_name.policy).view_schema),
                        pg_catalog.quote_ident(v_view)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('It is the masked view of %s.', v_other),
                  HINT = 'Pass another view_name.';
    END IF;

    SELECT p.view_name INTO v_old FROM mask.protected p
     WHERE p.policy_id = (_protect_view_name.policy).id AND p.relation = _protect_view_name.relation;
    -- Any other object of that name is not ours to replace.
    IF EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = (_protect_view_name.policy).view_schema AND c.relname = v_view)
       AND v_old IS DISTINCT FROM v_view THEN
        RAISE EXCEPTION 'relation %.% already exists', pg_catalog.quote_ident((_protect_view_name.policy).view_schema),
                        pg_catalog.quote_ident(v_view)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'maskview does not replace objects it did not generate.',
                  HINT = 'Pass another view_name.';
    END IF;

    RETURN v_view;
END;
$$;

COMMENT ON FUNCTION mask_internal._protect_view_name(mask.policy, regclass, text) IS
'Internal: the name of the masked view mask.protect() makes, or invalid_parameter_value when it is empty, too long or taken.';


-- Refuses (22023) to protect relation in a policy one of whose members can
-- read it by another path (the path in the detail).
CREATE FUNCTION mask_internal._check_members_cannot_read(policy mask.policy, relation regclass)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_member record;
    v_path   text;
BEGIN
    -- A member of the policy must not be able to read the table it now protects.
    FOR v_member IN SELECT m.role FROM mask.member m WHERE m.policy_id = (_check_members_cannot_read.policy).id ORDER BY m.role_name LOOP
        v_path := mask_internal._read_path(v_member.role, ARRAY[_check_members_cannot_read.relation::oid]);
        IF v_path IS NOT NULL THEN
            RAISE EXCEPTION 'member % of policy "%" can read %', v_member.role, (_check_members_cannot_read.policy).name, _check_members_cannot_read.relation
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = v_path,
                      HINT = 'Revoke that access, or remove the member, before protecting the table.';
        END IF;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._check_members_cannot_read(mask.policy, regclass) IS
'Internal: refuses (invalid_parameter_value) to protect a table that a member of the policy can read, naming the path.';


-- view_name is text for the reason given at create_policy.
CREATE FUNCTION mask.protect(policy name, relation regclass, row_filter text DEFAULT NULL,
                             view_name text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy    mask.policy;
    v_old       mask.protected;
    v_view      name;
    v_filter_sql text;
    v_followed  jsonb := '{}';
    v_prev      text;
BEGIN
    v_policy := mask_internal._policy(protect.policy);
    PERFORM mask_internal._check_protectable(protect.relation);
    -- Only what the caller could read itself (47_caller_reads.sql).
    PERFORM mask_internal._caller_must_read(protect.relation, NULL, 'protect');

    v_view := mask_internal._protect_view_name(v_policy, protect.relation, protect.view_name);
    SELECT p.* INTO v_old FROM mask.protected p
     WHERE p.policy_id = v_policy.id AND p.relation = protect.relation;

    v_prev := mask_internal._internal_begin();
    IF v_old.relation IS NOT NULL THEN
        -- Validate the new filter against the table as it is now.
        v_followed := mask_internal._reconcile(v_policy.id, protect.relation);
    END IF;
    IF protect.row_filter IS NOT NULL THEN
        v_filter_sql := mask_internal._validate_expression(protect.row_filter, protect.relation, true);
        PERFORM mask_internal._caller_must_read(protect.relation,
                                       mask_internal._sql_columns(protect.relation, v_filter_sql), 'filter on');
    END IF;

    PERFORM mask_internal._check_members_cannot_read(v_policy, protect.relation);

    IF v_old.relation IS NOT NULL AND v_old.view_name <> v_view THEN
        PERFORM mask_internal._drop_generated_view(v_policy.view_schema, v_old.view_name);
    END IF;
    INSERT INTO mask.protected AS p (policy_id, relation, relation_name, columns, view_name,
                                     row_filter, row_filter_sql)
    VALUES (v_policy.id, protect.relation,
            mask_internal._relation_name(protect.relation),
            mask_internal._columns_snapshot(protect.relation), v_view,
            protect.row_filter, v_filter_sql)
    ON CONFLICT ON CONSTRAINT protected_pkey DO UPDATE
        SET view_name = EXCLUDED.view_name,
            row_filter = EXCLUDED.row_filter,
            row_filter_sql = EXCLUDED.row_filter_sql,
            added_by = session_user,
            added_at = pg_catalog.now();
    -- Only this table's view; the catalog entry is fresh or was reconciled
    -- above.  The key view's grants follow its owner.
    PERFORM mask_internal._regenerate_policy(v_policy.id, protect.relation);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('protect', v_policy.name, mask_internal._relation_name(protect.relation),
        pg_catalog.jsonb_build_object(
            'view', pg_catalog.format('%I.%I', v_policy.view_schema, v_view),
            'row_filter', protect.row_filter,
            'replaced', v_old.relation IS NOT NULL,
            'previous', CASE WHEN v_old.relation IS NOT NULL THEN
                             pg_catalog.jsonb_build_object('view_name', v_old.view_name,
                                                           'row_filter', v_old.row_filter) END)
        || mask_internal._followed(v_followed));
END;
$$;

COMMENT ON FUNCTION mask.protect(name, regclass, text, text) IS
'Protects a table in a policy: its masked view (named view_name, default the table''s name) shows only ruled columns and, with a row filter, only matching rows. Called again for the same table, replaces the row filter and view name.';


CREATE FUNCTION mask.unprotect(policy name, relation regclass)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_prot   mask.protected;
    v_rules  bigint;
    v_prev   text;
BEGIN
    v_policy := mask_internal._policy(unprotect.policy);
    v_prot := mask_internal._protected(v_policy, unprotect.relation);
    SELECT pg_catalog.count(*) INTO v_rules FROM mask.rule r
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation;

    v_prev := mask_internal._internal_begin();
    PERFORM mask_internal._drop_generated_view(v_policy.view_schema, v_prot.view_name);
    DELETE FROM mask.protected p WHERE p.policy_id = v_policy.id AND p.relation = v_prot.relation;
    -- The other views stay as they are; the key view loses the owner of
    -- this table if it owns no other table of the policy.
    PERFORM mask_internal._apply_policy_grants(v_policy.id);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('unprotect', v_policy.name,
        COALESCE(mask_internal._relation_name(v_prot.relation), v_prot.relation_name),
        pg_catalog.jsonb_build_object('view', pg_catalog.format('%I.%I', v_policy.view_schema, v_prot.view_name),
                                      'rules_dropped', v_rules));
END;
$$;

COMMENT ON FUNCTION mask.unprotect(name, regclass) IS
'Removes a table from a policy: drops its masked view and its rules.';
