-- ---------------------------------------------------------------------------
-- Policy API: policies, protected tables, rules, keys.
--
-- Every function is SECURITY DEFINER (it runs DDL the caller may not run) and
-- EXECUTE is revoked from PUBLIC (90_privileges.sql), so a caller who is not
-- an admin is refused by PostgreSQL itself with 42501.  Each call validates
-- all of its input before changing anything, raises 22023 with a detail
-- naming the offending part, regenerates the affected views in the same
-- transaction and writes exactly one audit row once the change succeeded.
-- ---------------------------------------------------------------------------

-- The policy row for a name, or 22023.
CREATE FUNCTION mask_internal._policy(policy name)
RETURNS mask.policy
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
BEGIN
    IF _policy.policy IS NULL THEN
        RAISE EXCEPTION 'policy name must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT p.* INTO v_policy FROM mask.policy p WHERE p.name = _policy.policy;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'policy "%" does not exist', _policy.policy
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The policies are listed in mask.policies.';
    END IF;
    RETURN v_policy;
END;
$$;

COMMENT ON FUNCTION mask_internal._policy(name) IS
'Internal: the catalog row of a policy, or invalid_parameter_value naming the unknown policy.';


-- Refuses a name argument PostgreSQL would cut to 63 bytes (22023), so that
-- two long names never silently become one object.
CREATE FUNCTION mask_internal._check_name_length(parameter text, value text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.octet_length(_check_name_length.value) >= 64 THEN
        RAISE EXCEPTION '% is too long', _check_name_length.parameter
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('It is %s bytes long; a PostgreSQL name has at most 63 bytes.',
                                             pg_catalog.octet_length(_check_name_length.value)),
                  HINT = 'Choose a shorter name.';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._check_name_length(text, text) IS
'Internal: refuses (22023) a name argument longer than the 63 bytes of a PostgreSQL name instead of letting it be truncated.';


-- The protected-table row of (policy, relation), or 22023.
CREATE FUNCTION mask_internal._protected(policy mask.policy, relation regclass)
RETURNS mask.protected
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot mask.protected;
BEGIN
    IF _protected.relation IS NULL THEN
        RAISE EXCEPTION 'relation must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT p.* INTO v_prot FROM mask.protected p
     WHERE p.policy_id = (_protected.policy).id AND p.relation = _protected.relation;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not protected by policy "%"',
                        _protected.relation, (_protected.policy).name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Add it with mask.protect() first.';
    END IF;
    RETURN v_prot;
END;
$$;

COMMENT ON FUNCTION mask_internal._protected(mask.policy, regclass) IS
'Internal: the catalog row of a protected table of a policy, or invalid_parameter_value.';


-- Whether a role may lose USAGE on a view schema: not while it is still a
-- member of another policy using the schema, or an auditor.
CREATE FUNCTION mask_internal._revoke_schema_usage(view_schema name, role oid)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prev text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles ro WHERE ro.oid = _revoke_schema_usage.role)
       OR NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = _revoke_schema_usage.view_schema)
       OR EXISTS (SELECT FROM mask.member m JOIN mask.policy p ON p.id = m.policy_id
                   WHERE m.role = _revoke_schema_usage.role AND p.view_schema = _revoke_schema_usage.view_schema)
       OR EXISTS (SELECT FROM mask.auditor a WHERE a.role = _revoke_schema_usage.role) THEN
        RETURN;
    END IF;
    v_prev := mask_internal._internal_begin();
    EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA %I FROM %I', view_schema,
                              pg_catalog.pg_get_userbyid(role));
    PERFORM mask_internal._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask_internal._revoke_schema_usage(name, oid) IS
'Internal: revokes USAGE on a view schema from a role that no longer needs it as member or auditor.';


