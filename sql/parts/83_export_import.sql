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
-- The checks and the build, a function per step, are in 83_import_steps.sql.
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


CREATE FUNCTION mask.import_policy(doc jsonb, replace boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_existing  mask.policy;
    v_table     jsonb;
    v_member    jsonb;
    v_i         integer;
    v_rels      oid[] := '{}';
    v_roles     oid[] := '{}';
    v_key       bytea;
    v_new_id    integer;
BEGIN
    -- 1. check it all (83_import_steps.sql): nothing is changed before
    v_existing := mask_internal._import_check_document(doc, import_policy.replace);
    v_i := 0;
    FOR v_table IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'tables') e LOOP
        v_i := v_i + 1;
        v_rels := v_rels || mask_internal._import_check_table(v_i, v_table, v_rels)::oid;
    END LOOP;
    v_i := 0;
    FOR v_member IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'members') e LOOP
        v_i := v_i + 1;
        v_roles := v_roles || mask_internal._import_check_member(v_i, v_member, v_roles, v_rels);
    END LOOP;

    -- 2. build it with the API, keeping the key of a policy replaced
    SELECT k.key INTO v_key FROM mask.policy_key k WHERE k.policy_id = v_existing.id;
    v_new_id := mask_internal._import_build(doc, v_existing, v_rels, v_roles);
    IF v_key IS NOT NULL THEN
        -- replace keeps the key: pseudonyms stay what they were.
        UPDATE mask.policy_key k SET key = v_key WHERE k.policy_id = v_new_id;
    END IF;

    -- The document of the policy as built, i.e. what export_policy() now
    -- returns: its digest in the audit row links this import to exports.
    RETURN mask_internal._audit('import_policy', (doc ->> 'policy')::name, doc ->> 'view_schema',
        pg_catalog.jsonb_build_object(
            'replaced', v_existing.id IS NOT NULL,
            'key', CASE WHEN v_key IS NOT NULL THEN 'kept' ELSE 'new' END,
            'tables', pg_catalog.cardinality(v_rels),
            'rules', (SELECT COALESCE(pg_catalog.sum(pg_catalog.jsonb_array_length(COALESCE(t -> 'rules', '[]'))), 0)::integer
                        FROM pg_catalog.jsonb_array_elements(doc -> 'tables') t),
            'members', pg_catalog.cardinality(v_roles),
            'document_sha256', mask_internal._document_sha256(mask_internal._policy_document(v_new_id))));
END;
$$;

COMMENT ON FUNCTION mask.import_policy(jsonb, boolean) IS
'Creates a policy from a document of mask.export_policy(): checks everything first (shape, tables, columns, rules and row filters, members) and then calls create_policy, protect, set_rule and add_member; any error is 22023 naming the part and changes nothing. A new policy gets a new key (pseudonyms differ from the source database); replace => true rebuilds an existing policy and keeps its key. Audited: the API calls plus one import_policy row.';


-- Auditors and admins that existed before an upgrade from 0.1.0 get this
-- through mask.refresh_privileges() (84_refresh_privileges.sql), run after
-- ALTER EXTENSION UPDATE: a GRANT inside an extension script would be
-- recorded as an initial privilege, and pg_dump would then leave it out.
