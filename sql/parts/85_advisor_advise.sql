-- ---------------------------------------------------------------------------
-- mask.advise(): the search of the k-anonymity lattice (the design, the
-- hierarchies and the evaluation of one node: 85_advisor.sql).
-- ---------------------------------------------------------------------------

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
