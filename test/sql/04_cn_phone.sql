-- mask.cn_phone: every example of doc/masking-rules.md.
SET client_encoding = 'UTF8';

SELECT v AS value, mask.cn_phone(v) AS masked
FROM (VALUES (1, '13812345678'), (2, '+86 138-1234-5678'), (3, '１３８１２３４５６７８'),
             (4, '0553-1234567'), (5, '010 12345678'), (6, '0553-1234567转808'),
             (7, '400-123-4567'), (8, '12345'), (9, '张三 13812345678'), (10, '')) AS t(n, v)
ORDER BY n;

SELECT mask.cn_phone('13812345678', 'X') AS mask_char,
       mask.cn_phone(NULL) IS NULL AS strict_null;
