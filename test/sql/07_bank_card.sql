-- mask.bank_card: every example of doc/masking-rules.md, then lengths and shapes.
SET client_encoding = 'UTF8';

SELECT mask.bank_card('6222021234567890128') AS "622202*********0128",
       mask.bank_card('6222 0212 3456 7890 128') AS "6222 02** **** ***0 128";

SELECT v AS value, mask.bank_card(v) AS masked
FROM (VALUES (1, '622202123456'), (2, '12345678'), (3, '12345678901'), (4, '1234567'),
             (5, '6222-0212-3456-7890'), (6, '６２２２０２１２３４５６７８９０１２８'),
             (7, '6222a21234567890128'), (8, '62220212345678901280'), (9, '')) AS t(n, v)
ORDER BY n;

SELECT mask.bank_card('6222021234567890128', 'X') AS mask_char,
       mask.bank_card(NULL) IS NULL AS strict_null;
