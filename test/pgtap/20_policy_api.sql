-- Policy API with roles: who may call it (admins only, 42501 for everyone
-- else, from PostgreSQL itself), what auditors and table owners can and
-- cannot do, fail-closed columns, DDL follow-up, and the key staying secret.
-- Roles act under SET SESSION AUTHORIZATION (SET ROLE from the superuser
-- running the suite would prove nothing).
\ir fixtures/begin.sql

SELECT plan(56);

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t20_owner NOLOGIN;
CREATE ROLE t20_admin NOLOGIN;
CREATE ROLE t20_nobody NOLOGIN;
CREATE ROLE t20_auditor NOLOGIN;
CREATE ROLE t20_member NOLOGIN;
CREATE SCHEMA t20_billing AUTHORIZATION t20_owner;
GRANT USAGE ON SCHEMA t20_billing TO PUBLIC;
CREATE TABLE t20_billing.households (
    id          integer PRIMARY KEY,
    holder_name text,
    phone       text,
    account_no  text,
    arrears     numeric(10,2));
ALTER TABLE t20_billing.households OWNER TO t20_owner;
-- An admin publishes only what it could read itself.
GRANT SELECT ON t20_billing.households TO t20_admin;
INSERT INTO t20_billing.households VALUES
    (1, '张伟', '13812345678', 'ACCT-20-0001', 120.50),
    (2, '李四', '13987654321', 'ACCT-20-0002', 0.00);
CREATE TABLE t20_billing.meters (id integer, reading integer);
ALTER TABLE t20_billing.meters OWNER TO t20_owner;
GRANT USAGE ON SCHEMA mask TO t20_nobody;

SELECT COALESCE(max(id), 0) AS audit_start FROM mask.audit_log \gset

-- ------------------------------------------------------ non-admins: 42501 ---
SET SESSION AUTHORIZATION t20_nobody;
SELECT throws_ok($$SELECT mask.create_policy('t20_p', 't20_view')$$, '42501', NULL,
                 'a non-admin cannot create a policy');
SELECT throws_ok($$SELECT mask.grant_admin('t20_nobody')$$, '42501', NULL,
                 'a non-admin cannot make itself an admin');
SELECT throws_ok($$SELECT * FROM mask.rules$$, '42501', NULL,
                 'a non-admin cannot read the catalog views');
SELECT throws_ok($$SELECT mask_internal._regenerate_policy(1)$$, '42501', NULL,
                 'internal functions are not executable either');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------ an admin via grant_admin ---
SELECT lives_ok($$SELECT mask.grant_admin('t20_admin')$$, 'grant_admin');
SELECT ok(EXISTS (SELECT FROM mask.admin WHERE role = 't20_admin'::regrole), 'the admin is recorded');
SET SESSION AUTHORIZATION t20_admin;
SELECT lives_ok($$SELECT mask.create_policy('t20_p', 't20_view', 'test policy')$$, 'the admin creates a policy');
SELECT lives_ok($$SELECT mask.protect('t20_p', 't20_billing.households', 'arrears > 0')$$, 'the admin protects a table');
SELECT lives_ok($$SELECT mask.set_rule('t20_p', 't20_billing.households', 'holder_name', 'mask.cn_name(holder_name)')$$,
                'the admin sets a masking rule');
SELECT lives_ok($$SELECT mask.set_rule('t20_p', 't20_billing.households', 'account_no', 'mask.pseudonym(account_no, 10)')$$,
                'the admin sets a pseudonym rule');
SELECT lives_ok($$SELECT mask.set_rule('t20_p', 't20_billing.households', 'arrears', 'PASS')$$, 'the admin sets a PASS rule');
SELECT lives_ok($$SELECT mask.add_member('t20_p', 't20_member')$$, 'the admin adds a member');
SELECT throws_ok($$SELECT mask.trust_function('pg_catalog.upper(text)')$$, '42501', NULL,
                 'an admin cannot trust functions');
SELECT throws_ok($$SELECT * FROM mask.policy_key$$, '42501', NULL, 'an admin cannot read keys');
SELECT throws_ok($$SELECT mask.set_rule('t20_p', 't20_billing.households', 'phone', 'upper(phone)')$$, '22023', NULL,
                 'an untrusted function in a rule is 22023');
