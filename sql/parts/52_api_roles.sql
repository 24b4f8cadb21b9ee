-- ---------------------------------------------------------------------------
-- Admins, auditors and trusted functions.
--
-- Being an admin is nothing but EXECUTE on the API functions (recorded in
-- mask.admin so auditors can see who holds it); being an auditor is SELECT
-- on the catalog views, the audit log and the masked views plus EXECUTE on
-- the reports.  Nothing here hands out the keys or the raw tables.
-- ---------------------------------------------------------------------------

-- The functions grant_admin hands out: the policy API, without
-- trust_function (superusers only).  Functions other parts of the
-- extension add later (export/import) are included when they exist.
CREATE FUNCTION mask_internal._admin_functions()
RETURNS SETOF regprocedure
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f FROM (SELECT pg_catalog.to_regprocedure(s) AS f FROM pg_catalog.unnest(ARRAY[
        'mask.create_policy(text, text, text)',
        'mask.drop_policy(name)',
        'mask.protect(name, regclass, text, text)',
        'mask.unprotect(name, regclass)',
        'mask.set_rule(name, regclass, name, text, text)',
        'mask.drop_rule(name, regclass, name)',
        'mask.add_member(name, regrole, boolean)',
        'mask.remove_member(name, regrole)',
        'mask.rotate_key(name)',
        'mask.grant_admin(regrole)',
        'mask.revoke_admin(regrole)',
        'mask.grant_auditor(regrole)',
        'mask.revoke_auditor(regrole)',
        'mask.import_policy(jsonb, boolean)',
        'mask.apply_advice(name, regclass, jsonb, integer, boolean, text)',
        'mask.refresh_privileges()',
        'mask.import_anon(name, name, boolean)',
        'mask.set_citus_copy(name, regclass, boolean, name, text)',
        'mask.refresh(name)']) s) x
     WHERE f IS NOT NULL
$$;

COMMENT ON FUNCTION mask_internal._admin_functions() IS
'Internal: the API functions an admin may execute.';

