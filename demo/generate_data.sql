-- Synthetic utility-billing data for the arrears-notice scenario.
--
--   psql -v households=460000 -f demo/generate_data.sql     (default 460000)
--
-- Creates, dropping first, schema billing with
--   billing.households  one row per household: holder name, mobile, landline,
--                       resident ID number, address, bank card, email
--   billing.arrears     1-3 unpaid bills for about 15% of the households
--
-- No real person: every value is assembled from small pick-lists and digits.
-- Deterministic: every value is a pure function of the row number through
-- SHA-512 (demo_gen.bits), so the same N gives byte-identical tables on
-- every run and machine. The script ends by printing a fingerprint of both
-- tables to compare runs.
--
-- Schema demo_gen (dropped and recreated here, then KEPT) holds the pick-lists
-- and the check-character helpers, so that the demo and tests can check the
-- generated data independently of maskview's own validators.
--
-- About 0.1% of households carry one deliberately malformed value (short
-- phone, wrong ID check character, free-text address, card failing Luhn,
-- email without @) so that the masks' fail-closed behaviour can be seen.

\set ON_ERROR_STOP on
-- This file is UTF-8, whatever the database encoding (psql would otherwise
-- assume the server's encoding when not on a terminal).
\encoding UTF8
\if :{?households}
\else
\set households 460000
\endif
SET client_min_messages = warning;
-- Every name below resolves in pg_catalog first, whatever the caller set.
SET search_path = pg_catalog, pg_temp;

BEGIN;

DROP SCHEMA IF EXISTS billing CASCADE;
DROP SCHEMA IF EXISTS demo_gen CASCADE;
CREATE SCHEMA billing;
CREATE SCHEMA demo_gen;
COMMENT ON SCHEMA billing IS 'synthetic utility billing records (demo/generate_data.sql)';
COMMENT ON SCHEMA demo_gen IS 'pick-lists and check-character helpers of demo/generate_data.sql';

-- ---------------------------------------------------------------------------
-- Helpers. Single-expression SQL functions without SET, so the planner
-- inlines them into the INSERTs (no per-row function-call overhead).

-- 512 pseudo-random bits for (salt, n). SHA-512, like md5, gives the same
-- bits on every architecture, which hashint8() and friends do not promise
-- (they depend on byte order).
CREATE FUNCTION demo_gen.bits(salt text, n bigint) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.sha512(pg_catalog.convert_to(
    salt OPERATOR(pg_catalog.||) '-' OPERATOR(pg_catalog.||) n::text, 'UTF8'));
COMMENT ON FUNCTION demo_gen.bits(text, bigint) IS
    '512 architecture-independent pseudo-random bits for (salt, n)';

-- The k-th (0..15) unsigned 32-bit big-endian word of such bits. get_byte
-- is about three times faster than going through hex text and bit(32).
CREATE FUNCTION demo_gen.word(b bytea, k integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (pg_catalog.get_byte(b, 4 * k)::bigint << 24)
     | (pg_catalog.get_byte(b, 4 * k + 1)::bigint << 16)
     | (pg_catalog.get_byte(b, 4 * k + 2)::bigint << 8)
     | pg_catalog.get_byte(b, 4 * k + 3)::bigint;
COMMENT ON FUNCTION demo_gen.word(bytea, integer) IS
    'k-th unsigned 32-bit word (k = 0..15) of the bits from demo_gen.bits';

-- GB 11643 check character of the first 17 digits: ISO 7064 MOD 11-2, the
-- weight of position k (1-based, left to right) is 2^(18-k) mod 11.
CREATE FUNCTION demo_gen.id_check(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.substr('10X98765432',
    ((pg_catalog.substr(body, 1, 1)::integer * 7
    + pg_catalog.substr(body, 2, 1)::integer * 9
    + pg_catalog.substr(body, 3, 1)::integer * 10
    + pg_catalog.substr(body, 4, 1)::integer * 5
    + pg_catalog.substr(body, 5, 1)::integer * 8
    + pg_catalog.substr(body, 6, 1)::integer * 4
    + pg_catalog.substr(body, 7, 1)::integer * 2
    + pg_catalog.substr(body, 8, 1)::integer * 1
    + pg_catalog.substr(body, 9, 1)::integer * 6
    + pg_catalog.substr(body, 10, 1)::integer * 3
    + pg_catalog.substr(body, 11, 1)::integer * 7
    + pg_catalog.substr(body, 12, 1)::integer * 9
    + pg_catalog.substr(body, 13, 1)::integer * 10
    + pg_catalog.substr(body, 14, 1)::integer * 5
    + pg_catalog.substr(body, 15, 1)::integer * 8
    + pg_catalog.substr(body, 16, 1)::integer * 4
    + pg_catalog.substr(body, 17, 1)::integer * 2) % 11) + 1, 1);
COMMENT ON FUNCTION demo_gen.id_check(text) IS
    'ISO 7064 MOD 11-2 check character of a 17-digit resident ID body';

-- Luhn doubling of one digit: 2d, minus 9 when that has two digits.
CREATE FUNCTION demo_gen.luhn_double(d integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN d * 2 - CASE WHEN d > 4 THEN 9 ELSE 0 END;
COMMENT ON FUNCTION demo_gen.luhn_double(integer) IS
    'Luhn doubling of one digit (2d, or 2d - 9 when 2d > 9)';

-- Digit k (1-based) of s counted from the right; 0 past its left end.
CREATE FUNCTION demo_gen.rdigit(s text, k integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN COALESCE(NULLIF(pg_catalog.substr(pg_catalog.reverse(s), k, 1), '')::integer, 0);
COMMENT ON FUNCTION demo_gen.rdigit(text, integer) IS
    'k-th digit of a digit string counted from the right, 0 beyond its length';

-- Luhn check digit for a body of up to 18 digits: counting from the right
-- of the body, digits 1, 3, 5, ... are doubled (the check digit will be 1).
CREATE FUNCTION demo_gen.luhn_check(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((10 - (
      demo_gen.luhn_double(demo_gen.rdigit(body, 1)) + demo_gen.rdigit(body, 2)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 3)) + demo_gen.rdigit(body, 4)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 5)) + demo_gen.rdigit(body, 6)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 7)) + demo_gen.rdigit(body, 8)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 9)) + demo_gen.rdigit(body, 10)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 11)) + demo_gen.rdigit(body, 12)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 13)) + demo_gen.rdigit(body, 14)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 15)) + demo_gen.rdigit(body, 16)
    + demo_gen.luhn_double(demo_gen.rdigit(body, 17)) + demo_gen.rdigit(body, 18)
    ) % 10) % 10)::text;
