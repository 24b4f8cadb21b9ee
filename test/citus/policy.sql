-- The protection of the billing tables (billing.sql) in the Citus suites,
-- with psql variables:
--   policy       the policy (it exists; the caller may run this as its admin)
--   row_filter   the row filter of the households
--   id_rule      the rule of household_id (PASS, or a pseudonym)
-- Names and phones masked, the account number a pseudonym (a join key),
-- district and balance passed; the districts' managers masked.
SELECT mask.protect(:'policy', 'billing.households', :'row_filter');
SELECT mask.set_rule(:'policy', 'billing.households', 'household_id', :'id_rule');
SELECT mask.set_rule(:'policy', 'billing.households', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.set_rule(:'policy', 'billing.households', 'mobile', 'mask.cn_phone(mobile)');
SELECT mask.set_rule(:'policy', 'billing.households', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule(:'policy', 'billing.households', 'district_id', 'PASS');
SELECT mask.set_rule(:'policy', 'billing.households', 'balance', 'PASS');
SELECT mask.protect(:'policy', 'billing.districts');
SELECT mask.set_rule(:'policy', 'billing.districts', 'district_id', 'PASS');
SELECT mask.set_rule(:'policy', 'billing.districts', 'district', 'PASS');
SELECT mask.set_rule(:'policy', 'billing.districts', 'manager', 'mask.cn_name(manager)');
