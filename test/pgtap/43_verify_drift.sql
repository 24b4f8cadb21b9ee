-- mask.verify() with roles: who may run it, that it names exactly the path
-- add_member() would refuse with (one function, mask_internal._read_path, decides
-- both), that it reports drift made by the table owner itself, and that
-- it leaks no value and no key and leaves nothing behind.
\ir fixtures/begin.sql

SELECT plan(32);

\ir fixtures/refusal.sql

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t43v_owner NOLOGIN;
CREATE SCHEMA t43v_billing AUTHORIZATION t43v_owner;
CREATE TABLE t43v_billing.households (id integer, holder_name text, phone text, account_no text);
ALTER TABLE t43v_billing.households OWNER TO t43v_owner;
INSERT INTO t43v_billing.households VALUES (1, '张伟', '13812345678', 'ACCT-SECRET-1');
CREATE TABLE t43v_billing.readings (household_id integer, meter text) PARTITION BY LIST (household_id);
CREATE TABLE t43v_billing.readings_1 PARTITION OF t43v_billing.readings FOR VALUES IN (1);
ALTER TABLE t43v_billing.readings OWNER TO t43v_owner;
ALTER TABLE t43v_billing.readings_1 OWNER TO t43v_owner;

-- Two policies over the same tables: members join the first while clean;
-- add_member() to the second then says what path it sees.
SELECT mask.create_policy('t43v_p', 't43v_view');
SELECT mask.create_policy('t43v_q', 't43v_view2');
SELECT mask.protect(p, t) FROM unnest(ARRAY['t43v_p', 't43v_q']) p,
       unnest(ARRAY['t43v_billing.households', 't43v_billing.readings']::regclass[]) t;
SELECT mask.set_rule(p, 't43v_billing.households', 'holder_name', 'mask.cn_name(holder_name)')
  FROM unnest(ARRAY['t43v_p', 't43v_q']) p;
SELECT mask.set_rule(p, 't43v_billing.households', 'account_no', 'mask.pseudonym(account_no)')
  FROM unnest(ARRAY['t43v_p', 't43v_q']) p;

CREATE ROLE t43v_reader;    GRANT SELECT ON t43v_billing.households TO t43v_reader;
CREATE ROLE t43v_super      SUPERUSER;
CREATE ROLE t43v_auditor;
CREATE ROLE t43v_granted;
CREATE ROLE t43v_admin;
CREATE ROLE t43v_nobody;
CREATE TEMP TABLE paths (member name, path text, make text);
INSERT INTO paths VALUES
    ('t43v_m_direct',   'direct grant',            'GRANT SELECT ON t43v_billing.households TO %I'),
    ('t43v_m_column',   'column grant',            'GRANT SELECT (phone) ON t43v_billing.households TO %I'),
    ('t43v_m_inherit',  'inherited role',          'GRANT t43v_reader TO %I'),
    ('t43v_m_setrole',  'role it can SET ROLE to', 'ALTER ROLE %1$I NOINHERIT; GRANT t43v_reader TO %1$I'),
    ('t43v_m_super',    'superuser',               'ALTER ROLE %I SUPERUSER'),
    ('t43v_m_tosuper',  'SET ROLE to a superuser', 'ALTER ROLE %1$I NOINHERIT; GRANT t43v_super TO %1$I'),
    ('t43v_m_bypass',   'BYPASSRLS',               'ALTER ROLE %I BYPASSRLS'),
    ('t43v_m_readall',  'pg_read_all_data',        'GRANT pg_read_all_data TO %I'),
    ('t43v_m_owner',    'owner''s role',           'GRANT t43v_owner TO %I'),
    ('t43v_m_part',     'a partition',             'GRANT SELECT ON t43v_billing.readings_1 TO %I');
SELECT count(pg_temp.refusal(format('CREATE ROLE %I', member))) FROM paths;
SELECT count(mask.add_member('t43v_p', member::regrole)) FROM paths;

-- ------------------------------------------------------- who runs it ---
SELECT ok(NOT has_function_privilege('public', 'mask.verify(name)', 'EXECUTE'), 'EXECUTE is revoked from PUBLIC');
SET ROLE t43v_nobody;
SELECT throws_ok($$SELECT * FROM mask.verify()$$, '42501', NULL, 'a plain role cannot run verify()');
RESET ROLE;
SET ROLE t43v_m_direct;
SELECT throws_ok($$SELECT * FROM mask.verify()$$, '42501', NULL, 'nor can a member');
RESET ROLE;
GRANT EXECUTE ON FUNCTION mask.verify(name) TO t43v_granted;
SET ROLE t43v_granted;
SELECT is((SELECT count(*)::int FROM mask.verify('t43v_p') WHERE severity IN ('error', 'warning')), 0,
          'a clean policy: no error or warning (run by a role granted EXECUTE)');
SELECT ok(EXISTS (SELECT FROM mask.verify('t43v_p') WHERE severity = 'info' AND object = 't43v_billing.households.phone'),
          'the hidden phone column is reported as info, from a table the caller cannot read');
RESET ROLE;
SELECT mask.grant_auditor('t43v_auditor');
SELECT ok(has_function_privilege('t43v_auditor', 'mask.verify(name)', 'EXECUTE'), 'grant_auditor() grants verify()');
SELECT mask.grant_admin('t43v_admin');
SELECT ok(has_function_privilege('t43v_admin', 'mask.verify(name)', 'EXECUTE'), 'grant_admin() grants verify()');

-- Nothing behind: no audit row, no temporary view.
SELECT COALESCE(max(id), 0) AS audit_start FROM mask.audit_log \gset
SELECT count(*) FROM mask.verify();
SELECT is((SELECT count(*)::int FROM mask.audit_log WHERE id > :audit_start), 0, 'verify() writes no audit row');
SELECT ok(to_regclass('pg_temp._maskview_verify_expected') IS NULL, 'and leaves no temporary view');

