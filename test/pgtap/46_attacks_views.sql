-- Attacks on view schemas and generated views, and on the availability of
-- the policy API (issue 8, "View schemas and generated views" and
-- "Availability"):
--   A  a view schema that is not maskview's: create_policy refuses it, and a
--      legacy schema owned by a member is taken over at the next
--      regeneration, which also drops a view planted there with an INSTEAD
--      rule (the rule would run as the table owner);
--   B  rules, triggers and column grants on a generated view: verify()
--      reports them as errors, the next regeneration removes them;
--   C  a member's objects over a masked view never veto a change of the
--      policy (drop_rule, type-changing set_rule, the owner's rename,
--      unprotect, drop_policy), even a TEMP view of another session;
--   D  an auditor holding export_policy() (and other reads) in an open
--      transaction blocks no API call and no audited DDL.
-- C (other session) and D need committed objects and a second session: they
-- run in a database of their own, t46_side, through dblink.
\ir fixtures/begin.sql
CREATE EXTENSION IF NOT EXISTS dblink;

SELECT plan(49);

-- The SQLSTATE of a statement ('ok' when it succeeds).
CREATE FUNCTION pg_temp.state(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE;
    RETURN v_state;
END;
$$;

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t46_owner NOLOGIN;
CREATE ROLE t46_member NOLOGIN;
CREATE ROLE t46_other NOLOGIN;
CREATE SCHEMA t46_billing AUTHORIZATION t46_owner;
CREATE SCHEMA t46_scratch AUTHORIZATION t46_member;
CREATE TABLE t46_billing.households (id bigint, holder text, phone text);
ALTER TABLE t46_billing.households OWNER TO t46_owner;
INSERT INTO t46_billing.households VALUES (1, '张伟', '13812345678');
CREATE TABLE t46_scratch.loot (id bigint, holder text, phone text);
ALTER TABLE t46_scratch.loot OWNER TO t46_member;

-- ------------------------------------------ A. view schemas are maskview's ---
CREATE SCHEMA t46_mine AUTHORIZATION t46_member;
SELECT throws_ok($$SELECT mask.create_policy('t46_a', 't46_mine')$$, '22023', NULL,
                 'create_policy refuses an existing schema owned by another role (a member)');
SELECT throws_ok($$SELECT mask.create_policy('t46_a', 'public')$$, '22023', NULL,
                 'create_policy refuses public');
SELECT throws_ok($$SELECT mask.create_policy('t46_a', 't46_billing')$$, '22023', NULL,
                 'create_policy refuses a schema of a table owner');
CREATE SCHEMA t46_open;
GRANT CREATE ON SCHEMA t46_open TO PUBLIC;
SELECT throws_ok($$SELECT mask.create_policy('t46_a', 't46_open')$$, '22023', NULL,
                 'create_policy refuses a schema where others may create objects');
SELECT is((SELECT count(*) FROM mask.policy WHERE name = 't46_a'), 0::bigint,
          'nothing was created by the refused calls');

SELECT lives_ok($$SELECT mask.create_policy('t46_p', 't46_view')$$, 'create_policy creates its schema');
SELECT is((SELECT nspowner FROM pg_namespace WHERE nspname = 't46_view'),
          (SELECT extowner FROM pg_extension WHERE extname = 'maskview'),
          'the view schema is owned by the extension owner');
SELECT mask.protect('t46_p', 't46_billing.households');
SELECT mask.set_rule('t46_p', 't46_billing.households', 'id', 'PASS');
SELECT mask.set_rule('t46_p', 't46_billing.households', 'holder', 'mask.cn_name(holder)');
SELECT mask.set_rule('t46_p', 't46_billing.households', 'phone', 'mask.cn_phone(phone)');
SELECT mask.add_member('t46_p', 't46_member', false);

-- A table in a view schema cannot be protected (nor a schema holding a
-- protected table become a view schema, above).
CREATE TABLE t46_view.planted (id integer, phone text);
ALTER TABLE t46_view.planted OWNER TO t46_owner;
SELECT throws_ok($$SELECT mask.protect('t46_p', 't46_view.planted')$$, '22023', NULL,
                 'protect refuses a table in a view schema');
SELECT ok(EXISTS (SELECT FROM mask.verify('t46_p')
                   WHERE severity = 'error' AND object = 't46_view'
                     AND finding LIKE '%not generated views%planted%'),
          'verify() reports a foreign object in the view schema as an error');
DROP TABLE t46_view.planted;

-- A legacy view schema (made before 0.3.0) owned by a member.  The member
-- drops the generated view and plants its own, with an INSTEAD rule that
-- copies the raw rows, and a column grant of INSERT to an accomplice: after
-- CREATE OR REPLACE and ALTER VIEW OWNER the rule would run as the table
-- owner.
ALTER SCHEMA t46_view OWNER TO t46_member;
GRANT USAGE ON SCHEMA t46_billing TO t46_member;   -- names only, no rows
SELECT ok(EXISTS (SELECT FROM mask.verify('t46_p')
                   WHERE severity = 'error' AND object = 't46_view'
                     AND finding LIKE '%owned by t46_member, not by the extension owner%'),
          'verify() reports a view schema owned by another role as an error');
SET ROLE t46_member;
DROP VIEW t46_view.households;
CREATE VIEW t46_view.households AS SELECT 0::bigint AS id, ''::text AS holder, ''::text AS phone;
CREATE RULE steal AS ON INSERT TO t46_view.households DO INSTEAD
    INSERT INTO t46_scratch.loot SELECT h.id, h.holder, h.phone FROM t46_billing.households h;
GRANT INSERT (id) ON t46_view.households TO t46_other;
GRANT USAGE ON SCHEMA t46_view TO t46_other;
GRANT USAGE ON SCHEMA t46_scratch TO PUBLIC;
GRANT ALL ON t46_scratch.loot TO PUBLIC;
RESET ROLE;
SELECT ok(EXISTS (SELECT FROM mask.verify('t46_p')
                   WHERE severity = 'error' AND object = 't46_view.households'
                     AND finding LIKE '%carries%rule steal%'),
          'verify() reports the planted rule as an error');
-- Any regeneration (here: the admin's next set_rule).
SELECT lives_ok($$SELECT mask.set_rule('t46_p', 't46_billing.households', 'phone', 'mask.cn_phone(phone)')$$,
                'the next regeneration succeeds');
SELECT is((SELECT count(*) FROM pg_rewrite
            WHERE ev_class = 't46_view.households'::regclass AND rulename <> '_RETURN'),
          0::bigint, 'regeneration does not keep the planted rule');
SELECT is((SELECT nspowner FROM pg_namespace WHERE nspname = 't46_view'),
          (SELECT extowner FROM pg_extension WHERE extname = 'maskview'),
          'regeneration takes the legacy view schema over (it held only generated views)');
SET ROLE t46_other;
SELECT is(pg_temp.state($$INSERT INTO t46_view.households (id) VALUES (9)$$), '42501',
          'the accomplice cannot run a rule as the table owner');
RESET ROLE;
SELECT is((SELECT count(*) FROM t46_scratch.loot), 0::bigint, 'no raw row was copied');
SET ROLE t46_member;
SELECT is(pg_temp.state($$CREATE VIEW t46_view.again AS SELECT 1 AS x$$), '42501',
          'the former schema owner can no longer create objects in the view schema');
RESET ROLE;
SELECT is((SELECT details -> 'removed' FROM mask.audit_log
            WHERE action = 'drop_dependents' ORDER BY id DESC LIMIT 1),
          '["column grant on id", "rule steal"]'::jsonb, 'the replacement is audited with what it removed');
SELECT ok(NOT EXISTS (SELECT FROM mask.verify('t46_p') WHERE object LIKE 't46_view%' AND severity = 'error'),
          'verify() is clean again');

-- ------------------------ B. rules, triggers, column grants on a view ---
-- The view owner (the table owner) adds a column grant and a trigger.
CREATE FUNCTION t46_billing.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
ALTER FUNCTION t46_billing.trg() OWNER TO t46_owner;
GRANT USAGE ON SCHEMA t46_view TO t46_owner;
SET ROLE t46_owner;
GRANT SELECT (holder) ON t46_view.households TO t46_other;
ALTER VIEW t46_view.households ALTER COLUMN holder SET DEFAULT 'x';
CREATE TRIGGER t46_trg INSTEAD OF INSERT ON t46_view.households
    FOR EACH ROW EXECUTE FUNCTION t46_billing.trg();
RESET ROLE;
SELECT ok(EXISTS (SELECT FROM mask.verify('t46_p')
                   WHERE severity = 'error' AND object = 't46_view.households'
                     AND finding LIKE '%column grant on holder%' AND finding LIKE '%trigger t46_trg%'
                     AND finding LIKE '%column default on holder%'),
          'verify() reports a column grant, a column default and a trigger on a generated view as errors');
SELECT lives_ok($$SELECT mask.set_rule('t46_p', 't46_billing.households', 'phone', 'mask.cn_phone(phone)')$$,
                'regeneration with additions on the view');
SELECT is((SELECT count(*) FROM pg_attribute WHERE attrelid = 't46_view.households'::regclass
            AND attacl IS NOT NULL), 0::bigint, 'regeneration removes the column grant');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 't46_view.households'::regclass),
          0::bigint, 'regeneration removes the trigger');
