-- ---------------------------------------------------------------------------
-- mask.linkability(), mask.linkability_summary(): k-anonymity of a masked view.
--
-- A masked notice can still point at one household: if only one flat in
-- building 3, unit 2 is in arrears, "building 3, unit 2, ****" names it to every
-- neighbour.  These reports group the rows of a view by the columns a reader
-- can link to people (quasi-identifiers: building, unit, masked name, ...)
-- and show the groups smaller than k.
--
-- SECURITY INVOKER on purpose: they read the view with the caller's own
-- rights, so they reveal nothing the caller could not compute with GROUP BY
-- (an auditor has SELECT on the masked views; a raw table the caller cannot
-- read stays unreadable).  EXECUTE stays with PUBLIC for the same reason.
-- This file is ASCII only, like the rest of the install script.
-- ---------------------------------------------------------------------------

-- Checks the arguments (also for mask.linkability_summary() and
-- mask.advise(), so the messages are the same everywhere), groups the view
-- by the columns themselves (their own equality) and names each group as
-- jsonb; smallest groups first, ties in a fixed (byte) order.  Every
-- identifier comes from the catalog and goes through format('%I').  The
-- checks live here rather than in an internal helper because PUBLIC
-- executes no internal function and this runs with the caller's rights.
CREATE FUNCTION mask.linkability(view regclass, quasi_identifiers name[], k integer DEFAULT 5)
RETURNS TABLE (group_values jsonb, group_size bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_missing text;
    v_dup     text;
    v_from    text;
    v_columns text;
    v_json    text;
BEGIN
    IF linkability.view IS NULL THEN
        RAISE EXCEPTION 'view must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF linkability.k IS NULL OR linkability.k < 1 THEN
        RAISE EXCEPTION 'k must be at least 1'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('k was %s.', COALESCE(linkability.k::text, 'NULL'));
    END IF;
    IF linkability.quasi_identifiers IS NULL OR pg_catalog.cardinality(linkability.quasi_identifiers) = 0
       OR pg_catalog.array_position(linkability.quasi_identifiers, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'quasi_identifiers must name at least one column'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The array is NULL, empty or contains NULL.',
                  HINT = 'Name the columns a reader can link to a person, e.g. ARRAY[''building'', ''unit''].';
    END IF;
    -- jsonb_build_object takes at most 100 arguments (50 key/value pairs).
    IF pg_catalog.cardinality(linkability.quasi_identifiers) > 50 THEN
        RAISE EXCEPTION 'at most 50 quasi-identifiers are supported'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(q.col), ', ' ORDER BY q.ord) INTO v_dup
      FROM (SELECT DISTINCT ON (u.col) u.col, u.ord
              FROM pg_catalog.unnest(linkability.quasi_identifiers) WITH ORDINALITY u(col, ord)
             WHERE (SELECT pg_catalog.count(*) FROM pg_catalog.unnest(linkability.quasi_identifiers) v(col)
                     WHERE v.col = u.col) > 1
             ORDER BY u.col, u.ord) q;
    IF v_dup IS NOT NULL THEN
        RAISE EXCEPTION 'quasi_identifiers names a column more than once'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Repeated: %s.', v_dup);
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(u.col), ', ' ORDER BY u.ord) INTO v_missing
      FROM pg_catalog.unnest(linkability.quasi_identifiers) WITH ORDINALITY u(col, ord)
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = linkability.view AND a.attname = u.col
                          AND a.attnum > 0 AND NOT a.attisdropped);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'quasi-identifier columns do not exist in %', linkability.view
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Not columns of %s: %s.', linkability.view, v_missing);
    END IF;

    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO v_from
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = linkability.view;
    SELECT pg_catalog.string_agg(pg_catalog.format('t.%I', u.col), ', ' ORDER BY u.ord),
           'pg_catalog.jsonb_build_object('
           || pg_catalog.string_agg(pg_catalog.format('%L::text, t.%I', u.col, u.col), ', ' ORDER BY u.ord)
           || ')'
      INTO v_columns, v_json
      FROM pg_catalog.unnest(linkability.quasi_identifiers) WITH ORDINALITY u(col, ord);
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT %s AS group_values, pg_catalog.count(*) AS group_size'
        ' FROM %s t GROUP BY %s HAVING pg_catalog.count(*) < $1'
        ' ORDER BY 2, (%s)::text COLLATE "C"',
        v_json, v_from, v_columns, v_json)
        USING linkability.k;
END;
$$;

COMMENT ON FUNCTION mask.linkability(regclass, name[], integer) IS
'The groups of rows of a (masked) view that share the same values of the quasi-identifier columns and number fewer than k, with their size: the rows a neighbour could still link to one household. Runs with the caller''s rights.';

-- Every group of a view (of fewer than 2^31 - 1 rows each) is below the largest integer k, so the summary is
-- an aggregate over mask.linkability() with that k (one place checks the
-- arguments and builds the grouping).  Only k is checked here.
CREATE FUNCTION mask.linkability_summary(view regclass, quasi_identifiers name[], k integer DEFAULT 5)
RETURNS TABLE (min_group_size bigint, groups_below_k bigint, rows_below_k bigint,
               share_below_k double precision, total_rows bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF linkability_summary.k IS NULL OR linkability_summary.k < 1 THEN
        RAISE EXCEPTION 'k must be at least 1'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('k was %s.', COALESCE(linkability_summary.k::text, 'NULL'));
    END IF;
    -- An empty view has no groups: min_group_size and share_below_k are NULL.
    RETURN QUERY
        SELECT pg_catalog.min(g.group_size),
               pg_catalog.count(*) FILTER (WHERE g.group_size < linkability_summary.k),
               COALESCE(pg_catalog.sum(g.group_size) FILTER (WHERE g.group_size < linkability_summary.k), 0)::bigint,
               COALESCE(pg_catalog.sum(g.group_size) FILTER (WHERE g.group_size < linkability_summary.k), 0)::double precision
                 / NULLIF(pg_catalog.sum(g.group_size), 0)::double precision,
               COALESCE(pg_catalog.sum(g.group_size), 0)::bigint
          FROM mask.linkability(linkability_summary.view, linkability_summary.quasi_identifiers,
                                2147483647) g;
END;
$$;

COMMENT ON FUNCTION mask.linkability_summary(regclass, name[], integer) IS
'Summary of mask.linkability(): smallest group, number of groups and of rows in groups below k, their share of all rows, and the row count. Runs with the caller''s rights.';
