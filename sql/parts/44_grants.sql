-- ---------------------------------------------------------------------------
-- Grants: the privileges on a policy's views, view schema and key relation
-- are exactly what the catalog says.
-- ---------------------------------------------------------------------------

-- Removes every privilege on a key relation (mask.policy_key or a key view)
-- except its owner's and table-level ones of the roles in allowed: grants
-- made by hand, to PUBLIC or to anyone, and every column grant, which the
-- table-level ACL does not show and has_table_privilege() does not report.
-- CASCADE: a grantee given GRANT OPTION may have passed the privilege on.
-- Runs as the extension owner; changes nothing (and locks nothing) when the
-- ACLs are already clean, which is the usual case.
CREATE FUNCTION mask_internal._restrict_key_relation(relation regclass, allowed oid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_g record;
BEGIN
    FOR v_g IN SELECT DISTINCT g.attname, g.grantee
                 FROM mask_internal._relation_grants(_restrict_key_relation.relation) g
                WHERE g.attname IS NOT NULL OR NOT (g.grantee = ANY (_restrict_key_relation.allowed))
               ORDER BY 1 NULLS FIRST, 2 LOOP
        EXECUTE pg_catalog.format('REVOKE ALL %s ON %s FROM %s CASCADE',
            COALESCE('(' || pg_catalog.quote_ident(v_g.attname) || ')', ''),
            _restrict_key_relation.relation,
            mask_internal._grantee_name(v_g.grantee));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._restrict_key_relation(regclass, oid[]) IS
'Internal: revokes every grant on a key relation but its owner''s and the table-level ones of the allowed roles; column grants always.';


-- The roles that read a policy's masked views: its members and the
-- auditors, as far as they still exist.
CREATE FUNCTION mask_internal._policy_readers(policy_id integer)
RETURNS oid[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.array_agg(DISTINCT x.oid), '{}')
      FROM (SELECT m.role::oid AS oid FROM mask.member m WHERE m.policy_id = _policy_readers.policy_id
            UNION SELECT a.role::oid FROM mask.auditor a) x
      JOIN pg_catalog.pg_roles ro ON ro.oid = x.oid
$$;

COMMENT ON FUNCTION mask_internal._policy_readers(integer) IS
'Internal: the members of a policy and the auditors (existing roles only), who read its masked views.';


-- Grants privilege on target (SQL: 'SCHEMA "s"', '"s"."v"', 'FUNCTION f(...)')
-- to those of roles that acl, target's ACL, does not give it directly.
-- An ACL that already holds them is left alone, so that a call that
-- changes nothing writes no catalog row.
CREATE FUNCTION mask_internal._grant_lacking(acl aclitem[], privilege text, target text, roles oid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_role name;
BEGIN
    FOR v_role IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                   WHERE ro.oid = ANY (_grant_lacking.roles)
                     AND NOT EXISTS (SELECT FROM pg_catalog.aclexplode(_grant_lacking.acl) g
                                      WHERE g.grantee = ro.oid
                                        AND g.privilege_type = _grant_lacking.privilege)
                   ORDER BY ro.rolname LOOP
        EXECUTE pg_catalog.format('GRANT %s ON %s TO %I', privilege, target, v_role);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._grant_lacking(aclitem[], text, text, oid[]) IS
'Internal: grants a privilege on an object to the roles its ACL does not give it to directly, and to no one else.';


-- The grants on the masked view of one protected table: SELECT for the
-- policy's readers (members and auditors), nothing more for them and nothing
-- for anyone else (grants made by hand on a generated view, column grants, a
-- grant option or a write privilege of a reader included, are revoked).  Only what is missing is
-- granted and only what is extra revoked.  GRANT and REVOKE take no lock on
-- the view, so readers of the view are never blocked by it.
CREATE FUNCTION mask_internal._apply_view_grants(policy_id integer, relation regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema  name;
    v_name    name;
    v_view    record;
    v_readers oid[] := mask_internal._policy_readers(_apply_view_grants.policy_id);
    v_revoke  text;
    v_prev    text;
BEGIN
    SELECT po.view_schema, p.view_name INTO v_schema, v_name
      FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
     WHERE p.policy_id = _apply_view_grants.policy_id AND p.relation = _apply_view_grants.relation;
    SELECT c.oid, c.relacl INTO v_view FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = v_schema AND c.relname = v_name AND c.relkind = 'v';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_prev := mask_internal._internal_begin();
    -- Everything beyond SELECT for the readers goes, column grants included
    -- (a column grant would also survive CREATE OR REPLACE VIEW); then the
    -- readers get what they lack.
    FOREACH v_revoke IN ARRAY mask_internal._revokes_beyond_reading(v_view.oid, v_readers) LOOP
        EXECUTE v_revoke;
        v_view.relacl := (SELECT c.relacl FROM pg_catalog.pg_class c WHERE c.oid = v_view.oid);
    END LOOP;
    PERFORM mask_internal._grant_lacking(v_view.relacl, 'SELECT',
                                         pg_catalog.format('%I.%I', v_schema, v_name), v_readers);
    -- the row function of a view over a Citus table (48_citus.sql)
    PERFORM mask_internal._citus_grants(v_schema, v_name, v_readers);
    PERFORM mask_internal._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask_internal._apply_view_grants(integer, regclass) IS
'Internal: makes the privileges on the masked view of one protected table what the catalog says (SELECT for members and auditors only), changing only what differs.';


-- The grants a policy's views share: USAGE on the view schema and EXECUTE
-- on mask_internal._key_reader for its readers; SELECT on the key view (and
-- EXECUTE on mask_internal._key_reader) for the owners of the policy's
-- tables only, and nothing on the key table.  Only what is missing is
-- granted.  (Taking USAGE away is mask_internal._revoke_schema_usage's.)
CREATE FUNCTION mask_internal._apply_policy_grants(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema   name;
    v_readers  oid[] := mask_internal._policy_readers(_apply_policy_grants.policy_id);
    v_owners   oid[];
    v_view     regclass;
    v_reader_fn regprocedure := 'mask_internal._key_reader(integer, name)';
    v_prev     text;
BEGIN
    SELECT p.view_schema INTO v_schema FROM mask.policy p WHERE p.id = _apply_policy_grants.policy_id;
    SELECT COALESCE(pg_catalog.array_agg(DISTINCT c.relowner), '{}') INTO v_owners
      FROM mask.protected p JOIN pg_catalog.pg_class c ON c.oid = p.relation
     WHERE p.policy_id = _apply_policy_grants.policy_id;

    v_prev := mask_internal._internal_begin();
    -- copies of tables no longer protected go (49_citus_copy_lifecycle.sql)
    PERFORM mask_internal._citus_copy_cleanup(_apply_policy_grants.policy_id);
    PERFORM mask_internal._grant_lacking(n.nspacl, 'USAGE', pg_catalog.format('SCHEMA %I', v_schema), v_readers)
       FROM pg_catalog.pg_namespace n WHERE n.nspname = v_schema;
    -- EXECUTE on mask_internal._key_reader to everyone whose query can reach
    -- a key view (readers and the tables' owners): a view runs functions as
    -- the role whose query runs, and PUBLIC executes no internal function.
    -- The function only answers whether that role may see the key; a grant
    -- left after a membership ends answers false.
    PERFORM mask_internal._grant_lacking(f.proacl, 'EXECUTE', 'FUNCTION ' || v_reader_fn::text,
                                         v_readers || v_owners)
       FROM pg_catalog.pg_proc f WHERE f.oid = v_reader_fn;

    -- The key view: SELECT for the owners of the masked views, nothing for
    -- anyone else, and no column grants at all; the key table: nothing for
    -- anyone but its owner.  (What the key view shows to whom: 41_keys.sql.)
    PERFORM mask_internal._restrict_key_relation('mask.policy_key', '{}');
    v_view := pg_catalog.to_regclass(mask_internal._key_view(_apply_policy_grants.policy_id));
    IF v_view IS NOT NULL THEN
        PERFORM mask_internal._restrict_key_relation(v_view, v_owners);
        PERFORM mask_internal._grant_lacking(c.relacl, 'SELECT', v_view::text, v_owners)
           FROM pg_catalog.pg_class c WHERE c.oid = v_view;
    END IF;
    PERFORM mask_internal._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask_internal._apply_policy_grants(integer) IS
'Internal: makes the privileges a policy''s views share (view schema, key view, key reader) what the catalog says, granting only what is missing.';


-- Every grant of a policy: what its views share and each view's own.  For a
-- change of who reads the views (members, auditors): no view is regenerated.
CREATE FUNCTION mask_internal._apply_grants(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_relation regclass;
BEGIN
    PERFORM mask_internal._apply_policy_grants(_apply_grants.policy_id);
    FOR v_relation IN SELECT p.relation FROM mask.protected p
                       WHERE p.policy_id = _apply_grants.policy_id ORDER BY p.view_name LOOP
        PERFORM mask_internal._apply_view_grants(_apply_grants.policy_id, v_relation);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._apply_grants(integer) IS
'Internal: makes the privileges on a policy''s views, view schema and key view exactly what the catalog says.';
