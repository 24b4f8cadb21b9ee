-- Attack suite: the pseudonym keys (issue 8, "Keys").
--
-- No role but a superuser (the extension owner) may see any policy's key
-- through any relation it can query, by any plan; a member gets tokens, never
-- the key.  The attackers: the owner of a policy's table (who must hold
-- SELECT on the policy's key view, since its masked view reads it), the owner
-- of another policy's table, a member, a role reaching the member by
-- SET ROLE, an auditor, and an auditor that owns a protected table.  Each
-- plants a cheap leaky function (COST 0.0000001, so the planner would run it
-- first) that records every value it is shown, and the leaks are checked
-- against the real keys.  All act under SET SESSION AUTHORIZATION.
\ir fixtures/begin.sql
\ir ../sql/fixtures/policy.sql

SELECT plan(78);

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t45_owner NOLOGIN;
CREATE ROLE t45_owner2 NOLOGIN;
CREATE ROLE t45_member NOLOGIN;
CREATE ROLE t45_login LOGIN NOINHERIT;       -- reaches the member by SET ROLE only
CREATE ROLE t45_both NOLOGIN;                -- inherits the owner and the member
CREATE ROLE t45_auditor NOLOGIN;
CREATE ROLE t45_audowner NOLOGIN;            -- an auditor that owns a protected table
GRANT t45_member TO t45_login;
SELECT format('GRANT CREATE ON DATABASE %I TO t45_owner', current_database()) \gexec
CREATE SCHEMA t45_a AUTHORIZATION t45_owner;
CREATE SCHEMA t45_b AUTHORIZATION t45_owner2;
CREATE SCHEMA t45_c AUTHORIZATION t45_audowner;
CREATE SCHEMA t45_secret;

SET ROLE t45_owner;
CREATE TABLE t45_a.households (
    id          integer PRIMARY KEY,
    account_no  text NOT NULL,
    phone       text NOT NULL
);
INSERT INTO t45_a.households
SELECT g, 'ACCT-45-' || pg_catalog.lpad(g::text, 4, '0'), (13811450000 + g)::text
  FROM pg_catalog.generate_series(1, 40) AS g;
GRANT USAGE ON SCHEMA t45_a TO PUBLIC;
RESET ROLE;
SET ROLE t45_owner2;
CREATE TABLE t45_b.meters (id integer PRIMARY KEY, meter_no text NOT NULL);
INSERT INTO t45_b.meters VALUES (1, 'METER-45-0001');
GRANT USAGE ON SCHEMA t45_b TO PUBLIC;
RESET ROLE;
SET ROLE t45_audowner;
CREATE TABLE t45_c.things (id integer PRIMARY KEY, serial text NOT NULL);
INSERT INTO t45_c.things VALUES (1, 'THING-45-0001');
RESET ROLE;

SELECT lives_ok($$
    SELECT pg_temp.policy('t45_pa', 't45_va', 't45_a.households',
                          ARRAY[['id', 'PASS'],
                                ['account_no', 'mask.pseudonym(account_no)'],
                                ['phone', 'mask.pseudonym(phone)']],
                          members => '{t45_member}');
    SELECT mask.create_policy('t45_pb', 't45_vb');
    SELECT mask.protect('t45_pb', 't45_b.meters');
    SELECT mask.set_rule('t45_pb', 't45_b.meters', 'meter_no', 'mask.pseudonym(meter_no)');
    SELECT mask.create_policy('t45_pc', 't45_vc');
    SELECT mask.protect('t45_pc', 't45_c.things');
    SELECT mask.set_rule('t45_pc', 't45_c.things', 'serial', 'mask.pseudonym(serial)');
    SELECT mask.grant_auditor('t45_auditor');
    SELECT mask.grant_auditor('t45_audowner');
$$, 'setup: three policies, a member and two auditors through the API');
-- Granted after add_member, which refuses a member granted to a role that
-- can read the raw tables (verify() reports it; revoked before the drift checks).
GRANT t45_owner, t45_member TO t45_both;

