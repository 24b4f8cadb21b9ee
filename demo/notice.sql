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

-- The printing job's query, written once. A temporary view binds the
-- unqualified names when it is created: to billing.* for billing_owner (its
-- search_path), to notice.* for notice_printer (set by mask.add_member).
\set create_notice_view 'CREATE TEMPORARY VIEW all_notices AS SELECT h.address AS addr, a.period, pg_catalog.format(''%s  %s  户号 %s  %s %s  欠费 %s 元，请于 %s 前缴纳'', h.holder_name, h.address, h.account_no, pg_catalog.to_char(a.period, ''YYYY"年"MM"月"''), CASE a.utility WHEN ''water'' THEN ''水费'' WHEN ''electricity'' THEN ''电费'' ELSE ''燃气费'' END, pg_catalog.to_char(a.amount, ''FM999990.00''), pg_catalog.to_char(a.due_date, ''YYYY-MM-DD'')) AS line FROM households AS h JOIN arrears AS a ON a.household_id = h.household_id'

-- Server-side time of printing every notice (every line formatted, none
-- sent): the median of three runs, left in the setting demo.print_ms.
\set time_all_notices 'DO $t$ DECLARE t timestamptz; ms float8[] := ''{}''; n bigint; b bigint; BEGIN FOR i IN 1..3 LOOP t := pg_catalog.clock_timestamp(); SELECT pg_catalog.count(*), pg_catalog.sum(pg_catalog.octet_length(l.line)) INTO n, b FROM pg_temp.all_notices AS l; ms := ms || (1000 * extract(epoch FROM pg_catalog.clock_timestamp() - t))::float8; END LOOP; PERFORM pg_catalog.set_config(''demo.print_ms'', (SELECT pg_catalog.percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM pg_catalog.unnest(ms) AS x)::text, false); PERFORM pg_catalog.set_config(''demo.print_lines'', n::text, false); END $t$'

-- ---------------------------------------------------------------------------
\c - billing_owner
\echo
\echo '== BEFORE: the notice as posted in the lobby (billing_owner, raw tables billing.*)'
:create_notice_view ;
SELECT n.line AS "欠费催缴通知 (before)"
FROM pg_temp.all_notices AS n
WHERE n.addr LIKE :'prefix' || '%'
ORDER BY n.addr COLLATE "C", n.period
LIMIT 8;
:time_all_notices ;
SELECT pg_catalog.current_setting('demo.print_ms') AS raw_ms,
       pg_catalog.current_setting('demo.print_lines') AS raw_lines \gset

-- ---------------------------------------------------------------------------
\c - notice_printer
\echo '== AFTER: the same query run by notice_printer, whose search_path mask.add_member set:'
SELECT pg_catalog.current_setting('search_path') AS "search_path of notice_printer";
:create_notice_view ;
SELECT n.line AS "欠费催缴通知 (after: 隐名化)"
FROM pg_temp.all_notices AS n
WHERE n.addr LIKE :'prefix' || '%'
ORDER BY n.addr COLLATE "C", n.period
LIMIT 8;
:time_all_notices ;
SELECT pg_catalog.current_setting('demo.print_ms') AS masked_ms,
       pg_catalog.current_setting('demo.print_lines') AS masked_lines \gset

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

