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

-- check(): the canonical SQL, or "SQLSTATE message: detail".
CREATE FUNCTION v20.check(expression text, is_row_filter boolean DEFAULT false,
                          key_sql text DEFAULT '(SELECT k.key FROM mask_internal."_key_1" k)')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
BEGIN
    RETURN mask_internal._validate_expression(expression, 'v20.accounts', is_row_filter, key_sql,
                                              mask_internal._masking_functions(),
                                              mask_internal._trusted_functions());
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

-- ===== Accepted masking rules and their canonical SQL
SELECT v20.check('mask.cn_name(holder_name)');
SELECT v20.check('MASK.CN_NAME(HOLDER_NAME)');
SELECT v20.check('cn_name(holder_name)');
SELECT v20.check($$mask.partial(mobile, 3, 4, '*')$$);
SELECT v20.check($$mask.cn_address(address, keep_level => 'unit')$$);
SELECT v20.check('mask.pseudonym(account_no, 8)');
SELECT v20.check('mask.pseudonym(account_no)');
SELECT v20.check('mask.generalize(amount, 100::numeric)');
SELECT v20.check('mask.generalize(opened, ''month'')');
SELECT v20.check('mask.redact(CAST(id AS text), pad => 4)');
SELECT v20.check('mask.redact(id::varchar(10), ''#'')');
SELECT v20.check('mask.redact(mask.cn_name(holder_name))');
SELECT v20.check('mask.redact("we""ird", mask_char => NULL, pad => 4)');
SELECT v20.check('mask.redact(CAST(1.5e3 AS text))');
SELECT v20.check('mask.redact(true::text)');
SELECT v20.check('mask.digits(mobile, 3, 4)');
SELECT v20.check('mask.email(mobile)');
SELECT v20.check('mask.cn_phone(mobile)');
SELECT v20.check('mask.cn_id_card(mobile)');
SELECT v20.check('mask.bank_card(account_no)');
-- Quotes, dollar quotes and Unicode escapes are only ever constants or
-- names: they come back re-quoted, and what they smuggled is inert text.
SELECT v20.check($$mask.redact('a''b')$$);
SELECT v20.check($q$mask.redact($$x'); DROP TABLE v20.accounts; --$$)$q$);
SELECT v20.check($q$mask.redact($t$/* not a comment */$t$, '-')$q$);
SELECT v20.check($$mask.redact(E'back\\slash\'quote')$$);
SELECT v20.check($$mask.cn_name(U&"\0068older_name")$$);
SELECT v20.check($$mask.redact(U&'\0027); DROP TABLE v20.accounts; --')$$);

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
SELECT v20.check($$pg_catalog.pg_read_file('/etc/passwd')$$);
SELECT v20.check($$pg_read_file('/etc/passwd')$$);
SELECT v20.check($$mask.redact(pg_catalog.pg_read_file('/etc/passwd'))$$);
SELECT v20.check($$dblink('host=evil', 'SELECT 1')$$);
SELECT v20.check($$public.dblink('host=evil', 'SELECT 1')$$);
SELECT v20.check($$pg_catalog.set_config('role', 'postgres', false)$$);
SELECT v20.check($$mask.redact(pg_catalog.pg_sleep(10)::text)$$);
SELECT v20.check($$pg_catalog.current_setting('maskview.key')$$);
SELECT v20.check($$mask.redact(current_setting('maskview.key'))$$);
SELECT v20.check($$pg_catalog.lower(holder_name)$$);
SELECT v20.check($$lower(holder_name)$$);
-- the table owner's own cn_name: unqualified names never reach it
SELECT v20.check('public.cn_name(holder_name)');
SELECT v20.check('v20.leak(holder_name)');
-- functions of schema mask that are not masking functions
SELECT v20.check('mask_internal._random_bytes(32)');
SELECT v20.check('mask.cn_id_card_valid(mobile)');
SELECT v20.check($$mask.create_policy('p', 'v')$$);
-- a function in schema mask that the extension did not create
CREATE FUNCTION mask.cn_name(integer) RETURNS text
    LANGUAGE sql AS $$ SELECT 'leaked' $$;
SELECT v20.check('mask.cn_name(id)');
DROP FUNCTION mask.cn_name(integer);
-- unknown and ambiguous functions, wrong arguments
SELECT v20.check('mask.no_such(holder_name)');
SELECT v20.check('mask.cn_name(holder_name, 1, 2, 3, 4)');
SELECT v20.check('mask.generalize(id, 10)');
SELECT v20.check('mask.cn_name(holder_name, holder_name => holder_name)');
SELECT v20.check('mask.cn_name(mask_char => ''*'', holder_name)');
SELECT v20.check('otherdb.mask.cn_name(holder_name)');
SELECT v20.check('otherdb.pg_catalog.lower(holder_name) = ''x''', true);
SELECT v20.check('holder_name OPERATOR(otherdb.pg_catalog.=) ''x''', true);
-- operators, in any form
SELECT v20.check($$mask.cn_name(holder_name || 'x')$$);
SELECT v20.check('mask.partial(mobile, 1 + 2, 4)');
SELECT v20.check('mask.cn_name(-holder_name)');
SELECT v20.check('mask.cn_name(holder_name) = ''x''');
SELECT v20.check('mask.cn_name(NULLIF(holder_name, ''x''))');
SELECT v20.check('mask.redact((id IN (1, 2))::text)');
SELECT v20.check('mask.redact((id BETWEEN 1 AND 2)::text)');
SELECT v20.check('mask.redact((holder_name LIKE ''%'')::text)');
-- subqueries and other tables
SELECT v20.check('mask.cn_name((SELECT secret FROM v20.other))');
SELECT v20.check('mask.cn_name(holder_name) FROM v20.other');
SELECT v20.check('mask.redact(ARRAY(SELECT secret FROM v20.other)::text)');
SELECT v20.check('mask.redact(EXISTS (SELECT 1)::text)');
SELECT v20.check('mask.cn_name(other.secret)');
SELECT v20.check('mask.cn_name(v20.other.secret)');
SELECT v20.check('mask.cn_name(accounts.holder_name)');
SELECT v20.check('mask.redact(*)');
SELECT v20.check('mask.redact(accounts.*)');
-- columns that are not there, or not data
SELECT v20.check('mask.cn_name(foo)');
SELECT v20.check('mask.cn_name("Holder_Name")');
SELECT v20.check('mask.cn_name("........pg.dropped.10........")');
SELECT v20.check('mask.redact(ctid::text)');
SELECT v20.check('mask.redact(xmin::text)');
-- casts to anything but built-in types
SELECT v20.check('mask.redact(holder_name::v20.mood::text)');
SELECT v20.check('mask.cn_name(CAST(holder_name AS v20.short_text))');
SELECT v20.check('mask.redact(holder_name::v20.mood[]::text)');
SELECT v20.check('mask.redact(ROW(1)::v20.other::text)');
SELECT v20.check('mask.redact(holder_name::no_such_type)');
SELECT v20.check('mask.redact(holder_name::numeric(1,2,3)::text)');
SELECT v20.check('mask.redact(holder_name::anyelement)');
-- the top level must be a call or a constant
SELECT v20.check('holder_name');
SELECT v20.check('''constant''');
-- a constant is a rule of its own (every row shows it); typed, and numbers, too
SELECT v20.check('''2024-01-01''::date');
SELECT v20.check('0');
SELECT v20.check('NULL');
SELECT v20.check('holder_name::text');
SELECT v20.check('CAST(mask.cn_name(holder_name) AS text)');
SELECT v20.check('mask.cn_name(holder_name) AS holder_name');
-- everything else that is not on the list
SELECT v20.check('mask.redact($1)');
SELECT v20.check('mask.redact(mobile[1])');
SELECT v20.check('mask.redact((mobile).x)');
SELECT v20.check('mask.redact(holder_name COLLATE "C")');
SELECT v20.check('mask.redact(CASE WHEN true THEN holder_name END)');
SELECT v20.check('mask.redact(COALESCE(holder_name, mobile))');
SELECT v20.check('mask.redact(GREATEST(holder_name, mobile))');
SELECT v20.check('mask.redact(ROW(holder_name)::text)');
SELECT v20.check('mask.redact(ARRAY[holder_name]::text)');
SELECT v20.check('mask.redact((NOT active)::text)');
SELECT v20.check('mask.redact((mobile IS NULL)::text)');
SELECT v20.check('mask.redact(CURRENT_USER)');
SELECT v20.check('mask.redact(count(*)::text)');
SELECT v20.check('mask.redact(DISTINCT holder_name)');
SELECT v20.check('mask.redact(holder_name ORDER BY mobile)');
SELECT v20.check('mask.redact(holder_name) FILTER (WHERE true)');
SELECT v20.check('mask.redact(holder_name) OVER ()');
SELECT v20.check('mask.redact(VARIADIC ARRAY[holder_name])');
-- pseudonym keys come from the policy, never from the rule
SELECT v20.check($$mask.pseudonym(account_no, '\x0102'::bytea)$$);
SELECT v20.check($$mask.pseudonym(account_no, '\x0102'::bytea, 8)$$);
SELECT v20.check($$mask.pseudonym(account_no, key => '\x0102'::bytea)$$);
SELECT v20.check($$mask.pseudonym(account_no, '8')$$);
SELECT v20.check('mask.pseudonym(value => account_no)');
SELECT v20.check('mask.pseudonym(account_no)', false, NULL);
-- syntax: statements, comments, quoting tricks, size
SELECT v20.check('mask.cn_name(holder_name); DROP TABLE v20.accounts');
SELECT v20.check('mask.cn_name(holder_name); mask.cn_name(mobile)');
SELECT v20.check('mask.cn_name(holder_name), mask.cn_name(mobile)');
SELECT v20.check($$mask.cn_name(holder_name'); DROP TABLE v20.accounts; --$$);
SELECT v20.check($$mask.cn_name("holder_name""); DROP TABLE v20.accounts; --")$$);
SELECT v20.check('mask.cn_name(holder_name) -- looks harmless');
SELECT v20.check('mask.cn_name(/* hidden */ holder_name)');
SELECT v20.check($q$mask.cn_name($$unterminated)$q$);
SELECT v20.check($$mask.redact(U&'\D800')$$);
SELECT v20.check('SELECT mask.cn_name(holder_name)');
SELECT v20.check('');
SELECT v20.check(repeat('mask.redact(', 5000));
SELECT v20.check(repeat('mask.redact(', 40) || 'holder_name' || repeat(')', 40));
SELECT v20.check(repeat('(', 3000) || 'holder_name' || repeat(')', 3000));

-- ===== Accepted row filters and their canonical SQL, and the rows they keep
SELECT v20.check('amount > 0 AND active', true);
SELECT v20.check('amount BETWEEN 10 AND 200', true);
SELECT v20.check('amount NOT BETWEEN 10 AND 200', true);
SELECT v20.check('amount BETWEEN SYMMETRIC 200 AND 10', true);
SELECT v20.check('id IN (1, 2, 3)', true);
SELECT v20.check('id NOT IN (2)', true);
SELECT v20.check($$holder_name LIKE '张%' OR holder_name ILIKE 'x%' OR holder_name NOT LIKE '%'$$, true);
SELECT v20.check($$holder_name SIMILAR TO '张%'$$, true);
SELECT v20.check('mobile IS NOT NULL AND active IS NOT FALSE AND NOT (amount IS NULL)', true);
SELECT v20.check('CASE WHEN amount > 100 THEN true ELSE false END', true);
SELECT v20.check('CASE id WHEN 1 THEN true WHEN 2 THEN false END', true);
SELECT v20.check('COALESCE(active, false)', true);
SELECT v20.check('NULLIF(amount, 0) IS NOT NULL', true);
SELECT v20.check($$opened >= DATE '2024-01-01' AND opened < (CURRENT_TIMESTAMP AT TIME ZONE 'Asia/Shanghai')::date + 1$$, true);
SELECT v20.check($$lower(holder_name) <> 'x' AND length(mobile) = 11$$, true);
SELECT v20.check('pg_catalog.length(mobile) OPERATOR(pg_catalog.=) 11', true);
SELECT v20.check('id = ANY (ARRAY[1, 3])', true);
SELECT v20.check('-amount < 0', true);
SELECT v20.check('"we""ird" = ''x''', true);
SELECT v20.rows('amount > 0 AND active');
SELECT v20.rows('amount BETWEEN 10 AND 200');
SELECT v20.rows('amount NOT BETWEEN 10 AND 200');
SELECT v20.rows('amount BETWEEN SYMMETRIC 200 AND 10');
SELECT v20.rows('id IN (1, 2, 3)');
SELECT v20.rows('id NOT IN (2)');
SELECT v20.rows($$holder_name LIKE '张%'$$);
SELECT v20.rows($$holder_name SIMILAR TO '欧阳%'$$);
SELECT v20.rows('CASE id WHEN 1 THEN true WHEN 2 THEN false END');
SELECT v20.rows('NULLIF(amount, 0) IS NOT NULL');
SELECT v20.rows($$opened >= DATE '2024-01-01'$$);
SELECT v20.rows('id = ANY (ARRAY[1, 3])');
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
SELECT v20.check($$opened < CURRENT_DATE + 1$$, true);
SELECT v20.check($$current_setting('application_name') IS NOT NULL$$, true);
SELECT v20.check($$opened < '03/04/2024'$$, true);
SELECT v20.check($$opened < 'tomorrow'$$, true);
SELECT v20.check($$mobile::bigint > 0$$, true);
SELECT v20.check($$to_char(opened, 'TMMonth') = 'March'$$, true);
SELECT v20.check($$opened::timestamptz < '2024-01-01 00:00:00+08'$$, true);
SELECT v20.check($$amount::money > '1'$$, true);
SELECT v20.check($$'pg_class'::regclass::oid > 0$$, true);
SELECT v20.check($$int4in(textout(mobile)) > 0$$, true);
SELECT v20.check($$mask.partial(mobile::int::text, 1, 1)$$);
SELECT v20.check($$mask.redact(opened::text)$$);
SELECT v20.check($$mask.partial(holder_name, 1, 1, '**')$$);
SELECT v20.check($$pg_read_file('/etc/passwd') IS NOT NULL$$, true);
SELECT v20.check($$lo_import('/etc/passwd') > 0$$, true);
SELECT v20.check($$dblink('host=evil', 'SELECT 1') IS NULL$$, true);
SELECT v20.check('pg_sleep(10) IS NULL', true);
SELECT v20.check($$set_config('role', 'postgres', false) = 'postgres'$$, true);
SELECT v20.check($$nextval('v20.s') > 0$$, true);
SELECT v20.check('random() < 0.5', true);
SELECT v20.check($$table_to_xml('v20.other', true, true, '') IS NOT NULL$$, true);
SELECT v20.check('v20.leak(holder_name)', true);
SELECT v20.check($$public.cn_name(holder_name) = 'x'$$, true);
SELECT v20.check($$holder_name === 'x'$$, true);
SELECT v20.check($$holder_name OPERATOR(v20.===) 'x'$$, true);
SELECT v20.check('EXISTS (SELECT 1 FROM v20.other)', true);
SELECT v20.check('id IN (SELECT 1)', true);
SELECT v20.check('id = ANY (ARRAY(SELECT 1))', true);
SELECT v20.check('v20.accounts.id > 0', true);
SELECT v20.check('other.secret IS NULL', true);
SELECT v20.check('holder_name IS DISTINCT FROM mobile', true);
SELECT v20.check('count(*) > 0', true);
SELECT v20.check('sum(amount) > 0', true);
SELECT v20.check('row_number() OVER () > 1', true);
SELECT v20.check('generate_series(1, 2) = 1', true);
SELECT v20.check('$1 > 0', true);
SELECT v20.check('holder_name::v20.mood IS NULL', true);
SELECT v20.check('holder_name', true);
SELECT v20.check('42', true);
SELECT v20.check('amount + 1', true);
SELECT v20.check('1::numeric(10,2)', true);
SELECT v20.check('holder_name > 1', true);
SELECT v20.check($$opened > '2024-13-45'$$, true);
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
SELECT v20.check('pg_catalog.upper(holder_name)');
SELECT v20.check('mask.redact(pg_catalog.upper(holder_name))');
SELECT v20.check('upper(holder_name)');
SELECT v20.check('pg_catalog.lower(holder_name)');
DELETE FROM mask.trusted_function WHERE func = 'pg_catalog.upper(text)';
SELECT v20.check('pg_catalog.upper(holder_name)');

-- The validator trusts what the policy engine hands it, and reads no policy
-- catalog: a function listed in mask.trusted_function but not handed over
-- is refused, one handed over is accepted, and a masking function left out
-- of the list it is given is refused.
CREATE FUNCTION v20.check_with(expression text, masking regprocedure[], trusted regprocedure[])
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
BEGIN
    RETURN mask_internal._validate_expression(expression, 'v20.accounts', false,
                                              '(SELECT k FROM v20.key)', masking, trusted);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL;
    RETURN format('%s %s: %s', st, msg, det);
END $$;
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
