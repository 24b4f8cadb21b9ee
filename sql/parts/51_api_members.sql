-- ---------------------------------------------------------------------------
-- Members: the roles that read a policy's masked views.
--
-- A member must have no other way to the raw data, or the masking is
-- decoration.  add_member therefore refuses any role that can read a
-- protected table by any path, and names the path so the DBA can close it.
-- ---------------------------------------------------------------------------

-- Why role could read one of relations (or their inheritance parents and
-- children) without maskview, as a full sentence; NULL when it cannot.  The
-- paths: superuser, BYPASSRLS, pg_read_all_data, a grant to PUBLIC, owning
-- or being granted SELECT on the table or one of its columns, each either
-- directly, through an inherited role, or through a role it can SET ROLE to.
CREATE FUNCTION mask._read_path(role oid, relations oid[])
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_member  text := pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(_read_path.role));
    v_r       record;
    v_t       record;
    v_who     text;
    v_col     name;
BEGIN
    -- PUBLIC first: it is the widest path and the first to close.
    FOR v_t IN
        WITH RECURSIVE family(relid, dir) AS (
            SELECT x, d FROM pg_catalog.unnest(relations) x, (VALUES ('down'), ('up')) v(d)
            UNION
            SELECT CASE f.dir WHEN 'down' THEN i.inhrelid ELSE i.inhparent END, f.dir
              FROM family f JOIN pg_catalog.pg_inherits i
                ON (f.dir = 'down' AND i.inhparent = f.relid) OR (f.dir = 'up' AND i.inhrelid = f.relid))
        SELECT DISTINCT c.oid, c.oid::regclass::text AS name, c.relowner, c.relacl
          FROM family f JOIN pg_catalog.pg_class c ON c.oid = f.relid
         ORDER BY 2
    LOOP
        IF EXISTS (SELECT FROM pg_catalog.aclexplode(v_t.relacl) g
                    WHERE g.grantee = 0 AND g.privilege_type = 'SELECT')
           OR EXISTS (SELECT FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                       WHERE a.attrelid = v_t.oid AND g.grantee = 0 AND g.privilege_type = 'SELECT') THEN
            RETURN pg_catalog.format('PUBLIC has SELECT on %s, so every role can read it, %s included.',
                                     v_t.name, v_member);
        END IF;
    END LOOP;

    -- The role itself, then every role whose privileges it inherits or can
    -- take with SET ROLE.
    FOR v_r IN SELECT ro.oid, pg_catalog.quote_ident(ro.rolname) AS name, ro.rolname,
                      ro.rolsuper, ro.rolbypassrls,
                      ro.oid = _read_path.role AS self,
                      pg_catalog.pg_has_role(_read_path.role, ro.oid, 'USAGE') AS inherits
                 FROM pg_catalog.pg_roles ro
                WHERE pg_catalog.pg_has_role(_read_path.role, ro.oid, 'MEMBER')
                ORDER BY ro.oid <> _read_path.role, ro.rolname
    LOOP
        v_who := CASE WHEN v_r.self THEN pg_catalog.format('Role %s', v_member)
                      WHEN v_r.inherits THEN pg_catalog.format('Role %s inherits the privileges of %s, which', v_member, v_r.name)
                      ELSE pg_catalog.format('Role %s can SET ROLE to %s, which', v_member, v_r.name) END;
        IF v_r.rolsuper THEN
            RETURN v_who || ' is a superuser.';
        END IF;
        IF v_r.rolbypassrls THEN
            RETURN v_who || ' has BYPASSRLS.';
        END IF;
        IF v_r.rolname = 'pg_read_all_data' THEN
            RETURN pg_catalog.format('Role %s is a member of pg_read_all_data.', v_member);
        END IF;
        FOR v_t IN
            WITH RECURSIVE family(relid, dir) AS (
                SELECT x, d FROM pg_catalog.unnest(relations) x, (VALUES ('down'), ('up')) v(d)
                UNION
                SELECT CASE f.dir WHEN 'down' THEN i.inhrelid ELSE i.inhparent END, f.dir
                  FROM family f JOIN pg_catalog.pg_inherits i
                    ON (f.dir = 'down' AND i.inhparent = f.relid) OR (f.dir = 'up' AND i.inhrelid = f.relid))
            SELECT DISTINCT c.oid, c.oid::regclass::text AS name, c.relowner, c.relacl
              FROM family f JOIN pg_catalog.pg_class c ON c.oid = f.relid
             ORDER BY 2
        LOOP
            IF v_t.relowner = v_r.oid THEN
                RETURN pg_catalog.format('%s owns %s.', v_who, v_t.name);
            END IF;
            IF EXISTS (SELECT FROM pg_catalog.aclexplode(v_t.relacl) g
                        WHERE g.grantee = v_r.oid AND g.privilege_type = 'SELECT') THEN
                RETURN pg_catalog.format('%s has SELECT on %s.', v_who, v_t.name);
            END IF;
            SELECT a.attname INTO v_col
              FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
             WHERE a.attrelid = v_t.oid AND g.grantee = v_r.oid AND g.privilege_type = 'SELECT'
             ORDER BY a.attnum LIMIT 1;
            IF FOUND THEN
                RETURN pg_catalog.format('%s has SELECT on column %s of %s.', v_who,
                                         pg_catalog.quote_ident(v_col), v_t.name);
            END IF;
        END LOOP;
    END LOOP;

    -- Anything PostgreSQL itself would allow that the paths above missed.
    FOR v_t IN SELECT c.oid, c.oid::regclass::text AS name
                 FROM pg_catalog.pg_class c WHERE c.oid = ANY (relations) ORDER BY 2 LOOP
        IF pg_catalog.has_table_privilege(_read_path.role, v_t.oid, 'SELECT')
           OR pg_catalog.has_any_column_privilege(_read_path.role, v_t.oid, 'SELECT') THEN
            RETURN pg_catalog.format('Role %s can read %s.', v_member, v_t.name);
        END IF;
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION mask._read_path(oid, oid[]) IS
'Internal: a sentence naming how a role could read one of the given tables (or their inheritance relatives) other than through masked views, or NULL.';


