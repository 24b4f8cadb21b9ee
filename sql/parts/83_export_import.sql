-- ---------------------------------------------------------------------------
-- Policies as documents: mask.export_policy() and mask.import_policy().
--
-- A policy is kept in version control as the jsonb document export_policy()
-- returns (jsonb_pretty() it for a readable file):
--
--   { "format": "maskview-policy", "format_version": 1,
--     "policy": ..., "view_schema": ..., "description": ...,
--     "tables":  [ { "table": "schema.table", "view_name": ..., "row_filter": ...,
--                    "rules": [ { "column": ..., "action": "mask"|"pass"|"null",
--                                 "expression": ..., "reason": ... } ] } ],
--     "members": [ { "role": ..., "set_search_path": true|false } ] }
--
-- Everything is as the admin typed it (row filters, expressions), arrays are
-- sorted by name in byte order and every key is always present (null when
-- unset), so two exports of the same policy are identical in any database
-- and a change to the policy is a small diff.  Never in the document: the
-- key, the audit log, who changed what when (that is in the audit log).
-- Columns without a rule are hidden and appear nowhere; orphaned rules (of
-- dropped columns) generate nothing and are left out; members whose role
-- was dropped are left out (verify() reports both).
--
-- import_policy() checks the whole document first (shape, tables, columns,
-- rules and row filters through the validator, members through the same
-- read-path check as add_member) and then builds the policy by calling the
-- API itself (create_policy, protect, set_rule, add_member), so there is one
-- code path and every step is audited as usual; one more 'import_policy'
-- row records the import as a whole.  Any error, in the checks or in an
-- API call, raises 22023 naming the part of the document and rolls the
-- whole call back: nothing is changed.  A new policy gets a new key, so its
-- pseudonyms differ from the exported database's (pg_dump/restore is the
-- path that keeps keys).  replace => true drops the existing policy and
-- builds it again from the document in the same transaction, keeping its
-- key, so re-applying a reviewed document does not change the tokens on
-- printed notices (mask.rotate_key() changes them explicitly).
--
-- This file is self-contained (new in 0.2.0): it can be appended verbatim
-- to the upgrade script.
-- ---------------------------------------------------------------------------

-- The document of a policy, without auditing (export_policy and
-- import_policy both use it).
CREATE FUNCTION mask_internal._policy_document(policy_id integer)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'format', 'maskview-policy',
        'format_version', 1,
        'policy', p.name,
        'view_schema', p.view_schema,
        'description', p.description,
        'tables', COALESCE((
            SELECT pg_catalog.jsonb_agg(t.doc ORDER BY t.name COLLATE "C")
              FROM (SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS name,
                           pg_catalog.jsonb_build_object(
                               'table', pg_catalog.format('%I.%I', n.nspname, c.relname),
                               'view_name', pr.view_name,
                               'row_filter', pr.row_filter,
                               'rules', COALESCE((
                                   SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                              'column', a.attname,
                                              'action', r.action,
                                              'expression', r.expression,
                                              'reason', r.reason)
                                          ORDER BY a.attname COLLATE "C")
                                     FROM mask.rule r
                                     JOIN pg_catalog.pg_attribute a
                                       ON a.attrelid = r.relation AND a.attname = r.column_name
                                      AND a.attnum > 0
                                      AND NOT a.attisdropped
                                    WHERE r.policy_id = pr.policy_id AND r.relation = pr.relation
                                      AND NOT r.orphaned), '[]'::jsonb)) AS doc
                      FROM mask.protected pr
                      JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE pr.policy_id = p.id) t), '[]'::jsonb),
        'members', COALESCE((
            SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                       'role', ro.rolname,
                       'set_search_path', m.search_path_set)
                   ORDER BY ro.rolname COLLATE "C")
              FROM mask.member m
              JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
             WHERE m.policy_id = p.id), '[]'::jsonb))
      FROM mask.policy p
     WHERE p.id = _policy_document.policy_id
$$;

COMMENT ON FUNCTION mask_internal._policy_document(integer) IS
'Internal: the policy document of mask.export_policy() (no key, no audit data), without writing the audit log.';


-- A short digest of a document: recorded in the audit log, so an export and
-- a later import of the same document can be matched there.
CREATE FUNCTION mask_internal._document_sha256(doc jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(doc::text, 'UTF8')), 'hex')
$$;

