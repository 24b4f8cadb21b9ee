-- Identifier hygiene: schemas, tables, columns, roles, policies and view
-- names with quotes, spaces, upper case and Chinese characters work end to
-- end (protect, set_rule, add_member, a member reading masked values, the
-- auditor views, drop_rule, unprotect, drop_policy), and none of them is
-- ever read as SQL.  Roles act under SET SESSION AUTHORIZATION.
\ir fixtures/begin.sql

SELECT plan(44);

-- ---------------------------------------------------------------- setup ---
CREATE ROLE "数据 Owner" NOLOGIN;
CREATE ROLE "Policy ""Admin""" NOLOGIN;
CREATE ROLE "抄表员 Reader" NOLOGIN;
CREATE ROLE "审计 Auditor" NOLOGIN;
CREATE SCHEMA "收费 Billing" AUTHORIZATION "数据 Owner";
GRANT USAGE ON SCHEMA "收费 Billing" TO PUBLIC;
CREATE TABLE "收费 Billing"."住户""表" (
    "ID"          integer PRIMARY KEY,
    "户主 姓名"   text,
    "Phone No."   text,
    "a""b"        text,
    "select"      text,
    "欠费"        numeric(10,2));
ALTER TABLE "收费 Billing"."住户""表" OWNER TO "数据 Owner";
-- An admin publishes only what it could read itself.
GRANT SELECT ON "收费 Billing"."住户""表" TO "Policy ""Admin""";
INSERT INTO "收费 Billing"."住户""表" VALUES
    (1, '张三', '13812345678', 'x"y', 'one', 120.50),
    (2, '欧阳娜娜', '13987654321', 'p''q', 'two', 0.00),
    (3, '李四', '18600001111', ');--', 'three', 7.00);
-- A canary: nothing in this file may touch it.
CREATE TABLE public.t44_canary (v text);
INSERT INTO public.t44_canary VALUES ('untouched');

SELECT lives_ok($$SELECT mask.grant_admin('"Policy ""Admin"""')$$, 'grant_admin to a role with quotes and spaces');
SELECT lives_ok($$SELECT mask.grant_auditor('"审计 Auditor"')$$, 'grant_auditor to a Chinese role name');

-- ------------------------------------------------- the admin builds a policy
SET SESSION AUTHORIZATION "Policy ""Admin""";
SELECT lives_ok($$SELECT mask.create_policy('通知 "Notice" ''policy''', '通知 View"s', 'quotes everywhere')$$,
                'create_policy with quotes, spaces and Chinese in policy and schema names');
SELECT lives_ok($$SELECT mask.protect('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"',
                                      '"欠费" > 0 AND "select" <> ''x''', '欠费 "Notice"s')$$,
                'protect a table with quotes in its name, a row filter over quoted columns, a quoted view name');
SELECT lives_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', 'ID', 'PASS')$$,
                'set_rule PASS on an upper-case column');
SELECT lives_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', '户主 姓名',
                                       'mask.cn_name("户主 姓名")')$$,
                'set_rule on a Chinese column name with a space');
SELECT lives_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', 'Phone No.',
                                       'mask.cn_phone("Phone No.")', 'reason with "quotes" and ''apostrophes''')$$,
                'set_rule on a column with a dot and a space, reason with quotes');
SELECT lives_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', 'a"b',
                                       'mask.redact("a""b", ''#'')')$$,
                'set_rule on a column whose name holds a double quote');
SELECT lives_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', 'select',
                                       'mask.pseudonym("select")')$$,
                'set_rule on a column named like a keyword, with the policy key');
SELECT throws_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', '户主姓名',
                                        'mask.cn_name("户主姓名")')$$,
                 '22023', NULL, 'a column name differing by one space is a different column');
SELECT throws_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', 'id', 'PASS')$$,
                 '22023', NULL, 'column names keep their case: id is not "ID"');
SELECT throws_ok($$SELECT mask.set_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', 'Phone No.',
                                        'mask.cn_phone(Phone No.)')$$,
                 '22023', NULL, 'an unquoted column name that needs quotes is refused, not guessed');
