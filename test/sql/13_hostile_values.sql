-- Hostile and malformed values for every masking function (issue 5).
--
-- Each row shows the output doc/masking-rules.md documents: a value a function
-- cannot parse is fully masked (fail closed), never passed through, and no
-- value ever raises.  Outputs are shown through pg_temp.show(), which writes
-- invisible, control, bidi and combining characters as <U+XXXX> so that the
-- expected file can be reviewed by eye; everything else is shown as is.
-- Long values are summarised by lengths, a comparison with the documented
-- output and an md5.  Nothing here depends on the ICU or Unicode version.
SET client_encoding = 'UTF8';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'

CREATE FUNCTION pg_temp.show(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT coalesce(string_agg(
               CASE WHEN ascii(c) < 32 OR ascii(c) BETWEEN 127 AND 160 OR ascii(c) = 173
                         OR ascii(c) BETWEEN 768 AND 879        -- combining diacritics
                         OR ascii(c) BETWEEN 1425 AND 1479      -- Hebrew points
                         OR ascii(c) BETWEEN 1611 AND 1631      -- Arabic marks
                         OR ascii(c) BETWEEN 8203 AND 8207      -- ZWSP ZWNJ ZWJ LRM RLM
                         OR ascii(c) BETWEEN 8232 AND 8238      -- LS PS LRE RLE PDF LRO RLO
                         OR ascii(c) BETWEEN 8288 AND 8303      -- WJ, invisible operators, isolates
                         OR ascii(c) = 12288                    -- ideographic space
                         OR ascii(c) BETWEEN 65024 AND 65039    -- variation selectors
                         OR ascii(c) = 65279                    -- BOM / ZWNBSP
                    THEN '<U+' || upper(lpad(to_hex(ascii(c)), 4, '0')) || '>'
                    ELSE c END, '' ORDER BY i), '')
    FROM regexp_split_to_table(s, '') WITH ORDINALITY AS t(c, i)
    WHERE c <> ''
$$;

-- ---------------------------------------------------------------------------
-- 1. Values no function can parse, through every text masking function.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE hostile (n int, label text, v text);
INSERT INTO hostile VALUES
    (1, 'empty', ''),
    (2, 'ASCII spaces', '   '),
    (3, 'tab, LF, CR LF', E'\t\n\r\n'),
    (4, 'ideographic spaces', U&'\3000\3000'),
    (5, 'no-break spaces', U&'\00A0\00A0'),
    (6, 'combining marks only', U&'\0301\0308\0323'),
    (7, 'replacement char x3', U&'\FFFD\FFFD\FFFD'),
    (8, 'control chars', E'\x01\x07\x1b[0m\x7f'),
    (9, 'C1 control + NEL', U&'\0085\0090\009F'),
    (10, 'ZWJ + ZWSP + BOM', U&'\200D\200B\FEFF'),
    (11, 'Han + Latin', '张三John'),
    (12, 'Latin + Cyrillic', 'John Иван'),
    (13, 'Arabic name', 'محمد علي'),
    (14, 'Hebrew with RLM', U&'\200F' || 'שלום' || U&'\200F'),
    (15, 'Han with LRM', U&'\200E张三\200E'),
    (16, 'RLO override', U&'\202E' || '张三丰'),
    (17, 'Han + combining mark', '张' || U&'\0301' || '三'),
    (18, 'emoji family + flag', '👨‍👩‍👧🇨🇳'),
    (19, 'punctuation only', '-·@.'),
    (20, 'middle dot only', '·');

SELECT h.n, h.label, f.fn AS function, pg_temp.show(f.out) AS output
FROM hostile h
CROSS JOIN LATERAL (VALUES
    (1, 'partial(v,1,1)', mask.partial(h.v, 1, 1)),
    (2, 'redact', mask.redact(h.v)),
    (3, 'digits(v,3,2)', mask.digits(h.v, 3, 2)),
    (4, 'email', mask.email(h.v)),
    (5, 'cn_name', mask.cn_name(h.v)),
    (6, 'cn_phone', mask.cn_phone(h.v)),
    (7, 'cn_id_card', mask.cn_id_card(h.v)),
    (8, 'cn_address', mask.cn_address(h.v)),
    (9, 'bank_card', mask.bank_card(h.v))) AS f(k, fn, out)
ORDER BY h.n, f.k;

-- The validators say false to all of them.
SELECT h.n, h.label, mask.cn_id_card_valid(h.v) AS id_card_valid,
       mask.cn_mobile_valid(h.v) AS mobile_valid, mask.luhn_valid(h.v) AS luhn_valid
FROM hostile h ORDER BY h.n;

-- Pseudonyms hash the bytes as given: every hostile value gets a well-formed
-- pseudonym, all distinct, and values that look alike (or are equal after
-- NFC, NFKC or trimming) get different ones.
CREATE TEMP TABLE k AS
SELECT '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea AS key;

SELECT count(*) AS values, count(DISTINCT p) AS distinct_pseudonyms,
       bool_and(p ~ '^[0-9A-HJKMNP-TV-Z]{12}$') AS all_crockford_12
FROM (SELECT mask.pseudonym(h.v, k.key) AS p FROM hostile h, k) AS s;

SELECT label, mask.pseudonym(a, key) <> mask.pseudonym(b, key) AS differ
FROM k, (VALUES
    (1, 'NFC vs NFD e-acute', U&'\00E9', 'e' || U&'\0301'),
    (2, 'space vs no-break space', ' ', U&'\00A0'),
    (3, 'space vs ideographic space', ' ', U&'\3000'),
    (4, 'ASCII vs full-width digits', '138', '１３８'),
    (5, 'with vs without RLM', 'שלום', U&'\200F' || 'שלום'),
    (6, 'with vs without trailing space', '张三', '张三 ')) AS t(n, label, a, b)
ORDER BY n;

-- ---------------------------------------------------------------------------
-- 2. Digits in other widths and scripts; mask chars on hostile values.
-- ---------------------------------------------------------------------------
SELECT n, label, pg_temp.show(v) AS input, pg_temp.show(out) AS output
FROM (VALUES
    (1, 'digits full-width', '１２３４５６７８', mask.digits('１２３４５６７８', 3, 2)),
    (2, 'digits Arabic-Indic', '١٢٣٤٥٦٧٨', mask.digits('١٢٣٤٥٦٧٨', 3, 2)),
    (3, 'digits Extended Arabic-Indic', '۱۲۳۴۵۶۷۸', mask.digits('۱۲۳۴۵۶۷۸', 3, 2)),
    (4, 'digits Devanagari', '१२३४५६७८', mask.digits('१२३४५६७८', 3, 2)),
    (5, 'digits mixed scripts', '12३४٥٦７8', mask.digits('12३४٥٦７8', 3, 2)),
    (6, 'digits superscripts (NFKC)', '¹²³⁴⁵', mask.digits('¹²³⁴⁵', 1, 1)),
    (7, 'digits circled (NFKC: 1 2 3)', '①②③', mask.digits('①②③', 0, 0)),
    (8, 'digits between RLM', U&'\200F' || '123456' || U&'\200F', mask.digits(U&'\200F' || '123456' || U&'\200F', 1, 1)),
    (9, 'digits in 1 grapheme (1+U+0301)', '1' || U&'\0301' || '2345', mask.digits('1' || U&'\0301' || '2345', 0, 1)),
    (10, 'email only @', '@', mask.email('@')),
    (11, 'email @@', '@@', mask.email('@@')),
    (12, 'email trailing @', 'a@b@', mask.email('a@b@')),
    (13, 'email combining local', U&'\0301' || '@b.cn', mask.email(U&'\0301' || '@b.cn')),
    (14, 'email emoji local', '👨‍👩‍👧x@b.cn', mask.email('👨‍👩‍👧x@b.cn')),
    (15, 'email Arabic local', 'محمد@مثال.مصر', mask.email('محمد@مثال.مصر')),
    (16, 'email full-width at', 'ab＠b.cn', mask.email('ab＠b.cn')),
    (17, 'email space local', ' @b.cn', mask.email(' @b.cn')),
    (18, 'partial mask char flag', '张三丰', mask.partial('张三丰', 1, 0, '🇨🇳')),
    (19, 'redact pad on marks', U&'\0301\0301', mask.redact(U&'\0301\0301', '*', 3))
    ) AS t(n, label, v, out)
ORDER BY n;

-- ---------------------------------------------------------------------------
-- 3. Names: white space, scripts, dots and marks.
-- ---------------------------------------------------------------------------
SELECT n, label, pg_temp.show(v) AS input, pg_temp.show(mask.cn_name(v)) AS cn_name,
       pg_temp.show(mask.cn_name(v, keep => 'last')) AS keep_last
FROM (VALUES
    (1, 'ideographic spaces around', U&'\3000张三\3000'),
    (2, 'no-break spaces around', U&'\00A0张三丰\00A0'),
    (3, 'tab and CR LF around', E'\t张三\r\n'),
    (4, 'inner ideographic space', U&'张\3000三'),
    (5, 'full-width Latin', 'Ｊｏｈｎ'),
    (6, 'Latin with digits', 'John2 Smith'),
    (7, 'Han with digit', '张3'),
    (8, 'hyphen only', '-'),
    (9, 'double hyphen name', 'Jean--Luc'),
    (10, 'dot at end', '阿依古丽·'),
    (11, 'dot at start', '·买买提'),
    (12, 'two dots', '阿依古丽··买买提'),
    (13, 'katakana dot name', 'ジョン・スミス'),
    (14, 'Greek name', 'Νίκος Παππάς'),
    (15, 'Arabic with RLM', U&'\200F' || 'محمد'),
    (16, 'Han outside BMP', '𠮷野家'),
    (17, 'compound surname + marks', '欧阳' || U&'\0301' || '娜娜'),
    (18, 'Hangul name', '김민준'),
    (19, 'Han + emoji', '张三😀')
    ) AS t(n, label, v)
ORDER BY n;

-- ---------------------------------------------------------------------------
-- 4. Phone numbers near every boundary of doc/masking-rules.md.
-- ---------------------------------------------------------------------------
SELECT n, label, pg_temp.show(v) AS input, pg_temp.show(mask.cn_phone(v)) AS cn_phone,
       mask.cn_mobile_valid(v) AS mobile_valid
FROM (VALUES
    (1, 'mobile 10 digits', '1381234567'),
    (2, 'mobile 11 digits', '13812345678'),
    (3, 'mobile 12 digits', '138123456789'),
    (4, 'mobile second digit 2', '12812345678'),
    (5, 'mobile second digit 0', '10812345678'),
    (6, 'mobile letter inside', '138a2345678'),
    (7, 'mobile letter O for 0', '13812345O78'),
    (8, '+86 then 10 digits', '+86 1381234567'),
    (9, '+86 then 12 digits', '+86 138123456789'),
    (10, '+86 no space', '+8613812345678'),
    (11, '0086 prefix', '008613812345678'),
    (12, '86 prefix', '8613812345678'),
    (13, '+85 wrong country', '+85 13812345678'),
    (14, '+86 twice', '+86 +86 13812345678'),
    (15, '+ without country', '+13812345678'),
    (16, '++86', '++8613812345678'),
    (17, '+86 landline', '+86 0553-1234567'),
    (18, 'full-width mobile + hyphens', '１３８－１２３４－５６７８'),
    (19, 'Arabic-Indic mobile', '١٣٨١٢٣٤٥٦٧٨'),
    (20, 'mixed separators', '138 1234-5678'),
    (21, 'brackets around prefix', '(+86)138-1234-5678'),
    (22, 'dots as separators', '138.1234.5678'),
    (23, 'slashes as separators', '138/1234/5678'),
    (24, 'text before number', 'tel:13812345678'),
    (25, 'trailing text', '13812345678 (home)'),
    (26, '400 ten digits', '400-123-4567'),
    (27, '400 one short', '400-123-456'),
    (28, '400 one long', '400-123-45678'),
    (29, '800 ten digits', '8001234567'),
    (30, '500 ten digits', '500-123-4567'),
    (31, 'landline 6-digit local', '0553-123456'),
    (32, 'landline 7-digit local', '0553-1234567'),
    (33, 'landline 8-digit local', '0553-12345678'),
    (34, 'landline 9-digit local', '0553-123456789'),
    (35, '010 6-digit local', '010-123456'),
    (36, '010 9-digit local', '010-123456789'),
    (37, '021 8-digit local', '021-12345678'),
    (38, 'area code in brackets', '(0553)1234567'),
    (39, 'extension after -', '0553-1234567-808'),
    (40, 'extension after ext', '0553-1234567ext808'),
    (41, 'extension after x', '010-12345678x8'),
    (42, 'extension on a mobile', '13812345678转808'),
    (43, 'landline without 0', '553-1234567'),
    (44, 'separators only', '---'),
    (45, 'eleven zeros', '00000000000'),
    (46, 'mobile + RLM', U&'\200F' || '13812345678'),
    (47, '86- prefix', '86-13812345678'),
    (48, 'mobile in brackets', '(13812345678)'),
    (49, 'landline, no separator', '01012345678'),
    (50, 'empty extension', '0553-1234567转'),
    (51, 'extension on 400', '400-123-4567转8'),
    (52, '+86 on 400', '+86 400-123-4567'),
    (53, 'one digit per group', '1 3 8 1 2 3 4 5 6 7 8')
    ) AS t(n, label, v)
ORDER BY n;

-- ---------------------------------------------------------------------------
-- 5. Resident ID numbers near every boundary.
-- ---------------------------------------------------------------------------
SELECT n, label, pg_temp.show(v) AS input, pg_temp.show(mask.cn_id_card(v)) AS cn_id_card,
       pg_temp.show(mask.cn_id_card(v, 6, 4)) AS keep_6_4, mask.cn_id_card_valid(v) AS valid
FROM (VALUES
    (1, '14 digits', '34020219900101'),
    (2, '15 digits, real date', '340202900101123'),
    (3, '15 digits, Feb 30', '340202900230123'),
    (4, '15 digits, month 13', '340202901301123'),
    (5, '14 digits + X', '34020290010112X'),
    (6, '16 digits', '3402021990010112'),
    (7, '17 digits', '34020219900101123'),
    (8, '17 digits + X', '34020219900101123X'),
    (9, '18 digits, right check', '340202199001011231'),
    (10, '18 digits, wrong check', '340202199001011232'),
    (11, '18 digits, Feb 30', '340202199002301231'),
    (12, 'lower-case x check', '11010519491231002x'),
    (13, 'full-width X check', '１１０１０５１９４９１２３１００２Ｘ'),
    (14, 'X in the middle', '3402021990X1011231'),
    (15, 'letter as check', '34020219900101123A'),
    (16, 'letter O among digits', '3402021990O1011231'),
    (17, '19 digits', '3402021990010112310'),
    (18, '18 digits + X', '340202199001011231X'),
    (19, 'hyphen separators', '340202-19900101-1231'),
    (20, 'outer spaces', '  340202199001011231  '),
    (21, 'inner ideographic space', U&'340202\300019900101\30001231'),
    (22, 'inner tab', E'340202\t199001011231'),
    (23, 'Arabic-Indic digits', '٣٤٠٢٠٢١٩٩٠٠١٠١١٢٣١'),
    (24, 'RLM inside', U&'340202\200F199001011231'),
    (25, 'combining mark on digit', '3402021990010112' || U&'\0301' || '31')
    ) AS t(n, label, v)
ORDER BY n;

-- ---------------------------------------------------------------------------
-- 6. Bank cards near every boundary.
-- ---------------------------------------------------------------------------
SELECT n, label, pg_temp.show(v) AS input, pg_temp.show(mask.bank_card(v)) AS bank_card,
       mask.luhn_valid(v) AS luhn_valid
FROM (VALUES
    (1, '7 digits', '1234567'),
    (2, '8 digits', '12345678'),
    (3, '11 digits', '12345678901'),
    (4, '12 digits', '622202123456'),
    (5, '12 digits, Luhn ok', '400000000002'),
    (6, '19 digits', '6222021234567890128'),
    (7, '20 digits', '62220212345678901280'),
    (8, 'mixed separators', '6222 0212-3456 7890'),
    (9, 'double separators', '6222  0212--3456 7890'),
    (10, 'leading separator', '-6222021234567890'),
    (11, 'dots', '6222.0212.3456.7890'),
    (12, 'slashes', '6222/0212/3456/7890'),
    (13, 'letter inside', '6222O21234567890'),
    (14, 'full-width + ideographic space', U&'６２２２\3000０２１２\3000３４５６\3000７８９０'),
    (15, 'no-break spaces', U&'6222\00A00212\00A03456\00A07890'),
    (16, 'Arabic-Indic digits', '٦٢٢٢٠٢١٢٣٤٥٦٧٨٩٠'),
    (17, 'separators only', '- - -'),
    (18, '7 digits + separators', '12-34-567'),
    (19, 'tab separators', E'6222\t0212\t3456\t7890'),
    (20, 'plus sign', '+6222021234567890')
    ) AS t(n, label, v)
ORDER BY n;

-- ---------------------------------------------------------------------------
-- 7. Addresses that are not addresses, or only half.
-- ---------------------------------------------------------------------------
SELECT n, label, pg_temp.show(v) AS input, pg_temp.show(mask.cn_address(v)) AS cn_address,
       pg_temp.show(mask.cn_address(v, 'room')) AS keep_room
FROM (VALUES
    (1, 'suffix alone', '省'),
    (2, 'suffixes alone', '省市区'),
    (3, 'phone before 省', '13812345678省'),
    (4, 'ID number before 号', '340202199001011231号'),
    (5, 'Latin before 市', 'John Smith市'),
    (6, 'sentence ending in 省', '我们今天要去的地方是安徽省'),
    (7, 'RLO then address', U&'\202E安徽省芜湖市'),
    (8, 'ideographic spaces', U&'安徽省\3000芜湖市\3000镜湖区\3000某路1号'),
    (9, 'Latin address', '10 Downing Street, London'),
    (10, 'Arabic text', 'شارع الملك فهد'),
    (11, 'emoji before 区', '😀区'),
    (12, 'full-width digits', '安徽省芜湖市镜湖区某路１２号３栋')
    ) AS t(n, label, v)
ORDER BY n;

-- ---------------------------------------------------------------------------
-- 8. Long values: 1 MB and 100,000 graphemes (ASCII and CJK fast paths, ICU
-- path), summarised.  `as_documented` compares with the documented output.
-- ---------------------------------------------------------------------------
-- Every value repeats one grapheme `g1` (`g` graphemes in all), so the
-- documented outputs can be written down directly.  digits() works on the
-- NFKC form (e + U+0301 becomes U+00E9, full-width 8 becomes 8).
CREATE TEMP TABLE big (n int, label text, g1 text, g int, v text);
INSERT INTO big
SELECT n, label, g1, g, repeat(g1, g)
FROM (VALUES
    (1, '1 MB ASCII letters', 'a', 1048576),
    (2, '1 MB ASCII digits', '1', 1048576),
    (3, '1 MB Han', '张', 349525),
    (4, '100,000 e + U+0301', 'e' || U&'\0301', 100000),
    (5, '100,000 emoji families', '👨‍👩‍👧', 100000),
    (6, '100,000 CR LF', E'\r\n', 100000),
    (7, '1 MB full-width digits', '８', 349525)) AS t(n, label, g1, g);

SELECT b.n, b.label, f.fn AS function, octet_length(f.out) AS bytes, char_length(f.out) AS chars,
       f.out = f.documented AS as_documented, md5(f.out) AS md5
FROM big b
CROSS JOIN LATERAL (VALUES
    (1, 'redact', mask.redact(b.v), repeat('*', b.g)),
    (2, 'partial(v,1,1)', mask.partial(b.v, 1, 1), b.g1 || repeat('*', b.g - 2) || b.g1),
    (3, 'digits(v,3,2)', mask.digits(b.v, 3, 2),
        CASE b.n WHEN 2 THEN '111' || repeat('*', b.g - 5) || '11'
                 WHEN 7 THEN '888' || repeat('*', b.g - 5) || '88'
                 ELSE normalize(b.v, NFKC) END),
    (4, 'email', mask.email(b.v), repeat('*', b.g)),
    (5, 'cn_name', mask.cn_name(b.v),
        CASE WHEN b.n = 6 THEN '' ELSE b.g1 || repeat('*', b.g - 1) END),
    (6, 'cn_phone', mask.cn_phone(b.v), repeat('*', b.g)),
    (7, 'cn_id_card', mask.cn_id_card(b.v), repeat('*', b.g)),
    (8, 'cn_address', mask.cn_address(b.v), '****'),
    (9, 'bank_card', mask.bank_card(b.v), repeat('*', b.g))) AS f(k, fn, out, documented)
ORDER BY b.n, f.k;

-- A real address followed by 1 MB: the recognised prefix, then the pad.
SELECT mask.cn_address('安徽省芜湖市镜湖区' || repeat('张', 349525)) AS district,
       mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋' || repeat('张', 349525), 'room') AS room,
       mask.email(repeat('a', 1048576) || '@b.cn') AS long_local,
       mask.email('a@' || repeat('b', 1048576)) = '***@' || repeat('b', 1048576) AS long_domain_kept;

-- Validators and pseudonyms on the long values: false, and 12 symbols.
SELECT n, label, mask.cn_id_card_valid(v) AS id_card_valid, mask.cn_mobile_valid(v) AS mobile_valid,
       mask.luhn_valid(v) AS luhn_valid, mask.pseudonym(v, key) ~ '^[0-9A-HJKMNP-TV-Z]{12}$' AS pseudonym_ok
FROM big, k ORDER BY n;

-- ---------------------------------------------------------------------------
-- 9. generalize: extreme numbers and dates never raise.
-- ---------------------------------------------------------------------------
SELECT n, label, out
FROM (VALUES
    (1, 'tiny step', mask.generalize(0.5, 1e-20)::text),
    (2, 'huge value, step 1', mask.generalize(1e30, 1)::text),
    (3, 'negative tiny value', mask.generalize(-1e-30, 1)::text),
    (4, 'minus zero', mask.generalize('-0'::numeric, 10)::text),
    (5, '-Infinity', mask.generalize('-Infinity'::numeric, 10)::text),
    (6, 'bigint min, step 1', mask.generalize('-9223372036854775808'::bigint, 1::bigint)::text),
    (7, 'bigint max, step max', mask.generalize(9223372036854775807::bigint, 9223372036854775807::bigint)::text),
    (8, 'date 4714 BC, week', mask.generalize('4714-11-24 BC'::date, 'week')::text),
    (9, 'date last, quarter', mask.generalize('5874897-12-31'::date, 'quarter')::text),
    (10, 'date last, week', mask.generalize('5874897-12-31'::date, 'week')::text)
    ) AS t(n, label, out)
ORDER BY n;
