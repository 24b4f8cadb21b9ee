-- ---------------------------------------------------------------------------
-- mask.import_policy() step by step (83_export_import.sql): the checks of
-- the document, each refusing with 22023 that names the part (nothing is
-- changed before all of them passed), and the build through the API.
-- ---------------------------------------------------------------------------

-- Raises the 22023 of a refused document part.
CREATE FUNCTION mask_internal._import_refuse(part text, problem text, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'policy document refused'
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = part || ': ' || problem,
              HINT = COALESCE(hint, 'Nothing was changed. Correct the document, or export the policy again with mask.export_policy().');
END;
$$;

COMMENT ON FUNCTION mask_internal._import_refuse(text, text, text) IS
'Internal: raises invalid_parameter_value for import_policy() with a detail naming the offending part of the document.';


-- Checks that an object has only the allowed keys and each present key the
-- right JSON type ('string', 'string|null', 'array', 'boolean', 'number');
-- required keys must be present (and not null unless the type allows it).
CREATE FUNCTION mask_internal._import_check_object(part text, obj jsonb, allowed text[], types text[],
                                          required text[])
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key  text;
    v_i    integer;
BEGIN
    IF obj IS NULL OR pg_catalog.jsonb_typeof(obj) <> 'object' THEN
        PERFORM mask_internal._import_refuse(part, 'must be a JSON object.');
    END IF;
    FOR v_key IN SELECT k FROM pg_catalog.jsonb_object_keys(obj) k ORDER BY k LOOP
        v_i := pg_catalog.array_position(allowed, v_key);
        IF v_i IS NULL THEN
            PERFORM mask_internal._import_refuse(part, pg_catalog.format('unknown key "%s" (allowed: %s).',
                                        v_key, pg_catalog.array_to_string(allowed, ', ')));
        END IF;
        IF NOT pg_catalog.jsonb_typeof(obj -> v_key) = ANY (pg_catalog.string_to_array(types[v_i], '|')) THEN
            PERFORM mask_internal._import_refuse(part, pg_catalog.format('"%s" must be %s, not %s.', v_key,
                                        pg_catalog.replace(types[v_i], '|', ' or '),
                                        pg_catalog.jsonb_typeof(obj -> v_key)));
        END IF;
    END LOOP;
    FOREACH v_key IN ARRAY required LOOP
        IF NOT obj ? v_key THEN
            PERFORM mask_internal._import_refuse(part, pg_catalog.format('"%s" is missing.', v_key));
        END IF;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._import_check_object(text, jsonb, text[], text[], text[]) IS
'Internal: import_policy()''s shape check of one JSON object (allowed keys, their types, required keys).';


-- Runs one statement of the import -- the validator on a rule or row filter
-- of the document, an API call of the build -- and turns its error into the
-- 22023 of the document part it came from (prefix says what the call was
-- for).  The statement is built with format(%L): no value reaches it
-- unquoted.
CREATE FUNCTION mask_internal._import_try(part text, stmt text, prefix text DEFAULT '')
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_msg    text;
    v_detail text;
BEGIN
    EXECUTE stmt;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
    PERFORM mask_internal._import_refuse(part, prefix || v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
END;
$$;

COMMENT ON FUNCTION mask_internal._import_try(text, text, text) IS
'Internal: runs one statement of import_policy() (a validation, an API call) and reports its error as the refusal of the document part it came from.';


-- Step 1a: the document as a whole (shape, format, version, the names) and
-- the policy it names: the existing one when replace allows it, else none.
CREATE FUNCTION mask_internal._import_check_document(doc jsonb, replace boolean)
RETURNS mask.policy
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_existing mask.policy;
BEGIN
    IF replace IS NULL THEN
        RAISE EXCEPTION 'replace must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mask_internal._import_check_object('document', doc,
        ARRAY['format', 'format_version', 'policy', 'view_schema', 'description', 'tables', 'members'],
        ARRAY['string', 'number', 'string', 'string', 'string|null', 'array', 'array'],
        ARRAY['format', 'format_version', 'policy', 'view_schema', 'tables', 'members']);
    IF doc ->> 'format' <> 'maskview-policy' THEN
        PERFORM mask_internal._import_refuse('format', pg_catalog.format('"%s" is not a maskview policy document (expected "maskview-policy").',
                                                                doc ->> 'format'));
    END IF;
    IF doc -> 'format_version' <> '1'::jsonb THEN
        PERFORM mask_internal._import_refuse('format_version', pg_catalog.format('version %s is not supported; this maskview reads version 1.',
                                                                        doc -> 'format_version'));
    END IF;
    IF doc ->> 'policy' = '' OR doc ->> 'view_schema' = '' THEN
        PERFORM mask_internal._import_refuse(CASE WHEN doc ->> 'policy' = '' THEN 'policy' ELSE 'view_schema' END,
                                    'must not be empty.');
    END IF;
    IF pg_catalog.octet_length(doc ->> 'policy') >= 64 OR pg_catalog.octet_length(doc ->> 'view_schema') >= 64 THEN
        PERFORM mask_internal._import_refuse(CASE WHEN pg_catalog.octet_length(doc ->> 'policy') >= 64 THEN 'policy'
                                         ELSE 'view_schema' END,
                                    'is longer than a PostgreSQL name (63 bytes).');
    END IF;
    SELECT p.* INTO v_existing FROM mask.policy p WHERE p.name = (doc ->> 'policy')::name;
    IF FOUND AND NOT replace THEN
        PERFORM mask_internal._import_refuse('policy', pg_catalog.format('policy "%s" already exists.', doc ->> 'policy'),
            'Nothing was changed. Pass replace => true to replace it with the document (its key is kept), or rename the policy in the document.');
    END IF;
    RETURN v_existing;
END;
$$;

COMMENT ON FUNCTION mask_internal._import_check_document(jsonb, boolean) IS
'Internal: import_policy()''s check of a policy document as a whole; returns the policy it replaces, if any.';


-- Step 1b: the n-th table of the document (earlier ones: rels): it exists,
-- once, is a table, its row filter validates, and so does each rule
-- (mask_internal._import_check_rule).  Returns the table.
CREATE FUNCTION mask_internal._import_check_table(n integer, tab jsonb, rels oid[])
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_part    text := pg_catalog.format('tables[%s]', n);
    v_rel     regclass;
    v_rule    jsonb;
    v_ri      integer := 0;
    v_columns text[] := '{}';
BEGIN
    PERFORM mask_internal._import_check_object(v_part, tab,
        ARRAY['table', 'view_name', 'row_filter', 'rules'],
        ARRAY['string', 'string|null', 'string|null', 'array'],
        ARRAY['table']);
    BEGIN
        v_rel := pg_catalog.to_regclass(tab ->> 'table');
    EXCEPTION WHEN OTHERS THEN
        v_rel := NULL;     -- not even a well-formed name
    END;
    IF v_rel IS NULL THEN
        PERFORM mask_internal._import_refuse(v_part, pg_catalog.format('table %s does not exist.', tab ->> 'table'),
            'Nothing was changed. Tables are named schema-qualified, as mask.export_policy() writes them.');
    END IF;
    v_part := pg_catalog.format('tables[%s] (%s)', n, tab ->> 'table');
    IF v_rel::oid = ANY (rels) THEN
        PERFORM mask_internal._import_refuse(v_part, 'the table is listed twice.');
    END IF;
    IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = v_rel) NOT IN ('r', 'p') THEN
        PERFORM mask_internal._import_refuse(v_part, 'is not a table; only tables and partitioned tables can be protected.');
    END IF;
    IF tab ->> 'row_filter' IS NOT NULL THEN
        PERFORM mask_internal._import_try(v_part || ' row_filter',
            pg_catalog.format('SELECT mask_internal._validate_expression(%L, %s::pg_catalog.oid::pg_catalog.regclass, true)',
                              tab ->> 'row_filter', v_rel::oid));
    END IF;
    FOR v_rule IN SELECT e FROM pg_catalog.jsonb_array_elements(COALESCE(tab -> 'rules', '[]')) e LOOP
        v_ri := v_ri + 1;
        v_columns := v_columns || mask_internal._import_check_rule(
            pg_catalog.format('tables[%s] (%s) rules[%s]', n, tab ->> 'table', v_ri), v_rel, v_rule, v_columns);
    END LOOP;
    RETURN v_rel;
