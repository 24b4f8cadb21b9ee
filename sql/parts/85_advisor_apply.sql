-- ---------------------------------------------------------------------------
-- mask.apply_advice(): writes a rule set of mask.advise() (85_advisor.sql,
-- 85_advisor_advise.sql) into the policy through the policy API.
-- ---------------------------------------------------------------------------

-- Writes a rule set advise() returned (its rules column) into the policy
-- with set_rule (drop_rule for a column given as JSON null), in the caller's
-- transaction, so all of it or nothing.  With k, the rule set is measured
-- first: rows left in groups smaller than k are refused unless suppress is
-- true, which adds them to the table's row filter as an exclusion list of
-- primary-key values (the only form of "not in a small group" a row filter
-- can express: it may not read other rows; README: Advisor).
-- Step 1 of apply_advice(): checks every rule of a rule set (rules, as
-- advise() returns it) against the table and returns the SQL its groups are
-- counted by (PASS columns and the masks; hidden and NULL columns group
-- nothing).  Nothing is written.
CREATE FUNCTION mask_internal._apply_advice_groups(policy mask.policy, prot mask.protected, rules jsonb,
                                                   k integer)
RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_col   text;
    v_val   jsonb;
    v_expr  text;
    v_group text[] := '{}';
BEGIN
    FOR v_col, v_val IN SELECT e.key, e.value FROM pg_catalog.jsonb_each(rules) e ORDER BY e.key LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = prot.relation AND a.attname = v_col
                          AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'column "%" of table % does not exist', v_col, prot.relation
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF pg_catalog.jsonb_typeof(v_val) NOT IN ('string', 'null') THEN
            RAISE EXCEPTION 'rule of column % must be a string or null', pg_catalog.quote_ident(v_col)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_expr := v_val #>> '{}';
        IF v_expr IS NULL OR pg_catalog.upper(pg_catalog.btrim(v_expr)) = 'NULL' THEN
            NULL;  -- hidden or NULL: no grouping column
        ELSIF pg_catalog.upper(pg_catalog.btrim(v_expr)) = 'PASS' THEN
            v_group := v_group || pg_catalog.quote_ident(v_col);
        ELSE
            -- Measured as the extension owner, like advise()'s levels.
            IF k IS NOT NULL THEN
                PERFORM mask_internal._advise_check_functions(v_expr, v_col::name, NULL);
            END IF;
            v_group := v_group || mask_internal._validate_rule(v_expr, prot.relation, policy.id);
        END IF;
    END LOOP;
    RETURN v_group;
END;
$$;

COMMENT ON FUNCTION mask_internal._apply_advice_groups(mask.policy, mask.protected, jsonb, integer) IS
'Internal: apply_advice()''s check of a rule set; returns the SQL its groups are counted by.';


-- Step 2 of apply_advice() with suppress: the row filter that excludes the
-- rows in groups smaller than k (grouped by group_sql) by their single-column
-- primary key, which the members must already see as it is (PASS, now or in
-- rules): the filter's constants are visible to them (pg_get_viewdef).
CREATE FUNCTION mask_internal._apply_advice_suppression(policy mask.policy, prot mask.protected, rules jsonb,
                                                        group_sql text[], k integer)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pk     name;
    v_pktype text;
    v_ids    text;
BEGIN
    SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) INTO v_pk, v_pktype
      FROM pg_catalog.pg_constraint co
      JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1]
     WHERE co.conrelid = prot.relation AND co.contype = 'p'
       AND pg_catalog.cardinality(co.conkey) = 1;
    IF v_pk IS NULL THEN
        RAISE EXCEPTION 'suppression needs a single-column primary key on %', prot.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The suppressed rows are excluded by their key in the row filter.';
    END IF;
    IF NOT EXISTS (SELECT FROM mask.rule r
                    WHERE r.policy_id = policy.id AND r.relation = prot.relation
                      AND r.column_name = v_pk AND r.action = 'pass' AND NOT r.orphaned)
       AND NOT (rules ? v_pk::text AND pg_catalog.upper(pg_catalog.btrim(rules ->> v_pk::text)) = 'PASS') THEN
        RAISE EXCEPTION 'suppression would show members raw values of column %', pg_catalog.quote_ident(v_pk)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The suppressed rows are excluded by their primary key %s in the row filter, which members can read in the view definition, and the policy does not show %s as it is (PASS).',
                                             pg_catalog.quote_ident(v_pk), pg_catalog.quote_ident(v_pk)),
                  HINT = 'Choose advice with no rows suppressed (max_suppressed => 0), or suppress by hand with a row filter of your own.';
    END IF;
    EXECUTE pg_catalog.format(
        'SELECT pg_catalog.array_agg(s.pk ORDER BY s.pk)::text FROM'
        ' (SELECT t.%I AS pk, pg_catalog.count(*) OVER (PARTITION BY %s) AS n FROM %s t%s) s'
        ' WHERE s.n < $1',
        v_pk, COALESCE(NULLIF(pg_catalog.array_to_string(group_sql, ', '), ''), 'NULL'),
        mask_internal._relation_name(prot.relation),
        COALESCE(' WHERE (' || prot.row_filter_sql || ')', ''))
        INTO v_ids USING k;
    RETURN COALESCE('(' || prot.row_filter || ') AND ', '')
           || pg_catalog.format('%I <> ALL (%L::%s[])', v_pk, v_ids, v_pktype);
