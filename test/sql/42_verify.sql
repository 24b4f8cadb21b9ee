-- mask.verify(): a clean policy has no error or warning row; each kind of
-- drift from the catalog is created by hand, reported with a hint, and the
-- hint, applied, makes the report clean again.  Everything runs in one
-- transaction that is rolled back; each drift in a savepoint of its own.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS maskview;
\pset format unaligned
\pset null '-'

\i test/sql/fixtures/err.sql

BEGIN;
CREATE ROLE t42_owner NOLOGIN;
CREATE ROLE t42_owner2 NOLOGIN;
CREATE ROLE t42_printer NOLOGIN;
CREATE ROLE t42_auditor NOLOGIN;
CREATE ROLE t42_reader NOLOGIN;
CREATE ROLE t42_stranger NOLOGIN;
CREATE SCHEMA t42_billing AUTHORIZATION t42_owner;
\set schema t42_billing
\set owner t42_owner
\set reader t42_reader
\set last_col memo
\set v1 'paid late'
\set v2 ok
\set v3 ok
\i test/sql/fixtures/households.sql

SELECT mask.create_policy('t42', 't42_view', 'arrears notices') AS created;
SELECT mask.protect('t42', 't42_billing.households', 'arrears > 0') AS protected;
SELECT mask.set_rule('t42', 't42_billing.households', 'holder_name', 'mask.cn_name(holder_name)', 'PIPL Art. 25') AS rule;
SELECT mask.set_rule('t42', 't42_billing.households', 'account_no', 'mask.pseudonym(account_no, 8)') AS rule;
SELECT mask.set_rule('t42', 't42_billing.households', 'arrears', 'PASS') AS rule;
SELECT mask.set_rule('t42', 't42_billing.households', 'memo', 'PASS', 'free text, no personal data') AS rule;
SELECT mask.add_member('t42', 't42_printer') AS member;
SELECT mask.grant_auditor('t42_auditor') AS auditor;

-- ------------------------------------------------------------ clean ---
-- No error or warning; the hidden address and phone columns are reported
-- as info (nothing leaks, but they hold personal data).
SELECT * FROM mask.verify('t42');
-- An auditor may run it (grant_auditor grants EXECUTE on the reports).
SET ROLE t42_auditor;
SELECT count(*) FILTER (WHERE severity IN ('error', 'warning')) AS problems FROM mask.verify('t42');
RESET ROLE;
-- A policy that does not exist is refused.
SELECT pg_temp.err($$SELECT * FROM mask.verify('t42_nonesuch')$$);

-- From here on only the errors and warnings of this policy are shown.
CREATE FUNCTION pg_temp.problems() RETURNS SETOF record LANGUAGE sql AS $$
    SELECT v.severity, v.policy, v.object, v.finding, v.hint FROM mask.verify('t42') v
     WHERE v.severity <> 'info'
$$;
CREATE VIEW pg_temp.problems AS
    SELECT * FROM pg_temp.problems() AS p(severity text, policy name, object text, finding text, hint text);

-- ------------------------------------------- members with a raw path ---
SAVEPOINT drift;
GRANT SELECT ON t42_billing.households TO t42_printer;
SELECT * FROM pg_temp.problems;
REVOKE SELECT ON t42_billing.households FROM t42_printer;   -- the hint
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
GRANT SELECT (phone) ON t42_billing.households TO t42_printer;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- PUBLIC: reported for the table and for the member.
SAVEPOINT drift;
GRANT SELECT ON t42_billing.households TO PUBLIC;
SELECT * FROM pg_temp.problems;
REVOKE SELECT ON t42_billing.households FROM PUBLIC;       -- the hint
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
GRANT SELECT (address) ON t42_billing.households TO PUBLIC;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- Through an inherited role, and through a role it can SET ROLE to.
SAVEPOINT drift;
GRANT t42_reader TO t42_printer;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
ALTER ROLE t42_printer NOINHERIT;
GRANT t42_reader TO t42_printer;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
ALTER ROLE t42_printer SUPERUSER;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
ALTER ROLE t42_printer BYPASSRLS;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
GRANT pg_read_all_data TO t42_printer;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- The owner of the raw table became a member's role.
SAVEPOINT drift;
ALTER TABLE t42_billing.households OWNER TO t42_owner2;
GRANT t42_owner2 TO t42_printer;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- ------------------------------------ members that can change or key ---
SAVEPOINT drift;
GRANT EXECUTE ON FUNCTION mask.set_rule(name, regclass, name, text, text) TO t42_printer;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
SELECT pg_temp.err(format('GRANT SELECT ON mask_internal.%I TO t42_printer', '_key_' || id)) AS granted
  FROM mask.policy WHERE name = 't42';
SELECT severity, regexp_replace(object, '_key_\d+', '_key_N') AS object, finding,
       regexp_replace(hint, '_key_\d+', '_key_N', 'g') AS hint
  FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- ------------------------------------------------------ the view ---