-- The key views are in mask_internal, which PUBLIC cannot use, so most
-- roles cannot even name one.  The attacks below name them anyway: the key
-- view itself must hold for any role that can (the owners of Citus tables
-- get USAGE on mask_internal for their row functions, 48_citus.sql).
GRANT USAGE ON SCHEMA mask_internal TO PUBLIC;

SELECT 'mask_internal.' || quote_ident('_key_' || id) AS key_a, id AS id_a FROM mask.policy WHERE name = 't45_pa' \gset
SELECT 'mask_internal.' || quote_ident('_key_' || id) AS key_b FROM mask.policy WHERE name = 't45_pb' \gset
SELECT 'mask_internal.' || quote_ident('_key_' || id) AS key_c FROM mask.policy WHERE name = 't45_pc' \gset

-- The keys, and what each attacker captured.
CREATE TABLE t45_secret.keys AS
SELECT p.name, pg_catalog.encode(k.key, 'hex') AS hex FROM mask.policy_key AS k
  JOIN mask.policy AS p ON p.id = k.policy_id;
CREATE TABLE t45_secret.loot (who text, src text, v text);
GRANT USAGE ON SCHEMA t45_secret TO PUBLIC;
GRANT INSERT ON t45_secret.loot TO PUBLIC;

-- The keys found in what who captured from src (NULL: none).
CREATE FUNCTION t45_secret.keys_in(p_who text, p_src text = '%') RETURNS text
LANGUAGE sql AS $$
    SELECT pg_catalog.string_agg(DISTINCT k.name, ',' ORDER BY k.name)
      FROM t45_secret.loot AS l JOIN t45_secret.keys AS k ON strpos(l.v, k.hex) > 0
     WHERE l.who = p_who AND l.src LIKE p_src
$$;

-- The leaky function every attacker plants: it records what it is shown,
-- pg_temp.leak_<role>(v bytea) a key (as hex), pg_temp.tleak_<role>(v text)
-- a value (make_leak('text')).
CREATE FUNCTION t45_secret.make_leak(arg regtype DEFAULT 'bytea') RETURNS void
LANGUAGE plpgsql AS $mk$
DECLARE
    shown text := CASE arg WHEN 'bytea'::regtype THEN 'pg_catalog.encode(v, ''hex'')' ELSE 'v' END;
BEGIN
    EXECUTE pg_catalog.format($f$
        CREATE FUNCTION pg_temp.%I(v %s) RETURNS boolean
        LANGUAGE plpgsql COST 0.0000001 AS $b$
        BEGIN
            RAISE NOTICE 'leak %%', %s;
            INSERT INTO t45_secret.loot VALUES (current_user, 'leak', %s);
            RETURN true;
        END $b$ $f$,
        CASE arg WHEN 'bytea'::regtype THEN 'leak_' ELSE 'tleak_' END || current_user, arg, shown, shown);
END $mk$;
GRANT EXECUTE ON FUNCTION t45_secret.make_leak(regtype) TO PUBLIC;

-- EXPLAIN (ANALYZE, VERBOSE) output of a query, as one text.
CREATE FUNCTION t45_secret.explain(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE l text; t text := '';
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF) ' || q LOOP
        t := t || l || E'\n';
    END LOOP;
    RETURN t;
END $$;
GRANT EXECUTE ON FUNCTION t45_secret.explain(text) TO PUBLIC;

-- The tokens a member must see: computed here, by the superuser, with the key.
CREATE TABLE t45_secret.tokens AS
SELECT h.id, mask.pseudonym(h.account_no, k.key) AS account_no
  FROM t45_a.households AS h, mask.policy_key AS k JOIN mask.policy AS p ON p.id = k.policy_id
 WHERE p.name = 't45_pa';
GRANT SELECT ON t45_secret.tokens TO PUBLIC;

SELECT is((SELECT count(*)::int FROM t45_secret.keys WHERE name LIKE 't45_%'), 3,
          'precondition: the three policies have keys');

-- ------------------------------------------- the owner of a policy's table ---
SET SESSION AUTHORIZATION t45_owner;
SELECT t45_secret.make_leak();
SELECT lives_ok(format('SELECT * FROM %s', :'key_a'),
                'owner: may select its policy''s key view (its masked view reads it)');
SELECT is_empty(format('SELECT * FROM %s', :'key_a'),
                'owner: its policy''s key view shows it no row');
