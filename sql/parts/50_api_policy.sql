-- ---------------------------------------------------------------------------
-- Policy API: policies and their keys (here), protected tables
-- (50_api_protect.sql), rules (50_api_rules.sql), members (51_api_members.sql),
-- admins, auditors and trusted functions (52_api_roles.sql).
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
    EXECUTE 'DROP VIEW IF EXISTS ' || mask_internal._key_view(v_policy.id);

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
