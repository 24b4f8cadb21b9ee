-- Do queries calling the masking functions parallelise? Every function must be
-- IMMUTABLE PARALLEL SAFE; with parallel costs zeroed the planner must then
-- choose a Gather over a Parallel Seq Scan. Run with ANALYZE so that the
-- workers actually launched are shown, not only planned.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;

\echo 'masking functions that are not IMMUTABLE PARALLEL SAFE (expect none):'
SELECT p.oid::regprocedure AS function, p.provolatile, p.proparallel
FROM pg_catalog.pg_proc AS p
JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname = 'mask'
  AND p.proname IN ('cn_name', 'partial', 'cn_phone', 'email', 'cn_id_card',
                    'bank_card', 'cn_address', 'pseudonym', 'generalize', 'redact', 'digits')
  AND (p.provolatile <> 'i' OR p.proparallel <> 's');

SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;

-- A scan calling every masking function, planned twice below (a view is
-- expanded into the query that reads it, so the plan is the scan's own).
CREATE TEMPORARY VIEW every_mask (names, mobiles, landlines, emails, id_cards, cards, addresses,
                                  pseudonyms, bands) AS
SELECT sum(length(mask.cn_name(holder_name))),
       sum(length(mask.partial(mobile, 3, 4))),
       sum(length(mask.cn_phone(landline))),
       sum(length(mask.email(email))),
       sum(length(mask.cn_id_card(id_card))),
       sum(length(mask.bank_card(bank_card))),
       sum(length(mask.cn_address(address))),
       sum(length(mask.pseudonym(account_no,
           '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea))),
       count(mask.generalize(household_id, 1000::bigint))
FROM billing.households;

\echo 'plan of a scan calling every masking function, parallelism on:'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM every_mask;

\echo 'the same query, parallelism off (for the speed-up):'
SET max_parallel_workers_per_gather = 0;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM every_mask;
