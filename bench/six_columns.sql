-- Six masked columns (issue 12): the maskview view against the raw columns,
-- the physical floor and a hand-written SQL view, in one run.
--
--   raw       COPY of the six raw columns of billing.households
--   floor     the same through a trivial C function per column (floor_copy:
--             returns a copy of its input) and, for the account number, a
--             keyed HMAC-SHA-256 with cached key state (floor_hmac); both
--             from bench/floor, built and loaded by run_bench.sh only
--   maskview  the view policy bench_six generates: pseudonym(account_no)
--             with the policy key, cn_name, cn_phone, cn_id_card,
--             cn_address(address, 'unit'), email
--   SQL       the nearest hand-written expressions in core PostgreSQL
--   anon      PostgreSQL Anonymizer's equivalents, when it is installed
--
-- Every statement is COPY (...) TO '/dev/null' of all 1M households run
-- inside the backend (bench.time_query), interleaved, round 0 a warm-up,
-- median of :runs.  Then each column alone, through each of the four, so
-- that the cost of each masked column inside the view is seen on its own
-- (a view column nobody selects is not computed).
--
--   psql -v runs=5 -v floor_lib=/path/floor.so -f bench/six_columns.sql

\set ON_ERROR_STOP on
\encoding UTF8
SET client_min_messages = warning;
SET jit = off;
SELECT pg_catalog.current_setting('max_parallel_workers_per_gather') AS default_workers \gset
SET max_parallel_workers_per_gather = 0;

-- The floor functions, from the cluster's copy of bench/floor/floor.so.
CREATE OR REPLACE FUNCTION bench.floor_copy(text) RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE AS :'floor_lib', 'floor_copy';
CREATE OR REPLACE FUNCTION bench.floor_hmac(text, bytea, integer) RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE AS :'floor_lib', 'floor_hmac';