END;
$$;

COMMENT ON FUNCTION mask_internal._apply_advice_suppression(mask.policy, mask.protected, jsonb, text[], integer) IS
'Internal: the row filter apply_advice() sets to suppress the rows in groups smaller than k, by primary key.';


CREATE FUNCTION mask.apply_advice(policy name, relation regclass, rules jsonb, k integer DEFAULT NULL,
                                  suppress boolean DEFAULT false, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy  mask.policy;
    v_prot    mask.protected;
    v_col     text;
    v_val     jsonb;
    v_group   text[];
    v_expr    text;
    v_e       record;
    v_rule    mask.rule;
    v_filter  text;
    v_changed integer := 0;
    v_reason  text;
    v_suppressed bigint := 0;
    v_min_group  bigint;
BEGIN
    v_policy := mask_internal._policy(apply_advice.policy);
    v_prot := mask_internal._advise_target(v_policy, apply_advice.relation);
    IF rules IS NULL OR pg_catalog.jsonb_typeof(rules) <> 'object' OR rules = '{}' THEN
        RAISE EXCEPTION 'rules must be a non-empty JSON object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the rules column of a row of mask.advise(): {"column": "rule expression", ...}.';
    END IF;
    IF k IS NOT NULL AND k < 1 THEN
        RAISE EXCEPTION 'k must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF suppress IS NULL OR (suppress AND k IS NULL) THEN
        RAISE EXCEPTION 'suppression needs k'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the k the advice was computed for.';
    END IF;

    -- Everything is checked (and, with k, measured) before anything is written.
    v_group := mask_internal._apply_advice_groups(v_policy, v_prot, rules, k);
    IF k IS NOT NULL THEN
        v_e := mask_internal._advise_eval(mask_internal._relation_name(v_prot.relation), v_prot.row_filter_sql,
                                 NULLIF(pg_catalog.array_to_string(v_group, ', '), ''), k);
        v_min_group := v_e.min_group;
        IF v_e.rows_small > 0 AND NOT suppress THEN
            RAISE EXCEPTION 'these rules leave % rows in groups smaller than k = %', v_e.rows_small, k
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Pass suppress => true to hide those rows with the row filter, or choose advice with no rows suppressed.';
        END IF;
        IF v_e.rows_small > 0 THEN
            v_filter := mask_internal._apply_advice_suppression(v_policy, v_prot, rules, v_group, k);
            v_suppressed := v_e.rows_small;
        END IF;
    END IF;

    v_reason := COALESCE(reason, pg_catalog.format('mask.apply_advice%s',
                                                   CASE WHEN k IS NOT NULL THEN pg_catalog.format(' (k = %s)', k) ELSE '' END));
    FOR v_col, v_val IN SELECT e.key, e.value FROM pg_catalog.jsonb_each(rules) e ORDER BY e.key LOOP
        v_expr := v_val #>> '{}';
        SELECT r.* INTO v_rule FROM mask.rule r
         WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation AND r.column_name = v_col
           AND NOT r.orphaned;
        IF v_expr IS NULL THEN
            IF v_rule.column_name IS NOT NULL THEN
                PERFORM mask.drop_rule(v_policy.name, v_prot.relation, v_col);
                v_changed := v_changed + 1;
            END IF;
        ELSIF v_rule.column_name IS NULL
              OR v_rule.expression IS DISTINCT FROM v_expr THEN
            PERFORM mask.set_rule(v_policy.name, v_prot.relation, v_col, v_expr, v_reason);
            v_changed := v_changed + 1;
        END IF;
    END LOOP;
    IF v_filter IS NOT NULL THEN
        PERFORM mask.protect(v_policy.name, v_prot.relation, v_filter, v_prot.view_name);
    END IF;

    PERFORM mask_internal._audit('apply_advice', v_policy.name, mask_internal._relation_name(v_prot.relation),
        pg_catalog.jsonb_build_object('rules', rules, 'k', k, 'suppress', suppress,
                                      'rules_changed', v_changed,
                                      'rows_suppressed', v_suppressed,
                                      'min_group_size', v_min_group));
END;
$$;

COMMENT ON FUNCTION mask.apply_advice(name, regclass, jsonb, integer, boolean, text) IS
'Writes a rule set from mask.advise() into a policy with set_rule/drop_rule, all in one transaction. With k, measures it first and refuses if rows remain in groups smaller than k, unless suppress => true, which excludes those rows by primary key in the row filter. Admins only; audited.';