-- With index scans the key of another policy stays under the index condition;
-- without, a leaky function pushed into the scan of mask.policy_key would see
-- every row of it.  Both plans.
SELECT lives_ok(format('SELECT count(*) FROM %s AS k WHERE pg_temp.leak_t45_owner(k.key)', :'key_a'),
                'owner: leaky function over the key view, default plan');
SET enable_indexscan = off; SET enable_bitmapscan = off;
SELECT lives_ok(format('SELECT count(*) FROM %s AS k WHERE pg_temp.leak_t45_owner(k.key)', :'key_a'),
                'owner: leaky function over the key view, sequential scan');
SELECT lives_ok(format('SELECT count(*) FROM %s AS k WHERE pg_temp.leak_t45_owner(k.key) AND k.key IS NOT NULL', :'key_a'),
                'owner: leaky function ANDed with a condition on the key');
INSERT INTO t45_secret.loot SELECT 't45_owner', 'explain',
       t45_secret.explain(format('SELECT * FROM %s AS k WHERE pg_temp.leak_t45_owner(k.key)', :'key_a'));
RESET enable_indexscan; RESET enable_bitmapscan;
SELECT lives_ok(format('CREATE TABLE t45_a.copied AS SELECT k.key FROM %s AS k', :'key_a'),
                'owner: CREATE TABLE AS over its key view (runs as the owner)');
SELECT is_empty('SELECT * FROM t45_a.copied', 'owner: the copy holds no row');
SELECT throws_ok(format('SELECT * FROM %s', :'key_b'), '42501', NULL,
                 'owner: another policy''s key view is refused');
SELECT throws_ok('SELECT * FROM mask.policy_key', '42501', NULL, 'owner: the key table is refused');
SELECT throws_ok(format('SELECT mask.pseudonym(''ACCT-45-0001'', (SELECT k.key FROM %s AS k))', :'key_b'),
                 '42501', NULL, 'owner: cannot feed another policy''s key to mask.pseudonym');

-- Objects of the owner's own that would read the key as whoever queries them
-- are refused; those that do not are accepted (in this order: the refused
-- replacements need the accepted ones).  %s is the owner's key view.
SELECT CASE WHEN o.accepted THEN lives_ok(format(o.stmt, :'key_a'), o.description)
            ELSE throws_ok(format(o.stmt, :'key_a'), '42501', NULL, o.description) END
  FROM (VALUES
    ('CREATE VIEW t45_a.steal AS SELECT k.key FROM %s AS k',
     false, 'owner: a view over its key view is refused'),
    ('CREATE VIEW t45_a.steal2 AS SELECT h.id, (SELECT k.key FROM %s AS k) AS key FROM t45_a.households AS h',
     false, 'owner: a view with the key view in a subquery is refused'),
    ('CREATE SCHEMA t45_evil CREATE VIEW steal3 AS SELECT k.key FROM %s AS k',
     false, 'owner: a view over its key view inside CREATE SCHEMA is refused'),
    ('CREATE VIEW t45_a.harmless AS SELECT id FROM t45_a.households',
     true, 'owner: a view not reading a key is accepted'),
    ('CREATE OR REPLACE VIEW t45_a.harmless AS SELECT id FROM t45_a.households WHERE EXISTS (SELECT FROM %s)',
     false, 'owner: replacing its harmless view with one reading the key is refused'),
    ('CREATE MATERIALIZED VIEW t45_a.steal_m AS SELECT k.key FROM %s AS k',
     false, 'owner: a materialized view over its key view is refused'),
    ('CREATE RULE steal AS ON INSERT TO t45_a.households DO ALSO INSERT INTO t45_secret.loot SELECT ''rule'', ''rule'', pg_catalog.encode(k.key, ''hex'') FROM %s AS k',
     false, 'owner: a rule reading its key view is refused'),
    ('CREATE POLICY steal ON t45_a.households USING (EXISTS (SELECT FROM %s AS k WHERE k.key IS NOT NULL))',
     false, 'owner: a row-security policy reading its key view is refused'),
    ('CREATE POLICY harmless ON t45_a.households USING (id > 0)',
     true, 'owner: a row-security policy not reading a key is accepted'),
    ('ALTER POLICY harmless ON t45_a.households USING (EXISTS (SELECT FROM %s))',
     false, 'owner: altering its policy to read the key view is refused')) AS o(stmt, accepted, description);
