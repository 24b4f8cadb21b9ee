-- Masked view against raw table (issue 3): server-side COPY of every row of
-- notice.households (the arrears_notice policy's view, set up by
-- demo/policies.sql) and of billing.households to /dev/null, interleaved,
-- median of :runs runs after one warm-up round. COPY, not SELECT, because
-- that is what a notice print does: every column of every visible row is
-- converted to text, so the masked view pays for its functions on every value.
--
-- Two settings: parallelism off (the cost of masking alone) and the server's
-- defaults (what a member's print run gets).
--
--   psql -v runs=5 -f bench/views.sql

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;
-- remembered before anything below changes it
SELECT pg_catalog.current_setting('max_parallel_workers_per_gather') AS default_workers \gset
SET bench.default_workers = :default_workers;

\echo 'rows: raw table vs masked view (the view keeps only households in arrears):'
SELECT (SELECT count(*) FROM billing.households) AS raw_rows,
       (SELECT count(*) FROM notice.households)  AS masked_rows;

\echo 'the view as generated:'
SELECT pg_catalog.pg_get_viewdef('notice.households'::regclass, true) AS definition;

-- The target compares the view with the whole raw table, as a print run
-- would otherwise read it. The view returns fewer rows (its row filter) and
-- fewer columns (hidden ones), which flatters it; so a third query reads the
-- raw table with the view's own row filter and column list, and the masked /
-- same-rows ratio is the cost of the masking expressions alone. The filter is
-- taken from the auditor view mask.protected_tables, as the admin wrote it.
SELECT pg_catalog.format('COPY (SELECT %s FROM billing.households%s) TO %L',
           (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
              FROM pg_catalog.pg_attribute AS a
             WHERE a.attrelid = 'notice.households'::regclass AND a.attnum > 0 AND NOT a.attisdropped
               -- generated views keep the raw column names
               AND EXISTS (SELECT FROM pg_catalog.pg_attribute AS ra
                            WHERE ra.attrelid = 'billing.households'::regclass
                              AND ra.attname = a.attname AND NOT ra.attisdropped)),
           (SELECT ' WHERE ' || t.row_filter
              FROM mask.protected_tables AS t
             WHERE t.relation = 'billing.households'::regclass AND t.view = 'notice.households'),
           '/dev/null') AS same_rows_query \gset
\echo 'raw, same rows and columns as the view:' :'same_rows_query'
SET bench.same_rows_query = :'same_rows_query';

DROP TABLE IF EXISTS bench.view_run;
CREATE TABLE bench.view_run (
    setting text NOT NULL,
    kind    text NOT NULL,   -- raw | same rows | masked
    round   int NOT NULL,
    wall_ms double precision NOT NULL,
    cpu_ms  double precision NOT NULL   -- this backend only (not parallel workers)
);

SET bench.runs = :runs;
DO $$
DECLARE
    s text;
    r int;
BEGIN
    FOREACH s IN ARRAY ARRAY['parallel off', 'server defaults'] LOOP
        IF s = 'parallel off' THEN
            PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', '0', true);
        ELSE
            PERFORM pg_catalog.set_config('max_parallel_workers_per_gather',
                                          pg_catalog.current_setting('bench.default_workers'), true);
        END IF;
        FOR r IN 0 .. pg_catalog.current_setting('bench.runs')::int LOOP
            INSERT INTO bench.view_run SELECT s, 'raw', r, t.* FROM bench.time_query(
                $q$COPY (SELECT * FROM billing.households) TO '/dev/null'$q$) AS t;
            INSERT INTO bench.view_run SELECT s, 'masked', r, t.* FROM bench.time_query(
                $q$COPY (SELECT * FROM notice.households) TO '/dev/null'$q$) AS t;
            INSERT INTO bench.view_run SELECT s, 'same rows', r, t.* FROM bench.time_query(
                pg_catalog.current_setting('bench.same_rows_query')) AS t;
        END LOOP;
    END LOOP;
END
$$;

\set metric wall_ms
\set metric_title 'wall-clock time'
\ir views_report.sql
\set metric cpu_ms
\set metric_title 'on-CPU time of the backend (parallel workers, if any, not counted)'
\ir views_report.sql

\echo 'plan of the masked-view scan with the server defaults:'
SET max_parallel_workers_per_gather = :default_workers;
EXPLAIN (COSTS OFF) SELECT * FROM notice.households;

\echo 'plan of the masked-view scan with parallel costs zeroed (can it parallelise at all?):'
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM notice.households;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