-- The policy: six masked columns, every other column hidden, no row filter.
\o /dev/null
SELECT mask.create_policy('bench_six', 'bench_six', 'make bench: six masked columns');
SELECT mask.protect('bench_six', 'billing.households');
SELECT mask.set_rule('bench_six', 'billing.households', 'account_no', 'mask.pseudonym(account_no)');
SELECT mask.set_rule('bench_six', 'billing.households', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.set_rule('bench_six', 'billing.households', 'mobile', 'mask.cn_phone(mobile)');
SELECT mask.set_rule('bench_six', 'billing.households', 'id_card', 'mask.cn_id_card(id_card)');
SELECT mask.set_rule('bench_six', 'billing.households', 'address', $r$mask.cn_address(address, 'unit')$r$);
SELECT mask.set_rule('bench_six', 'billing.households', 'email', 'mask.email(email)');
\o

-- One row per column: its raw, floor, maskview, SQL and anon expression.
DROP TABLE IF EXISTS bench.six_col, bench.six_run;
CREATE TABLE bench.six_col (
    ord      int PRIMARY KEY,
    col      text NOT NULL,
    fn       text NOT NULL,
    floor_x  text NOT NULL,
    sql_x    text NOT NULL,
    anon_x   text NOT NULL
);
INSERT INTO bench.six_col VALUES
 (1, 'account_no', 'pseudonym',
     $q$bench.floor_hmac(account_no, '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea, 12)$q$,
     $q$left(encode(sha256('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea || convert_to(account_no, 'UTF8')), 'hex'), 12)$q$,
     $q$left(anon.digest(account_no, 'bench-salt', 'sha256'), 12)$q$),
 (2, 'holder_name', 'cn_name', 'bench.floor_copy(holder_name)',
     $q$left(holder_name, 1) || repeat('*', char_length(holder_name) - 1)$q$,
     $q$anon.partial(holder_name, 1, '**', 0)$q$),
 (3, 'mobile', 'cn_phone', 'bench.floor_copy(mobile)',
     $q$overlay(mobile placing '****' from 4 for 4)$q$,
     $q$anon.partial(mobile, 3, '****', 4)$q$),
 (4, 'id_card', 'cn_id_card', 'bench.floor_copy(id_card)',
     $q$left(id_card, 1) || repeat('*', 16) || right(id_card, 1)$q$,
     $q$anon.partial(id_card, 1, '****************', 1)$q$),
 (5, 'address', $q$cn_address(…, 'unit')$q$, 'bench.floor_copy(address)',
     $q$regexp_replace(address, '^(.*?单元).*$', '\1****')$q$,
     $q$anon.partial(address, 9, '****', 0)$q$),
 (6, 'email', 'email', 'bench.floor_copy(email)',
     $q$left(email, 1) || '***' || substr(email, strpos(email, '@'))$q$,
     $q$anon.partial_email(email)$q$);

SELECT EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'anon') AS has_anon \gset
\if :has_anon
CREATE EXTENSION IF NOT EXISTS anon CASCADE;
\else
\echo 'PostgreSQL Anonymizer (extension anon) is not installed: its column is left out'
\endif
SET bench.has_anon = :'has_anon';

-- The four whole views (six columns each) as queries over billing.households,
-- the maskview one through the generated view.
CREATE TEMP TABLE six_query (kind text PRIMARY KEY, ord int, q text);
INSERT INTO six_query
SELECT 'raw', 1, format('COPY (SELECT %s FROM billing.households) TO %L',
                        string_agg(col, ', ' ORDER BY ord), '/dev/null') FROM bench.six_col
UNION ALL
SELECT 'floor', 2, format('COPY (SELECT %s FROM billing.households) TO %L',
                          string_agg(floor_x, ', ' ORDER BY ord), '/dev/null') FROM bench.six_col
UNION ALL
SELECT 'maskview', 3, format('COPY (SELECT %s FROM bench_six.households) TO %L',
                             string_agg(col, ', ' ORDER BY ord), '/dev/null') FROM bench.six_col
UNION ALL
SELECT 'SQL', 4, format('COPY (SELECT %s FROM billing.households) TO %L',
                        string_agg(sql_x, ', ' ORDER BY ord), '/dev/null') FROM bench.six_col
UNION ALL
SELECT 'anon', 5, format('COPY (SELECT %s FROM billing.households) TO %L',
                         string_agg(anon_x, ', ' ORDER BY ord), '/dev/null') FROM bench.six_col
-- (HAVING, not WHERE: an aggregate over no rows would still give one row)
HAVING current_setting('bench.has_anon')::boolean;

\echo 'the generated view:'
SELECT pg_catalog.pg_get_viewdef('bench_six.households'::regclass, true) AS definition;

CREATE TABLE bench.six_run (
    setting text NOT NULL,
    kind    text NOT NULL,      -- raw | floor | maskview | SQL | anon
    col     text NOT NULL,      -- '(all six)' or one column
    round   int NOT NULL,
    wall_ms double precision NOT NULL,
    cpu_ms  double precision NOT NULL
);

SET bench.runs = :runs;
DO $$
DECLARE
    r int;
    c record;
    k record;
BEGIN
    FOR r IN 0 .. current_setting('bench.runs')::int LOOP
        FOR k IN SELECT * FROM six_query ORDER BY ord LOOP
            INSERT INTO bench.six_run SELECT 'serial', k.kind, '(all six)', r, t.*
            FROM bench.time_query(k.q) AS t;
        END LOOP;
        FOR c IN SELECT * FROM bench.six_col ORDER BY ord LOOP
            INSERT INTO bench.six_run SELECT 'serial', 'raw', c.col, r, t.* FROM bench.time_query(
                format('COPY (SELECT %s FROM billing.households) TO %L', c.col, '/dev/null')) AS t;
            INSERT INTO bench.six_run SELECT 'serial', 'floor', c.col, r, t.* FROM bench.time_query(
                format('COPY (SELECT %s FROM billing.households) TO %L', c.floor_x, '/dev/null')) AS t;
            INSERT INTO bench.six_run SELECT 'serial', 'maskview', c.col, r, t.* FROM bench.time_query(
                format('COPY (SELECT %s FROM bench_six.households) TO %L', c.col, '/dev/null')) AS t;
            INSERT INTO bench.six_run SELECT 'serial', 'SQL', c.col, r, t.* FROM bench.time_query(
                format('COPY (SELECT %s FROM billing.households) TO %L', c.sql_x, '/dev/null')) AS t;
        END LOOP;
    END LOOP;
END
$$;

-- With the server's default parallel settings: raw and maskview only.
SET max_parallel_workers_per_gather = :default_workers;
DO $$
DECLARE
    r int;
    k record;
BEGIN
    FOR r IN 0 .. current_setting('bench.runs')::int LOOP
        FOR k IN SELECT * FROM six_query WHERE kind IN ('raw', 'maskview') ORDER BY ord LOOP
            INSERT INTO bench.six_run SELECT 'server defaults', k.kind, '(all six)', r, t.*
            FROM bench.time_query(k.q) AS t;
        END LOOP;
    END LOOP;
END
$$;
\echo 'plan of the six-column masked view with the server defaults:'
EXPLAIN (COSTS OFF) SELECT * FROM bench_six.households;
SET max_parallel_workers_per_gather = 0;

SELECT count(*) AS rows FROM billing.households \gset
SET bench.rows = :rows;

\set metric wall_ms
\set metric_title 'wall-clock time'
\ir six_columns_report.sql
\set metric cpu_ms
\set metric_title 'on-CPU time of the backend (parallel workers, if any, not counted)'
\ir six_columns_report.sql
