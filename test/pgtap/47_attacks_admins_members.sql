-- Attack suite, part 4: a policy admin who is not a superuser, and members
-- with a second way to the raw data (issue 8, "Policy admins" and "Members").
--
--   admins   may only publish what they could read themselves: protect()
--            a table they cannot read (even by OID, without USAGE on its
--            schema), PASS or mask a column they cannot read, or filter
--            rows on one, is refused with 42501 and nothing changes;
--   search_path  add_member sets it in this database only, only to a view
--            schema that maskview's owner owns alone, for one policy per
--            role, and remove_member puts back exactly what was there;
--   members  add_member refuses every role with another path to the raw
--            data, and verify() reports a member (or a role granted a
--            member role) that gains one later, with a hint.
--
-- Admins act under SET SESSION AUTHORIZATION (not SET ROLE from the
-- superuser, whose session would prove nothing), or under SET ROLE where
-- that is the point.
\ir fixtures/begin.sql

SELECT plan(67);

\ir fixtures/refusal.sql
GRANT EXECUTE ON FUNCTION pg_temp.refusal(text) TO PUBLIC;

-- The role's search_path setting in this database / for the whole cluster.
CREATE FUNCTION pg_temp.db_path(r regrole) RETURNS text[] LANGUAGE sql AS $$
    SELECT s.setconfig FROM pg_db_role_setting s
     WHERE s.setrole = r AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
$$;
CREATE FUNCTION pg_temp.global_path(r regrole) RETURNS text[] LANGUAGE sql AS $$
    SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r AND s.setdatabase = 0
$$;

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t47_owner NOLOGIN;
CREATE ROLE t47_admin NOLOGIN;       -- an admin with no right to the data
CREATE ROLE t47_admin2 NOLOGIN;      -- an admin who may read id and phone only
CREATE ROLE t47_admin3 NOLOGIN;      -- an admin who can become the owner
CREATE SCHEMA t47_billing AUTHORIZATION t47_owner;
GRANT USAGE ON SCHEMA t47_billing TO PUBLIC;
CREATE DOMAIN t47_billing.code_d AS text;
CREATE TYPE t47_billing.status_t AS ENUM ('open', 'paid');
CREATE TABLE t47_billing.households (
    id          integer PRIMARY KEY,
    holder_name text,
    phone       text,
    note        text,
    code        t47_billing.code_d,
    status      t47_billing.status_t);