END;
$$;

COMMENT ON FUNCTION mask_internal._import_check_table(integer, jsonb, oid[]) IS
'Internal: import_policy()''s check of one table of a policy document and its rules; returns the table.';


-- Step 1c: one rule of a table (columns: those ruled before): its column
-- exists and has no other rule, its action matches its expression (as
-- set_rule() derives it), and a masking expression validates.  Returns the
-- column.
CREATE FUNCTION mask_internal._import_check_rule(part text, relation regclass, rule jsonb, columns text[])
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_part   text;
    v_action text;
BEGIN
    PERFORM mask_internal._import_check_object(part, rule,
        ARRAY['column', 'action', 'expression', 'reason'],
        ARRAY['string', 'string', 'string', 'string|null'],
        ARRAY['column', 'expression']);
    v_part := pg_catalog.format('%s (column %s)', part, rule ->> 'column');
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped
                      AND a.attname::text = rule ->> 'column') THEN
        PERFORM mask_internal._import_refuse(v_part, pg_catalog.format('table %s has no column %s.',
                                    relation, pg_catalog.quote_ident(rule ->> 'column')));
    END IF;
    IF (rule ->> 'column') = ANY (columns) THEN
        PERFORM mask_internal._import_refuse(v_part, 'the column has two rules.');
    END IF;
    -- The action follows from the expression, as in set_rule(); a document
    -- whose action says otherwise was edited by hand.
    v_action := CASE pg_catalog.upper(pg_catalog.btrim(rule ->> 'expression'))
                    WHEN 'PASS' THEN 'pass' WHEN 'NULL' THEN 'null' ELSE 'mask' END;
    IF rule ? 'action' AND rule ->> 'action' <> v_action THEN
        PERFORM mask_internal._import_refuse(v_part, pg_catalog.format('action "%s" does not match the expression, which means "%s".',
                                                              rule ->> 'action', v_action));
    END IF;
    IF v_action = 'mask' THEN
        -- The key's location does not matter for the check; set_rule()
        -- validates again with the new policy's.
        PERFORM mask_internal._import_try(v_part,
            pg_catalog.format('SELECT mask_internal._validate_rule(%L, %s::pg_catalog.oid::pg_catalog.regclass, 0)',
                              rule ->> 'expression', relation::oid));
    END IF;
    RETURN rule ->> 'column';
