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

-- Checks the arguments and returns the pieces of the grouping query: the
-- relation as a quoted name, the quoted column list (GROUP BY), and the
-- jsonb_build_object(...) expression naming each group.  Every identifier
-- comes from the catalog and goes through format('%I').
CREATE FUNCTION mask._linkability_query(target regclass, quasi_identifiers name[], k integer,
                                        OUT from_clause text, OUT group_columns text,
                                        OUT group_json text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_missing text;
    v_dup     text;
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'view must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF k IS NULL OR k < 1 THEN
        RAISE EXCEPTION 'k must be at least 1'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('k was %s.', COALESCE(k::text, 'NULL'));
    END IF;
    IF quasi_identifiers IS NULL OR pg_catalog.cardinality(quasi_identifiers) = 0
       OR pg_catalog.array_position(quasi_identifiers, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'quasi_identifiers must name at least one column'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The array is NULL, empty or contains NULL.',
                  HINT = 'Name the columns a reader can link to a person, e.g. ARRAY[''building'', ''unit''].';
    END IF;
    -- jsonb_build_object takes at most 100 arguments (50 key/value pairs).
    IF pg_catalog.cardinality(quasi_identifiers) > 50 THEN
        RAISE EXCEPTION 'at most 50 quasi-identifiers are supported'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(q.col), ', ' ORDER BY q.ord) INTO v_dup
      FROM (SELECT DISTINCT ON (u.col) u.col, u.ord
              FROM pg_catalog.unnest(quasi_identifiers) WITH ORDINALITY u(col, ord)
             WHERE (SELECT pg_catalog.count(*) FROM pg_catalog.unnest(quasi_identifiers) v(col)
                     WHERE v.col = u.col) > 1
             ORDER BY u.col, u.ord) q;
    IF v_dup IS NOT NULL THEN
        RAISE EXCEPTION 'quasi_identifiers names a column more than once'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Repeated: %s.', v_dup);
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(u.col), ', ' ORDER BY u.ord) INTO v_missing
      FROM pg_catalog.unnest(quasi_identifiers) WITH ORDINALITY u(col, ord)
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = target AND a.attname = u.col
                          AND a.attnum > 0 AND NOT a.attisdropped);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'quasi-identifier columns do not exist in %', target
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Not columns of %s: %s.', target, v_missing);
    END IF;

    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO from_clause
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = target;
    SELECT pg_catalog.string_agg(pg_catalog.format('t.%I', u.col), ', ' ORDER BY u.ord),
           'pg_catalog.jsonb_build_object('
           || pg_catalog.string_agg(pg_catalog.format('%L::text, t.%I', u.col, u.col), ', ' ORDER BY u.ord)
           || ')'
      INTO group_columns, group_json
      FROM pg_catalog.unnest(quasi_identifiers) WITH ORDINALITY u(col, ord);
END;
$$;

COMMENT ON FUNCTION mask._linkability_query(regclass, name[], integer) IS
'Internal: validates the arguments of mask.linkability() and builds its grouping query from catalog names.';

CREATE FUNCTION mask.linkability(view regclass, quasi_identifiers name[], k integer DEFAULT 5)
RETURNS TABLE (group_values jsonb, group_size bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q record;
BEGIN
    q := mask._linkability_query(linkability.view, linkability.quasi_identifiers, linkability.k);
    -- Groups by the columns themselves (their own equality), names each
    -- group as jsonb; smallest groups first, ties in a fixed (byte) order.
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT %s AS group_values, pg_catalog.count(*) AS group_size'
        ' FROM %s t GROUP BY %s HAVING pg_catalog.count(*) < $1'
        ' ORDER BY 2, (%s)::text COLLATE "C"',
        q.group_json, q.from_clause, q.group_columns, q.group_json)
        USING linkability.k;
END;
$$;

COMMENT ON FUNCTION mask.linkability(regclass, name[], integer) IS
'The groups of rows of a (masked) view that share the same values of the quasi-identifier columns and number fewer than k, with their size: the rows a neighbour could still link to one household. Runs with the caller''s rights.';

CREATE FUNCTION mask.linkability_summary(view regclass, quasi_identifiers name[], k integer DEFAULT 5)
RETURNS TABLE (min_group_size bigint, groups_below_k bigint, rows_below_k bigint,
               share_below_k double precision, total_rows bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q record;
BEGIN
    q := mask._linkability_query(linkability_summary.view, linkability_summary.quasi_identifiers,
                                 linkability_summary.k);
    -- An empty view has no groups: min_group_size and share_below_k are NULL.
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT pg_catalog.min(g.n), pg_catalog.count(*) FILTER (WHERE g.n < $1),'
        ' COALESCE(pg_catalog.sum(g.n) FILTER (WHERE g.n < $1), 0)::bigint,'
        ' COALESCE(pg_catalog.sum(g.n) FILTER (WHERE g.n < $1), 0)::double precision'
        '   / NULLIF(pg_catalog.sum(g.n), 0)::double precision,'
        ' COALESCE(pg_catalog.sum(g.n), 0)::bigint'
        ' FROM (SELECT pg_catalog.count(*) AS n FROM %s t GROUP BY %s) g',
        q.from_clause, q.group_columns)
        USING linkability_summary.k;
END;
$$;

COMMENT ON FUNCTION mask.linkability_summary(regclass, name[], integer) IS
'Summary of mask.linkability(): smallest group, number of groups and of rows in groups below k, their share of all rows, and the row count. Runs with the caller''s rights.';
