-- ---------------------------------------------------------------------------
-- mask.refresh_privileges(): makes every privilege maskview manages exactly
-- what the catalog says, for every admin, auditor and policy.
--
-- Run it after ALTER EXTENSION maskview UPDATE.  An upgrade adds functions
-- (0.2.0: verify, export_policy, import_policy) that existing admins and
-- auditors should get; granting them inside the upgrade script itself would
-- make PostgreSQL record the grants as the functions' initial privileges
-- (pg_init_privs), and pg_dump leaves initial privileges out, so a dump of the
-- upgraded database would silently lose them.  Granted here, outside any
-- extension script, they are ordinary grants that pg_dump keeps.  It also
-- replaces every policy's key view with the current version's, which the
-- upgrade script cannot do (41_keys.sql).
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask.refresh_privileges()
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_role   record;
    v_policy integer;
BEGIN
    -- (names from the OIDs: a role may have been renamed since)
    FOR v_role IN SELECT r.rolname AS role_name
                    FROM mask.admin a JOIN pg_catalog.pg_roles r ON r.oid = a.role
                   ORDER BY 1 LOOP
        PERFORM mask_internal._set_privileges(v_role.role_name, true, mask_internal._admin_privileges());
        PERFORM mask_internal._set_catalog_read(v_role.role_name, true);
    END LOOP;
    FOR v_role IN SELECT r.rolname AS role_name
                    FROM mask.auditor a JOIN pg_catalog.pg_roles r ON r.oid = a.role
                   ORDER BY 1 LOOP
        PERFORM mask_internal._set_catalog_read(v_role.role_name, true);
    END LOOP;
    FOR v_policy IN SELECT p.id FROM mask.policy p ORDER BY p.name LOOP
        -- Key views are made at run time, so an upgrade script cannot
        -- replace them: this does (0.3.0: barrier and reader condition,
        -- 41_keys.sql), keeping the masked views that read them.
        PERFORM mask_internal._replace_key_view(v_policy);
        -- On Citus: views copied to the workers, views of the wrong form
        -- (a protected table distributed since; 48_citus_repair.sql).
        PERFORM mask_internal._citus_repair(v_policy);
        -- A view schema of another owner (made before 0.3.0) is taken over
        -- by the extension owner when it holds nothing but generated views;
        -- otherwise mask.verify() reports it (45_view_schema.sql).
        PERFORM mask_internal._claim_view_schema(p.view_schema) FROM mask.policy p WHERE p.id = v_policy;
        PERFORM mask_internal._apply_grants(v_policy);
    END LOOP;
    RETURN mask_internal._audit('refresh_privileges', NULL, NULL, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask.refresh_privileges() IS
'Re-applies every privilege maskview manages (admins, auditors, members, view owners) from the catalog, recreates the key views, and takes over view schemas of other owners that hold only generated views. Run it after ALTER EXTENSION maskview UPDATE so existing admins and auditors get the new version''s functions as ordinary, dumpable grants. Admins only; audited.';