COMMENT ON FUNCTION demo_gen.luhn_check(text) IS
    'Luhn check digit to append to a digit string of up to 18 digits';

-- ---------------------------------------------------------------------------
-- Pick-lists. A weighted pick is a binary search (width_bucket) of a
-- uniform number in the list's cumulative weights; see demo_gen.pick.

-- Han surnames with their approximate share of the population in 1/10000
-- (national figures of the 2020 census order of magnitude); the tail of
-- rarer surnames shares what is left.
CREATE TABLE demo_gen.surname (
    surname text PRIMARY KEY,
    weight  integer NOT NULL CHECK (weight > 0)
);
COMMENT ON TABLE demo_gen.surname IS 'single-character surnames and their weight (per 10,000)';
INSERT INTO demo_gen.surname VALUES
    ('王', 725), ('李', 719), ('张', 683), ('刘', 538), ('陈', 453), ('杨', 308),
    ('黄', 223), ('赵', 218), ('吴', 200), ('周', 191), ('徐', 148), ('孙', 145),
    ('马', 125), ('朱', 122), ('胡', 118), ('郭', 114), ('何', 106), ('林', 103),
    ('高', 101), ('罗', 99), ('郑', 93), ('梁', 89), ('谢', 77), ('宋', 74),
    ('唐', 73), ('许', 71), ('韩', 69), ('冯', 67), ('邓', 66), ('曹', 63),
    ('彭', 62), ('曾', 60), ('肖', 58), ('田', 56), ('董', 53), ('袁', 52),
    ('潘', 50), ('于', 50), ('蒋', 49), ('蔡', 47), ('余', 46), ('杜', 45),
    ('叶', 44), ('程', 43), ('苏', 42), ('魏', 41), ('吕', 41), ('丁', 40),
    ('任', 39), ('沈', 38), ('姚', 37), ('卢', 36), ('姜', 35), ('崔', 34),
    ('钟', 33), ('谭', 32), ('陆', 31), ('汪', 45), ('范', 29), ('金', 28),
    ('石', 28), ('廖', 27), ('贾', 27), ('夏', 26), ('韦', 26), ('付', 25),
    ('方', 25), ('白', 24), ('邹', 24), ('孟', 23), ('熊', 23), ('秦', 22),
    ('邱', 22), ('江', 22), ('尹', 21), ('薛', 21), ('闫', 20), ('段', 20),
    ('雷', 20), ('侯', 19), ('龙', 19), ('史', 18), ('陶', 18), ('黎', 17),
    ('贺', 17), ('顾', 16), ('毛', 16), ('郝', 16), ('龚', 15), ('邵', 15),
    ('万', 15), ('钱', 14), ('严', 14), ('章', 14), ('武', 13), ('戴', 13),
    ('莫', 13), ('孔', 12), ('向', 12), ('汤', 12), ('储', 10), ('查', 8),
    ('鲍', 8), ('倪', 8), ('俞', 8), ('柯', 7), ('凌', 7), ('葛', 7),
    ('宣', 5), ('阚', 5), ('桂', 5), ('詹', 5), ('祝', 5), ('檀', 4);

