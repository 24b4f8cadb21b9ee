-- Attack suite: session settings, casts that quote values, bad constant
-- parameters (issue 8 "Errors that quote values ...", issue 9 "DDL and
-- regeneration").
--
-- A member cannot change the data, but it can change its own session:
-- DateStyle, TimeZone, extra_float_digits.  A rule or row filter whose
-- meaning or errors depend on those settings lets the member change what it
-- is shown, or provoke an error that quotes a raw value.  A table owner can
-- change its session too, and its DDL regenerates the views.  Every test
-- here fails on 0.2.0.
\ir fixtures/begin.sql

SELECT plan(40);

CREATE ROLE t48_owner NOLOGIN;
CREATE ROLE t48_member NOLOGIN;
CREATE SCHEMA t48_billing AUTHORIZATION t48_owner;

SET ROLE t48_owner;
CREATE TABLE t48_billing.people (
    id       integer PRIMARY KEY,
    phone    text,
    birth    text,          -- a date kept as text, as legacy tables do
    due      date,
    note     text,
    reading  float8,
    amount   numeric,
    extra    text
);
INSERT INTO t48_billing.people VALUES
 (1, '13812345678', '03/15/2024', '2024-03-04', 'a_b', 0.1, 12.50, 'x'),
 (2, '13900001111', '1990-01-01', '2024-04-03', 'ab',  0.2, 99.00, 'x'),
 (3, '13700002222', '2000-12-31', '2024-05-06', 'a%b', 0.3, 10.00, 'x');
RESET ROLE;

SELECT lives_ok($$
    SELECT mask.create_policy('t48_p', 't48_view', 'attack suite (settings)');
    SELECT mask.protect('t48_p', 't48_billing.people', NULL, 'people');
    SELECT mask.set_rule('t48_p', 't48_billing.people', 'id', 'PASS');
    SELECT mask.add_member('t48_p', 't48_member');
$$, 'setup: a policy with a member');

-- 1. Casts that read each value as text fail on a bad value with an error
--    that quotes it ("value "13812345678" is out of range for type integer"),
--    and the member can provoke them (SET DateStyle turns '03/15/2024' into
--    an error).  They are refused when the rule is set.
SELECT throws_ok(c.stmt, '22023', NULL, c.description)
  FROM (VALUES
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'phone', 'mask.partial(phone::int::text, 3, 4)')$$,
     'a rule casting text to integer is refused (the error would quote the value)'),
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'birth', 'mask.generalize(birth::date, ''year'')')$$,
     'a rule casting text to date is refused (DateStyle decides, errors quote the value)'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'birth::date > ''2000-01-01''', 'people')$$,
     'a row filter casting text to date is refused'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'phone::bigint > 0', 'people')$$,
     'a row filter casting text to bigint is refused'),
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'reading', 'mask.partial(reading::text, 1, 1)')$$,
     'a rule writing a float as text is refused (extra_float_digits decides the digits)'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'int4in(textout(phone)) > 0', 'people')$$,
     'type input functions called directly are refused too')) AS c(stmt, description);
SELECT lives_ok($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'amount',
                                       'mask.partial(amount::text, 1, 0)')$$,
                'a rule writing a numeric as text is accepted (its text does not depend on settings)');

-- 2. Constants that mean different things under different settings.
SELECT throws_ok(c.stmt, '22023', NULL, c.description)
  FROM (VALUES
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'due < ''03/04/2024''', 'people')$$,
     'a date constant that DateStyle reads two ways is refused'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'due < ''today''', 'people')$$,
     'a date constant relative to now is refused'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'due < CURRENT_DATE', 'people')$$,
     'CURRENT_DATE (TimeZone decides the day) is refused in a row filter'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'to_char(due, ''TMMonth'') = ''March''', 'people')$$,
     'a stable function (lc_time decides) is refused in a row filter'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', 'due::timestamptz < ''2024-04-01 00:00:00+08''', 'people')$$,
     'a cast that TimeZone decides (date to timestamptz) is refused'),
    ($$SELECT mask.protect('t48_p', 't48_billing.people', '''2024-04-01 00:00''::timestamptz < now()', 'people')$$,
     'a timestamptz constant without an offset is refused')) AS c(stmt, description);
SELECT is((SELECT row_filter FROM mask.protected_tables WHERE policy = 't48_p'), NULL,
          'no refused row filter was stored');

-- 3. Settings-independent filters are accepted and read the same in every
--    session, the member's and the owner's.
SELECT lives_ok($$SELECT mask.protect('t48_p', 't48_billing.people',
                                      'due < ''2024-05-01'' AND note LIKE ''%\_%'' OR id = 3', 'people')$$,
                'an ISO date and a LIKE with an escaped underscore are accepted');
SET SESSION AUTHORIZATION t48_member;
SET DateStyle = 'ISO, MDY';
SELECT is((SELECT array_agg(id ORDER BY id) FROM t48_view.people), '{1,3}'::integer[],
          'member under MDY: rows 1 and 3');
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'Pacific/Kiritimati';
SELECT is((SELECT array_agg(id ORDER BY id) FROM t48_view.people), '{1,3}'::integer[],
          'member under DMY and another time zone: the same rows');
