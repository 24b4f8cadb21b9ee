-- The k-anonymity advisor (mask.advise, mask.apply_advice) under attack.
--
-- Who may run it: admins and auditors advise (counts only), only admins
-- apply; members and other roles are refused by PostgreSQL (42501).  The
-- advisor reads the raw table as the extension owner, so it must never hand
-- a raw value to a caller who cannot read the table: not in its rows, not
-- in an error message (a custom hierarchy level with a cast that fails on a
-- value), and a probe with k = 1 on columns that isolate single rows gets
-- counts only and is flagged in the audit log.
\ir fixtures/begin.sql

SELECT plan(30);

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t50_owner NOLOGIN;
CREATE ROLE t50_member NOLOGIN;
CREATE ROLE t50_auditor NOLOGIN;
CREATE ROLE t50_admin NOLOGIN;
CREATE ROLE t50_nobody NOLOGIN;
CREATE SCHEMA t50 AUTHORIZATION t50_owner;
GRANT USAGE ON SCHEMA t50 TO PUBLIC;
SET ROLE t50_owner;
CREATE TABLE t50.households (id integer PRIMARY KEY, holder_name text, phone text,
                             address text, balance numeric(10,2));
INSERT INTO t50.households VALUES
 (1, '赵六', '13811110001', '安徽省芜湖市镜湖区阳光小区1栋1单元101室', 10.00),
 (2, '钱七', '13811110002', '安徽省芜湖市镜湖区阳光小区1栋1单元102室', 12.00),
 (3, '孙八', '13811110003', '安徽省芜湖市镜湖区阳光小区1栋2单元101室', 14.00),
 (4, '李九', '13811110004', '安徽省芜湖市镜湖区阳光小区1栋2单元102室', 16.00),
 (5, '周十', '13811110005', '安徽省芜湖市镜湖区星河小区2栋1单元301室', 18.00),
 (6, '吴一', '13811110006', '安徽省芜湖市镜湖区星河小区2栋1单元302室', 20.00);
GRANT SELECT ON t50.households TO t50_admin;
RESET ROLE;

SELECT lives_ok($$
    SELECT mask.create_policy('t50_notice', 't50_notice');
    SELECT mask.protect('t50_notice', 't50.households');
    SELECT mask.set_rule('t50_notice', 't50.households', 'address', $r$mask.cn_address(address, 'unit')$r$);
    SELECT mask.add_member('t50_notice', 't50_member');
    SELECT mask.grant_auditor('t50_auditor');
    SELECT mask.grant_admin('t50_admin');
$$, 'setup: a policy, a member, an auditor and an admin');

-- ---------------------------------------------------------- privileges ---
SELECT ok(NOT has_function_privilege('public', 'mask.advise(name, regclass, name[], integer, real, jsonb, boolean)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'mask.apply_advice(name, regclass, jsonb, integer, boolean, text)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'mask_internal._advise_eval(text, text, text, integer)', 'EXECUTE'),
          'PUBLIC cannot execute the advisor');
SELECT ok(has_function_privilege('t50_auditor', 'mask.advise(name, regclass, name[], integer, real, jsonb, boolean)', 'EXECUTE')
          AND NOT has_function_privilege('t50_auditor', 'mask.apply_advice(name, regclass, jsonb, integer, boolean, text)', 'EXECUTE'),
          'an auditor may advise but not apply');
SELECT ok(has_function_privilege('t50_admin', 'mask.advise(name, regclass, name[], integer, real, jsonb, boolean)', 'EXECUTE')
          AND has_function_privilege('t50_admin', 'mask.apply_advice(name, regclass, jsonb, integer, boolean, text)', 'EXECUTE'),
          'an admin may advise and apply');

SET SESSION AUTHORIZATION t50_member;
SELECT throws_ok($$SELECT * FROM mask.advise('t50_notice', 't50.households', ARRAY['address'], 2)$$,
                 '42501', NULL, 'a member cannot run advise');
