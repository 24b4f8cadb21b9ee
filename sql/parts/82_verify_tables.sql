-- ---------------------------------------------------------------------------
-- mask.verify(), protected tables: one function per finding about a table
-- of a policy, its masked view, its rules and the personal data in it
-- (listed in mask_internal._verify_findings, 82_verify_report.sql).
-- ---------------------------------------------------------------------------

-- The API call that regenerates a table's view from the catalog, for hints.
CREATE FUNCTION mask_internal._verify_protect_hint(pol mask.policy, relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('SELECT mask.protect(%L, %L, %L, %L); regenerates it from the catalog.',
                             pol.name, mask_internal._relation_name(pr.relation), pr.row_filter, pr.view_name)
      FROM mask.protected pr
     WHERE pr.policy_id = pol.id AND pr.relation = _verify_protect_hint.relation
$$;

COMMENT ON FUNCTION mask_internal._verify_protect_hint(mask.policy, regclass) IS
'Internal: the hint of mask.verify() that regenerates a protected table''s view (mask.protect with the stored row filter and view name).';


-- The raw table: gone (dropped while the event triggers were not running),
-- readable by PUBLIC (table or column), or owned by a superuser.
CREATE FUNCTION mask_internal._verify_table(pol mask.policy, relation regclass)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_t record;
    v_a record;
BEGIN
    SELECT pr.relation_name, c.oid IS NOT NULL AS live, ro.rolname AS owner,
           ro.rolsuper AS owner_super, mask_internal._relation_name(c.oid::regclass) AS name
      INTO v_t
      FROM mask.protected pr
      LEFT JOIN pg_catalog.pg_class c ON c.oid = pr.relation
      LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = c.relowner
     WHERE pr.policy_id = pol.id AND pr.relation = _verify_table.relation;
    IF NOT v_t.live THEN
        RETURN NEXT ROW('error', pol.name, v_t.relation_name,
            'The catalog protects a table that no longer exists (dropped while the event triggers were not running).',
            pg_catalog.format('SELECT mask.unprotect(%L, %s);', pol.name, relation::oid)
        )::mask_internal.finding;
        RETURN;
    END IF;

    -- PUBLIC on the raw table or a column: every role, members included,
    -- reads it.
    FOR v_a IN SELECT g.attname FROM mask_internal._relation_grants(relation) g
                WHERE g.grantee = 0 AND g.privilege_type = 'SELECT'
                ORDER BY 1 NULLS FIRST LOOP
        IF v_a.attname IS NULL THEN
            RETURN NEXT ROW('error', pol.name, v_t.name,
                'PUBLIC has SELECT on the protected table: every role can read its raw data.',
                pg_catalog.format('REVOKE SELECT ON %s FROM PUBLIC;', v_t.name)
            )::mask_internal.finding;
        ELSE
            RETURN NEXT ROW('error', pol.name, v_t.name,
                pg_catalog.format('PUBLIC has SELECT on column %I of the protected table: every role can read it raw.',
                                  v_a.attname),
                pg_catalog.format('REVOKE SELECT (%I) ON %s FROM PUBLIC;', v_a.attname, v_t.name)
            )::mask_internal.finding;
        END IF;
    END LOOP;
    IF v_t.owner_super THEN
        RETURN NEXT ROW('error', pol.name, v_t.name,
            pg_catalog.format('The table is owned by superuser %I: its masked view would bypass every privilege and row security check.',
                              v_t.owner),
            pg_catalog.format('ALTER TABLE %s OWNER TO a non-superuser role that owns the data; then %s',
                              v_t.name, mask_internal._verify_protect_hint(pol, relation))
        )::mask_internal.finding;
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_table(mask.policy, regclass) IS
'Internal: the findings of mask.verify() about a protected raw table: gone, readable by PUBLIC, owned by a superuser.';


-- The generated view of a protected table: missing, not a view, owned by
-- another role than the table, without security_barrier, defined otherwise
-- than the catalog generates it (compared through a rolled-back temporary
-- view, 82_verify_report.sql), or readable by roles that are neither
-- members nor auditors (mask_internal._apply_view_grants).
CREATE FUNCTION mask_internal._verify_view(pol mask.policy, relation regclass)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_table    text := mask_internal._relation_name(relation);
    v_protect  text := mask_internal._verify_protect_hint(pol, relation);
    v_owner    oid := (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = relation);
    v_v        record;
    v_g        record;
    v_live     text;
    v_expected text;
    v_err      text;
    v_state    text;
    v_readers  oid[];
BEGIN
    SELECT pg_catalog.format('%I.%I', pol.view_schema, pr.view_name) AS name,
           c.oid, c.relkind, c.relowner,
           EXISTS (SELECT FROM pg_catalog.pg_options_to_table(c.reloptions) o
                    WHERE o.option_name = 'security_barrier'
                      AND o.option_value::boolean) AS barrier
      INTO v_v
      FROM mask.protected pr
      LEFT JOIN (pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace)
        ON n.nspname = pol.view_schema AND c.relname = pr.view_name
     WHERE pr.policy_id = pol.id AND pr.relation = _verify_view.relation;
    IF v_v.oid IS NULL THEN
        RETURN NEXT ROW('error', pol.name, v_v.name,
            pg_catalog.format('The masked view of %s is missing (dropped by hand): members cannot read it.',
                              v_table),
            v_protect
        )::mask_internal.finding;
        RETURN;
    ELSIF v_v.relkind <> 'v' THEN
        RETURN NEXT ROW('error', pol.name, v_v.name,
            pg_catalog.format('The object in place of the masked view of %s is not a view (relkind %s).',
                              v_table, v_v.relkind),
            'Drop or rename that object, then ' || v_protect
        )::mask_internal.finding;
        RETURN;
    END IF;

    IF v_v.relowner <> v_owner THEN
        RETURN NEXT ROW('error', pol.name, v_v.name,
            pg_catalog.format('The view is owned by %I, not by %I, the owner of %s%s.',
                pg_catalog.pg_get_userbyid(v_v.relowner), pg_catalog.pg_get_userbyid(v_owner), v_table,
                CASE WHEN (SELECT ro.rolsuper FROM pg_catalog.pg_roles ro WHERE ro.oid = v_v.relowner)
                     THEN ': a superuser-owned view bypasses the table''s privileges and row security'
                     ELSE '' END),
            pg_catalog.format('ALTER VIEW %s OWNER TO %I; or %s', v_v.name,
                              pg_catalog.pg_get_userbyid(v_owner), v_protect)
        )::mask_internal.finding;
    END IF;
    IF NOT v_v.barrier THEN
        RETURN NEXT ROW('error', pol.name, v_v.name,
            'The view is not a security_barrier view: leaky functions in members'' queries can see rows the row filter removes.',
            pg_catalog.format('ALTER VIEW %s SET (security_barrier); or %s', v_v.name, v_protect)
        )::mask_internal.finding;
    END IF;

    BEGIN
        SELECT d.live, d.expected INTO v_live, v_expected
          FROM mask_internal._viewdefs(v_v.oid, mask_internal._view_query(pol.id, relation)) d;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_err = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
    END;
    IF v_state = '25006' THEN
        -- The expected definition needs a (temporary) view.
        RETURN NEXT ROW('warning', pol.name, v_v.name,
            'The view''s definition was not compared with the catalog: the transaction is read-only (READ ONLY or a hot standby).',
            'Run mask.verify() in a read-write transaction on the primary.'
        )::mask_internal.finding;
    ELSIF v_err IS NOT NULL THEN
        RETURN NEXT ROW('error', pol.name, v_v.name,
            'The catalog no longer generates a valid view for this table: ' || v_err,
            'Fix the rule or row filter concerned with mask.set_rule() / mask.drop_rule() / mask.protect().'
        )::mask_internal.finding;
    ELSIF v_live IS DISTINCT FROM v_expected THEN
        RETURN NEXT ROW('error', pol.name, v_v.name,
            'The view''s definition differs from what the catalog generates (altered or replaced by hand).',
            v_protect
        )::mask_internal.finding;
    END IF;

    -- Masked data for members and auditors only, and only to read.
    v_readers := mask_internal._policy_readers(pol.id);
    FOR v_g IN SELECT DISTINCT g.grantee FROM mask_internal._relation_grants(v_v.oid) g
                WHERE g.attname IS NULL AND NOT (g.grantee = ANY (v_readers))
                ORDER BY 1 LOOP
        RETURN NEXT ROW('warning', pol.name, v_v.name,
            pg_catalog.format('%s can read the masked view without being a member or an auditor.',
                              mask_internal._grantee_label(v_g.grantee)),
            pg_catalog.format('REVOKE ALL ON %s FROM %s; (or add the role with mask.add_member()).',
                              v_v.name, mask_internal._grantee_name(v_g.grantee))
        )::mask_internal.finding;
    END LOOP;
    FOR v_g IN SELECT g.grantee, g.privilege_type, g.is_grantable
                 FROM mask_internal._grants_beyond_reading(v_v.oid, v_readers) g
                WHERE g.attname IS NULL AND g.grantee = ANY (v_readers) LOOP
        RETURN NEXT ROW('warning', pol.name, v_v.name,
            pg_catalog.format('%s holds %s on the masked view, where maskview grants SELECT only: %s',
                              mask_internal._grantee_label(v_g.grantee),
                              v_g.privilege_type || CASE WHEN v_g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                              CASE WHEN v_g.privilege_type = 'SELECT'
                                   THEN 'it can pass the masked view on to roles outside the policy.'
                                   ELSE 'what it does through the view runs as the view owner.' END),
            'SELECT mask.refresh_privileges(); revokes it (the role keeps SELECT).'
        )::mask_internal.finding;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_view(mask.policy, regclass) IS
'Internal: the findings of mask.verify() about the masked view of a protected table: missing, not a view, owner, security_barrier, definition, grants.';


-- Rules whose column is gone (flagged by the event trigger, or not yet
-- noticed because the DDL ran without it).
CREATE FUNCTION mask_internal._verify_orphaned_rules(pol mask.policy, relation regclass)
RETURNS SETOF mask_internal.finding
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'warning', pol.name,
           pg_catalog.format('%s.%I', mask_internal._relation_name(r.relation), r.column_name),
           'Orphaned rule: its column was dropped or its expression no longer applies; it generates nothing and the column (if any) is hidden.',
           pg_catalog.format('SELECT mask.drop_rule(%L, %L, %L); or set a new rule for the column.',
                             pol.name, mask_internal._relation_name(r.relation), r.column_name)
      FROM mask.rule r
     WHERE r.policy_id = pol.id AND r.relation = _verify_orphaned_rules.relation
       AND (r.orphaned OR NOT EXISTS (
                SELECT FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = r.relation AND a.attname = r.column_name
                   AND a.attnum > 0 AND NOT a.attisdropped))
$$;

COMMENT ON FUNCTION mask_internal._verify_orphaned_rules(mask.policy, regclass) IS
'Internal: the findings of mask.verify() about rules of a protected table whose column is gone or whose expression no longer applies.';


-- Personal data, as mask.detect() classifies it: shown by a PASS rule
-- (warning when detect is confident, else info), or hidden (info: nothing
-- leaks, but no masked form is offered either).
CREATE FUNCTION mask_internal._verify_personal_data(pol mask.policy, relation regclass)
RETURNS SETOF mask_internal.finding
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN r.action = 'pass' AND d.confidence >= 0.5 THEN 'warning' ELSE 'info' END,
           pol.name, pg_catalog.format('%s.%I', t.name, d."column"),
           CASE WHEN r.action = 'pass'
                THEN pg_catalog.format('A PASS rule shows this column raw, and it looks like %s (confidence %s; %s).',
                                       d.pii_type, d.confidence, d.evidence)
                ELSE pg_catalog.format('Hidden column that looks like %s (confidence %s; %s); nothing leaks.',
                                       d.pii_type, d.confidence, d.evidence) END,
           CASE WHEN r.action = 'pass' THEN 'Mask it: ' ELSE 'No action needed; to show it masked: ' END
           || pg_catalog.format('SELECT mask.set_rule(%L, %L, %L, %L);',
                                pol.name, t.name, d."column", d.suggested_rule)
      FROM (SELECT mask_internal._relation_name(_verify_personal_data.relation) AS name) t,
           mask_internal._detect_relation(_verify_personal_data.relation, 1000) d
      JOIN pg_catalog.pg_attribute a
        ON a.attrelid = _verify_personal_data.relation AND a.attname = d."column"
      LEFT JOIN mask.rule r
        ON r.policy_id = pol.id AND r.relation = _verify_personal_data.relation
       AND r.column_name = a.attname AND NOT r.orphaned
     WHERE r.action IS NULL OR r.action = 'pass'
$$;

COMMENT ON FUNCTION mask_internal._verify_personal_data(mask.policy, regclass) IS
'Internal: the findings of mask.verify() about personal data (mask.detect()) that a protected table''s PASS rules show or its hidden columns hold.';
