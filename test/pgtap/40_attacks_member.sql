-- Attack suite, part 1: a policy member tries every route to a raw value.
--
-- The member runs under SET SESSION AUTHORIZATION (not SET ROLE: SET ROLE is
-- checked against the session user, who is the superuser running the suite,
-- so it would prove nothing).  What the member obtains is written to its own
-- table t40_scratch.loot; the superuser then looks for every raw value and for
-- the policy key in it (t40_secret.check).  Each check also insists that
-- something was captured, so an attack that silently returned nothing cannot
-- pass for a protected one.
\ir fixtures/begin.sql
\ir ../sql/fixtures/policy.sql

SELECT plan(73);

-- ---------------------------------------------------------------- setup ---
CREATE ROLE t40_owner NOLOGIN;
CREATE ROLE t40_member NOLOGIN;
CREATE ROLE t40_bystander NOLOGIN;
CREATE SCHEMA t40_billing AUTHORIZATION t40_owner;
-- The member's own schema: views, functions and tables it creates live here.
CREATE SCHEMA t40_scratch AUTHORIZATION t40_member;
-- Raw values and the key, for the superuser's checks only.
CREATE SCHEMA t40_secret;

SET ROLE t40_owner;
CREATE TABLE t40_billing.households (
    id          integer PRIMARY KEY,
    holder_name text NOT NULL,
    phone       text NOT NULL,
    id_card     text NOT NULL,
    address     text NOT NULL,
    account_no  text NOT NULL,
    arrears     numeric(10,2) NOT NULL,
    note        text
);
-- Synthetic households.  张伟 (1) and 张三 (5) both mask to 张*, in the
-- opposite order of their raw names; 李四 and 欧阳娜娜 have no arrears and are
-- outside the row filter.
INSERT INTO t40_billing.households VALUES
 (1, '张伟',     '13812345678', '110101199003078515', '浙江省杭州市西湖区世贸滨江花园小区3栋2单元1201', 'ACCT-40-0001', 120.50, '独居老人'),
 (2, '李四',     '13987654321', '11010119851212003X', '浙江省杭州市西湖区文三路88号5栋1单元302',       'ACCT-40-0002',   0.00, '已缴清'),
 (3, '王小明',   '15011112222', '310104200001013719', '浙江省杭州市上城区清波街道河坊街9号2栋3单元601', 'ACCT-40-0003',  33.00, '租户'),
 (4, '欧阳娜娜', '18600001111', '440305197707074424', '浙江省杭州市滨江区长河街道江南大道100号1栋1单元101', 'ACCT-40-0004', 0.00, '已缴清'),
 (5, '张三',     '17722223333', '330106196512245631', '浙江省杭州市拱墅区湖墅南路1号8栋2单元808',       'ACCT-40-0005',  88.88, '催缴两次');
-- Schema USAGE for everyone, as is common: the table privileges alone must keep
-- the member out.
GRANT USAGE ON SCHEMA t40_billing TO PUBLIC;
ANALYZE t40_billing.households;
CREATE STATISTICS t40_billing.households_mcv (mcv) ON holder_name, phone FROM t40_billing.households;
-- An expression index has statistics of its own, listed in pg_stats under the
-- index's name.
CREATE INDEX households_phone_expr ON t40_billing.households ((phone || ''));
ANALYZE t40_billing.households;
RESET ROLE;

SELECT lives_ok($$SELECT mask.create_policy('t40_notice', 't40_notice', 'attack suite (member)')$$,
                'setup: create_policy');
SELECT lives_ok($$SELECT mask.protect('t40_notice', 't40_billing.households', 'arrears > 0', 'households')$$,
                'setup: protect with a row filter');
SELECT lives_ok($$
    SELECT pg_temp.set_rules('t40_notice', 't40_billing.households',
                             ARRAY[['id', 'PASS'],
                                   ['holder_name', 'mask.cn_name(holder_name)'],
                                   ['phone', 'mask.cn_phone(phone)'],
                                   ['address', 'mask.cn_address(address, ''building'')'],
                                   ['account_no', 'mask.pseudonym(account_no)'],
                                   ['arrears', 'PASS']]);
$$, 'setup: set_rule (id_card and note stay hidden)');
SELECT lives_ok($$SELECT mask.add_member('t40_notice', 't40_member')$$, 'setup: add_member');

