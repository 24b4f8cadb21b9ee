-- Generated from doc/masking-rules.md by test/docs/masking_examples.pl --write:
-- edit the document, not this file.  Every example of the document, in its
-- order: what the call returns ("(null)" for NULL, "error SQLSTATE" when it
-- raises) and whether that is the documented result (t).
SET client_min_messages = warning;
-- (ranges of dates print in ISO form whatever pg_regress's PGDATESTYLE)
SET DateStyle = ISO;
CREATE EXTENSION IF NOT EXISTS maskview;
\pset format unaligned
\pset tuples_only on
CREATE FUNCTION pg_temp.run(call text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text;
BEGIN
    EXECUTE 'SELECT (' || call || ')::text' INTO r;
    RETURN coalesce(r, '(null)');
EXCEPTION WHEN OTHERS THEN
    RETURN 'error ' || SQLSTATE;
END $f$;
SELECT r, r = '(null)' AS documented FROM pg_temp.run($ex$mask.partial(NULL, 1, 1)$ex$) r;
SELECT r, r = '' AS documented FROM pg_temp.run($ex$mask.partial('', 1, 1)$ex$) r;
SELECT r, r = '(null)' AS documented FROM pg_temp.run($ex$mask.cn_phone(NULL)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.redact('ab', '**')$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.redact('ab', '')$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.redact('ab', E'\n')$ex$) r;
SELECT r, r = '＊＊' AS documented FROM pg_temp.run($ex$mask.redact('张三', '＊')$ex$) r;
SELECT r, r = '138****5678' AS documented FROM pg_temp.run($ex$mask.partial('13812345678', 3, 4)$ex$) r;
SELECT r, r = '张*' AS documented FROM pg_temp.run($ex$mask.partial('张三', 1, 1)$ex$) r;
SELECT r, r = '欧阳**' AS documented FROM pg_temp.run($ex$mask.partial('欧阳娜娜', 2, 0)$ex$) r;
SELECT r, r = '*' AS documented FROM pg_temp.run($ex$mask.partial('a', 1, 1)$ex$) r;
SELECT r, r = '张**' AS documented FROM pg_temp.run($ex$mask.partial('张三丰', 1, 0, '*', 2)$ex$) r;
SELECT r, r = '张**' AS documented FROM pg_temp.run($ex$mask.partial('张三', 1, 0, '*', 2)$ex$) r;
SELECT r, r = '👨‍👩‍👧**' AS documented FROM pg_temp.run($ex$mask.partial('👨‍👩‍👧张三', 1, 0)$ex$) r;
SELECT r, r = 'té**' AS documented FROM pg_temp.run($ex$mask.partial('te' || U&'\0301' || 'st', 2, 0)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.partial('abc', -1, 0)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.partial('abc', 1, 0, '*', -1)$ex$) r;
SELECT r, r = '**' AS documented FROM pg_temp.run($ex$mask.redact('张三')$ex$) r;
SELECT r, r = '****' AS documented FROM pg_temp.run($ex$mask.redact('张三', '*', 4)$ex$) r;
SELECT r, r = '**' AS documented FROM pg_temp.run($ex$mask.redact('🇨🇳𠮷')$ex$) r;
SELECT r, r = '0553-**** **56' AS documented FROM pg_temp.run($ex$mask.digits('0553-6512 3456', 4, 2)$ex$) r;
SELECT r, r = '**34' AS documented FROM pg_temp.run($ex$mask.digits('１２３４', 0, 2)$ex$) r;
SELECT r, r = '1*' AS documented FROM pg_temp.run($ex$mask.digits('12', 2, 2)$ex$) r;
SELECT r, r = 'z***@example.com' AS documented FROM pg_temp.run($ex$mask.email('zhangsan@example.com')$ex$) r;
SELECT r, r = '***@b.cn' AS documented FROM pg_temp.run($ex$mask.email('a@b.cn')$ex$) r;
SELECT r, r = '************' AS documented FROM pg_temp.run($ex$mask.email('not-an-email')$ex$) r;
SELECT r, r = '************' AS documented FROM pg_temp.run($ex$mask.email('@example.com')$ex$) r;
SELECT r, r = '张*' AS documented FROM pg_temp.run($ex$mask.cn_name('张三')$ex$) r;
SELECT r, r = '张**' AS documented FROM pg_temp.run($ex$mask.cn_name('张三丰')$ex$) r;
SELECT r, r = '欧阳**' AS documented FROM pg_temp.run($ex$mask.cn_name('欧阳娜娜')$ex$) r;
SELECT r, r = '欧*' AS documented FROM pg_temp.run($ex$mask.cn_name('欧阳')$ex$) r;
SELECT r, r = '司马*' AS documented FROM pg_temp.run($ex$mask.cn_name('司马光')$ex$) r;
SELECT r, r = '*' AS documented FROM pg_temp.run($ex$mask.cn_name('张')$ex$) r;
SELECT r, r = '张**' AS documented FROM pg_temp.run($ex$mask.cn_name('  张三丰 ')$ex$) r;
SELECT r, r = '**丰' AS documented FROM pg_temp.run($ex$mask.cn_name('张三丰', keep => 'last')$ex$) r;
SELECT r, r = '阿***·***' AS documented FROM pg_temp.run($ex$mask.cn_name('阿依古丽·买买提')$ex$) r;
SELECT r, r = 'J*** S****' AS documented FROM pg_temp.run($ex$mask.cn_name('John Smith')$ex$) r;
SELECT r, r = '张**' AS documented FROM pg_temp.run($ex$mask.cn_name('张三', pad => 2)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.cn_name('张三', keep => 'first')$ex$) r;
SELECT r, r = '138****5678' AS documented FROM pg_temp.run($ex$mask.cn_phone('13812345678')$ex$) r;
SELECT r, r = '+86 138-****-5678' AS documented FROM pg_temp.run($ex$mask.cn_phone('+86 138-1234-5678')$ex$) r;
SELECT r, r = '138****5678' AS documented FROM pg_temp.run($ex$mask.cn_phone('１３８１２３４５６７８')$ex$) r;
SELECT r, r = '0553-*****67' AS documented FROM pg_temp.run($ex$mask.cn_phone('0553-1234567')$ex$) r;
SELECT r, r = '010 ******78' AS documented FROM pg_temp.run($ex$mask.cn_phone('010 12345678')$ex$) r;
SELECT r, r = '0553-*****67转***' AS documented FROM pg_temp.run($ex$mask.cn_phone('0553-1234567转808')$ex$) r;
SELECT r, r = '400-***-**67' AS documented FROM pg_temp.run($ex$mask.cn_phone('400-123-4567')$ex$) r;
SELECT r, r = '*****' AS documented FROM pg_temp.run($ex$mask.cn_phone('12345')$ex$) r;
SELECT r, r = '**************' AS documented FROM pg_temp.run($ex$mask.cn_phone('张三 13812345678')$ex$) r;
SELECT r, r = '3****************1' AS documented FROM pg_temp.run($ex$mask.cn_id_card('340202199001011231')$ex$) r;
SELECT r, r = '340202********1231' AS documented FROM pg_temp.run($ex$mask.cn_id_card('340202199001011231', 6, 4)$ex$) r;
SELECT r, r = '**************' AS documented FROM pg_temp.run($ex$mask.cn_id_card('34020219900101')$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.cn_id_card('340202199001011231', 7, 1)$ex$) r;
SELECT r, r = '安徽省芜湖市镜湖区****' AS documented FROM pg_temp.run($ex$mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室')$ex$) r;
SELECT r, r = '安徽省芜湖市镜湖区世贸滨江花园小区****' AS documented FROM pg_temp.run($ex$mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'community')$ex$) r;
SELECT r, r = '安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元****' AS documented FROM pg_temp.run($ex$mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'unit')$ex$) r;
SELECT r, r = '安徽省芜湖市****' AS documented FROM pg_temp.run($ex$mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'city')$ex$) r;
SELECT r, r = '北京市海淀区****' AS documented FROM pg_temp.run($ex$mask.cn_address('北京市海淀区马连洼街道289号')$ex$) r;
SELECT r, r = '****' AS documented FROM pg_temp.run($ex$mask.cn_address('某地张家大院')$ex$) r;
SELECT r, r = '安徽省芜湖市镜湖区**' AS documented FROM pg_temp.run($ex$mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'district', '*', 2)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.cn_address('安徽省芜湖市', 'street')$ex$) r;
SELECT r, r = '622202*********0128' AS documented FROM pg_temp.run($ex$mask.bank_card('6222021234567890128')$ex$) r;
SELECT r, r = '6222 02** **** ***0 128' AS documented FROM pg_temp.run($ex$mask.bank_card('6222 0212 3456 7890 128')$ex$) r;
SELECT r, r = '*******' AS documented FROM pg_temp.run($ex$mask.bank_card('1234567')$ex$) r;
SELECT r, r = 'true' AS documented FROM pg_temp.run($ex$mask.cn_id_card_valid('340202199001011231')$ex$) r;
SELECT r, r = 'true' AS documented FROM pg_temp.run($ex$mask.cn_id_card_valid('11010519491231002X')$ex$) r;
SELECT r, r = 'false' AS documented FROM pg_temp.run($ex$mask.cn_id_card_valid('340202199001011232')$ex$) r;
SELECT r, r = 'true' AS documented FROM pg_temp.run($ex$mask.cn_mobile_valid('13812345678')$ex$) r;
SELECT r, r = 'false' AS documented FROM pg_temp.run($ex$mask.cn_mobile_valid('12812345678')$ex$) r;
SELECT r, r = 'true' AS documented FROM pg_temp.run($ex$mask.luhn_valid('6222021234567890128')$ex$) r;
SELECT r, r = 'false' AS documented FROM pg_temp.run($ex$mask.luhn_valid('6222021234567890127')$ex$) r;
SELECT r, r = '0C97ESAJ' AS documented FROM pg_temp.run($ex$mask.pseudonym('WH0000012345', '\x000102030405060708090a0b0c0d0e0f'::bytea, 8)$ex$) r;
SELECT r, r = 'WHABDEMHD171' AS documented FROM pg_temp.run($ex$mask.pseudonym('13812345678', '\x000102030405060708090a0b0c0d0e0f'::bytea)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.pseudonym('x', '\x0001'::bytea)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.pseudonym('x', '\x000102030405060708090a0b0c0d0e0f'::bytea, 5)$ex$) r;
SELECT r, r = '[100,200)' AS documented FROM pg_temp.run($ex$mask.generalize(123.45, 100)$ex$) r;
SELECT r, r = '[1000,2000)' AS documented FROM pg_temp.run($ex$mask.generalize(1234::bigint, 1000::bigint)$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.generalize(123.45, 0)$ex$) r;
SELECT r, r = '[2024-05-01,2024-06-01)' AS documented FROM pg_temp.run($ex$mask.generalize('2024-05-17'::date, 'month')$ex$) r;
SELECT r, r = '[2024-04-01,2024-07-01)' AS documented FROM pg_temp.run($ex$mask.generalize('2024-05-17'::date, 'quarter')$ex$) r;
SELECT r, r = '[2024-05-13,2024-05-20)' AS documented FROM pg_temp.run($ex$mask.generalize('2024-05-17'::date, 'week')$ex$) r;
SELECT r, r = 'error 22023' AS documented FROM pg_temp.run($ex$mask.generalize('2024-05-17'::date, 'decade')$ex$) r;
