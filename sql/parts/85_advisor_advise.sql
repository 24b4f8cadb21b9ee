-- ---------------------------------------------------------------------------
-- mask.advise(): the search of the k-anonymity lattice (the design, the
-- hierarchies and the evaluation of one node: 85_advisor.sql).
-- ---------------------------------------------------------------------------

-- The search of mask.advise() on its lattice: a node is an index 0..n-1,
-- the level of column i in node idx is idx / stride[i] % h[i] (mixed
-- radix); tag[idx + 1] is 0 while unclassified, 1 anonymous, -1 not.

-- The lowest unclassified node (height: the sum of its levels), or NULL.
CREATE FUNCTION mask_internal._advise_lowest(tag smallint[], h integer[], stride integer[])
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_best   integer;
    v_height integer;
    v_j      integer;
BEGIN
    FOR v_idx IN 0 .. pg_catalog.cardinality(tag) - 1 LOOP
        CONTINUE WHEN tag[v_idx + 1] <> 0;
        v_j := 0;
        FOR v_i IN 1 .. pg_catalog.cardinality(h) LOOP
            v_j := v_j + (v_idx / stride[v_i]) % h[v_i];
        END LOOP;
        IF v_height IS NULL OR v_j < v_height THEN
            v_best := v_idx;
            v_height := v_j;
        END IF;
    END LOOP;
    RETURN v_best;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_lowest(smallint[], integer[], integer[]) IS
'Internal: the lowest unclassified node of the advisor''s lattice, or NULL when every node is classified.';


-- A chain upwards from start through unclassified nodes: each step raises
-- the column that is relatively least generalised, so chains cut through
-- the middle of the lattice.
CREATE FUNCTION mask_internal._advise_chain(start integer, tag smallint[], h integer[], stride integer[])
RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_path integer[] := ARRAY[start];
    v_idx  integer;
    v_j    integer;
BEGIN
    LOOP
        v_idx := v_path[pg_catalog.cardinality(v_path)];
        v_j := NULL;
        FOR v_i IN 1 .. pg_catalog.cardinality(h) LOOP
            CONTINUE WHEN (v_idx / stride[v_i]) % h[v_i] = h[v_i] - 1;
            CONTINUE WHEN tag[v_idx + stride[v_i] + 1] <> 0;
            IF v_j IS NULL
               OR ((v_idx / stride[v_i]) % h[v_i])::float8 / (h[v_i] - 1)
                  < ((v_idx / stride[v_j]) % h[v_j])::float8 / (h[v_j] - 1) THEN
                v_j := v_i;
            END IF;
        END LOOP;
        EXIT WHEN v_j IS NULL;
        v_path := v_path || (v_idx + stride[v_j]);
    END LOOP;
    RETURN v_path;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_chain(integer, smallint[], integer[], integer[]) IS
'Internal: a chain of unclassified nodes of the advisor''s lattice upwards from a node.';