-- Everything the member must never see: raw values of the protected columns
-- (hidden ones included) and the policy key in hex, as bytea prints it.
CREATE TABLE t40_secret.raw_values (what text, v text);
INSERT INTO t40_secret.raw_values
SELECT c.what, c.v
  FROM t40_billing.households AS h,
       LATERAL (VALUES ('holder_name', h.holder_name), ('phone', h.phone),
                       ('id_card', h.id_card), ('address', h.address),
                       ('account_no', h.account_no), ('note', h.note)) AS c(what, v);
INSERT INTO t40_secret.raw_values
SELECT 'key', pg_catalog.encode(k.key, 'hex')
  FROM mask.policy_key AS k JOIN mask.policy AS p ON p.id = k.policy_id
 WHERE p.name = 't40_notice';

SET ROLE t40_member;
CREATE TABLE t40_scratch.loot (src text NOT NULL, v text);
RESET ROLE;

-- 'clean' when something was captured under src and none of it contains a
-- raw value or the key; otherwise says what went wrong.
CREATE FUNCTION t40_secret.check(p_src text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM t40_scratch.loot WHERE src = p_src) THEN 'nothing captured'
        ELSE coalesce((SELECT 'LEAK: ' || string_agg(DISTINCT r.what || '=' || r.v, ', ')
                         FROM t40_scratch.loot AS l
                         JOIN t40_secret.raw_values AS r ON strpos(l.v, r.v) > 0
                        WHERE l.src = p_src), 'clean')
    END
$$;

-- Preconditions, so that the checks below can fail: the key exists, the raw
-- table has statistics with raw values in them, the view exists.
SELECT is((SELECT count(*) FROM t40_secret.raw_values WHERE what = 'key'), 1::bigint,
          'precondition: the policy has a key');
SELECT ok((SELECT count(*) FROM pg_catalog.pg_stats
            WHERE schemaname = 't40_billing' AND tablename = 'households'
              AND histogram_bounds::text LIKE '%13812345678%') = 1,
          'precondition: pg_stats of the raw table holds raw phone numbers');
SELECT is((SELECT count(*) FROM pg_catalog.pg_stats_ext
            WHERE schemaname = 't40_billing' AND tablename = 'households'), 1::bigint,
          'precondition: pg_stats_ext has the extended statistics of the raw table');
SELECT ok((SELECT count(*) FROM pg_catalog.pg_stats
            WHERE schemaname = 't40_billing' AND tablename = 'households_phone_expr') = 1,
          'precondition: pg_stats has the expression index of the raw table');
SELECT has_view('t40_notice', 'households', 'precondition: the masked view exists');

-- ------------------------------------------------------ the member acts ---
SET SESSION AUTHORIZATION t40_member;

-- 1. Plain SELECT of the raw table, qualified, column-wise, and via TABLE.
SELECT throws_ok($$SELECT * FROM t40_billing.households$$, '42501', NULL,
                 'SELECT * on the raw table is refused');
SELECT throws_ok($$SELECT id FROM t40_billing.households$$, '42501', NULL,
                 'SELECT of an unmasked column of the raw table is refused');
SELECT throws_ok($$TABLE t40_billing.households$$, '42501', NULL,
                 'TABLE on the raw table is refused');
SELECT throws_ok($$SELECT count(*) FROM t40_billing.households WHERE holder_name = '张三'$$, '42501', NULL,
                 'a predicate on the raw table is refused');
SELECT ok(NOT has_table_privilege('t40_billing.households', 'SELECT')
          AND NOT has_any_column_privilege('t40_billing.households', 'SELECT'),
          'no table or column privilege on the raw table (COPY TO is refused too: 31_attack_copy)');
SELECT throws_ok($$COPY (SELECT * FROM t40_billing.households) TO '/tmp/t40_copy'$$, '42501', NULL,
                 'COPY of the raw table to a server file is refused');
SELECT throws_ok($$SELECT id_card FROM t40_notice.households$$, '42703', NULL,
                 'a hidden column does not exist in the view');

-- 2. The view: only masked values, only rows of the row filter.
INSERT INTO t40_scratch.loot SELECT 'select', v::text FROM t40_notice.households AS v;
SELECT results_eq($$SELECT id FROM t40_notice.households ORDER BY id$$,
                  ARRAY[1, 3, 5], 'the view returns the row-filtered rows only');