SELECT throws_ok($$SELECT mask.apply_advice('t50_notice', 't50.households', '{"address": "PASS"}')$$,
                 '42501', NULL, 'a member cannot run apply_advice');
SELECT throws_ok($$SELECT * FROM mask_internal._advise_eval('t50.households', NULL, 'holder_name', 2)$$,
                 '42501', NULL, 'a member cannot call the evaluator directly');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t50_nobody;
SELECT throws_ok($$SELECT * FROM mask.advise('t50_notice', 't50.households', ARRAY['address'], 2)$$,
                 '42501', NULL, 'a role that is neither admin nor auditor cannot run advise');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------- auditor ---
SET SESSION AUTHORIZATION t50_auditor;
SELECT throws_ok($$SELECT holder_name FROM t50.households$$, '42501', NULL,
                 'the auditor cannot read the raw table itself');
SELECT lives_ok($$CREATE TEMP TABLE a50 AS
    SELECT * FROM mask.advise('t50_notice', 't50.households', ARRAY['address', 'holder_name', 'balance'], 2)$$,
    'the auditor gets advice on a table it cannot read');
SELECT ok((SELECT count(*) FROM a50) > 0, 'the advice has rows');
-- Oracle attempt: k = 1 on columns that isolate every row.
SELECT lives_ok($$CREATE TEMP TABLE o50 AS
    SELECT * FROM mask.advise('t50_notice', 't50_notice.households', ARRAY['holder_name', 'phone'], 1)$$,
    'k = 1 on identifying columns runs (table named by its masked view)');
SELECT is((SELECT rules::text FROM o50 WHERE rank = 1), '{"phone": "PASS", "holder_name": "PASS"}',
          'k = 1: the answer is the rule PASS, not the values');
SELECT is((SELECT min_group_size FROM o50 WHERE rank = 1), 1::bigint, 'k = 1: counts only (groups of one)');
RESET SESSION AUTHORIZATION;

-- No raw value in anything the auditor got.
SELECT is((SELECT count(*) FROM (SELECT a::text AS t FROM a50 a UNION ALL SELECT o::text FROM o50 o) r,
                                t50.households h
            WHERE strpos(r.t, h.holder_name) > 0 OR strpos(r.t, h.phone) > 0
               OR strpos(r.t, h.address) > 0 OR strpos(r.t, h.balance::text) > 0),
          0::bigint, 'no raw name, phone, address or balance in the advisor''s rows');
SELECT is((SELECT count(*) FROM mask.audit_log WHERE action = 'advise' AND login_role = 't50_auditor'),
          2::bigint, 'each advise call by the auditor is audited');
SELECT is((SELECT (details ->> 'k_below_2')::boolean AND (details ->> 'nodes_with_single_row_groups')::int > 0
             FROM mask.audit_log WHERE action = 'advise' AND login_role = 't50_auditor'
             ORDER BY id DESC LIMIT 1),
          true, 'the k = 1 probe is flagged in the audit log');