INSERT INTO t47_billing.households VALUES (1, '张伟', '13812345678', '独居老人', 'C-9', 'open');
CREATE FUNCTION t47_billing.fmt(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(v) $$;
ALTER DOMAIN t47_billing.code_d OWNER TO t47_owner;
ALTER TYPE t47_billing.status_t OWNER TO t47_owner;
ALTER FUNCTION t47_billing.fmt(text) OWNER TO t47_owner;
ALTER TABLE t47_billing.households OWNER TO t47_owner;
-- A schema nobody but its owner may use: the table is reachable by OID only.
CREATE SCHEMA t47_hidden AUTHORIZATION t47_owner;
CREATE TABLE t47_hidden.secrets (id integer, secret text);
ALTER TABLE t47_hidden.secrets OWNER TO t47_owner;
INSERT INTO t47_hidden.secrets VALUES (1, 'T47-SECRET');
SELECT 't47_hidden.secrets'::regclass::oid AS hidden_oid \gset

SELECT mask.grant_admin(r) FROM unnest(ARRAY['t47_admin', 't47_admin2', 't47_admin3']::regrole[]) r;
GRANT SELECT (id, phone) ON t47_billing.households TO t47_admin2;
GRANT t47_owner TO t47_admin3;

SELECT mask.create_policy('t47_p', 't47_view');
SELECT mask.create_policy('t47_q', 't47_view2');
SELECT mask.trust_function('t47_billing.fmt(text)');
SELECT COALESCE(max(id), 0) AS audit_start FROM mask.audit_log \gset

-- ========================================================= policy admins ===
SET SESSION AUTHORIZATION t47_admin;
SELECT throws_ok($$SELECT mask.protect('t47_p', 't47_billing.households')$$, '42501', NULL,
                 'an admin who cannot read a table cannot protect it');
SELECT throws_ok(format('SELECT mask.protect(%L, %s::oid::regclass)', 't47_p', :hidden_oid), '42501', NULL,
                 'nor one named by OID in a schema it has no USAGE on');
-- The attack of the report starts with protect(); it stops there, naming why.
SELECT is(pg_temp.refusal($$SELECT mask.protect('t47_p', 't47_billing.households')$$),
    '42501 Role t47_admin is not the owner of t47_billing.households, cannot become it, and has no SELECT on it.',
    'the refusal names the reason');
SELECT is(pg_temp.refusal(format('SELECT mask.protect(%L, %s::oid::regclass)', 't47_p', :hidden_oid)),
    '42501 Role t47_admin has no USAGE on the schema of t47_hidden.secrets, so it cannot read the table itself.',
    'the refusal by OID names the schema');
RESET SESSION AUTHORIZATION;
SELECT ok(NOT EXISTS (SELECT FROM mask.protected WHERE policy_id = (SELECT id FROM mask.policy WHERE name = 't47_p')),
          'nothing was protected');
SELECT is((SELECT count(*)::int FROM mask.audit_log WHERE id > :audit_start), 0, 'and nothing audited');

-- SET ROLE from a superuser's session: the role set is the caller.
SET ROLE t47_admin;
SELECT throws_ok($$SELECT mask.protect('t47_p', 't47_billing.households')$$, '42501', NULL,
                 'SET ROLE to the admin: the admin is the caller, not the session''s superuser');
RESET ROLE;

-- An admin who can become the owner may protect and publish.
SET SESSION AUTHORIZATION t47_admin3;
SELECT lives_ok($$SELECT mask.protect('t47_p', 't47_billing.households')$$,
                'an admin who can become the owner protects the table');
SELECT lives_ok($$SELECT mask.set_rule('t47_p', 't47_billing.households', 'holder_name', 'mask.cn_name(holder_name)')$$,
                'and masks a column');
RESET SESSION AUTHORIZATION;

-- An admin with SELECT on some columns: it publishes those only.
SET SESSION AUTHORIZATION t47_admin2;
SELECT lives_ok($$SELECT mask.set_rule('t47_p', 't47_billing.households', 'phone', 'mask.cn_phone(phone)')$$,
                'an admin masks a column it can read');
SELECT lives_ok($$SELECT mask.set_rule('t47_p', 't47_billing.households', 'id', 'PASS')$$,
                'and passes one');
SELECT throws_ok($$SELECT mask.set_rule('t47_p', 't47_billing.households', 'note', 'PASS')$$, '42501', NULL,
                 'PASS on a column it cannot read is refused');
SELECT throws_ok($$SELECT mask.set_rule('t47_p', 't47_billing.households', 'note', 'mask.redact(note)')$$, '42501', NULL,
                 'so is a mask of it');
SELECT throws_ok($$SELECT mask.set_rule('t47_p', 't47_billing.households', 'phone', 'mask.partial(note, 2, 0)')$$,
                 '42501', NULL, 'and a rule on a readable column whose expression reads an unreadable one');
SELECT lives_ok($$SELECT mask.set_rule('t47_p', 't47_billing.households', 'note', 'NULL')$$,
                'a NULL rule publishes nothing and is allowed');
SELECT throws_ok($$SELECT mask.protect('t47_p', 't47_billing.households', 'holder_name = ''张伟''')$$,
                 '42501', NULL, 'a row filter on a column it cannot read is refused (row presence tells the value)');
SELECT lives_ok($$SELECT mask.protect('t47_p', 't47_billing.households', 'id > 0')$$,
                'a row filter on a column it can read is allowed');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(action || ':' || coalesce(details ->> 'expression', details ->> 'row_filter'), ', ' ORDER BY id) FROM mask.audit_log
            WHERE id > :audit_start AND acting_role = 't47_admin2'),
          'set_rule:mask.cn_phone(phone), set_rule:PASS, set_rule:NULL, protect:id > 0',
          'only the allowed calls of the admin changed anything');