-- policy and view_schema are text, not name: a name parameter would cut a
-- longer argument to 63 bytes before the body sees it, so two long names
-- would silently become one policy or schema.  import_policy refuses them
-- the same way.
CREATE FUNCTION mask.create_policy(policy text, view_schema text, description text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id      integer;
    v_created boolean := false;
    v_prev    text;
    v_refusal text;
BEGIN
    IF create_policy.policy IS NULL OR create_policy.policy = '' THEN
        RAISE EXCEPTION 'policy name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF create_policy.view_schema IS NULL OR create_policy.view_schema = '' THEN
        RAISE EXCEPTION 'view schema of policy "%" must not be empty', create_policy.policy
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mask_internal._check_name_length('policy', create_policy.policy);
    PERFORM mask_internal._check_name_length('view_schema', create_policy.view_schema);
    IF EXISTS (SELECT FROM mask.policy p WHERE p.name = create_policy.policy) THEN
        RAISE EXCEPTION 'policy "%" already exists', create_policy.policy
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The views' schema is readable by every member and its owner could
    -- replace the views: it belongs to maskview alone (45_view_schema.sql).
    v_refusal := mask_internal._view_schema_refusal(create_policy.view_schema);
    IF v_refusal IS NOT NULL THEN
        RAISE EXCEPTION 'schema "%" cannot hold masked views', create_policy.view_schema
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = v_refusal,
                  HINT = 'Name a schema that does not exist yet: create_policy creates it, owned by the extension owner.';
    END IF;

    v_prev := mask_internal._internal_begin();
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = create_policy.view_schema) THEN
        EXECUTE pg_catalog.format('CREATE SCHEMA %I', create_policy.view_schema);
        v_created := true;
    END IF;
    INSERT INTO mask.policy (name, view_schema, description, schema_created)
    VALUES (create_policy.policy, create_policy.view_schema, create_policy.description, v_created)
    RETURNING id INTO v_id;
    INSERT INTO mask.policy_key (policy_id, key) VALUES (v_id, mask_internal._new_key());
    PERFORM mask_internal._regenerate_policy(v_id);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('create_policy', create_policy.policy, create_policy.view_schema::text,
        pg_catalog.jsonb_build_object('view_schema', create_policy.view_schema,
                                      'description', create_policy.description,
                                      'schema_created', v_created));
END;
$$;

COMMENT ON FUNCTION mask.create_policy(text, text, text) IS
'Creates a policy whose masked views live in view_schema (created if missing) and gives it a fresh 32-byte pseudonym key.';


CREATE FUNCTION mask.drop_policy(policy name)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy   mask.policy;
    v_prot     mask.protected;
    v_member   mask.member;
    v_members  text[];
    v_tables   text[];
    v_dropped  boolean := false;
    v_prev     text;
BEGIN
    v_policy := mask_internal._policy(drop_policy.policy);
    v_prev := mask_internal._internal_begin();

    SELECT pg_catalog.array_agg(p.relation_name ORDER BY p.relation_name) INTO v_tables
      FROM mask.protected p WHERE p.policy_id = v_policy.id;
    FOR v_prot IN SELECT p.* FROM mask.protected p WHERE p.policy_id = v_policy.id LOOP
        PERFORM mask_internal._drop_generated_view(v_policy.view_schema, v_prot.view_name);
    END LOOP;
    EXECUTE pg_catalog.format('DROP VIEW IF EXISTS %I.%I', 'mask_internal', mask_internal._key_view_name(v_policy.id));

    SELECT pg_catalog.array_agg(m.role_name ORDER BY m.role_name) INTO v_members
      FROM mask.member m WHERE m.policy_id = v_policy.id;
    FOR v_member IN SELECT m.* FROM mask.member m WHERE m.policy_id = v_policy.id LOOP
        PERFORM mask_internal._reset_search_path(v_member);
    END LOOP;
    DELETE FROM mask.policy p WHERE p.id = v_policy.id;   -- cascades to the rest

    IF v_members IS NOT NULL THEN
        PERFORM mask_internal._revoke_schema_usage(v_policy.view_schema, ro.oid)
           FROM pg_catalog.pg_roles ro WHERE ro.rolname = ANY (v_members);
    END IF;

    -- A schema create_policy made goes again when nothing else is in it.
    IF v_policy.schema_created
       AND NOT EXISTS (SELECT FROM mask.policy p WHERE p.view_schema = v_policy.view_schema) THEN
        BEGIN
            EXECUTE pg_catalog.format('DROP SCHEMA IF EXISTS %I RESTRICT', v_policy.view_schema);
            v_dropped := true;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            v_dropped := false;
        END;
    END IF;
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('drop_policy', v_policy.name, v_policy.view_schema::text,
        pg_catalog.jsonb_build_object('tables', COALESCE(v_tables, '{}'),
                                      'members', COALESCE(v_members, '{}'),
                                      'schema_dropped', v_dropped));
END;
$$;

COMMENT ON FUNCTION mask.drop_policy(name) IS
'Drops a policy: its masked views, key, rules and memberships; the view schema too if create_policy made it and it is now empty.';


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
    v_rel       record;
    v_view      name;
    v_other     text;
    v_filter_sql text;
    v_member    record;
    v_path      text;
    v_followed  jsonb := '{}';
    v_prev      text;
