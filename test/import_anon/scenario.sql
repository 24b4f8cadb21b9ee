-- mask.import_anon() on PostgreSQL Anonymizer labels, written with the
-- test-only provider of test/seclabel (LOADed by test/import_anon/import_anon_test.sh).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION maskview;
CREATE ROLE tia_owner NOLOGIN;
CREATE ROLE tia_printer LOGIN;
CREATE ROLE tia_analyst LOGIN;
CREATE ROLE tia_super SUPERUSER NOLOGIN;
CREATE SCHEMA tia AUTHORIZATION tia_owner;
SET ROLE tia_owner;
CREATE TABLE tia.customers (
    id          integer PRIMARY KEY,
    name        text,
    email       text,
    phone       text,
    card        text,
    birth       date,
    income      integer,
    zip         text,
    note        text,
    shoe_size   integer
);
INSERT INTO tia.customers VALUES
 (1, '张三', 'zhang.san@example.cn', '13812345678', '6222021234567890123', '1990-05-17', 5230, '241000', 'likes tea', 42),
 (2, '李四', 'lisi@example.cn',      '13987654321', '6222029876543210987', '1985-11-02', 8870, '241002', 'prefers mail', 40);
RESET ROLE;

SECURITY LABEL FOR anon ON COLUMN tia.customers.name  IS 'MASKED WITH FUNCTION anon.partial(name, 1, $$**$$, 0)';
SECURITY LABEL FOR anon ON COLUMN tia.customers.email IS 'MASKED WITH FUNCTION anon.partial_email(email)';
SECURITY LABEL FOR anon ON COLUMN tia.customers.phone IS 'masked with function anon.partial(phone, 3, ''****'', 4)';
SECURITY LABEL FOR anon ON COLUMN tia.customers.card  IS 'MASKED WITH FUNCTION anon.hash(card)';
SECURITY LABEL FOR anon ON COLUMN tia.customers.birth IS 'MASKED WITH FUNCTION anon.generalize_daterange(birth, ''year'')';
SECURITY LABEL FOR anon ON COLUMN tia.customers.income IS 'MASKED WITH FUNCTION anon.generalize_int4range(income, 1000)';
SECURITY LABEL FOR anon ON COLUMN tia.customers.zip   IS 'MASKED WITH FUNCTION anon.random_zip()';
SECURITY LABEL FOR anon ON COLUMN tia.customers.note  IS 'MASKED WITH VALUE NULL';
SECURITY LABEL FOR anon ON ROLE tia_printer IS 'MASKED';
SECURITY LABEL FOR anon ON ROLE tia_super IS 'MASKED';

\echo == translations of label forms (quotes, dollar quotes with commas, nested calls)
SELECT l AS label, t.expression, t.note
  FROM (VALUES ('MASKED WITH FUNCTION anon.partial(name, 2, $x$*,*$x$, 1)'),
               ('MASKED WITH FUNCTION anon.partial(upper(name), 1, ''#'', 1)'),
               ('MASKED WITH FUNCTION anon.digest(card, ''salt, with comma'', ''sha256'')'),
               ('MASKED WITH FUNCTION anon.pseudo_first_name(name)'),
               ('MASKED WITH FUNCTION anon.generalize_numrange(income, 10)'),
               ('MASKED WITH FUNCTION anon.generalize_daterange(birth)'),
               ('MASKED WITH FUNCTION anon.noise(income, 0.1)'),
               ('MASKED WITH VALUE ''CONFIDENTIAL'''),
               ('MASKED WITH FUNCTION anon.partial(name, 1, $$unterminated, 1)'),
               ('NOT A LABEL')) v(l),
       mask_internal._anon_translate(v.l) t;

\echo == dry run (the default): the report, and nothing changed
SELECT object, outcome, maskview, note FROM mask.import_anon('tia_notice');
SELECT count(*) AS policies, (SELECT count(*) FROM mask.audit_log WHERE action = 'import_anon') AS audit_rows
  FROM mask.policy;

\echo == the import
SELECT object, outcome FROM mask.import_anon('tia_notice', 'tia_masked', dry_run => false);
SELECT "column", action, expression FROM mask.rules WHERE policy = 'tia_notice' ORDER BY "column";
SELECT policy, member::text FROM mask.members ORDER BY 2;
SELECT action, policy, details FROM mask.audit_log WHERE action = 'import_anon';

\echo == what the masked role now reads
SET ROLE tia_printer;
SELECT name, email, phone, length(card) AS card_token_length, birth, income, note FROM tia_masked.customers ORDER BY email;
\echo == unlabelled columns are hidden, the raw table is out of reach
\set ON_ERROR_STOP off
SELECT id FROM tia_masked.customers;
SELECT count(*) FROM tia.customers;
