-- The materialized masked copy (sql/parts/49_citus_copy.sql) where Citus is
-- not installed (CI): the API exists for admins only, refuses tables that
-- are not Citus distributed tables with 22023 and changes nothing, refresh
-- of a policy without copies is audited, and the catalog of copies is
-- dumped and out of reach of members, owners and auditors.  The copy itself
-- is tested on a Citus cluster by test/citus/citus_copy_test.sh.
\ir fixtures/begin.sql

SELECT plan(13);

CREATE ROLE t59_owner NOLOGIN;
CREATE ROLE t59_admin NOLOGIN;
CREATE ROLE t59_member NOLOGIN;
CREATE ROLE t59_auditor NOLOGIN;
CREATE SCHEMA t59_billing AUTHORIZATION t59_owner;
SET ROLE t59_owner;
CREATE TABLE t59_billing.households (id integer PRIMARY KEY, account_no text);
GRANT USAGE ON SCHEMA t59_billing TO t59_admin;
GRANT SELECT ON t59_billing.households TO t59_admin;
RESET ROLE;
SELECT mask.grant_admin('t59_admin');
SELECT mask.grant_auditor('t59_auditor');
SET SESSION AUTHORIZATION t59_admin;
SELECT mask.create_policy('t59_p', 't59_v');
SELECT mask.protect('t59_p', 't59_billing.households');
SELECT mask.set_rule('t59_p', 't59_billing.households', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.add_member('t59_p', 't59_member');

SELECT throws_ok($$SELECT mask.set_citus_copy('t59_p', 't59_billing.households', true)$$, '22023',
    'table t59_billing.households is not a Citus distributed table',
    'set_citus_copy: a local table has no copy (its view pushes WHERE and LIMIT down already)');
SELECT throws_ok($$SELECT mask.set_citus_copy('t59_p', 't59_billing.households', false)$$, '22023',
    'table t59_billing.households of policy "t59_p" has no masked copy',
    'set_citus_copy(false): refused when there is no copy');
SELECT throws_ok($$SELECT mask.set_citus_copy('t59_nope', 't59_billing.households', true)$$, '22023', NULL,
    'set_citus_copy: an unknown policy is refused');
SELECT throws_ok($$SELECT mask.set_citus_copy('t59_p', 't59_billing.households', NULL)$$, '22023', NULL,
    'set_citus_copy: enabled must not be NULL');
SELECT is(mask.refresh('t59_p'), 'refresh: policy t59_p', 'refresh: an admin refreshes a policy without copies');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT l.details -> 'copies' FROM mask.audit_log l WHERE l.action = 'refresh' ORDER BY l.id DESC LIMIT 1),
    '{}'::jsonb, 'refresh: audited, with the copies it refilled (none)');
SELECT is((SELECT count(*) FROM mask.citus_copy), 0::bigint, 'the refused calls changed nothing');

SET SESSION AUTHORIZATION t59_member;
SELECT throws_ok($$SELECT mask.refresh('t59_p')$$, '42501', NULL, 'refresh: not for members');
SELECT throws_ok($$SELECT mask.set_citus_copy('t59_p', 't59_billing.households', true)$$, '42501', NULL,
    'set_citus_copy: not for members');
SELECT throws_ok($$SELECT * FROM mask.citus_copy$$, '42501', NULL, 'the catalog of copies: not for members');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t59_owner;
SELECT throws_ok($$SELECT mask.refresh('t59_p')$$, '42501', NULL, 'refresh: not for table owners');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t59_auditor;
SELECT throws_ok($$SELECT mask.refresh('t59_p')$$, '42501', NULL, 'refresh: not for auditors');
RESET SESSION AUTHORIZATION;

SELECT ok((SELECT 'mask.citus_copy'::regclass::oid = ANY (e.extconfig) FROM pg_catalog.pg_extension e
            WHERE e.extname = 'maskview'),
    'the catalog of copies is dumped with the extension (pg_extension_config_dump)');

SELECT * FROM finish();
ROLLBACK;
