-- mask.partial, mask.redact, mask.digits, mask.email: every example of
-- doc/masking-rules.md, then NULLs, empty strings, pad and other mask chars.
SET client_encoding = 'UTF8';

-- partial (examples)
SELECT mask.partial('13812345678', 3, 4) AS "138****5678";
SELECT mask.partial('张三', 1, 1) AS "张* (leak guard)";
SELECT mask.partial('欧阳娜娜', 2, 0) AS "欧阳**";
SELECT mask.partial('a', 1, 1) AS "* (leak guard)";
SELECT mask.partial('张三丰', 1, 0, '*', 2) AS "张**";
SELECT mask.partial('张三', 1, 0, '*', 2) AS "张** (length hidden)";
SELECT mask.partial('👨‍👩‍👧张三', 1, 0) AS "👨‍👩‍👧**";
SELECT normalize(mask.partial('te' || U&'\0301' || 'st', 2, 0), NFC) = 'té**' AS "té** (é kept whole)",
       mask.partial('te' || U&'\0301' || 'st', 2, 0) = 'te' || U&'\0301' || '**' AS byte_for_byte;

-- partial: graphemes outside the BMP, flags, CRLF, combining marks
SELECT mask.partial('𠮷野家', 1, 0) AS "𠮷**",
       mask.partial('🇨🇳🇨🇳中', 1, 1) AS "🇨🇳*中",
       mask.partial(E'a\r\nb', 0, 1) = '**b' AS crlf_is_one,
       mask.partial('abcd', 2, 5) AS "ab*d (tail reduced first)",
       mask.partial('abc', 5, 0) AS "ab* (head reduced)";

-- partial: NULLs (not STRICT because pad defaults to NULL)
SELECT mask.partial(NULL, 1, 1) IS NULL AS null_value,
       mask.partial('张三丰', NULL, 1) IS NULL AS null_keep_head,
       mask.partial('张三丰', 1, 0, NULL) AS "null mask_char = *",
       mask.partial('张三丰', 1, 0, '*', NULL) AS "null pad = no pad",
       mask.partial('', 1, 1) = '' AS empty_stays_empty;

-- partial: other mask chars, named parameters
SELECT mask.partial('13812345678', 3, 4, '＊') AS fullwidth,
       mask.partial('13812345678', 3, 4, mask_char => '●') AS bullet,
       mask.partial('13812345678', keep_head => 0, keep_tail => 4, pad => 3) AS padded,
       mask.partial('张三丰', 1, 0, 'e' || U&'\0301') = '张' || repeat('e' || U&'\0301', 2) AS two_code_point_mask_char;

-- redact
SELECT mask.redact('张三') AS "**",
       mask.redact('张三', '*', 4) AS "****",
       mask.redact('👨‍👩‍👧🇨🇳e' || U&'\0301') AS "*** (three graphemes)",
       mask.redact(NULL) IS NULL AS null_value,
       mask.redact('') = '' AS empty,
       mask.redact('', '*', 4) = '' AS empty_with_pad,
       mask.redact('abc', NULL, NULL) AS defaults;

-- digits
SELECT mask.digits('0553-6512 3456', 4, 2) AS "0553-**** **56",
       mask.digits('１２３４', 0, 2) AS "**34",
       mask.digits('12', 2, 2) AS "1* (leak guard)",
       mask.digits('无数字', 1, 1) AS no_digits,
       mask.digits('卡号：６２２２', 1, 1, 'X') AS nfkc_then_mask,
       mask.digits(NULL, 1, 1) IS NULL AS strict_null;

-- email
SELECT mask.email('zhangsan@example.com') AS "z***@example.com",
       mask.email('a@b.cn') AS "***@b.cn",
       mask.email('not-an-email') AS "************",
       mask.email('@b.cn') AS no_local,
       mask.email('ab@') AS no_domain,
       mask.email('a@b@c.cn') AS last_at,
       mask.email('张三丰@例子.中国', '●') AS han,
       mask.email(NULL) IS NULL AS strict_null;

-- Over a table: NULL rows stay NULL, every other row is masked.
CREATE TEMP TABLE people (id int, name text, phone text);
INSERT INTO people VALUES (1, '张三', '13812345678'), (2, '欧阳娜娜', NULL), (3, NULL, '0553-6512 3456');
SELECT id, mask.partial(name, 1, 0) AS name, mask.digits(phone, 3, 2) AS phone
FROM people ORDER BY id;
DROP TABLE people;