SELECT lives_ok($$SELECT mask.add_member('通知 "Notice" ''policy''', '"抄表员 Reader"')$$,
                'add_member of a role with a Chinese name and a space');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------- what was generated
SELECT has_view('通知 View"s', '欠费 "Notice"s', 'the view has exactly the quoted name in exactly the quoted schema');
SELECT is((SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
            WHERE c.oid = '"通知 View""s"."欠费 ""Notice""s"'::regclass),
          '数据 Owner'::name, 'the view is owned by the table''s owner, whose name has a space');
SELECT columns_are('通知 View"s', '欠费 "Notice"s', ARRAY['ID', '户主 姓名', 'Phone No.', 'a"b', 'select'],
                   'the view''s columns keep their names; the unruled column is hidden');
SELECT is(pg_catalog.obj_description('"通知 View""s"."欠费 ""Notice""s"'::regclass, 'pg_class') IS NOT NULL, true,
          'the view carries its comment');
SELECT matches(pg_catalog.col_description('"通知 View""s"."欠费 ""Notice""s"'::regclass, 3),
               'mask\.cn_phone\("Phone No\."\).*reason with "quotes" and ''apostrophes''',
               'the column comment names the rule and the reason with their quotes intact');

-- ----------------------------------------------- the member reads the view
SELECT ok((SELECT pg_catalog.array_to_string(s.setconfig, ',') FROM pg_catalog.pg_db_role_setting s
            WHERE s.setrole = '"抄表员 Reader"'::regrole
              AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())) LIKE 'search_path="通知 View""s"%',
          'the member''s search_path starts with the view schema, quoted');
SET SESSION AUTHORIZATION "抄表员 Reader";
SELECT results_eq($$SELECT "ID", "户主 姓名", "Phone No.", "a""b" FROM "通知 View""s"."欠费 ""Notice""s" ORDER BY "ID"$$,
                  $$VALUES (1, '张*', '138****5678', '###'), (3, '李*', '186****1111', '####')$$,
                  'the member reads masked values through the quoted names, filtered by the quoted row filter');
SELECT is((SELECT pg_catalog.count(DISTINCT "select") FROM "通知 View""s"."欠费 ""Notice""s"),
          2::bigint, 'the keyword column holds pseudonyms');
SELECT ok(NOT EXISTS (SELECT FROM "通知 View""s"."欠费 ""Notice""s" WHERE "select" IN ('one', 'three')),
          'no raw value of the keyword column');
SELECT throws_ok($$SELECT * FROM "收费 Billing"."住户""表"$$, '42501', NULL,
                 'the member cannot read the raw table');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------ the auditor's catalogue
SET SESSION AUTHORIZATION "审计 Auditor";
SELECT results_eq($$SELECT policy::text COLLATE "default", view_schema::text COLLATE "default" FROM mask.policies WHERE description = 'quotes everywhere'$$,
                  $$VALUES ('通知 "Notice" ''policy''', '通知 View"s')$$,
                  'mask.policies shows the policy and schema names as given');
SELECT results_eq($$SELECT relation::text, view COLLATE "default", row_filter FROM mask.protected_tables
                     WHERE policy = '通知 "Notice" ''policy'''$$,
                  $$VALUES ('"收费 Billing"."住户""表"', '"通知 View""s"."欠费 ""Notice""s"',
                            '"欠费" > 0 AND "select" <> ''x''')$$,
                  'mask.protected_tables shows the quoted table, the quoted view and the filter as typed');
SELECT results_eq($$SELECT "column"::text COLLATE "default", action, expression FROM mask.rules
                     WHERE policy = '通知 "Notice" ''policy''' ORDER BY "column" COLLATE "C"$$,
                  $$VALUES ('ID', 'pass', 'PASS'), ('Phone No.', 'mask', 'mask.cn_phone("Phone No.")'),
                           ('a"b', 'mask', 'mask.redact("a""b", ''#'')'),
                           ('select', 'mask', 'mask.pseudonym("select")'),
                           ('户主 姓名', 'mask', 'mask.cn_name("户主 姓名")'),
                           ('欠费', 'hidden', NULL)$$,
                  'mask.rules shows every column name and expression as typed');
