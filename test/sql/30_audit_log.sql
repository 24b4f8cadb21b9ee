-- Audit log: hash chain, append-only triggers, verify_audit_log(), privileges.
-- Everything runs in one transaction that is rolled back, so the log of the
-- shared regression database is left as the earlier tests wrote it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS maskview;

-- The canonical text is the hash input: pin its format, so that a change
-- (which would invalidate every stored hash) cannot slip in unnoticed.
SELECT pg_catalog.convert_from(mask_internal._audit_canonical(
    7, '2024-03-01 08:30:00.123456+08', 'alice', 'admin_role', 'set_rule',
    'notice', 'billing.households.name', '{"expression": "mask.cn_name(name)", "n": 1}'), 'UTF8');
SELECT pg_catalog.convert_from(mask_internal._audit_canonical(
    1, '2024-03-01 00:00:00+00', 'a', 'b', 'x', NULL, NULL, NULL), 'UTF8');
-- Multi-byte content: lengths are in bytes.
SELECT pg_catalog.convert_from(mask_internal._audit_canonical(
    2, '2024-03-01 00:00:00+00', 'a', 'b', '备注', '政策', '张三|李四', '{"名": "王五"}'), 'UTF8');
-- A known hash (sha256 of 32 zero bytes followed by the canonical text).
SELECT pg_catalog.encode(mask_internal._audit_row_hash(
    pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex'),
    1, '2024-03-01 00:00:00+00', 'a', 'b', 'x', NULL, NULL, NULL), 'hex');
-- The time zone of the session does not change the hash.
SET TimeZone = 'Asia/Shanghai';
SELECT pg_catalog.encode(mask_internal._audit_row_hash(
    pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex'),
    1, '2024-03-01 00:00:00+00', 'a', 'b', 'x', NULL, NULL, NULL), 'hex');
RESET TimeZone;
-- Field boundaries cannot be faked by content, and NULL differs from ''.
SELECT mask_internal._audit_canonical(1, '2024-03-01Z', 'a', 'b', 'x|y', 'p', NULL, NULL)
     <> mask_internal._audit_canonical(1, '2024-03-01Z', 'a', 'b', 'x', 'y|p', NULL, NULL) AS split_differs,
       mask_internal._audit_canonical(1, '2024-03-01Z', 'a', 'b', 'x', NULL, NULL, NULL)
     <> mask_internal._audit_canonical(1, '2024-03-01Z', 'a', 'b', 'x', '', NULL, NULL) AS null_differs,
       mask_internal._audit_canonical(1, '2024-03-01Z', 'a', 'b', 'x', NULL, '~', NULL)
     <> mask_internal._audit_canonical(1, '2024-03-01Z', 'a', 'b', 'x', NULL, NULL, NULL) AS tilde_differs;

BEGIN;
-- Start from an empty log inside this transaction (a superuser can do this
-- with the trigger disabled; it is rolled back at the end).
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
DELETE FROM mask.audit_log;
ALTER TABLE mask.audit_log ENABLE TRIGGER audit_log_no_update_delete;