SET search_path = t40_notice, public;
INSERT INTO t40_scratch.loot SELECT 'select', v::text FROM households AS v;
SELECT results_eq($$SELECT count(*)::int FROM households$$, ARRAY[3],
                  'an unqualified name resolves to the masked view');
RESET search_path;

-- 3. Copies the member makes: CREATE TABLE AS, SELECT INTO, materialized view,
--    its own views and SECURITY DEFINER functions.
CREATE TABLE t40_scratch.ctas AS SELECT * FROM t40_notice.households;
SELECT * INTO t40_scratch.sel_into FROM t40_notice.households;
CREATE MATERIALIZED VIEW t40_scratch.mv AS SELECT * FROM t40_notice.households;
REFRESH MATERIALIZED VIEW t40_scratch.mv;
CREATE VIEW t40_scratch.my_view AS SELECT * FROM t40_notice.households;
INSERT INTO t40_scratch.loot SELECT 'copies', c::text FROM t40_scratch.ctas AS c;
INSERT INTO t40_scratch.loot SELECT 'copies', c::text FROM t40_scratch.sel_into AS c;
INSERT INTO t40_scratch.loot SELECT 'copies', c::text FROM t40_scratch.mv AS c;
INSERT INTO t40_scratch.loot SELECT 'copies', c::text FROM t40_scratch.my_view AS c;
SELECT throws_ok($$CREATE TABLE t40_scratch.ctas_raw AS SELECT * FROM t40_billing.households$$,
                 '42501', NULL, 'CREATE TABLE AS from the raw table is refused');
SELECT throws_ok($$CREATE MATERIALIZED VIEW t40_scratch.mv_raw AS SELECT * FROM t40_billing.households$$,
                 '42501', NULL, 'a materialized view of the raw table is refused');
CREATE VIEW t40_scratch.raw_view AS SELECT * FROM t40_billing.households;
SELECT throws_ok($$SELECT * FROM t40_scratch.raw_view$$, '42501', NULL,
                 'a view the member creates over the raw table cannot be read');
CREATE FUNCTION t40_scratch.definer_read() RETURNS SETOF text
LANGUAGE sql SECURITY DEFINER AS $$ SELECT holder_name FROM t40_billing.households $$;
SELECT throws_ok($$SELECT * FROM t40_scratch.definer_read()$$, '42501', NULL,
                 'a SECURITY DEFINER function of the member cannot read the raw table');

-- 4. Cursors.
SELECT throws_ok($$DECLARE t40_raw_cur CURSOR FOR SELECT * FROM t40_billing.households$$,
                 '42501', NULL, 'a cursor over the raw table is refused');
DECLARE t40_view_cur CURSOR FOR SELECT v::text FROM t40_notice.households AS v ORDER BY id;
DO $$
DECLARE c refcursor := 't40_view_cur'; r text;
BEGIN
    LOOP
        FETCH NEXT FROM c INTO r;
        EXIT WHEN NOT FOUND;
        INSERT INTO t40_scratch.loot VALUES ('cursor', r);
    END LOOP;
END $$;
CLOSE t40_view_cur;

-- 5. EXPLAIN.
SELECT throws_ok($$EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM t40_billing.households$$,
                 '42501', NULL, 'EXPLAIN ANALYZE of the raw table is refused');
SELECT throws_ok($$EXPLAIN (VERBOSE) SELECT * FROM t40_billing.households$$,
                 '42501', NULL, 'EXPLAIN of the raw table is refused');
DO $$
DECLARE l text;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)
                      SELECT * FROM t40_notice.households WHERE account_no <> ''x'' ORDER BY phone'
    LOOP
        INSERT INTO t40_scratch.loot VALUES ('explain', l);
    END LOOP;
END $$;

-- 6. Planner statistics.
SELECT is((SELECT count(*) FROM pg_catalog.pg_stats
            WHERE schemaname = 't40_billing' AND tablename = 'households'), 0::bigint,
          'pg_stats shows no row of the raw table');
SELECT is((SELECT count(*) FROM pg_catalog.pg_stats_ext
            WHERE schemaname = 't40_billing' AND tablename = 'households'), 0::bigint,
          'pg_stats_ext shows no extended statistics of the raw table');
