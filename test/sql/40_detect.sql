-- mask.detect(): personal data found from column names and sampled contents.
-- Every table here is small enough to be read whole (no TABLESAMPLE), except
-- t40.big, which is sampled with REPEATABLE and analysed first, so every
-- count below is exact and the same on every run.  Everything runs in one
-- transaction that is rolled back (roles included).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS maskview;

\i test/sql/fixtures/err.sql
\i test/sql/fixtures/policy.sql

-- The dictionaries, decoded: the install script holds them as UTF-8 hex.
SELECT d.pii_type, d.ascii_pattern,
       (SELECT pg_catalog.string_agg(pg_catalog.convert_from(pg_catalog.decode(w, 'hex'), 'UTF8'), ' ')
          FROM pg_catalog.regexp_split_to_table(d.utf8_hex_alternatives, '\|') w) AS chinese_words
  FROM mask_internal._detect_dictionary() d;

-- Column names: which dictionaries each matches.
SELECT n AS column_name, mask_internal._detect_name_hints(n) AS hints
  FROM pg_catalog.unnest(ARRAY['holder_name', 'HolderName', '户主', '联系人姓名', 'username', 'filename',
    'phone', 'mobile_no', 'tel', 'hotel', '联系电话', '手机号码', 'id_card', 'idCard', 'id_no', 'IDNO',
    '身份证号', '证件号码', 'address', 'home_addr', '住址', 'email', 'e_mail', 'mailbox', '邮箱',
    'bank_card', 'card_no', 'account_no', '银行卡号', 'discard', 'c7', 'order_no', 'meter_reading',
    'created_at', 'amount', 'contact']::name[]) n;

-- Content validators on single values.  Names are read by cn_name's own
-- classifier and surname lists (src/core): 公西 and the traditional 歐陽 are
-- compound surnames that only that list held when detect() had a copy.
SELECT v, mask_internal._detect_is_name(v) AS name
  FROM pg_catalog.unnest(ARRAY['张三', '欧阳娜娜', '司马光', ' 王芳 ', '阿依古丽·买买提', '阿依古丽・买买提',
    '张', '张三丰李四', '电费', '水费', '高峰电价', '国家', 'John Smith', '13812345678', '',
    '公西华', '歐陽修']) v;
SELECT v, mask_internal._detect_is_address(v) AS address
  FROM pg_catalog.unnest(ARRAY['安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室',
    '北京市海淀区马连洼街道289号', '芜湖县青枫路12号', '世贸滨江花园小区3栋2单元1203室',
    '镜湖区老菜市场东边第三家', '市场路边', '不详', '张家大院', 'see landlord', '1号楼']) v;
SELECT v, mask_internal._detect_is_phone(v) AS phone
  FROM pg_catalog.unnest(ARRAY['13812345678', '+86 138-1234-5678', '１３８１２３４５６７８', '0553-1234567',
    '010 12345678', '400-123-4567', '1390553', '12345678901', '请下午联系', '2024-05-01 08:00:00']) v;
SELECT v, mask_internal._detect_is_email(v) AS email
  FROM pg_catalog.unnest(ARRAY['zhangsan@example.com', ' a.b@mail.example.cn ', 'wang at example.com',
    'a@b', '@example.com', 'x@@y.cn', 'a b@c.cn']) v;

BEGIN;
CREATE ROLE regress_t40_owner NOLOGIN;
CREATE ROLE regress_t40_auditor NOLOGIN;
CREATE ROLE regress_t40_nobody NOLOGIN;
CREATE SCHEMA t40 AUTHORIZATION regress_t40_owner;
CREATE SCHEMA t40_empty;
SET ROLE regress_t40_owner;

-- A resident ID number and a bank card number for row i, with correct check
-- characters (computed here independently of the C validators).
CREATE FUNCTION t40.id_number(i integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT b || pg_catalog.substr('10X98765432',
        (SELECT pg_catalog.sum(pg_catalog.substr(b, k::integer, 1)::integer * w)
           FROM pg_catalog.unnest(ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]) WITH ORDINALITY x(w, k))::integer % 11 + 1, 1)
      FROM (SELECT '340202' || pg_catalog.to_char(date '1950-01-01' + i * 97, 'YYYYMMDD')
                   || pg_catalog.lpad((i % 1000)::text, 3, '0') AS b) s
