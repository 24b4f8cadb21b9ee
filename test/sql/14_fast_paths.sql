-- The fast paths of 0.3.0 against the implementations they replaced
-- (src/reference.c), which must give the same output on every value.
--
-- 1. mask.pseudonym computes HMAC-SHA-256 from keyed states cached per call
--    site (src/pseudonym.c, src/core/hmac_sha256.c); the reference is
--    0.2.0's pg_hmac, one context per call.  A million values: every length
--    across SHA-256's padding boundaries, multi-byte text, keys shorter
--    than, equal to and longer than a block (those are hashed first), and
--    the key changing from row to row at one call site.
-- 2. mask.cn_address reads an address in one pass (src/core/cn_address.c);
--    the reference is the previous parser (src/core/cn_address_ref.c).
--    60,000 generated addresses at every level, with blanks, Chinese
--    numerals, full-width digits, combining marks, CR LF, and values past
--    the parser's limits (256 graphemes, 48 token ends).
SET client_encoding = 'UTF8';

BEGIN;
-- The references are no functions of the extension: the test declares them,
-- for this transaction only, on the library the extension's functions use.
\i test/sql/fixtures/reference_functions.sql

CREATE TEMP TABLE t14_keys (n integer PRIMARY KEY, key bytea NOT NULL);
INSERT INTO t14_keys
SELECT n, substr(decode(repeat(md5(n::text), 16), 'hex'), 1, len)
FROM (VALUES (0, 16), (1, 32), (2, 63), (3, 64), (4, 65), (5, 131), (6, 256))
     AS l(n, len);
SELECT n, length(key) AS key_bytes FROM t14_keys ORDER BY n;

-- Values 0-199 bytes long (every padding case: under 55, 55/56, one and
-- several blocks), ASCII, CJK and mixed, plus the empty string.
CREATE TEMP TABLE t14_values AS
SELECT i,
       CASE i % 4
           WHEN 0 THEN left(repeat(md5(i::text), 7), i % 200)
           WHEN 1 THEN left(repeat(pg_catalog.chr(19968 + i % 20000) || md5(i::text), 5), i % 60)
           WHEN 2 THEN i::text
           ELSE left(repeat(pg_catalog.chr(19968 + (i * 7) % 20000), 70), i % 70)
       END AS v
FROM generate_series(1, 1000000) AS i;
SELECT count(*) AS values, count(DISTINCT length(v)) AS distinct_lengths,
       count(*) FILTER (WHERE v = '') AS empty,
       max(octet_length(v)) AS longest_bytes
FROM t14_values;

-- One key per run of rows, and the key changing on every row (i % 7).
SELECT 'same key' AS keys, count(*) AS compared,
       count(*) FILTER (WHERE mask.pseudonym(v, k.key, 52) <> pg_temp.pseudonym_reference(v, k.key, 52)) AS different
FROM t14_values, t14_keys AS k WHERE k.n = 1
UNION ALL
SELECT 'key changes per row', count(*),
       count(*) FILTER (WHERE mask.pseudonym(v, k.key, 12) <> pg_temp.pseudonym_reference(v, k.key, 12))
FROM t14_values JOIN t14_keys AS k ON k.n = t14_values.i % 7
WHERE i <= 200000;

-- Every key length on the same values, at the shortest and longest length.
SELECT k.n, length(k.key) AS key_bytes, count(*) AS compared,
       count(*) FILTER (WHERE mask.pseudonym(v, k.key, 6) <> pg_temp.pseudonym_reference(v, k.key, 6)
                           OR mask.pseudonym(v, k.key, 52) <> pg_temp.pseudonym_reference(v, k.key, 52)) AS different
FROM t14_values, t14_keys AS k
WHERE i <= 20000
GROUP BY k.n, k.key ORDER BY k.n;

-- A cached key does not let a short key through at the same call site.
SELECT mask.pseudonym(v, CASE WHEN i = 3 THEN '\x00'::bytea ELSE k.key END)
FROM t14_values, t14_keys AS k WHERE k.n = 0 AND i <= 5;
ROLLBACK;