BEGIN
    v_policy := mask_internal._policy(protect.policy);
    IF protect.relation IS NULL THEN
        RAISE EXCEPTION 'relation must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.relname, c.relkind, c.relpersistence, n.nspname, ro.rolname, ro.rolsuper,
           c.relrowsecurity, c.relforcerowsecurity INTO v_rel
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_roles ro ON ro.oid = c.relowner
     WHERE c.oid = protect.relation;
    IF NOT FOUND THEN
        -- (0::regclass, or a table dropped since the OID was taken)
        RAISE EXCEPTION 'relation with OID % does not exist', protect.relation::oid
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the name of an existing table.';
    END IF;
    IF v_rel.relpersistence = 't' THEN
        -- its view would be a temporary view of this session, not one in
        -- the policy's schema, and both go at the end of the session
        RAISE EXCEPTION 'table % is temporary', protect.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only permanent and unlogged tables can be protected.';
    END IF;
    IF v_rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '% is not a table', protect.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only tables and partitioned tables can be protected.';
    END IF;
    IF v_rel.rolsuper THEN
        RAISE EXCEPTION 'table % is owned by superuser %', protect.relation, v_rel.rolname
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A masked view is owned by its table''s owner, and a view owned by a superuser would bypass row security and every privilege check on the table.',
                  HINT = 'Give the table a non-superuser owner, for example with ALTER TABLE ... OWNER TO a role that owns the data.';
    END IF;
    -- The view reads the table as its owner, and row security does not
    -- apply to a table's owner unless forced: members would see every row.
    IF v_rel.relrowsecurity AND NOT v_rel.relforcerowsecurity THEN
        RAISE EXCEPTION 'table % has row level security that its owner bypasses', protect.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The masked view reads the table as the table''s owner, to whom row security policies do not apply unless forced: members would see every row.',
                  HINT = 'Either ALTER TABLE ... FORCE ROW LEVEL SECURITY (the policies then apply, evaluated for the owner), or express the restriction as the row filter of mask.protect() and DISABLE ROW LEVEL SECURITY.';
    END IF;
    IF v_rel.nspname IN ('mask', 'mask_internal') THEN
        RAISE EXCEPTION 'table % belongs to maskview', protect.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The tables of schemas mask and mask_internal cannot be protected.';
    END IF;
    -- A view schema holds generated views only: a table there would sit
    -- next to its own masked view, readable by every member's search_path.
    IF EXISTS (SELECT FROM mask.policy p WHERE p.view_schema = v_rel.nspname) THEN
        RAISE EXCEPTION 'table % is in a view schema', protect.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Schema %s holds the masked views of a policy.', pg_catalog.quote_ident(v_rel.nspname)),
                  HINT = 'Move the table to a schema of its own (ALTER TABLE ... SET SCHEMA).';
    END IF;
    -- Only what the caller could read itself (47_caller_reads.sql).
    PERFORM mask_internal._caller_must_read(protect.relation, NULL, 'protect');

    IF protect.view_name = '' THEN
        RAISE EXCEPTION 'view name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mask_internal._check_name_length('view_name', protect.view_name);
    v_view := COALESCE(protect.view_name, v_rel.relname::text);
    SELECT o.relation_name INTO v_other
      FROM mask.protected o JOIN mask.policy p ON p.id = o.policy_id
     WHERE p.view_schema = v_policy.view_schema AND o.view_name = v_view
       AND NOT (o.policy_id = v_policy.id AND o.relation = protect.relation);
    IF FOUND THEN
        RAISE EXCEPTION 'view name %.% is already taken', pg_catalog.quote_ident(v_policy.view_schema),
                        pg_catalog.quote_ident(v_view)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('It is the masked view of %s.', v_other),
                  HINT = 'Pass another view_name.';
    END IF;

    SELECT p.* INTO v_old FROM mask.protected p
     WHERE p.policy_id = v_policy.id AND p.relation = protect.relation;
    -- Any other object of that name is not ours to replace.
    IF EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = v_policy.view_schema AND c.relname = v_view)
       AND (v_old.view_name IS NULL OR v_old.view_name <> v_view) THEN
        RAISE EXCEPTION 'relation %.% already exists', pg_catalog.quote_ident(v_policy.view_schema),
                        pg_catalog.quote_ident(v_view)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'maskview does not replace objects it did not generate.',
                  HINT = 'Pass another view_name.';
    END IF;

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

    -- A member of the policy must not be able to read the table it now protects.
    FOR v_member IN SELECT m.role FROM mask.member m WHERE m.policy_id = v_policy.id ORDER BY m.role_name LOOP
        v_path := mask_internal._read_path(v_member.role, ARRAY[protect.relation::oid]);
        IF v_path IS NOT NULL THEN
            RAISE EXCEPTION 'member % of policy "%" can read %', v_member.role, v_policy.name, protect.relation
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = v_path,
                      HINT = 'Revoke that access, or remove the member, before protecting the table.';
        END IF;
    END LOOP;

    IF v_old.relation IS NOT NULL AND v_old.view_name <> v_view THEN
        PERFORM mask_internal._drop_generated_view(v_policy.view_schema, v_old.view_name);
    END IF;
    INSERT INTO mask.protected AS p (policy_id, relation, relation_name, columns, view_name,
                                     row_filter, row_filter_sql)
    VALUES (v_policy.id, protect.relation,
            pg_catalog.format('%I.%I', v_rel.nspname, v_rel.relname),
            mask_internal._columns_snapshot(protect.relation), v_view,
            protect.row_filter, v_filter_sql)
    ON CONFLICT ON CONSTRAINT protected_pkey DO UPDATE
        SET view_name = EXCLUDED.view_name,
            row_filter = EXCLUDED.row_filter,
            row_filter_sql = EXCLUDED.row_filter_sql,
            added_by = session_user,
            added_at = pg_catalog.now();
    PERFORM mask_internal._regenerate_policy(v_policy.id);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('protect', v_policy.name, pg_catalog.format('%I.%I', v_rel.nspname, v_rel.relname),
        pg_catalog.jsonb_build_object(
            'view', pg_catalog.format('%I.%I', v_policy.view_schema, v_view),
            'row_filter', protect.row_filter,
            'replaced', v_old.relation IS NOT NULL,
            'previous', CASE WHEN v_old.relation IS NOT NULL THEN
                             pg_catalog.jsonb_build_object('view_name', v_old.view_name,
                                                           'row_filter', v_old.row_filter) END)
        || CASE WHEN v_followed <> '{}' THEN pg_catalog.jsonb_build_object('followed', v_followed)
                ELSE '{}'::jsonb END);
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
    PERFORM mask_internal._regenerate_policy(v_policy.id);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('unprotect', v_policy.name, v_prot.relation_name,
        pg_catalog.jsonb_build_object('view', pg_catalog.format('%I.%I', v_policy.view_schema, v_prot.view_name),
                                      'rules_dropped', v_rules));
