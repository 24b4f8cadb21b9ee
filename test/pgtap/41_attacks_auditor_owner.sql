-- Attack suite, part 2: the auditor and the table owner.
--
-- The auditor reads the catalog, the audit log and the masked views, and can
-- neither change anything nor read a key or a raw value.  The table owner owns
-- the raw data and the generated views, and cannot change a policy.  Both act
-- under SET SESSION AUTHORIZATION, so that SET ROLE and privilege checks are
-- made against them and not against the superuser running the suite.
\ir fixtures/begin.sql

SELECT plan(56);

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t41_owner NOLOGIN;
CREATE ROLE t41_owner2 NOLOGIN;
CREATE ROLE t41_member NOLOGIN;
CREATE ROLE t41_auditor NOLOGIN;
CREATE ROLE t41_victim NOLOGIN;
CREATE SCHEMA t41_billing AUTHORIZATION t41_owner;
CREATE SCHEMA t41_other AUTHORIZATION t41_owner2;
CREATE SCHEMA t41_secret;

SET ROLE t41_owner;
CREATE TABLE t41_billing.households (
    id          integer PRIMARY KEY,
    holder_name text NOT NULL,
    phone       text NOT NULL,
    account_no  text NOT NULL,
    arrears     numeric(10,2) NOT NULL
);
INSERT INTO t41_billing.households VALUES
 (1, '赵六',   '13811110001', 'ACCT-41-0001', 10.00),
 (2, '钱七七', '13811110002', 'ACCT-41-0002',  0.00),
 (3, '孙八',   '13811110003', 'ACCT-41-0003', 42.00);
GRANT USAGE ON SCHEMA t41_billing TO PUBLIC;
RESET ROLE;
-- A second policy whose table t41_owner does not own.
SET ROLE t41_owner2;
CREATE TABLE t41_other.meters (id integer PRIMARY KEY, account_no text NOT NULL);
INSERT INTO t41_other.meters VALUES (1, 'METER-41-0001');
GRANT USAGE ON SCHEMA t41_other TO PUBLIC;
RESET ROLE;

SELECT lives_ok($$
    SELECT mask.create_policy('t41_notice', 't41_notice', 'attack suite (auditor, owner)');
    SELECT mask.protect('t41_notice', 't41_billing.households', 'arrears > 0', 'households');
    SELECT mask.set_rule('t41_notice', 't41_billing.households', 'id', 'PASS');
    SELECT mask.set_rule('t41_notice', 't41_billing.households', 'holder_name', 'mask.cn_name(holder_name)', 'PIPL Art. 25');
    SELECT mask.set_rule('t41_notice', 't41_billing.households', 'account_no', 'mask.pseudonym(account_no)');
    SELECT mask.add_member('t41_notice', 't41_member');
    SELECT mask.create_policy('t41_meters', 't41_meters', 'a policy t41_owner has no table in');
    SELECT mask.protect('t41_meters', 't41_other.meters');
    SELECT mask.set_rule('t41_meters', 't41_other.meters', 'account_no', 'mask.pseudonym(account_no)');
    SELECT mask.grant_auditor('t41_auditor');
$$, 'setup: two policies, a member and an auditor through the API');

CREATE TABLE t41_secret.raw_values (what text, v text);
INSERT INTO t41_secret.raw_values
SELECT c.what, c.v FROM t41_billing.households AS h,
       LATERAL (VALUES ('holder_name', h.holder_name), ('phone', h.phone),
                       ('account_no', h.account_no)) AS c(what, v);
INSERT INTO t41_secret.raw_values
SELECT 'key of ' || p.name, pg_catalog.encode(k.key, 'hex')
  FROM mask.policy_key AS k JOIN mask.policy AS p ON p.id = k.policy_id
 WHERE p.name IN ('t41_notice', 't41_meters');
CREATE TABLE t41_secret.loot (who text, src text, v text);
GRANT SELECT, INSERT ON t41_secret.loot TO t41_auditor, t41_owner;
GRANT USAGE ON SCHEMA t41_secret TO t41_auditor, t41_owner;

