-- Function benchmark (issue 2): each masking function against the nearest
-- hand-written SQL in core PostgreSQL and a raw-column baseline, on the
-- benchmark tables, parallelism and JIT off, median of :runs runs.
--
-- Each query is `SELECT sum(length(<expr>)) FROM <table>`, so the backend
-- evaluates the expression once per row but sends one row back; subtracting the
-- baseline (`sum(length(col))`) leaves the cost of the expression itself.
-- generalize() returns a range, which has no length(): that pair uses
-- `count(<expr>)` for all three queries instead.
--
-- Runs are interleaved (baseline, fn, SQL for every pair, then the next round)
-- so that drift (turbo, a neighbour's load) hits all three alike; round 0 is a
-- warm-up (ICU break iterator, NFKC tables, catalog caches) and is discarded.
--
--   psql -v runs=5 -f bench/functions.sql

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET jit = off;

DROP TABLE IF EXISTS bench.pair, bench.fn_run;

CREATE TABLE bench.pair (
    ord       int PRIMARY KEY,
    name      text NOT NULL,   -- the maskview function
    fn_expr   text NOT NULL,
    sql_expr  text NOT NULL,
    agg       text NOT NULL DEFAULT 'sum(length(%s))',
    tbl       text NOT NULL,
    col       text NOT NULL,
    source    text GENERATED ALWAYS AS (tbl || '.' || col) STORED,
    nrows     bigint
);

-- The pairs exactly as issue 2 lists them; v is the column.
INSERT INTO bench.pair (ord, name, tbl, col, fn_expr, sql_expr) VALUES
 (1, 'cn_name',        'billing.households', 'holder_name',
     'mask.cn_name(v)',      $q$left(v,1)||repeat('*',char_length(v)-1)$q$),
 (2, 'partial(v,3,4)', 'billing.households', 'mobile',
     'mask.partial(v,3,4)',  $q$left(v,3)||repeat('*',char_length(v)-7)||right(v,4)$q$),
 (3, 'cn_phone',       'billing.households', 'mobile',
     'mask.cn_phone(v)',     $q$overlay(v placing '****' from 4 for 4)$q$),
 (4, 'email',          'billing.households', 'email',
     'mask.email(v)',        $q$left(v,1)||'***'||substr(v,strpos(v,'@'))$q$),
 (5, 'cn_id_card',     'billing.households', 'id_card',
     'mask.cn_id_card(v)',   $q$left(v,1)||repeat('*',16)||right(v,1)$q$),
 (6, 'bank_card',      'billing.households', 'bank_card',
     'mask.bank_card(v)',    $q$left(v,6)||repeat('*',char_length(v)-10)||right(v,4)$q$),
 (7, 'cn_address',     'billing.households', 'address',
     'mask.cn_address(v)',   $q$regexp_replace(v,'^(.*?[区县]).*$','\1****')$q$),
 -- a fixed 32-byte key, as a policy would supply; default length 12
 (8, 'pseudonym',      'billing.households', 'account_no',
     $q$mask.pseudonym(v, '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea)$q$,
     'md5(v)');
INSERT INTO bench.pair (ord, name, tbl, col, fn_expr, sql_expr, agg) VALUES
 (9, 'generalize(numeric)', 'bench.amounts', 'amount',
     'mask.generalize(v, 100::numeric)',
     'numrange(floor(v/100)*100, floor(v/100)*100+100)',
     'count(%s)');

DO $$
DECLARE
    p bench.pair;
BEGIN
    FOR p IN SELECT * FROM bench.pair LOOP
        EXECUTE format('SELECT count(*) FROM %s', p.tbl) INTO p.nrows;
        UPDATE bench.pair SET nrows = p.nrows WHERE ord = p.ord;
    END LOOP;
END
$$;

CREATE TABLE bench.fn_run (
    ord   int NOT NULL,
    kind  text NOT NULL,   -- baseline | fn | sql
    round int NOT NULL,
    wall_ms double precision NOT NULL,
    cpu_ms  double precision NOT NULL
);

-- The queries run by name below; replace(…, 'v', …) would also hit the v in
-- '\x…' keys or function names, so the column is substituted with regexp word
-- boundaries.
CREATE OR REPLACE FUNCTION bench.pair_query(p bench.pair, kind text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('SELECT %s FROM %s',
                  format(p.agg,
                         regexp_replace(CASE kind WHEN 'fn' THEN p.fn_expr
                                                  WHEN 'sql' THEN p.sql_expr
                                                  ELSE 'v' END,
                                        '\mv\M', p.col, 'g')),
                  p.tbl)
$$;

\echo 'queries:'
SELECT name, k.kind, bench.pair_query(p, k.kind) AS query
FROM bench.pair AS p
CROSS JOIN (VALUES (1, 'baseline'), (2, 'fn'), (3, 'sql')) AS k(i, kind)
ORDER BY p.ord, k.i;

\echo 'timing (round 0 is a warm-up) ...'
SET bench.runs = :runs;
DO $$
DECLARE
    p bench.pair;
    k text;
    r int;
BEGIN
    FOR r IN 0 .. current_setting('bench.runs')::int LOOP
        FOR p IN SELECT * FROM bench.pair ORDER BY ord LOOP
            FOREACH k IN ARRAY ARRAY['baseline', 'fn', 'sql'] LOOP
                INSERT INTO bench.fn_run
                SELECT p.ord, k, r, t.wall_ms, t.cpu_ms
                FROM bench.time_query(bench.pair_query(p, k)) AS t;
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;


-- The report, once per clock: :metric is wall_ms or cpu_ms.
\set metric cpu_ms
\set metric_title 'on-CPU time of the backend (other processes queueing for the cores left out)'
\ir functions_report.sql
\set metric wall_ms
\set metric_title 'wall-clock time'
\ir functions_report.sql