SELECT is((SELECT count(*) FROM pg_catalog.pg_stats
            WHERE schemaname = 't40_billing' AND tablename = 'households_phone_expr'), 0::bigint,
          'pg_stats shows no statistics of an expression index on the raw table');
SELECT throws_ok($$SELECT * FROM pg_catalog.pg_statistic$$, '42501', NULL,
                 'pg_statistic is refused');
SELECT throws_ok($$SELECT * FROM pg_catalog.pg_statistic_ext_data$$, '42501', NULL,
                 'pg_statistic_ext_data is refused');

-- 7. Inference through WHERE / ORDER BY / GROUP BY: predicates see masked values.
SELECT is((SELECT count(*) FROM t40_notice.households WHERE holder_name = '张三'), 0::bigint,
          'WHERE holder_name = raw name matches nothing');
SELECT is((SELECT count(*) FROM t40_notice.households WHERE holder_name LIKE '张三%'), 0::bigint,
          'LIKE on a raw name prefix matches nothing');
SELECT is((SELECT count(*) FROM t40_notice.households WHERE phone = '17722223333'), 0::bigint,
          'WHERE phone = raw phone matches nothing');
SELECT is((SELECT count(*) FROM t40_notice.households WHERE phone LIKE '%2223333'), 0::bigint,
          'a raw phone suffix beyond what the mask keeps matches nothing');
SELECT is((SELECT count(*) FROM t40_notice.households WHERE account_no = 'ACCT-40-0005'), 0::bigint,
          'WHERE account_no = raw account matches nothing');
SELECT is((SELECT count(*) FROM t40_notice.households WHERE holder_name = mask.cn_name('张三')), 2::bigint,
          'WHERE on the masked value matches both 张 households (张三 and 张伟)');
-- Raw order would be 张三 (5) before 张伟 (1); masked they tie and id decides.
SELECT results_eq($$SELECT id FROM t40_notice.households WHERE holder_name LIKE '张%' ORDER BY holder_name, id$$,
                  ARRAY[1, 5], 'ORDER BY a masked column follows masked values, not raw ones');
SELECT results_eq($$SELECT count(*)::int FROM t40_notice.households GROUP BY holder_name ORDER BY 1$$,
                  ARRAY[1, 2], 'GROUP BY a masked column groups masked values (张三 and 张伟 together)');
SELECT is((SELECT max(holder_name) FROM t40_notice.households WHERE id IN (1, 5)), mask.cn_name('张三'),
          'aggregates see masked values');

-- 8. A leaky function of the member's own, cheaper than the row filter.  It
--    takes the columns as they are (anyelement): a cast in its argument would
--    add to its cost and let the filter run first even without a barrier.
CREATE TABLE t40_scratch.seen (id integer, v text);
CREATE FUNCTION t40_scratch.leak(i integer, v anyelement) RETURNS boolean
LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    INSERT INTO t40_scratch.seen VALUES (i, v::text);
    RETURN true;
END $$;
SELECT count(*) AS t40_n1 FROM t40_notice.households WHERE t40_scratch.leak(id, arrears) \gset
SELECT count(*) AS t40_n2 FROM t40_notice.households WHERE t40_scratch.leak(id, arrears) AND arrears = 0 \gset
SELECT count(*) AS t40_n3 FROM t40_notice.households
 WHERE t40_scratch.leak(id, holder_name) AND t40_scratch.leak(id, phone)
   AND t40_scratch.leak(id, address) AND t40_scratch.leak(id, account_no) \gset
INSERT INTO t40_scratch.loot SELECT 'leaky', v FROM t40_scratch.seen;
SELECT is((SELECT array_agg(DISTINCT id ORDER BY id) FROM t40_scratch.seen), ARRAY[1, 3, 5],
          'a leaky function in WHERE only sees rows the row filter lets through');
SELECT ok(NOT EXISTS (SELECT 1 FROM t40_scratch.seen WHERE v = '0.00'),
          'a leaky function never sees the arrears of filtered-out rows');
SELECT throws_ok($$ALTER FUNCTION t40_scratch.leak(integer, anyelement) LEAKPROOF$$, '42501', NULL,
                 'the member cannot mark its function LEAKPROOF');