SELECT is(ARRAY(SELECT count(*)::int FROM mask.rules WHERE policy = 't20_p' AND "column" = 'phone' AND action = 'hidden'), ARRAY[1], 'the refused rule changed nothing');
RESET SESSION AUTHORIZATION;
SELECT is(ARRAY(SELECT login_role::text FROM mask.audit_log WHERE id > :audit_start AND action = 'create_policy'),
          ARRAY['t20_admin'], 'the audit log names the admin who called');
SELECT is((SELECT count(*)::int FROM mask.audit_log WHERE id > :audit_start),
          7, 'one audit row per successful call, none for refused ones');

-- ------------------------------------------------------------ table owner ---
SET SESSION AUTHORIZATION t20_owner;
SELECT throws_ok($$SELECT mask.set_rule('t20_p', 't20_billing.households', 'phone', 'PASS')$$, '42501', NULL,
                 'the table owner cannot change rules');
SELECT throws_ok($$SELECT mask.unprotect('t20_p', 't20_billing.households')$$, '42501', NULL,
                 'the table owner cannot unprotect');
SELECT throws_ok($$SELECT mask.drop_policy('t20_p')$$, '42501', NULL, 'the table owner cannot drop the policy');
SELECT throws_ok($$SELECT mask.add_member('t20_p', 't20_nobody')$$, '42501', NULL, 'the table owner cannot add members');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------- auditor ---
SELECT lives_ok($$SELECT mask.grant_auditor('t20_auditor')$$, 'grant_auditor');
SELECT '_key_' || id AS keyview FROM mask.policy WHERE name = 't20_p' \gset
SET SESSION AUTHORIZATION t20_auditor;
SELECT lives_ok($$SELECT * FROM mask.policies$$, 'the auditor reads mask.policies');
SELECT lives_ok($$SELECT * FROM mask.protected_tables$$, 'the auditor reads mask.protected_tables');
SELECT is(ARRAY(SELECT "column"::text || ':' || action FROM mask.rules WHERE policy = 't20_p' ORDER BY "column"),
          ARRAY['account_no:mask', 'arrears:pass', 'holder_name:mask', 'id:hidden', 'phone:hidden'],
          'the auditor sees every column, hidden ones included');
SELECT lives_ok($$SELECT * FROM mask.members$$, 'the auditor reads mask.members');
SELECT lives_ok($$SELECT * FROM mask.audit_log$$, 'the auditor reads the audit log');
SELECT is(ARRAY(SELECT holder_name FROM t20_view.households), ARRAY['张*'], 'the auditor reads masked views');
SELECT throws_ok($$SELECT * FROM mask.policy_key$$, '42501', NULL, 'the auditor cannot read keys');
SELECT throws_ok($$SELECT * FROM mask.policy$$, '42501', NULL, 'the auditor cannot read the catalog tables directly');
SELECT throws_ok(pg_catalog.format('SELECT * FROM mask_internal.%I', :'keyview'), '42501', NULL,
                 'the auditor cannot read the key view');
SELECT throws_ok($$SELECT * FROM t20_billing.households$$, '42501', NULL, 'the auditor cannot read the raw table');
SELECT throws_ok($$SELECT mask.set_rule('t20_p', 't20_billing.households', 'phone', 'PASS')$$, '42501', NULL,
                 'the auditor cannot change rules');
SELECT throws_ok($$INSERT INTO mask.audit_log (at, login_role, acting_role, action, prev_hash, hash) VALUES (now(), 'x', 'x', 'x', '\x00', '\x00')$$,
                 '42501', NULL, 'the auditor cannot write the audit log');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------- member ---
SET SESSION AUTHORIZATION t20_member;
SELECT throws_ok(pg_catalog.format('SELECT * FROM mask_internal.%I', :'keyview'), '42501', NULL,
                 'a member cannot read the key view');