SELECT is((SELECT row_filter FROM mask.protected WHERE relation = 't47_billing.households'::regclass),
          'id > 0', 'and only the allowed row filter');
SELECT mask.protect('t47_p', 't47_billing.households');   -- no filter, for the members below

-- ========================================================= search_path ===
CREATE ROLE t47_victim NOLOGIN;
CREATE ROLE t47_victim2 NOLOGIN;
-- The admin takes over a view schema (ALTER SCHEMA OWNER) and plants a
-- function there that shadows a built-in for varchar arguments: the victim
-- would run it, with its own privileges, in every session.
SELECT mask.create_policy('t47_r', 't47_view3');
ALTER SCHEMA t47_view3 OWNER TO t47_admin;
SET SESSION AUTHORIZATION t47_admin;
CREATE FUNCTION t47_view3.upper(v varchar) RETURNS text LANGUAGE sql AS $$ SELECT 'planted' $$;
SET search_path = t47_view3, "$user", public;
SELECT is(upper('x'::varchar), 'planted', 'with that search_path the planted function would run');
RESET search_path;
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t47_r', 't47_victim')$$),
          format('22023 Schema t47_view3 is owned by t47_admin, not by maskview''s owner %s: its owner could put objects there that the member would then run.',
                 (SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'maskview')),
          'add_member refuses to point a search_path at a schema the admin owns');
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.db_path('t47_victim'), NULL, 'the victim''s search_path is untouched in this database');
SELECT is(pg_temp.global_path('t47_victim'), NULL, 'and in every other');
SELECT lives_ok($$SELECT mask.add_member('t47_r', 't47_victim', false)$$,
                'without set_search_path the member is added');
SELECT mask.remove_member('t47_r', 't47_victim');
ALTER SCHEMA t47_view3 OWNER TO CURRENT_USER;
-- CREATE on the schema for someone else is the same plant.
GRANT CREATE ON SCHEMA t47_view3 TO t47_admin;
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t47_r', 't47_victim')$$),
          '22023 t47_admin may create objects in schema t47_view3, which the member would then run.',
          'nor at a view schema another role may create objects in');
REVOKE CREATE ON SCHEMA t47_view3 FROM t47_admin;

-- In this database only: a setting for the whole cluster applies in every
-- other database, where a schema of that name may belong to anybody.
SELECT lives_ok($$SELECT mask.add_member('t47_r', 't47_victim')$$, 'add_member with search_path');
SELECT is(pg_temp.db_path('t47_victim'), ARRAY['search_path=t47_view3, "$user", public'],
          'the search_path is set in this database');
SELECT is(pg_temp.global_path('t47_victim'), NULL, 'and not for the whole cluster (ALTER ROLE ... SET)');
SELECT is((SELECT to_jsonb(m) ->> 'search_path_before' FROM mask.member m WHERE role = 't47_victim'::regrole), NULL,
          'no previous setting is recorded');

-- A role never switches silently to another policy's views of the same names.
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t47_q', 't47_victim')$$),
          '22023 Its search_path already leads to the views of policy t47_r; a second policy would silently switch it to other views of the same names.',
          'a second policy may not take over the search_path');
SELECT lives_ok($$SELECT mask.add_member('t47_q', 't47_victim', false)$$,
                'the second membership without set_search_path is fine');
SELECT is(pg_temp.db_path('t47_victim'), ARRAY['search_path=t47_view3, "$user", public'],
          'and the search_path still leads to the first policy''s views');
SELECT mask.remove_member('t47_q', 't47_victim');

-- remove_member restores exactly: no previous setting.
SELECT lives_ok($$SELECT mask.remove_member('t47_r', 't47_victim')$$, 'remove_member');
SELECT is(pg_temp.db_path('t47_victim'), NULL, 'no setting before, none after');

-- A cluster-wide setting the role had is never touched.
ALTER ROLE t47_victim SET search_path = t47_custom, public;
SELECT mask.add_member('t47_r', 't47_victim');
SELECT mask.remove_member('t47_r', 't47_victim');
SELECT is(pg_temp.global_path('t47_victim'), ARRAY['search_path=t47_custom, public'],
          'the role''s cluster-wide search_path survives add_member and remove_member');
