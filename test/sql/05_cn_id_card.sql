-- mask.cn_id_card: every example of doc/masking-rules.md, then shapes and keeps.
SET client_encoding = 'UTF8';

SELECT mask.cn_id_card('340202199001011231') AS "3****************1",
       mask.cn_id_card('340202199001011231', 6, 4) AS "340202********1231",
       mask.cn_id_card('34020219900101') AS "************** (wrong shape)";

-- A wrong check character masks the same way; 15-digit numbers, x, inner
-- white space and full-width digits are recognised.
SELECT v AS value, mask.cn_id_card(v, 6, 4) AS masked
FROM (VALUES (1, '340202199001011232'), (2, '11010519491231002X'), (3, '11010519491231002x'),
             (4, '340202900101123'), (5, '３４０２０２１９９００１０１１２３１'),
             (6, '340202 19900101 1231'), (7, '')) AS t(n, v)
ORDER BY n;

-- The largest keeps never reveal the birth date (characters 7-14).
SELECT mask.cn_id_card('340202199001011231', 0, 0) AS keep_none,
       mask.cn_id_card('340202199001011231', 6, 0, '#') AS region_only,
       mask.cn_id_card(NULL) IS NULL AS strict_null;
