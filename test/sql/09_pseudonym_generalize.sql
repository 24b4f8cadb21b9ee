-- mask.pseudonym and mask.generalize.
SET client_encoding = 'UTF8';
SET DateStyle = 'ISO, YMD';

-- Pseudonyms: HMAC-SHA-256 in Crockford base32.  The aliases are the values
-- computed independently (Python's hmac module) for the key 0x00..0x1f.
CREATE TEMP TABLE k AS
SELECT '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea AS key;

SELECT mask.pseudonym('张三', key) AS "Z0BBY0ZS0V41",
       mask.pseudonym('13812345678', key) AS "0QP8TYF8SG4Y",
       mask.pseudonym('', key) AS "TE5M42BDG3T5",
       mask.pseudonym('张三 ', key) AS "X4XNGVXV9VQH"
FROM k;

SELECT mask.pseudonym('张三', key, 6) AS "Z0BBY0",
       mask.pseudonym('张三', key, 52) AS "Z0BBY0ZS0V41MNVTDSAWE7XGY995HFQY5QNFQ4SMP4P0N6KMV020",
       mask.pseudonym('张三', '0123456789abcdef'::bytea) AS "GTSCD53J6DTK (16-byte key)"
FROM k;

-- Same value and key, same pseudonym; only Crockford symbols; a prefix of
-- the longer form; another key gives another pseudonym.
SELECT mask.pseudonym('张三', key) = mask.pseudonym('张三', key) AS deterministic,
       mask.pseudonym('张三', key, 52) ~ '^[0-9A-HJKMNP-TV-Z]{52}$' AS crockford_only,
       left(mask.pseudonym('张三', key, 52), 12) = mask.pseudonym('张三', key) AS prefix,
       mask.pseudonym('张三', key) <> mask.pseudonym('张三', set_byte(key, 0, 1)) AS keyed,
       mask.pseudonym(NULL, key) IS NULL AS strict_null
FROM k;

-- Pseudonyms of 10,000 distinct values do not collide at length 12.
SELECT count(DISTINCT mask.pseudonym(i::text, key)) AS distinct_pseudonyms
FROM k, generate_series(1, 10000) AS i;
DROP TABLE k;

-- generalize(numeric, numeric): [floor(v / step) * step, + step)
SELECT v, step, mask.generalize(v, step) AS bucket
FROM (VALUES (1, 123.45, 100), (2, 100, 100), (3, 99.999, 100), (4, -0.5, 100), (5, -100, 100),
             (6, -123.45, 100), (7, 1.3, 0.5), (8, 0, 7), (9, 1e30, 1e29)) AS t(n, v, step)
ORDER BY n;
SELECT mask.generalize('NaN'::numeric, 10) AS nan, mask.generalize('Infinity'::numeric, 10) AS inf,
       mask.generalize(5.5, NULL) IS NULL AS strict_null;

-- generalize(bigint, bigint): floor for negatives, open ends beyond bigint
SELECT v, step, mask.generalize(v, step) AS bucket
FROM (VALUES (1, 123::bigint, 100::bigint), (2, 100, 100), (3, -1, 100), (4, -100, 100),
             (5, -101, 100), (6, 0, 1), (7, 9223372036854775807, 10),
             (8, -9223372036854775808, 10), (9, 9223372036854775807, 1),
             (10, -9223372036854775808, 9223372036854775807)) AS t(n, v, step)
ORDER BY n;

-- generalize(date, text): year, quarter, month, ISO week (Monday first)
SELECT d, unit, mask.generalize(d, unit) AS bucket
FROM (VALUES (1, '2024-05-17'::date, 'month'), (2, '2024-05-17', 'year'), (3, '2024-05-17', 'quarter'),
             (4, '2024-12-31', 'quarter'), (5, '2024-12-31', 'month'), (6, '2024-05-17', 'week'),
             (7, '2024-05-20', 'week'), (8, '2024-05-19', 'week'), (9, '2025-01-01', 'week'),
             (10, '2024-02-29', 'month'), (11, '2024-05-17', 'MONTH')) AS t(n, d, unit)
ORDER BY n;
SELECT mask.generalize('infinity'::date, 'year') AS inf, mask.generalize('-infinity'::date, 'week') AS ninf,
       mask.generalize('5874897-12-31'::date, 'month') AS last_month,
       mask.generalize('4714-11-24 BC'::date, 'year') AS first_year;
