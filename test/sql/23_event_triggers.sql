-- DDL on protected tables: the catalog and the views follow renames, new
-- columns stay hidden, dropped columns orphan their rules, dropped tables
-- leave their policies; each is audited.  One transaction, rolled back.
SET client_min_messages = warning;
\set SHOW_CONTEXT never
CREATE EXTENSION IF NOT EXISTS maskview;
\i test/sql/fixtures/policy.sql
BEGIN;

SELECT COALESCE(max(id), 0) AS audit_start FROM mask.audit_log \gset

CREATE ROLE mv23_owner;
CREATE ROLE mv23_printer;
CREATE SCHEMA mv23_billing AUTHORIZATION mv23_owner;
CREATE TABLE mv23_billing.households (
    id          integer PRIMARY KEY,
    holder_name text,
    address     text,
    phone       text,
    account_no  text,
    arrears     numeric);
ALTER TABLE mv23_billing.households OWNER TO mv23_owner;
INSERT INTO mv23_billing.households VALUES
    (1, '张三', '世贸滨江花园小区3栋2单元1201', '13812345678', 'A-0001', 120.5),
    (2, '李四', '世贸滨江花园小区3栋2单元1202', '13912345678', 'A-0002', 0);

SELECT pg_temp.policy('mv23_notice', 'mv23_view', 'mv23_billing.households',
                      ARRAY[['holder_name', 'mask.cn_name(holder_name)'],
                            ['address', 'mask.partial(address, 8, 0)'],
                            ['account_no', 'mask.pseudonym(account_no, 8)'],
                            ['phone', 'NULL'],
                            ['arrears', 'PASS']],
                      members => '{mv23_printer}', row_filter => 'arrears > 0');

-- The table owner renames: columns used by rules and by the row filter, and the table.
SET ROLE mv23_owner;
ALTER TABLE mv23_billing.households RENAME COLUMN holder_name TO "Holder";
ALTER TABLE mv23_billing.households RENAME COLUMN arrears TO amount_due;
ALTER TABLE mv23_billing.households RENAME TO accounts;
ALTER TABLE mv23_billing.accounts ADD COLUMN id_card text;
RESET ROLE;
SELECT regexp_replace(pg_get_viewdef('mv23_view.households', true), '_key_\d+', '_key_N') AS definition;
SELECT relation, view, row_filter FROM mask.protected_tables WHERE policy = 'mv23_notice';
SELECT "column", action, expression, orphaned FROM mask.rules
 WHERE policy = 'mv23_notice' ORDER BY orphaned, "column";
-- The member's view keeps working, the new column is not in it.
SET ROLE mv23_printer;
SELECT "Holder", amount_due FROM mv23_view.households;
RESET ROLE;

-- DROP COLUMN of a NULL-ruled column (the view does not read it), and of a
-- masked column (the view reads it: CASCADE drops the view, which is
-- regenerated without the column).
SET ROLE mv23_owner;
ALTER TABLE mv23_billing.accounts DROP COLUMN phone;
ALTER TABLE mv23_billing.accounts DROP COLUMN account_no CASCADE;
RESET ROLE;
SELECT regexp_replace(pg_get_viewdef('mv23_view.households', true), '_key_\d+', '_key_N') AS definition;
SELECT "column", action, expression, orphaned FROM mask.rules
 WHERE policy = 'mv23_notice' ORDER BY orphaned, "column";
SELECT has_table_privilege('mv23_printer', 'mv23_view.households', 'SELECT') AS member_reads_regenerated_view;

-- Dropping the row filter's column would show every row: refused.
SAVEPOINT s;
ALTER TABLE mv23_billing.accounts DROP COLUMN amount_due CASCADE;
ROLLBACK TO SAVEPOINT s;

-- Giving the table to a superuser would make the view bypass privileges: refused.
ALTER TABLE mv23_billing.accounts OWNER TO CURRENT_USER;
ROLLBACK TO SAVEPOINT s;

-- An orphaned rule can be dropped by its old column name.
SELECT mask.drop_rule('mv23_notice', 'mv23_billing.accounts', 'phone');

-- A generated view dropped by hand is recorded (and recreated by the next change).
DROP VIEW mv23_view.households;
SELECT mask.set_rule('mv23_notice', 'mv23_billing.accounts', 'id_card', 'NULL');
SELECT to_regclass('mv23_view.households') IS NOT NULL AS view_back;

-- A new (non-superuser) owner of the table becomes the owner of its view and
-- the reader of the key view, in place of the old one.
CREATE ROLE mv23_new_owner;
GRANT USAGE ON SCHEMA mv23_billing TO mv23_new_owner;
ALTER TABLE mv23_billing.accounts OWNER TO mv23_new_owner;
SELECT pg_get_userbyid(relowner) AS view_owner FROM pg_class WHERE oid = 'mv23_view.households'::regclass;
SELECT r AS role, has_table_privilege(r, 'mask_internal._key_' || (SELECT id FROM mask.policy WHERE name = 'mv23_notice'), 'SELECT') AS reads_key_view
  FROM unnest(ARRAY['mv23_owner', 'mv23_new_owner']) r ORDER BY 1;

-- DROP TABLE takes the table out of its policy with its rules.
SET ROLE mv23_new_owner;
DROP TABLE mv23_billing.accounts CASCADE;
RESET ROLE;
SELECT count(*) AS protected FROM mask.protected_tables WHERE policy = 'mv23_notice';
SELECT count(*) AS rules FROM mask.rule r JOIN mask.policy p ON p.id = r.policy_id WHERE p.name = 'mv23_notice';

-- How renames reach rule text: only column references change, never string
-- literals, function names, qualified names or cast types.
SELECT mask_internal._rename_columns($$mask.partial(name, 1, 0, 'name')$$, '{"name": "Full Name"}');
SELECT mask_internal._rename_columns($$mask.cn_name(NAME, E'na\'me', pad => 3)$$, '{"name": "n2"}');
SELECT mask_internal._rename_columns($$mask.redact("name"::text)$$, '{"name": "n2", "text": "t2"}');
SELECT mask_internal._rename_columns($$name(x) + t.name + $q$name$q$ + "Name"$$, '{"name": "n2", "x": "y"}');

-- The audit log, beginning with the follow-ups.
SELECT action, object, details FROM mask.audit_log
 WHERE id > :audit_start AND action NOT IN ('create_policy', 'protect', 'set_rule', 'add_member')
 ORDER BY id;

ROLLBACK;