-- What was captured by who/src contains no raw value and no key (and is not empty).
CREATE FUNCTION t41_secret.check(p_who text, p_src text, p_what text = '%') RETURNS text
LANGUAGE sql AS $$
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM t41_secret.loot WHERE who = p_who AND src = p_src) THEN 'nothing captured'
        ELSE coalesce((SELECT 'LEAK: ' || string_agg(DISTINCT r.what || '=' || r.v, ', ')
                         FROM t41_secret.loot AS l
                         JOIN t41_secret.raw_values AS r ON strpos(l.v, r.v) > 0
                        WHERE l.who = p_who AND l.src = p_src AND r.what LIKE p_what), 'clean')
    END
$$;

-- Reads every relation of schema mask and of the given view schemas that the
-- current role may SELECT, into the loot table.
CREATE FUNCTION t41_secret.read_everything(p_who text, p_schemas name[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE r regclass; t text; n integer := 0;
BEGIN
    FOR r IN SELECT c.oid FROM pg_catalog.pg_class AS c
               JOIN pg_catalog.pg_namespace AS s ON s.oid = c.relnamespace
              WHERE s.nspname = ANY (p_schemas)
                AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
                AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
                AND pg_catalog.has_schema_privilege(c.relnamespace, 'USAGE')
    LOOP
        EXECUTE pg_catalog.format('SELECT string_agg(x::text, E''\n'') FROM %s AS x', r) INTO t;
        INSERT INTO t41_secret.loot VALUES (p_who, 'readable', r::text || ': ' || coalesce(t, '(empty)'));
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
GRANT USAGE ON SCHEMA t41_secret TO PUBLIC;
GRANT EXECUTE ON FUNCTION t41_secret.read_everything(text, name[]) TO t41_auditor, t41_owner;

-- The API, called with plausible arguments; every call must be refused with 42501.
CREATE TABLE t41_secret.api_calls (fn text, call text);
INSERT INTO t41_secret.api_calls VALUES
 ('create_policy', $$SELECT mask.create_policy('t41_evil', 't41_evil')$$),
 ('drop_policy',   $$SELECT mask.drop_policy('t41_notice')$$),
 ('protect',       $$SELECT mask.protect('t41_notice', 't41_billing.households', NULL, 'households')$$),
 ('unprotect',     $$SELECT mask.unprotect('t41_notice', 't41_billing.households')$$),
 ('set_rule',      $$SELECT mask.set_rule('t41_notice', 't41_billing.households', 'phone', 'PASS')$$),
 ('drop_rule',     $$SELECT mask.drop_rule('t41_notice', 't41_billing.households', 'holder_name')$$),
 ('add_member',    $$SELECT mask.add_member('t41_notice', 't41_victim')$$),
 ('remove_member', $$SELECT mask.remove_member('t41_notice', 't41_member')$$),
 ('rotate_key',    $$SELECT mask.rotate_key('t41_notice')$$),
 ('grant_admin',   $$SELECT mask.grant_admin(current_user::regrole)$$),
 ('revoke_admin',  $$SELECT mask.revoke_admin('postgres')$$),
 ('grant_auditor', $$SELECT mask.grant_auditor('t41_victim')$$),
 ('revoke_auditor',$$SELECT mask.revoke_auditor('t41_auditor')$$),
 ('trust_function',$$SELECT mask.trust_function('pg_catalog.pg_read_file(text)'::regprocedure)$$);
GRANT SELECT ON t41_secret.api_calls TO t41_auditor, t41_owner;
-- Runs every call as the current role, noting "function:SQLSTATE" (or
-- "function:succeeded") of each in the loot table under p_who, and tests
-- that every one was tried and refused with 42501.
CREATE FUNCTION t41_secret.every_api_refused(p_who text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE c record; st text;
BEGIN
    FOR c IN SELECT * FROM t41_secret.api_calls LOOP
        BEGIN
            EXECUTE c.call;
            st := 'succeeded';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
        END;
        INSERT INTO t41_secret.loot VALUES (p_who, 'api', c.fn || ':' || st);
    END LOOP;
    RETURN NEXT is((SELECT array_agg(v ORDER BY v) FROM t41_secret.loot
                     WHERE who = p_who AND src = 'api' AND v NOT LIKE '%:42501'), NULL,
                   p_who || ': every API function is refused with 42501');
    RETURN NEXT is((SELECT count(*) FROM t41_secret.loot WHERE who = p_who AND src = 'api'), 14::bigint,
                   p_who || ': all 14 API functions were tried');
END $$;
GRANT EXECUTE ON FUNCTION t41_secret.every_api_refused(text) TO t41_auditor, t41_owner;
-- The relations of schema mask the current role may write to (NULL: none).
CREATE FUNCTION t41_secret.writable_in_mask() RETURNS text[]
LANGUAGE sql AS $$
    SELECT array_agg(c.oid::regclass::text ORDER BY 1) FROM pg_catalog.pg_class AS c
     WHERE c.relnamespace = 'mask'::regnamespace AND c.relkind IN ('r', 'v', 'p', 'm', 'S')
       AND (pg_catalog.has_table_privilege(c.oid, 'INSERT') OR pg_catalog.has_table_privilege(c.oid, 'UPDATE')
            OR pg_catalog.has_table_privilege(c.oid, 'DELETE') OR pg_catalog.has_table_privilege(c.oid, 'TRUNCATE'))
$$;
GRANT EXECUTE ON FUNCTION t41_secret.writable_in_mask() TO t41_auditor, t41_owner;

CREATE VIEW t41_secret.catalog_state AS
SELECT (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM mask.policy AS x) AS policies,
       (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM mask.protected AS x) AS protected,
       (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM mask.rule AS x) AS rules,
       (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM mask.member AS x) AS members,
       (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM mask.policy_key AS x) AS keys,
       (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM mask.admin AS x) AS admins,
       (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM mask.auditor AS x) AS auditors,
       -- an auditor's export is a read, recorded as such; it changes nothing
       (SELECT count(*) FROM mask.audit_log WHERE action <> 'export_policy') AS audit_rows;
CREATE TABLE t41_secret.before AS SELECT * FROM t41_secret.catalog_state;

SELECT ok((SELECT count(*) FROM t41_secret.raw_values WHERE what LIKE 'key of %') = 2,
          'precondition: both policies have a key');

-- ------------------------------------------------------------ auditor ---
SET SESSION AUTHORIZATION t41_auditor;

SELECT lives_ok($$SELECT * FROM mask.policies$$,         'auditor reads mask.policies');
SELECT lives_ok($$SELECT * FROM mask.protected_tables$$, 'auditor reads mask.protected_tables');
SELECT lives_ok($$SELECT * FROM mask.members$$,          'auditor reads mask.members');
SELECT isnt_empty($$SELECT * FROM mask.rules$$,          'auditor reads mask.rules');
SELECT isnt_empty($$SELECT * FROM mask.audit_log$$,      'auditor reads mask.audit_log');
SELECT is_empty($$SELECT * FROM mask.verify_audit_log()$$, 'auditor verifies the audit chain: intact');
SELECT ok((SELECT count(*) FROM mask.audit_log WHERE policy = 't41_notice') >= 5,
          'the audit log has a row per API call of the setup');

-- Every API function refused, with 42501.
SELECT * FROM t41_secret.every_api_refused('auditor');

SELECT throws_ok($$UPDATE mask.audit_log SET details = NULL$$, '42501', NULL, 'auditor cannot update the audit log');
SELECT throws_ok($$DELETE FROM mask.audit_log$$, '42501', NULL, 'auditor cannot delete from the audit log');
SELECT throws_ok($$TRUNCATE mask.audit_log$$, '42501', NULL, 'auditor cannot truncate the audit log');
SELECT throws_ok($$SELECT mask_internal._audit('forged', NULL, NULL, NULL)$$, '42501', NULL, 'auditor cannot append to the audit log');
SELECT throws_ok($$INSERT INTO mask.audit_log (at, login_role, acting_role, action, prev_hash, hash)
                   VALUES (now(), 'x', 'x', 'forged', '\x00', '\x00')$$, '42501', NULL,
                 'auditor cannot insert into the audit log');
SELECT is(t41_secret.writable_in_mask(), NULL, 'auditor holds no write privilege on any relation of schema mask');
SELECT throws_ok($$SELECT * FROM mask.policy_key$$, '42501', NULL, 'auditor cannot read mask.policy_key');
SELECT is((SELECT count(*) FROM pg_catalog.pg_class AS c
            WHERE c.relnamespace = 'mask'::regnamespace AND c.relname LIKE '\_key\_%'
              AND pg_catalog.has_table_privilege(c.oid, 'SELECT')), 0::bigint,
          'auditor can read no key view');
SELECT throws_ok($$SELECT * FROM t41_billing.households$$, '42501', NULL, 'auditor cannot read the raw table');
SELECT throws_ok($$SELECT * FROM t41_other.meters$$, '42501', NULL, 'auditor cannot read the other raw table');
SELECT throws_ok($$SET ROLE t41_owner$$, '42501', NULL, 'auditor cannot SET ROLE to the owner');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY 1)
             FROM pg_catalog.pg_proc AS p
            WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace) AND p.prosecdef
              -- (_key_reader: granted to the readers of masked views, returns
              -- whether a role the session can become may receive a key; key
              -- views call it, 41_keys.sql)
              AND p.proname NOT IN ('verify', 'detect', 'linkability', 'export_policy', 'verify_audit_log', 'advise',
                                    '_key_reader')
              AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE')), NULL,
          'auditor can execute no SECURITY DEFINER function of schemas mask and mask_internal but the reports');