-- A custom level whose cast fails on a value: the validator refuses such a
-- cast up front (22023; the cast's own message would quote the value), and
-- the error never carries a value.
CREATE FUNCTION pg_temp.error_text(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hin text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            hin = PG_EXCEPTION_HINT;
    RETURN st || '|' || msg || '|' || COALESCE(det, '') || '|' || COALESCE(hin, '');
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.error_text(text) TO t50_auditor;
SET SESSION AUTHORIZATION t50_auditor;
CREATE TEMP TABLE e50 AS SELECT pg_temp.error_text($q$
    SELECT * FROM mask.advise('t50_notice', 't50.households', ARRAY['holder_name'], 2,
        hierarchies => '{"holder_name": ["mask.partial(holder_name::integer::text, 1, 0)", "NULL"]}')$q$) AS e;
RESET SESSION AUTHORIZATION;
SELECT is(split_part((SELECT e FROM e50), '|', 1), '22023', 'a level whose cast fails on values is refused as a rule');
SELECT is((SELECT count(*) FROM e50, t50.households h WHERE strpos(e50.e, h.holder_name) > 0),
          0::bigint, 'the error message, detail and hint quote no value');

-- Two levels the advisor refuses before it runs them (22023):
-- - one that would fail on the data (a column used as a parameter holds a
--   negative number): parameters of masking functions must be constants, so
--   no row can make a level, or a view, fail;
-- - one calling a trusted function owned by a role that is not a superuser:
--   in a view it runs as the table's owner, but the advisor would run it as
--   the extension owner, and its owner could redefine it.
SET ROLE t50_owner;
CREATE TABLE t50.odd (id integer PRIMARY KEY, name text, n integer);
INSERT INTO t50.odd VALUES (1, '郑十一', 1), (2, '王十二', -1);
CREATE FUNCTION t50.shout(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT upper(v) $f$;
RESET ROLE;
SELECT lives_ok($$SELECT mask.protect('t50_notice', 't50.odd')$$, 'protect a table with an odd column');
SELECT lives_ok($$SELECT mask.trust_function('t50.shout(text)')$$, 'a superuser trusts t50_owner''s function');
SET SESSION AUTHORIZATION t50_auditor;
SELECT throws_ok(format('SELECT * FROM mask.advise(%L, %L, ARRAY[%L], 2, hierarchies => %L)',
                        't50_notice', l.view, l.col, l.hierarchy),
                 '22023', l.message, l.description)
  FROM (VALUES
    ('t50_notice.odd', 'name', '{"name": ["mask.partial(name, n, 0)", "NULL"]}',
     'level 0 of the hierarchy of column name is not a valid rule',
     'a level whose parameter reads a column is refused before it runs'),
    ('t50_notice.households', 'holder_name', '{"holder_name": ["PASS", "t50.shout(holder_name)", "NULL"]}',
     'level 1 of the hierarchy of column holder_name calls a function not owned by a superuser',
     'a level calling a function its non-superuser owner could redefine is refused'))
    AS l(view, col, hierarchy, message, description);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t50_admin;
SELECT throws_ok($q$SELECT mask.apply_advice('t50_notice', 't50.households', '{"holder_name": "t50.shout(holder_name)"}', 2)$q$,
    '22023', 'the rule of column holder_name calls a function not owned by a superuser',
    'apply_advice does not measure such a rule as the extension owner either');
RESET SESSION AUTHORIZATION;

-- --------------------------------------------------------------- admin ---
SET SESSION AUTHORIZATION t50_admin;
SELECT lives_ok($$SELECT mask.apply_advice('t50_notice', 't50.households',
    (SELECT rules FROM mask.advise('t50_notice', 't50.households', ARRAY['address', 'holder_name'], 2)
      WHERE rank = 1), 2)$$, 'an admin applies the best advice');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT min_group_size FROM mask.linkability_summary('t50_notice.households', ARRAY['address', 'holder_name'], 2)),
          2::bigint, 'the member''s view is 2-anonymous on the quasi-identifiers afterwards');
SELECT is((SELECT count(*) FROM mask.audit_log WHERE action = 'apply_advice' AND login_role = 't50_admin'),
          1::bigint, 'apply_advice is audited once');
SET SESSION AUTHORIZATION t50_auditor;
SELECT throws_ok($$SELECT mask.apply_advice('t50_notice', 't50.households', '{"address": "PASS"}')$$,
                 '42501', NULL, 'an auditor cannot apply advice');
RESET SESSION AUTHORIZATION;
SELECT lives_ok($$SELECT mask.revoke_auditor('t50_auditor')$$, 'revoke the auditor');
SET SESSION AUTHORIZATION t50_auditor;
SELECT throws_ok($$SELECT * FROM mask.advise('t50_notice', 't50.households', ARRAY['address'], 2)$$,
                 '42501', NULL, 'a former auditor cannot advise');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