COMMENT ON FUNCTION mask_internal._document_sha256(jsonb) IS
'Internal: hex sha256 of a policy document''s jsonb text, recorded in the audit log by export and import.';


CREATE FUNCTION mask.export_policy(policy name)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- SECURITY DEFINER: the catalog tables are the extension owner's.  The
-- document holds nothing an auditor cannot read in mask.policies,
-- mask.protected_tables, mask.rules and mask.members.  VOLATILE because the
-- export is audited (in mask.audit_pending, chained by the next API call).
DECLARE
    v_policy mask.policy;
    v_doc    jsonb;
BEGIN
    v_policy := mask_internal._policy(export_policy.policy);
    v_doc := mask_internal._policy_document(v_policy.id);
    -- A read: recorded without the append lock (mask_internal._audit_read), so an
    -- auditor holding the document in an open transaction blocks nobody.
    PERFORM mask_internal._audit_read('export_policy', v_policy.name, NULL,
        pg_catalog.jsonb_build_object(
            'document_sha256', mask_internal._document_sha256(v_doc),
            'tables', pg_catalog.jsonb_array_length(v_doc -> 'tables'),
            'rules', (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_array_elements(v_doc -> 'tables') t,
                             pg_catalog.jsonb_array_elements(t -> 'rules') r),
            'members', pg_catalog.jsonb_array_length(v_doc -> 'members')));
    RETURN v_doc;
END;
$$;

COMMENT ON FUNCTION mask.export_policy(name) IS
'The whole policy as a jsonb document for review and version control: view schema, description, tables with view names and row filters, rules (column, action, expression as typed, reason), members, format version. Never keys or audit data; sorted, so exports diff well. Audited.';


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