-- Resets a member's search_path if add_member set it and nobody changed it since.
CREATE FUNCTION mask._reset_search_path(member mask.member)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema name;
BEGIN
    IF NOT (_reset_search_path.member).search_path_set THEN
        RETURN false;
    END IF;
    SELECT p.view_schema INTO v_schema FROM mask.policy p WHERE p.id = (_reset_search_path.member).policy_id;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_db_role_setting s
                    WHERE s.setrole = (_reset_search_path.member).role AND s.setdatabase = 0
                      AND mask._member_search_path(v_schema) = ANY (s.setconfig)) THEN
        RETURN false;
    END IF;
    EXECUTE pg_catalog.format('ALTER ROLE %I RESET search_path',
                              pg_catalog.pg_get_userbyid((_reset_search_path.member).role));
    RETURN true;
END;
$$;

COMMENT ON FUNCTION mask._reset_search_path(mask.member) IS
'Internal: undoes the search_path add_member set, unless it was changed since.';

-- The role setting add_member writes, as pg_db_role_setting stores it.
CREATE FUNCTION mask._member_search_path(view_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'search_path=' || pg_catalog.quote_ident(view_schema) || ', "$user", public'
$$;

COMMENT ON FUNCTION mask._member_search_path(name) IS
'Internal: the search_path entry add_member sets for members, as stored in pg_db_role_setting.';


CREATE FUNCTION mask.add_member(policy name, member regrole, set_search_path boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_name   name;
    v_path   text;
    v_prev   text;
BEGIN
    v_policy := mask._policy(add_member.policy);
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
    v_path := mask._read_path(add_member.member,
                              ARRAY(SELECT p.relation::oid FROM mask.protected p WHERE p.policy_id = v_policy.id));
    IF v_path IS NOT NULL THEN
        RAISE EXCEPTION 'role % cannot be a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = v_path,
                  HINT = 'Members must reach the protected tables only through the masked views: revoke that access first.';
    END IF;

    v_prev := mask._internal_begin();
    INSERT INTO mask.member (policy_id, role, role_name, search_path_set)
    VALUES (v_policy.id, add_member.member, v_name, COALESCE(add_member.set_search_path, false));
    IF add_member.set_search_path THEN
        -- Unqualified table names in the member's tools then find the
        -- masked views first.
        EXECUTE pg_catalog.format('ALTER ROLE %I SET search_path = %I, "$user", public',
                                  v_name, v_policy.view_schema);
    END IF;
    PERFORM mask._regenerate_policy(v_policy.id);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('add_member', v_policy.name, v_name::text,
        pg_catalog.jsonb_build_object('set_search_path', COALESCE(add_member.set_search_path, false)));
END;
$$;

COMMENT ON FUNCTION mask.add_member(name, regrole, boolean) IS
'Lets a role read a policy''s masked views (USAGE on the view schema, SELECT on the views) and by default puts the view schema first in its search_path. Refuses roles with any other path to the raw tables, naming it.';


CREATE FUNCTION mask.remove_member(policy name, member regrole)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_member mask.member;
    v_reset  boolean;
    v_prev   text;
BEGIN
    v_policy := mask._policy(remove_member.policy);
    SELECT m.* INTO v_member FROM mask.member m
     WHERE m.policy_id = v_policy.id AND m.role = remove_member.member;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % is not a member of policy "%"', remove_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    v_prev := mask._internal_begin();
    DELETE FROM mask.member m WHERE m.policy_id = v_policy.id AND m.role = remove_member.member;
    v_reset := mask._reset_search_path(v_member);
    PERFORM mask._regenerate_policy(v_policy.id);   -- revokes SELECT on the views
    PERFORM mask._revoke_schema_usage(v_policy.view_schema, remove_member.member);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('remove_member', v_policy.name, v_member.role_name::text,
        pg_catalog.jsonb_build_object('search_path_reset', v_reset));
END;
$$;

COMMENT ON FUNCTION mask.remove_member(name, regrole) IS
'Takes a role out of a policy: revokes its access to the masked views and resets the search_path add_member set.';