-- A SECURITY DEFINER function runs as the owner, who is no reader.
SELECT lives_ok(format('CREATE FUNCTION t45_a.steal_fn() RETURNS text LANGUAGE sql SECURITY DEFINER
                        AS $f$SELECT pg_catalog.encode(k.key, ''hex'') FROM %s AS k$f$', :'key_a'),
                'owner: creates a SECURITY DEFINER function reading its key view');
GRANT EXECUTE ON FUNCTION t45_a.steal_fn() TO t45_member;
-- A column grant: the owner holds no grant option, so nothing is granted.
SET client_min_messages = error;
SELECT lives_ok(format('GRANT SELECT (key) ON %s TO t45_member', :'key_a'),
                'owner: GRANT SELECT (key) on its key view (a warning, nothing granted)');
SET client_min_messages = warning;
RESET SESSION AUTHORIZATION;

SELECT is(t45_secret.keys_in('t45_owner'), NULL,
          'owner: no key was seen by its leaky functions or in its EXPLAIN ANALYZE output');
SELECT ok((SELECT v FROM t45_secret.loot WHERE who = 't45_owner' AND src = 'explain') LIKE '%One-Time Filter%',
          'owner: the EXPLAIN output shows the reader condition as a one-time filter under the barrier');
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_class WHERE relname IN ('steal', 'steal2', 'steal3', 'steal_m'))
          + (SELECT count(*)::int FROM pg_catalog.pg_namespace WHERE nspname = 't45_evil'),
          0, 'owner: none of the refused objects exists');

-- ------------------------------------- the owner of another policy's table ---
SET SESSION AUTHORIZATION t45_owner2;
SELECT t45_secret.make_leak();
SET enable_indexscan = off; SET enable_bitmapscan = off;
SELECT lives_ok(format('SELECT count(*) FROM %s AS k WHERE pg_temp.leak_t45_owner2(k.key)', :'key_b'),
                'owner of policy b: leaky function over its key view, sequential scan');
RESET enable_indexscan; RESET enable_bitmapscan;
SELECT is_empty(format('SELECT * FROM %s', :'key_b'), 'owner of policy b: its key view shows it no row');
SELECT throws_ok(format('SELECT * FROM %s', :'key_a'), '42501', NULL,
                 'owner of policy b: policy a''s key view is refused');
RESET SESSION AUTHORIZATION;
SELECT is(t45_secret.keys_in('t45_owner2'), NULL,
          'owner of policy b: its leaky function saw no key, policy a''s included');

-- -------------------------------------------------------------- member ---
SET SESSION AUTHORIZATION t45_member;
SELECT t45_secret.make_leak('text');
SELECT set_eq('SELECT id, account_no FROM t45_va.households',
              'SELECT id, account_no FROM t45_secret.tokens',
              'member: reads the tokens the policy''s key gives');
SELECT lives_ok('SELECT count(*) FROM t45_va.households AS h WHERE pg_temp.tleak_t45_member(h.account_no)',
                'member: leaky function over the masked view');
INSERT INTO t45_secret.loot SELECT 't45_member', 'explain',
       t45_secret.explain('SELECT * FROM t45_va.households AS h WHERE pg_temp.tleak_t45_member(h.account_no)');
SELECT throws_ok(format('SELECT * FROM %s', :'key_a'), '42501', NULL, 'member: its policy''s key view is refused');
SELECT throws_ok('SELECT * FROM mask.policy_key', '42501', NULL, 'member: the key table is refused');
SELECT throws_ok(format('SELECT mask.pseudonym(''ACCT-45-0001'', (SELECT k.key FROM %s AS k))', :'key_a'),
                 '42501', NULL, 'member: cannot feed the key to mask.pseudonym');
SELECT is(mask.pseudonym('ACCT-45-0001', '\x00000000000000000000000000000000'::bytea),
          mask.pseudonym('ACCT-45-0001', '\x00000000000000000000000000000000'::bytea), 'member: mask.pseudonym itself is callable');
