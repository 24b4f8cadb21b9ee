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
-- The catalog tables, mask.policy_key and schema mask_internal (every
-- internal function, the key views) stay with the extension owner: PUBLIC
-- has neither USAGE on that schema nor EXECUTE on anything in it.  The
-- exceptions are grants to named roles for what runs as them: EXECUTE on
-- mask_internal._key_reader to the roles that read masked views (key views
-- call it as their reader), USAGE and EXECUTE on mask_internal._key_matches
-- to the owners of Citus tables (their row functions call it).  Functions default to EXECUTE for PUBLIC, so the API
-- and internal functions are revoked here explicitly: a non-admin calling the
-- API is refused by PostgreSQL itself (42501) before any of our code runs.
-- ---------------------------------------------------------------------------

GRANT USAGE ON SCHEMA mask TO PUBLIC;

COMMENT ON SCHEMA mask IS
'maskview: masking functions (anyone), the policy API (admins), catalog views, audit log and reports (auditors). Internal objects are in schema mask_internal.';

COMMENT ON SCHEMA mask_internal IS
'maskview internals (helpers of the policy engine, trigger functions, key views): not for direct use, refused to PUBLIC; names start with _.';

-- One convention for everything else: every function and view in schemas
-- mask and mask_internal is refused to PUBLIC unless it is a function of
-- schema mask on the PUBLIC list below (no internal function is on it).  The revoke
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
         WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
           AND pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')
           AND (p.pronamespace = 'mask_internal'::regnamespace
                OR NOT (-- the masking functions (their one list) and the
                        -- validators: anyone may call them
                        p.oid = ANY (mask_internal._masking_functions())
                        OR p.proname = ANY (ARRAY['cn_id_card_valid', 'cn_mobile_valid', 'luhn_valid',
                        -- reports that check privileges on what they read (the view named)
                                                  'linkability', 'linkability_summary'])))
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_func);
    END LOOP;
    FOR v_view IN
        SELECT c.oid::regclass FROM pg_catalog.pg_class c
         WHERE c.relnamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
           AND c.relkind = 'v'
           AND c.relacl IS NULL    -- just created (the revoke records the initial privileges)
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON TABLE %s FROM PUBLIC', v_view);
    END LOOP;
END;
$$;