-- 9. Error messages from casts of masked values.
DO $$
DECLARE msg text; det text;
BEGIN
    FOREACH msg IN ARRAY ARRAY['SELECT holder_name::int FROM t40_notice.households',
                               'SELECT phone::bigint FROM t40_notice.households',
                               'SELECT address::date FROM t40_notice.households',
                               'SELECT account_no::numeric FROM t40_notice.households',
                               'SELECT 1 FROM t40_notice.households WHERE holder_name::int > 0',
                               'SELECT jsonb_build_object(''a'', phone)::text::int FROM t40_notice.households']
    LOOP
        BEGIN
            EXECUTE msg;
            INSERT INTO t40_scratch.loot VALUES ('errors', 'no error: ' || msg);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
            INSERT INTO t40_scratch.loot VALUES ('errors', msg || ' / ' || coalesce(det, ''));
        END;
    END LOOP;
END $$;
SELECT is((SELECT count(*) FROM t40_scratch.loot WHERE src = 'errors' AND v LIKE 'invalid input syntax%'), 6::bigint,
          'every cast attempt failed with an input-syntax error');

-- 10. The key: not in the view definition, not in anything the member can read.
INSERT INTO t40_scratch.loot
SELECT 'viewdef', pg_catalog.pg_get_viewdef('t40_notice.households'::regclass, true);
INSERT INTO t40_scratch.loot
SELECT 'viewdef', definition FROM pg_catalog.pg_views WHERE schemaname IN ('mask', 't40_notice');
INSERT INTO t40_scratch.loot
SELECT 'viewdef', pg_catalog.col_description(a.attrelid, a.attnum)
  FROM pg_catalog.pg_attribute AS a
 WHERE a.attrelid = 't40_notice.households'::regclass AND a.attnum > 0;
-- Every relation of schema mask and of the view schema that the member may read.
DO $$
DECLARE r regclass; t text;
BEGIN
    FOR r IN SELECT c.oid FROM pg_catalog.pg_class AS c
              WHERE c.relnamespace IN ('mask'::regnamespace, 't40_notice'::regnamespace)
                AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
                AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
                AND pg_catalog.has_schema_privilege(c.relnamespace, 'USAGE')
    LOOP
        EXECUTE pg_catalog.format('SELECT string_agg(x::text, E''\n'') FROM %s AS x', r) INTO t;
        INSERT INTO t40_scratch.loot VALUES ('readable', r::text || ': ' || coalesce(t, '(empty)'));
    END LOOP;
END $$;
SELECT throws_ok($$SELECT * FROM mask.policy_key$$, '42501', NULL, 'mask.policy_key is refused');
SELECT is((SELECT count(*) FROM pg_catalog.pg_class AS c
            WHERE c.relnamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
              AND c.relname LIKE '\_key\_%'
              AND pg_catalog.has_table_privilege(c.oid, 'SELECT')), 0::bigint,
          'no key view is readable');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY 1)
             FROM pg_catalog.pg_proc AS p
            WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace) AND p.prosecdef
              -- but mask_internal._key_reader: a boolean the key views ask as their
              -- reader (41_keys.sql; attacked in 45_attacks_keys.sql)
              AND NOT (p.pronamespace = 'mask_internal'::regnamespace AND p.proname = '_key_reader')
              AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE')), NULL,
          'the member can execute no SECURITY DEFINER function of mask or mask_internal but _key_reader');

