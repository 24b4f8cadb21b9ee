-- A grant on a column that was dropped since gives nothing: PostgreSQL keeps
-- the dropped column's ACL in pg_attribute, but nobody can read through it.
-- The member paths (add_member's refusal, verify()'s member findings) and
-- verify()'s other grant findings must agree on that: neither names a path
-- through "........pg.dropped.N........", whose REVOKE would fail anyway.
-- A live column's grant is still a path (the control).
\ir fixtures/begin.sql

SELECT plan(7);

\ir fixtures/refusal.sql

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t55_owner NOLOGIN;
CREATE ROLE t55_member NOLOGIN;
CREATE ROLE t55_other NOLOGIN;
CREATE SCHEMA t55_billing AUTHORIZATION t55_owner;
GRANT USAGE ON SCHEMA t55_billing TO PUBLIC;
CREATE TABLE t55_billing.households (id integer, holder_name text, old_phone text, old_mobile text);
ALTER TABLE t55_billing.households OWNER TO t55_owner;
-- grants on columns that are then dropped: to PUBLIC and to the member
GRANT SELECT (old_phone) ON t55_billing.households TO PUBLIC;
GRANT SELECT (old_mobile) ON t55_billing.households TO t55_member;
ALTER TABLE t55_billing.households DROP COLUMN old_phone, DROP COLUMN old_mobile;

SELECT mask.create_policy('t55_p', 't55_view');
SELECT mask.protect('t55_p', 't55_billing.households');
SELECT mask.set_rule('t55_p', 't55_billing.households', 'holder_name', 'mask.cn_name(holder_name)');

-- ---------------------------------------------------------------- paths ---
SELECT ok(EXISTS (SELECT FROM pg_catalog.pg_attribute a
                   WHERE a.attrelid = 't55_billing.households'::regclass AND a.attisdropped
                     AND a.attacl IS NOT NULL),
          'the dropped columns keep their grants in pg_attribute (what this file is about)');
SELECT is((SELECT pg_catalog.count(*) FROM mask_internal._raw_paths('t55_member'::regrole,
                                            ARRAY['t55_billing.households'::regclass::oid])),
          0::bigint, 'no member path through a dropped column''s grant, to PUBLIC or to the role');
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t55_p', 't55_member')$$), 'ok',
          'add_member accepts a role whose only grants are on dropped columns');
SELECT is((SELECT pg_catalog.count(*) FROM mask.verify('t55_p') v
            WHERE v.severity IN ('error', 'warning')
              AND (v.finding LIKE '%pg.dropped%' OR v.hint LIKE '%pg.dropped%')),
          0::bigint, 'verify() names no dropped column');
SELECT is((SELECT pg_catalog.count(*) FROM mask.verify('t55_p') v
            WHERE v.severity IN ('error', 'warning') AND v.object = 't55_member'),
          0::bigint, 'verify() finds no path for the member');

-- The control: a grant on a live column is a path, for PUBLIC and for a role.
GRANT SELECT (id) ON t55_billing.households TO t55_other;
SELECT is((SELECT r.path FROM mask_internal._raw_paths('t55_other'::regrole,
                                ARRAY['t55_billing.households'::regclass::oid]) r LIMIT 1),
          'Role t55_other has SELECT on column id of t55_billing.households.',
          'a live column''s grant is still a path');
GRANT SELECT (id) ON t55_billing.households TO PUBLIC;
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t55_p', 't55_other')$$),
          '22023 PUBLIC has SELECT on column id of t55_billing.households, so every role can read it, t55_other included.',
          'add_member refuses a role that reads a live column through PUBLIC');

SELECT * FROM finish();
ROLLBACK;