SELECT isnt((SELECT account_no FROM t45_va.households WHERE id = 1),
            mask.pseudonym('ACCT-45-0001', '\x00000000000000000000000000000000'::bytea),
            'member: a key of its own choosing gives other tokens');
SELECT is(t45_a.steal_fn(), NULL, 'member: the owner''s SECURITY DEFINER function gets no key');
-- mask_internal._key_reader, which the key views call, answers a boolean, and only
-- about roles the session can become: no probing of who reads what.
SELECT is(mask_internal._key_reader(:id_a, current_user), true,
          'member: mask_internal._key_reader says the member itself is a reader');
SELECT is(mask_internal._key_reader(:id_a, 't45_auditor'), false,
          'member: mask_internal._key_reader says nothing about a role it cannot become (an auditor)');
RESET SESSION AUTHORIZATION;
SELECT is(t45_secret.keys_in('t45_member'), NULL,
          'member: no key in what its leaky function saw or in its EXPLAIN ANALYZE output');

-- ------------------------------------------------ by SET ROLE, or both ---
SET SESSION AUTHORIZATION t45_login;
SELECT throws_ok('SELECT * FROM t45_va.households', '42501', NULL,
                 'login role (NOINHERIT): no masked view before SET ROLE');
SET ROLE t45_member;
SELECT set_eq('SELECT id, account_no FROM t45_va.households',
              'SELECT id, account_no FROM t45_secret.tokens',
              'login role after SET ROLE member: reads the tokens');
SELECT throws_ok(format('SELECT * FROM %s', :'key_a'), '42501', NULL,
                 'login role after SET ROLE member: the key view is refused');
RESET ROLE;
RESET SESSION AUTHORIZATION;
-- A role inheriting both the owner (the raw table) and the member.
SET SESSION AUTHORIZATION t45_both;
SELECT is_empty(format('SELECT * FROM %s', :'key_a'),
                'role inheriting owner and member: the key view shows it no row');
SELECT is((SELECT count(*)::int FROM t45_va.households WHERE account_no IS NOT NULL), 0,
          'role inheriting owner and member: no tokens (it reads the raw table anyway)');
SET ROLE t45_owner;
SELECT is_empty(format('SELECT * FROM %s', :'key_a'), 'after SET ROLE owner: the key view shows no row');
SET ROLE t45_member;
SELECT set_eq('SELECT id, account_no FROM t45_va.households',
              'SELECT id, account_no FROM t45_secret.tokens', 'after SET ROLE member: tokens');
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------- auditors ---
SET SESSION AUTHORIZATION t45_auditor;
SELECT t45_secret.make_leak('text');
SELECT set_eq('SELECT id, account_no FROM t45_va.households',
              'SELECT id, account_no FROM t45_secret.tokens', 'auditor: reads the tokens');
SELECT lives_ok('SELECT count(*) FROM t45_va.households AS h WHERE pg_temp.tleak_t45_auditor(h.account_no)',
                'auditor: leaky function over the masked view');
SELECT throws_ok(format('SELECT * FROM %s', :'key_a'), '42501', NULL, 'auditor: the key view is refused');
RESET SESSION AUTHORIZATION;
SELECT is(t45_secret.keys_in('t45_auditor'), NULL, 'auditor: no key seen');

-- An auditor that owns a protected table holds SELECT on that policy's key
-- view (its masked view reads it), and is a reader; it can read the raw
-- table, so the key view shows it nothing -- even after it revokes its own
-- SELECT on the table, which it could grant itself again.
SET SESSION AUTHORIZATION t45_audowner;
SELECT t45_secret.make_leak();
SET enable_indexscan = off; SET enable_bitmapscan = off;
SELECT is_empty(format('SELECT * FROM %s AS k WHERE pg_temp.leak_t45_audowner(k.key)', :'key_c'),
                'auditor owning a table: its policy''s key view shows it no row');
REVOKE SELECT ON t45_c.things FROM t45_audowner;
SELECT is_empty(format('SELECT * FROM %s AS k WHERE pg_temp.leak_t45_audowner(k.key)', :'key_c'),
                'auditor owning a table, its own SELECT revoked: still no row');