SELECT is((SELECT count(*) FROM pg_attrdef WHERE adrelid = 't46_view.households'::regclass),
          0::bigint, 'regeneration removes the column default');
SELECT is(has_column_privilege('t46_other', 't46_view.households', 'holder', 'SELECT'), false,
          'the grantee of the column grant reads nothing');

-- ----------------- C. a member's own view never vetoes the policy (session) ---
CREATE FUNCTION pg_temp.member_view() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL ROLE t46_member;
    DROP VIEW IF EXISTS t46_scratch.mine;
    CREATE VIEW t46_scratch.mine AS SELECT * FROM t46_view.households;
    RESET ROLE;
END;
$$;
SELECT pg_temp.member_view();
SELECT is(pg_temp.state($$SELECT mask.drop_rule('t46_p', 't46_billing.households', 'phone')$$), 'ok',
          'drop_rule succeeds over a member''s view');
SELECT ok((SELECT details -> 'dependents' ? 'view t46_scratch.mine' FROM mask.audit_log
            WHERE action = 'drop_dependents' ORDER BY id DESC LIMIT 1),
          'the dropped member view is named in the audit log');
SELECT pg_temp.member_view();
SELECT is(pg_temp.state($$SELECT mask.set_rule('t46_p', 't46_billing.households', 'id', 'mask.generalize(id, 10)')$$),
          'ok', 'a set_rule that changes a column''s type succeeds over a member''s view');
