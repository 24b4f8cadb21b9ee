-- The privacy advisor on the notice policy (run by `make demo` after
-- demo/notice.sql, as the cluster superuser, who is a policy admin):
--
--   privacy_auditor  asks mask.advise() for the least masking of the notice's
--                    quasi-identifiers (address, holder name, balance) that
--                    makes every group of notices at least 5 households;
--                    counts only
--   the DBA          applies the best advice with mask.apply_advice()
--   notice_printer   prints the same community's notice under it
--   privacy_auditor  measures the view again with mask.linkability_summary()
--
--   psql -f demo/advisor.sql

\set ON_ERROR_STOP on
\encoding UTF8
\pset footer off
SET search_path = pg_catalog, pg_temp;
SELECT current_user AS dba \gset

-- ---------------------------------------------------------------------------
\c - privacy_auditor
\echo
\echo '== privacy_auditor: the least masking that makes every notice group at least 5 households'
\echo '   mask.advise(''arrears_notice'', ''notice.households'', ARRAY[''address'', ''holder_name'', ''balance''],'
\echo '               k => 5, max_suppressed => 0.01)'
\echo '   (named by its masked view: the auditor cannot read, or even name, billing.households;'
\echo '   the advisor counts the raw rows as the extension owner and returns counts only)'
SELECT pg_catalog.clock_timestamp() AS t0 \gset
CREATE TEMPORARY TABLE advice AS
SELECT 0.01 AS max_suppressed, a.* FROM mask.advise('arrears_notice', 'notice.households',
                          ARRAY['address', 'holder_name', 'balance'], 5, 0.01) AS a;
SELECT pg_catalog.round(extract(epoch FROM pg_catalog.clock_timestamp() - :'t0'::timestamptz)::numeric, 1)
       AS advise_seconds_1 \gset
\echo '   ... and with no household suppressed (max_suppressed => 0, the default):'
SELECT pg_catalog.clock_timestamp() AS t0 \gset
INSERT INTO advice
SELECT 0, a.* FROM mask.advise('arrears_notice', 'notice.households',
                               ARRAY['address', 'holder_name', 'balance'], 5) AS a;
SELECT pg_catalog.round(extract(epoch FROM pg_catalog.clock_timestamp() - :'t0'::timestamptz)::numeric, 1)
       AS advise_seconds_0 \gset
SELECT a.max_suppressed AS "max supp.", a.rank,
       a.rules ->> 'address' AS address,
       a.rules ->> 'holder_name' AS holder_name,
       a.rules ->> 'balance' AS balance,
       a.min_group_size AS "min group",
       a.rows_suppressed AS suppressed,
       pg_catalog.round((100 * a.share_suppressed)::numeric, 2) AS "supp. %",
       pg_catalog.round(a.avg_group_size::numeric, 1) AS "loss (avg group)"
FROM advice AS a
ORDER BY a.max_suppressed DESC, a.rank;
SELECT a.max_suppressed AS "max supp.", pg_catalog.min(a.nodes_evaluated) AS "nodes evaluated",
       pg_catalog.min(a.lattice_size) AS "lattice size", pg_catalog.count(*) AS "minimal nodes",
       CASE WHEN a.max_suppressed > 0 THEN :'advise_seconds_1' ELSE :'advise_seconds_0' END AS "seconds"
FROM advice AS a GROUP BY a.max_suppressed ORDER BY 1 DESC;
\echo '   Loss is the discernibility metric: the average number of households a notice row is'
\echo '   indistinguishable from (a suppressed row counts as the whole table); lower is better.'
\echo '   Exact balances single out households whatever the address: every answer bands them.'
\echo '   Suppression would hide households by listing their household_id in the row filter,'
\echo '   which members can read; this policy pseudonymises household_id, so apply_advice'
\echo '   refuses that, and the DBA applies the best advice with nothing suppressed.'
SELECT a.rules::text AS advice_rules FROM advice AS a WHERE a.max_suppressed = 0 AND a.rank = 1 \gset

-- ---------------------------------------------------------------------------
\c - :dba
\echo
\echo '== the DBA applies the best advice (mask.apply_advice: measured again, then set_rule'
\echo '   for each column that changes, audited, one transaction)'
\o /dev/null
SELECT mask.apply_advice('arrears_notice', 'billing.households', :'advice_rules'::jsonb, 5,
                         reason => 'mask.advise: the least masking with every notice group >= 5 households');
\o
SELECT r."column", r.expression
FROM mask.rules AS r
WHERE r.policy = 'arrears_notice' AND r.relation = 'billing.households'::regclass
  AND r."column" IN ('address', 'holder_name', 'balance')
ORDER BY r."column";
-- ---------------------------------------------------------------------------
\c - notice_printer
\echo '== notice_printer prints the notices under the advice: one group of notices that share'
\echo '   what a neighbour reads (address, name, balance as masked), the group of the first token'
WITH first_group AS (
    SELECT f.address, f.holder_name, f.balance FROM households AS f
    ORDER BY f.account_no COLLATE "C" LIMIT 1)
SELECT pg_catalog.format('%s  %s  户号 %s  %s %s  欠费 %s 元，请于 %s 前缴纳',
           COALESCE(h.holder_name, ''), COALESCE(h.address, ''), h.account_no,
           pg_catalog.to_char(a.period, 'YYYY"年"MM"月"'),
           CASE a.utility WHEN 'water' THEN '水费' WHEN 'electricity' THEN '电费' ELSE '燃气费' END,
           pg_catalog.to_char(a.amount, 'FM999990.00'), pg_catalog.to_char(a.due_date, 'YYYY-MM-DD'))
       AS "欠费催缴通知 (after the advice: k = 5)"
FROM households AS h JOIN arrears AS a ON a.household_id = h.household_id
JOIN first_group AS g ON h.address IS NOT DISTINCT FROM g.address
                     AND h.holder_name IS NOT DISTINCT FROM g.holder_name
                     AND h.balance IS NOT DISTINCT FROM g.balance
ORDER BY h.account_no COLLATE "C", a.period
LIMIT 10;

-- ---------------------------------------------------------------------------
\c - privacy_auditor
\echo '== privacy_auditor: the notice view measured again (mask.linkability_summary, k = 5)'
SELECT s.min_group_size, s.groups_below_k, s.rows_below_k, s.total_rows
FROM mask.linkability_summary('notice.households', ARRAY['address', 'holder_name', 'balance'], 5) AS s;
\echo '   How does a household still recognise its own notice? By what is on it that the'
\echo '   household knows and a neighbour does not: the account token (户号) printed on its own'
\echo '   bills, and the exact amount, month and utility of its own unpaid bill. A neighbour who'
\echo '   knows who lives where now sees at least 5 households behind every address, name and'
\echo '   balance shown, and cannot tell which one the notice is for. (The bill''s own amount'
\echo '   stays on the notice because the household needs it; it is not a quasi-identifier as'
\echo '   long as neighbours do not know each other''s bills.)'