-- 2. Addresses: pieces picked by hashes of i, each piece present or not.
BEGIN;
\i test/sql/fixtures/reference_functions.sql
CREATE TEMP TABLE t14_pieces (k integer, alts text[]);
INSERT INTO t14_pieces VALUES
    (1, ARRAY['安徽省', '广西壮族自治区', '北京市', '上海市', '香港特别行政区', '省', '黑龙江省']),
    (2, ARRAY['芜湖市', '合肥市', '延边朝鲜族自治州', '锡林郭勒盟', '大兴安岭地区', '市', '镇江市']),
    (3, ARRAY['镜湖区', '市中区', '市北区', '无为市', '芜湖县', '江村区', '积石山保安族东乡族撒拉族自治县', '达尔罕茂明安联合旗', '区区']),
    (4, ARRAY['江岸街道', '湖滨镇', '云山乡', '新村', '']),
    (5, ARRAY['青枫东路12号', '中山路', '南锣鼓巷', '大道', '长江大道 8 号', '弄堂', '三里屯胡同甲3号']),
    (6, ARRAY['世贸滨江花园小区', '范罗山社区', '阳光家园', '紫云苑', '金马新村', '万象公寓', '银湖大厦', '书香山庄', '翡翠广场']),
    (7, ARRAY['3栋', '十二幢', 'A座', '５号楼', '3-1栋', '甲栋', '']),
    (8, ARRAY['2单元', '二单元', '１单元', '']),
    (9, ARRAY['12层', '3楼', '']),
    (10, ARRAY['1203室', '302户', '甲室', '']),
    (11, ARRAY['', '， ', '、', U&'\3000', ' ', '老菜市场东边第三家', E'\r\n', U&'张\0301三',
               U&'\+01F468\200D\+01F469\200D\+01F467', 'see landlord', '号']);
CREATE TEMP TABLE t14_addresses AS
SELECT i, string_agg(CASE WHEN h % 5 = 0 THEN '' ELSE p.alts[1 + (h / 5) % cardinality(p.alts)] END
                     || CASE WHEN h % 97 = 1 THEN ' ' WHEN h % 89 = 2 THEN '，' ELSE '' END,
                     '' ORDER BY p.k) AS v
FROM generate_series(1, 60000) AS i
CROSS JOIN t14_pieces AS p
CROSS JOIN LATERAL (SELECT abs(hashint4(i * 16 + p.k)) AS h) AS hh
GROUP BY i;
-- Past the parser's limits: more than 256 graphemes, more than 48 token ends.
INSERT INTO t14_addresses
SELECT 60000 + n, v FROM (VALUES
    (1, repeat('芜湖市镜湖区', 50)),
    (2, '安徽省芜湖市镜湖区' || repeat('张', 300) || '3栋'),
    (3, repeat('1栋', 60)),
    (4, '北京市海淀区' || repeat('路', 40) || '1号'),
    (5, '')) AS x(n, v);
SELECT count(*) AS addresses, count(DISTINCT v) AS distinct_addresses,
       count(*) FILTER (WHERE v ~ '[\r\u0301👨]') AS general_path,
       max(length(v)) AS longest
FROM t14_addresses;

SELECT l.level, count(*) AS compared,
       count(DISTINCT mask.cn_address(v, l.level)) AS distinct_outputs,
       count(*) FILTER (WHERE mask.cn_address(v, l.level) <> pg_temp.address_reference(v, l.level, '*', 4)
                           OR mask.cn_address(v, l.level, '●', 0) <> pg_temp.address_reference(v, l.level, '●', 0)) AS different
FROM t14_addresses,
     unnest('{province,city,district,town,road,community,building,unit,floor,room}'::text[])
         WITH ORDINALITY AS l(level, n)
GROUP BY l.level, l.n ORDER BY l.n;

-- The level is parsed once per call site; a level that changes from row to
-- row is still followed, and a bad one still refused.
SELECT count(*) FILTER (WHERE mask.cn_address(v, l) <> pg_temp.address_reference(v, l, '*', 4)) AS different
FROM (SELECT v, (ARRAY['city','unit','room'])[1 + i % 3] AS l FROM t14_addresses WHERE i <= 3000) AS x;
SELECT mask.cn_address(v, CASE WHEN i = 2 THEN 'street' ELSE 'unit' END)
FROM t14_addresses WHERE i <= 3;
ROLLBACK;