END;
$$;

COMMENT ON FUNCTION mask_internal._import_check_rule(text, regclass, jsonb, text[]) IS
'Internal: import_policy()''s check of one rule of a policy document; returns its column.';


-- Step 1d: the n-th member (earlier ones: roles) exists, once, and has no
-- path to the document's tables (rels): add_member()'s own check.
CREATE FUNCTION mask_internal._import_check_member(n integer, member jsonb, roles oid[], rels oid[])
RETURNS oid
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_part text := pg_catalog.format('members[%s]', n);
    v_role oid;
    v_path text;
BEGIN
    PERFORM mask_internal._import_check_object(v_part, member, ARRAY['role', 'set_search_path'],
                                      ARRAY['string', 'boolean'], ARRAY['role']);
    v_part := pg_catalog.format('members[%s] (%s)', n, member ->> 'role');
    SELECT ro.oid INTO v_role FROM pg_catalog.pg_roles ro WHERE ro.rolname = member ->> 'role';
    IF NOT FOUND THEN
        PERFORM mask_internal._import_refuse(v_part, 'the role does not exist.',
            'Nothing was changed. Create the role first, or leave it out of the document.');
    END IF;
    IF v_role = ANY (roles) THEN
        PERFORM mask_internal._import_refuse(v_part, 'the role is listed twice.');
    END IF;
    v_path := mask_internal._read_path(v_role, rels);
    IF v_path IS NOT NULL THEN
        PERFORM mask_internal._import_refuse(v_part, v_path,
            'Nothing was changed. Members must reach the protected tables only through the masked views: revoke that access first.');
    END IF;
    RETURN v_role;
