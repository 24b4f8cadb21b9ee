-- The validators used by discovery: cn_id_card_valid, cn_mobile_valid,
-- luhn_valid.
SET client_encoding = 'UTF8';

SELECT v AS value, mask.cn_id_card_valid(v) AS valid
FROM (VALUES (1, '340202199001011231'), (2, '11010519491231002X'),
             (3, '340202199001011232'), (4, '340202199002301231'),
             (5, '340202900101123'), (6, '340202900230123'),
             (7, '34020219900101'), (8, 'ABCDEFGHIJKLMNOPQR'), (9, '')) AS t(n, v)
ORDER BY n;

SELECT v AS value, mask.cn_mobile_valid(v) AS valid
FROM (VALUES (1, '13812345678'), (2, '+8613812345678'), (3, '008613812345678'),
             (4, '8613812345678'), (5, '12812345678'), (6, '1381234567'),
             (7, '0553-1234567'), (8, '')) AS t(n, v)
ORDER BY n;

SELECT v AS value, mask.luhn_valid(v) AS valid
FROM (VALUES (1, '4111111111111111'), (2, '4111111111111112'), (3, '79927398713'),
             (4, '6222021234567890128'), (5, '0000000000000'), (6, '')) AS t(n, v)
ORDER BY n;

SELECT mask.cn_id_card_valid(NULL) IS NULL AS id_strict,
       mask.cn_mobile_valid(NULL) IS NULL AS mobile_strict,
       mask.luhn_valid(NULL) IS NULL AS luhn_strict;
