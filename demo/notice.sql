-- The arrears notice before and after, as the people involved see it
-- (run by `make demo` after demo/policies.sql; it reconnects as each role):
--
--   billing_owner    prints the notice from the raw tables, as it was posted
--   notice_printer   prints the same notice with the same query text, which
--                    now resolves to the masked views of schema notice; tries
--                    the raw table and is refused
--   report_analyst   district statistics from schema report
--   privacy_auditor  reads the rules and the audit log and verifies its chain
--
-- and ends with the time to print every notice from the masked views
-- against the same query on the raw tables (median of 3, server side).
--
--   psql -f demo/notice.sql

\set ON_ERROR_STOP on
-- This file is UTF-8, whatever the database encoding (psql would otherwise
-- assume the server's encoding when not on a terminal).
\encoding UTF8
\pset footer off

-- The community whose notice is shown (the one demo/sample.sql shows), as
-- an address prefix.
SET search_path = pg_catalog, pg_temp;
\ir community.sql
SELECT pg_catalog.left(:'community', -4) AS prefix \gset

-- ---------------------------------------------------------------------------
\c - billing_owner
\echo
\echo '== BEFORE: the notice as posted in the lobby (billing_owner, raw tables billing.*)'
\set heading '欠费催缴通知 (before)'
\ir notice_print.sql
\set raw_ms :print_ms
\set raw_lines :print_lines

-- ---------------------------------------------------------------------------
\c - notice_printer
\echo '== AFTER: the same query run by notice_printer, whose search_path mask.add_member set:'
SELECT pg_catalog.current_setting('search_path') AS "search_path of notice_printer";
\set heading '欠费催缴通知 (after: 隐名化)'
\ir notice_print.sql
\set masked_ms :print_ms
\set masked_lines :print_lines

\echo '== What notice_printer can see of a household: the columns of notice.households'
SELECT * FROM notice.households ORDER BY account_no LIMIT 3;

\echo '== notice_printer tries the raw table:'
\echo 'SELECT holder_name, address FROM billing.households LIMIT 1;'
\set ON_ERROR_STOP off
SELECT holder_name, address FROM billing.households LIMIT 1;
\set ON_ERROR_STOP on

-- ---------------------------------------------------------------------------
\c - report_analyst
\echo
\echo '== report_analyst: bills in arrears by district and utility (schema report;'
\echo '   the views join on pseudonymised account numbers, amounts are bands)'
SELECT h.address AS district, a.utility,
       pg_catalog.count(*) AS bills,
       pg_catalog.count(DISTINCT h.account_no) AS households,
       pg_catalog.min(pg_catalog.lower(a.amount)) AS "amounts from",
       pg_catalog.max(pg_catalog.upper(a.amount)) AS "amounts below"
FROM report.households AS h
JOIN report.arrears AS a ON a.account_no = h.account_no
GROUP BY 1, 2
ORDER BY h.address COLLATE "C", a.utility;

-- ---------------------------------------------------------------------------
\echo
\echo '== Printing every notice (all households in arrears, every bill), server side, median of 3'
SELECT :'raw_lines'::bigint AS lines,
       pg_catalog.round(:'raw_ms'::numeric, 1) AS "raw tables (ms)",
       pg_catalog.round(:'masked_ms'::numeric, 1) AS "masked views (ms)",
       pg_catalog.round(:'masked_ms'::numeric / NULLIF(:'raw_ms'::numeric, 0), 2) AS "masked / raw";
\echo 'The masked side runs, per line, cn_name, cn_address and the HMAC-SHA-256 pseudonyms'
\echo 'of both views'' account numbers and household keys (the views join on the household'
\echo 'key token: the printer never needs a hidden column to join).'

-- ---------------------------------------------------------------------------
\c - privacy_auditor
\echo
\echo '== privacy_auditor: the rules (mask.rules; columns without a rule are hidden)'
SELECT r.policy, r.relation, r."column", r.action, r.expression, r.reason
FROM mask.rules AS r
ORDER BY r.policy, r.relation::text COLLATE "C", r.action, r."column";

\echo '== privacy_auditor: the audit log (mask.audit_log)'
SELECT l.id, l.login_role, l.action, l.policy, l.object
FROM mask.audit_log AS l
ORDER BY l.id;

SELECT CASE WHEN pg_catalog.count(*) = 0
            THEN 'intact: ' || (SELECT pg_catalog.count(*) FROM mask.audit_log) || ' entries, every hash recomputed'
            ELSE 'BROKEN at entry ' || pg_catalog.min(v.id) || ': ' || pg_catalog.min(v.problem) END
       AS "mask.verify_audit_log()"
FROM mask.verify_audit_log() AS v;

\echo '== privacy_auditor: mask.verify() (no error or warning row means clean)'
SELECT v.severity, pg_catalog.count(*) AS findings,
       pg_catalog.string_agg(DISTINCT v.object, ', ' ORDER BY v.object) AS objects
FROM mask.verify() AS v
GROUP BY v.severity ORDER BY v.severity;
SELECT CASE WHEN pg_catalog.count(*) = 0 THEN 'clean: no error or warning'
            ELSE pg_catalog.count(*) || ' errors or warnings' END AS "mask.verify()"
FROM mask.verify() AS v WHERE v.severity IN ('error', 'warning');

\echo '== privacy_auditor: personal data by column (mask.detect), and which policies mask it'
SELECT d.relation, d."column", d.pii_type, pg_catalog.round(d.confidence::numeric, 2) AS confidence,
       d.suggested_rule, d.covered_by
FROM mask.detect('billing') AS d
ORDER BY d.relation::text COLLATE "C", d."column";

\echo '== privacy_auditor: can a posted notice single out a household? (mask.linkability)'
\echo '   notices grouped by what a neighbour reads: the masked address (to the unit) and surname'
SELECT s.min_group_size, s.groups_below_k, s.rows_below_k,
       pg_catalog.round(s.share_below_k::numeric, 3) AS share_below_k, s.total_rows
FROM mask.linkability_summary('notice.households', ARRAY['address', 'holder_name'], 5) AS s;
\echo '   a few of the groups smaller than k = 5 (each is a notice that points at < 5 households):'
SELECT l.group_values, l.group_size
FROM mask.linkability('notice.households', ARRAY['address', 'holder_name'], 5) AS l
ORDER BY l.group_size, l.group_values::text COLLATE "C"
LIMIT 5;
\echo '   A notice posted in its own unit''s lobby must reach that household, so at unit level'
\echo '   it is linkable by design: a neighbour who knows who lives in the unit can tell whose'
\echo '   it is. The masking removes what the notice never needed (full name, room, ID, phone,'
\echo '   account number); to go further, post at building level or mask the surname too.'

