-- ---------------------------------------------------------------------------
-- Privileges, in one place so that a reviewer sees who may do what.
--
--   PUBLIC    USAGE on schema mask (to call the masking functions and, for
--             those granted SELECT, to name the catalog views); nothing else.
--   admins    EXECUTE on the policy API (mask.grant_admin), SELECT on the
--             catalog views and the audit log.
--   auditors  SELECT on the catalog views and the audit log, EXECUTE on the
--             reports, SELECT on the masked views (mask.grant_auditor).
--   members   USAGE on their view schema, SELECT on its views (mask.add_member).
--   owners of protected tables  own the masked views, SELECT on the key view.
-- The catalog tables, mask.policy_key and every internal function stay with
-- the extension owner.  Functions default to EXECUTE for PUBLIC, so the API
-- and internal functions are revoked here explicitly: a non-admin calling the
-- API is refused by PostgreSQL itself (42501) before any of our code runs.
-- ---------------------------------------------------------------------------

GRANT USAGE ON SCHEMA mask TO PUBLIC;

COMMENT ON SCHEMA mask IS
'maskview: masking functions (anyone), the policy API (admins), catalog views, audit log and reports (auditors); internal objects start with _ and are refused to PUBLIC.';

-- One convention for everything else: every function and view in schema mask
-- is refused to PUBLIC unless it is on the PUBLIC list below.  The revoke
-- runs only for objects this script has just created (a function PUBLIC can
-- still execute, a view with no privileges recorded yet): an upgrade script re-runs this part, and a REVOKE on an
-- older function would make PostgreSQL record that function's current grants
-- (to admins and auditors) as its initial privileges, which pg_dump leaves out.
DO $$
DECLARE
    v_func regprocedure;
    v_view regclass;
BEGIN
    FOR v_func IN
        SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = 'mask'::regnamespace
           AND pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')
           AND p.proname <> ALL (ARRAY[
               -- the masking functions and validators: anyone may call them
               'partial', 'redact', 'digits', 'email', 'cn_name', 'cn_phone', 'cn_id_card',
               'cn_address', 'bank_card', 'cn_id_card_valid', 'cn_mobile_valid', 'luhn_valid',
               'pseudonym', 'generalize',
               -- reports that check privileges on what they read (the view named)
               'linkability', 'linkability_summary', '_linkability_query',
               -- called by the key views as their reader (41_keys.sql); a boolean
               '_key_reader',
               -- the audit hash, recomputed by auditors (mask.verify_audit_log)
               '_audit_canonical', '_audit_row_hash'])
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_func);
    END LOOP;
    FOR v_view IN
        SELECT c.oid::regclass FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'mask'::regnamespace AND c.relkind = 'v'
           AND c.relacl IS NULL    -- just created (the revoke records the initial privileges)
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON TABLE %s FROM PUBLIC', v_view);
    END LOOP;
END;
$$;
