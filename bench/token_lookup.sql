-- Lookups by pseudonym token (issue 12): what a lookup by the token printed
-- on a notice costs today through the generated view, and what an index on
-- a token table would give, with its cost on writes.  A measurement for
-- bench/RESULTS.md; the token table itself is a prototype in schema bench,
-- not part of maskview.
--
--   psql -v runs=5 -f bench/token_lookup.sql   (after demo/policies.sql)

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;

-- One token as printed on a notice.
SELECT account_no AS token FROM notice.households ORDER BY household_id OFFSET 5000 LIMIT 1 \gset

-- The prototype: one token per household under a 32-byte key (the cost of
-- the hash does not depend on the key), indexed.
DROP TABLE IF EXISTS bench.token_proto, bench.hh_plain, bench.hh_token, bench.hh_token_tokens,
                     bench.lookup_run;
CREATE TABLE bench.token_proto AS
SELECT household_id,
       mask.pseudonym(account_no, '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea, 8) AS token
FROM billing.households;
CREATE INDEX ON bench.token_proto (token);
ANALYZE bench.token_proto;
SELECT token AS proto_token FROM bench.token_proto ORDER BY household_id OFFSET 5000 LIMIT 1 \gset

CREATE TABLE bench.lookup_run (kind text, round int, wall_ms double precision, cpu_ms double precision);
SET bench.token = :'token';
SET bench.proto_token = :'proto_token';
SET bench.runs = :runs;
DO $$
DECLARE
    r int;
BEGIN
    FOR r IN 0 .. current_setting('bench.runs')::int LOOP
        INSERT INTO bench.lookup_run SELECT 'view (server defaults)', r, t.* FROM bench.time_query(format(
            'SELECT * FROM notice.households WHERE account_no = %L', current_setting('bench.token'))) AS t;
        INSERT INTO bench.lookup_run SELECT 'token table + index', r, t.* FROM bench.time_query(format(
            'SELECT h.* FROM billing.households AS h JOIN bench.token_proto AS k USING (household_id) '
            'WHERE k.token = %L', current_setting('bench.proto_token'))) AS t;
    END LOOP;
END
$$;

-- Writes: 100,000 inserts into a copy of the table, without and with a
-- statement-level trigger (transition table) that hashes and indexes the
-- new tokens.
CREATE TABLE bench.hh_plain (LIKE billing.households INCLUDING INDEXES);
CREATE TABLE bench.hh_token (LIKE billing.households INCLUDING INDEXES);
CREATE TABLE bench.hh_token_tokens (household_id bigint PRIMARY KEY, token text NOT NULL);
CREATE INDEX ON bench.hh_token_tokens (token);
CREATE FUNCTION bench.hh_token_ins() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO bench.hh_token_tokens
    SELECT n.household_id,
           mask.pseudonym(n.account_no, '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea, 8)
    FROM new_rows AS n;
    RETURN NULL;
END
$f$;
CREATE TRIGGER hh_token_ins AFTER INSERT ON bench.hh_token
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bench.hh_token_ins();
DO $$
DECLARE
    r int;
BEGIN
    FOR r IN 0 .. current_setting('bench.runs')::int LOOP
        TRUNCATE bench.hh_plain, bench.hh_token, bench.hh_token_tokens;
        INSERT INTO bench.lookup_run SELECT 'insert 100k, plain', r, t.* FROM bench.time_query(
            'INSERT INTO bench.hh_plain SELECT * FROM billing.households ORDER BY household_id LIMIT 100000') AS t;
        INSERT INTO bench.lookup_run SELECT 'insert 100k, with token trigger', r, t.* FROM bench.time_query(
            'INSERT INTO bench.hh_token SELECT * FROM billing.households ORDER BY household_id LIMIT 100000') AS t;
    END LOOP;
END
$$;

\echo 'lookup of one household by its token, and inserts (median of' :runs 'runs, ms)'
SELECT kind, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms)::numeric, 2) AS "ms wall",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_ms)::numeric, 2) AS "ms on-CPU"
FROM bench.lookup_run WHERE round > 0 GROUP BY kind ORDER BY min(round), kind;
\echo 'plan of the lookup through the view:'
EXPLAIN (COSTS OFF) SELECT * FROM notice.households WHERE account_no = :'token';
DROP TABLE bench.token_proto, bench.hh_plain, bench.hh_token, bench.hh_token_tokens;
DROP FUNCTION bench.hh_token_ins();
