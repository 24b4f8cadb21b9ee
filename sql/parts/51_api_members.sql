-- ---------------------------------------------------------------------------
-- Members: the roles that read a policy's masked views.
--
-- A member must have no other way to the raw data, or the masking is
-- decoration.  add_member therefore refuses any role that can read a
-- protected table by any path, and names the path so the DBA can close it.
-- ---------------------------------------------------------------------------

-- The search_path.  add_member puts the view schema first in the member's
-- search_path so that its tools find the masked views under the tables'
-- names.  That setting is code the member runs: it is written only
--   * for this database (ALTER ROLE ... IN DATABASE), never for the whole
--     cluster, where the same schema name may be anybody's;
--   * to a schema that maskview's owner owns and nobody else may create
--     objects in, so no admin can plant a function or a view there;
--   * for one policy per role: a second policy of the same role with
--     set_search_path is refused, so the role never switches silently to
--     another policy's views of the same name;
-- and remove_member (or drop_policy) puts back exactly the setting the role
-- had in this database before (mask.member.search_path_before), unless
-- somebody changed it since.

-- The role's search_path setting in the current database, as
-- pg_db_role_setting stores it after "search_path=", or NULL.
CREATE FUNCTION mask_internal._role_search_path(role oid)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.substr(c.setting, pg_catalog.length('search_path=') + 1)
      FROM pg_catalog.pg_db_role_setting s
      JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase AND d.datname = pg_catalog.current_database(),
           pg_catalog.unnest(s.setconfig) c(setting)
     WHERE s.setrole = _role_search_path.role AND c.setting LIKE 'search\_path=%'
     LIMIT 1
$$;

COMMENT ON FUNCTION mask_internal._role_search_path(oid) IS
'Internal: a role''s search_path setting in the current database (ALTER ROLE ... IN DATABASE), or NULL.';

-- The search_path add_member sets, as pg_db_role_setting stores it.
CREATE FUNCTION mask_internal._member_search_path(view_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.quote_ident(view_schema) || ', "$user", public'
$$;

COMMENT ON FUNCTION mask_internal._member_search_path(name) IS
'Internal: the search_path value add_member sets for members, as stored in pg_db_role_setting.';

-- Why add_member may not put view_schema into role's search_path, or NULL.
CREATE FUNCTION mask_internal._search_path_refusal(view_schema name, role oid, policy_id integer)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_owner   oid := (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'maskview');
    v_nsp     record;
    v_other   text;
BEGIN
    SELECT n.nspowner, n.nspacl INTO v_nsp FROM pg_catalog.pg_namespace n
     WHERE n.nspname = _search_path_refusal.view_schema;
    IF NOT FOUND THEN
        RETURN pg_catalog.format('Schema %s does not exist.', pg_catalog.quote_ident(view_schema));
    END IF;
    IF v_nsp.nspowner <> v_owner THEN
        RETURN pg_catalog.format('Schema %s is owned by %s, not by maskview''s owner %s: its owner could put objects there that the member would then run.',
                                 pg_catalog.quote_ident(view_schema),
                                 pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_nsp.nspowner)),
                                 pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_owner)));
    END IF;
    SELECT pg_catalog.string_agg(mask_internal._grantee_name(g.grantee),
                                 ', ' ORDER BY g.grantee)
      INTO v_other
      FROM pg_catalog.aclexplode(v_nsp.nspacl) g
     WHERE g.privilege_type = 'CREATE' AND g.grantee <> v_nsp.nspowner;
    IF v_other IS NOT NULL THEN
        RETURN pg_catalog.format('%s may create objects in schema %s, which the member would then run.',
                                 v_other, pg_catalog.quote_ident(view_schema));
    END IF;
    SELECT pg_catalog.quote_ident(p.name) INTO v_other
      FROM mask.member m JOIN mask.policy p ON p.id = m.policy_id
     WHERE m.role = _search_path_refusal.role AND m.search_path_set
       AND m.policy_id <> _search_path_refusal.policy_id
     ORDER BY p.name LIMIT 1;
    IF FOUND THEN
        RETURN pg_catalog.format('Its search_path already leads to the views of policy %s; a second policy would silently switch it to other views of the same names.',
                                 v_other);
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION mask_internal._search_path_refusal(name, oid, integer) IS
'Internal: why add_member may not put a view schema into a role''s search_path (schema not maskview''s alone, or the role''s search_path already serves another policy), or NULL.';

-- Puts back the search_path a member had before add_member set it, if
-- add_member set it and nobody changed it since.  The stored value is
-- written back verbatim only when it has the shape PostgreSQL stores
-- (identifiers, quoted where needed, separated by ", "); anything else is
-- left alone rather than interpolated into DDL.
CREATE FUNCTION mask_internal._reset_search_path(member mask.member)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema name;
    v_role   name := pg_catalog.pg_get_userbyid((_reset_search_path.member).role);
    v_before text := (_reset_search_path.member).search_path_before;