END;
$$;

COMMENT ON FUNCTION mask.unprotect(name, regclass) IS
'Removes a table from a policy: drops its masked view and its rules.';


CREATE FUNCTION mask.set_rule(policy name, relation regclass, column_name name, expression text,
                              reason text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy   mask.policy;
    v_prot     mask.protected;
    v_action   text;
    v_sql      text;
    v_old      mask.rule;
    v_followed jsonb;
    v_prev     text;
BEGIN
    v_policy := mask_internal._policy(set_rule.policy);
    v_prot := mask_internal._protected(v_policy, set_rule.relation);
    v_prev := mask_internal._internal_begin();
    -- Column names and the validator must see the table as it is now.
    v_followed := mask_internal._reconcile(v_policy.id, v_prot.relation);

    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = v_prot.relation AND a.attname = set_rule.column_name
                      AND a.attnum > 0 AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'column "%" of table % does not exist', set_rule.column_name, v_prot.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Table %s has no column named %s.', v_prot.relation,
                                             pg_catalog.quote_ident(set_rule.column_name));
    END IF;
    IF set_rule.expression IS NULL THEN
        RAISE EXCEPTION 'rule expression for column "%" must not be NULL', set_rule.column_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Write PASS, NULL (as text) or a masking expression; mask.drop_rule() hides the column again.';
    END IF;

    CASE pg_catalog.upper(pg_catalog.btrim(set_rule.expression))
        WHEN 'PASS' THEN v_action := 'pass';
        WHEN 'NULL' THEN v_action := 'null';
        ELSE
            v_action := 'mask';
            v_sql := mask_internal._validate_expression(set_rule.expression, v_prot.relation, false,
                                               mask_internal._key_sql(v_policy.id));
    END CASE;
    -- PASS and masks publish the column: only one the caller could read.
    IF v_action <> 'null' THEN
        PERFORM mask_internal._caller_must_read(v_prot.relation,
                                       ARRAY[set_rule.column_name] || mask_internal._sql_columns(v_prot.relation, v_sql),
                                       'set a rule on');
    END IF;

    SELECT r.* INTO v_old FROM mask.rule r
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
       AND r.column_name = set_rule.column_name;
    INSERT INTO mask.rule AS r (policy_id, relation, column_name, action,
                                expression, expression_sql, reason)
    VALUES (v_policy.id, v_prot.relation, set_rule.column_name, v_action,
            set_rule.expression, v_sql, set_rule.reason)
    ON CONFLICT ON CONSTRAINT rule_pkey DO UPDATE
        SET action = EXCLUDED.action,
            expression = EXCLUDED.expression,
            expression_sql = EXCLUDED.expression_sql,
            reason = EXCLUDED.reason,
            orphaned = false,
            set_by = session_user,
            set_at = pg_catalog.now();
    PERFORM mask_internal._regenerate_policy(v_policy.id, v_prot.relation);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('set_rule', v_policy.name,
        pg_catalog.format('%s.%I', (SELECT p.relation_name FROM mask.protected p
                                     WHERE p.policy_id = v_policy.id AND p.relation = v_prot.relation),
                          set_rule.column_name),
        pg_catalog.jsonb_build_object('action', v_action, 'expression', set_rule.expression,
                                      'reason', set_rule.reason,
                                      'previous', CASE WHEN v_old.column_name IS NOT NULL THEN
                                          pg_catalog.jsonb_build_object('action', v_old.action,
                                                                        'expression', v_old.expression) END)
        || CASE WHEN v_followed <> '{}' THEN pg_catalog.jsonb_build_object('followed', v_followed)
                ELSE '{}'::jsonb END);
