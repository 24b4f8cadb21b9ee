-- Benchmark helpers, created after the data is loaded:
--   bench.time_query(q)   runs one statement server-side and returns its wall
--                         and on-CPU time in ms (no psql round trip, no result
--                         transfer: the result is discarded inside the backend)
--   bench.amounts         a 1,000,000-row numeric column for generalize()
--                         when billing.arrears is smaller than that
--
--   psql -v rows=1000000 -f bench/prepare.sql

\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS bench;

-- Two clocks per statement: wall time, and the backend's own time on a CPU
-- from /proc/self/schedstat (ns, scheduler accounting). On a shared machine
-- the second leaves out the time the backend sat runnable while other
-- processes had the cores, which is most of the run-to-run noise; both are
-- reported. (clock_timestamp(), not now(): now() is frozen for the
-- transaction.)
CREATE OR REPLACE FUNCTION bench.cpu_ns()
RETURNS bigint
LANGUAGE sql VOLATILE
AS $$
    SELECT pg_catalog.split_part(pg_catalog.pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint
$$;
COMMENT ON FUNCTION bench.cpu_ns() IS 'ns this backend has spent on a CPU (Linux schedstat)';

DROP FUNCTION IF EXISTS bench.time_query(text);
CREATE FUNCTION bench.time_query(query text, OUT wall_ms double precision, OUT cpu_ms double precision)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t0 timestamptz;
    c0 bigint;
BEGIN
    c0 := bench.cpu_ns();
    t0 := pg_catalog.clock_timestamp();
    EXECUTE query;
    wall_ms := 1000 * extract(epoch FROM pg_catalog.clock_timestamp() - t0);
    cpu_ms := (bench.cpu_ns() - c0) / 1e6;
END
$$;
COMMENT ON FUNCTION bench.time_query(text) IS
    'wall and on-CPU time in ms of one statement run inside the backend (result discarded)';

-- generalize() needs a numeric column of the benchmark size. billing.arrears
-- covers only the households in arrears, so unless it is already big enough we
-- derive one deterministic amount per household instead.
SELECT count(*) >= :rows AS arrears_big FROM billing.arrears \gset
DROP TABLE IF EXISTS bench.amounts;
\if :arrears_big
CREATE TABLE bench.amounts AS
    SELECT arrear_id AS id, amount FROM billing.arrears ORDER BY arrear_id LIMIT :rows;
\else
CREATE TABLE bench.amounts AS
    SELECT household_id AS id,
           round((abs(pg_catalog.hashint8(household_id)) % 5000000) / 100.0, 2)::numeric(10,2) AS amount
    FROM billing.households ORDER BY household_id LIMIT :rows;
\endif
COMMENT ON TABLE bench.amounts IS 'numeric amounts for the generalize() benchmark';