CREATE TABLE demo_gen.list (
    name  text PRIMARY KEY,
    items text[] NOT NULL
);
COMMENT ON TABLE demo_gen.list IS 'unweighted pick-lists used by the generator';
INSERT INTO demo_gen.list VALUES
    -- Given-name characters (no surname among them).
    ('given', '{伟,芳,娜,敏,静,丽,强,磊,军,洋,勇,艳,杰,娟,涛,明,超,秀,霞,平,刚,英,华,玉,
      萍,红,兰,建,文,辉,力,斌,宇,浩,凯,鹏,俊,帆,欣,怡,佳,琪,雪,梅,晨,阳,峰,鑫,波,宁,
      婷,倩,颖,博,昊,睿,轩,泽,子,梓,涵,若,思,雨,嘉,一,诗,晓,志,国,春,海,云,飞,荣,燕,
      玲,丹,慧,月,青,宏,亮,成,新,德,康,永,福,清,家,振,兴,安,东,晶,琳,莉,瑶,璐,然,
      翔,彬,豪,航,铭,淑,珍,桂,凤,秀,芬,萱,悦,宸,楠,蕾,薇,冰,晴,卓}'),
    ('compound', '{欧阳,司马,诸葛,上官,东方,皇甫,尉迟,公孙,慕容,令狐,夏侯,端木,
      长孙,宇文,司徒,南宫,西门,呼延,独孤,申屠}'),
    -- Two parts of Uyghur-style names joined by U+00B7; combinations are synthetic.
    ('dot_first', '{阿依古丽,买买提,艾力,古丽娜尔,热依拉,阿不都,努尔,迪丽拜尔,艾尼瓦尔,
      帕提古丽,吐尔逊,依明,阿迪力,麦合木提,再努尔,米热,阿尔曼,古再丽}'),
    ('dot_second', '{买买提,吐尔逊,艾山,热合曼,阿布拉,伊力,库尔班,司马义,玉素甫,
      阿不力孜,托合提,努尔,吾斯曼,艾则孜}'),
    ('latin_first', '{Anna,David,Maria,Peter,Olga,Ivan,Sofia,Lukas,Emma,Noah,José,Chloé}'),
    ('latin_last', '{Smith,Müller,García,Novak,Ivanova,Kowalski,Berger,Jensen,Silva,Dubois}'),
    -- Synthetic place-name stems for roads and communities.
    ('road_stem', '{青枫,银杏,翠湖,滨江,鸠兹,镜湖,赭山,长江,梦溪,春晖,凤鸣,柳岸,
      桃源,新华,文昌,金马,玉带,花津,利民,和平,团结,汀棠,弋矶,范罗}'),
    ('road_kind', '{路,路,路,东路,西路,北路,南路,街,大道}'),
    ('community_a', '{世贸,锦绣,阳光,金色,碧水,紫云,星河,香榭,万象,南山,北岸,东方,
      丽景,翡翠,御景,怡和,和园,书香,绿洲,银湖,凤凰,江城,新城,学府,润泽,荷塘}'),
    ('community_b', '{滨江,雅居,名门,湖畔,华府,丽都,尚城,春天,新都,天地,明珠,
      山水,水岸,锦城,景园,御府}'),
    ('community_kind', '{小区,小区,小区,花园,花园,家园,苑,新村,公寓}'),
    ('town_stem', '{江岸,云山,湖滨,长青,东门,西城}'),
    ('free_address', '{镜湖区老菜市场东边第三家,赭山公园后门对面平房,不详,
      江边码头旁铁皮房,see landlord,张家大院}'),
    -- Mobile network prefixes in use (the 3rd digit included).
    ('mobile_prefix', '{130,131,132,133,134,135,136,137,138,139,145,147,150,151,152,
      153,155,156,157,158,159,166,172,173,175,176,177,178,180,181,182,183,184,185,186,
      187,188,189,191,193,195,196,198,199}'),
    -- Pinyin-like syllables for email local parts.
    ('syllable', '{zhang,wang,li,liu,chen,yang,zhao,huang,zhou,wu,xu,sun,ma,hu,guo,
      lin,he,gao,luo,wei,fang,na,min,jing,qiang,lei,jun,yang,yong,tao,ming,chao,xia,
      ping,gang,hua,hong,jian,wen,hui,bin,yu,hao,kai,peng,xin,yi,jia,qi,xue,mei,chen,
      feng,bo,ning,ting}');

