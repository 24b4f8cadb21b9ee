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

REVOKE ALL ON TABLE mask.policies, mask.protected_tables, mask.rules, mask.members FROM PUBLIC;

DO $$
DECLARE
    v_func regprocedure;
BEGIN
    FOR v_func IN
        SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = 'mask'::regnamespace
           AND (p.proname IN ('create_policy', 'drop_policy', 'protect', 'unprotect', 'set_rule',
                              'drop_rule', 'add_member', 'remove_member', 'rotate_key',
                              'grant_admin', 'revoke_admin', 'grant_auditor', 'revoke_auditor',
                              'trust_function')
                -- the policy engine's internal helpers (other parts revoke
                -- their own: some, like the audit hash, are meant for PUBLIC)
                OR p.proname IN ('_internal_begin', '_internal_end', '_key_view_name', '_key_sql',
                                 '_new_key', '_ensure_key_view', '_drop_generated_view',
                                 '_columns_snapshot', '_rename_identifiers', '_reconcile',
                                 '_view_query', '_apply_grants', '_regenerate_policy', '_policy',
                                 '_protected', '_revoke_schema_usage', '_read_path',
                                 '_reset_search_path', '_member_search_path', '_admin_functions',
                                 '_set_catalog_read', '_on_ddl_command_end', '_on_sql_drop',
                                 '_internal_active'))
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_func);
    END LOOP;
END;
$$;
