-- Members: add_member refuses every role with another path to a protected raw
-- table and names the path; accepted members get exactly the views, their
-- schema and a search_path, and lose them again with remove_member.
\ir fixtures/begin.sql

SELECT plan(39);

\ir fixtures/refusal.sql

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t21_owner NOLOGIN;
CREATE SCHEMA t21_billing AUTHORIZATION t21_owner;
GRANT USAGE ON SCHEMA t21_billing TO PUBLIC;
CREATE TABLE t21_billing.households (id integer, holder_name text, phone text);
ALTER TABLE t21_billing.households OWNER TO t21_owner;
INSERT INTO t21_billing.households VALUES (1, '张伟', '13812345678');
-- a partitioned table: a grant on one partition reads protected rows too
CREATE TABLE t21_billing.readings (household_id integer, meter text) PARTITION BY LIST (household_id);
CREATE TABLE t21_billing.readings_1 PARTITION OF t21_billing.readings FOR VALUES IN (1);
ALTER TABLE t21_billing.readings OWNER TO t21_owner;
ALTER TABLE t21_billing.readings_1 OWNER TO t21_owner;
CREATE TABLE t21_billing.other (x integer);
ALTER TABLE t21_billing.other OWNER TO t21_owner;

SELECT mask.create_policy('t21_p', 't21_view');
SELECT mask.protect('t21_p', 't21_billing.households');
SELECT mask.protect('t21_p', 't21_billing.readings');
SELECT mask.set_rule('t21_p', 't21_billing.households', 'holder_name', 'mask.cn_name(holder_name)');

-- The roles, one per path.
CREATE ROLE t21_direct;       GRANT SELECT ON t21_billing.households TO t21_direct;
CREATE ROLE t21_column;       GRANT SELECT (phone) ON t21_billing.households TO t21_column;
CREATE ROLE t21_reader;       GRANT SELECT ON t21_billing.households TO t21_reader;
CREATE ROLE t21_inherits      IN ROLE t21_reader;
CREATE ROLE t21_setrole       NOINHERIT IN ROLE t21_reader;
CREATE ROLE t21_super         SUPERUSER;
CREATE ROLE t21_to_super      NOINHERIT IN ROLE t21_super;
CREATE ROLE t21_bypass        BYPASSRLS;
CREATE ROLE t21_readall       IN ROLE pg_read_all_data;
CREATE ROLE t21_partition;    GRANT SELECT ON t21_billing.readings_1 TO t21_partition;
CREATE ROLE t21_admin;
SELECT mask.grant_admin('t21_admin');
CREATE ROLE t21_printer LOGIN;
CREATE ROLE t21_plain;

SELECT COALESCE(max(id), 0) AS audit_start FROM mask.audit_log \gset

-- ------------------------------------------------------ refused, by path ---
-- One role per path: add_member refuses it with 22023 and a detail naming the path.
SELECT is(pg_temp.refusal(format('SELECT mask.add_member(%L, %L)', 't21_p', r.role)), '22023 ' || r.detail, r.path)
  FROM (VALUES
    ('t21_direct', 'Role t21_direct has SELECT on t21_billing.households.',
     'direct grant'),
    ('t21_column', 'Role t21_column has SELECT on column phone of t21_billing.households.',
     'column grant'),
    ('t21_inherits', 'Role t21_inherits inherits the privileges of t21_reader, which has SELECT on t21_billing.households.',
     'inherited role'),
    ('t21_setrole', 'Role t21_setrole can SET ROLE to t21_reader, which has SELECT on t21_billing.households.',
     'role it can SET ROLE to'),
    ('t21_super', 'Role t21_super is a superuser.',
     'superuser'),
    ('t21_to_super', 'Role t21_to_super can SET ROLE to t21_super, which is a superuser.',
     'SET ROLE to a superuser'),
    ('t21_bypass', 'Role t21_bypass has BYPASSRLS.',
     'BYPASSRLS'),
    ('t21_readall', 'Role t21_readall is a member of pg_read_all_data.',
     'pg_read_all_data'),
    ('t21_owner', 'Role t21_owner owns t21_billing.households.',
     'the table owner'),
    ('t21_partition', 'Role t21_partition has SELECT on t21_billing.readings_1.',
     'a partition of a protected table'),
    ('t21_admin', 'Role t21_admin is a policy admin and could change the policy it reads through.',
     'a policy admin')) AS r(role, detail, path);
GRANT SELECT ON t21_billing.households TO PUBLIC;
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t21_p', 't21_plain')$$),
          '22023 PUBLIC has SELECT on t21_billing.households, so every role can read it, t21_plain included.',
          'a grant to PUBLIC');
REVOKE SELECT ON t21_billing.households FROM PUBLIC;
SELECT is((SELECT count(*)::int FROM mask.member m JOIN mask.policy p ON p.id = m.policy_id WHERE p.name = 't21_p'),
          0, 'no refused role became a member');
