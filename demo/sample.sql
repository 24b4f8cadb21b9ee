-- The side-by-side sample of `make demo`: a dozen households chosen to show
-- the variety of the data (ordinary, compound and middle-dot names, a Latin
-- name, landline, +86 and full-width mobiles, card in groups, addresses
-- without a road or outside 镜湖区, and the planted malformed values), each
-- field raw and masked by maskview's functions; then the check of the whole
-- data set with maskview's validators; then one lobby notice as it was
-- posted and as it prints with the masks.
--
--   psql -f demo/sample.sql      (after demo/generate_data.sql)
--
-- The account token here uses a fixed, published demo key. In a policy the
-- key is the policy's own secret (demo/policies.sql), never written by hand.

\set ON_ERROR_STOP on
-- This file is UTF-8, whatever the database encoding (psql would otherwise
-- assume the server's encoding when not on a terminal).
\encoding UTF8
SET client_min_messages = warning;
SET search_path = pg_catalog, pg_temp;
\pset footer off
\pset null ''

\set demo_key 'pg_catalog.convert_to(''maskview demo key - not a secret'', ''UTF8'')'

\echo
\echo '== A sample of households: raw value, masked value, and whether maskview''s'
\echo '   validator accepts the raw value (a rejected value is masked fully: fail closed)'

WITH pick(ord, why, household_id) AS (
    -- The first household (by id) of each kind; deterministic with the data.
    SELECT 1, 'ordinary name, landline', (SELECT h.household_id FROM billing.households AS h
        WHERE h.landline IS NOT NULL AND pg_catalog.char_length(h.holder_name) = 3
          AND h.email IS NOT NULL ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 2, 'two-character name', (SELECT h.household_id FROM billing.households AS h
        WHERE pg_catalog.char_length(h.holder_name) = 2 AND h.holder_name !~ '[·・A-Za-z]'
        ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 3, 'compound surname', (SELECT h.household_id FROM billing.households AS h
        WHERE pg_catalog.left(h.holder_name, 2) IN ('欧阳', '司马', '诸葛', '上官', '东方', '慕容')
        ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 4, 'name with middle dot', (SELECT h.household_id FROM billing.households AS h
        WHERE h.holder_name ~ '[·・]' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 5, 'Latin name', (SELECT h.household_id FROM billing.households AS h
        WHERE h.holder_name ~ '^[A-Z]' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 6, '+86 mobile, card in groups', (SELECT h.household_id FROM billing.households AS h
        WHERE h.mobile LIKE '+86 %' AND h.bank_card LIKE '% %' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 7, 'full-width mobile', (SELECT h.household_id FROM billing.households AS h
        WHERE h.mobile ~ '^[０-９]' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 8, 'address without road, county', (SELECT h.household_id FROM billing.households AS h
        WHERE h.address LIKE '%县%' AND h.address !~ '(路|街|大道)[0-9]+号' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 9, 'malformed: short phone', (SELECT h.household_id FROM billing.households AS h
        WHERE h.mobile ~ '^[0-9]{7}$' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 10, 'malformed: ID check char', (SELECT h.household_id FROM billing.households AS h
        WHERE demo_gen.id_check(pg_catalog.left(h.id_card, 17)) <> pg_catalog.right(h.id_card, 1)
        ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 11, 'malformed: free-text address', (SELECT h.household_id FROM billing.households AS h
        WHERE h.address NOT LIKE '安徽省%' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 12, 'malformed: email', (SELECT h.household_id FROM billing.households AS h
        WHERE h.email LIKE '% at %' ORDER BY h.household_id LIMIT 1)
    UNION ALL SELECT 13, 'malformed: card fails Luhn', (SELECT h.household_id FROM billing.households AS h
        WHERE h.bank_card IS NOT NULL AND NOT mask.luhn_valid(h.bank_card)
        ORDER BY h.household_id LIMIT 1)
),
field(ord, why, household_id, n, field, raw, masked, valid) AS (
    SELECT p.ord, p.why || ' (#' || h.household_id || ')', h.household_id, f.n, f.field, f.raw, f.masked, f.valid
    FROM pick AS p
    JOIN billing.households AS h USING (household_id),
    LATERAL (VALUES
        (1, 'holder_name', h.holder_name, mask.cn_name(h.holder_name), NULL::boolean),
        (2, 'mobile', h.mobile, mask.cn_phone(h.mobile), mask.cn_mobile_valid(h.mobile)),
        (3, 'landline', h.landline, mask.cn_phone(h.landline), NULL),
        (4, 'id_card', h.id_card, mask.cn_id_card(h.id_card), mask.cn_id_card_valid(h.id_card)),
        (5, 'address', h.address, mask.cn_address(h.address, 'unit'), NULL),
        (6, 'bank_card', h.bank_card, mask.bank_card(h.bank_card), mask.luhn_valid(h.bank_card)),
        (7, 'email', h.email, mask.email(h.email), NULL),
        (8, 'account_no', h.account_no, mask.pseudonym(h.account_no, :demo_key, 8), NULL)
    ) AS f(n, field, raw, masked, valid)
    WHERE f.raw IS NOT NULL
)
SELECT CASE WHEN pg_catalog.row_number() OVER w = 1 THEN f.why ELSE '' END AS "household",
       f.field, f.raw, f.masked,
       CASE f.valid WHEN true THEN 'valid' WHEN false THEN 'INVALID' ELSE '' END AS "check"
FROM field AS f
WINDOW w AS (PARTITION BY f.ord ORDER BY f.n)
ORDER BY f.ord, f.n;

\echo
\echo '== The whole data set through maskview''s validators, against the generator''s'
\echo '   own check characters (demo_gen): the only rejected values are the planted ones'

SELECT 'id_card: mask.cn_id_card_valid' AS "check",
       pg_catalog.count(h.id_card) AS "values",
       pg_catalog.count(*) FILTER (WHERE NOT mask.cn_id_card_valid(h.id_card)) AS "rejected",
       pg_catalog.count(*) FILTER (WHERE demo_gen.id_check(pg_catalog.left(h.id_card, 17))
                                         <> pg_catalog.right(h.id_card, 1)) AS "planted"
FROM billing.households AS h
UNION ALL
SELECT 'bank_card: mask.luhn_valid',
       pg_catalog.count(h.bank_card),
       pg_catalog.count(*) FILTER (WHERE NOT mask.luhn_valid(h.bank_card)),
       pg_catalog.count(*) FILTER (WHERE demo_gen.luhn_check(pg_catalog.left(c.digits, -1))
                                         <> pg_catalog.right(c.digits, 1))
FROM billing.households AS h,
     LATERAL (SELECT pg_catalog.replace(h.bank_card, ' ', '') AS digits) AS c
UNION ALL
SELECT 'mobile: mask.cn_mobile_valid',
       pg_catalog.count(h.mobile),
       pg_catalog.count(*) FILTER (WHERE NOT mask.cn_mobile_valid(h.mobile)),
       pg_catalog.count(*) FILTER (WHERE pg_catalog.char_length(h.mobile) = 7)
FROM billing.households AS h;

\echo
\echo '== One community''s arrears notice as posted in the lobby before (the case):'
\echo '   full name, full address down to the room, account number'

-- The 镜湖区 community with the most bills in arrears; its notice lists the
-- first eight.
\ir community.sql
\ir notice_line.sql

CREATE TEMPORARY VIEW notice_lines AS
SELECT pg_catalog.row_number() OVER (ORDER BY h.address COLLATE "C", a.period) AS line,
       h.holder_name, h.address, h.account_no, a.utility, a.period, a.amount, a.due_date
FROM billing.arrears AS a
JOIN billing.households AS h USING (household_id)
WHERE mask.cn_address(h.address, 'community') = :'community';

SELECT pg_temp.notice_line(n.holder_name, n.address, n.account_no,
                           n.period, n.utility, n.amount, n.due_date) AS "before: 欠费催缴通知 as posted"
FROM pg_temp.notice_lines AS n
WHERE n.line <= 8
ORDER BY n.line;

\echo '== The same notice printed with maskview (name cn_name, address to unit level,'
\echo '   account number as an 8-character pseudonym token):'

SELECT pg_temp.notice_line(mask.cn_name(n.holder_name, pad => 2), mask.cn_address(n.address, 'unit'),
                           mask.pseudonym(n.account_no, :demo_key, 8),
                           n.period, n.utility, n.amount, n.due_date) AS "after: 欠费催缴通知 隐名化"
FROM pg_temp.notice_lines AS n
WHERE n.line <= 8
ORDER BY n.line;

DROP VIEW pg_temp.notice_lines;
