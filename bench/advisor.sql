-- The k-anonymity advisor on the demo data (issue 14): psql -f bench/advisor.sql
-- in a database prepared by demo/generate_data.sql (460,000 households) and
-- demo/policies.sql.  Runs mask.advise() on the notice policy with the
-- quasi-identifiers (address, holder_name, balance), k = 5, with and without
-- 1% suppression, then the exhaustive evaluation of every node for the same
-- questions, and checks that both give the same minimal nodes and figures.
\set ON_ERROR_STOP on
\encoding UTF8
\pset footer off
SET search_path = pg_catalog, pg_temp;
CREATE TEMPORARY TABLE runs (mode text, qi text, ms real, seconds numeric, result jsonb);
CREATE FUNCTION pg_temp.run(mode text, qi name[], ms real) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t timestamptz := clock_timestamp(); r jsonb;
BEGIN
    SELECT jsonb_agg(to_jsonb(a) ORDER BY a.rank) INTO r
      FROM mask.advise('arrears_notice', 'billing.households', qi, 5, ms,
                       exhaustive => mode = 'exhaustive') a;
    INSERT INTO runs VALUES (mode, array_to_string(qi, ', '), ms,
                             round(extract(epoch FROM clock_timestamp() - t)::numeric, 1), r);
END $$;
SELECT pg_temp.run('flash', ARRAY['address', 'holder_name', 'balance'], 0);
SELECT pg_temp.run('flash', ARRAY['address', 'holder_name', 'balance'], 0.01);
SELECT pg_temp.run('flash', ARRAY['address', 'holder_name'], 0);
SELECT pg_temp.run('flash', ARRAY['address', 'holder_name'], 0.01);
SELECT pg_temp.run('exhaustive', ARRAY['address', 'holder_name', 'balance'], 0);
SELECT pg_temp.run('exhaustive', ARRAY['address', 'holder_name', 'balance'], 0.01);

SELECT r.mode, r.qi, r.ms AS max_suppressed, r.seconds,
       (r.result -> 0 ->> 'nodes_evaluated') AS evaluated, (r.result -> 0 ->> 'lattice_size') AS lattice,
       jsonb_array_length(r.result) AS minimal_nodes
  FROM runs r ORDER BY r.qi DESC, r.ms, r.mode DESC;
SELECT r.qi, r.ms AS max_suppressed, (e.result - 'nodes_evaluated') IS NOT NULL AND
       (SELECT jsonb_agg(x - 'nodes_evaluated') FROM jsonb_array_elements(r.result) x)
       = (SELECT jsonb_agg(x - 'nodes_evaluated') FROM jsonb_array_elements(e.result) x) AS flash_equals_exhaustive
  FROM runs r JOIN runs e ON e.qi = r.qi AND e.ms = r.ms AND e.mode = 'exhaustive'
 WHERE r.mode = 'flash';
SELECT r.qi, r.ms AS max_suppressed, (x ->> 'rank')::int AS rank, x -> 'rules' AS rules,
       x ->> 'min_group_size' AS min_group, x ->> 'rows_suppressed' AS suppressed,
       round((x ->> 'share_suppressed')::numeric, 4) AS share, round((x ->> 'avg_group_size')::numeric, 1) AS avg_group
  FROM runs r, jsonb_array_elements(r.result) x
 WHERE r.mode = 'flash' ORDER BY r.qi DESC, r.ms, rank;