SELECT pg_temp.member_view();
SET ROLE t46_owner;
SELECT is(pg_temp.state($$ALTER TABLE t46_billing.households RENAME COLUMN holder TO holder_name$$), 'ok',
          'the owner''s column rename succeeds over a member''s view');
RESET ROLE;
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = 't46_view.households'::regclass AND attnum > 0),
          ARRAY['id', 'holder_name'], 'the view follows the rename');
SELECT pg_temp.member_view();
SELECT is(pg_temp.state($$SELECT mask.unprotect('t46_p', 't46_billing.households')$$), 'ok',
          'unprotect succeeds over a member''s view');
SELECT mask.protect('t46_p', 't46_billing.households');
SELECT mask.set_rule('t46_p', 't46_billing.households', 'id', 'PASS');
SELECT pg_temp.member_view();
SELECT is(pg_temp.state($$SELECT mask.drop_policy('t46_p')$$), 'ok',
          'drop_policy succeeds over a member''s view');
SELECT is(to_regclass('t46_scratch.mine'), NULL, 'the member''s view went with the masked view');
SELECT is((SELECT count(*) FROM mask.verify_audit_log()), 0::bigint, 'the audit chain is intact');

-- ------------------------------------- C and D across sessions (dblink) ---
CREATE FUNCTION pg_temp.conninfo(db text, usr text) RETURNS text LANGUAGE sql AS $$
    SELECT format('host=%s port=%s dbname=%s user=%s',
                  split_part(current_setting('unix_socket_directories'), ',', 1),
                  current_setting('port'), db, usr)
