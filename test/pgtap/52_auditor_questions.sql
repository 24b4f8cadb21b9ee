-- The auditor's two questions have one-query answers:
--   mask.effective_access  who can see which column of which table, and how
--   mask.changes           who changed what, when (no quoted identifiers)
-- and the audit log's columns need no quoting either.  Every column of every
-- view in schema mask has a comment, and the schema itself has one.
\ir fixtures/begin.sql

SELECT plan(15);

CREATE ROLE t52_owner NOLOGIN;
CREATE ROLE t52_printer NOLOGIN;
CREATE ROLE t52_clerk NOLOGIN IN ROLE t52_printer;          -- inherits the member
CREATE ROLE t52_temp NOLOGIN NOINHERIT IN ROLE t52_printer; -- can only SET ROLE to it
CREATE ROLE t52_auditor NOLOGIN;
CREATE ROLE t52_outsider NOLOGIN;
CREATE SCHEMA t52_billing AUTHORIZATION t52_owner;
SET ROLE t52_owner;
CREATE TABLE t52_billing.households (
    id integer PRIMARY KEY, holder_name text, phone text, secret_note text);
RESET ROLE;

SELECT mask.create_policy('t52_notice', 't52_notice', 'auditor questions');
SELECT mask.protect('t52_notice', 't52_billing.households', 'id > 0');
SELECT mask.set_rule('t52_notice', 't52_billing.households', 'id', 'PASS');
SELECT mask.set_rule('t52_notice', 't52_billing.households', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.set_rule('t52_notice', 't52_billing.households', 'phone', 'NULL');
SELECT mask.add_member('t52_notice', 't52_printer', false);
SELECT mask.grant_auditor('t52_auditor');

SELECT session_user AS su \gset
SET SESSION AUTHORIZATION t52_auditor;

SELECT results_eq($$
    SELECT column_name::text COLLATE "default", action::text, sees::text, row_filter::text
      FROM mask.effective_access
     WHERE role = 't52_printer' AND policy = 't52_notice' ORDER BY column_name$$,
    $$VALUES ('holder_name', 'mask', 'masked: mask.cn_name(holder_name)', 'id > 0'),
             ('id', 'pass', 'the raw value', 'id > 0'),
             ('phone', 'null', 'NULL', 'id > 0'),
             ('secret_note', 'hidden', 'nothing (the column is not in the view)', 'id > 0')$$,
    'effective_access: the member sees each column as its rule says, hidden columns included');

SELECT results_eq($$
    SELECT DISTINCT role::text COLLATE "default", path COLLATE "default" FROM mask.effective_access
     WHERE policy = 't52_notice' AND role::text LIKE 't52_%' ORDER BY 1$$,
    $$VALUES ('t52_auditor', 'auditor'),
             ('t52_clerk', 'inherits member t52_printer'),
             ('t52_printer', 'member'),
             ('t52_temp', 'can SET ROLE to member t52_printer')$$,
    'effective_access: members, inheriting roles, SET ROLE paths and auditors, each with its path');

SELECT is((SELECT count(*)::int FROM mask.effective_access WHERE role IN ('t52_outsider', 't52_owner')), 0,
    'effective_access: roles with no access through maskview are not listed');

SELECT is((SELECT view FROM mask.effective_access WHERE role = 't52_printer' LIMIT 1),
    't52_notice.households', 'effective_access: names the masked view the role reads');

SELECT results_eq($$SELECT "column"::text COLLATE "default", action::text FROM mask.rules WHERE policy = 't52_notice'$$,
    $$VALUES ('id', 'pass'), ('holder_name', 'mask'), ('phone', 'null'), ('secret_note', 'hidden')$$,
    'rules: a stable order without ORDER BY (policy, table, the table''s column order)');

SELECT ok(EXISTS (SELECT FROM mask.changes WHERE who = :'su' AND action = 'add_member'
                     AND policy = 't52_notice' AND object = 't52_printer'),
    'changes: who changed what, when, without quoting');

SELECT ok(EXISTS (SELECT FROM mask.audit_log WHERE login_role = :'su' AND acting_role = :'su'
                     AND action = 'grant_auditor'),
    'audit_log: login_role and acting_role need no quoting');

SELECT ok(NOT EXISTS (SELECT FROM mask.audit_log WHERE login_role = 't52_auditor'),
    'audit_log: login_role is the caller, not the reader (the unquoted old name was the reader''s session_user)');

SELECT is((SELECT count(*)::int FROM mask.verify_audit_log()), 0, 'the audit chain verifies');

RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t52_outsider;
SELECT throws_ok('SELECT * FROM mask.effective_access', '42501', NULL,
    'effective_access: not for members of the public');
SELECT throws_ok('SELECT * FROM mask.changes', '42501', NULL,
    'changes: not for members of the public');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t52_printer;
SELECT throws_ok('SELECT * FROM mask.effective_access', '42501', NULL,
    'effective_access: not for members');
RESET SESSION AUTHORIZATION;

SELECT is(ARRAY(SELECT format('%s.%s', c.relname, a.attname)
                  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
                 WHERE c.relnamespace = 'mask'::regnamespace AND c.relkind = 'v'
                   AND c.relname NOT LIKE '\_%'
                   AND col_description(c.oid, a.attnum) IS NULL ORDER BY 1),
          '{}'::text[], 'every column of every auditor view has a comment');
SELECT ok(obj_description('mask'::regnamespace, 'pg_namespace') IS NOT NULL, 'schema mask has a comment');

SELECT mask.revoke_auditor('t52_auditor');
SELECT is((SELECT count(*)::int FROM mask.effective_access WHERE role = 't52_auditor'), 0,
    'effective_access: a revoked auditor is gone');

SELECT * FROM finish();
ROLLBACK;
