-- ---------------------------------------------------------------------------
-- Member paths: every way a role could reach the raw data of protected
-- tables without the masked views.
--
-- One source for add_member() (which refuses such a role), protect() and
-- import_policy() (which refuse a table an existing member could read) and
-- verify() (which reports a member, or a role inheriting a member role, that
-- gained a path later).  Each path comes with the sentence naming it and a
-- hint naming the fix, so the refusal and the report always agree.
--
-- The paths, checked for the role itself and for every role it inherits or
-- can SET ROLE to:
--   superuser, BYPASSRLS                 skip every privilege check / RLS
--   CREATEROLE                           grants itself the table owner's role,
--                                        pg_read_all_data, ...
--   REPLICATION                          streams or decodes the WAL, which
--                                        holds every row written
--   pg_read_all_data, pg_write_all_data  read the tables, or rewrite the
--                                        policy catalog to PASS
--   pg_read_server_files,                read the table's files, or write
--   pg_write_server_files,               and run anything as the server
--   pg_execute_server_program
--   EXECUTE on server file functions     pg_read_file, pg_read_binary_file,
--                                        lo_import, lo_export, ...
--   EXECUTE on the admin API             changes the policy it reads through
--   owning a protected table (or an inheritance relative)
--   any privilege on it or a column      SELECT reads it; TRIGGER runs own
--                                        code on every row written;
--                                        REFERENCES probes values with a
--                                        foreign key; UPDATE/DELETE/INSERT
--                                        ... WHERE and RETURNING, conflicts
--   owning a type or domain of a protected column (ALTER DOMAIN ADD
--                                        CONSTRAINT runs own code on every
--                                        stored value)
--   owning a trusted function            its body runs inside the views
-- and PUBLIC's privileges on the tables, which every role has.
-- ---------------------------------------------------------------------------

-- The protected tables and their inheritance parents and children: a
-- privilege on a partition or a parent reads the same rows.
CREATE FUNCTION mask_internal._relation_family(relations oid[])
RETURNS TABLE (relid oid, name text, relowner oid)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE family(relid, dir) AS (
        SELECT x, d FROM pg_catalog.unnest(relations) x, (VALUES ('down'), ('up')) v(d)
        UNION
        SELECT CASE f.dir WHEN 'down' THEN i.inhrelid ELSE i.inhparent END, f.dir
          FROM family f JOIN pg_catalog.pg_inherits i
            ON (f.dir = 'down' AND i.inhparent = f.relid) OR (f.dir = 'up' AND i.inhrelid = f.relid))
    SELECT DISTINCT c.oid, c.oid::regclass::text, c.relowner
      FROM family f JOIN pg_catalog.pg_class c ON c.oid = f.relid
     ORDER BY 2
$$;

COMMENT ON FUNCTION mask_internal._relation_family(oid[]) IS
'Internal: the given tables with their inheritance parents and children (partitions), by name.';


-- The types a table's columns depend on: the column types, the element
-- types of arrays, the base types of domains and ranges, and the column
-- types of composite types, recursively.  Their owners can make the server
-- run their code on every stored value (ALTER DOMAIN ... ADD CONSTRAINT
-- checks every row).
CREATE FUNCTION mask_internal._column_types(relations oid[])
RETURNS SETOF oid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE ty(typid) AS (
        SELECT a.atttypid FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = ANY (relations) AND a.attnum > 0 AND NOT a.attisdropped
        UNION
        SELECT x.next FROM ty JOIN pg_catalog.pg_type t ON t.oid = ty.typid,
               LATERAL pg_catalog.unnest(ARRAY[t.typelem, t.typbasetype,
                                              (SELECT r.rngsubtype FROM pg_catalog.pg_range r
                                                WHERE r.rngtypid = t.oid)]
                                        || ARRAY(SELECT a.atttypid FROM pg_catalog.pg_attribute a
                                                  WHERE a.attrelid = t.typrelid AND a.attnum > 0
                                                    AND NOT a.attisdropped)) x(next)
         WHERE x.next <> 0)
    SELECT ty.typid FROM ty
$$;

COMMENT ON FUNCTION mask_internal._column_types(oid[]) IS
'Internal: every type the columns of the given tables are built from (arrays, domains, ranges and composites followed).';