SELECT lives_ok($$SELECT * FROM t41_notice.households$$, 'auditor reads the masked view');
SELECT ok(t41_secret.read_everything('auditor', ARRAY['mask', 'mask_internal', 't41_notice', 't41_meters']::name[]) >= 5,
          'auditor: read everything it may read in mask and the view schemas');
DO $$
BEGIN
    IF pg_catalog.to_regprocedure('mask.export_policy(name)') IS NOT NULL
       AND pg_catalog.has_function_privilege('mask.export_policy(name)', 'EXECUTE') THEN
        EXECUTE $q$INSERT INTO t41_secret.loot SELECT 'auditor', 'export', mask.export_policy('t41_notice')::text$q$;
    END IF;
END $$;
RESET SESSION AUTHORIZATION;

SELECT is(t41_secret.check('auditor', 'readable'), 'clean',
          'auditor: nothing readable in mask or the view schemas holds a key or a raw value');
SELECT is((SELECT count(*) FROM t41_secret.loot AS l JOIN t41_secret.raw_values AS r ON strpos(l.v, r.v) > 0
            WHERE l.who = 'auditor' AND l.src = 'export'), 0::bigint,
          'auditor: export_policy (if the auditor may run it) holds no key');
SELECT is((SELECT x::text FROM t41_secret.catalog_state AS x), (SELECT b::text FROM t41_secret.before AS b),
          'auditor changed nothing in the catalog');