SELECT throws_ok($$SELECT mask.rotate_key('t20_p')$$, '42501', NULL, 'a member cannot call the API');
SELECT is(ARRAY(SELECT holder_name || '/' || arrears FROM t20_view.households), ARRAY['张*/120.50'], 'the member reads masked values of the filtered rows');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------- fail-closed columns ---
SELECT columns_are('t20_view', 'households', ARRAY['holder_name', 'account_no', 'arrears'],
                   'only ruled columns are in the view');
ALTER TABLE t20_billing.households ADD COLUMN id_card text;
SELECT columns_are('t20_view', 'households', ARRAY['holder_name', 'account_no', 'arrears'],
                   'a column added later stays hidden');
SELECT is(ARRAY(SELECT action FROM mask.rules WHERE policy = 't20_p' AND "column" = 'id_card'), ARRAY['hidden'], 'and is listed as hidden for the auditor');

-- ---------------------------------------------------------- DDL follow-up ---
SET SESSION AUTHORIZATION t20_owner;
ALTER TABLE t20_billing.households RENAME COLUMN holder_name TO name;
RESET SESSION AUTHORIZATION;
SELECT columns_are('t20_view', 'households', ARRAY['name', 'account_no', 'arrears'],
                   'a renamed column keeps its rule under its new name');
SELECT is(ARRAY(SELECT name FROM t20_view.households), ARRAY['张*'], 'and stays masked');
SELECT is(ARRAY(SELECT expression FROM mask.rules WHERE policy = 't20_p' AND "column" = 'name'), ARRAY['mask.cn_name(name)'], 'the rule expression follows the rename');
SET SESSION AUTHORIZATION t20_owner;
ALTER TABLE t20_billing.households DROP COLUMN account_no CASCADE;
RESET SESSION AUTHORIZATION;
SELECT columns_are('t20_view', 'households', ARRAY['name', 'arrears'],
                   'DROP COLUMN of a ruled column regenerates the view without it');
SELECT is(ARRAY(SELECT orphaned FROM mask.rules WHERE policy = 't20_p' AND "column" = 'account_no'), ARRAY[true], 'and leaves the rule orphaned');
SELECT ok(has_table_privilege('t20_member', 't20_view.households', 'SELECT'),
          'the regenerated view is granted to the member again');

-- ------------------------------------------------------------- the key ---
SELECT lives_ok($$SELECT mask.set_rule('t20_p', 't20_billing.households', 'phone', 'mask.pseudonym(phone)')$$,
                'a pseudonym rule with the default length');
SELECT is((SELECT count(*)::int FROM mask.policy_key k, pg_class c
            WHERE c.relkind = 'v' AND (pg_get_viewdef(c.oid) LIKE '%' || encode(k.key, 'hex') || '%'
                                       OR pg_get_viewdef(c.oid) LIKE '%' || encode(k.key, 'base64') || '%')),
          0, 'no view definition contains a key');
SELECT is((SELECT count(*)::int FROM mask.policy_key k, mask.audit_log l
            WHERE l.details::text LIKE '%' || encode(k.key, 'hex') || '%'
               OR l.details::text LIKE '%' || encode(k.key, 'base64') || '%'), 0, 'no audit row contains a key');
SELECT is((SELECT count(*)::int FROM mask.policy_key k, mask.rules r
            WHERE r::text LIKE '%' || encode(k.key, 'hex') || '%'), 0, 'no auditor view row contains a key');
CREATE TEMP TABLE t20_tokens AS SELECT phone FROM t20_view.households;
SELECT lives_ok($$SELECT mask.rotate_key('t20_p')$$, 'rotate_key');
SELECT ok((SELECT v.phone <> t.phone FROM t20_view.households v, t20_tokens t), 'pseudonyms change with the key');

-- -------------------------------------------------------------- revoke ---
SELECT lives_ok($$SELECT mask.revoke_admin('t20_admin')$$, 'revoke_admin');
SET SESSION AUTHORIZATION t20_admin;
SELECT throws_ok($$SELECT mask.rotate_key('t20_p')$$, '42501', NULL, 'a revoked admin is refused again');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t20_owner;
DROP TABLE t20_billing.households CASCADE;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM mask.protected_tables WHERE policy = 't20_p'), 0,
          'DROP TABLE removes the table from its policy');

SELECT * FROM finish();
ROLLBACK;