-- 11. Pseudonyms for values of the member's choice need the key.
SELECT isnt((SELECT account_no FROM t40_notice.households WHERE id = 5),
            mask.pseudonym('ACCT-40-0005', pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex')),
            'mask.pseudonym with a guessed (zero) key differs from the view');
SELECT isnt((SELECT account_no FROM t40_notice.households WHERE id = 5),
            mask.pseudonym('ACCT-40-0005', pg_catalog.sha256(convert_to('t40_notice', 'UTF8'))),
            'mask.pseudonym with a key derived from the policy name differs from the view');
SELECT throws_ok($$SELECT mask.pseudonym('ACCT-40-0005', (SELECT k.key FROM mask.policy_key AS k LIMIT 1))$$,
                 '42501', NULL, 'the member cannot feed the stored key to mask.pseudonym');

-- 12. Other identities and writes.
SELECT throws_ok($$SET ROLE t40_owner$$, '42501', NULL, 'SET ROLE to the table owner is refused');
SELECT throws_ok($$SET ROLE t40_bystander$$, '42501', NULL, 'SET ROLE to another role is refused');
SELECT throws_ok($$SET ROLE postgres$$, '42501', NULL, 'SET ROLE to a superuser is refused');
SELECT throws_ok($$UPDATE t40_notice.households SET arrears = 0 WHERE id = 1$$, '42501', NULL,
                 'the member cannot write through the view');
SELECT throws_ok($$CREATE OR REPLACE VIEW t40_notice.households AS SELECT * FROM t40_billing.households$$,
                 '42501', NULL, 'the member cannot replace the masked view');
SELECT throws_ok($$CREATE VIEW t40_notice.shadow AS SELECT 1 AS x$$, '42501', NULL,
                 'the member cannot create objects in the view schema');
SELECT throws_ok($$SELECT mask.set_rule('t40_notice', 't40_billing.households', 'phone', 'PASS')$$,
                 '42501', NULL, 'the member cannot change a rule');
SELECT throws_ok($$SELECT mask.protect('t40_notice', 't40_billing.households', NULL, 'households')$$,
                 '42501', NULL, 'the member cannot drop the row filter');
SELECT throws_ok($$SELECT mask.remove_member('t40_notice', 't40_member')$$,
                 '42501', NULL, 'the member cannot change the member list');
SELECT throws_ok($$INSERT INTO mask.rule SELECT * FROM mask.rule$$, '42501', NULL,
                 'the member cannot write the catalog tables');
SELECT throws_ok($$SELECT mask_internal._audit('forged', NULL, NULL, NULL)$$, '42501', NULL,
                 'the member cannot write to the audit log');

-- 13. A statement prepared before a rule is tightened returns the new masks.
PREPARE t40_phones AS SELECT phone FROM t40_notice.households ORDER BY id;
SELECT results_eq('EXECUTE t40_phones',
                  $$VALUES (mask.cn_phone('13812345678')), (mask.cn_phone('15011112222')), (mask.cn_phone('17722223333'))$$,
                  'prepared statement: phones masked with cn_phone');
RESET SESSION AUTHORIZATION;
SELECT lives_ok($$SELECT mask.set_rule('t40_notice', 't40_billing.households', 'phone', 'mask.redact(phone)')$$,
                'admin tightens the phone rule to mask.redact');
SET SESSION AUTHORIZATION t40_member;
SELECT results_eq('EXECUTE t40_phones',
                  $$VALUES (mask.redact('13812345678')), (mask.redact('15011112222')), (mask.redact('17722223333'))$$,
                  'the same prepared statement now returns the tightened masks');
INSERT INTO t40_scratch.loot SELECT 'prepared', phone FROM t40_notice.households;
DEALLOCATE t40_phones;
RESET SESSION AUTHORIZATION;

-- --------------------------------------------- the superuser's verdicts ---
SELECT is(t40_secret.check('select'),   'clean', 'SELECT from the view: masked values only');
SELECT is(t40_secret.check('copies'),   'clean', 'CREATE TABLE AS / SELECT INTO / materialized view / own view: masked values only');
SELECT is(t40_secret.check('cursor'),   'clean', 'cursor over the view: masked values only');
SELECT is(t40_secret.check('explain'),  'clean', 'EXPLAIN (ANALYZE, VERBOSE) of the view: no raw value, no key');
SELECT is(t40_secret.check('leaky'),    'clean', 'leaky function: saw masked values only');
SELECT is(t40_secret.check('errors'),   'clean', 'cast errors: masked values only');
SELECT is(t40_secret.check('viewdef'),  'clean', 'view definitions and column comments: no key, no raw value');
SELECT is(t40_secret.check('readable'), 'clean', 'everything the member can read in mask and the view schema: no key, no raw value');
SELECT is(t40_secret.check('prepared'), 'clean', 'after tightening: masked values only');
-- The view really contains what a raw comparison would have found, masked:
-- the checks above compare against values that are there to be found.
SELECT ok((SELECT bool_and(strpos(l.v, '张*') > 0 OR strpos(l.v, mask.cn_name('王小明')) > 0)
             FROM t40_scratch.loot AS l WHERE l.src = 'select'),
          'the captured rows do carry the masked names');

SELECT * FROM finish();
ROLLBACK;
