-- The fast paths against the implementations they replaced (src/reference.c),
-- on the benchmark's own data: every demo address at every level, and every
-- account number's pseudonym.  Any difference is a bug; the benchmark run
-- reports the counts (test/sql/14_fast_paths.sql checks the same on
-- generated values in every test run).
--
--   psql -f bench/differential.sql

\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;
\ir ../test/sql/fixtures/reference_functions.sql
SELECT 'cn_address, 10 levels' AS compared, count(*) AS calls,
       count(*) FILTER (WHERE mask.cn_address(h.address, l) <> pg_temp.address_reference(h.address, l, '*', 4))
           AS different
FROM billing.households AS h,
     unnest('{province,city,district,town,road,community,building,unit,floor,room}'::text[]) AS l
UNION ALL
SELECT 'pseudonym (length 52)', count(*),
       count(*) FILTER (WHERE mask.pseudonym(h.account_no, k.key, 52)
                              <> pg_temp.pseudonym_reference(h.account_no, k.key, 52))
FROM billing.households AS h,
     (SELECT '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea AS key) AS k;
ROLLBACK;
