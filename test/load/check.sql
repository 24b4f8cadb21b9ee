-- Load test (test/load/load_test.sh): after the run, compares every value the
-- member clients recorded in mvload_log.seen with the raw tables.  Prints
-- key=value lines that load_test.sh reads.
--
-- A value is a leak when it equals a raw name, phone, ID number, address,
-- bank card, email or account number of any household (in any column), or
-- when one of the personal columns shows a run of 7 or more digits once
-- spaces and hyphens are removed (no mask keeps that many: a mobile keeps
-- 3 + 4, an ID number at most 6 + 4, a card 6 + 4).  Rows of phase 0 are the
-- control: raw values planted on purpose, which the check must find.

\set ON_ERROR_STOP on
\encoding UTF8
SET client_min_messages = warning;
SET search_path = pg_catalog, pg_temp;
\pset tuples_only on
\pset format unaligned

CREATE TEMP TABLE raw_value AS
SELECT DISTINCT x.v
  FROM billing.households AS h,
       LATERAL (VALUES (h.holder_name), (h.mobile), (h.landline), (h.id_card), (h.address),
                       (h.bank_card), (h.email), (h.account_no)) AS x(v)
 WHERE x.v IS NOT NULL AND pg_catalog.length(x.v) >= 2;
ANALYZE raw_value;

-- The control: one raw value of each kind, planted as if a member had read it.
INSERT INTO mvload_log.seen (client, phase, kind, col, val)
SELECT -1, 0, 'control', x.col, x.val
  FROM (SELECT h.* FROM billing.households AS h
         WHERE h.mobile ~ '^1[0-9]{10}$' AND h.id_card IS NOT NULL AND h.address IS NOT NULL
         ORDER BY h.household_id LIMIT 1) AS h,
       LATERAL (VALUES ('holder_name', h.holder_name),
                       ('mobile', 'tel. ' || h.mobile),           -- inside other text
                       ('id_card', h.id_card),
                       ('address', h.address)) AS x(col, val);

CREATE TEMP VIEW leak AS
SELECT s.*, 'equals a raw value' AS why
  FROM mvload_log.seen AS s
 WHERE s.val IN (SELECT r.v FROM raw_value AS r)
UNION ALL
SELECT s.*, 'run of 7+ digits'
  FROM mvload_log.seen AS s
 WHERE s.col IN ('holder_name', 'mobile', 'landline', 'id_card', 'address', 'bank_card', 'email')
   AND pg_catalog.translate(s.val, ' -', '') ~ '[0-9]{7}';

SELECT 'values_seen=' || pg_catalog.count(*) FROM mvload_log.seen WHERE phase > 0;
SELECT 'values_seen_' || kind || '=' || pg_catalog.count(*)
  FROM mvload_log.seen WHERE phase > 0 GROUP BY kind ORDER BY kind;
SELECT 'control_planted=' || pg_catalog.count(*) FROM mvload_log.seen WHERE phase = 0;
SELECT 'control_found=' || pg_catalog.count(DISTINCT col) FROM leak WHERE phase = 0;
SELECT 'leaks=' || pg_catalog.count(*) FROM leak WHERE phase > 0;
-- The first few leaks, if any, to debug with (they are synthetic data).
SELECT 'leak_example=' || phase || ' ' || kind || ' ' || col || ' ' || why
  FROM leak WHERE phase > 0 LIMIT 5;

-- The admin's changes reached the members: ID numbers were seen both in the
-- tight form (no digit kept) and in the loose form (6 + 4 digits kept).
SELECT 'id_tight_phase' || phase || '=' || pg_catalog.count(*) FILTER (WHERE val !~ '[0-9]')
       || E'\nid_loose_phase' || phase || '=' || pg_catalog.count(*) FILTER (WHERE val ~ '^[0-9]{6}')
  FROM mvload_log.seen WHERE col = 'id_card' AND kind IN ('point', 'page') AND phase > 0
 GROUP BY phase ORDER BY phase;
-- Key rotations seen by members: bills looked up more than once whose token changed.
SELECT 'tokens_changed_phase' || phase || '=' || pg_catalog.count(*)
  FROM (SELECT phase, ref FROM mvload_log.seen
         WHERE kind = 'point' AND col = 'account_no' AND phase > 0
         GROUP BY phase, ref HAVING pg_catalog.count(DISTINCT val) > 1) AS t
 GROUP BY phase ORDER BY phase;

DELETE FROM mvload_log.seen WHERE phase = 0;
