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

-- One row per column: its raw, floor, maskview, SQL and anon expression.
DROP TABLE IF EXISTS bench.six_col, bench.six_run;
CREATE TABLE bench.six_col (
    ord      int PRIMARY KEY,
    col      text NOT NULL,
    fn       text NOT NULL,
    rule     text NOT NULL,         -- the maskview rule of the column
    floor_x  text NOT NULL,
    sql_x    text NOT NULL,
    anon_x   text NOT NULL
);
INSERT INTO bench.six_col VALUES
 (1, 'account_no', 'pseudonym', 'mask.pseudonym(account_no)',
     $q$bench.floor_hmac(account_no, '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea, 12)$q$,
     $q$left(encode(sha256('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea || convert_to(account_no, 'UTF8')), 'hex'), 12)$q$,
     $q$left(anon.digest(account_no, 'bench-salt', 'sha256'), 12)$q$),
 (2, 'holder_name', 'cn_name', 'mask.cn_name(holder_name)', 'bench.floor_copy(holder_name)',
     $q$left(holder_name, 1) || repeat('*', char_length(holder_name) - 1)$q$,
     $q$anon.partial(holder_name, 1, '**', 0)$q$),
 (3, 'mobile', 'cn_phone', 'mask.cn_phone(mobile)', 'bench.floor_copy(mobile)',
     $q$overlay(mobile placing '****' from 4 for 4)$q$,
     $q$anon.partial(mobile, 3, '****', 4)$q$),
 (4, 'id_card', 'cn_id_card', 'mask.cn_id_card(id_card)', 'bench.floor_copy(id_card)',
     $q$left(id_card, 1) || repeat('*', 16) || right(id_card, 1)$q$,
     $q$anon.partial(id_card, 1, '****************', 1)$q$),
 (5, 'address', $q$cn_address(…, 'unit')$q$, $q$mask.cn_address(address, 'unit')$q$, 'bench.floor_copy(address)',
     $q$regexp_replace(address, '^(.*?单元).*$', '\1****')$q$,
     $q$anon.partial(address, 9, '****', 0)$q$),
 (6, 'email', 'email', 'mask.email(email)', 'bench.floor_copy(email)',
     $q$left(email, 1) || '***' || substr(email, strpos(email, '@'))$q$,
     $q$anon.partial_email(email)$q$);

-- The policy: the six columns masked, every other column hidden, no row filter.
\o /dev/null
SELECT mask.create_policy('bench_six', 'bench_six', 'make bench: six masked columns');
SELECT mask.protect('bench_six', 'billing.households');
SELECT mask.set_rule('bench_six', 'billing.households', c.col, c.rule)
FROM bench.six_col AS c ORDER BY c.ord;
\o

SELECT EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'anon') AS has_anon \gset
\if :has_anon
CREATE EXTENSION IF NOT EXISTS anon CASCADE;
\else
\echo 'PostgreSQL Anonymizer (extension anon) is not installed: its column is left out'
\endif
SET bench.has_anon = :'has_anon';

-- What each kind reads: the relation, and the column of bench.six_col that
-- holds its expression (maskview reads the plain column of the generated view).
CREATE TEMP TABLE six_kind (kind text PRIMARY KEY, ord int, source text, expr text);
INSERT INTO six_kind VALUES
    ('raw', 1, 'billing.households', 'col'),
    ('floor', 2, 'billing.households', 'floor_x'),
    ('maskview', 3, 'bench_six.households', 'col'),
    ('SQL', 4, 'billing.households', 'sql_x'),
    ('anon', 5, 'billing.households', 'anon_x');
DELETE FROM six_kind WHERE kind = 'anon' AND NOT current_setting('bench.has_anon')::boolean;

-- The whole views (six columns each) as queries over billing.households, the
-- maskview one through the generated view.
CREATE TEMP TABLE six_query (kind text PRIMARY KEY, ord int, q text);
INSERT INTO six_query
SELECT k.kind, k.ord,
       format('COPY (SELECT %s FROM %s) TO %L',
              string_agg(to_jsonb(c) ->> k.expr, ', ' ORDER BY c.ord), k.source, '/dev/null')
FROM six_kind AS k, bench.six_col AS c
GROUP BY k.kind, k.ord, k.source;

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
            FOR k IN SELECT * FROM six_kind WHERE kind <> 'anon' ORDER BY ord LOOP
                INSERT INTO bench.six_run SELECT 'serial', k.kind, c.col, r, t.* FROM bench.time_query(
                    format('COPY (SELECT %s FROM %s) TO %L',
                           to_jsonb(c) ->> k.expr, k.source, '/dev/null')) AS t;
            END LOOP;
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