CREATE FUNCTION mask.import_policy(doc jsonb, replace boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name      name;
    v_schema    name;
    v_existing  mask.policy;
    v_key       bytea;
    v_new_id    integer;
    v_table     jsonb;
    v_rule      jsonb;
    v_member    jsonb;
    v_ti        integer;
    v_ri        integer;
    v_part      text;
    v_rel       regclass;
    v_rels      oid[] := '{}';
    v_relnames  text[] := '{}';
    v_columns   text[];
    v_role      oid;
    v_roles     oid[] := '{}';
    v_expr      text;
    v_action    text;
    v_path      text;
    v_msg       text;
    v_detail    text;
    v_result    jsonb;
    v_nrules    integer := 0;
BEGIN
    -- ------------------------------------------------ 1. check it all ---
    IF import_policy.replace IS NULL THEN
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
    v_name := (doc ->> 'policy')::name;
    v_schema := (doc ->> 'view_schema')::name;
    SELECT p.* INTO v_existing FROM mask.policy p WHERE p.name = v_name;
    IF FOUND AND NOT import_policy.replace THEN
        PERFORM mask_internal._import_refuse('policy', pg_catalog.format('policy "%s" already exists.', v_name),
            'Nothing was changed. Pass replace => true to replace it with the document (its key is kept), or rename the policy in the document.');
    END IF;

    v_ti := 0;
    FOR v_table IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'tables') e LOOP
        v_ti := v_ti + 1;
        v_part := pg_catalog.format('tables[%s]', v_ti);
        PERFORM mask_internal._import_check_object(v_part, v_table,
            ARRAY['table', 'view_name', 'row_filter', 'rules'],
            ARRAY['string', 'string|null', 'string|null', 'array'],
            ARRAY['table']);
        BEGIN
            v_rel := pg_catalog.to_regclass(v_table ->> 'table');
        EXCEPTION WHEN OTHERS THEN
            v_rel := NULL;     -- not even a well-formed name
        END;
        IF v_rel IS NULL THEN
            PERFORM mask_internal._import_refuse(v_part, pg_catalog.format('table %s does not exist.', v_table ->> 'table'),
                'Nothing was changed. Tables are named schema-qualified, as mask.export_policy() writes them.');
        END IF;
        v_part := pg_catalog.format('tables[%s] (%s)', v_ti, v_table ->> 'table');
        IF v_rel::oid = ANY (v_rels) THEN
            PERFORM mask_internal._import_refuse(v_part, 'the table is listed twice.');
        END IF;
        IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = v_rel) NOT IN ('r', 'p') THEN
            PERFORM mask_internal._import_refuse(v_part, 'is not a table; only tables and partitioned tables can be protected.');
        END IF;
        IF v_table ->> 'row_filter' IS NOT NULL THEN
            BEGIN
                PERFORM mask_internal._validate_expression(v_table ->> 'row_filter', v_rel, true);
            EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
                GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
                PERFORM mask_internal._import_refuse(v_part || ' row_filter',
                                            v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
            END;
        END IF;
        v_rels := v_rels || v_rel::oid;
        v_relnames := v_relnames || (v_table ->> 'table');

        v_columns := '{}';
        v_ri := 0;
        FOR v_rule IN SELECT e FROM pg_catalog.jsonb_array_elements(COALESCE(v_table -> 'rules', '[]')) e LOOP
            v_ri := v_ri + 1;
            v_part := pg_catalog.format('tables[%s] (%s) rules[%s]', v_ti, v_table ->> 'table', v_ri);
            PERFORM mask_internal._import_check_object(v_part, v_rule,
                ARRAY['column', 'action', 'expression', 'reason'],
                ARRAY['string', 'string', 'string', 'string|null'],
                ARRAY['column', 'expression']);
            v_part := pg_catalog.format('tables[%s] (%s) rules[%s] (column %s)', v_ti, v_table ->> 'table',
                                        v_ri, v_rule ->> 'column');
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                            WHERE a.attrelid = v_rel AND a.attnum > 0 AND NOT a.attisdropped
                              AND a.attname::text = v_rule ->> 'column') THEN
                PERFORM mask_internal._import_refuse(v_part, pg_catalog.format('table %s has no column %s.',
                                            v_rel, pg_catalog.quote_ident(v_rule ->> 'column')));
            END IF;
            IF (v_rule ->> 'column') = ANY (v_columns) THEN
                PERFORM mask_internal._import_refuse(v_part, 'the column has two rules.');
            END IF;
            v_columns := v_columns || (v_rule ->> 'column');
            v_expr := v_rule ->> 'expression';
            -- The action follows from the expression, as in set_rule(); a
            -- document whose action says otherwise was edited by hand.
            v_action := CASE pg_catalog.upper(pg_catalog.btrim(v_expr))
                            WHEN 'PASS' THEN 'pass' WHEN 'NULL' THEN 'null' ELSE 'mask' END;
            IF v_rule ? 'action' AND v_rule ->> 'action' <> v_action THEN
                PERFORM mask_internal._import_refuse(v_part, pg_catalog.format('action "%s" does not match the expression, which means "%s".',
                                                                      v_rule ->> 'action', v_action));
            END IF;
            IF v_action = 'mask' THEN
                BEGIN
                    -- The key's location does not matter for the check;
                    -- set_rule() validates again with the new policy's.
                    PERFORM mask_internal._validate_expression(v_expr, v_rel, false, mask_internal._key_sql(0));
                EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
                    GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
                    PERFORM mask_internal._import_refuse(v_part, v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
                END;
            END IF;
            v_nrules := v_nrules + 1;
        END LOOP;
    END LOOP;

    v_ti := 0;
    FOR v_member IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'members') e LOOP
        v_ti := v_ti + 1;
        v_part := pg_catalog.format('members[%s]', v_ti);
        PERFORM mask_internal._import_check_object(v_part, v_member, ARRAY['role', 'set_search_path'],
                                          ARRAY['string', 'boolean'], ARRAY['role']);
        v_part := pg_catalog.format('members[%s] (%s)', v_ti, v_member ->> 'role');
        SELECT ro.oid INTO v_role FROM pg_catalog.pg_roles ro WHERE ro.rolname = v_member ->> 'role';
        IF NOT FOUND THEN
            PERFORM mask_internal._import_refuse(v_part, 'the role does not exist.',
                'Nothing was changed. Create the role first, or leave it out of the document.');
        END IF;
        IF v_role = ANY (v_roles) THEN
            PERFORM mask_internal._import_refuse(v_part, 'the role is listed twice.');
        END IF;
        v_roles := v_roles || v_role;
        -- add_member()'s own path check, against the document's tables.
        v_path := mask_internal._read_path(v_role, v_rels);
        IF v_path IS NOT NULL THEN
            PERFORM mask_internal._import_refuse(v_part, v_path,
                'Nothing was changed. Members must reach the protected tables only through the masked views: revoke that access first.');
        END IF;
    END LOOP;

    -- ----------------------------------------- 2. build it with the API ---
    -- Every call below validates again; an error there still changes
    -- nothing (it aborts this call) and is reported with its part.
    IF v_existing.id IS NOT NULL THEN
        SELECT k.key INTO v_key FROM mask.policy_key k WHERE k.policy_id = v_existing.id;
        BEGIN
            PERFORM mask.drop_policy(v_name);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            PERFORM mask_internal._import_refuse('policy', 'the existing policy cannot be dropped: ' || v_msg
                                        || COALESCE(': ' || NULLIF(v_detail, ''), ''));
        END;
    END IF;

    BEGIN
        PERFORM mask.create_policy(v_name, v_schema, doc ->> 'description');
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        PERFORM mask_internal._import_refuse('policy', v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
    END;
    SELECT p.id INTO v_new_id FROM mask.policy p WHERE p.name = v_name;
    IF v_key IS NOT NULL THEN
        -- replace keeps the key: pseudonyms stay what they were.
        UPDATE mask.policy_key k SET key = v_key WHERE k.policy_id = v_new_id;
    END IF;

    v_ti := 0;
    FOR v_table IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'tables') e LOOP
        v_ti := v_ti + 1;
        v_rel := v_rels[v_ti]::regclass;
        v_part := pg_catalog.format('tables[%s] (%s)', v_ti, v_relnames[v_ti]);
        BEGIN
            PERFORM mask.protect(v_name, v_rel, v_table ->> 'row_filter', (v_table ->> 'view_name')::name);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            PERFORM mask_internal._import_refuse(v_part, v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
        END;
        v_ri := 0;
        FOR v_rule IN SELECT e FROM pg_catalog.jsonb_array_elements(COALESCE(v_table -> 'rules', '[]')) e LOOP
            v_ri := v_ri + 1;
            BEGIN
                PERFORM mask.set_rule(v_name, v_rel, (v_rule ->> 'column')::name, v_rule ->> 'expression',
                                      v_rule ->> 'reason');
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
                PERFORM mask_internal._import_refuse(pg_catalog.format('%s rules[%s] (column %s)', v_part, v_ri,
                                                              v_rule ->> 'column'),
                                            v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
            END;
        END LOOP;
    END LOOP;

    v_ti := 0;
    FOR v_member IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'members') e LOOP
        v_ti := v_ti + 1;
        BEGIN
            PERFORM mask.add_member(v_name, v_roles[v_ti]::regrole,
                                    COALESCE((v_member ->> 'set_search_path')::boolean, true));
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            PERFORM mask_internal._import_refuse(pg_catalog.format('members[%s] (%s)', v_ti, v_member ->> 'role'),
                                        v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
        END;
    END LOOP;

    -- The document of the policy as built, i.e. what export_policy() now
    -- returns: its digest in the audit row links this import to exports.
    v_result := mask_internal._policy_document(v_new_id);
    RETURN mask_internal._audit('import_policy', v_name, v_schema::text,
        pg_catalog.jsonb_build_object(
            'replaced', v_existing.id IS NOT NULL,
            'key', CASE WHEN v_key IS NOT NULL THEN 'kept' ELSE 'new' END,
            'tables', pg_catalog.cardinality(v_rels),
            'rules', v_nrules,
            'members', pg_catalog.cardinality(v_roles),
            'document_sha256', mask_internal._document_sha256(v_result)));
END;
$$;

COMMENT ON FUNCTION mask.import_policy(jsonb, boolean) IS
'Creates a policy from a document of mask.export_policy(): checks everything first (shape, tables, columns, rules and row filters, members) and then calls create_policy, protect, set_rule and add_member; any error is 22023 naming the part and changes nothing. A new policy gets a new key (pseudonyms differ from the source database); replace => true rebuilds an existing policy and keeps its key. Audited: the API calls plus one import_policy row.';


-- Auditors and admins that existed before an upgrade from 0.1.0 get this
-- through mask.refresh_privileges() (84_refresh_privileges.sql), run after
-- ALTER EXTENSION UPDATE: a GRANT inside an extension script would be
-- recorded as an initial privilege, and pg_dump would then leave it out.
