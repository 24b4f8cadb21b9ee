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
-- This file is ASCII only, like the rest of the install script.
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
    v_builtin jsonb := mask.advisor_hierarchies();
    v_col     name;
    v_ord     integer := 0;
    v_spec    jsonb;
    v_levels  jsonb;
    v_type    oid;
    v_hint    text;
    v_rule    mask.rule;
    v_expr    text;
    v_i       integer;
    v_key     text;
    v_detail  text;
BEGIN
    IF hierarchies IS NOT NULL AND pg_catalog.jsonb_typeof(hierarchies) <> 'object' THEN
        RAISE EXCEPTION 'hierarchies must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Map a column to a built-in hierarchy name, "fixed", "hidden", or an array of rule expressions.';
    END IF;
    -- Keys that are not quasi-identifiers define named hierarchies (arrays),
    -- which columns can then name like the built-in ones.
    FOR v_key IN SELECT pg_catalog.jsonb_object_keys(COALESCE(hierarchies, '{}')) LOOP
        IF v_key <> ALL (quasi_identifiers::text[]) THEN
            IF pg_catalog.jsonb_typeof(hierarchies -> v_key) <> 'array' THEN
                RAISE EXCEPTION 'hierarchies names a column that is not a quasi-identifier'
                    USING ERRCODE = 'invalid_parameter_value',
                          DETAIL = pg_catalog.format('Key %s is not in quasi_identifiers, and only an array (a named hierarchy) may be given for other keys.',
                                                     pg_catalog.quote_ident(v_key));
            END IF;
            v_builtin := v_builtin || pg_catalog.jsonb_build_object(v_key, hierarchies -> v_key);
        END IF;
    END LOOP;

    FOREACH v_col IN ARRAY quasi_identifiers LOOP
        v_ord := v_ord + 1;
        SELECT a.atttypid INTO v_type FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = _advise_levels.relation AND a.attname = v_col
           AND a.attnum > 0 AND NOT a.attisdropped;
        v_spec := hierarchies -> v_col::text;
        IF v_spec IS NULL THEN
            -- Defaults: by type, then by the column-name dictionary of detect().
            v_hint := CASE
                WHEN v_type = 'date'::regtype THEN 'date'
                WHEN v_type IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype,
                                'numeric'::regtype, 'real'::regtype, 'double precision'::regtype)
                    THEN 'amount'
                ELSE COALESCE((SELECT h FROM pg_catalog.unnest(mask_internal._detect_name_hints(v_col)) h
                                WHERE v_builtin ? h LIMIT 1), 'text') END;
            v_spec := pg_catalog.to_jsonb(v_hint);
        END IF;

        IF v_spec = '"fixed"' OR v_spec = '"hidden"' THEN
            -- One level: the column's current rule (fixed), or no rule.
            v_expr := NULL;
            IF v_spec = '"fixed"' THEN
                SELECT r.* INTO v_rule FROM mask.rule r
                 WHERE r.policy_id = _advise_levels.policy_id AND r.relation = _advise_levels.relation
                   AND r.column_name = v_col AND NOT r.orphaned;
                v_expr := CASE v_rule.action WHEN 'pass' THEN 'PASS' WHEN 'null' THEN 'NULL'
                                             WHEN 'mask' THEN v_rule.expression END;
            END IF;
            IF v_rule.action = 'mask' THEN
                PERFORM mask_internal._advise_check_functions(v_rule.expression, v_col, 0);
            END IF;
            col_ord := v_ord; col := v_col; level := 0; expression := v_expr;
            group_sql := CASE WHEN v_expr IS NULL OR v_expr = 'NULL' THEN NULL
                              WHEN v_expr = 'PASS' THEN pg_catalog.quote_ident(v_col)
                              ELSE v_rule.expression_sql END;
            RETURN NEXT;
            CONTINUE;
        END IF;

        IF pg_catalog.jsonb_typeof(v_spec) = 'string' THEN
            v_levels := v_builtin -> (v_spec #>> '{}');
            IF v_levels IS NULL THEN
                RAISE EXCEPTION 'unknown hierarchy for column %', pg_catalog.quote_ident(v_col)
                    USING ERRCODE = 'invalid_parameter_value',
                          DETAIL = pg_catalog.format('%s is neither a built-in or named hierarchy nor "fixed" or "hidden".', v_spec),
                          HINT = 'The built-in hierarchies are the keys of mask.advisor_hierarchies(); name your own with another key of hierarchies.';
            END IF;
        ELSIF pg_catalog.jsonb_typeof(v_spec) = 'array' AND pg_catalog.jsonb_array_length(v_spec) > 0
              AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_spec) e
                               WHERE pg_catalog.jsonb_typeof(e) <> 'string') THEN
            v_levels := v_spec;
        ELSE
            RAISE EXCEPTION 'hierarchy of column % must be a name or a non-empty array of rule expressions',
                            pg_catalog.quote_ident(v_col)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        FOR v_i IN 0 .. pg_catalog.jsonb_array_length(v_levels) - 1 LOOP
            v_expr := pg_catalog.replace(v_levels ->> v_i, '{col}', pg_catalog.quote_ident(v_col));
            col_ord := v_ord; col := v_col; level := v_i; expression := v_expr;
            CASE pg_catalog.upper(pg_catalog.btrim(v_expr))
                WHEN 'PASS' THEN expression := 'PASS'; group_sql := pg_catalog.quote_ident(v_col);
                WHEN 'NULL' THEN expression := 'NULL'; group_sql := NULL;
                ELSE
                    PERFORM mask_internal._advise_check_functions(v_expr, v_col, v_i);
                    BEGIN
                        group_sql := mask_internal._validate_expression(v_expr, _advise_levels.relation, false,
                                                               mask_internal._key_sql(_advise_levels.policy_id));
                    EXCEPTION WHEN invalid_parameter_value THEN
                        -- The validator's messages name the expression, never a value.
                        GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
                        RAISE EXCEPTION 'level % of the hierarchy of column % is not a valid rule', v_i,
                                        pg_catalog.quote_ident(v_col)
                            USING ERRCODE = 'invalid_parameter_value',
                                  DETAIL = SQLERRM || COALESCE(': ' || NULLIF(v_detail, ''), '');
                    END;
            END CASE;
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