-- -------------------------------------------------------------- owner ---
SET SESSION AUTHORIZATION t41_owner;

SELECT * FROM t41_secret.every_api_refused('owner');

SELECT throws_ok($$INSERT INTO mask.member (policy_id, role, role_name)
                   SELECT id, 't41_victim'::regrole, 't41_victim' FROM mask.policy LIMIT 1$$,
                 '42501', NULL, 'owner cannot add a member by writing the catalog');
SELECT throws_ok($$UPDATE mask.rule SET action = 'pass'$$, '42501', NULL, 'owner cannot rewrite rules in the catalog');
SELECT throws_ok($$DELETE FROM mask.protected$$, '42501', NULL, 'owner cannot unprotect by writing the catalog');
SELECT throws_ok($$UPDATE mask.audit_log SET details = NULL$$, '42501', NULL, 'owner cannot update the audit log');
SELECT throws_ok($$SELECT mask_internal._audit('forged', NULL, NULL, NULL)$$, '42501', NULL, 'owner cannot append to the audit log');
SELECT throws_ok($$SELECT * FROM mask.rule$$, '42501', NULL, 'owner cannot read the raw catalog tables');
SELECT is(t41_secret.writable_in_mask(), NULL, 'owner holds no write privilege on any relation of schema mask');
SELECT throws_ok($$SELECT * FROM mask.policy_key$$, '42501', NULL, 'owner cannot read mask.policy_key directly');
SELECT throws_ok($$SELECT * FROM t41_other.meters$$, '42501', NULL, 'owner cannot read another owner''s raw table');
SELECT throws_ok($$SET ROLE t41_member$$, '42501', NULL, 'owner cannot SET ROLE to the member');
SELECT throws_ok($$SET ROLE postgres$$, '42501', NULL, 'owner cannot SET ROLE to the extension owner');
SELECT throws_ok($$CREATE VIEW mask.t41_evil AS SELECT 1 AS x$$, '42501', NULL, 'owner cannot create objects in schema mask');
SELECT throws_ok($$CREATE VIEW t41_notice.t41_evil AS SELECT 1 AS x$$, '42501', NULL,
                 'owner cannot create new objects in the view schema');