RESET enable_indexscan; RESET enable_bitmapscan;
RESET SESSION AUTHORIZATION;
SELECT is(t45_secret.keys_in('t45_audowner'), NULL, 'auditor owning a table: no key seen');

-- ------------------------------------------------------------- pg_stats ---
ANALYZE mask.policy_key;
SELECT ok((SELECT count(*) FROM pg_catalog.pg_stats WHERE schemaname = 'mask' AND tablename = 'policy_key') > 0,
          'precondition: the superuser sees statistics of mask.policy_key');
CREATE FUNCTION t45_secret.stats_loot() RETURNS void LANGUAGE sql AS $$
    INSERT INTO t45_secret.loot SELECT current_user, 'stats', s::text FROM pg_catalog.pg_stats AS s
$$;
GRANT EXECUTE ON FUNCTION t45_secret.stats_loot() TO PUBLIC;
SET SESSION AUTHORIZATION t45_owner;   SELECT t45_secret.stats_loot(); RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t45_member;  SELECT t45_secret.stats_loot(); RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t45_auditor; SELECT t45_secret.stats_loot(); RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(DISTINCT l.who || ':' || k.name, ',') FROM t45_secret.loot AS l
             JOIN t45_secret.keys AS k ON strpos(l.v, k.hex) > 0 WHERE l.src = 'stats'), NULL,
          'pg_stats after ANALYZE mask.policy_key: no key for the owner, the member or the auditor');

-- ---------------------------------------------- drift, and what fixes it ---
REVOKE t45_owner, t45_member FROM t45_both;   -- an error of its own for verify()
-- Grants made by hand (by a superuser): reported, and removed by the next
-- regeneration of the policy.
SELECT is((SELECT count(*)::int FROM mask.verify() WHERE severity IN ('error', 'warning')
             AND (policy LIKE 't45_%' OR object LIKE '%policy_key%' OR object = 'maskview_key_guard')),
          0, 'verify: clean before the drift');
SELECT lives_ok(format('GRANT SELECT (key) ON %s TO t45_member', :'key_a'), 'drift: a column grant on a key view');
SELECT lives_ok('GRANT SELECT (key) ON mask.policy_key TO t45_owner2', 'drift: a column grant on the key table');
SELECT lives_ok('GRANT SELECT ON mask.policy_key TO t45_auditor', 'drift: a table grant on the key table');
SELECT lives_ok(format('CREATE VIEW t45_secret.super_view AS SELECT k.key FROM %s AS k', :'key_a'),
                'drift: a superuser''s view over a key view (superusers are not refused)');
SELECT set_eq($$SELECT finding FROM mask.verify() WHERE severity = 'error'
                  AND (policy = 't45_pa' OR object = 'mask.policy_key')$$,
              ARRAY['Role t45_member holds a column grant on the key view (column key): maskview grants none, and a column grant escapes table-level checks.',
                    'Role t45_owner2 holds a privilege on the key table (column key): it can read every policy''s key.',
                    'Role t45_auditor holds a privilege on the key table: it can read every policy''s key.',
                    'The view t45_secret.super_view reads the policy''s key view: it reads with its owner''s privileges but runs as the role that queries it, and can pass the key to that role or to its owner.'],
              'verify: each drift is an error');
SELECT lives_ok($$SELECT mask.set_rule('t45_pa', 't45_a.households', 'id', 'PASS')$$,
                'an API change regenerates policy a');
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
            WHERE a.attrelid IN (:'key_a'::regclass, 'mask.policy_key'::regclass)), 0,
          'regeneration removed the column grants on the key view and the key table');
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
            WHERE c.oid = 'mask.policy_key'::regclass AND g.grantee <> c.relowner), 0,
          'regeneration removed the table grant on the key table');
DROP VIEW t45_secret.super_view;

-- A key view of 0.2.0's shape (a plain view of the key table): reported,
-- and replaced by the next regeneration.
SELECT lives_ok(format('CREATE OR REPLACE VIEW %s WITH (security_barrier = false) AS SELECT pk.key FROM mask.policy_key pk WHERE pk.policy_id = %s',
                       :'key_a', (SELECT id FROM mask.policy WHERE name = 't45_pa')),
                'drift: the key view replaced by the old shape');