END;
$$;

COMMENT ON FUNCTION mask_internal._import_check_member(integer, jsonb, oid[], oid[]) IS
'Internal: import_policy()''s check of one member of a policy document; returns the role.';


-- Step 2: builds the checked document with the API (drop_policy of the
-- policy it replaces, create_policy, protect, set_rule, add_member), each
-- call audited as usual; an error of any still refuses the whole document
-- with its part.  rels and roles are the checked tables and members in
-- document order.  Returns the new policy's id.
CREATE FUNCTION mask_internal._import_build(doc jsonb, existing mask.policy, rels oid[], roles oid[])
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name   text := doc ->> 'policy';
    v_table  jsonb;
    v_rule   jsonb;
    v_member jsonb;
    v_part   text;
    v_ti     integer := 0;
    v_ri     integer;
BEGIN
    IF existing.id IS NOT NULL THEN
        PERFORM mask_internal._import_try('policy', pg_catalog.format('SELECT mask.drop_policy(%L)', v_name),
                                          'the existing policy cannot be dropped: ');
    END IF;
    PERFORM mask_internal._import_try('policy', pg_catalog.format('SELECT mask.create_policy(%L, %L, %L)',
                                      v_name, doc ->> 'view_schema', doc ->> 'description'));
    FOR v_table IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'tables') e LOOP
        v_ti := v_ti + 1;
        v_part := pg_catalog.format('tables[%s] (%s)', v_ti, v_table ->> 'table');
        PERFORM mask_internal._import_try(v_part, pg_catalog.format('SELECT mask.protect(%L, %s::pg_catalog.oid::pg_catalog.regclass, %L, %L)',
                                          v_name, rels[v_ti], v_table ->> 'row_filter', v_table ->> 'view_name'));
        v_ri := 0;
        FOR v_rule IN SELECT e FROM pg_catalog.jsonb_array_elements(COALESCE(v_table -> 'rules', '[]')) e LOOP
            v_ri := v_ri + 1;
            PERFORM mask_internal._import_try(
                pg_catalog.format('%s rules[%s] (column %s)', v_part, v_ri, v_rule ->> 'column'),
                pg_catalog.format('SELECT mask.set_rule(%L, %s::pg_catalog.oid::pg_catalog.regclass, %L, %L, %L)', v_name, rels[v_ti],
                                  v_rule ->> 'column', v_rule ->> 'expression', v_rule ->> 'reason'));
        END LOOP;
    END LOOP;
    v_ti := 0;
    FOR v_member IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'members') e LOOP
        v_ti := v_ti + 1;
        PERFORM mask_internal._import_try(pg_catalog.format('members[%s] (%s)', v_ti, v_member ->> 'role'),
            pg_catalog.format('SELECT mask.add_member(%L, %s::pg_catalog.oid::pg_catalog.regrole, %L)', v_name, roles[v_ti],
                              COALESCE((v_member ->> 'set_search_path')::boolean, true)));
    END LOOP;
    RETURN (SELECT p.id FROM mask.policy p WHERE p.name = v_name);
END;
$$;

COMMENT ON FUNCTION mask_internal._import_build(jsonb, mask.policy, oid[], oid[]) IS
'Internal: import_policy()''s build of a checked policy document through the policy API; returns the new policy''s id.';