BEGIN
    IF NOT (_reset_search_path.member).search_path_set THEN
        RETURN false;
    END IF;
    SELECT p.view_schema INTO v_schema FROM mask.policy p WHERE p.id = (_reset_search_path.member).policy_id;
    IF mask_internal._role_search_path((_reset_search_path.member).role)
       IS DISTINCT FROM mask_internal._member_search_path(v_schema) THEN
        RETURN false;
    END IF;
    IF v_before IS NULL THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I IN DATABASE %I RESET search_path',
                                  v_role, pg_catalog.current_database());
    ELSIF v_before = '""' THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I IN DATABASE %I SET search_path = %L',
                                  v_role, pg_catalog.current_database(), '');
    ELSIF v_before ~ '^("([^"]|"")*"|[a-z_][a-z0-9_]*)(, ("([^"]|"")*"|[a-z_][a-z0-9_]*))*$' THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I IN DATABASE %I SET search_path = %s',
                                  v_role, pg_catalog.current_database(), v_before);
    ELSE
        RETURN false;
    END IF;
    RETURN true;
END;
$$;

COMMENT ON FUNCTION mask_internal._reset_search_path(mask.member) IS
'Internal: puts back the search_path a member had in this database before add_member set it, unless it was changed since.';


CREATE FUNCTION mask.add_member(policy name, member regrole, set_search_path boolean DEFAULT true)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_name   name;
    v_path   text;
    v_hint   text;
    v_prev   text;
BEGIN
    v_policy := mask_internal._policy(add_member.policy);
    IF add_member.member IS NULL THEN
        RAISE EXCEPTION 'member must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_name := pg_catalog.pg_get_userbyid(add_member.member);
    IF EXISTS (SELECT FROM mask.member m WHERE m.policy_id = v_policy.id AND m.role = add_member.member) THEN
        RAISE EXCEPTION 'role % is already a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_name LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'role % cannot be a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Role %s is a predefined role.', add_member.member);
    END IF;
    IF EXISTS (SELECT FROM mask.admin a WHERE a.role = add_member.member) THEN
        RAISE EXCEPTION 'role % cannot be a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Role %s is a policy admin and could change the policy it reads through.',
                                             add_member.member);
    END IF;
    -- The role, and every role that inherits it or can become it (they
    -- read the views too): no other way to the raw data (46_member_paths.sql).
    SELECT r.path, r.hint INTO v_path, v_hint
      FROM mask_internal._member_readers(add_member.member) m,
           LATERAL mask_internal._raw_paths(m.reader,
                                   ARRAY(SELECT p.relation::oid FROM mask.protected p
                                          WHERE p.policy_id = v_policy.id)) WITH ORDINALITY r
     ORDER BY m.reader <> add_member.member, m.name, r.ordinality
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'role % cannot be a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = v_path,
                  HINT = 'Members must reach the protected tables only through the masked views: ' || v_hint;
    END IF;

    IF add_member.set_search_path THEN
        v_path := mask_internal._search_path_refusal(v_policy.view_schema, add_member.member, v_policy.id);
        IF v_path IS NOT NULL THEN
            RAISE EXCEPTION 'cannot set the search_path of role % to the views of policy "%"',
                            add_member.member, v_policy.name
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = v_path,
                      HINT = 'Pass set_search_path => false (the member then names the views with their schema), or use a policy whose view schema create_policy made.';
        END IF;
    END IF;

    v_prev := mask_internal._internal_begin();
    INSERT INTO mask.member (policy_id, role, role_name, search_path_set, search_path_before)
    VALUES (v_policy.id, add_member.member, v_name, COALESCE(add_member.set_search_path, false),
            CASE WHEN add_member.set_search_path THEN mask_internal._role_search_path(add_member.member) END);
    IF add_member.set_search_path THEN
        -- Unqualified table names in the member's tools then find the
        -- masked views first; in this database only.
        EXECUTE pg_catalog.format('ALTER ROLE %I IN DATABASE %I SET search_path = %s',
                                  v_name, pg_catalog.current_database(),
                                  mask_internal._member_search_path(v_policy.view_schema));
    END IF;
    -- Grants only: who reads the views changes, the views do not.
    PERFORM mask_internal._apply_grants(v_policy.id);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('add_member', v_policy.name, v_name::text,
        pg_catalog.jsonb_build_object('set_search_path', COALESCE(add_member.set_search_path, false)));
END;
$$;

COMMENT ON FUNCTION mask.add_member(name, regrole, boolean) IS
'Lets a role read a policy''s masked views (USAGE on the view schema, SELECT on the views) and by default puts the view schema first in its search_path. Refuses roles with any other path to the raw tables, naming it.';


CREATE FUNCTION mask.remove_member(policy name, member regrole)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_member mask.member;
    v_reset  boolean;
    v_prev   text;
BEGIN
    v_policy := mask_internal._policy(remove_member.policy);
    SELECT m.* INTO v_member FROM mask.member m
     WHERE m.policy_id = v_policy.id AND m.role = remove_member.member;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % is not a member of policy "%"', remove_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    v_prev := mask_internal._internal_begin();
    DELETE FROM mask.member m WHERE m.policy_id = v_policy.id AND m.role = remove_member.member;
    v_reset := mask_internal._reset_search_path(v_member);
    PERFORM mask_internal._apply_grants(v_policy.id);   -- revokes SELECT on the views
    PERFORM mask_internal._revoke_schema_usage(v_policy.view_schema, remove_member.member);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('remove_member', v_policy.name, v_member.role_name::text,
        pg_catalog.jsonb_build_object('search_path_reset', v_reset));
END;
$$;

COMMENT ON FUNCTION mask.remove_member(name, regrole) IS
'Takes a role out of a policy: revokes its access to the masked views and resets the search_path add_member set.';
