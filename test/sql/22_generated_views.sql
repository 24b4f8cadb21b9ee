-- Generated views: their definitions, options, owners, column comments and
-- grants, as members see them.  One transaction, rolled back.
SET client_min_messages = warning;
\set SHOW_CONTEXT never
CREATE EXTENSION IF NOT EXISTS maskview;
BEGIN;

CREATE ROLE mv22_owner;
CREATE ROLE mv22_printer;
CREATE ROLE mv22_auditor;
CREATE SCHEMA mv22_billing AUTHORIZATION mv22_owner;
GRANT USAGE ON SCHEMA mv22_billing TO mv22_owner;
CREATE TABLE mv22_billing.households (
    id          integer PRIMARY KEY,
    holder_name text,
    address     text,
    room        text,
    phone       varchar(20),
    account_no  text,
    arrears     numeric(10,2),
    "Odd ""Name""" text);
ALTER TABLE mv22_billing.households OWNER TO mv22_owner;
INSERT INTO mv22_billing.households VALUES
    (1, '张三', '世贸滨江花园小区3栋2单元1201', '1201', '13812345678', 'A-0001', 120.50, 'x'),
    (2, '欧阳娜娜', '世贸滨江花园小区3栋2单元1202', '1202', '13912345678', 'A-0002', 0, 'y'),
    (3, '李四', '世贸滨江花园小区5栋1单元0301', '0301', '13700000000', 'A-0003', 88.00, 'z');
CREATE TABLE mv22_billing.meters (id integer, reading integer);
ALTER TABLE mv22_billing.meters OWNER TO mv22_owner;
INSERT INTO mv22_billing.meters VALUES (1, 10), (2, 20);

SELECT mask.create_policy('mv22_notice', 'mv22_view');
SELECT mask.protect('mv22_notice', 'mv22_billing.households', 'arrears > 0');
SELECT mask.set_rule('mv22_notice', 'mv22_billing.households', 'holder_name', 'mask.cn_name(holder_name)', 'PIPL Art. 25');
SELECT mask.set_rule('mv22_notice', 'mv22_billing.households', 'account_no', 'mask.pseudonym(account_no, 8)', 'short token');
SELECT mask.set_rule('mv22_notice', 'mv22_billing.households', 'arrears', 'PASS');
SELECT mask.set_rule('mv22_notice', 'mv22_billing.households', 'phone', 'NULL');
SELECT mask.set_rule('mv22_notice', 'mv22_billing.households', 'Odd "Name"', 'PASS', 'quoting check');
-- every column hidden: a view with no columns, rows still counted
SELECT mask.protect('mv22_notice', 'mv22_billing.meters', NULL, 'meter_rows');
SELECT mask.add_member('mv22_notice', 'mv22_printer');
SELECT mask.grant_auditor('mv22_auditor');

-- The definitions: hidden columns (id, address, room) left out, the key read
-- through the key view by an uncorrelated subquery, the row filter as WHERE.
SELECT regexp_replace(pg_get_viewdef('mv22_view.households', true), '_key_\d+', '_key_N') AS definition;
SELECT pg_get_viewdef('mv22_view.meter_rows', true);
-- The key view holds no key in its definition either: a security_barrier
-- view of the key table that shows the key only to a superuser, or to a
-- member or auditor that cannot read the policy's raw tables (41_keys.sql).
SELECT regexp_replace(pg_get_viewdef(c.oid, true), '\d+', 'N', 'g') AS key_view,
       c.reloptions
  FROM pg_class c
 WHERE c.oid = ('mask_internal._key_' || (SELECT id FROM mask.policy WHERE name = 'mv22_notice'))::regclass;

-- security_barrier, owned by the table's owner, commented.
SELECT c.relname, c.reloptions, pg_get_userbyid(c.relowner) AS owner,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c WHERE c.relnamespace = 'mv22_view'::regnamespace ORDER BY 1;
SELECT a.attname, col_description(a.attrelid, a.attnum)
  FROM pg_attribute a WHERE a.attrelid = 'mv22_view.households'::regclass AND a.attnum > 0
 ORDER BY a.attnum;

-- Grants: members and auditors read the views; only the table owner reads the key view.
SELECT r.rolname,
       has_table_privilege(r.rolname, 'mv22_view.households', 'SELECT') AS reads_view,
       has_schema_privilege(r.rolname, 'mv22_view', 'USAGE') AS uses_schema,
       has_table_privilege(r.rolname, 'mask_internal._key_' || (SELECT id FROM mask.policy WHERE name = 'mv22_notice'), 'SELECT') AS reads_key_view,
       has_table_privilege(r.rolname, 'mv22_billing.households', 'SELECT') AS reads_raw
  FROM pg_roles r WHERE r.rolname IN ('mv22_owner', 'mv22_printer', 'mv22_auditor')
 ORDER BY 1;
SELECT has_table_privilege('public', 'mv22_view.households', 'SELECT') AS public_reads_view;

-- What the member reads: masked values, only rows with arrears.
SET ROLE mv22_printer;
SELECT holder_name, phone, account_no ~ '^[0-9A-Z]{8}$' AS token_shape, arrears, "Odd ""Name"""
  FROM mv22_view.households ORDER BY arrears;
SELECT count(*) AS meter_rows FROM mv22_view.meter_rows;
SELECT * FROM mv22_view.meter_rows;
RESET ROLE;
SHOW search_path;
SELECT setconfig FROM pg_db_role_setting WHERE setrole = 'mv22_printer'::regrole;

-- The same household gets the same token in every query and a new one after rotate_key.
CREATE TEMP TABLE tokens AS SELECT account_no FROM mv22_view.households WHERE arrears = 120.50;
SELECT (SELECT account_no FROM mv22_view.households WHERE arrears = 120.50) = account_no AS stable FROM tokens;
SELECT mask.rotate_key('mv22_notice');
SELECT (SELECT account_no FROM mv22_view.households WHERE arrears = 120.50) <> account_no AS rotated FROM tokens;

-- A rule change regenerates the view in the same transaction; a hand-made
-- grant on the view does not survive regeneration.
GRANT SELECT ON mv22_view.households TO PUBLIC;
SELECT mask.set_rule('mv22_notice', 'mv22_billing.households', 'address', 'mask.partial(address, 8, 0)');
SELECT regexp_replace(pg_get_viewdef('mv22_view.households', true), '_key_\d+', '_key_N') AS definition;
SELECT has_table_privilege('public', 'mv22_view.households', 'SELECT') AS public_reads_view;
SET ROLE mv22_printer;
SELECT holder_name, address FROM mv22_view.households ORDER BY arrears;
RESET ROLE;

-- Changing a column's type through a rule replaces the view (drop + create),
-- and the grants are made again.
SELECT mask.set_rule('mv22_notice', 'mv22_billing.households', 'arrears', 'mask.redact(arrears::text)');
SELECT regexp_replace(pg_get_viewdef('mv22_view.households', true), '_key_\d+', '_key_N') AS definition;
SELECT has_table_privilege('mv22_printer', 'mv22_view.households', 'SELECT') AS member_still_reads;

-- remove_member takes the views, the schema and the search_path away again.
SELECT mask.remove_member('mv22_notice', 'mv22_printer');
SELECT has_table_privilege('mv22_printer', 'mv22_view.households', 'SELECT') AS reads_view,
       has_schema_privilege('mv22_printer', 'mv22_view', 'USAGE') AS uses_schema,
       (SELECT count(*) FROM pg_db_role_setting WHERE setrole = 'mv22_printer'::regrole) AS role_settings;

ROLLBACK;