-- Grants (allow) or revokes each of privileges, written as GRANT names
-- them before TO ('SELECT ON mask.rules', 'EXECUTE ON FUNCTION ...'), to or
-- from role: the one place admins and auditors get or lose a privilege.
CREATE FUNCTION mask_internal._set_privileges(role name, allow boolean, privileges text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_privilege text;
BEGIN
    FOREACH v_privilege IN ARRAY privileges LOOP
        EXECUTE pg_catalog.format(CASE WHEN allow THEN 'GRANT %s TO %I' ELSE 'REVOKE %s FROM %I' END,
                                  v_privilege, role);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._set_privileges(name, boolean, text[]) IS
'Internal: grants or revokes each listed privilege (as GRANT writes it before TO) to or from a role.';

-- What auditors (and admins) read: catalog views, audit log, reports.
CREATE FUNCTION mask_internal._set_catalog_read(role name, allow boolean)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._set_privileges(role, allow, ARRAY(
        SELECT x.privilege FROM (
            SELECT 1, pg_catalog.format('SELECT ON %I.%I', n.nspname, c.relname)
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'mask'
               AND c.relname IN ('policies', 'protected_tables', 'rules', 'members', 'audit_log',
                                 'effective_access', 'changes', 'audit_pending')
            UNION ALL
            SELECT 2, 'EXECUTE ON FUNCTION ' || p.oid::regprocedure::text
              FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'mask'::regnamespace
               AND p.proname IN ('verify', 'detect', 'linkability', 'export_policy',
                                 'verify_audit_log', 'advise', 'advisor_hierarchies')) x(kind, privilege)
         ORDER BY x.kind, x.privilege))
$$;

COMMENT ON FUNCTION mask_internal._set_catalog_read(name, boolean) IS
'Internal: grants or revokes SELECT on the auditor views and the audit log and EXECUTE on the reports.';

-- EXECUTE on the API functions: what being an admin is.
CREATE FUNCTION mask_internal._admin_privileges()
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.array_agg('EXECUTE ON FUNCTION ' || f::text) FROM mask_internal._admin_functions() f
$$;

COMMENT ON FUNCTION mask_internal._admin_privileges() IS
'Internal: the privileges an admin holds, as mask_internal._set_privileges takes them (EXECUTE on each API function).';


-- grant_admin (allow) and revoke_admin: the row in mask.admin, EXECUTE on
-- the API, and reading the catalog (which an auditor keeps).  A member of a
-- policy cannot become an admin: it could change the policy it reads through.
CREATE FUNCTION mask_internal._set_admin(role regrole, allow boolean)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name   name;
    v_policy name;
BEGIN
    IF allow THEN
        IF _set_admin.role IS NULL THEN
            RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT FROM mask.admin a WHERE a.role = _set_admin.role) THEN
            RAISE EXCEPTION 'role % is already a policy admin', _set_admin.role
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT p.name INTO v_policy FROM mask.member m JOIN mask.policy p ON p.id = m.policy_id
         WHERE m.role = _set_admin.role ORDER BY p.name LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'role % cannot be a policy admin', _set_admin.role
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = pg_catalog.format('Role %s is a member of policy %s, and members cannot change the policies they read through.',
                                                 _set_admin.role, pg_catalog.quote_ident(v_policy));
        END IF;
    ELSIF NOT EXISTS (SELECT FROM mask.admin a WHERE a.role = _set_admin.role) THEN
        RAISE EXCEPTION 'role % is not a policy admin', _set_admin.role
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Admins are the roles given mask.grant_admin(); the extension owner cannot be revoked.';
    END IF;

    v_name := pg_catalog.pg_get_userbyid(_set_admin.role);
    IF allow THEN
        INSERT INTO mask.admin (role, role_name) VALUES (_set_admin.role, v_name);
    ELSE
        DELETE FROM mask.admin a WHERE a.role = _set_admin.role;
    END IF;
    PERFORM mask_internal._set_privileges(v_name, allow, mask_internal._admin_privileges());
    IF allow OR NOT EXISTS (SELECT FROM mask.auditor a WHERE a.role = _set_admin.role) THEN
        PERFORM mask_internal._set_catalog_read(v_name, allow);
    END IF;

    RETURN mask_internal._audit(CASE WHEN allow THEN 'grant_admin' ELSE 'revoke_admin' END,
                                NULL, v_name::text, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask_internal._set_admin(regrole, boolean) IS
'Internal: mask.grant_admin() (allow) and mask.revoke_admin(): the admin row, EXECUTE on the API and read access to the catalog; audited.';

CREATE FUNCTION mask.grant_admin(role regrole)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT mask_internal._set_admin(grant_admin.role, true) $$;

COMMENT ON FUNCTION mask.grant_admin(regrole) IS
'Makes a role a policy admin: EXECUTE on the policy API and read access to the catalog views and the audit log. Policy members are refused.';

CREATE FUNCTION mask.revoke_admin(role regrole)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT mask_internal._set_admin(revoke_admin.role, false) $$;

COMMENT ON FUNCTION mask.revoke_admin(regrole) IS
'Takes the policy API away from a role given mask.grant_admin().';


-- grant_auditor (allow) and revoke_auditor: the row in mask.auditor,
-- reading the catalog (which an admin keeps), and SELECT on the masked
-- views of every policy (masked data only, e.g. for linkability()), with
-- USAGE on their schemas unless the role still needs it as a member.
CREATE FUNCTION mask_internal._set_auditor(role regrole, allow boolean)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name   name;
    v_policy mask.policy;
    v_prev   text;
BEGIN
    IF allow THEN
        IF _set_auditor.role IS NULL THEN
            RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT FROM mask.auditor a WHERE a.role = _set_auditor.role) THEN
            RAISE EXCEPTION 'role % is already an auditor', _set_auditor.role
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    ELSIF NOT EXISTS (SELECT FROM mask.auditor a WHERE a.role = _set_auditor.role) THEN
        RAISE EXCEPTION 'role % is not an auditor', _set_auditor.role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_name := pg_catalog.pg_get_userbyid(_set_auditor.role);

    v_prev := mask_internal._internal_begin();
    IF allow THEN
        INSERT INTO mask.auditor (role, role_name) VALUES (_set_auditor.role, v_name);
    ELSE
        DELETE FROM mask.auditor a WHERE a.role = _set_auditor.role;
    END IF;
    IF allow OR NOT EXISTS (SELECT FROM mask.admin a WHERE a.role = _set_auditor.role) THEN
        PERFORM mask_internal._set_catalog_read(v_name, allow);
    END IF;
    FOR v_policy IN SELECT p.* FROM mask.policy p ORDER BY p.id LOOP
        PERFORM mask_internal._apply_grants(v_policy.id);
        IF NOT allow THEN
            PERFORM mask_internal._revoke_schema_usage(v_policy.view_schema, _set_auditor.role);
        END IF;
    END LOOP;
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit(CASE WHEN allow THEN 'grant_auditor' ELSE 'revoke_auditor' END,
                                NULL, v_name::text, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask_internal._set_auditor(regrole, boolean) IS
'Internal: mask.grant_auditor() (allow) and mask.revoke_auditor(): the auditor row, read access to the catalog and SELECT on every masked view; audited.';

CREATE FUNCTION mask.grant_auditor(role regrole)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT mask_internal._set_auditor(grant_auditor.role, true) $$;

COMMENT ON FUNCTION mask.grant_auditor(regrole) IS
'Makes a role an auditor: SELECT on the catalog views, the audit log and every masked view, EXECUTE on the reports; never keys or raw tables.';

CREATE FUNCTION mask.revoke_auditor(role regrole)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT mask_internal._set_auditor(revoke_auditor.role, false) $$;

COMMENT ON FUNCTION mask.revoke_auditor(regrole) IS
'Takes auditor access away from a role (catalog views, audit log, masked views of policies it is not a member of).';


-- The text mask.trusted_function stores for a function: its schema-qualified
-- name and argument types, written the same way whatever the caller's
-- search_path (types outside pg_catalog are qualified).  The validator
-- compares the signature of each function a rule calls with the stored ones,
-- so a function dropped and created again (a restore, pg_upgrade) stays
-- trusted, and one that is gone is trusted by nobody.
CREATE FUNCTION mask_internal._function_signature(func regprocedure)
RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('%I.%I(%s)', n.nspname, p.proname,
                             pg_catalog.oidvectortypes(p.proargtypes))
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE p.oid = func
$$;

COMMENT ON FUNCTION mask_internal._function_signature(regprocedure) IS
'Internal: the schema-qualified signature of a function as stored in mask.trusted_function (text: pg_upgrade refuses regprocedure columns).';

-- The trusted functions as the policy engine hands them to the validator
-- (mask_internal._validate_expression): each signature stored in
-- mask.trusted_function resolved now, so a function dropped (or not
-- restored) is trusted by nobody.
CREATE FUNCTION mask_internal._trusted_functions()
RETURNS regprocedure[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.array_agg(f.func ORDER BY f.func::pg_catalog.oid)
      FROM (SELECT pg_catalog.to_regprocedure(t.func) AS func FROM mask.trusted_function t) f
     WHERE f.func IS NOT NULL
$$;

COMMENT ON FUNCTION mask_internal._trusted_functions() IS
'Internal: the functions mask.trusted_function lists that exist, as the validator gets them.';


CREATE FUNCTION mask.trust_function(func regprocedure)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_new boolean;
BEGIN
    -- session_user, not current_user: inside SECURITY DEFINER current_user is
    -- the extension owner, and an admin must not be able to trust code.
    IF NOT COALESCE((SELECT ro.rolsuper FROM pg_catalog.pg_roles ro
                      WHERE ro.rolname = session_user), false) THEN
        RAISE EXCEPTION 'only a superuser can trust a function for masking rules'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A trusted function runs inside every masked view that uses it, as the view''s owner.';
    END IF;
    IF trust_function.func IS NULL THEN
        RAISE EXCEPTION 'function must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO mask.trusted_function (func) VALUES (mask_internal._function_signature(trust_function.func))
    ON CONFLICT DO NOTHING;
    v_new := FOUND;
    RETURN mask_internal._audit('trust_function', NULL, mask_internal._function_signature(trust_function.func),
                        pg_catalog.jsonb_build_object('already_trusted', NOT v_new));
END;
$$;

COMMENT ON FUNCTION mask.trust_function(regprocedure) IS
'Superusers only: allows a function in masking rule expressions besides the mask schema''s own.';


-- Withdraws the trust.  Refused while a masked view calls the function: the
-- rule would stay in force with a function nobody vouches for any more, and
-- dropping it silently would change what members see.  The rules come first.
CREATE FUNCTION mask.untrust_function(func regprocedure)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_signature text;
    v_users     text;
BEGIN
    IF NOT COALESCE((SELECT ro.rolsuper FROM pg_catalog.pg_roles ro
                      WHERE ro.rolname = session_user), false) THEN
        RAISE EXCEPTION 'only a superuser can withdraw the trust in a function'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF untrust_function.func IS NULL THEN
        RAISE EXCEPTION 'function must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_signature := mask_internal._function_signature(untrust_function.func);
    IF NOT EXISTS (SELECT FROM mask.trusted_function t WHERE t.func = v_signature) THEN
        RAISE EXCEPTION 'function % is not trusted', v_signature
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT func FROM mask.trusted_function lists the trusted functions.';
    END IF;
    -- The generated views that call it (their rewrite rules depend on it).
    SELECT pg_catalog.string_agg(DISTINCT pg_catalog.format('%s (policy %s)', pr.relation, po.name), ', ')
      INTO v_users
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_rewrite rw ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                                   AND rw.oid = d.objid
      JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class
      JOIN pg_catalog.pg_namespace n ON n.oid = v.relnamespace
      JOIN mask.policy po ON po.view_schema = n.nspname
      JOIN mask.protected pr ON pr.policy_id = po.id AND pr.view_name = v.relname
     WHERE d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND d.refobjid = untrust_function.func;
    IF v_users IS NOT NULL THEN
        RAISE EXCEPTION 'function % is used by masking rules', v_signature
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The masked views of %s call it.', v_users),
                  HINT = 'Change those rules with mask.set_rule() or mask.drop_rule() first.';
    END IF;
    DELETE FROM mask.trusted_function t WHERE t.func = v_signature;
    RETURN mask_internal._audit('untrust_function', NULL, v_signature, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask.untrust_function(regprocedure) IS
'Superusers only: withdraws mask.trust_function(); refused while a masking rule still calls the function. Audited.';
