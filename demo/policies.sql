-- The arrears-notice scenario's roles and policies (run by `make demo` as the
-- cluster superuser, who owns the extension and so is a policy admin).
--
--   billing_owner    owns schema billing and its tables (never a superuser:
--                    the masked views are owned by the raw tables' owner)
--   notice_printer   prints the lobby notices: member of policy arrears_notice,
--                    reads only schema notice
--   report_analyst   district-level statistics: member of policy analytics,
--                    reads only schema report
--   privacy_auditor  reads the catalog, the audit log and the reports
--
-- The billing system keeps an outstanding balance per account; it is derived
-- here from billing.arrears (the generator's tables stay as their contract
-- says) so that the notice policy can keep only households in arrears with a
-- row filter over the table's own columns (row filters cannot read other
-- tables).
--
--   psql -f demo/policies.sql      (after demo/generate_data.sql)

\set ON_ERROR_STOP on
-- This file is UTF-8, whatever the database encoding (psql would otherwise
-- assume the server's encoding when not on a terminal).
\encoding UTF8
SET client_min_messages = warning;
SET search_path = pg_catalog, pg_temp;

-- ---------------------------------------------------------------------------
-- Roles. LOGIN so that the demo connects as each of them (a role's own
-- search_path, set by add_member, applies only at login, not to SET ROLE).

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['billing_owner', 'notice_printer', 'report_analyst', 'privacy_auditor'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS o WHERE o.rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
END
$$;
COMMENT ON ROLE billing_owner IS 'owns the raw billing data (demo)';
COMMENT ON ROLE notice_printer IS 'prints arrears notices from the masked views in schema notice (demo)';
COMMENT ON ROLE report_analyst IS 'reads the analytics views in schema report (demo)';
COMMENT ON ROLE privacy_auditor IS 'audits the masking policies (demo)';

-- ---------------------------------------------------------------------------
-- The raw data: an outstanding balance per household, then ownership.

\echo '-- billing.households gets the outstanding balance the billing system keeps'
ALTER TABLE billing.households ADD COLUMN IF NOT EXISTS balance numeric(10,2) NOT NULL DEFAULT 0;
COMMENT ON COLUMN billing.households.balance IS 'sum of the unpaid bills in billing.arrears';
UPDATE billing.households AS h
   SET balance = s.total
  FROM (SELECT a.household_id, pg_catalog.sum(a.amount) AS total
          FROM billing.arrears AS a GROUP BY a.household_id) AS s
 WHERE h.household_id = s.household_id AND h.balance IS DISTINCT FROM s.total;
VACUUM (ANALYZE) billing.households;

ALTER SCHEMA billing OWNER TO billing_owner;
ALTER TABLE billing.households OWNER TO billing_owner;
ALTER TABLE billing.arrears OWNER TO billing_owner;
-- So that the owner's printing job and the notice printer run the same query
-- text: unqualified names resolve to the raw tables for the owner and to the
-- masked views for the member.
ALTER ROLE billing_owner SET search_path = billing;

-- ---------------------------------------------------------------------------
-- Policy arrears_notice: what a lobby notice may show.

\echo '-- policy arrears_notice (schema notice) for notice_printer'
-- The API functions return void: their empty result rows are not printed.
\o /dev/null
SELECT mask.create_policy('arrears_notice', 'notice',
    'Arrears notices posted in building lobbies (PIPL art. 25, 51: 隐名化)');

SELECT mask.protect('arrears_notice', 'billing.households', row_filter => 'balance > 0');
SELECT mask.set_rule('arrears_notice', 'billing.households', 'holder_name',
    $r$mask.cn_name(holder_name, '*', 'surname', 2)$r$,
    'surname only; a fixed pad hides the length of the given name');
SELECT mask.set_rule('arrears_notice', 'billing.households', 'address',
    $r$mask.cn_address(address, 'unit')$r$,
    'the notice hangs in the unit''s own lobby; the room is hidden');
SELECT mask.set_rule('arrears_notice', 'billing.households', 'account_no',
    'mask.pseudonym(account_no, 8)',
    'short token the household recognises on its own bill; joins the two views');
SELECT mask.set_rule('arrears_notice', 'billing.households', 'balance', 'PASS',
    'the amount owed is the point of the notice');
SELECT mask.set_rule('arrears_notice', 'billing.households', 'household_id',
    'mask.pseudonym(household_id::text, 8)',
    'household key for joins: the printer never needs a hidden column');
-- household_id, mobile, landline, id_card, bank_card, email, opened_on:
-- no rule, hence hidden.

SELECT mask.protect('arrears_notice', 'billing.arrears');
SELECT mask.set_rule('arrears_notice', 'billing.arrears', 'account_no',
    'mask.pseudonym(account_no, 8)', 'same token as in notice.households');
SELECT mask.set_rule('arrears_notice', 'billing.arrears', 'household_id',
    'mask.pseudonym(household_id::text, 8)', 'same household key as in notice.households');
SELECT mask.set_rule('arrears_notice', 'billing.arrears', 'utility', 'PASS', 'which bill');
SELECT mask.set_rule('arrears_notice', 'billing.arrears', 'period', 'PASS', 'which month');
SELECT mask.set_rule('arrears_notice', 'billing.arrears', 'amount', 'PASS', 'amount owed');
SELECT mask.set_rule('arrears_notice', 'billing.arrears', 'due_date', 'PASS', 'pay by');

SELECT mask.add_member('arrears_notice', 'notice_printer');

-- ---------------------------------------------------------------------------
-- Policy analytics: district-level statistics, no person in sight.

\o
\echo '-- policy analytics (schema report) for report_analyst'
\o /dev/null
SELECT mask.create_policy('analytics', 'report',
    'Arrears statistics by district and quarter');

SELECT mask.protect('analytics', 'billing.households');
SELECT mask.set_rule('analytics', 'billing.households', 'account_no',
    'mask.pseudonym(account_no)', 'joins report.households and report.arrears');
SELECT mask.set_rule('analytics', 'billing.households', 'address',
    $r$mask.cn_address(address, 'district')$r$, 'statistics by district only');
SELECT mask.set_rule('analytics', 'billing.households', 'opened_on',
    $r$mask.generalize(opened_on, 'year')$r$, 'customer tenure by year');

SELECT mask.protect('analytics', 'billing.arrears');
SELECT mask.set_rule('analytics', 'billing.arrears', 'account_no',
    'mask.pseudonym(account_no)', 'joins report.households and report.arrears');
SELECT mask.set_rule('analytics', 'billing.arrears', 'utility', 'PASS', 'by utility');
SELECT mask.set_rule('analytics', 'billing.arrears', 'period',
    $r$mask.generalize(period, 'quarter')$r$, 'by quarter');
SELECT mask.set_rule('analytics', 'billing.arrears', 'amount',
    'mask.generalize(amount, 100::numeric)', 'amounts in bands of 100 yuan');
SELECT mask.set_rule('analytics', 'billing.arrears', 'due_date',
    $r$mask.generalize(due_date, 'month')$r$, 'by month');

SELECT mask.add_member('analytics', 'report_analyst');

-- ---------------------------------------------------------------------------
-- The auditor.

\o
\echo '-- privacy_auditor may read the catalog and the audit log'
\o /dev/null
SELECT mask.grant_auditor('privacy_auditor');
\o

\echo
\echo '== Policies now in force (mask.policies)'
SELECT p.policy, p.view_schema, p.tables, p.members, p.description
FROM mask.policies AS p
ORDER BY p.policy;