-- The server functions that read or write files of the server (and so the
-- tables' data files): EXECUTE on any of them is a path.  By name, in any
-- schema, so that adminpack's and future versions are included.
CREATE FUNCTION mask_internal._server_file_functions()
RETURNS SETOF regprocedure
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
     WHERE p.proname IN ('pg_read_file', 'pg_read_binary_file', 'lo_import', 'lo_export',
                         'pg_file_write', 'pg_file_rename')
       AND (p.pronamespace = 'pg_catalog'::regnamespace OR p.proname LIKE 'pg\_file\_%')
       -- lo_import(text) and lo_export(oid, text) are the server-side ones;
       -- the client-side libpq functions of the same name are not in pg_proc.
     ORDER BY p.oid::regprocedure::text
$$;

COMMENT ON FUNCTION mask_internal._server_file_functions() IS
'Internal: server functions that read or write server files (pg_read_file, pg_read_binary_file, lo_import, lo_export, adminpack''s pg_file_write and pg_file_rename).';


-- How a path through a role the member reaches starts: "Role m", or "Role m
-- inherits the privileges of r, which", or "Role m can SET ROLE to r, which".
CREATE FUNCTION mask_internal._raw_path_who(role oid, reached oid)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN reached = role THEN pg_catalog.format('Role %s', m)
                WHEN pg_catalog.pg_has_role(role, reached, 'USAGE')
                THEN pg_catalog.format('Role %s inherits the privileges of %s, which', m, r)
                ELSE pg_catalog.format('Role %s can SET ROLE to %s, which', m, r) END
      FROM (SELECT mask_internal._grantee_name(role) AS m,
                   mask_internal._grantee_name(reached) AS r) x
$$;

COMMENT ON FUNCTION mask_internal._raw_path_who(oid, oid) IS
'Internal: the start of the sentence of a member path through a role the member is or reaches.';


-- How a hint ends for a path through a role the member reaches (not is):
-- ", or REVOKE r FROM m", the membership that leads to it; else empty.
CREATE FUNCTION mask_internal._raw_path_or_revoke(role oid, reached oid)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN CASE WHEN reached <> role
                THEN pg_catalog.format(', or REVOKE %s FROM %s', mask_internal._grantee_name(reached),
                                       mask_internal._grantee_name(role))
                ELSE '' END;
END;
$$;

COMMENT ON FUNCTION mask_internal._raw_path_or_revoke(oid, oid) IS
'Internal: the end of a member path''s hint that names revoking the membership leading to the role reached (empty for the member itself).';


-- The privileges on a relation that its owner holds for others: every
-- table-level grant to another role (attname NULL) and every column grant
-- (attname the column), one row per grantee and privilege.  A dropped
-- column keeps its grants in pg_attribute, but they give nothing: left out.
-- What maskview revokes on a key relation or a masked view (44_grants.sql),
-- the member paths (below) and mask.verify()'s findings about grants on
-- protected tables, masked views, key relations and masked copies each
-- filter these.
CREATE FUNCTION mask_internal._relation_grants(relation regclass)
RETURNS TABLE (attname name, grantee oid, privilege_type text, is_grantable boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT NULL::name, g.grantee, g.privilege_type, g.is_grantable
      FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
     WHERE c.oid = _relation_grants.relation AND g.grantee <> c.relowner
    UNION
    SELECT a.attname, g.grantee, g.privilege_type, g.is_grantable
      FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
     WHERE a.attrelid = _relation_grants.relation AND a.attnum > 0 AND NOT a.attisdropped
$$;

COMMENT ON FUNCTION mask_internal._relation_grants(regclass) IS
'Internal: the table-level grants on a relation to roles other than its owner (attname NULL) and the grants on its live columns, one row per grantee and privilege, with whether it may be granted on.';

-- The grants on a relation maskview made for reading it, turned round: every
-- grant but SELECT on the whole relation, without grant option, to one of
-- readers.  What the repairs revoke from a masked view (table-level rows;
-- a column grant is cleared by regenerating the view) and a masked copy, and
-- what mask.verify() reports on them.
CREATE FUNCTION mask_internal._grants_beyond_reading(relation regclass, readers oid[])
RETURNS TABLE (attname name, grantee oid, privilege_type text, is_grantable boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT g.attname, g.grantee, g.privilege_type, g.is_grantable
      FROM mask_internal._relation_grants(relation) g
     WHERE g.attname IS NOT NULL OR NOT (g.grantee = ANY (readers))
        OR g.privilege_type <> 'SELECT' OR g.is_grantable
     ORDER BY 1 NULLS FIRST, 2, 3
$$;

COMMENT ON FUNCTION mask_internal._grants_beyond_reading(regclass, oid[]) IS
'Internal: the grants on a relation other than SELECT on the whole relation, without grant option, to one of the given readers.';

-- The REVOKE statements that take away those grants, one per grantee and
-- column (table-level first).  CASCADE: a grantee given GRANT OPTION may
-- have passed the privilege on.  A reader loses SELECT with the rest; the
-- caller grants what readers lack afterwards.
CREATE FUNCTION mask_internal._revokes_beyond_reading(relation regclass, readers oid[])
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.array_agg(
               pg_catalog.format('REVOKE ALL %s ON %s FROM %s CASCADE',
                                 COALESCE('(' || pg_catalog.quote_ident(g.attname) || ')', ''),
                                 relation, mask_internal._grantee_name(g.grantee))
               ORDER BY g.attname NULLS FIRST, g.grantee), '{}')
      FROM (SELECT DISTINCT e.attname, e.grantee
              FROM mask_internal._grants_beyond_reading(relation, readers) e) g
$$;

COMMENT ON FUNCTION mask_internal._revokes_beyond_reading(regclass, oid[]) IS
'Internal: the REVOKE ... CASCADE statements that leave a relation with SELECT for the given readers at most (column grants and grant options included).';


-- The privileges a grantee (0 for PUBLIC) holds on a table of the family
-- or on one of its columns (col), each with how a path names its object
-- ("column c of t", or "t") and how a REVOKE names it ("SELECT (c) ON t"):
-- mask_internal._relation_grants of the grantee (a table's owner has every
-- privilege anyway; the paths name owning it).
CREATE FUNCTION mask_internal._relation_privileges(relid oid, relation_name text, grantee oid)
RETURNS TABLE (privilege text, col name, object text, revoke text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
        SELECT g.privilege_type, g.attname,
               CASE WHEN g.attname IS NOT NULL THEN 'column ' || pg_catalog.quote_ident(g.attname) || ' of ' ELSE '' END
               || relation_name,
               g.privilege_type
               || CASE WHEN g.attname IS NOT NULL THEN ' (' || pg_catalog.quote_ident(g.attname) || ')' ELSE '' END
               || ' ON ' || relation_name
          FROM mask_internal._relation_grants(relid::pg_catalog.regclass) g
         WHERE g.grantee = _relation_privileges.grantee
         ORDER BY g.attname NULLS FIRST, g.privilege_type;
END;
$$;

COMMENT ON FUNCTION mask_internal._relation_privileges(oid, text, oid) IS
'Internal: the privileges a grantee (0: PUBLIC) holds on a table or its live columns, named for a member path and for its REVOKE.';


-- The functions of a list on which a grantee (0 for PUBLIC) was granted
-- EXECUTE itself (not through a role), by name.
CREATE FUNCTION mask_internal._granted_execute(grantee oid, funcs regprocedure[])
RETURNS SETOF regprocedure
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
        SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
         WHERE p.oid = ANY (funcs)
           AND EXISTS (SELECT FROM pg_catalog.aclexplode(p.proacl) g
                        WHERE g.grantee = _granted_execute.grantee AND g.privilege_type = 'EXECUTE')
         ORDER BY p.oid::regprocedure::text;
END;
$$;

COMMENT ON FUNCTION mask_internal._granted_execute(oid, regprocedure[]) IS
'Internal: the functions of a list on which EXECUTE is granted to the grantee (0: PUBLIC) itself.';


-- The paths PUBLIC opens, which every role has: a privilege on a table of
-- the family or a column of one, EXECUTE on a server file function or on
-- the admin API.
CREATE FUNCTION mask_internal._raw_paths_public(role oid, relations oid[])
RETURNS TABLE (path text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_member text := mask_internal._grantee_name(_raw_paths_public.role);
    v_t      record;
    v_g      record;
    v_func   regprocedure;
BEGIN
    FOR v_t IN SELECT f.* FROM mask_internal._relation_family(_raw_paths_public.relations) f LOOP
        FOR v_g IN SELECT * FROM mask_internal._relation_privileges(v_t.relid, v_t.name, 0) LOOP
            path := pg_catalog.format('PUBLIC has %s on %s, so every role can %s it, %s included.',
                                      v_g.privilege, v_g.object,
                                      CASE WHEN v_g.privilege = 'SELECT' THEN 'read' ELSE 'use' END,
                                      v_member);
            hint := pg_catalog.format('REVOKE %s FROM PUBLIC.', v_g.revoke);
            RETURN NEXT;
        END LOOP;
    END LOOP;
    FOR v_func IN SELECT f FROM mask_internal._granted_execute(0, ARRAY(
                                    SELECT f FROM mask_internal._server_file_functions() f
                                    UNION
                                    SELECT f FROM mask_internal._admin_functions() f)) f
                  ORDER BY 1 LOOP
        path := pg_catalog.format('PUBLIC may execute %s, so every role can, %s included.', v_func, v_member);
        hint := pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC.', v_func);
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._raw_paths_public(oid, oid[]) IS
'Internal: the member paths PUBLIC opens (privileges on the tables or their columns, EXECUTE on server file functions or the admin API).';


-- The paths a role the member is or reaches opens by its attributes and
-- memberships: superuser (then nothing else is named), BYPASSRLS,
-- CREATEROLE, REPLICATION, the predefined roles that read or write data or
-- server files.  who: mask_internal._raw_path_who(role, reached).
CREATE FUNCTION mask_internal._raw_paths_attributes(role oid, reached oid, who text)
RETURNS TABLE (path text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_member text := mask_internal._grantee_name(role);
    v_r      record;
BEGIN
    SELECT ro.rolname, ro.rolsuper, ro.rolbypassrls, ro.rolcreaterole, ro.rolreplication INTO v_r
      FROM pg_catalog.pg_roles ro WHERE ro.oid = reached;
    -- One sentence per attribute the role has; a superuser's alone.
    RETURN QUERY
        SELECT who || a.says,
               pg_catalog.format('ALTER ROLE ... NO%s on the role named, or revoke the membership that leads to it.',
                                 a.attribute)
          FROM (VALUES (1, v_r.rolsuper, 'SUPERUSER', ' is a superuser.'),
                       (2, v_r.rolbypassrls, 'BYPASSRLS', ' has BYPASSRLS.'),
                       (3, v_r.rolcreaterole, 'CREATEROLE',
                        ' has CREATEROLE, and so can grant itself the role of the tables'' owner or pg_read_all_data.'),
                       (4, v_r.rolreplication, 'REPLICATION',
                        ' has REPLICATION, and so can read every row written from the write-ahead log.'))
               a(ord, has, attribute, says)
         WHERE a.has AND (a.attribute = 'SUPERUSER' OR NOT v_r.rolsuper)
         ORDER BY a.ord;
    IF NOT v_r.rolsuper
       AND v_r.rolname IN ('pg_read_all_data', 'pg_write_all_data', 'pg_read_server_files',
                           'pg_write_server_files', 'pg_execute_server_program') THEN
        path := pg_catalog.format('Role %s is a member of %s.', v_member, v_r.rolname);
        hint := pg_catalog.format('REVOKE %s FROM %s (or from the role through which it is reached).',
                                  v_r.rolname, v_member);
        RETURN NEXT;
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._raw_paths_attributes(oid, oid, text) IS
'Internal: the member paths a role the member is or reaches opens by its attributes (superuser, BYPASSRLS, CREATEROLE, REPLICATION) or predefined roles.';


-- The paths a role the member is or reaches opens by EXECUTE granted to it
-- directly (not through PUBLIC, named by mask_internal._raw_paths_public,
-- nor through a role, which mask_internal._raw_paths visits itself) on a
-- server file function or on the admin API.
CREATE FUNCTION mask_internal._raw_paths_functions(role oid, reached oid, who text)
RETURNS TABLE (path text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name   text := mask_internal._grantee_name(reached);
    v_func   regprocedure;
BEGIN
    FOR v_func IN SELECT f FROM mask_internal._granted_execute(reached, ARRAY(
                                    SELECT mask_internal._server_file_functions())) f
                  ORDER BY f::text LOOP
        path := pg_catalog.format('%s may execute %s, which reads or writes the server''s files, the tables'' data files included.',
                                  who, v_func);
        hint := pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM %s.', v_func, v_name);
        RETURN NEXT;
    END LOOP;
    SELECT f INTO v_func FROM mask_internal._granted_execute(reached, ARRAY(
                                  SELECT mask_internal._admin_functions())) f
     ORDER BY f::text LIMIT 1;
    IF FOUND THEN
        path := pg_catalog.format('%s may execute %s, and so could change the policy it reads through.',
                                  who, v_func);
        hint := pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM %s (SELECT mask.revoke_admin(%L); if it is a policy admin)%s.',
                                  v_func, v_name, pg_catalog.pg_get_userbyid(reached),
                                  mask_internal._raw_path_or_revoke(role, reached));
        RETURN NEXT;
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._raw_paths_functions(oid, oid, text) IS
'Internal: the member paths a role the member is or reaches opens by EXECUTE on server file functions or the admin API.';


-- The paths a role the member is or reaches opens on the tables (and their
-- inheritance family): owning one, or any privilege on it or a column.
CREATE FUNCTION mask_internal._raw_paths_tables(role oid, reached oid, who text, relations oid[])
RETURNS TABLE (path text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_revoke text := mask_internal._grantee_name(reached) || mask_internal._raw_path_or_revoke(role, reached);
    v_t      record;
    v_g      record;
BEGIN
    FOR v_t IN SELECT f.* FROM mask_internal._relation_family(_raw_paths_tables.relations) f LOOP
        IF v_t.relowner = reached THEN
            path := pg_catalog.format('%s owns %s.', who, v_t.name);
            hint := 'Give the table an owner the member cannot become (ALTER TABLE ... OWNER TO).';
            RETURN NEXT;
            CONTINUE;
        END IF;
        FOR v_g IN SELECT * FROM mask_internal._relation_privileges(v_t.relid, v_t.name, reached) LOOP
            path := pg_catalog.format('%s has %s on %s.', who, v_g.privilege, v_g.object);
            hint := pg_catalog.format('REVOKE %s FROM %s.', v_g.revoke, v_revoke);
            RETURN NEXT;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._raw_paths_tables(oid, oid, text, oid[]) IS
'Internal: the member paths a role the member is or reaches opens by owning a protected table (or a relative) or holding a privilege on it or a column.';


-- The paths a role the member is or reaches opens by owning code the data
-- passes through: a type or domain of a protected column (types, from
-- mask_internal._column_types), a function trusted for masking rules.
CREATE FUNCTION mask_internal._raw_paths_code(role oid, reached oid, who text, types oid[])
RETURNS TABLE (path text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_g    record;
    v_func regprocedure;
BEGIN
    FOR v_g IN SELECT DISTINCT t.oid::regtype::text AS name, t.typtype
                 FROM pg_catalog.pg_type t
                WHERE t.oid = ANY (types) AND t.typowner = reached ORDER BY 1 LOOP
        path := pg_catalog.format('%s owns %s %s, which a protected column uses, and so can run its own code on every stored value.',
                                  who, CASE v_g.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, v_g.name);
        hint := pg_catalog.format('ALTER %s %s OWNER TO a role the member cannot become.',
                                  CASE v_g.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, v_g.name);
        RETURN NEXT;
    END LOOP;
    FOR v_func IN SELECT p.oid::regprocedure FROM mask.trusted_function tf
                    JOIN pg_catalog.pg_proc p ON p.oid = pg_catalog.to_regprocedure(tf.func)
                   WHERE p.proowner = reached ORDER BY 1 LOOP
        path := pg_catalog.format('%s owns %s, a function trusted for masking rules, and so can change the code the masked views run.',
                                  who, v_func);
        hint := pg_catalog.format('ALTER FUNCTION %s OWNER TO a role the member cannot become.', v_func);
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._raw_paths_code(oid, oid, text, oid[]) IS
'Internal: the member paths a role the member is or reaches opens by owning a type or domain of a protected column or a trusted function.';


-- Every path, in the order to close them (PUBLIC first, then the role
-- itself, then the roles it reaches), each as (path, hint): path a full
-- sentence naming the role, the privilege and the object; hint the fix.
-- No row means the role reaches the raw data only through masked views.
CREATE FUNCTION mask_internal._raw_paths(role oid, relations oid[])
RETURNS TABLE (path text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_types oid[] := ARRAY(SELECT mask_internal._column_types(
                               ARRAY(SELECT f.relid FROM mask_internal._relation_family(_raw_paths.relations) f)));
    v_r     record;
    v_t     record;
    v_who   text;
    v_any   boolean;   -- a path was returned
BEGIN
    -- PUBLIC first: it is the widest path and the first to close.
    RETURN QUERY SELECT * FROM mask_internal._raw_paths_public(_raw_paths.role, _raw_paths.relations);
    v_any := FOUND;

    -- The role itself, then every role whose privileges it inherits or can
    -- take with SET ROLE.
    FOR v_r IN SELECT ro.oid, ro.rolsuper FROM pg_catalog.pg_roles ro
                WHERE pg_catalog.pg_has_role(_raw_paths.role, ro.oid, 'MEMBER')
                ORDER BY ro.oid <> _raw_paths.role, ro.rolname LOOP
        v_who := mask_internal._raw_path_who(_raw_paths.role, v_r.oid);
        RETURN QUERY SELECT * FROM mask_internal._raw_paths_attributes(_raw_paths.role, v_r.oid, v_who);
        v_any := v_any OR FOUND;
        IF v_r.rolsuper THEN
            -- A superuser has every other path too: naming them adds nothing.
            EXIT WHEN v_r.oid = _raw_paths.role;
            CONTINUE;
        END IF;
        RETURN QUERY SELECT * FROM mask_internal._raw_paths_functions(_raw_paths.role, v_r.oid, v_who);
        v_any := v_any OR FOUND;
        RETURN QUERY SELECT * FROM mask_internal._raw_paths_tables(_raw_paths.role, v_r.oid, v_who,
                                                                   _raw_paths.relations);
        v_any := v_any OR FOUND;
        RETURN QUERY SELECT * FROM mask_internal._raw_paths_code(_raw_paths.role, v_r.oid, v_who, v_types);
        v_any := v_any OR FOUND;
    END LOOP;

    -- Anything PostgreSQL itself would allow that the paths above missed.
    IF NOT v_any THEN
        FOR v_t IN SELECT f.* FROM mask_internal._relation_family(_raw_paths.relations) f LOOP
            IF pg_catalog.has_table_privilege(_raw_paths.role, v_t.relid,
                   'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
               OR pg_catalog.has_any_column_privilege(_raw_paths.role, v_t.relid,
                   'SELECT, INSERT, UPDATE, REFERENCES') THEN
                path := pg_catalog.format('Role %s can read %s.',
                                          mask_internal._grantee_name(_raw_paths.role), v_t.name);
                hint := 'Revoke every table and column privilege on the table from the role and from the roles it reaches.';
                RETURN NEXT;
            END IF;
        END LOOP;
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._raw_paths(oid, oid[]) IS
'Internal: every way a role could reach the raw data of the given tables other than through masked views, each as a sentence (path) and its fix (hint); no row when there is none.';


-- The first path of mask_internal._raw_paths(), or NULL: what add_member() refuses
-- with.
CREATE FUNCTION mask_internal._read_path(role oid, relations oid[])
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p.path FROM mask_internal._raw_paths(role, relations) p LIMIT 1
$$;

COMMENT ON FUNCTION mask_internal._read_path(oid, oid[]) IS
'Internal: a sentence naming how a role could read one of the given tables (or their inheritance relatives) other than through masked views, or NULL.';


-- The roles that read a member's masked views: the member and every role
-- that inherits its privileges or can SET ROLE to it, through any chain of
-- grants (pg_auth_members).  Superusers pass every check without being
-- granted the role and are not listed unless they were granted it.
CREATE FUNCTION mask_internal._member_readers(member oid)
RETURNS TABLE (reader oid, name name, via_grant boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE up(roleid) AS (
        SELECT member
        UNION
        SELECT am.member FROM pg_catalog.pg_auth_members am JOIN up ON am.roleid = up.roleid)
    SELECT ro.oid, ro.rolname, ro.oid <> member
      FROM up JOIN pg_catalog.pg_roles ro ON ro.oid = up.roleid
     ORDER BY ro.oid <> member, ro.rolname
$$;

COMMENT ON FUNCTION mask_internal._member_readers(oid) IS
'Internal: a member role and every role granted it (directly or through other roles), which read its masked views too.';
