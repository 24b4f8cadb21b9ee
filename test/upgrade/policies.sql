-- Policies shared by test/dump_restore/dump_restore_test.sh and test/upgrade/upgrade_test.sh.
--
--   psql -v pfx=tdr -f test/upgrade/policies.sql   (after demo/generate_data.sql)
--
-- Run as a superuser.  The roles <pfx>_owner, <pfx>_printer, <pfx>_analyst,
-- <pfx>_auditor and <pfx>_admin must exist (roles are cluster-wide: the
-- scripts make them).
-- Only API calls that release 0.1.0 already has, so that the same file sets up
-- a 0.1.0 database before ALTER EXTENSION ... UPDATE and a fresh current one.
--
-- What it exercises, so that a dump or an upgrade has something to lose:
--   policy notice     row filter, mask.pseudonym rules (the key), a rule with
--                     a reason, a dropped rule (hidden again), a function a
--                     superuser trusted, a renamed column (event trigger),
--                     a rotated key, a member
--   policy analytics  no row filter, generalisation, a custom view name, a
--                     member
--   an auditor and a (non-superuser) admin; every call above in the audit
--   log's hash chain.

\set ON_ERROR_STOP on
\encoding UTF8
SET client_min_messages = warning;
SET search_path = pg_catalog, pg_temp;

\set owner :pfx '_owner'
\set printer :pfx '_printer'
\set analyst :pfx '_analyst'
\set auditor :pfx '_auditor'
\set admin :pfx '_admin'

-- The outstanding balance per household, as demo/policies.sql derives it, so
-- that the notice policy can keep only households in arrears.
ALTER TABLE billing.households ADD COLUMN balance numeric(10,2) NOT NULL DEFAULT 0;
UPDATE billing.households AS h
   SET balance = s.total
  FROM (SELECT a.household_id, pg_catalog.sum(a.amount) AS total
          FROM billing.arrears AS a GROUP BY a.household_id) AS s
 WHERE h.household_id = s.household_id;

-- A non-superuser owns the raw data (protect() refuses superuser-owned tables).
ALTER SCHEMA billing OWNER TO :"owner";
ALTER TABLE billing.households OWNER TO :"owner";
ALTER TABLE billing.arrears OWNER TO :"owner";
-- Schema USAGE for everyone, as is common: table privileges alone keep the
-- members out of the raw tables, and a dump must carry them.
GRANT USAGE ON SCHEMA billing TO PUBLIC;

-- A masking function of the data owner's, trusted by a superuser.
CREATE FUNCTION billing.mobile_carrier(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN pg_catalog.left(value, 3) IN ('134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '182', '183', '187', '188')
            THEN 'mobile' ELSE 'other' END;
ALTER FUNCTION billing.mobile_carrier(text) OWNER TO :"owner";

\o /dev/null
SELECT mask.trust_function('billing.mobile_carrier(text)');

-- ---------------------------------------------------------------------------
SELECT mask.create_policy('notice', 'notice', 'Arrears notices posted in building lobbies');
SELECT mask.protect('notice', 'billing.households', row_filter => 'balance > 0');
SELECT mask.set_rule('notice', 'billing.households', 'holder_name',
    $r$mask.cn_name(holder_name, '*', 'surname', 2)$r$, 'surname only');
SELECT mask.set_rule('notice', 'billing.households', 'address',
    $r$mask.cn_address(address, 'unit')$r$, 'the unit''s own lobby');
SELECT mask.set_rule('notice', 'billing.households', 'account_no',
    'mask.pseudonym(account_no, 8)', 'token the household recognises');
SELECT mask.set_rule('notice', 'billing.households', 'balance', 'PASS');
SELECT mask.set_rule('notice', 'billing.households', 'mobile',
    'billing.mobile_carrier(mobile)', 'carrier class only');
SELECT mask.set_rule('notice', 'billing.households', 'email', 'NULL');
SELECT mask.set_rule('notice', 'billing.households', 'id_card', 'mask.cn_id_card(id_card)');
SELECT mask.drop_rule('notice', 'billing.households', 'id_card');

SELECT mask.protect('notice', 'billing.arrears');
SELECT mask.set_rule('notice', 'billing.arrears', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule('notice', 'billing.arrears', 'utility', 'PASS');
SELECT mask.set_rule('notice', 'billing.arrears', 'amount', 'PASS');
SELECT mask.set_rule('notice', 'billing.arrears', 'due_date', 'PASS');
SELECT mask.add_member('notice', :'printer');
SELECT mask.rotate_key('notice');

-- ---------------------------------------------------------------------------
SELECT mask.create_policy('analytics', 'report', 'Arrears statistics by district and quarter');
SELECT mask.protect('analytics', 'billing.households', view_name => 'customers');
SELECT mask.set_rule('analytics', 'billing.households', 'account_no', 'mask.pseudonym(account_no)');
SELECT mask.set_rule('analytics', 'billing.households', 'address',
    $r$mask.cn_address(address, 'district')$r$, 'statistics by district only');
SELECT mask.set_rule('analytics', 'billing.households', 'opened_on',
    $r$mask.generalize(opened_on, 'year')$r$);
SELECT mask.protect('analytics', 'billing.arrears');
SELECT mask.set_rule('analytics', 'billing.arrears', 'account_no', 'mask.pseudonym(account_no)');
SELECT mask.set_rule('analytics', 'billing.arrears', 'period', $r$mask.generalize(period, 'quarter')$r$);
SELECT mask.set_rule('analytics', 'billing.arrears', 'amount', 'mask.generalize(amount, 100::numeric)');
SELECT mask.add_member('analytics', :'analyst');

SELECT mask.grant_auditor(:'auditor');
SELECT mask.grant_admin(:'admin');
\o

-- DDL the event triggers follow: the view keeps the rule under the new name.
ALTER TABLE billing.arrears RENAME COLUMN due_date TO pay_by;
