-- ---------------------------------------------------------------------------
-- Policy API: the rules of a protected table's columns (conventions of the
-- API: 50_api_policy.sql).
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask.set_rule(policy name, relation regclass, column_name name, expression text,
                              reason text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy   mask.policy;
    v_prot     mask.protected;
    v_action   text;
    v_sql      text;
    v_old      mask.rule;
    v_followed jsonb;
    v_prev     text;
BEGIN
    v_policy := mask_internal._policy(set_rule.policy);
    v_prot := mask_internal._protected(v_policy, set_rule.relation);
    v_prev := mask_internal._internal_begin();
    -- Column names and the validator must see the table as it is now.
    v_followed := mask_internal._reconcile(v_policy.id, v_prot.relation);

    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = v_prot.relation AND a.attname = set_rule.column_name
                      AND a.attnum > 0 AND NOT a.attisdropped) THEN
        RAISE EXCEPTION 'column "%" of table % does not exist', set_rule.column_name, v_prot.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Table %s has no column named %s.', v_prot.relation,
                                             pg_catalog.quote_ident(set_rule.column_name));
    END IF;
    IF set_rule.expression IS NULL THEN
        RAISE EXCEPTION 'rule expression for column "%" must not be NULL', set_rule.column_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Write PASS, NULL (as text) or a masking expression; mask.drop_rule() hides the column again.';
    END IF;

    CASE pg_catalog.upper(pg_catalog.btrim(set_rule.expression))
        WHEN 'PASS' THEN v_action := 'pass';
        WHEN 'NULL' THEN v_action := 'null';
        ELSE
            v_action := 'mask';
            v_sql := mask_internal._validate_rule(set_rule.expression, v_prot.relation, v_policy.id);
    END CASE;
    -- PASS and masks publish the column: only one the caller could read.
    IF v_action <> 'null' THEN
        PERFORM mask_internal._caller_must_read(v_prot.relation,
                                       ARRAY[set_rule.column_name] || mask_internal._sql_columns(v_prot.relation, v_sql),
                                       'set a rule on');
    END IF;

    SELECT r.* INTO v_old FROM mask.rule r
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
       AND r.column_name = set_rule.column_name;
    INSERT INTO mask.rule AS r (policy_id, relation, column_name, action,
                                expression, expression_sql, reason)
    VALUES (v_policy.id, v_prot.relation, set_rule.column_name, v_action,
            set_rule.expression, v_sql, set_rule.reason)
    ON CONFLICT ON CONSTRAINT rule_pkey DO UPDATE
        SET action = EXCLUDED.action,
            expression = EXCLUDED.expression,
            expression_sql = EXCLUDED.expression_sql,
            reason = EXCLUDED.reason,
            orphaned = false,
            set_by = session_user,
            set_at = pg_catalog.now();
    PERFORM mask_internal._regenerate_policy(v_policy.id, v_prot.relation);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('set_rule', v_policy.name,
        pg_catalog.format('%s.%I', mask_internal._relation_name(v_prot.relation), set_rule.column_name),
        pg_catalog.jsonb_build_object('action', v_action, 'expression', set_rule.expression,
                                      'reason', set_rule.reason,
                                      'previous', CASE WHEN v_old.column_name IS NOT NULL THEN
                                          pg_catalog.jsonb_build_object('action', v_old.action,
                                                                        'expression', v_old.expression) END)
        || mask_internal._followed(v_followed));
END;
$$;

COMMENT ON FUNCTION mask.set_rule(name, regclass, name, text, text) IS
'Sets how a column appears in the masked view: PASS (as is), NULL (typed NULL) or a validated masking expression; mask.pseudonym(col) uses the policy''s key.';


CREATE FUNCTION mask.drop_rule(policy name, relation regclass, column_name name)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_prot   mask.protected;
    v_rule   mask.rule;
    v_prev   text;
BEGIN
    v_policy := mask_internal._policy(drop_rule.policy);
    v_prot := mask_internal._protected(v_policy, drop_rule.relation);
    v_prev := mask_internal._internal_begin();
    PERFORM mask_internal._reconcile(v_policy.id, v_prot.relation);

    -- The rule of that column name, live or orphaned (columns are
    -- identified by name, so there is at most one).
    SELECT r.* INTO v_rule FROM mask.rule r
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
       AND r.column_name = drop_rule.column_name;
    IF v_rule.column_name IS NULL THEN
        RAISE EXCEPTION 'column "%" of table % has no rule in policy "%"', drop_rule.column_name,
                        v_prot.relation, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A column without a rule is already hidden.';
    END IF;

    DELETE FROM mask.rule r
     WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
       AND r.column_name = v_rule.column_name;
    PERFORM mask_internal._regenerate_policy(v_policy.id, v_prot.relation);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('drop_rule', v_policy.name,
        pg_catalog.format('%s.%I', mask_internal._relation_name(v_prot.relation), v_rule.column_name),
        pg_catalog.jsonb_build_object('action', v_rule.action, 'expression', v_rule.expression,
                                      'orphaned', v_rule.orphaned));
END;
$$;

COMMENT ON FUNCTION mask.drop_rule(name, regclass, name) IS
'Removes a column''s rule, which hides the column from the masked view again (also removes orphaned rules of dropped columns).';
