-- Internal objects live in schema mask_internal, out of the auditor's way
-- in \df mask.* and \dv mask.*, and refused to PUBLIC: no USAGE on the
-- schema, no EXECUTE on any _-prefixed function anywhere in the extension.
-- Everything the roles do still works through it (a member's pseudonyms
-- come through the key view, auditors run linkability() and
-- verify_audit_log()), and nobody but the extension owner can call an
-- internal function by name.
\ir fixtures/begin.sql
\ir ../sql/fixtures/policy.sql

SELECT plan(17);

CREATE ROLE t54_owner NOLOGIN;
CREATE ROLE t54_member NOLOGIN;
CREATE ROLE t54_auditor NOLOGIN;
CREATE ROLE t54_outsider NOLOGIN;
CREATE SCHEMA t54_billing AUTHORIZATION t54_owner;
SET ROLE t54_owner;
CREATE TABLE t54_billing.households (id integer PRIMARY KEY, holder_name text, account_no text,
                                     building text);
INSERT INTO t54_billing.households VALUES (1, '张三', 'ACC-0001', 'B3'), (2, '李四', 'ACC-0002', 'B3');
RESET ROLE;
SELECT pg_temp.policy('t54_p', 't54_v', 't54_billing.households',
                      ARRAY[['holder_name', 'mask.cn_name(holder_name)'],
                            ['account_no', 'mask.pseudonym(account_no, 8)'],
                            ['building', 'PASS']],
                      members => '{t54_member}');
SELECT mask.grant_auditor('t54_auditor');

-- What \df mask.* and \dv mask.* list.
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'mask'::regnamespace AND proname LIKE '\_%'),
    0::bigint, '\df mask.*: no internal (_-prefixed) function in schema mask');
SELECT is((SELECT count(*) FROM pg_class WHERE relnamespace = 'mask'::regnamespace AND relname LIKE '\_%'),
    0::bigint, '\dv mask.*: no internal relation (key views included) in schema mask');
SELECT ok(EXISTS (SELECT FROM pg_class WHERE relnamespace = 'mask_internal'::regnamespace
                     AND relname ~ '^_key_[0-9]+$' AND relkind = 'v'),
    'the policy''s key view is in mask_internal');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.pronamespace = 'mask_internal'::regnamespace
              AND obj_description(p.oid, 'pg_proc') IS NULL),
    0::bigint, 'every internal function has a comment');
SELECT is((SELECT count(*) FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
            WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
              AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'maskview')
              AND p.pronamespace <> ALL (ARRAY['mask'::regnamespace, 'mask_internal'::regnamespace])),
    0::bigint, 'the extension''s functions are in mask and mask_internal only');

-- Refused to PUBLIC.
SELECT ok(NOT has_schema_privilege('public', 'mask_internal', 'USAGE'),
    'PUBLIC has no USAGE on mask_internal');
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
            WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
              AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'maskview')
              AND p.proname LIKE '\_%' AND has_function_privilege('public', p.oid, 'EXECUTE')),
    NULL, 'no _-prefixed function of the extension is executable by PUBLIC');
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p
            WHERE p.pronamespace = 'mask_internal'::regnamespace
              AND has_function_privilege('public', p.oid, 'EXECUTE')),
    NULL, 'no function in mask_internal is executable by PUBLIC');

-- The roles' work goes on through it.
SET SESSION AUTHORIZATION t54_member;
SELECT is((SELECT count(*) FROM t54_v.households WHERE account_no ~ '^[0-9A-HJKMNP-TV-Z]{8}$'),
    2::bigint, 'member: pseudonyms come through the key view in mask_internal');
SELECT throws_ok($$SELECT mask_internal._key_reader(1, 't54_member')$$, '42501', NULL,
    'member: cannot call an internal function by name (no USAGE on mask_internal)');
SELECT throws_ok($$SELECT * FROM mask_internal."_key_1"$$, '42501', NULL,
    'member: cannot name a key view');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION t54_auditor;
SELECT is((SELECT count(*) FROM mask.verify_audit_log()), 0::bigint,
    'auditor: verify_audit_log() recomputes the chain without calling internals itself');
SELECT is((SELECT total_rows FROM mask.linkability_summary('t54_v.households', ARRAY['building'], 5)),
    2::bigint, 'auditor: linkability_summary() works');
SELECT is((SELECT group_size FROM mask.linkability('t54_v.households', ARRAY['building'], 5)),
    2::bigint, 'auditor: linkability() works');
RESET SESSION AUTHORIZATION;

SELECT 't54_billing.households'::regclass::oid AS t54_raw \gset
SET SESSION AUTHORIZATION t54_outsider;
SELECT throws_ok($$SELECT mask_internal._audit_row_hash(NULL, 1, now(), 'x', 'x', 'x', 'x', 'x', '{}')$$,
    '42501', NULL, 'outsider: cannot call the audit hash function');
SELECT throws_ok('SELECT * FROM mask.linkability(' || :'t54_raw' || '::oid::regclass, ARRAY[''building''], 5)',
    '42501', NULL, 'outsider: linkability() runs with the caller''s rights (cannot read the raw table)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION t54_auditor;
SELECT throws_ok($$SELECT * FROM mask.linkability('t54_v.households', ARRAY['nope'], 5)$$,
    '22023', 'quasi-identifier columns do not exist in t54_v.households',
    'linkability(): its argument checks, with their own message');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