$$;
-- The SQLSTATE of a statement run on a dblink connection ('ok' on success):
-- dblink raises the remote error with its own SQLSTATE.  (The row dblink
-- returns is the last result or the command status.)
CREATE FUNCTION pg_temp.remote(conn text, stmt text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.state(format('SELECT * FROM dblink(%L, %L) AS t(x text)', conn, stmt))
$$;
CREATE FUNCTION pg_temp.cleanup() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dblink_disconnect(c) FROM unnest(dblink_get_connections()) c WHERE c LIKE 't46%';
    PERFORM dblink_connect('t46_su', pg_temp.conninfo('postgres', current_user::text));
    PERFORM dblink_exec('t46_su', 'DROP DATABASE IF EXISTS t46_side WITH (FORCE)');
    PERFORM dblink_exec('t46_su', format('DROP ROLE IF EXISTS %s', r))
       FROM unnest(ARRAY['t46s_owner', 't46s_member', 't46s_auditor']) r;
    PERFORM dblink_disconnect('t46_su');
END;
$$;
DO $do$ BEGIN PERFORM pg_temp.cleanup(); END $do$;
DO $do$ BEGIN PERFORM dblink_connect('t46_su', pg_temp.conninfo('postgres', current_user::text)); END $do$;
DO $do$ BEGIN PERFORM dblink_exec('t46_su', 'CREATE DATABASE t46_side'); END $do$;
DO $do$ BEGIN PERFORM dblink_exec('t46_su', 'CREATE ROLE t46s_owner NOLOGIN'); END $do$;
DO $do$ BEGIN PERFORM dblink_exec('t46_su', 'CREATE ROLE t46s_member LOGIN'); END $do$;
DO $do$ BEGIN PERFORM dblink_exec('t46_su', 'CREATE ROLE t46s_auditor LOGIN'); END $do$;
DO $do$ BEGIN PERFORM dblink_connect('t46_adm', pg_temp.conninfo('t46_side', current_user::text)); END $do$;
-- Setup on a connection: any error aborts the test file.
CREATE FUNCTION pg_temp.setup(conn text, stmt text) RETURNS void LANGUAGE sql AS $$
    SELECT * FROM dblink(conn, stmt) AS t(x text)
$$;
DO $do$ BEGIN PERFORM pg_temp.setup('t46_adm', $$
    SET client_min_messages = warning;
    CREATE EXTENSION maskview;
    CREATE SCHEMA billing AUTHORIZATION t46s_owner;
    CREATE TABLE billing.households (id bigint, holder text, phone text);
    ALTER TABLE billing.households OWNER TO t46s_owner;
    INSERT INTO billing.households VALUES (1, '张伟', '13812345678');
    SELECT mask.create_policy('side', 'side_view');
    SELECT mask.grant_auditor('t46s_auditor');
    SELECT mask.add_member('side', 't46s_member', false)$$); END $do$;
CREATE FUNCTION pg_temp.side_protect() RETURNS void LANGUAGE sql AS $$
    SELECT pg_temp.setup('t46_adm', $q$
        SELECT mask.protect('side', 'billing.households');
        SELECT mask.set_rule('side', 'billing.households', 'id', 'PASS');
        SELECT mask.set_rule('side', 'billing.households', 'phone', 'mask.cn_phone(phone)')$q$);
$$;
-- The member's session keeps a TEMP view over the masked view.
CREATE FUNCTION pg_temp.temp_view() RETURNS void LANGUAGE sql AS $$
    SELECT dblink_exec('t46_mem', 'DROP VIEW IF EXISTS pg_temp.mine; CREATE TEMP VIEW mine AS SELECT * FROM side_view.households');
$$;
DO $do$ BEGIN PERFORM pg_temp.side_protect(); END $do$;
DO $do$ BEGIN PERFORM pg_temp.setup('t46_adm', $$SELECT mask.set_rule('side', 'billing.households', 'holder', 'mask.cn_name(holder)')$$); END $do$;
DO $do$ BEGIN PERFORM dblink_connect('t46_mem', pg_temp.conninfo('t46_side', 't46s_member')); END $do$;
-- A lock wait longer than this means the member's object vetoes the change.
DO $do$ BEGIN PERFORM dblink_exec('t46_adm', $$SET lock_timeout = '20s'$$); END $do$;

DO $do$ BEGIN PERFORM pg_temp.temp_view(); END $do$;
SELECT is(pg_temp.remote('t46_adm', $$SELECT mask.drop_rule('side', 'billing.households', 'phone')$$), 'ok',
          'drop_rule succeeds over a member''s TEMP view in another session');
DO $do$ BEGIN PERFORM pg_temp.temp_view(); END $do$;
SELECT is(pg_temp.remote('t46_adm', $$SELECT mask.set_rule('side', 'billing.households', 'id', 'mask.generalize(id, 10)')$$),
          'ok', 'a type-changing set_rule succeeds over another session''s TEMP view');
DO $do$ BEGIN PERFORM pg_temp.temp_view(); END $do$;
SELECT is(pg_temp.remote('t46_adm', $$SET ROLE t46s_owner; ALTER TABLE billing.households RENAME COLUMN holder TO holder_name; RESET ROLE$$),
          'ok', 'the owner''s rename succeeds over another session''s TEMP view');
DO $do$ BEGIN PERFORM pg_temp.temp_view(); END $do$;
SELECT is(pg_temp.remote('t46_adm', $$SELECT mask.unprotect('side', 'billing.households')$$), 'ok',
          'unprotect succeeds over another session''s TEMP view');
DO $do$ BEGIN PERFORM pg_temp.side_protect(); END $do$;
DO $do$ BEGIN PERFORM pg_temp.temp_view(); END $do$;
SELECT is(pg_temp.remote('t46_adm', $$SELECT mask.drop_policy('side')$$), 'ok',
          'drop_policy succeeds over another session''s TEMP view');
SELECT is((SELECT n FROM dblink('t46_mem', $$SELECT count(*) FROM pg_class WHERE relname = 'mine' AND relpersistence = 't'$$) AS x(n bigint)),
          0::bigint, 'the TEMP view went with the masked view');
SELECT is((SELECT n FROM dblink('t46_adm', $$SELECT count(*) FROM mask.audit_log WHERE action = 'drop_dependents' AND details ->> 'dependents' LIKE '%.mine"%'$$) AS x(n bigint)),
          5::bigint, 'each dropped TEMP view is named in the audit log');

-- D. An auditor holds the exported document (and other reads) open.
-- (a policy of its own, whatever became of the one above)
DO $do$ BEGIN PERFORM pg_temp.setup('t46_adm', $$
    SELECT mask.create_policy('side_d', 'side_d_view');
    SELECT mask.protect('side_d', 'billing.households');
    SELECT mask.set_rule('side_d', 'billing.households', 'id', 'PASS');
    SELECT mask.add_member('side_d', 't46s_member', false)$$); END $do$;
DO $do$ BEGIN PERFORM dblink_connect('t46_aud', pg_temp.conninfo('t46_side', 't46s_auditor')); END $do$;
DO $do$ BEGIN PERFORM dblink_exec('t46_aud', 'BEGIN'); END $do$;
SELECT is((SELECT d ->> 'policy' FROM dblink('t46_aud', $$SELECT mask.export_policy('side_d')$$) AS x(d jsonb)),
          'side_d', 'the auditor exports the policy in an open transaction');
DO $do$ BEGIN PERFORM dblink_exec('t46_adm', $$SET lock_timeout = '5s'$$); END $do$;
SELECT is(pg_temp.remote('t46_adm', $$SELECT mask.set_rule('side_d', 'billing.households', 'phone', 'NULL')$$), 'ok',
          'an API call completes while the auditor holds export_policy''s result open');
SELECT is(pg_temp.remote('t46_adm', $$SET ROLE t46s_owner; ALTER TABLE billing.households ADD COLUMN note text; RESET ROLE$$), 'ok',
          'audited DDL completes while the auditor holds export_policy''s result open');
SELECT is((SELECT n FROM dblink('t46_aud', $$SELECT (SELECT count(*) FROM mask.audit_log) + (SELECT count(*) FROM mask.verify()) + (SELECT count(*) FROM mask.policies)$$) AS x(n bigint)) > 0,
          true, 'the auditor reads the log, verify() and the catalog in the same transaction');
SELECT is(pg_temp.remote('t46_adm', $$SELECT mask.set_rule('side_d', 'billing.households', 'phone', 'mask.cn_phone(phone)')$$), 'ok',
          'an API call that regenerates a view completes while the auditor''s reads are open');
SELECT is(pg_temp.remote('t46_adm', $$SET ROLE t46s_owner; ALTER TABLE billing.households RENAME COLUMN note TO remark; RESET ROLE$$), 'ok',
          'audited DDL completes while the auditor''s reads (verify() included) are open');
DO $do$ BEGIN PERFORM dblink_exec('t46_aud', 'COMMIT'); END $do$;
DO $do$ BEGIN PERFORM pg_temp.setup('t46_adm', $$SELECT mask.rotate_key('side_d')$$); END $do$;
SELECT is((SELECT n FROM dblink('t46_adm', $$SELECT count(*) FROM mask.audit_log WHERE action = 'export_policy' AND login_role = 't46s_auditor'$$) AS x(n bigint)),
          1::bigint, 'the committed export is chained into the audit log by the next API call');
SELECT is((SELECT n FROM dblink('t46_adm', $$SELECT count(*) FROM mask.verify_audit_log()$$) AS x(n bigint)),
          0::bigint, 'the chain verifies');

DO $do$ BEGIN PERFORM pg_temp.cleanup(); END $do$;

SELECT * FROM finish();
ROLLBACK;