SELECT is((SELECT count(*)::int FROM mask.audit_log WHERE id > :audit_start), 0, 'refusals are not audited as changes');

-- -------------------------------------------------------------- accepted ---
SELECT lives_ok($$SELECT mask.add_member('t21_p', 't21_printer')$$, 'a role with no other path is accepted');
SELECT ok(has_schema_privilege('t21_printer', 't21_view', 'USAGE'), 'USAGE on the view schema');
SELECT ok(has_table_privilege('t21_printer', 't21_view.households', 'SELECT'), 'SELECT on the first view');
SELECT ok(has_table_privilege('t21_printer', 't21_view.readings', 'SELECT'), 'SELECT on the second view');
SELECT ok(NOT has_table_privilege('t21_printer', 't21_billing.households', 'SELECT'), 'still no SELECT on the raw table');
SELECT is((SELECT setconfig FROM pg_db_role_setting WHERE setrole = 't21_printer'::regrole
                                                    AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())),
          ARRAY['search_path=t21_view, "$user", public'], 'search_path puts the view schema first, in this database');
SELECT is((SELECT search_path_set FROM mask.members WHERE policy = 't21_p' AND member = 't21_printer'::regrole),
          true, 'mask.members records that the search_path was set');
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t21_p', 't21_printer')$$),
          '22023 ', 'adding twice is refused');
SELECT is(pg_temp.refusal($$SELECT mask.grant_admin('t21_printer')$$),
          '22023 Role t21_printer is a member of policy t21_p, and members cannot change the policies they read through.',
          'a member cannot become an admin');

SET SESSION AUTHORIZATION t21_printer;
SELECT is(ARRAY(SELECT holder_name FROM t21_view.households), ARRAY['张*'], 'the member reads the masked view');
SELECT throws_ok($$SELECT * FROM t21_billing.households$$, '42501', NULL, 'and not the raw table');
SELECT throws_ok($$SELECT * FROM t21_billing.readings_1$$, '42501', NULL, 'nor a partition');
SELECT throws_ok($$SELECT mask.remove_member('t21_p', 't21_printer')$$, '42501', NULL,
                 'a member cannot leave or change its policy');
RESET SESSION AUTHORIZATION;

-- protect() refuses a table a member can already read, and changes nothing.
GRANT SELECT ON t21_billing.other TO t21_printer;
SELECT is(pg_temp.refusal($$SELECT mask.protect('t21_p', 't21_billing.other')$$),
          '22023 Role t21_printer has SELECT on t21_billing.other.', 'protect() checks the existing members');
SELECT ok(to_regclass('t21_view.other') IS NULL, 'and creates no view');
REVOKE SELECT ON t21_billing.other FROM t21_printer;

-- set_search_path => false leaves the role's settings alone.
SELECT lives_ok($$SELECT mask.add_member('t21_p', 't21_plain', false)$$, 'add_member without search_path');
SELECT is((SELECT count(*)::int FROM pg_db_role_setting WHERE setrole = 't21_plain'::regrole), 0,
          'no search_path was set');

-- ---------------------------------------------------------------- removal ---
SELECT lives_ok($$SELECT mask.remove_member('t21_p', 't21_printer')$$, 'remove_member');
SELECT ok(NOT has_table_privilege('t21_printer', 't21_view.households', 'SELECT'), 'SELECT on the views is revoked');
SELECT ok(NOT has_schema_privilege('t21_printer', 't21_view', 'USAGE'), 'USAGE on the view schema is revoked');
SELECT is((SELECT count(*)::int FROM pg_db_role_setting WHERE setrole = 't21_printer'::regrole), 0,
          'the search_path add_member set is reset');
-- A search_path the DBA changed since is left alone.
SELECT mask.add_member('t21_p', 't21_printer');
DO $$ BEGIN EXECUTE format('ALTER ROLE t21_printer IN DATABASE %I SET search_path = custom, public', current_database()); END $$;
SELECT mask.remove_member('t21_p', 't21_printer');
SELECT is((SELECT setconfig FROM pg_db_role_setting WHERE setrole = 't21_printer'::regrole
                                                    AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())),
          ARRAY['search_path=custom, public'], 'a search_path changed by someone else is kept');
SELECT is(ARRAY(SELECT action || ':' || object FROM mask.audit_log WHERE id > :audit_start ORDER BY id),
          ARRAY['add_member:t21_printer', 'add_member:t21_plain', 'remove_member:t21_printer',
                'add_member:t21_printer', 'remove_member:t21_printer'],
          'each membership change is audited once');

-- drop_policy takes the remaining member's access with it.
SELECT lives_ok($$SELECT mask.drop_policy('t21_p')$$, 'drop_policy');
SELECT ok(to_regnamespace('t21_view') IS NULL, 'the view schema it created is gone');

SELECT * FROM finish();
ROLLBACK;