-- Districts (and county-level units) of the address, weighted per 100.
CREATE TABLE demo_gen.district (
    district text PRIMARY KEY,
    weight   integer NOT NULL CHECK (weight > 0)
);
COMMENT ON TABLE demo_gen.district IS 'address districts of Wuhu with their weight (per 100)';
INSERT INTO demo_gen.district VALUES
    -- 芜湖县: the county's name until it became a district in 2020, still on
    -- older records; the new name has a character GB 2312 lacks, and the
    -- generator also runs in EUC_CN databases.
    ('镜湖区', 85), ('弋江区', 4), ('鸠江区', 4), ('芜湖县', 2), ('繁昌区', 1),
    ('南陵县', 2), ('无为市', 2);

-- Region codes of the birth place in the ID number (codes stay on an ID
-- card for life, so abolished ones such as 340203/340208 still occur),
-- weighted per 100. Mostly Wuhu, some elsewhere in Anhui, a few elsewhere.
CREATE TABLE demo_gen.region (
    code   text PRIMARY KEY,
    place  text NOT NULL,
    weight integer NOT NULL CHECK (weight > 0)
);
COMMENT ON TABLE demo_gen.region IS 'resident ID region codes with their weight (per 100)';
INSERT INTO demo_gen.region VALUES
    ('340202', '芜湖市镜湖区', 40), ('340203', '芜湖市弋江区(旧)', 8),
    ('340207', '芜湖市鸠江区', 8), ('340208', '芜湖市三山区(旧)', 4),
    ('340209', '芜湖市弋江区', 3), ('340221', '芜湖县', 5), ('340222', '繁昌县', 4),
    ('340223', '南陵县', 4), ('340225', '无为县', 3), ('340102', '合肥市瑶海区', 3),
    ('340104', '合肥市蜀山区', 3), ('340302', '蚌埠市龙子湖区', 2),
    ('340502', '马鞍山市花山区', 3), ('341002', '黄山市屯溪区', 2),
    ('341802', '宣城市宣州区', 3), ('342601', '巢湖市(旧)', 2),
    ('320102', '南京市玄武区', 1), ('330106', '杭州市西湖区', 1), ('310104', '上海市徐汇区', 1);

-- Bank card number prefixes (issuer-like BINs) and the card length.
CREATE TABLE demo_gen.card_bin (
    bin    text PRIMARY KEY,
    length integer NOT NULL CHECK (length BETWEEN 16 AND 19),
    weight integer NOT NULL CHECK (weight > 0)
);
COMMENT ON TABLE demo_gen.card_bin IS 'bank card prefixes, card lengths and weights';
INSERT INTO demo_gen.card_bin VALUES
    ('622202', 19, 20), ('621226', 19, 8), ('621700', 19, 15), ('622700', 19, 6),
    ('622848', 19, 18), ('623052', 19, 5), ('621661', 19, 6), ('622262', 19, 5),
    ('622588', 16, 6), ('621483', 16, 4), ('625965', 16, 2), ('622609', 17, 2),
    ('436742', 16, 2), ('622150', 19, 5);

CREATE FUNCTION demo_gen.list(name text) RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN (SELECT l.items FROM demo_gen.list AS l WHERE l.name OPERATOR(pg_catalog.=) list.name);
COMMENT ON FUNCTION demo_gen.list(text) IS 'one pick-list of demo_gen.list by name';

-- The weighted lists in one shape: item, its extra attribute (card length),
-- and the cumulative weight below it, in a fixed order.
CREATE VIEW demo_gen.weighted AS
SELECT w.list, w.item, w.weight, w.extra,
       -- Ordered by the items' UTF-8 bytes (code point order): the order, and
       -- so every pick, must not depend on the database's collation or encoding.
       pg_catalog.sum(w.weight) OVER (PARTITION BY w.list ORDER BY pg_catalog.convert_to(w.item, 'UTF8')
                                      ROWS UNBOUNDED PRECEDING) - w.weight AS lower_bound
FROM (SELECT 'surname' AS list, s.surname AS item, s.weight, NULL::integer AS extra FROM demo_gen.surname AS s
      UNION ALL SELECT 'district', d.district, d.weight, NULL FROM demo_gen.district AS d
      UNION ALL SELECT 'region', g.code, g.weight, NULL FROM demo_gen.region AS g
      UNION ALL SELECT 'card_bin', b.bin, b.weight, b.length FROM demo_gen.card_bin AS b) AS w;
COMMENT ON VIEW demo_gen.weighted IS 'weighted pick-lists with cumulative lower bounds';

