-- Every masking function gives byte-identical results in a UTF8 and an
-- EUC_CN database for Chinese values that GB2312 can represent, and a
-- SQL_ASCII database gets a clear error at call time.
SET client_encoding = 'UTF8';
\set regdb :DBNAME

CREATE DATABASE maskview_euc_cn ENCODING 'EUC_CN' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE maskview_sql_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;

-- dblink connects the way this psql did (same socket, port and user, and
-- PGPASSWORD when the server asks for one, as under pg_virtualenv).
\getenv pgpassword PGPASSWORD
\if :{?pgpassword}
\else
\set pgpassword ''
\endif
CREATE EXTENSION dblink;
SELECT dblink_connect('euc', format('dbname=maskview_euc_cn host=%s port=%s user=%s',
                                    :'HOST', :'PORT', :'USER')
                             || CASE WHEN :'pgpassword' <> '' THEN
                                    format(' password=''%s''', replace(replace(:'pgpassword', '\', '\\'), '''', '\'''))
                                    ELSE '' END) AS connected;
SELECT dblink_exec('euc', 'CREATE EXTENSION maskview') AS installed;
SELECT t AS remote_encoding FROM dblink('euc', 'SELECT pg_catalog.getdatabaseencoding()') AS r(t text);

-- The calls, each evaluated here (UTF8) and in the EUC_CN database; the
-- results are compared as UTF-8 bytes.
CREATE TEMP TABLE cases (n int, expr text);
INSERT INTO cases VALUES
    (1, $$mask.partial('欧阳娜娜', 2, 0)$$),
    (2, $$mask.partial('张三丰', 1, 0, '●', 4)$$),
    (3, $$mask.redact('张三丰', '＊')$$),
    (4, $$mask.digits('电话：０５５３－６５１２ ３４５６', 4, 2)$$),
    (5, $$mask.email('张三丰@例子.中国')$$),
    (6, $$mask.cn_name('欧阳娜娜')$$),
    (7, $$mask.cn_name('司马光', '＊')$$),
    (8, $$mask.cn_name('张三丰', keep => 'last')$$),
    (9, $$mask.cn_phone('１３８１２３４５６７８')$$),
    (10, $$mask.cn_phone('0553-1234567转808')$$),
    (11, $$mask.cn_id_card('３４０２０２１９９００１０１１２３１', 6, 4)$$),
    (12, $$mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'unit')$$),
    (13, $$mask.cn_address('北京市海淀区马连洼街道289号', 'district', '●')$$),
    (14, $$mask.bank_card('６２２２ ０２１２ ３４５６ ７８９０ １２８')$$),
    (15, $$mask.cn_id_card_valid('１１０１０５１９４９１２３１００２Ｘ')$$),
    (16, $$mask.cn_mobile_valid('＋８６ １３８１２３４５６７８')$$),
    (17, $$mask.luhn_valid('６２２２０２１２３４５６７８９０１２８')$$),
    (18, $$mask.pseudonym('张三丰', '\x000102030405060708090a0b0c0d0e0f'::bytea)$$),
    (19, $$mask.pseudonym('世贸滨江花园小区', '\x000102030405060708090a0b0c0d0e0f'::bytea, 52)$$),
    -- ASCII values and results, which need no conversion
    (20, $$mask.cn_phone('+86 138-1234-5678')$$),
    (21, $$mask.email('zhangsan@example.com', '#')$$),
    (22, $$mask.pseudonym('13812345678', '\x000102030405060708090a0b0c0d0e0f'::bytea)$$);

-- Returns the MD5 of the UTF-8 bytes of expr's result, evaluated locally or
-- over the named dblink connection.
CREATE FUNCTION pg_temp.utf8_md5(expr text, conn text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    q text := format('SELECT pg_catalog.md5(pg_catalog.convert_to((%s)::text, %L))', expr, 'UTF8');
    h text;
BEGIN
    IF conn IS NULL THEN
        EXECUTE q INTO h;
    ELSE
        SELECT r.h INTO h FROM public.dblink(conn, q) AS r(h text);
    END IF;
    RETURN h;
END $$;

SELECT c.n, split_part(c.expr, '(', 1) AS function,
       pg_temp.utf8_md5(c.expr) = pg_temp.utf8_md5(c.expr, 'euc') AS identical
FROM cases c ORDER BY c.n;

-- The EUC_CN results themselves (converted back for display).
SELECT r.* FROM dblink('euc', $$SELECT mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'community'),
                                      mask.cn_name('欧阳娜娜'), mask.cn_phone('１３８１２３４５６７８')$$)
    AS r(address text, name text, phone text);
-- A value EUC_CN accepts but that has no UTF-8 equivalent: 0xAAA1 lies in
-- GB2312's unassigned rows, which EUC_CN's byte ranges still allow.  It is
-- masked fully (asterisks, whatever the rule keeps) instead of raising
-- PostgreSQL's conversion error, which quotes the value's bytes; a view with
-- such a row reads to the end.
SELECT dblink_exec('euc', $$CREATE TABLE odd (id int, v text)$$);
SELECT dblink_exec('euc', $$INSERT INTO odd VALUES
    (1, convert_from('\xd5c5aaa1', 'EUC_CN')),     -- 张 + an unassigned code
    (2, convert_from('\xd5c5c8fd', 'EUC_CN')),     -- 张三
    (3, convert_from('\xaaa1b1b1bea9', 'EUC_CN'))  -- an unassigned code + 北京$$);
SELECT dblink_exec('euc', $$CREATE VIEW odd_masked AS
    SELECT id, mask.cn_name(v) AS name, mask.partial(v, 1, 1) AS partial, mask.redact(v) AS redact,
           mask.cn_address(v) AS address, mask.cn_phone(v) AS phone,
           length(mask.pseudonym(v, '\x000102030405060708090a0b0c0d0e0f'::bytea)) AS pseudonym_length
      FROM odd$$);
SELECT * FROM dblink('euc', 'SELECT * FROM odd_masked ORDER BY id')
    AS r(id int, name text, partial text, redact text, address text, phone text, pseudonym_length int);

-- A character NFKC makes from the value that EUC_CN lacks (mask.digits
-- keeps the NFKC form of what is not a digit, and the full-width yen sign
-- becomes the yen sign): the output-side error's hint names that cause.
\set VERBOSITY default
SELECT * FROM dblink('euc', $$SELECT mask.digits(convert_from('\xa3a4313030', 'EUC_CN'), 0, 0)$$) AS r(t text);

-- Every error message of the calls above and of others on the same values,
-- raised in the EUC_CN database, is searched for the values' bytes (as
-- PostgreSQL quotes them, "0xaa 0xa1") and characters.  The control, the
-- server's own conversion of the same values, does quote them.
SELECT dblink_exec('euc', $q$CREATE FUNCTION errors_of(calls text[]) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
    c text; m text; d text; h text; out text := '';
BEGIN
    FOREACH c IN ARRAY calls LOOP
        BEGIN
            EXECUTE 'SELECT ' || c || ' FROM odd';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
            out := out || m || ' ' || d || ' ' || h || E'\n';
        END;
    END LOOP;
    BEGIN
        PERFORM mask.digits(convert_from('\xa3a4313030', 'EUC_CN'), 0, 0);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
        out := out || m || ' ' || d || ' ' || h || E'\n';
    END;
    RETURN out;
END $f$$q$);
SELECT e ~* '0x(d5|c5|aa|a1|c8|fd|b1|be|a9|a3|a4)' AS quotes_bytes,
       e ~ '[张三北京￥¥]' AS quotes_characters,
       e <> '' AS some_error
  FROM dblink('euc', $$SELECT errors_of(ARRAY[
        'mask.cn_name(v)', 'mask.cn_name(v, mask_char => ''●'')', 'mask.partial(v, 2, 2)',
        'mask.redact(v, ''＊'')', 'mask.digits(v, 1, 1)', 'mask.email(v)', 'mask.cn_phone(v)',
        'mask.cn_id_card(v, 6, 4)', 'mask.cn_address(v, ''unit'')', 'mask.bank_card(v)',
        'mask.cn_id_card_valid(v)', 'mask.cn_mobile_valid(v)', 'mask.luhn_valid(v)',
        'mask.pseudonym(v, ''\x00''::bytea)', 'mask.cn_name(''张'', v)', 'mask.cn_name(''张'', keep => v)'])$$) AS r(e text)
UNION ALL
SELECT e ~* '0x(d5|c5|aa|a1)', e ~ '[张]', e <> ''
  FROM dblink('euc', $$SELECT errors_of(ARRAY['convert_to(v, ''UTF8'')'])$$) AS r(e text);
SELECT dblink_disconnect('euc');

-- SQL_ASCII: installing works, calling refuses clearly.
\c maskview_sql_ascii
CREATE EXTENSION maskview;
SELECT mask.partial('abc', 1, 0);
SELECT mask.cn_name('Zhang San');
SELECT mask.pseudonym('abc', '\x000102030405060708090a0b0c0d0e0f'::bytea);

\c :regdb
DROP DATABASE maskview_euc_cn;
DROP DATABASE maskview_sql_ascii;
DROP EXTENSION dblink;
