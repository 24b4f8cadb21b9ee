-- What a restore has to keep in place (issue 9), for test/dump_restore/dump_restore_test.sh.
--
--   psql -v pfx=tdr -f test/dump_restore/lifecycle.sql   (as a superuser)
--
-- The roles <pfx>_owner, <pfx>_life1 and <pfx>_life2 must exist.  Builds, in
-- schemas life_a and life_b:
--   life_a.meters     columns dropped before and between ruled columns (pg_dump
--                     renumbers them), a row filter and a primary key (the
--                     restore adds the key after the data, through ALTER TABLE);
--   life_b.住户       Chinese column names, a dropped column, a foreign key;
--   life_a.readings   a partitioned table (partitions attached by the restore)
--                     with a dropped column;
--   life_a.gone       a ruled column dropped (its rule orphaned) and a column
--                     of the same name added again, then ruled NULL;
--   policy life       over both schemas (views in life_view), member <pfx>_life1,
--                     a rule calling a function a superuser trusted;
--   policy life2      the same tables with other rules (views in life_view2),
--                     member <pfx>_life2.
\set ON_ERROR_STOP on
\encoding UTF8
SET client_min_messages = warning;

\set owner :pfx '_owner'
\set life1 :pfx '_life1'
\set life2 :pfx '_life2'

CREATE SCHEMA life_a AUTHORIZATION :owner;
CREATE SCHEMA life_b AUTHORIZATION :owner;
SET ROLE :owner;

CREATE TABLE life_a.meters (junk1 text, id integer, junk2 text, phone text, reading integer,
                            junk3 text, note text, holder text);
INSERT INTO life_a.meters
SELECT 'j', i, 'j', '138' || lpad((i * 7919 % 100000000)::text, 8, '0'), i % 5, 'j',
       'note ' || i, (ARRAY['张伟', '王芳', '欧阳娜娜', '李娜'])[1 + i % 4]
  FROM generate_series(1, 200) i;
ALTER TABLE life_a.meters DROP COLUMN junk1;
ALTER TABLE life_a.meters DROP COLUMN junk2;
ALTER TABLE life_a.meters DROP COLUMN junk3;
ALTER TABLE life_a.meters ADD PRIMARY KEY (id);
CREATE INDEX meters_reading ON life_a.meters (reading);

CREATE TABLE life_b."住户" ("旧列" text, "编号" integer PRIMARY KEY, "姓名" text, "电话" text,
                          "表号" integer REFERENCES life_a.meters (id));
INSERT INTO life_b."住户"
SELECT 'x', i, (ARRAY['张三丰', '司马光', '王五'])[1 + i % 3], '139' || lpad((i * 104729 % 100000000)::text, 8, '0'), i
  FROM generate_series(1, 120) i;
ALTER TABLE life_b."住户" DROP COLUMN "旧列";

CREATE TABLE life_a.readings (gone text, household integer, phone text, kwh numeric)
    PARTITION BY LIST (household);
CREATE TABLE life_a.readings_1 PARTITION OF life_a.readings FOR VALUES IN (1);
CREATE TABLE life_a.readings_2 PARTITION OF life_a.readings FOR VALUES IN (2);
INSERT INTO life_a.readings SELECT 'g', 1 + i % 2, '137' || lpad(i::text, 8, '0'), i * 1.5
  FROM generate_series(1, 60) i;
ALTER TABLE life_a.readings DROP COLUMN gone;

CREATE TABLE life_a.gone (id integer, secret text, shown text);
INSERT INTO life_a.gone SELECT i, 'secret-' || i, 'shown-' || i FROM generate_series(1, 10) i;

-- A masking function of the owner's, trusted below.
CREATE FUNCTION life_a.initial(v text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN substr(v, 1, 1) || '.';
RESET ROLE;
SELECT mask.trust_function('life_a.initial(text)');

SELECT mask.create_policy('life', 'life_view', 'two schemas, dropped columns');
SELECT mask.protect('life', 'life_a.meters', 'reading > 0');
SELECT mask.protect('life', 'life_b."住户"');
SELECT mask.protect('life', 'life_a.readings');
SELECT mask.protect('life', 'life_a.gone');
SELECT mask.set_rule('life', 'life_a.meters', c, e) FROM (VALUES
    ('id', 'PASS'), ('phone', 'mask.cn_phone(phone)'), ('reading', 'PASS'),
    ('holder', 'mask.cn_name(holder)'), ('note', 'life_a.initial(note)')) r(c, e);
SELECT mask.set_rule('life', 'life_b."住户"', c, e) FROM (VALUES
    ('编号', 'PASS'), ('姓名', 'mask.cn_name("姓名")'), ('电话', 'mask.cn_phone("电话")'),
    ('表号', 'PASS')) r(c, e);
SELECT mask.set_rule('life', 'life_a.readings', c, e) FROM (VALUES
    ('household', 'PASS'), ('phone', 'mask.pseudonym(phone)'), ('kwh', 'PASS')) r(c, e);
SELECT mask.set_rule('life', 'life_a.gone', c, e) FROM (VALUES
    ('id', 'PASS'), ('secret', 'mask.redact(secret)'), ('shown', 'PASS')) r(c, e);
SET ROLE :owner;
ALTER TABLE life_a.gone DROP COLUMN secret;          -- its rule is orphaned
ALTER TABLE life_a.gone ADD COLUMN secret text;      -- a new column: hidden
UPDATE life_a.gone SET secret = 'new-secret-' || id;
RESET ROLE;
-- The new column of the old name gets a rule of its own (NULL), which
-- replaces the orphaned one: verify() is clean.
SELECT mask.set_rule('life', 'life_a.gone', 'secret', 'NULL', 'new column, shown as NULL');
SELECT mask.add_member('life', :'life1');

SELECT mask.create_policy('life2', 'life_view2', 'other rules over the same tables');
SELECT mask.protect('life2', 'life_a.meters');
SELECT mask.protect('life2', 'life_b."住户"', '"编号" % 2 = 0');
SELECT mask.set_rule('life2', 'life_a.meters', c, e) FROM (VALUES
    ('reading', 'PASS'), ('phone', 'NULL'), ('holder', 'mask.pseudonym(holder)')) r(c, e);
SELECT mask.set_rule('life2', 'life_b."住户"', c, e) FROM (VALUES
    ('电话', 'mask.cn_phone("电话")'), ('表号', 'PASS')) r(c, e);
SELECT mask.add_member('life2', :'life2');