SELECT is((SELECT array_agg(amount ORDER BY id) FROM t48_view.people), '{1****,1****}'::text[],
          'member under DMY: the numeric rule reads the same');
RESET SESSION AUTHORIZATION;
RESET DateStyle;
RESET TimeZone;

-- 4. Issue 9: the owner renames a column with standard_conforming_strings
--    off and DateStyle DMY.  The rename helper used to fail to compile, or
--    to re-read '%\_%' as '%_%' (every row) and '2024-05-01' under DMY.
SET ROLE t48_owner;
SET standard_conforming_strings = off;
SET DateStyle = 'SQL, DMY';
SELECT lives_ok($$ALTER TABLE t48_billing.people RENAME COLUMN extra TO extra2$$,
                'owner with standard_conforming_strings off and DMY renames a column');
SELECT lives_ok($$ALTER TABLE t48_billing.people RENAME COLUMN note TO "Note"$$,
                'owner renames the column the filter reads');
RESET standard_conforming_strings;
RESET DateStyle;
RESET ROLE;
SELECT is((SELECT row_filter FROM mask.protected_tables WHERE policy = 't48_p'),
          $f$due < '2024-05-01' AND "Note" LIKE '%\_%' OR id = 3$f$,
          'the filter as typed names the new column and keeps its escape');
SET SESSION AUTHORIZATION t48_member;
SELECT is((SELECT array_agg(id ORDER BY id) FROM t48_view.people), '{1,3}'::integer[],
          'member after the renames: still rows 1 and 3');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM mask.audit_log
            WHERE action = 'follow_ddl' AND details::text LIKE '%columns_renamed%'), 2::bigint,
          'both renames were audited');

-- 5. Bad constant parameters are refused by set_rule and never stored.
SELECT throws_ok(c.stmt, '22023', NULL, c.description)
  FROM (VALUES
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'phone', 'mask.cn_phone(phone, ''**'')')$$,
     'cn_phone with a two-character mask_char is refused'),
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'phone', 'mask.cn_id_card(phone, 8, 8)')$$,
     'cn_id_card showing the birth date is refused'),
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'phone', 'mask.partial(phone, -1, 0)')$$,
     'partial with a negative keep_head is refused'),
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'phone', 'mask.cn_address(phone, ''nowhere'')')$$,
     'cn_address with an unknown level is refused'),
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'phone', 'mask.partial(mask.redact(phone, pad => 2147483647), 1, 0)')$$,
     'a nested call with pad => 2147483647 is refused'),
    ($$SELECT mask.set_rule('t48_p', 't48_billing.people', 'phone', 'mask.partial(phone, id, 0, note)')$$,
     'parameters read from columns are refused (one bad row would abort the view)')) AS c(stmt, description);
SELECT is((SELECT count(*) FROM mask.rules WHERE policy = 't48_p' AND "column" = 'phone' AND action <> 'hidden'),
          0::bigint, 'none of the refused rules was stored');

-- 6. Smaller findings.
SELECT throws_ok($$SELECT mask.redact('张三', '*', 2147483647)$$, '22023', NULL,
                 'pad => 2147483647 is a parameter error (22023), not an internal one');
SELECT lives_ok($$SELECT mask.generalize(1e131071, 1e-16383)$$,
                'generalize on a value whose bucket numeric can hardly hold does not raise');
SELECT throws_ok($$SELECT mask.protect('t48_p', 0::regclass)$$, '22023', NULL,
                 'protect(policy, 0::regclass) is a clear 22023');
CREATE TEMP TABLE t48_temp (id integer);
ALTER TABLE t48_temp OWNER TO t48_owner;
SELECT throws_ok($$SELECT mask.protect('t48_p', 'pg_temp.t48_temp'::regclass)$$, '22023', NULL,
                 'protecting a temporary table is a clear 22023');
SELECT throws_ok($$SELECT mask.create_policy(repeat('p', 64), 't48_long')$$, '22023', NULL,
                 'a policy name of 64 bytes is refused, not truncated');
SELECT throws_ok($$SELECT mask.create_policy('t48_long', repeat('s', 70))$$, '22023', NULL,
                 'a view schema name of 70 bytes is refused, not truncated');
SELECT throws_ok($$SELECT mask.protect('t48_p', 't48_billing.people', NULL, repeat('v', 64))$$, '22023', NULL,
                 'a view name of 64 bytes is refused, not truncated');

-- 7. A rule an older version stored (the catalog of a 0.2.0 database) that
--    this validator refuses is reported by verify() as an error.
SELECT is((SELECT count(*) FROM mask.verify('t48_p') WHERE severity = 'error'), 0::bigint,
          'precondition: verify() is clean');
UPDATE mask.rule SET expression = 'mask.partial(amount::text::int::text, 1, 0)'
 WHERE column_name = 'amount';
SELECT is((SELECT count(*) FROM mask.verify('t48_p')
            WHERE severity = 'error' AND object LIKE '%amount' AND finding LIKE '%refused by this version%'),
          1::bigint, 'verify() reports a stored rule the validator now refuses');

SELECT * FROM finish();
ROLLBACK;
