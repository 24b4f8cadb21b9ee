-- ---------------------------------------------------------------------------
-- Reconciliation: the catalog follows renames, dropped and added columns of a
-- protected table before its view is generated again.
-- ---------------------------------------------------------------------------

-- The schema-qualified name of a relation as it is called now, quoted where
-- needed; NULL when it is gone.  What the catalog stores as relation_name
-- and what audit rows name, read from pg_class each time: a name kept in a
-- variable goes stale when a table is renamed.
CREATE FUNCTION mask_internal._relation_name(relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = relation
$$;

COMMENT ON FUNCTION mask_internal._relation_name(regclass) IS
'Internal: the schema-qualified, quoted name of a relation as it is now, or NULL when it no longer exists.';


-- column name -> attnum of the live columns of a relation.  The names are
-- what the catalog goes by; the attnums are only a hint for the event trigger
-- (see mask_internal._renamed_column).
CREATE FUNCTION mask_internal._columns_snapshot(relation regclass)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(
               pg_catalog.jsonb_object_agg(a.attname::text, a.attnum),
               '{}'::jsonb)
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped
$$;

COMMENT ON FUNCTION mask_internal._columns_snapshot(regclass) IS
'Internal: the column name -> attnum map of a relation, stored in mask.protected to notice dropped or added columns and to tell the event trigger the old name of a renamed column.';


-- The old name of the column of relation renamed to new_name by the command
-- being followed, from the snapshot stored in mask.protected at the last
-- regeneration -- or NULL when the snapshot cannot say for sure.  The stored
-- attnum is only a hint: after a restore the snapshot is of another
-- numbering, so a name is accepted only if it is gone from the table now and
-- new_name was not there before.  Guessing wrong would put a rule on another
-- column, so no answer (the rules of the old name are orphaned, and verify()
-- reports them) is the fallback.
CREATE FUNCTION mask_internal._renamed_column(snapshot jsonb, relation regclass, new_name name)
RETURNS name
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_current jsonb := mask_internal._columns_snapshot(relation);
    v_gone    text[];
    v_hint    text;
BEGIN
    IF snapshot ? new_name::text OR NOT v_current ? new_name::text THEN
        RETURN NULL;
    END IF;
    SELECT pg_catalog.array_agg(k ORDER BY k) INTO v_gone
      FROM pg_catalog.jsonb_object_keys(snapshot) k
     WHERE NOT v_current ? k;
    IF v_gone IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT k INTO v_hint FROM pg_catalog.unnest(v_gone) k
     WHERE snapshot ->> k = v_current ->> new_name::text;
    IF v_hint IS NOT NULL THEN
        RETURN v_hint;
    ELSIF pg_catalog.cardinality(v_gone) = 1 THEN
        RETURN v_gone[1];
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION mask_internal._renamed_column(jsonb, regclass, name) IS
'Internal: the old name of a column renamed to new_name, from the stored column snapshot of a protected table, or NULL when it cannot be told without guessing.';


-- What changed in the columns of a protected table since the snapshot:
-- {"renamed": {old: new}, "dropped": [...], "added": [...]}.  Of the renames
-- passed in (by the event trigger, which PostgreSQL tells which column a
-- RENAME renamed) only those of columns the snapshot knew, to names that
-- exist now, count; nothing is inferred from column numbers.
CREATE FUNCTION mask_internal._column_changes(snapshot jsonb, present jsonb, renames jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.jsonb_build_object(
               'renamed', r.renamed,
               'dropped', COALESCE((SELECT pg_catalog.jsonb_agg(k ORDER BY k)
                                      FROM pg_catalog.jsonb_object_keys(snapshot) k
                                     WHERE NOT present ? k AND NOT r.renamed ? k), '[]'),
               'added', COALESCE((SELECT pg_catalog.jsonb_agg(k ORDER BY k)
                                    FROM pg_catalog.jsonb_object_keys(present) k
                                   WHERE NOT snapshot ? k
                                     AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_each_text(r.renamed) e
                                                      WHERE e.value = k)), '[]'))
      FROM (SELECT COALESCE(pg_catalog.jsonb_object_agg(e.key, e.value), '{}') AS renamed
              FROM pg_catalog.jsonb_each_text(COALESCE(renames, '{}')) e
             WHERE snapshot ? e.key AND NOT present ? e.key AND present ? e.value) r
$$;

COMMENT ON FUNCTION mask_internal._column_changes(jsonb, jsonb, jsonb) IS
'Internal: the renamed, dropped and added columns of a protected table between its stored snapshot and now.';


-- Brings the rules of one protected table up to date with its columns now
-- (present, their snapshot) and the renames that apply, and returns the
-- columns whose rules it orphaned.  A rule whose column is gone, or (when
-- recheck is true: columns renamed, dropped or retyped) whose expression no
-- longer validates, is orphaned and its column hidden.  Renamed columns are
-- renamed in the expressions on the parse tree (mask_internal._rename_columns),
-- never by scanning the text.
CREATE FUNCTION mask_internal._reconcile_rules(policy_id integer, relation regclass, present jsonb,
                                               renames jsonb, recheck boolean)
RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- (runs under the settings mask_internal._reconcile pins)
AS $$
DECLARE
    v_rule     mask.rule;
    v_colname  text;
    v_expr     text;
    v_sql      text;
    v_valid    boolean;
    v_orphaned text[] := '{}';
BEGIN
    FOR v_rule IN SELECT r.* FROM mask.rule r
                   WHERE r.policy_id = _reconcile_rules.policy_id
                     AND r.relation = _reconcile_rules.relation AND NOT r.orphaned
                   ORDER BY r.column_name LOOP
        v_colname := COALESCE(renames ->> v_rule.column_name::text, v_rule.column_name::text);
        -- Its column gone (dropped, or renamed in a way that cannot be
        -- followed without guessing), or its expression no longer valid:
        -- orphaned, the column hidden until a new rule is set.
        v_valid := present ? v_colname;
        CONTINUE WHEN v_valid AND v_colname = v_rule.column_name AND NOT recheck;
        v_expr := v_rule.expression;
        v_sql := NULL;
        IF v_valid AND v_rule.action = 'mask' THEN
            v_expr := mask_internal._rename_columns(v_rule.expression, renames);
            BEGIN
                v_sql := mask_internal._validate_rule(v_expr, v_rule.relation, v_rule.policy_id);
            EXCEPTION WHEN invalid_parameter_value THEN
                v_valid := false;
            END;
        END IF;
        IF NOT v_valid THEN
            UPDATE mask.rule r SET orphaned = true
             WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
               AND r.column_name = v_rule.column_name;
            v_orphaned := v_orphaned || v_rule.column_name::text;
            CONTINUE;
        END IF;
        -- An orphaned rule of the new name (its column dropped earlier)
        -- gives way to the live rule that now carries that name.
        IF v_colname <> v_rule.column_name THEN
            DELETE FROM mask.rule r
             WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
               AND r.column_name = v_colname::name AND r.orphaned;
        END IF;
        UPDATE mask.rule r
           SET column_name = v_colname::name,
               expression = v_expr,
               expression_sql = v_sql
         WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
           AND r.column_name = v_rule.column_name;
    END LOOP;
    RETURN v_orphaned;
END;
$$;

COMMENT ON FUNCTION mask_internal._reconcile_rules(integer, regclass, jsonb, jsonb, boolean) IS
'Internal: follows renamed and dropped columns in the rules of a protected table, orphaning rules that no longer apply; returns their columns.';


-- The row filter of a protected table after the renames, validated against
-- the table as it is now.  One that no longer validates is an error, never
-- dropped: dropping it would show every row, so the DDL is refused instead.
CREATE FUNCTION mask_internal._reconcile_row_filter(prot mask.protected, renames jsonb,
                                                    OUT row_filter text, OUT row_filter_sql text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- (runs under the settings mask_internal._reconcile pins)
AS $$
BEGIN
    row_filter := mask_internal._rename_columns(prot.row_filter, renames);
    BEGIN
        row_filter_sql := mask_internal._validate_expression(row_filter, prot.relation, true);
    EXCEPTION WHEN invalid_parameter_value THEN
        RAISE EXCEPTION 'row filter of % in policy % no longer applies',
            mask_internal._relation_name(prot.relation),
            (SELECT p.name FROM mask.policy p WHERE p.id = prot.policy_id)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The row filter "%s" reads a column that this command drops, renames or changes.',
                                             prot.row_filter),
                  HINT = 'Change the row filter with mask.protect() first.';
    END;
END;
$$;

COMMENT ON FUNCTION mask_internal._reconcile_row_filter(mask.protected, jsonb) IS
'Internal: the row filter of a protected table with renamed columns followed and its SQL validated again; refuses (22023) one that no longer applies.';


-- Brings the catalog entry of one protected table up to date with the table
-- itself and returns what changed (an empty object when nothing did):
-- table_dropped, table_renamed, columns_renamed, columns_dropped,
-- columns_added, rules_orphaned, row_filter_rewritten.  Columns are
-- identified by name only: renames (old name -> new name) are passed in by
-- the event trigger (mask_internal._column_changes), so a restore (which
-- renumbers columns but renames none) never moves a rule.  The rules follow
-- in mask_internal._reconcile_rules (revalidated after DDL when revalidate is
-- true), the row filter in mask_internal._reconcile_row_filter.
CREATE FUNCTION mask_internal._reconcile(policy_id integer, relation regclass,
                                renames jsonb DEFAULT '{}', revalidate boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- and the pinned rule settings (91_rule_settings.sql)
AS $$
DECLARE
    v_prot      mask.protected;
    v_name      text;
    v_current   jsonb;
    v_columns   jsonb;
    v_renames   jsonb;
    v_recheck   boolean;
    v_orphaned  text[];
    v_changes   jsonb := '{}';
    v_filter    record;
BEGIN
    SELECT p.* INTO v_prot FROM mask.protected p
     WHERE p.policy_id = _reconcile.policy_id AND p.relation = _reconcile.relation
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN '{}';
    END IF;

    v_name := mask_internal._relation_name(v_prot.relation);
    IF v_name IS NULL THEN
        DELETE FROM mask.protected p
         WHERE p.policy_id = _reconcile.policy_id AND p.relation = _reconcile.relation;
        RETURN pg_catalog.jsonb_build_object('table_dropped', v_prot.relation_name);
    END IF;
    IF v_name <> v_prot.relation_name THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object(
            'table_renamed', pg_catalog.jsonb_build_object('from', v_prot.relation_name, 'to', v_name));
    END IF;

    v_current := mask_internal._columns_snapshot(v_prot.relation);
    v_columns := mask_internal._column_changes(v_prot.columns, v_current, _reconcile.renames);
    v_renames := v_columns -> 'renamed';
    v_recheck := v_renames <> '{}' OR v_columns -> 'dropped' <> '[]' OR _reconcile.revalidate;
    v_orphaned := mask_internal._reconcile_rules(v_prot.policy_id, v_prot.relation, v_current,
                                                 v_renames, v_recheck);

    IF v_prot.row_filter IS NOT NULL AND v_recheck THEN
        v_filter := mask_internal._reconcile_row_filter(v_prot, v_renames);
        IF v_filter.row_filter IS DISTINCT FROM v_prot.row_filter THEN
            v_changes := v_changes || pg_catalog.jsonb_build_object(
                'row_filter_rewritten', pg_catalog.jsonb_build_object('from', v_prot.row_filter,
                                                                      'to', v_filter.row_filter));
        END IF;
        v_prot.row_filter := v_filter.row_filter;
        v_prot.row_filter_sql := v_filter.row_filter_sql;
    END IF;

    UPDATE mask.protected p
       SET relation_name = v_name, columns = v_current,
           row_filter = v_prot.row_filter, row_filter_sql = v_prot.row_filter_sql
     WHERE p.policy_id = _reconcile.policy_id AND p.relation = _reconcile.relation
       AND (p.relation_name, p.columns, p.row_filter, p.row_filter_sql)
           IS DISTINCT FROM (v_name, v_current, v_prot.row_filter, v_prot.row_filter_sql);

    IF v_renames <> '{}' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('columns_renamed', v_renames);
    END IF;
    IF v_columns -> 'dropped' <> '[]' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('columns_dropped', v_columns -> 'dropped');
    END IF;
    IF v_columns -> 'added' <> '[]' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('columns_added', v_columns -> 'added');
    END IF;
    IF v_orphaned <> '{}' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('rules_orphaned', pg_catalog.to_jsonb(v_orphaned));
    END IF;
    RETURN v_changes;
END;
$$;

COMMENT ON FUNCTION mask_internal._reconcile(integer, regclass, jsonb, boolean) IS
'Internal: brings the catalog entry of a protected table up to date (columns by name; renames only as passed in by the event trigger), orphaning rules that no longer apply, and returns what changed.';


-- What an API call's audit row adds about DDL it followed on the way (the
-- result of mask_internal._reconcile): {"followed": ...}, or nothing.
CREATE FUNCTION mask_internal._followed(changes jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN changes IS NOT NULL AND changes <> '{}'
                THEN pg_catalog.jsonb_build_object('followed', changes) ELSE '{}'::jsonb END
$$;

COMMENT ON FUNCTION mask_internal._followed(jsonb) IS
'Internal: the audit details an API call adds for the DDL its reconciliation followed, or an empty object.';