CREATE ROLE regress_t30_admin NOLOGIN;
CREATE ROLE regress_t30_other NOLOGIN;
-- Schema USAGE is granted here so that the object privileges are what is tested.
GRANT USAGE ON SCHEMA mask TO regress_t30_other;
-- Stands in for an API function: SECURITY DEFINER owned by the superuser.
CREATE FUNCTION public.t30_api(a text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT mask_internal._audit(a, 'p30', 'public.t30', pg_catalog.jsonb_build_object('arg', a)) $$;
GRANT EXECUTE ON FUNCTION public.t30_api(text) TO regress_t30_admin;

SELECT mask_internal._audit('create_policy', 'p30', NULL, '{"view_schema": "v30"}');
SET ROLE regress_t30_admin;
SELECT public.t30_api('set_rule');
RESET ROLE;
SELECT mask_internal._audit('add_member', 'p30', 'regress_t30_other', NULL);

-- Ids are dense from 1, the first row chains from 32 zero bytes, each row
-- chains from its predecessor; current_user is the role of the session
-- (SET ROLE), not the SECURITY DEFINER owner.
SELECT id, action, policy, object, details,
       login_role = session_user AS session_ok,
       acting_role,
       prev_hash = coalesce(lag(hash) OVER (ORDER BY id),
                            pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex')) AS chained,
       hash = mask_internal._audit_row_hash(prev_hash, id, at, login_role, acting_role,
                                   action, policy, object, details) AS hash_ok,
       at <= clock_timestamp() AS at_ok
  FROM mask.audit_log ORDER BY id;
SELECT * FROM mask.verify_audit_log();

-- A rolled-back call leaves no gap.
SAVEPOINT s;
SELECT mask_internal._audit('rolled_back', NULL, NULL, NULL);
ROLLBACK TO SAVEPOINT s;
SELECT mask_internal._audit('rotate_key', 'p30', NULL, NULL);
SELECT id, action FROM mask.audit_log ORDER BY id;
SELECT * FROM mask.verify_audit_log();

-- Append-only, for the owner and superusers too.
SAVEPOINT s;
UPDATE mask.audit_log SET details = '{"forged": true}' WHERE id = 2;
ROLLBACK TO SAVEPOINT s;
DELETE FROM mask.audit_log WHERE id = 2;
ROLLBACK TO SAVEPOINT s;
TRUNCATE mask.audit_log;
ROLLBACK TO SAVEPOINT s;
-- A second row with the same predecessor (a fork) is impossible.  (Terse:
-- the error detail would print a time-dependent hash.)
\set VERBOSITY terse
INSERT INTO mask.audit_log (id, at, login_role, acting_role, action, prev_hash, hash)
OVERRIDING SYSTEM VALUE
SELECT 99, now(), 'x', 'x', 'fork', prev_hash, hash FROM mask.audit_log WHERE id = 3;
ROLLBACK TO SAVEPOINT s;
\set VERBOSITY default

-- Non-superusers: no direct append, no reading, no verification by default.
-- (ROLLBACK TO SAVEPOINT also undoes SET ROLE, hence one SET ROLE each.)
SET ROLE regress_t30_other;
SELECT mask_internal._audit('forged', NULL, NULL, NULL);
ROLLBACK TO SAVEPOINT s;
SET ROLE regress_t30_other;
SELECT count(*) FROM mask.audit_log;
ROLLBACK TO SAVEPOINT s;
SET ROLE regress_t30_other;
SELECT * FROM mask.verify_audit_log();
ROLLBACK TO SAVEPOINT s;
SELECT current_user = session_user AS back_to_superuser;
SELECT has_table_privilege('public', 'mask.audit_log', 'SELECT') AS public_select,
       has_function_privilege('public', 'mask_internal._audit(text, name, text, jsonb)', 'EXECUTE') AS public_audit,
       has_function_privilege('public', 'mask.verify_audit_log()', 'EXECUTE') AS public_verify;
-- A role granted SELECT (as grant_auditor does) can verify the chain.
GRANT SELECT ON mask.audit_log TO regress_t30_other;
GRANT EXECUTE ON FUNCTION mask.verify_audit_log() TO regress_t30_other;
SET ROLE regress_t30_other;
SELECT * FROM mask.verify_audit_log();
RESET ROLE;

-- Tampering by a superuser who disables the trigger: changed details.
SAVEPOINT tamper;
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE mask.audit_log SET details = '{"arg": "drop_rule"}' WHERE id = 2;
SELECT * FROM mask.verify_audit_log();
-- ... and the same with the row's hash recomputed: the next row shows it.
UPDATE mask.audit_log
   SET hash = mask_internal._audit_row_hash(prev_hash, id, at, login_role, acting_role,
                                   action, policy, object, details)
 WHERE id = 2;
SELECT * FROM mask.verify_audit_log();
ROLLBACK TO SAVEPOINT tamper;
-- A changed time or role is caught as well.
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE mask.audit_log SET acting_role = 'regress_t30_other' WHERE id = 2;
SELECT * FROM mask.verify_audit_log();
ROLLBACK TO SAVEPOINT tamper;
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE mask.audit_log SET at = at - interval '1 day' WHERE id = 1;
SELECT * FROM mask.verify_audit_log();
ROLLBACK TO SAVEPOINT tamper;
-- A deleted row in the middle, and the first row.
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
DELETE FROM mask.audit_log WHERE id = 3;
SELECT * FROM mask.verify_audit_log();
ROLLBACK TO SAVEPOINT tamper;
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
DELETE FROM mask.audit_log WHERE id = 1;
SELECT * FROM mask.verify_audit_log();
ROLLBACK TO SAVEPOINT tamper;
-- Rows swapped (ids kept, contents exchanged).
ALTER TABLE mask.audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE mask.audit_log AS l
   SET action = o.action, details = o.details
  FROM mask.audit_log AS o
 WHERE (l.id, o.id) IN ((3, 4), (4, 3));
SELECT * FROM mask.verify_audit_log();
ROLLBACK TO SAVEPOINT tamper;
-- After all that, the chain is intact again.
SELECT * FROM mask.verify_audit_log();
ROLLBACK;

-- Catalog facts: registered for pg_dump, documented, internal functions closed.
SELECT c::regclass AS dumped
  FROM pg_catalog.pg_extension AS e, unnest(e.extconfig) AS c
 WHERE e.extname = 'maskview' AND c::regclass::text LIKE 'mask.audit_log%'
 ORDER BY c::regclass::text;
SELECT p.oid::regprocedure AS function_without_comment
  FROM pg_catalog.pg_proc AS p
 WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
   AND (p.proname LIKE '%audit%')
   AND pg_catalog.obj_description(p.oid, 'pg_proc') IS NULL;
SELECT a.attname AS column_without_comment
  FROM pg_catalog.pg_attribute AS a
 WHERE a.attrelid = 'mask.audit_log'::regclass AND a.attnum > 0
   AND pg_catalog.col_description(a.attrelid, a.attnum) IS NULL;
SELECT p.oid::regprocedure AS audit_function_without_pinned_path
  FROM pg_catalog.pg_proc AS p
 WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace) AND p.proname LIKE '%audit%'
   AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false);
