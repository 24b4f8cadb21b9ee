--
-- 20_rule_validator: mask_internal._validate_expression, the allowlist that every
-- masking rule and row filter passes before it reaches a generated view.
-- Accepted input comes back as canonical SQL rebuilt from the parse tree;
-- refused input raises 22023 with a detail naming the offending part.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS maskview;
RESET client_min_messages;

CREATE SCHEMA v20;
CREATE TABLE v20.accounts (
    id          integer PRIMARY KEY,
    holder_name text,
    mobile      text,
    address     text,
    account_no  text,
    amount      numeric(12,2),
    active      boolean,
    opened      date,
    "we""ird"   text
);
INSERT INTO v20.accounts VALUES
    (1, '张三', '13812345678', '安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室',
     'WH0000012345', 123.45, true, '2024-05-17', 'x'),
    (2, '欧阳娜娜', '13900001111', '北京市朝阳区建国路88号2栋1单元501室',
     'WH0000067890', 0, false, '2023-01-02', 'y'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
ALTER TABLE v20.accounts ADD COLUMN gone text;
ALTER TABLE v20.accounts DROP COLUMN gone;

-- What an attacker (a table owner, or an admin's pasted text) brings along.
CREATE TABLE v20.other (secret text);
CREATE TYPE v20.mood AS ENUM ('ok');
CREATE DOMAIN v20.short_text AS text;
CREATE FUNCTION public.cn_name(text) RETURNS text
    LANGUAGE sql AS $$ SELECT $1 $$;
CREATE FUNCTION v20.leak(text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE FUNCTION v20.texteq(text, text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE OPERATOR v20.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = v20.texteq);
CREATE SEQUENCE v20.s;
CREATE TABLE v20.key (k bytea);
INSERT INTO v20.key VALUES ('\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

-- check(): the canonical SQL, or "SQLSTATE message: detail" (by default
-- with the lists of masking and trusted functions the policy engine hands
-- over).
CREATE FUNCTION v20.check(expression text, is_row_filter boolean DEFAULT false,
                          key_sql text DEFAULT '(SELECT k.key FROM mask_internal."_key_1" k)',
                          masking regprocedure[] DEFAULT mask_internal._masking_functions(),
                          trusted regprocedure[] DEFAULT mask_internal._trusted_functions())
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
BEGIN
    RETURN mask_internal._validate_expression(expression, 'v20.accounts', is_row_filter, key_sql,
                                              masking, trusted);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL;
    RETURN format('%s %s: %s', st, msg, det);
END $$;

-- same(): the canonical SQL of a rule, evaluated over every row, gives what
-- the reference expression gives (so the output is not only well-formed but
-- calls the intended function with the intended arguments).
CREATE FUNCTION v20.same(expression text, reference text,
                         key_sql text DEFAULT '(SELECT k FROM v20.key)')
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    result boolean;
BEGIN
    EXECUTE format('SELECT bool_and((%s) IS NOT DISTINCT FROM (%s)) FROM v20.accounts',
                   mask_internal._validate_expression(expression, 'v20.accounts', false, key_sql,
                                                      mask_internal._masking_functions()),
                   reference)
        INTO result;
    RETURN result;
END $$;

-- rows(): the ids a row filter's canonical SQL lets through.
CREATE FUNCTION v20.rows(filter text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE format('SELECT coalesce(string_agg(id::text, '','' ORDER BY id), ''none'') FROM v20.accounts WHERE %s',
                   mask_internal._validate_expression(filter, 'v20.accounts', true))
        INTO result;
    RETURN result;
END $$;

\pset tuples_only on
\pset format unaligned
-- (a case and its result on lines of their own)
\pset fieldsep '\n'

-- ===== Accepted masking rules and their canonical SQL
SELECT e, v20.check(e) FROM (VALUES
    ('mask.cn_name(holder_name)'),
    ('MASK.CN_NAME(HOLDER_NAME)'),
    ('cn_name(holder_name)'),
    ($$mask.partial(mobile, 3, 4, '*')$$),
    ($$mask.cn_address(address, keep_level => 'unit')$$),
    ('mask.pseudonym(account_no, 8)'),
    ('mask.pseudonym(account_no)'),
    ('mask.generalize(amount, 100::numeric)'),
    ('mask.generalize(opened, ''month'')'),
    ('mask.redact(CAST(id AS text), pad => 4)'),
    ('mask.redact(id::varchar(10), ''#'')'),
    ('mask.redact(mask.cn_name(holder_name))'),
    ('mask.redact("we""ird", mask_char => NULL, pad => 4)'),
    ('mask.redact(CAST(1.5e3 AS text))'),
    ('mask.redact(true::text)'),
    ('mask.digits(mobile, 3, 4)'),
    ('mask.email(mobile)'),
    ('mask.cn_phone(mobile)'),
    ('mask.cn_id_card(mobile)'),
    ('mask.bank_card(account_no)'),
    -- Quotes, dollar quotes and Unicode escapes are only ever constants or
    -- names: they come back re-quoted, and what they smuggled is inert text.
    ($$mask.redact('a''b')$$),
    ($q$mask.redact($$x'); DROP TABLE v20.accounts; --$$)$q$),
    ($q$mask.redact($t$/* not a comment */$t$, '-')$q$),
    ($$mask.redact(E'back\\slash\'quote')$$),
    ($$mask.cn_name(U&"\0068older_name")$$),
    ($$mask.redact(U&'\0027); DROP TABLE v20.accounts; --')$$)) AS t(e);

-- The canonical SQL runs and means what was written.
SELECT v20.same('mask.cn_name(holder_name)', 'mask.cn_name(holder_name)');
SELECT v20.same($$mask.partial(mobile, 3, 4, '*')$$, $$mask.partial(mobile, 3, 4, '*')$$);
SELECT v20.same($$mask.cn_address(address, keep_level => 'unit')$$,
                $$mask.cn_address(address, 'unit')$$);
SELECT v20.same('mask.pseudonym(account_no, 8)',
                'mask.pseudonym(account_no, (SELECT k FROM v20.key), 8)');
SELECT v20.same('mask.generalize(amount, 100::numeric)', 'mask.generalize(amount, 100)');
SELECT v20.same($q$mask.redact($$x'); DROP TABLE v20.accounts; --$$)$q$,
                $q$mask.redact($$x'); DROP TABLE v20.accounts; --$$)$q$);
-- ... and is a fixed point: validating it again returns it unchanged.
SELECT count(*) AS not_fixed_points
FROM (VALUES ('mask.cn_name(holder_name)'), ($$mask.partial(mobile, 3, 4, '*')$$),
             ($$mask.cn_address(address, keep_level => 'unit')$$),
             ('mask.generalize(amount, 100::numeric)'), ('mask.redact(id::varchar(10))'),
             ('mask.redact("we""ird", pad => 4)'),
             ($$mask.redact(U&'\0027); DROP TABLE v20.accounts; --')$$)) AS t(e)
WHERE v20.check(v20.check(e)) IS DISTINCT FROM v20.check(e);

-- ===== Refused masking rules
-- untrusted functions, at the top or nested
SELECT e, v20.check(e) FROM (VALUES
    ($$pg_catalog.pg_read_file('/etc/passwd')$$),
    ($$pg_read_file('/etc/passwd')$$),
    ($$mask.redact(pg_catalog.pg_read_file('/etc/passwd'))$$),
    ($$dblink('host=evil', 'SELECT 1')$$),
    ($$public.dblink('host=evil', 'SELECT 1')$$),
    ($$pg_catalog.set_config('role', 'postgres', false)$$),
    ($$mask.redact(pg_catalog.pg_sleep(10)::text)$$),
    ($$pg_catalog.current_setting('maskview.key')$$),
    ($$mask.redact(current_setting('maskview.key'))$$),
    ($$pg_catalog.lower(holder_name)$$),
    ($$lower(holder_name)$$),
    -- the table owner's own cn_name: unqualified names never reach it
    ('public.cn_name(holder_name)'),
    ('v20.leak(holder_name)'),
    -- functions of schema mask that are not masking functions
    ('mask_internal._random_bytes(32)'),
    ('mask.cn_id_card_valid(mobile)'),
    ($$mask.create_policy('p', 'v')$$)) AS t(e);
-- a function in schema mask that the extension did not create
CREATE FUNCTION mask.cn_name(integer) RETURNS text
    LANGUAGE sql AS $$ SELECT 'leaked' $$;
SELECT v20.check('mask.cn_name(id)');
DROP FUNCTION mask.cn_name(integer);
-- unknown and ambiguous functions, wrong arguments
SELECT e, v20.check(e) FROM (VALUES
    ('mask.no_such(holder_name)'),
    ('mask.cn_name(holder_name, 1, 2, 3, 4)'),
    ('mask.generalize(id, 10)'),
    ('mask.cn_name(holder_name, holder_name => holder_name)'),
    ('mask.cn_name(mask_char => ''*'', holder_name)'),
    ('otherdb.mask.cn_name(holder_name)')) AS t(e);
SELECT e, v20.check(e, true) FROM (VALUES
    ('otherdb.pg_catalog.lower(holder_name) = ''x'''),
    ('holder_name OPERATOR(otherdb.pg_catalog.=) ''x''')) AS t(e);
-- operators, in any form
SELECT e, v20.check(e) FROM (VALUES
    ($$mask.cn_name(holder_name || 'x')$$),
    ('mask.partial(mobile, 1 + 2, 4)'),
    ('mask.cn_name(-holder_name)'),
    ('mask.cn_name(holder_name) = ''x'''),
    ('mask.cn_name(NULLIF(holder_name, ''x''))'),
    ('mask.redact((id IN (1, 2))::text)'),
    ('mask.redact((id BETWEEN 1 AND 2)::text)'),
    ('mask.redact((holder_name LIKE ''%'')::text)'),
    -- subqueries and other tables
    ('mask.cn_name((SELECT secret FROM v20.other))'),
    ('mask.cn_name(holder_name) FROM v20.other'),
    ('mask.redact(ARRAY(SELECT secret FROM v20.other)::text)'),
    ('mask.redact(EXISTS (SELECT 1)::text)'),
    ('mask.cn_name(other.secret)'),
    ('mask.cn_name(v20.other.secret)'),
    ('mask.cn_name(accounts.holder_name)'),
    ('mask.redact(*)'),
    ('mask.redact(accounts.*)'),
    -- columns that are not there, or not data
    ('mask.cn_name(foo)'),
    ('mask.cn_name("Holder_Name")'),
    ('mask.cn_name("........pg.dropped.10........")'),
    ('mask.redact(ctid::text)'),
    ('mask.redact(xmin::text)'),
    -- casts to anything but built-in types
    ('mask.redact(holder_name::v20.mood::text)'),
    ('mask.cn_name(CAST(holder_name AS v20.short_text))'),
    ('mask.redact(holder_name::v20.mood[]::text)'),
    ('mask.redact(ROW(1)::v20.other::text)'),
    ('mask.redact(holder_name::no_such_type)'),
    ('mask.redact(holder_name::numeric(1,2,3)::text)'),
    ('mask.redact(holder_name::anyelement)'),
    -- the top level must be a call or a constant
    ('holder_name'),
    ('''constant'''),
    -- a constant is a rule of its own (every row shows it); typed, and numbers, too
    ('''2024-01-01''::date'),
    ('0'),
    ('NULL'),
    ('holder_name::text'),
    ('CAST(mask.cn_name(holder_name) AS text)'),
    ('mask.cn_name(holder_name) AS holder_name'),
    -- everything else that is not on the list
    ('mask.redact($1)'),
    ('mask.redact(mobile[1])'),
    ('mask.redact((mobile).x)'),
    ('mask.redact(holder_name COLLATE "C")'),
    ('mask.redact(CASE WHEN true THEN holder_name END)'),
    ('mask.redact(COALESCE(holder_name, mobile))'),
    ('mask.redact(GREATEST(holder_name, mobile))'),
    ('mask.redact(ROW(holder_name)::text)'),
    ('mask.redact(ARRAY[holder_name]::text)'),
    ('mask.redact((NOT active)::text)'),
    ('mask.redact((mobile IS NULL)::text)'),
    ('mask.redact(CURRENT_USER)'),
    ('mask.redact(count(*)::text)'),
    ('mask.redact(DISTINCT holder_name)'),
    ('mask.redact(holder_name ORDER BY mobile)'),
    ('mask.redact(holder_name) FILTER (WHERE true)'),
    ('mask.redact(holder_name) OVER ()'),
    ('mask.redact(VARIADIC ARRAY[holder_name])'),
    -- pseudonym keys come from the policy, never from the rule
    ($$mask.pseudonym(account_no, '\x0102'::bytea)$$),
    ($$mask.pseudonym(account_no, '\x0102'::bytea, 8)$$),
    ($$mask.pseudonym(account_no, key => '\x0102'::bytea)$$),
    ($$mask.pseudonym(account_no, '8')$$),
    ('mask.pseudonym(value => account_no)')) AS t(e);
SELECT v20.check('mask.pseudonym(account_no)', false, NULL);
-- syntax: statements, comments, quoting tricks, size (in one statement, so
-- every refused call after the first in a transaction still gives the
-- position of its syntax error)
SELECT e, v20.check(e) FROM (VALUES
    ('mask.cn_name(holder_name); DROP TABLE v20.accounts'),
    ('mask.cn_name(holder_name); mask.cn_name(mobile)'),
    ('mask.cn_name(holder_name), mask.cn_name(mobile)'),
    ($$mask.cn_name(holder_name'); DROP TABLE v20.accounts; --$$),
    ($$mask.cn_name("holder_name""); DROP TABLE v20.accounts; --")$$),
    ('mask.cn_name(holder_name) -- looks harmless'),
    ('mask.cn_name(/* hidden */ holder_name)'),
    ($q$mask.cn_name($$unterminated)$q$),
    ($$mask.redact(U&'\D800')$$),
    ('SELECT mask.cn_name(holder_name)'),
    ('')) AS t(e);
SELECT v20.check(repeat('mask.redact(', 5000));
SELECT v20.check(repeat('mask.redact(', 40) || 'holder_name' || repeat(')', 40));
SELECT v20.check(repeat('(', 3000) || 'holder_name' || repeat(')', 3000));

-- ===== Accepted row filters and their canonical SQL, and the rows they keep
SELECT e, v20.check(e, true), v20.rows(e) FROM (VALUES
    ('amount > 0 AND active'),
    ('amount BETWEEN 10 AND 200'),
    ('amount NOT BETWEEN 10 AND 200'),
    ('amount BETWEEN SYMMETRIC 200 AND 10'),
    ('id IN (1, 2, 3)'),
    ('id NOT IN (2)'),
    ('CASE id WHEN 1 THEN true WHEN 2 THEN false END'),
    ('NULLIF(amount, 0) IS NOT NULL'),
    ('id = ANY (ARRAY[1, 3])')) AS t(e);
SELECT e, v20.check(e, true) FROM (VALUES
    ($$holder_name LIKE '张%' OR holder_name ILIKE 'x%' OR holder_name NOT LIKE '%'$$),
    ($$holder_name SIMILAR TO '张%'$$),
    ('mobile IS NOT NULL AND active IS NOT FALSE AND NOT (amount IS NULL)'),
    ('CASE WHEN amount > 100 THEN true ELSE false END'),
    ('COALESCE(active, false)'),
    ($$opened >= DATE '2024-01-01' AND opened < (CURRENT_TIMESTAMP AT TIME ZONE 'Asia/Shanghai')::date + 1$$),
    ($$lower(holder_name) <> 'x' AND length(mobile) = 11$$),
    ('pg_catalog.length(mobile) OPERATOR(pg_catalog.=) 11'),
    ('-amount < 0'),
    ('"we""ird" = ''x''')) AS t(e);
SELECT e, v20.rows(e) FROM (VALUES
    ($$holder_name LIKE '张%'$$),
    ($$holder_name SIMILAR TO '欧阳%'$$),
    ($$opened >= DATE '2024-01-01'$$)) AS t(e);
SELECT count(*) AS not_fixed_points
FROM (VALUES ('amount > 0 AND active'), ('amount BETWEEN SYMMETRIC 200 AND 10'),
             ('id NOT IN (2)'), ('CASE id WHEN 1 THEN true END'),
             ('NULLIF(amount, 0) IS NOT NULL'), ($$opened >= DATE '2024-01-01'$$),
             ('id = ANY (ARRAY[1, 3])'), ('-amount < 0')) AS t(e)
WHERE v20.check(v20.check(e, true), true) IS DISTINCT FROM v20.check(e, true);

-- ===== Refused row filters
-- what the reader's session settings would decide (DateStyle, TimeZone,
-- extra_float_digits, lc_time), and casts that fail on a value with an error
-- quoting it
SELECT e, v20.check(e, true) FROM (VALUES
    ($$opened < CURRENT_DATE + 1$$),
    ($$current_setting('application_name') IS NOT NULL$$),
    ($$opened < '03/04/2024'$$),
    ($$opened < 'tomorrow'$$),
    ($$mobile::bigint > 0$$),
    ($$to_char(opened, 'TMMonth') = 'March'$$),
    ($$opened::timestamptz < '2024-01-01 00:00:00+08'$$),
    ($$amount::money > '1'$$),
    ($$'pg_class'::regclass::oid > 0$$),
    ($$int4in(textout(mobile)) > 0$$)) AS t(e);
SELECT e, v20.check(e) FROM (VALUES
    ($$mask.partial(mobile::int::text, 1, 1)$$),
    ($$mask.redact(opened::text)$$),
    ($$mask.partial(holder_name, 1, 1, '**')$$)) AS t(e);
SELECT e, v20.check(e, true) FROM (VALUES
    ($$pg_read_file('/etc/passwd') IS NOT NULL$$),
    ($$lo_import('/etc/passwd') > 0$$),
    ($$dblink('host=evil', 'SELECT 1') IS NULL$$),
    ('pg_sleep(10) IS NULL'),
    ($$set_config('role', 'postgres', false) = 'postgres'$$),
    ($$nextval('v20.s') > 0$$),
    ('random() < 0.5'),
    ($$table_to_xml('v20.other', true, true, '') IS NOT NULL$$),
    ('v20.leak(holder_name)'),
    ($$public.cn_name(holder_name) = 'x'$$),
    ($$holder_name === 'x'$$),
    ($$holder_name OPERATOR(v20.===) 'x'$$),
    ('EXISTS (SELECT 1 FROM v20.other)'),
    ('id IN (SELECT 1)'),
    ('id = ANY (ARRAY(SELECT 1))'),
    ('v20.accounts.id > 0'),
    ('other.secret IS NULL'),
    ('holder_name IS DISTINCT FROM mobile'),
    ('count(*) > 0'),
    ('sum(amount) > 0'),
    ('row_number() OVER () > 1'),
    ('generate_series(1, 2) = 1'),
    ('$1 > 0'),
    ('holder_name::v20.mood IS NULL'),
    ('holder_name'),
    ('42'),
    ('amount + 1'),
    ('1::numeric(10,2)'),
    ('holder_name > 1'),
    ($$opened > '2024-13-45'$$)) AS t(e);
SELECT v20.check('active; DROP TABLE v20.accounts', true);
SELECT v20.check('active -- and more', true);

-- ===== Errors as clients see them: SQLSTATE 22023, detail and hint
\pset tuples_only off
\pset format aligned
\set VERBOSITY default
SELECT mask_internal._validate_expression('pg_catalog.pg_read_file(''/etc/passwd'')', 'v20.accounts', false);
SELECT mask_internal._validate_expression('mask.cn_name(holder_name || ''x'')', 'v20.accounts', false);
SELECT mask_internal._validate_expression('pg_sleep(1) IS NULL', 'v20.accounts', true);
\set VERBOSITY terse

-- ===== The function itself
-- behaves as STRICT in its first three arguments
SELECT mask_internal._validate_expression(NULL, 'v20.accounts', false) IS NULL AS null_in_null_out;
SELECT mask_internal._validate_expression('mask.cn_name(holder_name)', 'v20.accounts', NULL) IS NULL AS null_in_null_out;
-- only the policy API (the extension owner) may call it
CREATE ROLE v20_member;
SELECT has_function_privilege('v20_member',
       'mask_internal._validate_expression(text, regclass, boolean, text, regprocedure[], regprocedure[])', 'EXECUTE') AS member_can_execute;
SELECT provolatile, proparallel, proisstrict, prosecdef
FROM pg_proc WHERE oid = 'mask_internal._validate_expression(text, regclass, boolean, text, regprocedure[], regprocedure[])'::regprocedure;
SELECT obj_description('mask_internal._validate_expression(text, regclass, boolean, text, regprocedure[], regprocedure[])'::regprocedure,
                       'pg_proc') IS NOT NULL AS has_comment;
DROP ROLE v20_member;

-- a function a superuser trusted may be called, qualified
INSERT INTO mask.trusted_function (func) VALUES ('pg_catalog.upper(text)');
\pset tuples_only on
\pset format unaligned
SELECT e, v20.check(e) FROM (VALUES
    ('pg_catalog.upper(holder_name)'),
    ('mask.redact(pg_catalog.upper(holder_name))'),
    ('upper(holder_name)'),
    ('pg_catalog.lower(holder_name)')) AS t(e);
DELETE FROM mask.trusted_function WHERE func = 'pg_catalog.upper(text)';
SELECT v20.check('pg_catalog.upper(holder_name)');

-- The validator trusts what the policy engine hands it, and reads no policy
-- catalog: a function listed in mask.trusted_function but not handed over
-- is refused, one handed over is accepted, and a masking function left out
-- of the list it is given is refused.
CREATE FUNCTION v20.check_with(expression text, masking regprocedure[], trusted regprocedure[])
RETURNS text LANGUAGE sql AS $$
    SELECT v20.check(expression, false, '(SELECT k FROM v20.key)', masking, trusted)
$$;
INSERT INTO mask.trusted_function (func) VALUES ('pg_catalog.upper(text)');
SELECT v20.check_with('pg_catalog.upper(holder_name)', mask_internal._masking_functions(), '{}');
SELECT v20.check_with('pg_catalog.upper(holder_name)', mask_internal._masking_functions(), NULL);
DELETE FROM mask.trusted_function WHERE func = 'pg_catalog.upper(text)';
SELECT v20.check_with('pg_catalog.upper(holder_name)', NULL, ARRAY['pg_catalog.upper(text)'::regprocedure]);
SELECT v20.check_with('mask.cn_name(holder_name)', ARRAY['mask.redact(text,text,integer)'::regprocedure], NULL);
SELECT v20.check_with('mask.redact(holder_name)', ARRAY['mask.redact(text,text,integer)'::regprocedure], NULL);
-- the keyed function is the masking function with a parameter named key:
-- mask.pseudonym not handed over gets no key
SELECT v20.check_with('mask.pseudonym(account_no)', mask_internal._masking_functions(), NULL);
SELECT v20.check_with('mask.pseudonym(account_no)', ARRAY['mask.redact(text,text,integer)'::regprocedure], NULL);
-- the one list of masking functions, beside their definitions
SELECT f FROM unnest(mask_internal._masking_functions()) f ORDER BY f::text;
\pset tuples_only off
\pset format aligned

-- nothing above ran what it was handed
SELECT count(*) AS accounts_intact FROM v20.accounts;

DROP FUNCTION public.cn_name(text);
DROP SCHEMA v20 CASCADE;