SELECT throws_ok($$CREATE VIEW t41_meters.t41_evil AS SELECT 1 AS x$$, '42501', NULL,
                 'owner cannot create objects in another policy''s view schema');
SELECT throws_ok($$ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete$$, '42501', NULL,
                 'owner cannot disable the audit log triggers');
-- The owner holds SELECT on its policy's key view (its masked view reads
-- it) but cannot even name it: the key views are in mask_internal, on which
-- it has no USAGE; nor anything in mask or in the view schemas.
SELECT is(t41_secret.read_everything('owner', ARRAY['mask', 'mask_internal', 't41_notice', 't41_meters']::name[]),
          0, 'owner: can name no relation it could read in mask, mask_internal or the view schemas');
RESET SESSION AUTHORIZATION;

SELECT is(t41_secret.check('owner', 'readable'), 'nothing captured',
          'owner cannot read any key, of its own policy or of one that has none of its tables');
SELECT is((SELECT x::text FROM t41_secret.catalog_state AS x), (SELECT b::text FROM t41_secret.before AS b),
          'owner changed nothing in the catalog');

-- The owner owns the generated view (so that the raw table's privileges keep
-- applying), yet cannot replace it: it has no USAGE on the view schema, so it
-- cannot even name the view.  (Were that ever granted, an owner could replace
-- its own view; mask.verify() is what reports such drift.)  Either way the
-- policy does not change: the catalog is as it was, and the next API change
-- regenerates the view from the catalog.
SET SESSION AUTHORIZATION t41_owner;
SELECT throws_ok($$CREATE OR REPLACE VIEW t41_notice.households AS
                     SELECT id, holder_name, account_no FROM t41_billing.households$$,
                 '42501', NULL, 'owner cannot replace its generated view with a raw one');
SELECT throws_ok($$ALTER VIEW t41_notice.households RESET (security_barrier)$$,
                 '42501', NULL, 'owner cannot drop the security barrier of its generated view');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT rules FROM t41_secret.catalog_state), (SELECT rules FROM t41_secret.before),
          'owner replacing its view leaves the rules in the catalog as they were');
SELECT lives_ok($$SELECT mask.set_rule('t41_notice', 't41_billing.households', 'arrears', 'PASS')$$,
                'admin changes a rule: the view is regenerated');
SET SESSION AUTHORIZATION t41_member;
SELECT is_empty($$SELECT 1 FROM t41_notice.households WHERE holder_name IN ('赵六', '孙八', '钱七七')$$,
                'after regeneration the member sees masked names again');
SELECT results_eq($$SELECT id FROM t41_notice.households ORDER BY id$$, ARRAY[1, 3],
                  'after regeneration the row filter applies again');
RESET SESSION AUTHORIZATION;

-- The owner cannot hide its own DDL on a protected table from the audit log:
-- maskview marks its internal DDL in a table the owner cannot write, and a
-- setting of the owner's own (the obvious forgery) means nothing.
SET SESSION AUTHORIZATION t41_owner;
SELECT lives_ok($$SELECT pg_catalog.set_config('maskview.internal', 'on', false);
                  ALTER TABLE t41_billing.households ADD COLUMN t41_note text$$,
                'owner adds a column with a forged "internal" flag set');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM mask.audit_log
            WHERE action = 'follow_ddl' AND object = 't41_billing.households'
              AND details::text LIKE '%t41_note%'),
          1, 'the owner''s ALTER TABLE is in the audit log all the same');

SELECT * FROM finish();
ROLLBACK;
