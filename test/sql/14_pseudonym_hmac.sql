-- mask.pseudonym computes HMAC-SHA-256 from keyed states cached per call
-- site (src/pseudonym.c, src/core/hmac_sha256.c).  Here it is compared with
-- the implementation it replaced, PostgreSQL's pg_hmac one context per call
-- (src/pseudonym_reference.c), on a million values: every length of value
-- across SHA-256's padding boundaries, multi-byte text, keys shorter than,
-- equal to and longer than a block (those are hashed first), and the key
-- changing from row to row at one call site (the cache must follow it).
SET client_encoding = 'UTF8';

BEGIN;
-- The reference is no function of the extension: the test declares it, for
-- this transaction only, on the library the extension's functions use.
DO $$
BEGIN
    EXECUTE format('CREATE FUNCTION pg_temp.t14_reference(text, bytea, integer) RETURNS text '
                   'LANGUAGE C IMMUTABLE STRICT AS %L, %L',
                   (SELECT probin FROM pg_catalog.pg_proc
                    WHERE oid = 'mask.pseudonym(text,bytea,integer)'::regprocedure),
                   'pseudonym_pg_hmac');
END
$$;

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
       count(*) FILTER (WHERE mask.pseudonym(v, k.key, 52) <> pg_temp.t14_reference(v, k.key, 52)) AS different
FROM t14_values, t14_keys AS k WHERE k.n = 1
UNION ALL
SELECT 'key changes per row', count(*),
       count(*) FILTER (WHERE mask.pseudonym(v, k.key, 12) <> pg_temp.t14_reference(v, k.key, 12))
FROM t14_values JOIN t14_keys AS k ON k.n = t14_values.i % 7
WHERE i <= 200000;

-- Every key length on the same values, at the shortest and longest length.
SELECT k.n, length(k.key) AS key_bytes, count(*) AS compared,
       count(*) FILTER (WHERE mask.pseudonym(v, k.key, 6) <> pg_temp.t14_reference(v, k.key, 6)
                           OR mask.pseudonym(v, k.key, 52) <> pg_temp.t14_reference(v, k.key, 52)) AS different
FROM t14_values, t14_keys AS k
WHERE i <= 20000
GROUP BY k.n, k.key ORDER BY k.n;

-- A cached key does not let a short key through at the same call site.
SELECT mask.pseudonym(v, CASE WHEN i = 3 THEN '\x00'::bytea ELSE k.key END)
FROM t14_values, t14_keys AS k WHERE k.n = 0 AND i <= 5;
ROLLBACK;