CREATE FUNCTION mask.advise(policy name, relation regclass, quasi_identifiers name[],
                            k integer DEFAULT 5, max_suppressed real DEFAULT 0.0,
                            hierarchies jsonb DEFAULT NULL, exhaustive boolean DEFAULT false)
RETURNS TABLE (rank integer, rules jsonb, levels integer[], min_group_size bigint, groups bigint,
               rows_suppressed bigint, share_suppressed double precision, discernibility numeric,
               avg_group_size double precision, height_loss double precision,
               nodes_evaluated integer, lattice_size integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_max_nodes constant integer := 100000;
    v_policy  mask.policy;
    v_prot    mask.protected;
    v_from    text;
    v_d       integer;
    v_h       integer[] := '{}';     -- levels per column
    v_off     integer[] := '{}';     -- offset of a column's levels in v_sql
    v_stride  integer[] := '{}';
    v_sql     text[] := '{}';        -- group SQL per (column, level)
    v_expr    text[] := '{}';        -- rule expression per (column, level)
    v_n       integer := 1;
    v_tag     smallint[];            -- 0 unknown, 1 anonymous, -1 not
    v_done    boolean[];             -- evaluated
    r_groups  bigint[];
    r_min     bigint[];
    r_small   bigint[];
    r_dm      numeric[];
    v_total   bigint;
    v_allowed bigint;
    v_evals   integer := 0;
    v_lv      integer[];
    v_w       integer[];
    v_idx     integer;
    v_best    integer;
    v_bh      integer;
    v_path    integer[];
    v_lo      integer;
    v_hi      integer;
    v_mid     integer;
    v_i       integer;
    v_j       integer;
    v_e       record;
    v_min     integer[] := '{}';
    v_minimal boolean;
    v_single  integer := 0;          -- evaluated nodes with a group of one row
    v_level   record;
    v_results integer;
    v_next    integer := -1;
BEGIN
    v_policy := mask_internal._policy(advise.policy);
    v_prot := mask_internal._advise_target(v_policy, advise.relation);
    -- Same argument checks (and messages) as linkability().
    PERFORM FROM mask.linkability(v_prot.relation, advise.quasi_identifiers, advise.k) LIMIT 1;
    IF max_suppressed IS NULL OR max_suppressed < 0 OR max_suppressed >= 1 THEN
        RAISE EXCEPTION 'max_suppressed must be at least 0 and below 1'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('max_suppressed was %s.', COALESCE(max_suppressed::text, 'NULL'));
    END IF;
    IF exhaustive IS NULL THEN
        RAISE EXCEPTION 'exhaustive must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO v_from
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = v_prot.relation;

    v_d := pg_catalog.cardinality(quasi_identifiers);
    FOR v_level IN SELECT * FROM mask_internal._advise_levels(v_policy.id, v_prot.relation, quasi_identifiers,
                                                     hierarchies) l ORDER BY l.col_ord, l.level LOOP
        IF v_level.level = 0 THEN
            v_off := v_off || pg_catalog.cardinality(v_sql);
            v_h := v_h || 0;
        END IF;
        v_h[v_level.col_ord] := v_h[v_level.col_ord] + 1;
        v_sql := v_sql || v_level.group_sql;
        v_expr := v_expr || v_level.expression;
    END LOOP;
    FOR v_i IN 1 .. v_d LOOP
        v_stride := v_stride || v_n;
        IF v_n::bigint * v_h[v_i] > c_max_nodes THEN
            RAISE EXCEPTION 'the lattice has more than % nodes', c_max_nodes
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Use fewer quasi-identifiers, shorter hierarchies, or mark columns "fixed".';
        END IF;
        v_n := v_n * v_h[v_i];
    END LOOP;

    v_tag := pg_catalog.array_fill(0::smallint, ARRAY[v_n]);
    v_done := pg_catalog.array_fill(false, ARRAY[v_n]);
    r_groups := pg_catalog.array_fill(NULL::bigint, ARRAY[v_n]);
    r_min := r_groups; r_small := r_groups;
    r_dm := pg_catalog.array_fill(NULL::numeric, ARRAY[v_n]);

    -- The node search; a node is an index 0..n-1, levels in mixed radix.
    LOOP
        IF exhaustive THEN
            -- Brute force, for tests and for hierarchies whose levels do not
            -- nest: every node evaluated, nothing inferred.
            v_next := v_next + 1;
            EXIT WHEN v_next >= v_n;
            v_path := ARRAY[v_next];
        ELSE
            -- The lowest unclassified node (height = sum of levels).
            v_best := NULL; v_bh := NULL;
            FOR v_idx IN 0 .. v_n - 1 LOOP
                CONTINUE WHEN v_tag[v_idx + 1] <> 0;
                v_j := 0;
                FOR v_i IN 1 .. v_d LOOP
                    v_j := v_j + (v_idx / v_stride[v_i]) % v_h[v_i];
                END LOOP;
                IF v_bh IS NULL OR v_j < v_bh THEN v_best := v_idx; v_bh := v_j; END IF;
            END LOOP;
            EXIT WHEN v_best IS NULL;
            -- A chain upwards through unclassified nodes: each step raises the
            -- column that is relatively least generalised, so chains cut
            -- through the middle of the lattice.
            v_path := ARRAY[v_best];
            LOOP
                v_idx := v_path[pg_catalog.cardinality(v_path)];
                v_j := NULL;
                FOR v_i IN 1 .. v_d LOOP
                    CONTINUE WHEN (v_idx / v_stride[v_i]) % v_h[v_i] = v_h[v_i] - 1;
                    CONTINUE WHEN v_tag[v_idx + v_stride[v_i] + 1] <> 0;
                    IF v_j IS NULL
                       OR ((v_idx / v_stride[v_i]) % v_h[v_i])::float8 / (v_h[v_i] - 1)
                          < ((v_idx / v_stride[v_j]) % v_h[v_j])::float8 / (v_h[v_j] - 1) THEN
                        v_j := v_i;
                    END IF;
                END LOOP;
                EXIT WHEN v_j IS NULL;
                v_path := v_path || (v_idx + v_stride[v_j]);
            END LOOP;
        END IF;

        -- Binary search of the chain for its lowest anonymous node.
        v_lo := 1; v_hi := pg_catalog.cardinality(v_path);
        WHILE v_lo <= v_hi LOOP
            v_mid := (v_lo + v_hi) / 2;
            v_idx := v_path[v_mid];
            IF NOT v_done[v_idx + 1] THEN
                v_e := mask_internal._advise_eval(v_from, v_prot.row_filter_sql,
                           (SELECT pg_catalog.string_agg(v_sql[v_off[i] + (v_idx / v_stride[i]) % v_h[i] + 1],
                                                         ', ' ORDER BY i)
                              FROM pg_catalog.generate_series(1, v_d) i), k);
                v_evals := v_evals + 1;
                v_done[v_idx + 1] := true;
                r_groups[v_idx + 1] := v_e.groups; r_min[v_idx + 1] := v_e.min_group;
                r_small[v_idx + 1] := v_e.rows_small; r_dm[v_idx + 1] := v_e.dm_kept;
                v_total := v_e.total;
                v_allowed := pg_catalog.floor(max_suppressed::numeric * v_total)::bigint;
                v_tag[v_idx + 1] := CASE WHEN v_e.rows_small <= v_allowed THEN 1 ELSE -1 END;
                IF v_e.min_all = 1 THEN v_single := v_single + 1; END IF;
            END IF;
            IF exhaustive THEN
                EXIT;
            END IF;
            -- Predictive tagging of the up-set (anonymous) or down-set (not).
            v_lv := (SELECT pg_catalog.array_agg((v_idx / v_stride[i]) % v_h[i] ORDER BY i)
                       FROM pg_catalog.generate_series(1, v_d) i);
            v_w := v_lv;
            LOOP
                v_j := 0;
                FOR v_i IN 1 .. v_d LOOP v_j := v_j + v_w[v_i] * v_stride[v_i]; END LOOP;
                v_tag[v_j + 1] := v_tag[v_idx + 1];
                -- next node of the box: up-set [lv, h-1] or down-set [0, lv]
                v_i := 1;
                WHILE v_i <= v_d LOOP
                    IF v_tag[v_idx + 1] = 1 THEN
                        IF v_w[v_i] < v_h[v_i] - 1 THEN v_w[v_i] := v_w[v_i] + 1; EXIT; END IF;
                        v_w[v_i] := v_lv[v_i];
                    ELSE
                        IF v_w[v_i] > 0 THEN v_w[v_i] := v_w[v_i] - 1; EXIT; END IF;
                        v_w[v_i] := v_lv[v_i];
                    END IF;
                    v_i := v_i + 1;
                END LOOP;
                EXIT WHEN v_i > v_d;
            END LOOP;
            IF v_tag[v_idx + 1] = 1 THEN v_hi := v_mid - 1; ELSE v_lo := v_mid + 1; END IF;
        END LOOP;
    END LOOP;

    -- The minimal anonymous nodes: anonymous, and no direct specialisation is.
    FOR v_idx IN 0 .. v_n - 1 LOOP
        CONTINUE WHEN v_tag[v_idx + 1] <> 1;
        v_minimal := true;
        FOR v_i IN 1 .. v_d LOOP
            IF (v_idx / v_stride[v_i]) % v_h[v_i] > 0 AND v_tag[v_idx - v_stride[v_i] + 1] = 1 THEN
                v_minimal := false; EXIT;
            END IF;
        END LOOP;
        CONTINUE WHEN NOT v_minimal;
        v_min := v_min || v_idx;
        IF NOT v_done[v_idx + 1] THEN
            -- Inferred, not measured: one more query for its figures.
            v_e := mask_internal._advise_eval(v_from, v_prot.row_filter_sql,
                       (SELECT pg_catalog.string_agg(v_sql[v_off[i] + (v_idx / v_stride[i]) % v_h[i] + 1],
                                                     ', ' ORDER BY i)
                          FROM pg_catalog.generate_series(1, v_d) i), k);
            v_evals := v_evals + 1;
            v_done[v_idx + 1] := true;
            r_groups[v_idx + 1] := v_e.groups; r_min[v_idx + 1] := v_e.min_group;
            r_small[v_idx + 1] := v_e.rows_small; r_dm[v_idx + 1] := v_e.dm_kept;
            v_total := v_e.total;
            IF v_e.min_all = 1 THEN v_single := v_single + 1; END IF;
        END IF;
    END LOOP;
    v_results := pg_catalog.cardinality(v_min);

    PERFORM mask_internal._audit('advise', v_policy.name, (SELECT p.relation_name FROM mask.protected p
                                                   WHERE p.policy_id = v_policy.id
                                                     AND p.relation = v_prot.relation),
        pg_catalog.jsonb_build_object(
            'quasi_identifiers', pg_catalog.to_jsonb(quasi_identifiers),
            'k', k, 'max_suppressed', max_suppressed, 'hierarchies', hierarchies,
            'exhaustive', exhaustive, 'lattice_size', v_n, 'nodes_evaluated', v_evals,
            'results', v_results,
            -- k below 2, or nodes whose groups isolate single rows: the call
            -- may be probing for single households.  Recorded, not refused:
            -- the answer is counts either way.
            'k_below_2', k < 2, 'nodes_with_single_row_groups', v_single));

    RETURN QUERY
    SELECT (pg_catalog.row_number() OVER (ORDER BY x.dm, x.hl, x.lv))::integer,
           x.rules, x.lv, x.mn, x.gr, x.sm,
           x.sm::float8 / NULLIF(v_total, 0),
           x.dm, x.dm::float8 / NULLIF(v_total, 0), x.hl, v_evals, v_n
      FROM (SELECT m.idx,
                   (SELECT pg_catalog.jsonb_object_agg(quasi_identifiers[i],
                               v_expr[v_off[i] + (m.idx / v_stride[i]) % v_h[i] + 1])
                      FROM pg_catalog.generate_series(1, v_d) i) AS rules,
                   (SELECT pg_catalog.array_agg((m.idx / v_stride[i]) % v_h[i] ORDER BY i)
                      FROM pg_catalog.generate_series(1, v_d) i) AS lv,
                   r_min[m.idx + 1] AS mn, r_groups[m.idx + 1] AS gr, r_small[m.idx + 1] AS sm,
                   -- Discernibility (Bayardo & Agrawal): every kept row costs its
                   -- group's size, every suppressed row the whole table.
                   r_dm[m.idx + 1] + r_small[m.idx + 1]::numeric * COALESCE(v_total, 0) AS dm,
                   COALESCE((SELECT pg_catalog.avg(((m.idx / v_stride[i]) % v_h[i])::float8 / (v_h[i] - 1))
                               FROM pg_catalog.generate_series(1, v_d) i WHERE v_h[i] > 1), 0) AS hl
              FROM pg_catalog.unnest(v_min) m(idx)) x
     ORDER BY 1;
END;
$$;

COMMENT ON FUNCTION mask.advise(name, regclass, name[], integer, real, jsonb, boolean) IS
'k-anonymity advisor: the minimal generalisations of the quasi-identifier columns (one level of each column''s hierarchy) under which every group of rows of the protected table (policy row filter applied) has at least k rows, allowing max_suppressed of the rows in smaller groups to be suppressed; best first by discernibility. Counts only, never values; audited. Admins and auditors.';


-- Writes a rule set advise() returned (its rules column) into the policy
-- with set_rule (drop_rule for a column given as JSON null), in the caller's
-- transaction, so all of it or nothing.  With k, the rule set is measured
-- first: rows left in groups smaller than k are refused unless suppress is
-- true, which adds them to the table's row filter as an exclusion list of
-- primary-key values (the only form of "not in a small group" a row filter
-- can express: it may not read other rows; README: Advisor).
CREATE FUNCTION mask.apply_advice(policy name, relation regclass, rules jsonb, k integer DEFAULT NULL,
                                  suppress boolean DEFAULT false, reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy  mask.policy;
    v_prot    mask.protected;
    v_from    text;
    v_col     text;
    v_val     jsonb;
    v_group   text[] := '{}';
    v_expr    text;
    v_e       record;
    v_rule    mask.rule;
    v_pk      name;
    v_pktype  text;
    v_ids     text;
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
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO v_from
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = v_prot.relation;

    -- Everything is checked before anything is written.
    FOR v_col, v_val IN SELECT e.key, e.value FROM pg_catalog.jsonb_each(rules) e ORDER BY e.key LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = v_prot.relation AND a.attname = v_col
                          AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'column "%" of table % does not exist', v_col, v_prot.relation
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
            -- Measured below as the extension owner, like advise()'s levels.
            IF k IS NOT NULL THEN
                PERFORM mask_internal._advise_check_functions(v_expr, v_col::name, NULL);
            END IF;
            v_group := v_group || mask_internal._validate_expression(v_expr, v_prot.relation, false,
                                                            mask_internal._key_sql(v_policy.id));
        END IF;
    END LOOP;

    IF k IS NOT NULL THEN
        v_e := mask_internal._advise_eval(v_from, v_prot.row_filter_sql,
                                 NULLIF(pg_catalog.array_to_string(v_group, ', '), ''), k);
        v_min_group := v_e.min_group;
        IF v_e.rows_small > 0 AND NOT suppress THEN
            RAISE EXCEPTION 'these rules leave % rows in groups smaller than k = %', v_e.rows_small, k
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Pass suppress => true to hide those rows with the row filter, or choose advice with no rows suppressed.';
        END IF;
        IF v_e.rows_small > 0 THEN
            SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) INTO v_pk, v_pktype
              FROM pg_catalog.pg_constraint co
              JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1]
             WHERE co.conrelid = v_prot.relation AND co.contype = 'p'
               AND pg_catalog.cardinality(co.conkey) = 1;
            IF v_pk IS NULL THEN
                RAISE EXCEPTION 'suppression needs a single-column primary key on %', v_prot.relation
                    USING ERRCODE = 'invalid_parameter_value',
                          DETAIL = 'The suppressed rows are excluded by their key in the row filter.';
            END IF;
            -- The filter's constants are visible to members (pg_get_viewdef),
            -- so the key must be a column the members already see as it is.
            IF NOT EXISTS (SELECT FROM mask.rule r
                            WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
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
                v_pk, COALESCE(NULLIF(pg_catalog.array_to_string(v_group, ', '), ''), 'NULL'), v_from,
                COALESCE(' WHERE (' || v_prot.row_filter_sql || ')', ''))
                INTO v_ids USING k;
            v_suppressed := v_e.rows_small;
            v_filter := COALESCE('(' || v_prot.row_filter || ') AND ', '')
                        || pg_catalog.format('%I <> ALL (%L::%s[])', v_pk, v_ids, v_pktype);
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

    PERFORM mask_internal._audit('apply_advice', v_policy.name, v_prot.relation_name,
        pg_catalog.jsonb_build_object('rules', rules, 'k', k, 'suppress', suppress,
                                      'rules_changed', v_changed,
                                      'rows_suppressed', v_suppressed,
                                      'min_group_size', v_min_group));
END;
$$;

COMMENT ON FUNCTION mask.apply_advice(name, regclass, jsonb, integer, boolean, text) IS
'Writes a rule set from mask.advise() into a policy with set_rule/drop_rule, all in one transaction. With k, measures it first and refuses if rows remain in groups smaller than k, unless suppress => true, which excludes those rows by primary key in the row filter. Admins only; audited.';