-- Replaced by hand: the raw name shown again.
SAVEPOINT drift;
CREATE OR REPLACE VIEW t42_view.households WITH (security_barrier) AS
    SELECT h.holder_name, h.account_no, h.arrears, h.memo FROM t42_billing.households h
     WHERE h.arrears > 0;
SELECT * FROM pg_temp.problems;
SELECT mask.protect('t42', 't42_billing.households', 'arrears > 0', 'households') AS hint_applied;
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- Altered: the row filter removed, a column renamed.
SAVEPOINT drift;
CREATE OR REPLACE VIEW t42_view.households WITH (security_barrier) AS
    SELECT mask.cn_name(h.holder_name) AS holder_name, h.account_no, h.arrears, h.memo
      FROM t42_billing.households h;
SELECT severity, object, finding FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;
SAVEPOINT drift;
ALTER VIEW t42_view.households RENAME COLUMN memo TO remark;
SELECT severity, object, finding FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- security_barrier taken away.
SAVEPOINT drift;
ALTER VIEW t42_view.households RESET (security_barrier);
SELECT * FROM pg_temp.problems;
ALTER VIEW t42_view.households SET (security_barrier);      -- the hint
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- Re-owned: by another role, by a superuser.
SAVEPOINT drift;
ALTER VIEW t42_view.households OWNER TO t42_owner2;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;
SAVEPOINT drift;
ALTER VIEW t42_view.households OWNER TO CURRENT_USER;
SELECT severity, object, regexp_replace(finding, 'owned by \S+, not', 'owned by SUPERUSER, not') AS finding
  FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- Dropped, and replaced by a table of the same name.
SAVEPOINT drift;
DROP VIEW t42_view.households;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;
SAVEPOINT drift;
DROP VIEW t42_view.households;
CREATE TABLE t42_view.households (holder_name text);
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- Readable by a role that is neither member nor auditor (masked data only,
-- so a warning).
SAVEPOINT drift;
GRANT SELECT ON t42_view.households TO t42_stranger;
SELECT * FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- --------------------------------------------------------- the rules ---
-- PASS on a column detect() classifies as a phone number: warning.
SAVEPOINT drift;
SELECT mask.set_rule('t42', 't42_billing.households', 'phone', 'PASS') AS rule;
SELECT * FROM pg_temp.problems;
SELECT mask.set_rule('t42', 't42_billing.households', 'phone', 'mask.cn_phone(phone)') AS hint_applied;
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- A ruled column dropped: the rule is orphaned.
SAVEPOINT drift;
ALTER TABLE t42_billing.households DROP COLUMN memo CASCADE;
SELECT * FROM pg_temp.problems;
SELECT mask.drop_rule('t42', 't42_billing.households', 'memo') AS hint_applied;
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- ---------------------------------------------------------- global ---
-- The audit chain, changed by a superuser with the trigger disabled.
SAVEPOINT drift;
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE mask.audit_log SET object = 'nothing to see'
 WHERE id = (SELECT max(id) FROM mask.audit_log WHERE action = 'add_member' AND policy = 't42');
SELECT severity, policy, object, regexp_replace(finding, 'at id \d+', 'at id N') AS finding, hint
  FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- A disabled event trigger, and the protected table dropped meanwhile.
SAVEPOINT drift;
ALTER EVENT TRIGGER maskview_sql_drop DISABLE;
DROP TABLE t42_billing.households CASCADE;
SELECT severity, policy, regexp_replace(object, '_key_\d+', '_key_N') AS object, finding,
       regexp_replace(regexp_replace(hint, ', \d+\)', ', OID)'), '_key_\d+', '_key_N') AS hint
  FROM pg_temp.problems;
-- The hints, applied: the catalog forgets the table (and the key view's
-- grant to its owner goes with it), the trigger runs again.
SELECT pg_temp.err(format('SELECT mask.unprotect(%L, %s)', 't42', pr.relation::oid)) AS hint_applied
  FROM mask.protected pr JOIN mask.policy p ON p.id = pr.policy_id WHERE p.name = 't42';
ALTER EVENT TRIGGER maskview_sql_drop ENABLE;
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- A member role dropped behind the policy's back.
SAVEPOINT drift;
DROP OWNED BY t42_printer;
ALTER ROLE t42_printer RESET ALL;
DROP ROLE t42_printer;
SELECT severity, object, regexp_replace(finding, 'OID \d+', 'OID N') AS finding,
       regexp_replace(hint, '''\d+''', '''OID''') AS hint
  FROM pg_temp.problems;
SELECT pg_temp.err(format('SELECT mask.remove_member(%L, %L)', 't42', m.role::oid::text)) AS hint_applied
  FROM mask.member m JOIN mask.policy p ON p.id = m.policy_id WHERE p.name = 't42';
SELECT count(*) AS problems_after_fix FROM pg_temp.problems;
ROLLBACK TO SAVEPOINT drift;

-- Still clean after all of that was rolled back.
SELECT count(*) AS problems FROM pg_temp.problems;
ROLLBACK;