-- ------------------------------- each path: the same as add_member's ---
SELECT count(pg_temp.refusal(format(make, member))) FROM paths;
CREATE TEMP TABLE found AS
SELECT p.member, p.path,
       (SELECT string_agg(v.finding, ' / ') FROM mask.verify('t43v_p') v
         WHERE v.severity = 'error' AND v.object = quote_ident(p.member)) AS finding,
       pg_temp.refusal(format('SELECT mask.add_member(%L, %L)', 't43v_q', p.member)) AS refusal
  FROM paths p;
SELECT is(f.finding, 'Member can read raw data: ' || substr(f.refusal, 7),
          'verify() names the path add_member() refuses: ' || f.path)
  FROM found f ORDER BY f.member;
SELECT ok(bool_and(f.refusal LIKE '22023 %'), 'add_member() refused every one of them') FROM found f;

-- No value and no key in any finding or hint, whatever the drift.
SELECT ok(NOT EXISTS (
        SELECT FROM mask.verify() v, mask.policy_key k
         WHERE concat_ws(' ', v.object, v.finding, v.hint) ~ '张伟|13812345678|ACCT-SECRET'
            OR position(encode(k.key, 'hex') IN concat_ws(' ', v.object, v.finding, v.hint)) > 0
            OR position(encode(k.key, 'base64') IN concat_ws(' ', v.object, v.finding, v.hint)) > 0),
       'no raw value and no key in the report');

-- ------------------------------------------- drift made by hand ---
SELECT count(pg_temp.refusal(format('SELECT mask.remove_member(%L, %L)', 't43v_p', member))) FROM paths;
SELECT is((SELECT count(*)::int FROM mask.verify('t43v_p') WHERE severity IN ('error', 'warning')), 0,
          'clean again once the members are gone');
-- The owner of the view cannot even reach it: the view schema is not its.
SET ROLE t43v_owner;
SELECT throws_ok($$CREATE OR REPLACE VIEW t43v_view.households WITH (security_barrier) AS
    SELECT h.holder_name, h.account_no FROM t43v_billing.households h$$, '42501', NULL,
    'the table owner cannot replace its masked view');
RESET ROLE;
-- A DBA (superuser) can, by hand.
CREATE OR REPLACE VIEW t43v_view.households WITH (security_barrier) AS
    SELECT h.holder_name, h.account_no FROM t43v_billing.households h;
SELECT is((SELECT string_agg(finding, ' / ') FROM mask.verify('t43v_p') WHERE severity = 'error'),
          'The view''s definition differs from what the catalog generates (altered or replaced by hand).',
          'a masked view replaced by the raw columns is an error');
SELECT is((SELECT count(*)::int FROM mask.verify('t43v_q') WHERE severity = 'error'), 0,
          'only_policy: the other policy''s view is untouched');
ALTER VIEW t43v_view.households RESET (security_barrier);
SELECT ok((SELECT bool_or(finding LIKE 'The view is not a security_barrier view%') FROM mask.verify('t43v_p')),
          'security_barrier reset by hand is an error');
SELECT mask.protect('t43v_p', 't43v_billing.households');
SELECT is((SELECT count(*)::int FROM mask.verify('t43v_p') WHERE severity IN ('error', 'warning')), 0,
          'protect() again regenerates the view: clean');
-- The owner grants its raw table to PUBLIC.
SET ROLE t43v_owner;
GRANT SELECT ON t43v_billing.households TO PUBLIC;
RESET ROLE;
SELECT is((SELECT string_agg(object || ': ' || finding, ' / ') FROM mask.verify('t43v_q') WHERE severity = 'error'),
          't43v_billing.households: PUBLIC has SELECT on the protected table: every role can read its raw data.',
          'a raw table granted to PUBLIC is an error, members or not');
SET ROLE t43v_owner;
REVOKE SELECT ON t43v_billing.households FROM PUBLIC;
RESET ROLE;
-- The owner tries to hand the key view's privilege on.
SELECT '_key_' || p.id AS keyview FROM mask.policy p WHERE p.name = 't43v_p' \gset
SET ROLE t43v_owner;
SET client_min_messages = error;     -- "no privileges were granted"
SELECT count(pg_temp.refusal(format('GRANT SELECT ON mask_internal.%I TO t43v_nobody', :'keyview')));
SET client_min_messages = warning;
RESET ROLE;
SELECT is((SELECT count(*)::int FROM mask.verify('t43v_p') WHERE severity = 'error' AND finding LIKE 'Role t43v_nobody can read the policy''s pseudonym key%'),
          0, 'the owner cannot pass the key view on (no grant option), so nothing to report');
SELECT count(pg_temp.refusal(format('GRANT SELECT ON mask_internal.%I TO t43v_nobody', :'keyview')));
SELECT is((SELECT count(*)::int FROM mask.verify('t43v_p') WHERE severity = 'error' AND finding LIKE 'Role t43v_nobody can read the policy''s pseudonym key%'),
          1, 'a superuser granting the key view to another role is an error');

-- The auditor sees the same report as the superuser.
SET ROLE t43v_auditor;
CREATE TEMP TABLE auditor_view AS SELECT * FROM mask.verify();
RESET ROLE;
SELECT set_eq('SELECT * FROM auditor_view', 'SELECT * FROM mask.verify()', 'an auditor sees the whole report');
SELECT throws_ok($$SELECT * FROM mask.verify('t43v_nonesuch')$$, '22023', NULL, 'an unknown policy is refused');

SELECT * FROM finish();
ROLLBACK;
