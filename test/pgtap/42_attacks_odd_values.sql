-- Attack suite, part 3: raw values the masking functions may not expect.
--
-- A member cannot choose the raw data, but data is messy: empty strings, very
-- long values, control characters, emoji sequences, full-width digits, names
-- in other scripts.  Whatever the masking functions do with them (mask, fail
-- closed, or raise an error), the member must never see the raw value, neither
-- in a row nor in an error message.  The member reads each row on its own
-- and records rows and error texts; the superuser looks for raw values.
\ir fixtures/begin.sql
\ir ../sql/fixtures/policy.sql

SELECT plan(5);

CREATE ROLE t42_owner NOLOGIN;
CREATE ROLE t42_member NOLOGIN;
CREATE SCHEMA t42_billing AUTHORIZATION t42_owner;
CREATE SCHEMA t42_scratch AUTHORIZATION t42_member;
CREATE SCHEMA t42_secret;

SET ROLE t42_owner;
GRANT USAGE ON SCHEMA t42_billing TO PUBLIC;
CREATE TABLE t42_billing.people (
    id          integer PRIMARY KEY,
    holder_name text,
    phone       text,
    id_card     text,
    address     text,
    card_no     text,
    email       text
);
-- Each value is distinctive enough (>= 4 characters, mostly) that finding it
-- in a masked output would mean a leak, not a coincidence.
INSERT INTO t42_billing.people VALUES
 (1, '诸葛孔明明', '１３８１２３４５６７８', '11010119900307851X', '北京市东城区东华门街道王府井大街1号',
     '6222021234567890123', 'kongming.zhuge@example.cn'),
 (2, 'Zhang Wei-Long', '+86 138-1234-5679', '110101199003078516', 'Flat 3, 17 Victoria Road, Kowloon',
     '4111 1111 1111 1111', 'zhang.weilong@example.com'),
 (3, '阿卜杜热合曼·买买提', '010-87654321转5678', '1101011990030785', '新疆维吾尔自治区乌鲁木齐市天山区解放北路88号',
     '62220212345', 'abdurehman@例子.中国'),
 (4, 'X', '1', 'x', 'y', 'z', 'w'),
 (5, '', '', '', '', '', ''),
 (6, E'王\u200d\u200d五六七', E'139\t0000\n1111', E'1101\u00a0011990\u00a003078515', E'上海市\u0001\u0002黄浦区外滩', NULL, NULL),
 (7, repeat('龘', 3000), repeat('9', 3000), repeat('X', 300), repeat('路', 5000), repeat('4', 500), repeat('a', 2000) || '@b.cn'),
 (8, E'👨\u200d👩\u200d👧家人', E'📞13812340000', E'ID\u0301110101199003078515', E'🏠杭州市西湖区🏠', E'💳6222021234567890', E'e\u0301mail@例.cn'),
 (9, E'\u0301\u0301\u0301', E'\uff10\uff10\uff10\uff10\uff10\uff10', E'\u202e51587030099110110', E'\u202eevil address 1234', E'\u00ad\u00ad6222', E'@@@@')
ON CONFLICT DO NOTHING;
RESET ROLE;

SELECT lives_ok($$
    SELECT pg_temp.policy('t42_notice', 't42_notice', 't42_billing.people',
                          ARRAY[['id', 'PASS'],
                                ['holder_name', 'mask.cn_name(holder_name)'],
                                ['phone', 'mask.cn_phone(phone)'],
                                ['id_card', 'mask.cn_id_card(id_card)'],
                                ['address', 'mask.cn_address(address, ''district'')'],
                                ['card_no', 'mask.bank_card(card_no)'],
                                ['email', 'mask.email(email)']],
                          members => '{t42_member}', view_name => 'people',
                          description => 'attack suite (odd values)');
$$, 'setup: every column masked by its function');

-- Raw values long enough that finding one in an output is a leak, not chance.
CREATE TABLE t42_secret.raw_values AS
SELECT p.id, c.col, c.v
  FROM t42_billing.people AS p,
       LATERAL (VALUES ('holder_name', p.holder_name), ('phone', p.phone), ('id_card', p.id_card),
                       ('address', p.address), ('card_no', p.card_no), ('email', p.email)) AS c(col, v)
 WHERE pg_catalog.length(c.v) >= 4;
SELECT ok((SELECT count(*) FROM t42_secret.raw_values) >= 35, 'precondition: the raw values to look for');

SET ROLE t42_member;
CREATE TABLE t42_scratch.loot (id integer, col text, kind text, v text);
RESET ROLE;

SET SESSION AUTHORIZATION t42_member;
-- One row and one column at a time (id = n is leakproof, so it is applied
-- below the security barrier and no other row is evaluated).
DO $$
DECLARE
    c text; i integer; v text; msg text; det text; hint text; ctx text;
BEGIN
    FOR i IN 1..9 LOOP
        FOREACH c IN ARRAY ARRAY['holder_name', 'phone', 'id_card', 'address', 'card_no', 'email'] LOOP
            BEGIN
                EXECUTE pg_catalog.format('SELECT %I::text FROM t42_notice.people WHERE id = $1', c)
                   INTO v USING i;
                INSERT INTO t42_scratch.loot VALUES (i, c, 'value', v);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                        hint = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
                INSERT INTO t42_scratch.loot
                VALUES (i, c, 'error', concat_ws(' | ', msg, det, hint, ctx));
            END;
        END LOOP;
    END LOOP;
END $$;
-- And the whole view at once, as a notice printer would read it.
DO $$
BEGIN
    INSERT INTO t42_scratch.loot SELECT p.id, '*', 'row', p::text FROM t42_notice.people AS p;
EXCEPTION WHEN OTHERS THEN
    DECLARE msg text; det text;
    BEGIN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
        INSERT INTO t42_scratch.loot VALUES (NULL, '*', 'error', concat_ws(' | ', msg, det));
    END;
END $$;
RESET SESSION AUTHORIZATION;

SELECT is((SELECT count(*) FROM t42_scratch.loot WHERE col <> '*'), 54::bigint,
          'each of the 9 x 6 masked cells gave a value or an error');
SELECT is((SELECT string_agg(DISTINCT r.col || '#' || r.id || ' in ' || l.kind, ', ')
             FROM t42_scratch.loot AS l
             JOIN t42_secret.raw_values AS r ON pg_catalog.strpos(l.v, r.v) > 0),
          NULL, 'no raw value appears in any masked value, row or error message');
SELECT is((SELECT string_agg(DISTINCT l.col || '#' || l.id || ': ' || pg_catalog.left(l.v, 60), ', ')
             FROM t42_scratch.loot AS l
             JOIN t42_billing.people AS p ON p.id = l.id
            WHERE l.kind = 'error'
              AND pg_catalog.strpos(l.v, pg_catalog.left(coalesce(
                    CASE l.col WHEN 'holder_name' THEN p.holder_name WHEN 'phone' THEN p.phone
                               WHEN 'id_card' THEN p.id_card WHEN 'address' THEN p.address
                               WHEN 'card_no' THEN p.card_no WHEN 'email' THEN p.email END, ''), 8)) > 0
              AND pg_catalog.length(CASE l.col WHEN 'holder_name' THEN p.holder_name WHEN 'phone' THEN p.phone
                               WHEN 'id_card' THEN p.id_card WHEN 'address' THEN p.address
                               WHEN 'card_no' THEN p.card_no WHEN 'email' THEN p.email END) >= 8),
          NULL, 'no error message quotes even the first 8 characters of the raw value');

SELECT * FROM finish();
ROLLBACK;