-- Items of a weighted list, in the order of demo_gen.bounds.
CREATE FUNCTION demo_gen.items(list text) RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN (SELECT pg_catalog.array_agg(w.item ORDER BY w.lower_bound)
        FROM demo_gen.weighted AS w WHERE w.list OPERATOR(pg_catalog.=) items.list);
COMMENT ON FUNCTION demo_gen.items(text) IS 'items of a weighted pick-list';

-- Extra attribute of each item of a weighted list (card length).
CREATE FUNCTION demo_gen.extras(list text) RETURNS integer[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN (SELECT pg_catalog.array_agg(w.extra ORDER BY w.lower_bound)
        FROM demo_gen.weighted AS w WHERE w.list OPERATOR(pg_catalog.=) extras.list);
COMMENT ON FUNCTION demo_gen.extras(text) IS 'extra attribute of each item of a weighted pick-list';

-- Cumulative lower bounds of a weighted list followed by its total weight.
CREATE FUNCTION demo_gen.bounds(list text) RETURNS bigint[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN (SELECT pg_catalog.array_append(pg_catalog.array_agg(w.lower_bound ORDER BY w.lower_bound),
                                        pg_catalog.sum(w.weight))
        FROM demo_gen.weighted AS w
        WHERE w.list OPERATOR(pg_catalog.=) bounds.list);
COMMENT ON FUNCTION demo_gen.bounds(text) IS
    'cumulative lower bounds of a weighted pick-list, then its total weight';

-- Index (1-based) of the item a uniform 32-bit word u picks from a weighted
-- list with these bounds.
CREATE FUNCTION demo_gen.pick(u bigint, bounds bigint[]) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.width_bucket(u % bounds[pg_catalog.cardinality(bounds)], bounds);
COMMENT ON FUNCTION demo_gen.pick(bigint, bigint[]) IS
    'index of the item of a weighted list picked by a uniform word';

-- ---------------------------------------------------------------------------
-- Households, in three stages:
--   lk  the pick-lists as arrays, built once (MATERIALIZED: inlined, they
--       would be rebuilt for every row);
--   r   32 independent 32-bit words per row from two SHA-512 digests
--       (a* name and phones, b* ID, address, card, email, defects);
--   v   field parts; the final SELECT formats them and plants the defects.
-- OFFSET 0 keeps r and v as subqueries, so each word and each part is
-- computed once per row rather than once per reference.

CREATE TABLE billing.households (
    household_id bigint NOT NULL,
    account_no   text NOT NULL,
    holder_name  text,
    mobile       text,
    landline     text,
    id_card      text,
    address      text,
    bank_card    text,
    email        text,
    opened_on    date
);
COMMENT ON TABLE billing.households IS 'utility customers (synthetic, demo/generate_data.sql)';

-- Sorting in memory; no JIT: compiling these wide expressions costs more
-- than it saves at this size.
SET LOCAL work_mem = '256MB';
-- The middle dot of minority names is U+00B7, which EUC_CN (GB 2312) lacks;
-- there the names take GB 2312's own middle dot (A1A4). Written as bytes so
-- that neither literal has to pass through the other encoding.
SELECT CASE WHEN pg_catalog.getdatabaseencoding() = 'EUC_CN'
            THEN pg_catalog.convert_from('\xa1a4'::bytea, 'EUC_CN')
            ELSE pg_catalog.convert_from('\xc2b7'::bytea, 'UTF8') END AS middle_dot \gset
SET LOCAL jit = off;

INSERT INTO billing.households
WITH lk AS MATERIALIZED (
    SELECT demo_gen.items('surname') AS surname, demo_gen.bounds('surname') AS surname_b,
           demo_gen.items('district') AS district, demo_gen.bounds('district') AS district_b,
           demo_gen.items('region') AS region, demo_gen.bounds('region') AS region_b,
           demo_gen.items('card_bin') AS bin, demo_gen.bounds('card_bin') AS bin_b,
           demo_gen.extras('card_bin') AS bin_len,
           demo_gen.list('given') AS given,
           demo_gen.list('compound') AS compound,
           demo_gen.list('dot_first') AS dot_first,
           demo_gen.list('dot_second') AS dot_second,
           demo_gen.list('latin_first') AS latin_first,
           demo_gen.list('latin_last') AS latin_last,
           demo_gen.list('road_stem') AS road_stem,
           demo_gen.list('road_kind') AS road_kind,
           demo_gen.list('community_a') AS community_a,
           demo_gen.list('community_b') AS community_b,
           demo_gen.list('community_kind') AS community_kind,
           demo_gen.list('town_stem') AS town_stem,
           demo_gen.list('free_address') AS free_address,
           demo_gen.list('mobile_prefix') AS mobile_prefix,
           demo_gen.list('syllable') AS syllable
),
h AS (
    SELECT g.i, demo_gen.bits('maskview-household-a', g.i) AS ha,
                demo_gen.bits('maskview-household-b', g.i) AS hb
    FROM pg_catalog.generate_series(1::bigint, :households::bigint) AS g(i)
    OFFSET 0
),
r AS (
    SELECT h.i,
           demo_gen.word(h.ha, 0) AS a0, demo_gen.word(h.ha, 1) AS a1,
           demo_gen.word(h.ha, 2) AS a2, demo_gen.word(h.ha, 3) AS a3,
           demo_gen.word(h.ha, 4) AS a4, demo_gen.word(h.ha, 5) AS a5,
           demo_gen.word(h.ha, 6) AS a6, demo_gen.word(h.ha, 7) AS a7,
           demo_gen.word(h.hb, 0) AS b0, demo_gen.word(h.hb, 1) AS b1,
           demo_gen.word(h.hb, 2) AS b2, demo_gen.word(h.hb, 3) AS b3,
           demo_gen.word(h.hb, 4) AS b4, demo_gen.word(h.hb, 5) AS b5,
           demo_gen.word(h.hb, 6) AS b6, demo_gen.word(h.hb, 7) AS b7,
           demo_gen.word(h.hb, 8) AS b8, demo_gen.word(h.hb, 9) AS b9,
           demo_gen.word(h.hb, 10) AS b10, demo_gen.word(h.hb, 11) AS b11,
           demo_gen.word(h.hb, 12) AS b12, demo_gen.word(h.hb, 13) AS b13,
           demo_gen.word(h.hb, 14) AS b14, demo_gen.word(h.hb, 15) AS b15
    FROM h
    OFFSET 0
),
v AS (
    SELECT r.i,
        -- ~0.1% of households get one defect (kind 0..4, see the final SELECT).
        CASE WHEN r.b15 % 1000 = 7 THEN ((r.b15 / 1000) % 5)::integer END AS bad,
        -- Name: ~1% compound surname, ~1% name with a middle dot, ~0.1% Latin,
        -- otherwise a weighted surname; about a third of given names have
        -- one character, the rest two.
        CASE WHEN r.a0 % 1000 < 10 THEN
                 lk.compound[1 + r.a1 % pg_catalog.cardinality(lk.compound)]
                 || lk.given[1 + r.a2 % pg_catalog.cardinality(lk.given)]
                 || CASE WHEN r.a3 % 3 = 0 THEN ''
                         ELSE lk.given[1 + (r.a3 / 3) % pg_catalog.cardinality(lk.given)] END
             WHEN r.a0 % 1000 < 20 THEN
                 lk.dot_first[1 + r.a1 % pg_catalog.cardinality(lk.dot_first)] || :'middle_dot'
                 || lk.dot_second[1 + r.a2 % pg_catalog.cardinality(lk.dot_second)]
             WHEN r.a0 % 1000 < 21 THEN
                 lk.latin_first[1 + r.a1 % pg_catalog.cardinality(lk.latin_first)] || ' '
                 || lk.latin_last[1 + r.a2 % pg_catalog.cardinality(lk.latin_last)]
             ELSE
                 lk.surname[demo_gen.pick(r.a1, lk.surname_b)]
                 || lk.given[1 + r.a2 % pg_catalog.cardinality(lk.given)]
                 || CASE WHEN r.a3 % 3 = 0 THEN ''
                         ELSE lk.given[1 + (r.a3 / 3) % pg_catalog.cardinality(lk.given)] END
        END AS name,
        -- Mobile: 3% have none; network prefix + 8 digits; style picked below.
        CASE WHEN r.a4 % 100 >= 3
             THEN lk.mobile_prefix[1 + r.a5 % pg_catalog.cardinality(lk.mobile_prefix)]
                  || pg_catalog.lpad((r.a6 % 100000000)::text, 8, '0') END AS mob,
        ((r.a4 / 100) % 100)::integer AS mob_style,
        -- Landline: about a quarter; Wuhu numbers have 7 digits, the first 2-8.
        CASE WHEN r.a7 % 4 = 0
             THEN '0553-' || (2 + (r.a7 / 4) % 7)::text
                  || pg_catalog.lpad(((r.a7 / 28) % 1000000)::text, 6, '0') END AS landline,
        -- ID number body: birth region, birth date (1934-2005), sequence
        -- number (its last digit is odd for men, even for women).
        lk.region[demo_gen.pick(r.b0, lk.region_b)]
            || pg_catalog.to_char(date '1934-01-01' + (r.b1 % 26000)::integer, 'YYYYMMDD')
            || pg_catalog.lpad((r.b2 % 1000)::text, 3, '0') AS id_body,
        -- Address parts: district, then about 10% name a 街道 (town level),
        -- 70% a road with its number, all a community, building, unit, room.
        lk.district[demo_gen.pick(r.b3, lk.district_b)] AS district,
        (r.b4 % 10)::integer AS addr_shape,
        lk.town_stem[1 + (r.b4 / 10) % pg_catalog.cardinality(lk.town_stem)] || '街道' AS town,
        lk.road_stem[1 + (r.b4 / 100) % pg_catalog.cardinality(lk.road_stem)]
            || lk.road_kind[1 + (r.b4 / 10000) % pg_catalog.cardinality(lk.road_kind)]
            || (1 + (r.b4 / 100000) % 300)::text || '号' AS road,
        lk.community_a[1 + r.b5 % pg_catalog.cardinality(lk.community_a)]
            || lk.community_b[1 + (r.b5 / 100) % pg_catalog.cardinality(lk.community_b)]
            || lk.community_kind[1 + (r.b5 / 10000) % pg_catalog.cardinality(lk.community_kind)] AS community,
        (1 + r.b6 % 32)::text || '栋' || (1 + (r.b6 / 32) % 4)::text || '单元'
            || ((1 + (r.b6 / 128) % 33) * 100 + 1 + (r.b6 / 4224) % 4)::text || '室' AS flat,
        lk.free_address[1 + r.b6 % pg_catalog.cardinality(lk.free_address)] AS free_address,
        -- Bank card: 12% have none; prefix, digits up to length - 1, Luhn digit.
        CASE WHEN r.b7 % 100 >= 12
             THEN lk.bin[demo_gen.pick(r.b8, lk.bin_b)]
                  || pg_catalog.left(pg_catalog.lpad((r.b9 % 1000000)::text, 6, '0')
                                     || pg_catalog.lpad((r.b10 % 1000000)::text, 6, '0'),
                                     lk.bin_len[demo_gen.pick(r.b8, lk.bin_b)] - 7) END AS card_body,
        ((r.b7 / 100) % 100)::integer AS card_style,
        -- Email: about 40%, pinyin-like local part at a reserved domain.
        CASE WHEN r.b11 % 5 < 2 THEN
                 lk.syllable[1 + r.b12 % pg_catalog.cardinality(lk.syllable)]
                 || CASE (r.b11 / 5) % 4 WHEN 0 THEN '.' WHEN 1 THEN '_' ELSE '' END
                 || lk.syllable[1 + r.b13 % pg_catalog.cardinality(lk.syllable)]
                 || CASE WHEN (r.b11 / 20) % 2 = 0 THEN (r.b12 / 100 % 1000)::text ELSE '' END
                 || CASE WHEN (r.b11 / 40) % 3 = 0 THEN '@example.cn' ELSE '@example.com' END
        END AS email,
        -- Account opened between the later of 1995 and the 18th birthday, and 2024.
        GREATEST(date '1995-01-01', date '1934-01-01' + (r.b1 % 26000)::integer + 6575) AS adult,
        r.b14
    FROM r CROSS JOIN lk
    OFFSET 0
)
SELECT v.i,
    -- Unique account numbers: i -> (i * 6180339887 + c) mod 10^10 is a
    -- bijection (the multiplier is coprime to 10^10), so no two households
    -- collide; the product stays within bigint for i < 10^9.
    'WH' || pg_catalog.lpad(((v.i * 6180339887 + 3141592653) % 10000000000)::text, 10, '0'),
    v.name,
    CASE WHEN v.bad = 0 THEN pg_catalog.left(COALESCE(v.mob, '13905531234'), 7)  -- too short
         WHEN v.mob IS NULL THEN NULL
         WHEN v.mob_style < 80 THEN v.mob
         WHEN v.mob_style < 85 THEN '+86 ' || pg_catalog.substr(v.mob, 1, 3) || '-'
                                    || pg_catalog.substr(v.mob, 4, 4) || '-' || pg_catalog.substr(v.mob, 8)
         WHEN v.mob_style < 89 THEN pg_catalog.substr(v.mob, 1, 3) || ' '
                                    || pg_catalog.substr(v.mob, 4, 4) || ' ' || pg_catalog.substr(v.mob, 8)
         WHEN v.mob_style < 93 THEN pg_catalog.substr(v.mob, 1, 3) || '-'
                                    || pg_catalog.substr(v.mob, 4, 4) || '-' || pg_catalog.substr(v.mob, 8)
         WHEN v.mob_style < 97 THEN '+86' || v.mob
         WHEN v.mob_style < 99 THEN '86' || v.mob
         ELSE pg_catalog.translate(v.mob, '0123456789', '０１２３４５６７８９')  -- full width
    END,
    v.landline,
    v.id_body || CASE WHEN v.bad = 1  -- the next character of the table: certainly wrong
                      THEN pg_catalog.substr('10X98765432',
                               pg_catalog.strpos('10X98765432', demo_gen.id_check(v.id_body)) % 11 + 1, 1)
                      ELSE demo_gen.id_check(v.id_body) END,
    CASE WHEN v.bad = 2 THEN v.free_address
         ELSE '安徽省芜湖市' || v.district
              || CASE WHEN v.addr_shape = 0 THEN v.town ELSE '' END
              || CASE WHEN v.addr_shape < 7 THEN v.road ELSE '' END
              || v.community || v.flat END,
    CASE WHEN v.card_body IS NULL THEN NULL
         WHEN v.bad = 3  -- the check digit plus one fails Luhn
         THEN v.card_body || ((demo_gen.luhn_check(v.card_body)::integer + 1) % 10)::text
         WHEN v.card_style < 5  -- some written in groups of four
         THEN pg_catalog.rtrim(pg_catalog.regexp_replace(
                  v.card_body || demo_gen.luhn_check(v.card_body), '(\d{4})', '\1 ', 'g'))
         ELSE v.card_body || demo_gen.luhn_check(v.card_body) END,
    CASE WHEN v.bad = 4 THEN pg_catalog.replace(COALESCE(v.email, 'wang.fang@example.com'), '@', ' at ')
         ELSE v.email END,
    v.adult + (v.b14 % (date '2025-01-01' - v.adult))::integer
FROM v
ORDER BY v.i;

ALTER TABLE billing.households
    ADD PRIMARY KEY (household_id),
    ADD UNIQUE (account_no);

-- ---------------------------------------------------------------------------
-- Arrears: ~15% of households owe 1-3 bills (periods in 2024-2025).

CREATE TABLE billing.arrears (
    arrear_id    bigint NOT NULL,
    household_id bigint NOT NULL,
    account_no   text NOT NULL,
    utility      text NOT NULL CHECK (utility IN ('water', 'electricity', 'gas')),
    period       date NOT NULL,
    amount       numeric(10,2) NOT NULL,
    due_date     date NOT NULL
);
COMMENT ON TABLE billing.arrears IS 'unpaid utility bills (synthetic, demo/generate_data.sql)';

INSERT INTO billing.arrears
SELECT pg_catalog.row_number() OVER (ORDER BY x.household_id, x.k),
       x.household_id, x.account_no, x.utility, x.period,
       CASE x.utility
           WHEN 'water' THEN 18 + (x.w % 28000) / 100.0
           WHEN 'electricity' THEN 45 + (x.w % 90000) / 100.0
           ELSE 30 + (x.w % 50000) / 100.0
       END::numeric(10,2),
       (x.period + interval '1 month 14 days')::date
FROM (
    SELECT h.household_id, h.account_no, k.k,
           (ARRAY['water', 'electricity', 'gas'])[1 + (demo_gen.word(m.a, 1) + k.k) % 3] AS utility,
           (date '2024-01-01' + pg_catalog.make_interval(months => ((demo_gen.word(m.a, 2) + 5 * k.k) % 18)::integer))::date AS period,
           demo_gen.word(m.a, 3) / (k.k + 1) AS w
    FROM billing.households AS h,
         LATERAL (SELECT demo_gen.bits('maskview-arrears', h.household_id) AS a OFFSET 0) AS m,
         LATERAL pg_catalog.generate_series(1, 1 + (demo_gen.word(m.a, 0) / 100 % 3)::integer) AS k(k)
    WHERE demo_gen.word(m.a, 0) % 100 < 15
) AS x
ORDER BY 1;

ALTER TABLE billing.arrears
    ADD PRIMARY KEY (arrear_id),
    ADD FOREIGN KEY (household_id) REFERENCES billing.households;
CREATE INDEX ON billing.arrears (household_id);

COMMIT;

ANALYZE billing.households;
ANALYZE billing.arrears;

-- Counts and a fingerprint of the whole data set: equal fingerprints mean
-- byte-identical tables.
SELECT (SELECT pg_catalog.count(*) FROM billing.households) AS households,
       (SELECT pg_catalog.count(DISTINCT a.household_id) FROM billing.arrears AS a) AS in_arrears,
       (SELECT pg_catalog.count(*) FROM billing.arrears) AS arrears,
       pg_catalog.left(pg_catalog.md5(
           (SELECT pg_catalog.string_agg(pg_catalog.md5(h::text), '' ORDER BY h.household_id) FROM billing.households AS h)
           || (SELECT pg_catalog.string_agg(pg_catalog.md5(a::text), '' ORDER BY a.arrear_id) FROM billing.arrears AS a)), 16) AS fingerprint;