SELECT results_eq($$SELECT role_name::text COLLATE "default", member::text FROM mask.members WHERE policy = '通知 "Notice" ''policy'''$$,
                  $$VALUES ('抄表员 Reader', '"抄表员 Reader"')$$,
                  'mask.members shows the role name, and as regrole quoted');
SELECT results_eq($$SELECT "户主 姓名" FROM "通知 View""s"."欠费 ""Notice""s" ORDER BY "ID"$$,
                  $$VALUES ('张*'), ('李*')$$, 'the auditor reads the masked view too');
SELECT is((SELECT pg_catalog.count(*) FROM mask.audit_log WHERE policy = '通知 "Notice" ''policy'''),
          8::bigint, 'the audit log has one row per call, under the policy name as given');
SELECT is_empty($$SELECT * FROM mask.verify('通知 "Notice" ''policy''') WHERE severity IN ('error', 'warning')$$,
                'verify() finds nothing wrong with the quoted names');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------- renames keep working on odd names
ALTER TABLE "收费 Billing"."住户""表" RENAME COLUMN "Phone No." TO "电话 ""Mobile""";
SET SESSION AUTHORIZATION "抄表员 Reader";
SELECT results_eq($$SELECT "电话 ""Mobile""" FROM "通知 View""s"."欠费 ""Notice""s" ORDER BY "ID"$$,
                  $$VALUES ('138****5678'), ('186****1111')$$,
                  'a column renamed to a name with quotes and a space follows into the view');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------- clean up
SET SESSION AUTHORIZATION "Policy ""Admin""";
SELECT lives_ok($$SELECT mask.drop_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', 'a"b')$$,
                'drop_rule on the column with a double quote');
SELECT lives_ok($$SELECT mask.drop_rule('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"', '电话 "Mobile"')$$,
                'drop_rule on the renamed column');
RESET SESSION AUTHORIZATION;
SELECT columns_are('通知 View"s', '欠费 "Notice"s', ARRAY['ID', '户主 姓名', 'select'],
                   'the dropped rules'' columns are hidden again');
SET SESSION AUTHORIZATION "Policy ""Admin""";
SELECT lives_ok($$SELECT mask.remove_member('通知 "Notice" ''policy''', '"抄表员 Reader"')$$,
                'remove_member of the Chinese role');
SELECT lives_ok($$SELECT mask.unprotect('通知 "Notice" ''policy''', '"收费 Billing"."住户""表"')$$,
                'unprotect the quoted table');
RESET SESSION AUTHORIZATION;
SELECT hasnt_view('通知 View"s', '欠费 "Notice"s', 'unprotect dropped the quoted view');
SET SESSION AUTHORIZATION "Policy ""Admin""";
SELECT lives_ok($$SELECT mask.drop_policy('通知 "Notice" ''policy''')$$, 'drop_policy with quotes in its name');
RESET SESSION AUTHORIZATION;
SELECT hasnt_schema('通知 View"s', 'drop_policy dropped the schema it had created');
SELECT is((SELECT pg_catalog.count(*) FROM mask.policy WHERE name = '通知 "Notice" ''policy'''), 0::bigint,
          'the policy is gone from the catalog');
SELECT is((SELECT pg_catalog.count(*) FROM pg_catalog.pg_namespace
            WHERE nspname LIKE '%Notice%' OR nspname LIKE '%通知%'), 0::bigint,
          'no schema with a fragment of the names was left behind');
SELECT is((SELECT v FROM public.t44_canary), 'untouched', 'the canary is untouched');
SELECT has_table('收费 Billing', '住户"表', 'the raw table is still there');
SELECT results_eq($$SELECT count(*)::integer FROM "收费 Billing"."住户""表"$$, $$VALUES (3)$$,
                  'with all its rows');

SELECT * FROM finish();
ROLLBACK;