SELECT is(pg_temp.db_path('t47_victim'), NULL, 'and nothing is left in this database');
ALTER ROLE t47_victim RESET search_path;

-- A setting for this database is put back exactly, quoting included.
DO $$ BEGIN
    EXECUTE format('ALTER ROLE t47_victim2 IN DATABASE %I SET search_path = "My ""Schema""", public', current_database());
END $$;
SELECT mask.add_member('t47_r', 't47_victim2');
SELECT is((SELECT to_jsonb(m) ->> 'search_path_before' FROM mask.member m WHERE role = 't47_victim2'::regrole),
          '"My ""Schema""", public', 'the previous setting is kept in the catalog');
SELECT mask.remove_member('t47_r', 't47_victim2');
SELECT is(pg_temp.db_path('t47_victim2'), ARRAY['search_path="My ""Schema""", public'],
          'remove_member puts the previous setting back');
-- ... and an empty search_path too.
DO $$ BEGIN
    EXECUTE format('ALTER ROLE t47_victim2 IN DATABASE %I SET search_path = ''''', current_database());
END $$;
SELECT mask.add_member('t47_r', 't47_victim2');
SELECT mask.drop_policy('t47_r');
SELECT is(pg_temp.db_path('t47_victim2'), ARRAY['search_path=""'],
          'drop_policy puts back an empty search_path');

-- ================================================================ members ===
-- Each path: add_member refuses it, naming it; gained after add_member,
-- verify() reports it as an error with a hint.
CREATE ROLE t47_apigroup NOLOGIN;
GRANT EXECUTE ON FUNCTION mask.protect(name, regclass, text, text) TO t47_apigroup;
CREATE TEMP TABLE paths (member name, make text, undo text, detail text);
INSERT INTO paths VALUES
    ('t47_m_createrole', 'ALTER ROLE %I CREATEROLE', 'ALTER ROLE %I NOCREATEROLE',
     'Role t47_m_createrole has CREATEROLE, and so can grant itself the role of the tables'' owner or pg_read_all_data.'),
    ('t47_m_replication', 'ALTER ROLE %I REPLICATION', 'ALTER ROLE %I NOREPLICATION',
     'Role t47_m_replication has REPLICATION, and so can read every row written from the write-ahead log.'),
    ('t47_m_bypassrls', 'ALTER ROLE %I BYPASSRLS', 'ALTER ROLE %I NOBYPASSRLS',
     'Role t47_m_bypassrls has BYPASSRLS.'),
    ('t47_m_readall', 'GRANT pg_read_all_data TO %I', 'REVOKE pg_read_all_data FROM %I',
     'Role t47_m_readall is a member of pg_read_all_data.'),
    ('t47_m_writeall', 'GRANT pg_write_all_data TO %I', 'REVOKE pg_write_all_data FROM %I',
     'Role t47_m_writeall is a member of pg_write_all_data.'),
    ('t47_m_readfiles', 'GRANT pg_read_server_files TO %I', 'REVOKE pg_read_server_files FROM %I',
     'Role t47_m_readfiles is a member of pg_read_server_files.'),
    ('t47_m_writefiles', 'GRANT pg_write_server_files TO %I', 'REVOKE pg_write_server_files FROM %I',
     'Role t47_m_writefiles is a member of pg_write_server_files.'),
    ('t47_m_program', 'GRANT pg_execute_server_program TO %I', 'REVOKE pg_execute_server_program FROM %I',
     'Role t47_m_program is a member of pg_execute_server_program.'),
    ('t47_m_readfile', 'GRANT EXECUTE ON FUNCTION pg_read_file(text) TO %I',
     'REVOKE EXECUTE ON FUNCTION pg_read_file(text) FROM %I',
     'Role t47_m_readfile may execute pg_read_file(text), which reads or writes the server''s files, the tables'' data files included.'),
    ('t47_m_readbinary', 'GRANT EXECUTE ON FUNCTION pg_read_binary_file(text) TO %I',
     'REVOKE EXECUTE ON FUNCTION pg_read_binary_file(text) FROM %I',
     'Role t47_m_readbinary may execute pg_read_binary_file(text), which reads or writes the server''s files, the tables'' data files included.'),
    ('t47_m_loimport', 'GRANT EXECUTE ON FUNCTION lo_import(text) TO %I',
     'REVOKE EXECUTE ON FUNCTION lo_import(text) FROM %I',
     'Role t47_m_loimport may execute lo_import(text), which reads or writes the server''s files, the tables'' data files included.'),
    ('t47_m_trigger', 'GRANT TRIGGER ON t47_billing.households TO %I', 'REVOKE TRIGGER ON t47_billing.households FROM %I',
     'Role t47_m_trigger has TRIGGER on t47_billing.households.'),
    ('t47_m_references', 'GRANT REFERENCES (phone) ON t47_billing.households TO %I',
     'REVOKE REFERENCES (phone) ON t47_billing.households FROM %I',
     'Role t47_m_references has REFERENCES on column phone of t47_billing.households.'),
    ('t47_m_update', 'GRANT UPDATE ON t47_billing.households TO %I', 'REVOKE UPDATE ON t47_billing.households FROM %I',
     'Role t47_m_update has UPDATE on t47_billing.households.'),
    ('t47_m_domain', 'ALTER DOMAIN t47_billing.code_d OWNER TO %I', 'ALTER DOMAIN t47_billing.code_d OWNER TO t47_owner',
     'Role t47_m_domain owns domain t47_billing.code_d, which a protected column uses, and so can run its own code on every stored value.'),
    ('t47_m_type', 'ALTER TYPE t47_billing.status_t OWNER TO %I', 'ALTER TYPE t47_billing.status_t OWNER TO t47_owner',
     'Role t47_m_type owns type t47_billing.status_t, which a protected column uses, and so can run its own code on every stored value.'),
    ('t47_m_trusted', 'ALTER FUNCTION t47_billing.fmt(text) OWNER TO %I', 'ALTER FUNCTION t47_billing.fmt(text) OWNER TO t47_owner',
     'Role t47_m_trusted owns t47_billing.fmt(text), a function trusted for masking rules, and so can change the code the masked views run.'),
    ('t47_m_api', 'GRANT EXECUTE ON FUNCTION mask.set_rule(name, regclass, name, text, text) TO %I',
     'REVOKE EXECUTE ON FUNCTION mask.set_rule(name, regclass, name, text, text) FROM %I',
     'Role t47_m_api may execute mask.set_rule(name,regclass,name,text,text), and so could change the policy it reads through.'),
    ('t47_m_apigroup', 'GRANT t47_apigroup TO %I', 'REVOKE t47_apigroup FROM %I',
     'Role t47_m_apigroup inherits the privileges of t47_apigroup, which may execute mask.protect(name,regclass,text,text), and so could change the policy it reads through.');
SELECT count(pg_temp.refusal(format('CREATE ROLE %I NOLOGIN', member))) FROM paths;
SELECT count(pg_temp.refusal(format(make, member))) FROM paths;
CREATE TEMP TABLE refused AS
SELECT p.member, p.detail, pg_temp.refusal(format('SELECT mask.add_member(%L, %L)', 't47_p', p.member)) AS refusal
  FROM paths p;
SELECT is(r.refusal, '22023 ' || r.detail, 'add_member refuses: ' || r.member) FROM refused r ORDER BY r.member;
SELECT count(pg_temp.refusal(format(undo, member))) FROM paths;
SELECT count(pg_temp.refusal(format('SELECT mask.add_member(%L, %L, false)', 't47_p', member))) FROM paths;
SELECT is((SELECT count(*)::int FROM mask.verify('t47_p') v, paths p
            WHERE v.severity = 'error' AND v.object = p.member), 0, 'the members are clean once the paths are closed');
SELECT count(pg_temp.refusal(format(make, member))) FROM paths;
CREATE TEMP TABLE report AS SELECT * FROM mask.verify('t47_p');
SELECT is(
    (SELECT array_agg(p.member ORDER BY p.member) FROM paths p
      WHERE NOT EXISTS (SELECT FROM report v
                         WHERE v.severity = 'error' AND v.object = p.member
                           AND v.finding = 'Member can read raw data: ' || p.detail
                           AND v.hint LIKE '%mask.remove_member(''t47_p'', ''' || p.member || ''')%')),
    NULL, 'verify() reports every path gained after add_member, with the sentence add_member refuses with and a hint');
SELECT is((SELECT v.hint FROM report v WHERE v.object = 't47_m_trigger'),
          'REVOKE TRIGGER ON t47_billing.households FROM t47_m_trigger. Or take the role out of the policy: SELECT mask.remove_member(''t47_p'', ''t47_m_trigger'');',
          'the hint names the exact REVOKE');
SELECT count(pg_temp.refusal(format(undo, member))) FROM paths;

-- EXECUTE on a server file function granted to PUBLIC reaches everyone.
GRANT EXECUTE ON FUNCTION lo_export(oid, text) TO PUBLIC;
CREATE ROLE t47_plain NOLOGIN;
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t47_p', 't47_plain')$$),
          '22023 PUBLIC may execute lo_export(oid,text), so every role can, t47_plain included.',
          'PUBLIC EXECUTE on a server file function is a path for every role');
REVOKE EXECUTE ON FUNCTION lo_export(oid, text) FROM PUBLIC;

-- A trigger: the path a TRIGGER grant opens, carried out.  Refused at
-- add_member (above); here the member that gained it later captures rows
-- as the table's writer inserts them, which is what verify() reports.
CREATE SCHEMA t47_loot AUTHORIZATION t47_m_trigger;
GRANT TRIGGER ON t47_billing.households TO t47_m_trigger;
SET SESSION AUTHORIZATION t47_m_trigger;
CREATE TABLE t47_loot.rows (v text);
GRANT USAGE ON SCHEMA t47_loot TO PUBLIC;
GRANT INSERT ON t47_loot.rows TO PUBLIC;
CREATE FUNCTION t47_loot.grab() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO t47_loot.rows VALUES (NEW.holder_name); RETURN NEW; END $$;
CREATE TRIGGER grab BEFORE INSERT ON t47_billing.households FOR EACH ROW EXECUTE FUNCTION t47_loot.grab();
RESET SESSION AUTHORIZATION;
SET ROLE t47_owner;
INSERT INTO t47_billing.households VALUES (2, '李四', '13987654321', NULL, NULL, NULL);
RESET ROLE;
SELECT is((SELECT v FROM t47_loot.rows), '李四', 'a member with TRIGGER on the table reads raw values as they are written');
SELECT ok(EXISTS (SELECT FROM mask.verify('t47_p') v WHERE v.severity = 'error' AND v.object = 't47_m_trigger'),
          'and verify() reports that member');

-- ---------------------------------------------- roles granted a member role
CREATE ROLE t47_group NOLOGIN;
CREATE ROLE t47_alice NOLOGIN;
SELECT mask.add_member('t47_p', 't47_group', false);
GRANT t47_group TO t47_alice;
SELECT is((SELECT v.severity || ' ' || v.finding FROM mask.verify('t47_p') v WHERE v.object = 't47_alice'),
          'info Role t47_alice reads the masked views as member t47_group, which was granted to it; add_member() did not check it.',
          'a role granted a member role is listed');
GRANT pg_read_all_data TO t47_alice;
SELECT is((SELECT v.severity || ' ' || v.finding || ' | ' || v.hint FROM mask.verify('t47_p') v WHERE v.object = 't47_alice'),
          'error Role t47_alice reads the masked views as member t47_group, which was granted to it, and can read raw data: Role t47_alice is a member of pg_read_all_data. | REVOKE pg_read_all_data FROM t47_alice (or from the role through which it is reached). Or REVOKE t47_group FROM t47_alice;',
          'and reported as an error once it has a path of its own');
-- add_member checks the roles granted the new member too.
CREATE ROLE t47_group2 NOLOGIN;
GRANT t47_group2 TO t47_alice;
SELECT is(pg_temp.refusal($$SELECT mask.add_member('t47_p', 't47_group2', false)$$),
          '22023 Role t47_alice is a member of pg_read_all_data.',
          'add_member refuses a role granted to a role with a path');

SELECT * FROM finish();
ROLLBACK;
