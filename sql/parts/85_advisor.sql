-- ---------------------------------------------------------------------------
-- mask.advise(), mask.apply_advice(): the least masking that makes every
-- group of rows at least k rows (k-anonymity), found inside the database.
--
-- Each quasi-identifier column has a generalisation hierarchy: a list of rule
-- expressions from the least general (PASS) to the most general (NULL), each
-- level a function of the one below (cn_address keeps a shorter prefix,
-- generalize() a wider band), so that going up a level only merges groups.
-- A node of the lattice is one level per column; a node is k-anonymous when
-- the rows in groups smaller than k (grouped by the node's expressions) are
-- at most max_suppressed of all rows.  Merging groups never creates a small
-- group, so anonymity is monotone: every generalisation of an anonymous node
-- is anonymous, every specialisation of a non-anonymous node is not.
--
-- The search (Flash-style, after Kohlmayer et al. 2012): take the lowest
-- node not yet classified, build a chain upwards through unclassified nodes,
-- binary-search the chain for its lowest anonymous node, and tag the whole
-- up-set of every anonymous node evaluated as anonymous and the down-set of
-- every non-anonymous one as not (predictive tagging).  Each evaluation is one
-- aggregate query over the raw table (GROUP BY the node's expressions, under
-- the policy's row filter) that returns counts only.  The minimal anonymous
-- nodes are then evaluated (if the search only inferred them) for their
-- metrics and returned best first by discernibility (README: Advisor).
--
-- Runs as the extension owner (SECURITY DEFINER) so that an auditor, who may
-- not read the raw table, gets the counts; it returns rule expressions and
-- counts, never a value, and an error raised while evaluating (a cast in a
-- custom level failing on a value would quote it) is re-raised without its
-- message.  Every call is audited.  EXECUTE: admins and auditors only
-- (52_api_roles.sql); apply_advice: admins only.
-- This file: the hierarchies and the evaluation of one node; the search is
-- mask.advise() (85_advisor_advise.sql), applying its result
-- mask.apply_advice() (85_advisor_apply.sql).  ASCII only, like the rest of
-- the install script.
-- ---------------------------------------------------------------------------

-- The built-in hierarchies, least general level first; {col} stands for the
-- quoted column name.  Each level is a function of the level below it.
CREATE FUNCTION mask.advisor_hierarchies()
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT '{
      "address":   ["PASS",
                    "mask.cn_address({col}, ''room'')",
                    "mask.cn_address({col}, ''floor'')",
                    "mask.cn_address({col}, ''unit'')",
                    "mask.cn_address({col}, ''building'')",
                    "mask.cn_address({col}, ''community'')",
                    "mask.cn_address({col}, ''road'')",
                    "mask.cn_address({col}, ''town'')",
                    "mask.cn_address({col}, ''district'')",
                    "mask.cn_address({col}, ''city'')",
                    "mask.cn_address({col}, ''province'')",
                    "NULL"],
      "name":      ["PASS",
                    "mask.cn_name({col}, ''*'', ''surname'')",
                    "mask.cn_name({col}, ''*'', ''surname'', 2)",
                    "NULL"],
      "amount":    ["PASS",
                    "mask.generalize({col}, 1::numeric)",
                    "mask.generalize({col}, 10::numeric)",
                    "mask.generalize({col}, 50::numeric)",
                    "mask.generalize({col}, 100::numeric)",
                    "mask.generalize({col}, 500::numeric)",
                    "mask.generalize({col}, 1000::numeric)",
                    "NULL"],
      "date":      ["PASS",
                    "mask.generalize({col}, ''month'')",
                    "mask.generalize({col}, ''quarter'')",
                    "mask.generalize({col}, ''year'')",
                    "NULL"],
      "phone":     ["PASS", "mask.cn_phone({col})", "NULL"],
      "id_card":   ["PASS",
                    "mask.cn_id_card({col}, 6, 4)",
                    "mask.cn_id_card({col}, 1, 1)",
                    "mask.cn_id_card({col}, 0, 0)",
                    "NULL"],
      "email":     ["PASS", "mask.email({col})", "NULL"],
      "bank_card": ["PASS", "mask.bank_card({col})", "NULL"],
      "text":      ["PASS", "NULL"]
    }'::jsonb
$$;

COMMENT ON FUNCTION mask.advisor_hierarchies() IS
'The built-in generalisation hierarchies of mask.advise(): name -> rule expressions from least to most general, {col} standing for the column. Extend them by passing your own arrays in advise(hierarchies => ...).';


-- advise() evaluates levels as the extension owner (a superuser in most
-- installations), whereas a masked view runs them as the table's owner.  A
-- trusted function owned by a role that is not a superuser could be
-- redefined by that role and would then run its code with the extension
-- owner's rights: a level that names one is refused.  The check is by name
-- (fail closed: a function of the same name elsewhere is refused too).
-- level NULL: a rule of apply_advice().
CREATE FUNCTION mask_internal._advise_check_functions(expression text, col name, level integer)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_func text;
BEGIN
    SELECT t.func INTO v_func
      FROM mask.trusted_function t
      JOIN pg_catalog.pg_proc p ON p.oid = pg_catalog.to_regprocedure(t.func)
      JOIN pg_catalog.pg_roles r ON r.oid = p.proowner
     WHERE NOT r.rolsuper
       AND pg_catalog.strpos(pg_catalog.lower(expression), pg_catalog.lower(p.proname::text)) > 0
     ORDER BY 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% calls a function not owned by a superuser',
                        CASE WHEN level IS NULL THEN 'the rule of column ' || pg_catalog.quote_ident(col)
                             ELSE pg_catalog.format('level %s of the hierarchy of column %s', level,
                                                    pg_catalog.quote_ident(col)) END
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The advisor evaluates levels with the extension owner''s rights, and %s is owned by a role that could redefine it.', v_func),
                  HINT = 'Mark the column "fixed" at a rule without that function, or have a superuser own the function.';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_check_functions(text, name, integer) IS
'Internal: refuses an advisor level naming a trusted function that is not owned by a superuser (the advisor runs levels as the extension owner).';


-- The hierarchies a column of advise() can name: the built-in ones and the
-- named ones of its hierarchies argument (keys that are not
-- quasi-identifiers, each an array), or 22023.
CREATE FUNCTION mask_internal._advise_hierarchies(quasi_identifiers name[], hierarchies jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_known jsonb := mask.advisor_hierarchies();
    v_key   text;
BEGIN
    IF hierarchies IS NOT NULL AND pg_catalog.jsonb_typeof(hierarchies) <> 'object' THEN
        RAISE EXCEPTION 'hierarchies must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Map a column to a built-in hierarchy name, "fixed", "hidden", or an array of rule expressions.';
    END IF;
    FOR v_key IN SELECT pg_catalog.jsonb_object_keys(COALESCE(hierarchies, '{}')) LOOP
        IF v_key <> ALL (quasi_identifiers::text[]) THEN
            IF pg_catalog.jsonb_typeof(hierarchies -> v_key) <> 'array' THEN
                RAISE EXCEPTION 'hierarchies names a column that is not a quasi-identifier'
                    USING ERRCODE = 'invalid_parameter_value',
                          DETAIL = pg_catalog.format('Key %s is not in quasi_identifiers, and only an array (a named hierarchy) may be given for other keys.',
                                                     pg_catalog.quote_ident(v_key));
            END IF;
            v_known := v_known || pg_catalog.jsonb_build_object(v_key, hierarchies -> v_key);
        END IF;
    END LOOP;
    RETURN v_known;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_hierarchies(name[], jsonb) IS
'Internal: the built-in hierarchies of mask.advise() and the named ones its hierarchies argument adds.';


-- The hierarchy of a quasi-identifier that hierarchies does not map: by the
-- column's type, then by the column-name dictionary of detect(), else
-- "text"; known is what _advise_hierarchies returned.
CREATE FUNCTION mask_internal._advise_default_hierarchy(relation regclass, col name, known jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.to_jsonb(CASE
        WHEN t.typ = 'date'::regtype THEN 'date'
        WHEN t.typ IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype,
                       'numeric'::regtype, 'real'::regtype, 'double precision'::regtype)
            THEN 'amount'
        ELSE COALESCE((SELECT h FROM pg_catalog.unnest(mask_internal._detect_name_hints(col)) h
                        WHERE known ? h LIMIT 1), 'text') END)
      FROM (SELECT (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = relation AND a.attname = col
                       AND a.attnum > 0 AND NOT a.attisdropped) AS typ) t
$$;

COMMENT ON FUNCTION mask_internal._advise_default_hierarchy(regclass, name, jsonb) IS
'Internal: the hierarchy mask.advise() uses for a quasi-identifier the caller did not map: by type, then by column name.';


-- The one level of a column marked "fixed" (its current rule) or "hidden"
-- (no rule): the expression apply_advice writes and the SQL to group by.
CREATE FUNCTION mask_internal._advise_fixed_level(policy_id integer, relation regclass, col name, fixed boolean,
                                                  OUT expression text, OUT group_sql text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rule mask.rule;
BEGIN
    IF fixed THEN
        SELECT r.* INTO v_rule FROM mask.rule r
         WHERE r.policy_id = _advise_fixed_level.policy_id AND r.relation = _advise_fixed_level.relation
           AND r.column_name = col AND NOT r.orphaned;
    END IF;
    expression := CASE v_rule.action WHEN 'pass' THEN 'PASS' WHEN 'null' THEN 'NULL'
                                     WHEN 'mask' THEN v_rule.expression END;
    IF v_rule.action = 'mask' THEN
        PERFORM mask_internal._advise_check_functions(v_rule.expression, col, 0);
    END IF;
    group_sql := CASE WHEN expression IS NULL OR expression = 'NULL' THEN NULL
                      WHEN expression = 'PASS' THEN pg_catalog.quote_ident(col)
                      ELSE v_rule.expression_sql END;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_fixed_level(integer, regclass, name, boolean) IS
'Internal: the single level of a quasi-identifier mask.advise() keeps at its current rule (fixed) or hidden.';


-- The levels (rule expressions, {col} for the column) of the hierarchy
-- spec of column col: a name among known, or an array of strings; 22023
-- otherwise.
CREATE FUNCTION mask_internal._advise_level_list(col name, spec jsonb, known jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.jsonb_typeof(spec) = 'string' THEN
        IF NOT known ? (spec #>> '{}') THEN
            RAISE EXCEPTION 'unknown hierarchy for column %', pg_catalog.quote_ident(col)
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = pg_catalog.format('%s is neither a built-in or named hierarchy nor "fixed" or "hidden".', spec),
                      HINT = 'The built-in hierarchies are the keys of mask.advisor_hierarchies(); name your own with another key of hierarchies.';
        END IF;
        RETURN known -> (spec #>> '{}');
    ELSIF pg_catalog.jsonb_typeof(spec) = 'array' AND pg_catalog.jsonb_array_length(spec) > 0
          AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(spec) e
                           WHERE pg_catalog.jsonb_typeof(e) <> 'string') THEN
        RETURN spec;
    END IF;
    RAISE EXCEPTION 'hierarchy of column % must be a name or a non-empty array of rule expressions',
                    pg_catalog.quote_ident(col)
        USING ERRCODE = 'invalid_parameter_value';
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_level_list(name, jsonb, jsonb) IS
'Internal: the rule expressions of a quasi-identifier''s hierarchy as mask.advise() was given it (a name or an array), or invalid_parameter_value.';


-- Level number level of column col (rule: the level's text, {col} standing
-- for the column): the expression apply_advice writes and the SQL to group
-- by, which the rule validator rebuilt exactly as set_rule would take it
-- (NULL for the constant level, which splits no group).  22023 for a rule
-- the validator refuses.
CREATE FUNCTION mask_internal._advise_level(policy_id integer, relation regclass, col name, level integer,
                                            rule text, OUT expression text, OUT group_sql text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_detail text;
BEGIN
    expression := pg_catalog.replace(rule, '{col}', pg_catalog.quote_ident(col));
    CASE pg_catalog.upper(pg_catalog.btrim(expression))
        WHEN 'PASS' THEN expression := 'PASS'; group_sql := pg_catalog.quote_ident(col);
        WHEN 'NULL' THEN expression := 'NULL'; group_sql := NULL;
        ELSE
            PERFORM mask_internal._advise_check_functions(expression, col, level);
            BEGIN
                group_sql := mask_internal._validate_rule(expression, _advise_level.relation,
                                                          _advise_level.policy_id);
            EXCEPTION WHEN invalid_parameter_value THEN
                -- The validator's messages name the expression, never a value.
                GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
                RAISE EXCEPTION 'level % of the hierarchy of column % is not a valid rule', level,
                                pg_catalog.quote_ident(col)
                    USING ERRCODE = 'invalid_parameter_value',
                          DETAIL = SQLERRM || COALESCE(': ' || NULLIF(v_detail, ''), '');
            END;
    END CASE;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_level(integer, regclass, name, integer, text) IS
'Internal: one generalisation level of mask.advise(): its rule expression and the validated SQL it groups by.';


-- The levels of every quasi-identifier: (column position, column, level,
-- the rule expression as apply_advice writes it, the SQL to group by; NULL
-- for a constant level, which does not split groups).  Every expression goes
-- through the rule validator, exactly as set_rule would take it, and the SQL
-- evaluated is what the validator rebuilt.  Refusals raise 22023.
CREATE FUNCTION mask_internal._advise_levels(policy_id integer, relation regclass,
                                    quasi_identifiers name[], hierarchies jsonb)
RETURNS TABLE (col_ord integer, col name, level integer, expression text, group_sql text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_known  jsonb := mask_internal._advise_hierarchies(quasi_identifiers, hierarchies);
    v_spec   jsonb;
    v_levels jsonb;
BEGIN
    FOR v_ord IN 1 .. COALESCE(pg_catalog.cardinality(quasi_identifiers), 0) LOOP
        col_ord := v_ord;
        col := quasi_identifiers[v_ord];
        v_spec := COALESCE(hierarchies -> col::text,
                           mask_internal._advise_default_hierarchy(_advise_levels.relation, col, v_known));
        IF v_spec = '"fixed"' OR v_spec = '"hidden"' THEN
            level := 0;
            SELECT f.expression, f.group_sql INTO expression, group_sql
              FROM mask_internal._advise_fixed_level(_advise_levels.policy_id, _advise_levels.relation,
                                                     col, v_spec = '"fixed"') f;
            RETURN NEXT;
            CONTINUE;
        END IF;
        v_levels := mask_internal._advise_level_list(col, v_spec, v_known);
        FOR v_i IN 0 .. pg_catalog.jsonb_array_length(v_levels) - 1 LOOP
            level := v_i;
            SELECT l.expression, l.group_sql INTO expression, group_sql
              FROM mask_internal._advise_level(_advise_levels.policy_id, _advise_levels.relation,
                                               col, v_i, v_levels ->> v_i) l;
            RETURN NEXT;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_levels(integer, regclass, name[], jsonb) IS
'Internal: the generalisation levels of each quasi-identifier of mask.advise(), every expression validated as a rule.';


-- The protected table advise() and apply_advice() work on: the relation
-- itself, or the table behind a masked view of the policy (an auditor may
-- not even name the raw table: it lacks USAGE on its schema).  22023 if
-- neither.
CREATE FUNCTION mask_internal._advise_target(policy mask.policy, relation regclass)
RETURNS mask.protected
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot mask.protected;
BEGIN
    SELECT t.* INTO v_prot
      FROM mask.protected t
      JOIN pg_catalog.pg_class c ON c.relname = t.view_name
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE t.policy_id = (_advise_target.policy).id
       AND n.nspname = (_advise_target.policy).view_schema
       AND c.oid = _advise_target.relation AND c.relkind = 'v';
    IF FOUND THEN
        RETURN v_prot;
    END IF;
    RETURN mask_internal._protected(_advise_target.policy, _advise_target.relation);
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_target(mask.policy, regclass) IS
'Internal: the protected table named directly or through its masked view of the policy, or invalid_parameter_value.';


-- One node: one aggregate query over the raw table, counts only.  Returns
-- the number of groups of at least k rows, the smallest of them, the rows in
-- groups below k, all rows, and the discernibility sum over the kept groups
-- (sum of size squared).  Errors are re-raised without their message.
CREATE FUNCTION mask_internal._advise_eval(from_sql text, filter_sql text, group_sql text, k integer,
                                  OUT groups bigint, OUT min_group bigint, OUT rows_small bigint,
                                  OUT total bigint, OUT dm_kept numeric, OUT min_all bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_state text;
BEGIN
    BEGIN
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.count(*) FILTER (WHERE g.n >= $1),'
            ' pg_catalog.min(g.n) FILTER (WHERE g.n >= $1),'
            ' COALESCE(pg_catalog.sum(g.n) FILTER (WHERE g.n < $1), 0)::bigint,'
            ' COALESCE(pg_catalog.sum(g.n), 0)::bigint,'
            ' COALESCE(pg_catalog.sum(g.n::numeric * g.n) FILTER (WHERE g.n >= $1), 0),'
            ' pg_catalog.min(g.n)'
            ' FROM (SELECT pg_catalog.count(*) AS n FROM %s%s GROUP BY %s) g WHERE g.n > 0',
            from_sql, COALESCE(' WHERE (' || filter_sql || ')', ''), COALESCE(group_sql, '()'))
            INTO groups, min_group, rows_small, total, dm_kept, min_all
            USING k;
    EXCEPTION WHEN OTHERS THEN
        -- The message of an error raised by the data (a cast in a custom
        -- level, say) may quote a raw value: keep the code, drop the text.
        v_state := SQLSTATE;
        RAISE EXCEPTION 'a generalisation level failed on the data of the table (SQLSTATE %)', v_state
            USING ERRCODE = v_state,
                  DETAIL = 'The original error message is withheld: it may quote a value of the table.',
                  HINT = 'Check the expressions of the hierarchies; casts can fail on some values.';
    END;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_eval(text, text, text, integer) IS
'Internal: evaluates one node of the advisor''s lattice with one aggregate query; counts only, error messages withheld.';


-- Evaluates node idx of the lattice (levels in mixed radix: level of column
-- i = idx / stride[i] % h[i]; the group SQL of level l of column i is
-- group_sqls[off[i] + l + 1]) with mask_internal._advise_eval: its figures
-- as a JSON object (groups, min_group, rows_small, total, dm_kept, min_all).
CREATE FUNCTION mask_internal._advise_node(from_sql text, filter_sql text, group_sqls text[], off integer[],
                                           h integer[], stride integer[], idx integer, k integer)
RETURNS jsonb
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.to_jsonb(e)
      FROM mask_internal._advise_eval(from_sql, filter_sql,
               (SELECT pg_catalog.string_agg(group_sqls[off[i] + (idx / stride[i]) % h[i] + 1], ', ' ORDER BY i)
                  FROM pg_catalog.generate_series(1, pg_catalog.cardinality(h)) i), k) e
$$;

COMMENT ON FUNCTION mask_internal._advise_node(text, text, text[], integer[], integer[], integer[], integer, integer) IS
'Internal: the figures of one node of the advisor''s lattice (one aggregate query, counts only), as a JSON object.';
