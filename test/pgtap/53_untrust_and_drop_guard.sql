-- mask.import_anon() is for admins; mask.untrust_function() withdraws mask.trust_function(), never under a
-- rule that still calls the function; the DROP EXTENSION guard recognises a
-- DROP EXTENSION maskview (without CASCADE) in a statement text.  The guard's
-- refusal itself is exercised by test/faults/drop_extension.sh (it reads the
-- client's statement, which inside pgTAP is the SELECT calling throws_ok).
\ir fixtures/begin.sql

SELECT plan(20);

CREATE ROLE t53_owner NOLOGIN;
CREATE ROLE t53_admin NOLOGIN;
CREATE SCHEMA t53_billing AUTHORIZATION t53_owner;
SET ROLE t53_owner;
CREATE TABLE t53_billing.households (id integer PRIMARY KEY, holder_name text);
RESET ROLE;
CREATE FUNCTION public.t53_initials(v text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT left(v, 1) || '.' $$;
SELECT mask.grant_admin('t53_admin');
SELECT mask.create_policy('t53_p', 't53_v');
SELECT mask.protect('t53_p', 't53_billing.households');
SELECT mask.trust_function('public.t53_initials(text)');
SELECT mask.set_rule('t53_p', 't53_billing.households', 'holder_name', 'public.t53_initials(holder_name)');

CREATE ROLE t53_outsider NOLOGIN;
SET SESSION AUTHORIZATION t53_admin;
SELECT throws_ok($$SELECT mask.untrust_function('public.t53_initials(text)')$$, '42501', NULL,
    'untrust_function: not for admins (superusers only, like trust_function)');
SELECT throws_ok($$SELECT * FROM mask.import_anon('t53_anon')$$, '22023',
    'there are no PostgreSQL Anonymizer labels to import',
    'import_anon: an admin may run it; without anon labels it says so (the import itself: test/import_anon/import_anon_test.sh)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t53_outsider;
SELECT throws_ok($$SELECT * FROM mask.import_anon('t53_anon')$$, '42501', NULL,
    'import_anon: not for roles that are not admins');
RESET SESSION AUTHORIZATION;

SELECT throws_ok($$SELECT mask.untrust_function('public.t53_initials(text)')$$, '22023',
    'function public.t53_initials(text) is used by masking rules',
    'untrust_function: refused while a masked view calls the function');
SELECT ok(EXISTS (SELECT FROM mask.trusted_function WHERE func = 'public.t53_initials(text)'),
    'untrust_function: the refused call changed nothing');

SELECT mask.drop_rule('t53_p', 't53_billing.households', 'holder_name');
SELECT lives_ok($$SELECT mask.untrust_function('public.t53_initials(text)')$$,
    'untrust_function: works once no rule uses the function');
SELECT ok(NOT EXISTS (SELECT FROM mask.trusted_function WHERE func = 'public.t53_initials(text)'),
    'untrust_function: the function is no longer trusted');
SELECT ok(EXISTS (SELECT FROM mask.audit_log WHERE action = 'untrust_function'
                     AND object = 'public.t53_initials(text)'),
    'untrust_function: audited');
SELECT throws_ok($$SELECT mask.set_rule('t53_p', 't53_billing.households', 'holder_name',
                                        'public.t53_initials(holder_name)')$$, '22023', NULL,
    'untrust_function: a rule calling the function is refused again');
SELECT throws_ok($$SELECT mask.untrust_function('public.t53_initials(text)')$$, '22023',
    'function public.t53_initials(text) is not trusted',
    'untrust_function: a function that is not trusted is a clear error');

-- An extension's operators in pg_catalog over a type of its own (as Citus
-- adds cluster_clock comparisons) do not make every comparison unsafe in a
-- row filter; an operator of pg_catalog over built-in types still does, and
-- the operator chosen must be built in.
CREATE TYPE public.t53_clock AS (ticks bigint);
CREATE FUNCTION public.t53_clock_eq(public.t53_clock, public.t53_clock) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT $1.ticks = $2.ticks $$;
CREATE OPERATOR pg_catalog.= (LEFTARG = public.t53_clock, RIGHTARG = public.t53_clock,
                              FUNCTION = public.t53_clock_eq);
ALTER TABLE t53_billing.households ADD COLUMN clock public.t53_clock;
SELECT lives_ok($$SELECT mask.protect('t53_p', 't53_billing.households', 'id = 1 OR id >= 10')$$,
    'row filter: = and >= work beside an extension''s = over its own type in pg_catalog');
SELECT throws_ok($$SELECT mask.protect('t53_p', 't53_billing.households', 'clock = clock')$$, '22023', NULL,
    'row filter: the extension''s operator itself is refused when parse analysis picks it');
CREATE FUNCTION public.t53_int_eq(integer, integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT $1 = $2 $$;
CREATE OPERATOR pg_catalog.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.t53_int_eq);
SELECT throws_ok($$SELECT mask.protect('t53_p', 't53_billing.households', 'id === 1')$$, '22023', NULL,
    'row filter: an operator added to pg_catalog over built-in types is refused');

-- A constant mask, as Oracle, SQL Server and Anonymizer allow: every row
-- shows it.
INSERT INTO t53_billing.households (id, holder_name) VALUES (1, '张三'), (2, '李四');
SELECT lives_ok($$SELECT mask.set_rule('t53_p', 't53_billing.households', 'holder_name', '''CONFIDENTIAL''')$$,
    'set_rule: a constant is a rule');
SELECT is(ARRAY(SELECT DISTINCT holder_name FROM t53_v.households), ARRAY['CONFIDENTIAL'],
    'the masked view shows the constant in every row');

-- The guard's reading of statement texts.
SELECT ok(mask_internal._drops_extension('DROP EXTENSION maskview', 'maskview'), 'guard: DROP EXTENSION maskview');
SELECT ok(mask_internal._drops_extension('select 1; drop extension if exists pgtap, maskview restrict;', 'maskview'),
    'guard: several statements, several extensions, IF EXISTS, RESTRICT');
SELECT ok(NOT mask_internal._drops_extension('DROP EXTENSION maskview CASCADE', 'maskview'),
    'guard: CASCADE is let through (it drops the views knowingly)');
SELECT ok(NOT mask_internal._drops_extension('DROP EXTENSION pgtap', 'maskview'), 'guard: other extensions are let through');
SELECT ok(NOT mask_internal._drops_extension('DROP EXTENSION maskview garbage (', 'maskview'),
    'guard: a text that does not parse names nothing');

SELECT * FROM finish();
ROLLBACK;