-- Predictive tagging: the tag of node idx (1 anonymous, -1 not) spread to
-- its up-set (every generalisation of an anonymous node is anonymous) or its
-- down-set (no specialisation of a node that is not, is).
CREATE FUNCTION mask_internal._advise_spread(tag smallint[], idx integer, h integer[], stride integer[])
RETURNS smallint[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_d  integer := pg_catalog.cardinality(h);
    v_lv integer[] := (SELECT pg_catalog.array_agg((idx / stride[i]) % h[i] ORDER BY i)
                         FROM pg_catalog.generate_series(1, pg_catalog.cardinality(h)) i);
    v_w  integer[] := v_lv;
    v_j  integer;
    v_i  integer;
BEGIN
    LOOP
        v_j := 0;
        FOR v_k IN 1 .. v_d LOOP v_j := v_j + v_w[v_k] * stride[v_k]; END LOOP;
        tag[v_j + 1] := tag[idx + 1];
        -- next node of the box: up-set [lv, h-1] or down-set [0, lv]
        v_i := 1;
        WHILE v_i <= v_d LOOP
            IF tag[idx + 1] = 1 THEN
                IF v_w[v_i] < h[v_i] - 1 THEN v_w[v_i] := v_w[v_i] + 1; EXIT; END IF;
                v_w[v_i] := v_lv[v_i];
            ELSE
                IF v_w[v_i] > 0 THEN v_w[v_i] := v_w[v_i] - 1; EXIT; END IF;
                v_w[v_i] := v_lv[v_i];
            END IF;
            v_i := v_i + 1;
        END LOOP;
        EXIT WHEN v_i > v_d;
    END LOOP;
    RETURN tag;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_spread(smallint[], integer, integer[], integer[]) IS
'Internal: the advisor''s predictive tagging: a node''s classification given to its up-set (anonymous) or down-set (not).';


-- The minimal anonymous nodes: anonymous, and no direct specialisation is.
CREATE FUNCTION mask_internal._advise_minimal(tag smallint[], h integer[], stride integer[])
RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_min     integer[] := '{}';
    v_minimal boolean;
BEGIN
    FOR v_idx IN 0 .. pg_catalog.cardinality(tag) - 1 LOOP
        CONTINUE WHEN tag[v_idx + 1] <> 1;
        v_minimal := true;
        FOR v_i IN 1 .. pg_catalog.cardinality(h) LOOP
            IF (v_idx / stride[v_i]) % h[v_i] > 0 AND tag[v_idx - stride[v_i] + 1] = 1 THEN
                v_minimal := false;
                EXIT;
            END IF;
        END LOOP;
        IF v_minimal THEN
            v_min := v_min || v_idx;
        END IF;
    END LOOP;
    RETURN v_min;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_minimal(smallint[], integer[], integer[]) IS
'Internal: the minimal anonymous nodes of the advisor''s lattice.';


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
    v_res     jsonb[];               -- figures of the evaluated nodes (_advise_eval)
    v_total   bigint;
    v_allowed bigint;
    v_evals   integer := 0;
    v_idx     integer;
    v_best    integer;
    v_path    integer[];
    v_min     integer[];
    v_lo      integer;
    v_hi      integer;
    v_mid     integer;
    v_i       integer;
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
    v_from := mask_internal._relation_name(v_prot.relation);

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
    v_res := pg_catalog.array_fill(NULL::jsonb, ARRAY[v_n]);

    -- The node search; a node is an index 0..n-1, levels in mixed radix.
    LOOP
        IF exhaustive THEN
            -- Brute force, for tests and for hierarchies whose levels do not
            -- nest: every node evaluated, nothing inferred.
            v_next := v_next + 1;
            EXIT WHEN v_next >= v_n;
            v_path := ARRAY[v_next];
        ELSE
            -- The lowest unclassified node, and a chain upwards from it.
            v_best := mask_internal._advise_lowest(v_tag, v_h, v_stride);
            EXIT WHEN v_best IS NULL;
            v_path := mask_internal._advise_chain(v_best, v_tag, v_h, v_stride);
        END IF;

        -- Binary search of the chain for its lowest anonymous node.
        v_lo := 1; v_hi := pg_catalog.cardinality(v_path);
        WHILE v_lo <= v_hi LOOP
            v_mid := (v_lo + v_hi) / 2;
            v_idx := v_path[v_mid];
            IF v_res[v_idx + 1] IS NULL THEN
                v_res[v_idx + 1] := mask_internal._advise_node(v_from, v_prot.row_filter_sql, v_sql, v_off,
                                                               v_h, v_stride, v_idx, k);
                v_evals := v_evals + 1;
                v_allowed := pg_catalog.floor(max_suppressed::numeric
                                              * (v_res[v_idx + 1] ->> 'total')::bigint)::bigint;
                v_tag[v_idx + 1] := CASE WHEN (v_res[v_idx + 1] ->> 'rows_small')::bigint <= v_allowed
                                         THEN 1 ELSE -1 END;
            END IF;
            IF exhaustive THEN
                EXIT;
            END IF;
            v_tag := mask_internal._advise_spread(v_tag, v_idx, v_h, v_stride);
            IF v_tag[v_idx + 1] = 1 THEN v_hi := v_mid - 1; ELSE v_lo := v_mid + 1; END IF;
        END LOOP;
    END LOOP;

    -- The minimal anonymous nodes, measured.
    v_min := mask_internal._advise_minimal(v_tag, v_h, v_stride);
    FOREACH v_idx IN ARRAY v_min LOOP
        IF v_res[v_idx + 1] IS NULL THEN
            -- Inferred, not measured: one more query for its figures.
            v_res[v_idx + 1] := mask_internal._advise_node(v_from, v_prot.row_filter_sql, v_sql, v_off,
                                                           v_h, v_stride, v_idx, k);
            v_evals := v_evals + 1;
        END IF;
    END LOOP;
    v_results := pg_catalog.cardinality(v_min);
    -- (every node counts the same rows)
    SELECT (pg_catalog.max(r ->> 'total'))::bigint,
           pg_catalog.count(*) FILTER (WHERE (r ->> 'min_all')::bigint = 1)
      INTO v_total, v_single
      FROM pg_catalog.unnest(v_res) r WHERE r IS NOT NULL;

    PERFORM mask_internal._audit('advise', v_policy.name, mask_internal._relation_name(v_prot.relation),
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
                   (v_res[m.idx + 1] ->> 'min_group')::bigint AS mn,
                   (v_res[m.idx + 1] ->> 'groups')::bigint AS gr,
                   (v_res[m.idx + 1] ->> 'rows_small')::bigint AS sm,
                   -- Discernibility (Bayardo & Agrawal): every kept row costs its
                   -- group's size, every suppressed row the whole table.
                   (v_res[m.idx + 1] ->> 'dm_kept')::numeric
                   + (v_res[m.idx + 1] ->> 'rows_small')::numeric * COALESCE(v_total, 0) AS dm,
                   COALESCE((SELECT pg_catalog.avg(((m.idx / v_stride[i]) % v_h[i])::float8 / (v_h[i] - 1))
                               FROM pg_catalog.generate_series(1, v_d) i WHERE v_h[i] > 1), 0) AS hl
              FROM pg_catalog.unnest(v_min) m(idx)) x
     ORDER BY 1;
END;
$$;

COMMENT ON FUNCTION mask.advise(name, regclass, name[], integer, real, jsonb, boolean) IS
'k-anonymity advisor: the minimal generalisations of the quasi-identifier columns (one level of each column''s hierarchy) under which every group of rows of the protected table (policy row filter applied) has at least k rows, allowing max_suppressed of the rows in smaller groups to be suppressed; best first by discernibility. Counts only, never values; audited. Admins and auditors.';
