-- ---------------------------------------------------------------------------
-- An admin publishes only data it could read itself.
--
-- The policy API is SECURITY DEFINER and runs as the extension owner, who
-- can read every table.  Without a check of its own, an admin could protect
-- a table it may not read (even one named by OID in a schema it has no
-- USAGE on), PASS a column, make itself an auditor and read the raw values
-- through the masked view.  So protect() and set_rule() ask whether the
-- calling role could read what it is about to publish:
--   protect()   the table: its owner, a role that can become the owner, or
--               SELECT on the table or some column of it (with USAGE on its
--               schema); and SELECT on every column the row filter reads
--   set_rule()  for PASS and masking rules, SELECT on the column ruled and
--               on every column the expression reads (a NULL rule publishes
--               nothing and needs nothing)
-- A superuser, the table's owner and the roles that can become the owner
-- pass every check.  Refusals are 42501 with a hint.
--
-- Who calls: inside a SECURITY DEFINER function current_user is the
-- definer, so the caller is the session's current role before the switch,
-- which is what SET ROLE set (the "role" setting, untouched by SECURITY
-- DEFINER) or else the session user: the same role the audit log records
-- as acting_role (30_audit.sql).  A SECURITY DEFINER function of some
-- admin that calls the API on behalf of another session is checked against
-- that session's role: running another role's code hands it that role's
-- privileges anyway (a SECURITY INVOKER function would get all of them).
-- ---------------------------------------------------------------------------

-- The role that called the API, as the audit log records it.
CREATE FUNCTION mask_internal._caller()
RETURNS oid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(
        (SELECT ro.oid FROM pg_catalog.pg_roles ro
          WHERE ro.rolname = NULLIF(pg_catalog.current_setting('role'), 'none')),
        (SELECT ro.oid FROM pg_catalog.pg_roles ro
          WHERE ro.rolname = pg_catalog."session_user"()))
$$;

COMMENT ON FUNCTION mask_internal._caller() IS
'Internal: the role that called the SECURITY DEFINER API (the SET ROLE role, else the session user), as the audit log records it.';


-- The columns of relation that a validated expression reads.  The validator
-- writes every column reference double-quoted (src/rule_deparse.c), so a
-- column is read when its quoted name occurs outside the string literals.
-- A literal that merely looks like a quoted name is skipped with the rest
-- of the literal; anything else over-counts, which only asks for more.
CREATE FUNCTION mask_internal._sql_columns(relation regclass, sql text)
RETURNS name[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.array_agg(a.attname ORDER BY a.attnum), '{}')
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped
       AND pg_catalog.strpos(
               pg_catalog.regexp_replace(COALESCE(sql, ''), '[eE]?''([^'']|'''')*''', ' ', 'g'),
               '"' || pg_catalog.replace(a.attname, '"', '""') || '"') > 0
$$;

COMMENT ON FUNCTION mask_internal._sql_columns(regclass, text) IS
'Internal: the columns of a table that a validated rule or row filter (SQL from mask_internal._validate_expression) reads.';


-- Raises 42501 unless the calling role could read the table (columns NULL)
-- or each of the given columns of it itself.  action names what was
-- refused, for the message ("protect", "set a rule on").
CREATE FUNCTION mask_internal._caller_must_read(relation regclass, columns name[], action text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_caller oid := mask_internal._caller();
    v_name   text := mask_internal._grantee_name(v_caller);
    v_rel    record;
    v_col    name;
    v_object text;   -- what was refused: the table or a column of it
    v_detail text;   -- why; NULL when the caller reads it
BEGIN
    SELECT c.relowner, c.relnamespace, pg_catalog.format('%I.%I', n.nspname, c.relname) AS name,
           ro.rolsuper AS super
      INTO v_rel
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = v_caller
     WHERE c.oid = _caller_must_read.relation;
    IF NOT FOUND OR v_caller IS NULL THEN
        RAISE EXCEPTION 'permission denied to % %', action, relation
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The owner, and any role that can become it, reads everything.
    IF v_rel.super OR pg_catalog.pg_has_role(v_caller, v_rel.relowner, 'MEMBER') THEN
        RETURN;
    END IF;
    -- Reading needs USAGE on the schema: a table named by OID is not
    -- readable without it.
    v_object := 'table ' || v_rel.name;
    IF NOT pg_catalog.has_schema_privilege(v_caller, v_rel.relnamespace, 'USAGE') THEN
        v_detail := pg_catalog.format('Role %s has no USAGE on the schema of %s, so it cannot read the table itself.',
                                      v_name, v_rel.name);
    ELSIF columns IS NULL THEN
        IF NOT pg_catalog.has_any_column_privilege(v_caller, relation, 'SELECT') THEN
            v_detail := pg_catalog.format('Role %s is not the owner of %s, cannot become it, and has no SELECT on it.',
                                          v_name, v_rel.name);
        END IF;
    ELSE
        FOREACH v_col IN ARRAY columns LOOP
            CONTINUE WHEN pg_catalog.has_column_privilege(v_caller, relation, v_col, 'SELECT');
            v_object := pg_catalog.format('column %s of table %s', pg_catalog.quote_ident(v_col), v_rel.name);
            v_detail := pg_catalog.format('Role %s is not the owner of %s, cannot become it, and has no SELECT on column %s.',
                                          v_name, v_rel.name, pg_catalog.quote_ident(v_col));
            EXIT;
        END LOOP;
    END IF;
    IF v_detail IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied to % %', action, v_object
            USING ERRCODE = 'insufficient_privilege', DETAIL = v_detail,
                  HINT = 'An admin may only publish data it could read itself: ask the table''s owner or a superuser to make this call, or have the owner GRANT SELECT on the table (or the columns) to the admin.';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._caller_must_read(regclass, name[], text) IS
'Internal: refuses (42501) unless the role calling the API could read the table, or the given columns of it, itself.';
