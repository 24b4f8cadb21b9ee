-- Every bad parameter raises invalid_parameter_value (22023) with a hint,
-- and no message, detail or hint quotes the value being masked (or a key).
SET client_encoding = 'UTF8';

-- Runs one call, catches its error and reports it; `secret` is the text that
-- must not appear anywhere in the error.
CREATE FUNCTION pg_temp.try(call text, secret text)
RETURNS TABLE (sqlstate text, message text, has_hint boolean, leaks boolean)
LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text;
BEGIN
    EXECUTE 'SELECT ' || call;
    RETURN QUERY SELECT 'none'::text, 'no error'::text, false, false;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN QUERY SELECT st, msg, coalesce(hnt, '') <> '',
        strpos(concat_ws(' ', msg, det, hnt), secret) > 0;
END $$;

SELECT n, e.*
FROM (VALUES
    (1, $c$mask.partial('张三丰secret', 1, 0, '**')$c$, '张三丰secret'),
    (2, $c$mask.partial('张三丰secret', 1, 0, '')$c$, '张三丰secret'),
    (3, $c$mask.partial('张三丰secret', -1, 0)$c$, '张三丰secret'),
    (4, $c$mask.partial('张三丰secret', 1, -2)$c$, '张三丰secret'),
    (5, $c$mask.partial('张三丰secret', 1, 0, '*', -1)$c$, '张三丰secret'),
    (6, $c$mask.redact('张三丰secret', 'ab')$c$, '张三丰secret'),
    (7, $c$mask.redact('张三丰secret', '*', -4)$c$, '张三丰secret'),
    (8, $c$mask.digits('13812345678', -1, 2)$c$, '13812345678'),
    (9, $c$mask.digits('13812345678', 1, 2, '🇨🇳🇨🇳')$c$, '13812345678'),
    (10, $c$mask.email('zhangsan@example.com', 'xy')$c$, 'zhangsan'),
    (11, $c$mask.cn_name('张三丰', '**')$c$, '张三丰'),
    (12, $c$mask.cn_name('张三丰', keep => 'first')$c$, '张三丰'),
    (13, $c$mask.cn_name('张三丰', pad => -1)$c$, '张三丰'),
    (14, $c$mask.cn_phone('13812345678', '')$c$, '13812345678'),
    (15, $c$mask.cn_id_card('340202199001011231', 7, 1)$c$, '340202199001011231'),
    (16, $c$mask.cn_id_card('340202199001011231', 1, 5)$c$, '340202199001011231'),
    (17, $c$mask.cn_id_card('340202199001011231', -1, 1)$c$, '340202199001011231'),
    (18, $c$mask.cn_id_card('340202199001011231', 1, 1, 'XX')$c$, '340202199001011231'),
    (19, $c$mask.cn_address('安徽省芜湖市镜湖区', 'street')$c$, '安徽省芜湖市镜湖区'),
    (20, $c$mask.cn_address('安徽省芜湖市镜湖区', 'district', '*', -1)$c$, '安徽省芜湖市镜湖区'),
    (21, $c$mask.cn_address('安徽省芜湖市镜湖区', 'district', '**')$c$, '安徽省芜湖市镜湖区'),
    (22, $c$mask.bank_card('6222021234567890128', 'ab')$c$, '6222021234567890128'),
    (23, $c$mask.pseudonym('张三丰', '\x7365637265746b6579'::bytea)$c$, 'secretkey'),
    (24, $c$mask.pseudonym('张三丰', ''::bytea)$c$, '张三丰'),
    (25, $c$mask.pseudonym('张三丰', '\x000102030405060708090a0b0c0d0e0f'::bytea, 5)$c$, '张三丰'),
    (26, $c$mask.pseudonym('张三丰', '\x000102030405060708090a0b0c0d0e0f'::bytea, 53)$c$, '张三丰'),
    (27, $c$mask.generalize(123.45, 0)$c$, '123.45'),
    (28, $c$mask.generalize(123.45, -10)$c$, '123.45'),
    (29, $c$mask.generalize(123.45, 'NaN')$c$, '123.45'),
    (30, $c$mask.generalize(123::bigint, 0::bigint)$c$, '123'),
    (31, $c$mask.generalize(123::bigint, -5::bigint)$c$, '123'),
    (32, $c$mask.generalize('2024-05-17'::date, 'decade')$c$, '2024-05-17'),
    (33, $c$mask.generalize('2024-05-17'::date, '')$c$, '2024-05-17'),
    -- the short key of row 23 again, looked for in its hex form
    (34, $c$mask.pseudonym('张三丰', '\x7365637265746b6579'::bytea)$c$, '7365637265746b6579'),
    -- self-test of the leak check: the parameter's name is in the message
    (35, $c$mask.partial('x', 1, 0, '**')$c$, 'mask_char'),
    -- a mask char must be printable: no line break, tab, escape, invisible
    (36, $c$mask.partial('张三丰secret', 1, 0, E'\n')$c$, '张三丰secret'),
    (37, $c$mask.redact('张三丰secret', E'\t')$c$, '张三丰secret'),
    (38, $c$mask.cn_phone('13812345678', E'\x1b')$c$, '13812345678'),
    (39, $c$mask.cn_name('张三丰', E'\r\n')$c$, '张三丰'),
    (40, $c$mask.email('zhangsan@example.com', U&'\200B')$c$, 'zhangsan')
) AS t(n, call, secret), LATERAL pg_temp.try(call, secret) AS e
ORDER BY n;

-- Whole errors as a client sees them (the SQLSTATEs are shown above).
SELECT mask.partial('张三丰', 1, 0, '**');
SELECT mask.cn_id_card('340202199001011231', 7, 1);
SELECT mask.partial('张三丰', 1, 0, E'\n');
SELECT mask.pseudonym('张三丰', '\x7365637265746b6579'::bytea);