$$;
CREATE FUNCTION t40.card_number(i integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT b || ((10 - (SELECT pg_catalog.sum(CASE WHEN k % 2 = 1
                                                THEN (d * 2) / 10 + (d * 2) % 10 ELSE d END)
                          FROM (SELECT pg_catalog.substr(pg_catalog.reverse(b), k, 1)::integer AS d, k
                                  FROM pg_catalog.generate_series(1, 18) k) x) % 10) % 10)::text
      FROM (SELECT '622202' || pg_catalog.lpad((i * 7919)::text, 12, '0') AS b) s
$$;

-- Households, one row each: every kind of personal data under a telling
-- name, plus disguised columns (c7 holds ID numbers, x1 addresses, ref card
-- numbers) and decoys (a "phone" of free text, order numbers, meter
-- readings, timestamps, amounts, a card type, product names).
CREATE TABLE t40.households (
    id integer PRIMARY KEY,
    holder_name text, mobile varchar(20), email text, address text, bank_card text,
    c7 text, x1 text, ref character(19),
    phone text, order_no text, meter_reading text, created_at text, amount text,
    card_type text, product_name text, note text);
INSERT INTO t40.households
SELECT i,
       (ARRAY['张','王','李','赵','欧阳','陈','刘','杨'])[1 + i % 8]
         || (ARRAY['伟','芳','娜','敏','静','丽强','磊','军'])[1 + (i / 8) % 8],
       '13' || (5 + i % 5)::text || pg_catalog.lpad((i * 104729 % 100000000)::text, 8, '0'),
       CASE WHEN i % 3 = 0 THEN 'user' || i || '@example.com' END,
       '安徽省芜湖市镜湖区世贸滨江花园小区' || (1 + i % 9) || '栋' || (1 + i % 3) || '单元' || (100 + i) || '室',
       t40.card_number(i),
       t40.id_number(i),
       '芜湖市镜湖区' || (ARRAY['青枫路','银杏路','长江大道'])[1 + i % 3] || i || '号',
       t40.card_number(i + 1000),
       (ARRAY['请下午联系', '无', '见备注', '暂无电话'])[1 + i % 4],
       '2024' || pg_catalog.lpad((i * 37)::text, 12, '0'),
       (1000 + i * 3.7)::numeric(10,1)::text,
       pg_catalog.to_char(timestamp '2024-01-01 08:00' + i * interval '97 minutes', 'YYYY-MM-DD HH24:MI:SS'),
       (i * 1.25)::numeric(10,2)::text,
       (ARRAY['VISA', '银联', 'Master'])[1 + i % 3],
       (ARRAY['电费', '水费', '燃气费', '高峰电价'])[1 + i % 4],
       NULL
  FROM pg_catalog.generate_series(1, 200) i;

-- A partitioned table (reported once, as the parent), an inheritance child
-- (reported on its own, its parent read with ONLY), a materialized view, an
-- unpopulated one (skipped), a view (never read: it shows what is in tables).
CREATE TABLE t40.bills (id integer, 身份证号 text, 联系电话 text) PARTITION BY RANGE (id);
CREATE TABLE t40.bills_1 PARTITION OF t40.bills FOR VALUES FROM (0) TO (100);
CREATE TABLE t40.bills_2 PARTITION OF t40.bills FOR VALUES FROM (100) TO (1000);
INSERT INTO t40.bills SELECT i, t40.id_number(i), '0553-' || (2000000 + i) FROM pg_catalog.generate_series(1, 150) i;
CREATE TABLE t40.parent (note text);
CREATE TABLE t40.child (mail text) INHERITS (t40.parent);
INSERT INTO t40.child SELECT 'x', 'c' || i || '@example.cn' FROM pg_catalog.generate_series(1, 30) i;
CREATE MATERIALIZED VIEW t40.names_mv AS SELECT holder_name AS who FROM t40.households;
CREATE MATERIALIZED VIEW t40.unpopulated AS SELECT c7 FROM t40.households WITH NO DATA;
CREATE VIEW t40.households_v AS SELECT * FROM t40.households;
-- A column with a nondeterministic collation (regular expressions refuse
-- those): still checked, under "C".
CREATE COLLATION t40.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE t40.logins (mailbox text COLLATE t40.ci);
INSERT INTO t40.logins SELECT 'User' || i || '@Example.CN' FROM pg_catalog.generate_series(1, 40) i;

-- Large enough to be sampled (20000 rows > 2 x sample_rows): BERNOULLI with
-- REPEATABLE; ANALYZE reads every page of a table this small, so the row
-- estimate that sizes the sample is exact.
CREATE TABLE t40.big (n integer, mobile_phone text);
INSERT INTO t40.big SELECT i, CASE WHEN i % 4 = 0 THEN 'n/a' ELSE '139' || pg_catalog.lpad(i::text, 8, '0') END
  FROM pg_catalog.generate_series(1, 20000) i;
ANALYZE t40.big;
RESET ROLE;

-- The report.  Decoys (order_no, meter_reading, created_at, amount, note,
-- the key) do not appear; names that say "phone" or "card" over contents
-- that are not (phone, card_type) appear with confidence 0.25 only.
SELECT relation, "column", pii_type, confidence, evidence, suggested_rule, covered_by
  FROM mask.detect('t40', 500);

-- The same judgements as properties (they must hold whatever the wording).
SELECT
  (SELECT confidence >= 0.9 AND pii_type = 'id_card' FROM mask.detect('t40') WHERE "column" = 'c7') AS c7_is_id_card,
  (SELECT confidence <= 0.5 FROM mask.detect('t40') WHERE "column" = 'phone') AS free_text_phone_low,
  (SELECT pg_catalog.count(*) = 0 FROM mask.detect('t40')
    WHERE "column" IN ('order_no', 'meter_reading', 'created_at', 'amount', 'note', 'id', 'n')) AS decoys_absent,
  (SELECT pg_catalog.count(*) FROM mask.detect('t40') WHERE relation = 't40.bills'::regclass) AS bills_rows,
  (SELECT pg_catalog.count(*) FROM mask.detect('t40')
    WHERE relation IN ('t40.bills_1'::regclass, 't40.bills_2'::regclass, 't40.households_v'::regclass,
                       't40.unpopulated'::regclass)) AS partitions_views_unpopulated;

-- Never a value in the report: no sampled value occurs in any evidence.
SELECT pg_catalog.count(*) AS values_in_evidence
  FROM mask.detect('t40') d, t40.households h
 WHERE pg_catalog.strpos(d.evidence, h.c7) > 0 OR pg_catalog.strpos(d.evidence, h.holder_name) > 0
    OR pg_catalog.strpos(d.evidence, h.mobile) > 0 OR pg_catalog.strpos(d.evidence, h.address) > 0;

-- Sampling is repeatable: the same answer twice, and at most sample_rows read.
SELECT (SELECT pg_catalog.array_agg(evidence) FROM mask.detect('t40', 300) WHERE relation = 't40.big'::regclass)
     = (SELECT pg_catalog.array_agg(evidence) FROM mask.detect('t40', 300) WHERE relation = 't40.big'::regclass)
       AS repeatable;

-- Without a schema: every non-system schema (here the t40 tables among
-- whatever earlier tests left), never the mask schema itself.
SELECT pg_catalog.count(*) FILTER (WHERE relation::text LIKE 't40.%') AS t40_rows,
       pg_catalog.count(*) FILTER (WHERE relation::text LIKE 'mask.%') AS mask_rows
  FROM mask.detect();
SELECT * FROM mask.detect('t40_empty');

-- covered_by: policies with a masking (or NULL) rule on the column; a PASS
-- rule shows the value raw, and a hidden column is not "covered" here
-- (mask.verify() reports it on its own).
DO $$
BEGIN
    PERFORM pg_temp.policy('t40_notice', 't40_notice', 't40.households',
                           ARRAY[['c7', 'mask.cn_id_card(c7)'], ['holder_name', 'PASS'], ['email', 'NULL']]);
    PERFORM pg_temp.policy('t40_audit', 't40_audit', 't40.households',
                           ARRAY[['c7', 'mask.cn_id_card(c7, 6, 4)']]);
END $$;
SELECT "column", pii_type, covered_by FROM mask.detect('t40', 500)
 WHERE relation = 't40.households'::regclass AND "column" IN ('c7', 'holder_name', 'email', 'mobile');

-- Privileges: not for PUBLIC (it reads every table as the extension owner);
-- an auditor runs it on tables it cannot read and gets the same statistics.
SELECT pg_catalog.has_function_privilege('regress_t40_nobody', 'mask.detect(name, integer)', 'EXECUTE') AS nobody,
       pg_catalog.has_function_privilege('regress_t40_nobody', 'mask_internal._detect_relation(regclass, integer)', 'EXECUTE') AS nobody_internal;
SELECT mask.grant_auditor('regress_t40_auditor');
SELECT pg_catalog.has_table_privilege('regress_t40_auditor', 't40.households', 'SELECT') AS auditor_reads_table,
       pg_catalog.has_schema_privilege('regress_t40_auditor', 't40', 'USAGE') AS auditor_uses_schema;
SET ROLE regress_t40_auditor;
SELECT relation::text, "column", pii_type, confidence FROM mask.detect('t40', 500)
 WHERE relation::text = 't40.households' AND "column" = 'c7';
SELECT pg_temp.err('SELECT * FROM mask_internal._detect_relation(0::oid::regclass, 10)');
RESET ROLE;
SET ROLE regress_t40_nobody;
SELECT pg_temp.err('SELECT * FROM mask.detect(''t40'')');
RESET ROLE;

-- Parameter errors.
SELECT pg_temp.err('SELECT * FROM mask.detect(''t40'', 0)');
SELECT pg_temp.err('SELECT * FROM mask.detect(''t40'', NULL)');
SELECT pg_temp.err('SELECT * FROM mask.detect(''no_such_schema'')');
SELECT pg_temp.err('SELECT * FROM mask_internal._detect_relation(''t40.households_v'', 10)');

ROLLBACK;
