-- A generated view carries SELECT for the policy's readers and nothing else
-- (DESIGN: "a generated view has no rules, triggers or grants but
-- maskview's").  A reader given more by hand, WITH GRANT OPTION (it could
-- pass the masked view on to roles outside the policy) or a write privilege
-- (what it does through the view runs as the view owner, the table owner),
-- is reported by verify() and set back by refresh_privileges() and by any
-- regeneration, the reader keeping SELECT; a grant it passed on goes too, and
-- so does a column grant (which CREATE OR REPLACE VIEW would keep).
\ir fixtures/begin.sql

SELECT plan(11);

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t57_owner NOLOGIN;
CREATE ROLE t57_member NOLOGIN;
CREATE ROLE t57_writer NOLOGIN;
CREATE ROLE t57_friend NOLOGIN;
CREATE ROLE t57_other NOLOGIN;
CREATE SCHEMA t57_billing AUTHORIZATION t57_owner;
CREATE TABLE t57_billing.households (id integer, holder_name text);
ALTER TABLE t57_billing.households OWNER TO t57_owner;
INSERT INTO t57_billing.households VALUES (1, '张三');

SELECT mask.create_policy('t57_p', 't57_view');
SELECT mask.protect('t57_p', 't57_billing.households');
SELECT mask.set_rule('t57_p', 't57_billing.households', 'id', 'PASS');
SELECT mask.set_rule('t57_p', 't57_billing.households', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.add_member('t57_p', 't57_member');
SELECT mask.add_member('t57_p', 't57_writer');

CREATE FUNCTION pg_temp.view_grants() RETURNS text LANGUAGE sql AS $$
    SELECT pg_catalog.string_agg(pg_catalog.pg_get_userbyid(g.grantee) || ':' || g.privilege_type
                                 || CASE WHEN g.is_grantable THEN '*' ELSE '' END, ' '
                                 ORDER BY 1)
      FROM pg_catalog.aclexplode((SELECT c.relacl FROM pg_catalog.pg_class c
                                   WHERE c.oid = 't57_view.households'::regclass)) g
     WHERE g.grantee <> 't57_owner'::regrole
$$;
SELECT is(pg_temp.view_grants(), 't57_member:SELECT t57_writer:SELECT',
          'the readers hold SELECT on the masked view, nothing more');

-- ---------------------------------------------------------- drift by hand ---
GRANT SELECT ON t57_view.households TO t57_member WITH GRANT OPTION;
GRANT UPDATE ON t57_view.households TO t57_writer;
SET ROLE t57_member;
GRANT SELECT ON t57_view.households TO t57_friend;     -- passed on
RESET ROLE;
SELECT ok(EXISTS (SELECT FROM mask.verify('t57_p') v
                   WHERE v.severity = 'warning' AND v.object = 't57_view.households'
                     AND v.finding LIKE 'Role t57_member holds SELECT WITH GRANT OPTION on the masked view%'),
          'verify() reports a reader''s grant option');
SELECT ok(EXISTS (SELECT FROM mask.verify('t57_p') v
                   WHERE v.severity = 'warning' AND v.object = 't57_view.households'
                     AND v.finding LIKE 'Role t57_writer holds UPDATE on the masked view%'),
          'verify() reports a reader''s write privilege');
SELECT ok(EXISTS (SELECT FROM mask.verify('t57_p') v
                   WHERE v.severity = 'warning' AND v.finding LIKE 'Role t57_friend can read the masked view%'),
          'verify() reports the role it was passed on to');

GRANT SELECT (holder_name) ON t57_view.households TO t57_other;    -- no table-level grant
SELECT ok(EXISTS (SELECT FROM mask.verify('t57_p') v
                   WHERE v.severity = 'error' AND v.finding LIKE '%column grant on holder_name%'),
          'verify() reports the column grant');

SELECT lives_ok($$SELECT mask.refresh_privileges()$$, 'refresh_privileges() runs');
SELECT is((SELECT pg_catalog.count(*) FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = 't57_view.households'::regclass AND a.attacl IS NOT NULL
              AND pg_catalog.cardinality(a.attacl) > 0),
          0::bigint, 'refresh_privileges() revokes the column grant');
SELECT is(pg_temp.view_grants(), 't57_member:SELECT t57_writer:SELECT',
          'refresh_privileges() leaves SELECT for the readers only: no grant option, no UPDATE, nothing passed on');
SELECT is((SELECT pg_catalog.count(*) FROM mask.verify('t57_p') v
            WHERE v.severity IN ('error', 'warning') AND v.object = 't57_view.households'),
          0::bigint, 'verify() is clean again');

-- ------------------------------------------------ and at a regeneration ---
GRANT SELECT ON t57_view.households TO t57_member WITH GRANT OPTION;
SELECT mask.set_rule('t57_p', 't57_billing.households', 'id', 'mask.generalize(id::bigint, 10::bigint)');
SELECT is(pg_temp.view_grants(), 't57_member:SELECT t57_writer:SELECT',
          'a regeneration takes the grant option away too');
SET ROLE t57_member;
SELECT is((SELECT h.holder_name FROM t57_view.households h), '张*', 'the member still reads the masked view');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