END;
$$;

COMMENT ON FUNCTION mask.set_rule(name, regclass, name, text, text) IS
'Sets how a column appears in the masked view: PASS (as is), NULL (typed NULL) or a validated masking expression; mask.pseudonym(col) uses the policy''s key.';


CREATE FUNCTION mask.drop_rule(policy name, relation regclass, column_name name)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_prot   mask.protected;
    v_rule   mask.rule;
    v_prev   text;
BEGIN
    v_policy := mask_internal._policy(drop_rule.policy);
    v_prot := mask_internal._protected(v_policy, drop_rule.relation);
    v_prev := mask_internal._internal_begin();
    PERFORM mask_internal._reconcile(v_policy.id, v_prot.relation);

    -- The rule of that column name, live or orphaned (columns are
    -- identified by name, so there is at most one).
    SELECT r.* INTO v_rule FROM mask.rule r
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
       AND r.column_name = drop_rule.column_name;
    IF v_rule.column_name IS NULL THEN
        RAISE EXCEPTION 'column "%" of table % has no rule in policy "%"', drop_rule.column_name,
                        v_prot.relation, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A column without a rule is already hidden.';
    END IF;

    DELETE FROM mask.rule r
     WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
       AND r.column_name = v_rule.column_name;
    PERFORM mask_internal._regenerate_policy(v_policy.id, v_prot.relation);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('drop_rule', v_policy.name,
        pg_catalog.format('%s.%I', v_prot.relation_name, v_rule.column_name),
        pg_catalog.jsonb_build_object('action', v_rule.action, 'expression', v_rule.expression,
                                      'orphaned', v_rule.orphaned));
END;
$$;

COMMENT ON FUNCTION mask.drop_rule(name, regclass, name) IS
'Removes a column''s rule, which hides the column from the masked view again (also removes orphaned rules of dropped columns).';


CREATE FUNCTION mask.rotate_key(policy name)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
BEGIN
    v_policy := mask_internal._policy(rotate_key.policy);
    -- The views read the key through the key view at each execution, so
    -- they need no regeneration; pseudonyms change from the next query on.
    UPDATE mask.policy_key k SET key = mask_internal._new_key(), created_at = pg_catalog.now()
     WHERE k.policy_id = v_policy.id;
    IF NOT FOUND THEN
        INSERT INTO mask.policy_key (policy_id, key) VALUES (v_policy.id, mask_internal._new_key());
    END IF;
    RETURN mask_internal._audit('rotate_key', v_policy.name, NULL,
        pg_catalog.jsonb_build_object('pseudonyms_change', true));
END;
$$;

COMMENT ON FUNCTION mask.rotate_key(name) IS
'Replaces a policy''s pseudonym key with 32 fresh random bytes: every pseudonym of the policy changes, and old and new tokens no longer link.';