SELECT set_eq($$SELECT finding FROM mask.verify('t45_pa') WHERE severity = 'error'$$,
              ARRAY['The key view is not a security_barrier view: a table owner''s function in WHERE can see every policy''s key.'],
              'verify: the old key view is an error');
SELECT lives_ok($$SELECT mask.set_rule('t45_pa', 't45_a.households', 'id', 'PASS')$$, 'an API change regenerates policy a');
SELECT is((SELECT count(*)::int FROM mask.verify('t45_pa') WHERE severity IN ('error', 'warning')), 0,
          'verify: the key view is what maskview generates again');

-- The key guard disabled: an error, and why it matters.  Without it the
-- owner's own view over its key view, read by a member, hands the member the
-- key (relations checked as the owner, CURRENT_USER the member); verify()
-- reports that view, and the owner's rule and row-security policy too.
ALTER EVENT TRIGGER maskview_key_guard DISABLE;
SELECT is((SELECT hint FROM mask.verify() WHERE object = 'maskview_key_guard' AND severity = 'error'),
          'ALTER EVENT TRIGGER maskview_key_guard ENABLE;', 'verify: a disabled key guard is an error');
SET SESSION AUTHORIZATION t45_owner;
SELECT format('CREATE VIEW t45_a.steal AS SELECT pg_catalog.encode(k.key, ''hex'') AS v FROM %s AS k', :'key_a') \gexec
GRANT SELECT ON t45_a.steal TO t45_member;
SELECT format('CREATE RULE steal AS ON INSERT TO t45_a.households DO ALSO SELECT k.key FROM %s AS k', :'key_a') \gexec
SELECT format('CREATE POLICY steal ON t45_a.households USING (EXISTS (SELECT FROM %s))', :'key_a') \gexec
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t45_member;
INSERT INTO t45_secret.loot SELECT 'unguarded', 'view', v FROM t45_a.steal;
RESET SESSION AUTHORIZATION;
ALTER EVENT TRIGGER maskview_key_guard ENABLE;
SELECT is(t45_secret.keys_in('unguarded'), 't45_pa',
          'without the guard, a member reading the owner''s view over the key view gets the key');
SELECT set_eq($$SELECT finding FROM mask.verify('t45_pa') WHERE severity = 'error'$$,
              ARRAY['The view t45_a.steal reads the policy''s key view: it reads with its owner''s privileges but runs as the role that queries it, and can pass the key to that role or to its owner.',
                    'The rule steal on t45_a.households reads the policy''s key view: it reads with its owner''s privileges but runs as the role that queries it, and can pass the key to that role or to its owner.',
                    'The row-security policy steal on t45_a.households reads the policy''s key view: it reads with its owner''s privileges but runs as the role that queries it, and can pass the key to that role or to its owner.'],
              'verify: the owner''s view, rule and row-security policy over the key view are errors');
DROP VIEW t45_a.steal;
DROP RULE steal ON t45_a.households;
DROP POLICY steal ON t45_a.households;

-- ------------------------------------------------ short tokens of guessable values ---
SELECT lives_ok($$SELECT mask.set_rule('t45_pa', 't45_a.households', 'phone', 'mask.pseudonym(phone, 8)')$$,
                'a rule with 8-character tokens of phone numbers');
SELECT results_eq($$SELECT severity, object, hint FROM mask.verify('t45_pa') WHERE severity <> 'info'$$,
                  $$VALUES ('warning', 't45_a.households.phone',
                            'Use 12 characters or more: SELECT mask.set_rule(''t45_pa'', ''t45_a.households'', ''phone'', ''mask.pseudonym(phone)'');')$$,
                  'verify warns about short tokens of phone numbers');
SELECT lives_ok($$SELECT mask.set_rule('t45_pa', 't45_a.households', 'phone', 'mask.pseudonym(phone, 12)')$$,
                'the rule with 12-character tokens');
SELECT is_empty($$SELECT * FROM mask.verify('t45_pa') WHERE severity <> 'info'$$,
                'verify: 12 characters are not short');

SELECT * FROM finish();
ROLLBACK;
