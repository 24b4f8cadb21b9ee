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


-- Step 1 of advise(): its arguments beyond the policy and the table; the
-- same checks and messages as linkability() for the quasi-identifiers and k.
CREATE FUNCTION mask_internal._advise_check_arguments(relation regclass, quasi_identifiers name[], k integer,
                                                      max_suppressed real, exhaustive boolean)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM FROM mask.linkability(relation, quasi_identifiers, k) LIMIT 1;
    IF max_suppressed IS NULL OR max_suppressed < 0 OR max_suppressed >= 1 THEN
        RAISE EXCEPTION 'max_suppressed must be at least 0 and below 1'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('max_suppressed was %s.', COALESCE(max_suppressed::text, 'NULL'));
    END IF;
    IF exhaustive IS NULL THEN
        RAISE EXCEPTION 'exhaustive must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_check_arguments(regclass, name[], integer, real, boolean) IS
'Internal: refuses (invalid_parameter_value) the arguments of mask.advise() it cannot work with.';


-- Step 2: the lattice of the levels of every quasi-identifier
-- (_advise_levels): h[i] levels of column i, whose group SQL and rule
-- expressions are group_sqls[off[i] + l + 1] and expressions[off[i] + l + 1];
-- a node is an index 0 .. size - 1, the level of column i in it
-- idx / stride[i] % h[i].  22023 beyond 100,000 nodes.
CREATE FUNCTION mask_internal._advise_lattice(policy_id integer, relation regclass, quasi_identifiers name[],
                                              hierarchies jsonb,
                                              OUT h integer[], OUT off integer[], OUT stride integer[],
                                              OUT group_sqls text[], OUT expressions text[], OUT size integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_max_nodes constant integer := 100000;
    v_level     record;
BEGIN
    h := '{}'; off := '{}'; stride := '{}'; group_sqls := '{}'; expressions := '{}'; size := 1;
    FOR v_level IN SELECT * FROM mask_internal._advise_levels(policy_id, relation, quasi_identifiers,
                                                     hierarchies) l ORDER BY l.col_ord, l.level LOOP
        IF v_level.level = 0 THEN
            off := off || pg_catalog.cardinality(group_sqls);
            h := h || 0;
        END IF;
        h[v_level.col_ord] := h[v_level.col_ord] + 1;
        group_sqls := group_sqls || v_level.group_sql;
        expressions := expressions || v_level.expression;
    END LOOP;
    FOR v_i IN 1 .. pg_catalog.cardinality(quasi_identifiers) LOOP
        stride := stride || size;
        IF size::bigint * h[v_i] > c_max_nodes THEN
            RAISE EXCEPTION 'the lattice has more than % nodes', c_max_nodes
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Use fewer quasi-identifiers, shorter hierarchies, or mark columns "fixed".';
        END IF;
        size := size * h[v_i];
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_lattice(integer, regclass, name[], jsonb) IS
'Internal: the generalisation lattice of mask.advise(): levels per column in mixed radix, their group SQL and rule expressions.';


-- Step 3: the search of the lattice (size nodes; the arguments of
-- _advise_lattice and _advise_node) for its minimal anonymous nodes, each
-- measured: a node is anonymous when the rows in groups below k are at most
-- max_suppressed of all.  figures[idx + 1]: what _advise_node measured of
-- node idx (NULL if it was not evaluated); evaluated: how many queries ran.
CREATE FUNCTION mask_internal._advise_search(from_sql text, filter_sql text, group_sqls text[], off integer[],
                                             h integer[], stride integer[], size integer, k integer,
                                             max_suppressed real, exhaustive boolean,
                                             OUT minimal integer[], OUT figures jsonb[], OUT evaluated integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_tag     smallint[] := pg_catalog.array_fill(0::smallint, ARRAY[size]);  -- 0 unknown, 1 anonymous, -1 not
    v_next    integer := -1;
    v_path    integer[];
    v_lo      integer;
    v_hi      integer;
    v_mid     integer;
    v_idx     integer;
    v_allowed bigint;
BEGIN
    figures := pg_catalog.array_fill(NULL::jsonb, ARRAY[size]);
    evaluated := 0;
    LOOP
        IF exhaustive THEN
            -- Brute force, for tests and for hierarchies whose levels do not
            -- nest: every node evaluated, nothing inferred.
            v_next := v_next + 1;
            EXIT WHEN v_next >= size;
            v_path := ARRAY[v_next];
        ELSE
            -- The lowest unclassified node, and a chain upwards from it.
            v_idx := mask_internal._advise_lowest(v_tag, h, stride);
            EXIT WHEN v_idx IS NULL;
            v_path := mask_internal._advise_chain(v_idx, v_tag, h, stride);
        END IF;

        -- Binary search of the chain for its lowest anonymous node.
        v_lo := 1; v_hi := pg_catalog.cardinality(v_path);
        WHILE v_lo <= v_hi LOOP
            v_mid := (v_lo + v_hi) / 2;
            v_idx := v_path[v_mid];
            IF figures[v_idx + 1] IS NULL THEN
                figures[v_idx + 1] := mask_internal._advise_node(from_sql, filter_sql, group_sqls, off,
                                                                 h, stride, v_idx, k);
                evaluated := evaluated + 1;
                v_allowed := pg_catalog.floor(max_suppressed::numeric
                                              * (figures[v_idx + 1] ->> 'total')::bigint)::bigint;
                v_tag[v_idx + 1] := CASE WHEN (figures[v_idx + 1] ->> 'rows_small')::bigint <= v_allowed
                                         THEN 1 ELSE -1 END;
            END IF;
            IF exhaustive THEN
                EXIT;
            END IF;
            v_tag := mask_internal._advise_spread(v_tag, v_idx, h, stride);
            IF v_tag[v_idx + 1] = 1 THEN v_hi := v_mid - 1; ELSE v_lo := v_mid + 1; END IF;
        END LOOP;
    END LOOP;

    -- The minimal anonymous nodes, measured.
    minimal := mask_internal._advise_minimal(v_tag, h, stride);
    FOREACH v_idx IN ARRAY minimal LOOP
        IF figures[v_idx + 1] IS NULL THEN
            -- Inferred, not measured: one more query for its figures.
            figures[v_idx + 1] := mask_internal._advise_node(from_sql, filter_sql, group_sqls, off,
                                                             h, stride, v_idx, k);
            evaluated := evaluated + 1;
        END IF;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._advise_search(text, text, text[], integer[], integer[], integer[], integer, integer, real, boolean) IS
'Internal: the search of mask.advise()''s lattice for its minimal anonymous nodes, with the figures of every node it evaluated.';


-- Step 4: advise()'s result rows, one per minimal node, best first by
-- discernibility (the arguments of _advise_lattice and _advise_search).
CREATE FUNCTION mask_internal._advise_results(quasi_identifiers name[], expressions text[], off integer[],
                                              h integer[], stride integer[], minimal integer[],
                                              figures jsonb[], evaluated integer, nodes integer)
RETURNS TABLE (rank integer, rules jsonb, levels integer[], min_group_size bigint, groups bigint,
               rows_suppressed bigint, share_suppressed double precision, discernibility numeric,
               avg_group_size double precision, height_loss double precision,
               nodes_evaluated integer, lattice_size integer)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (pg_catalog.row_number() OVER (ORDER BY x.dm, x.hl, x.lv))::integer,
           x.rules, x.lv, x.mn, x.gr, x.sm,
           x.sm::float8 / NULLIF(t.total, 0),
           x.dm, x.dm::float8 / NULLIF(t.total, 0), x.hl, evaluated, nodes
      FROM (-- (every node counts the same rows)
            SELECT (pg_catalog.max(r ->> 'total'))::bigint AS total
              FROM pg_catalog.unnest(figures) r WHERE r IS NOT NULL) t,
           LATERAL (
            SELECT m.idx,
                   (SELECT pg_catalog.jsonb_object_agg(quasi_identifiers[i],
                               expressions[off[i] + (m.idx / stride[i]) % h[i] + 1])
                      FROM pg_catalog.generate_series(1, pg_catalog.cardinality(quasi_identifiers)) i) AS rules,
                   (SELECT pg_catalog.array_agg((m.idx / stride[i]) % h[i] ORDER BY i)
                      FROM pg_catalog.generate_series(1, pg_catalog.cardinality(quasi_identifiers)) i) AS lv,
                   (figures[m.idx + 1] ->> 'min_group')::bigint AS mn,
                   (figures[m.idx + 1] ->> 'groups')::bigint AS gr,
                   (figures[m.idx + 1] ->> 'rows_small')::bigint AS sm,
                   -- Discernibility (Bayardo & Agrawal): every kept row costs its
                   -- group's size, every suppressed row the whole table.
                   (figures[m.idx + 1] ->> 'dm_kept')::numeric
                   + (figures[m.idx + 1] ->> 'rows_small')::numeric * COALESCE(t.total, 0) AS dm,
                   COALESCE((SELECT pg_catalog.avg(((m.idx / stride[i]) % h[i])::float8 / (h[i] - 1))
                               FROM pg_catalog.generate_series(1, pg_catalog.cardinality(quasi_identifiers)) i
                              WHERE h[i] > 1), 0) AS hl
              FROM pg_catalog.unnest(minimal) m(idx)) x
     ORDER BY 1
$$;

COMMENT ON FUNCTION mask_internal._advise_results(name[], text[], integer[], integer[], integer[], integer[], jsonb[], integer, integer) IS
'Internal: the result rows of mask.advise(): one per minimal anonymous node, with its rules and figures, best first.';


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
    v_policy  mask.policy;
    v_prot    mask.protected;
    v_lattice record;
    v_found   record;
BEGIN
    v_policy := mask_internal._policy(advise.policy);
    v_prot := mask_internal._advise_target(v_policy, advise.relation);
    PERFORM mask_internal._advise_check_arguments(v_prot.relation, quasi_identifiers, k, max_suppressed,
                                                  exhaustive);
    SELECT * INTO v_lattice
      FROM mask_internal._advise_lattice(v_policy.id, v_prot.relation, quasi_identifiers, hierarchies);
    SELECT * INTO v_found
      FROM mask_internal._advise_search(mask_internal._relation_name(v_prot.relation), v_prot.row_filter_sql,
                                        v_lattice.group_sqls, v_lattice.off, v_lattice.h, v_lattice.stride,
                                        v_lattice.size, k, max_suppressed, exhaustive);

    PERFORM mask_internal._audit('advise', v_policy.name, mask_internal._relation_name(v_prot.relation),
        pg_catalog.jsonb_build_object(
            'quasi_identifiers', pg_catalog.to_jsonb(quasi_identifiers),
            'k', k, 'max_suppressed', max_suppressed, 'hierarchies', hierarchies,
            'exhaustive', exhaustive, 'lattice_size', v_lattice.size, 'nodes_evaluated', v_found.evaluated,
            'results', pg_catalog.cardinality(v_found.minimal),
            -- k below 2, or nodes whose groups isolate single rows: the call
            -- may be probing for single households.  Recorded, not refused:
            -- the answer is counts either way.
            'k_below_2', k < 2,
            'nodes_with_single_row_groups', (SELECT pg_catalog.count(*) FROM pg_catalog.unnest(v_found.figures) r
                                              WHERE (r ->> 'min_all')::bigint = 1)));

    RETURN QUERY
    SELECT * FROM mask_internal._advise_results(quasi_identifiers, v_lattice.expressions, v_lattice.off,
                                                v_lattice.h, v_lattice.stride, v_found.minimal,
                                                v_found.figures, v_found.evaluated, v_lattice.size) r
     ORDER BY r.rank;
END;
$$;

COMMENT ON FUNCTION mask.advise(name, regclass, name[], integer, real, jsonb, boolean) IS
'k-anonymity advisor: the minimal generalisations of the quasi-identifier columns (one level of each column''s hierarchy) under which every group of rows of the protected table (policy row filter applied) has at least k rows, allowing max_suppressed of the rows in smaller groups to be suppressed; best first by discernibility. Counts only, never values; audited. Admins and auditors.';
