-- Policy catalog and API: what the catalog records, what the auditor views
-- show, and every refused input with its error.  One transaction, rolled back,
-- so later tests find the database (and the audit log) as before.
SET client_min_messages = warning;
\set SHOW_CONTEXT never
CREATE EXTENSION IF NOT EXISTS maskview;
BEGIN;

-- Runs a statement and reports its outcome as text: 'ok', or the SQLSTATE,
-- message, detail and hint of the error (in a subtransaction, so the test
-- goes on).  brief => only the SQLSTATE, for errors worded by the validator,
-- whose own tests pin the wording.
CREATE FUNCTION pg_temp.try(stmt text, brief boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_state text; v_msg text; v_detail text; v_hint text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT,
                            v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    IF brief THEN
        RETURN v_state;
    END IF;
    RETURN v_state || ': ' || v_msg
        || COALESCE(E'\nDETAIL: ' || NULLIF(v_detail, ''), '')
        || COALESCE(E'\nHINT: ' || NULLIF(v_hint, ''), '');
END;
$$;

SELECT COALESCE(max(id), 0) AS audit_start FROM mask.audit_log \gset

CREATE ROLE mv21_owner;
CREATE ROLE mv21_printer;
CREATE ROLE mv21_admin;
CREATE SCHEMA mv21_billing AUTHORIZATION mv21_owner;
CREATE TABLE mv21_billing.households (
    id          integer PRIMARY KEY,
    holder_name text,
    address     text,
    room        text,
    phone       text,
    account_no  text,
    arrears     numeric);
ALTER TABLE mv21_billing.households OWNER TO mv21_owner;
CREATE TABLE mv21_billing.meters (id integer, household_id integer);
ALTER TABLE mv21_billing.meters OWNER TO mv21_owner;
-- owned by the superuser running the test
CREATE TABLE mv21_billing.superuser_owned (id integer);
CREATE VIEW mv21_billing.a_view AS SELECT 1 AS x;

-- The catalog tables and their sequence are dumped with the extension.
SELECT x::regclass AS config_table
  FROM pg_extension e, unnest(e.extconfig) x
 WHERE e.extname = 'maskview'
   AND x::regclass::text NOT IN ('mask.audit_log', 'mask.audit_log_id_seq')
 ORDER BY x::regclass::text;

-- Nobody but the extension owner reads or changes them, the key least of all.
SELECT c.relname,
       has_table_privilege('mv21_printer', c.oid, 'SELECT') AS member_reads,
       has_table_privilege('public', c.oid, 'SELECT') AS public_reads
  FROM pg_class c
 WHERE c.relnamespace = 'mask'::regnamespace AND c.relkind = 'r'
   AND c.relname IN ('policy', 'protected', 'rule', 'member', 'policy_key', 'admin',
                     'auditor', 'trusted_function')
 ORDER BY 1;

-- The API is SECURITY DEFINER with a pinned search_path and not executable by PUBLIC.
SELECT p.proname, p.prosecdef,
       p.proconfig = '{"search_path=pg_catalog, pg_temp"}' AS pinned_path,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_executes,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_proc p
 WHERE p.pronamespace = 'mask'::regnamespace
   AND p.proname IN ('create_policy', 'drop_policy', 'protect', 'unprotect', 'set_rule',
                     'drop_rule', 'add_member', 'remove_member', 'rotate_key', 'grant_admin',
                     'revoke_admin', 'grant_auditor', 'revoke_auditor', 'trust_function')
 ORDER BY 1;

-- A policy, a protected table with a row filter, rules of each kind.
SELECT pg_temp.try($$SELECT mask.create_policy('mv21_notice', 'mv21_view', 'Arrears notices posted in building lobbies')$$);
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.households', 'arrears > 0')$$);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'holder_name', 'mask.cn_name(holder_name)', 'PIPL Art. 25: no public disclosure')$$);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'account_no', 'mask.pseudonym(account_no, 8)', 'token the household can match')$$);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'arrears', ' pass ')$$);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'phone', 'NULL', 'not printed')$$);

SELECT policy, view_schema, description, tables, members, created_by = session_user AS by_me
  FROM mask.policies WHERE policy = 'mv21_notice';
SELECT policy, relation, view, row_filter FROM mask.protected_tables WHERE policy = 'mv21_notice';
-- One row per column, unruled columns shown as hidden.
SELECT "column", action, expression, reason, orphaned
  FROM mask.rules WHERE policy = 'mv21_notice' ORDER BY relation::text, "column";

-- The key: 32 bytes, different for each policy, changed by rotate_key.
SELECT pg_temp.try($$SELECT mask.create_policy('mv21_other', 'mv21_view')$$);
SELECT min(octet_length(k.key)) AS min_key_bytes, count(DISTINCT k.key) AS distinct_keys
  FROM mask.policy_key k JOIN mask.policy p ON p.id = k.policy_id
 WHERE p.name IN ('mv21_notice', 'mv21_other');
CREATE TEMP TABLE old_key AS
  SELECT k.key FROM mask.policy_key k JOIN mask.policy p ON p.id = k.policy_id WHERE p.name = 'mv21_notice';
SELECT pg_temp.try($$SELECT mask.rotate_key('mv21_notice')$$);
SELECT k.key <> o.key AS key_changed
  FROM mask.policy_key k JOIN mask.policy p ON p.id = k.policy_id, old_key o WHERE p.name = 'mv21_notice';

-- Refused inputs: 22023 naming the offending part.
SELECT pg_temp.try($$SELECT mask.create_policy('mv21_notice', 'elsewhere')$$);
SELECT pg_temp.try($$SELECT mask.create_policy('', 'elsewhere')$$);
SELECT pg_temp.try($$SELECT mask.create_policy('mv21_bad', 'mask')$$);
SELECT pg_temp.try($$SELECT mask.create_policy('mv21_bad', 'pg_catalog')$$);
SELECT pg_temp.try($$SELECT mask.create_policy('mv21_bad', NULL)$$);
SELECT pg_temp.try($$SELECT mask.drop_policy('no_such_policy')$$);
SELECT pg_temp.try($$SELECT mask.protect('no_such_policy', 'mv21_billing.households')$$);
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.a_view')$$);
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.superuser_owned')$$);
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mask.policy')$$);
-- view name used by another table's view, or by an object maskview did not make
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.meters', NULL, 'households')$$);
SELECT pg_temp.try($$SELECT mask.protect('mv21_other', 'mv21_billing.meters', NULL, 'households')$$);
CREATE TABLE mv21_view.squatter (x integer);
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.meters', NULL, 'squatter')$$);
-- row filters and rules the validator refuses (its tests pin the wording)
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.meters', '(SELECT true)')$$, true);
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.meters', 'id > 0; DROP TABLE x')$$, true);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'room', 'room || ''x''')$$, true);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'room', 'pg_read_file(''/etc/passwd'')')$$, true);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'room', 'mask.partial(room')$$, true);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'room', '')$$, true);
-- unknown, system and dropped columns; tables not in the policy
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'no_such_column', 'PASS')$$);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'ctid', 'PASS')$$);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.households', 'room', NULL)$$);
SELECT pg_temp.try($$SELECT mask.set_rule('mv21_notice', 'mv21_billing.meters', 'id', 'PASS')$$);
SELECT pg_temp.try($$SELECT mask.unprotect('mv21_notice', 'mv21_billing.meters')$$);
SELECT pg_temp.try($$SELECT mask.drop_rule('mv21_notice', 'mv21_billing.households', 'room')$$);
SELECT pg_temp.try($$SELECT mask.remove_member('mv21_notice', 'mv21_printer')$$);
SELECT pg_temp.try($$SELECT mask.add_member('mv21_notice', NULL)$$);
SELECT pg_temp.try($$SELECT mask.add_member('mv21_notice', 'pg_read_all_data')$$);
SELECT pg_temp.try($$SELECT mask.revoke_admin('mv21_admin')$$);
SELECT pg_temp.try($$SELECT mask.revoke_auditor('mv21_admin')$$);
SELECT pg_temp.try($$SELECT mask.trust_function(NULL)$$);

-- Nothing of the refused calls reached the catalog.
SELECT "column", action FROM mask.rules WHERE policy = 'mv21_notice' AND action <> 'hidden'
 ORDER BY "column";
SELECT count(*) AS protected_tables FROM mask.protected_tables WHERE policy LIKE 'mv21%';

-- protect() again replaces the row filter and the view name.
SELECT pg_temp.try($$SELECT mask.protect('mv21_notice', 'mv21_billing.households', 'arrears >= 100', 'notices')$$);
SELECT policy, relation, view, row_filter FROM mask.protected_tables WHERE policy = 'mv21_notice';
SELECT to_regclass('mv21_view.households') AS old_view, to_regclass('mv21_view.notices') AS new_view;
SELECT count(*) AS rules_kept FROM mask.rules WHERE policy = 'mv21_notice' AND action <> 'hidden';

-- drop_rule hides the column again; unprotect drops the view and its rules.
SELECT pg_temp.try($$SELECT mask.drop_rule('mv21_notice', 'mv21_billing.households', 'phone')$$);
SELECT "column", action FROM mask.rules WHERE policy = 'mv21_notice' AND "column" = 'phone';
SELECT pg_temp.try($$SELECT mask.protect('mv21_other', 'mv21_billing.meters')$$);
SELECT pg_temp.try($$SELECT mask.unprotect('mv21_other', 'mv21_billing.meters')$$);
SELECT to_regclass('mv21_view.meters') AS meters_view;

-- Admins: EXECUTE on the API, recorded; policy members cannot become admins.
SELECT pg_temp.try($$SELECT mask.grant_admin('mv21_admin')$$);
SELECT pg_temp.try($$SELECT mask.grant_admin('mv21_admin')$$);
SELECT has_function_privilege('mv21_admin', 'mask.set_rule(name, regclass, name, text, text)', 'EXECUTE') AS admin_sets_rules,
       has_function_privilege('mv21_admin', 'mask.trust_function(regprocedure)', 'EXECUTE') AS admin_trusts,
       has_table_privilege('mv21_admin', 'mask.rules', 'SELECT') AS admin_reads_rules,
       has_table_privilege('mv21_admin', 'mask.policy_key', 'SELECT') AS admin_reads_keys;
SELECT pg_temp.try($$SELECT mask.add_member('mv21_notice', 'mv21_admin')$$);
SELECT pg_temp.try($$SELECT mask.add_member('mv21_notice', 'mv21_printer', false)$$);
SELECT pg_temp.try($$SELECT mask.add_member('mv21_notice', 'mv21_printer')$$);
SELECT pg_temp.try($$SELECT mask.grant_admin('mv21_printer')$$);
SELECT policy, member, search_path_set FROM mask.members WHERE policy = 'mv21_notice';
-- trust_function: superusers only, whoever has EXECUTE
SET SESSION AUTHORIZATION mv21_admin;
SELECT pg_temp.try($$SELECT mask.trust_function('pg_catalog.upper(text)')$$);
SELECT pg_temp.try($$SELECT mask.create_policy('mv21_by_admin', 'mv21_view')$$);
RESET SESSION AUTHORIZATION;
SELECT pg_temp.try($$SELECT mask.trust_function('pg_catalog.upper(text)')$$);
SELECT func, trusted_by = session_user AS by_me FROM mask.trusted_function WHERE func = 'pg_catalog.upper(text)';
SELECT pg_temp.try($$SELECT mask.revoke_admin('mv21_admin')$$);
SELECT has_function_privilege('mv21_admin', 'mask.set_rule(name, regclass, name, text, text)', 'EXECUTE') AS admin_sets_rules;

-- drop_policy removes views, key view and the schema it created (once empty).
CREATE TEMP TABLE mv21_ids AS SELECT id FROM mask.policy WHERE name LIKE 'mv21%';
SELECT pg_temp.try($$SELECT mask.drop_policy('mv21_by_admin')$$);
SELECT pg_temp.try($$SELECT mask.drop_policy('mv21_other')$$);
DROP TABLE mv21_view.squatter;
SELECT pg_temp.try($$SELECT mask.drop_policy('mv21_notice')$$);
SELECT to_regnamespace('mv21_view') AS view_schema,
       (SELECT count(*) FROM mv21_ids WHERE to_regclass('mask_internal._key_' || id) IS NOT NULL) AS key_views,
       (SELECT count(*) FROM mask.policy WHERE name LIKE 'mv21%') AS policies,
       (SELECT count(*) FROM mask.rule WHERE relation::text LIKE 'mv21_billing.%') AS rules;

-- Every successful call wrote one audit row, refused calls none.
SELECT action, policy, object FROM mask.audit_log WHERE id > :audit_start ORDER BY id;

ROLLBACK;
