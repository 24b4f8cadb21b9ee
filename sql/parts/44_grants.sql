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
    FOR v_g IN SELECT DISTINCT NULL::name AS attname, g.grantee
                 FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                WHERE c.oid = _restrict_key_relation.relation AND g.grantee <> c.relowner
                  AND NOT (g.grantee = ANY (_restrict_key_relation.allowed))
               UNION
               SELECT DISTINCT a.attname, g.grantee
                 FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                WHERE a.attrelid = _restrict_key_relation.relation AND a.attnum > 0
                  AND NOT a.attisdropped
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


-- Grants that follow from the catalog: USAGE on the view schema and SELECT
-- on every view to members and auditors, nothing to anyone else (grants made
-- by hand on a generated view are revoked); SELECT on the key view to the
-- owners of the policy's tables only, and nothing on the key table.
CREATE FUNCTION mask_internal._apply_grants(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema   name;
    v_readers  oid[];
    v_owners   oid[];
    v_reader   name;
    v_view     oid;
    v_grantee  oid;
    v_prot     record;
    v_prev     text;
BEGIN
    SELECT p.view_schema INTO v_schema FROM mask.policy p WHERE p.id = _apply_grants.policy_id;
    SELECT pg_catalog.array_agg(DISTINCT x.oid) INTO v_readers
      FROM (SELECT m.role::oid AS oid FROM mask.member m WHERE m.policy_id = _apply_grants.policy_id
            UNION SELECT a.role::oid FROM mask.auditor a) x
      JOIN pg_catalog.pg_roles ro ON ro.oid = x.oid;
    v_readers := COALESCE(v_readers, '{}');

    v_prev := mask_internal._internal_begin();
    -- copies of tables no longer protected go (49_citus_copy.sql)
    PERFORM mask_internal._citus_copy_cleanup(_apply_grants.policy_id);
    -- EXECUTE on mask_internal._key_reader to everyone whose query can reach
    -- a key view (readers here, the tables' owners below): a view runs
    -- functions as the role whose query runs, and PUBLIC executes no
    -- internal function.  The function only answers whether that role may
    -- see the key; a grant left after a membership ends answers false.
    FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                     WHERE ro.oid = ANY (v_readers) ORDER BY ro.rolname LOOP
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', v_schema, v_reader);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mask_internal._key_reader(integer, name) TO %I',
                                  v_reader);
    END LOOP;

    FOR v_prot IN SELECT p.view_name FROM mask.protected p
                   WHERE p.policy_id = _apply_grants.policy_id ORDER BY p.view_name LOOP
        SELECT c.oid INTO v_view FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = v_schema AND c.relname = v_prot.view_name AND c.relkind = 'v';
        CONTINUE WHEN NOT FOUND;
        FOR v_grantee IN SELECT DISTINCT g.grantee
                           FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                          WHERE c.oid = v_view AND g.grantee <> c.relowner
                            AND NOT (g.grantee = ANY (v_readers)) LOOP
            EXECUTE pg_catalog.format('REVOKE ALL ON %I.%I FROM %s', v_schema, v_prot.view_name,
                mask_internal._grantee_name(v_grantee));
        END LOOP;
        FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                         WHERE ro.oid = ANY (v_readers) ORDER BY ro.rolname LOOP
            EXECUTE pg_catalog.format('GRANT SELECT ON %I.%I TO %I', v_schema, v_prot.view_name, v_reader);
        END LOOP;
        -- the row function of a view over a Citus table (48_citus.sql)
        PERFORM mask_internal._citus_grants(v_schema, v_prot.view_name, v_readers);
    END LOOP;

    -- The key view: SELECT for the owners of the masked views, nothing for
    -- anyone else, and no column grants at all; the key table: nothing for
    -- anyone but its owner.  (What the key view shows to whom: 41_keys.sql.)
    SELECT pg_catalog.array_agg(DISTINCT c.relowner) INTO v_owners
      FROM mask.protected p JOIN pg_catalog.pg_class c ON c.oid = p.relation
     WHERE p.policy_id = _apply_grants.policy_id;
    v_owners := COALESCE(v_owners, '{}');
    PERFORM mask_internal._restrict_key_relation('mask.policy_key', '{}');
    v_view := pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'mask_internal',
                                     mask_internal._key_view_name(_apply_grants.policy_id)));
    IF v_view IS NOT NULL THEN
        PERFORM mask_internal._restrict_key_relation(v_view, v_owners);
        FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                         WHERE ro.oid = ANY (v_owners) ORDER BY ro.rolname LOOP
            EXECUTE pg_catalog.format('GRANT SELECT ON %I.%I TO %I', 'mask_internal',
                                      mask_internal._key_view_name(_apply_grants.policy_id), v_reader);
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mask_internal._key_reader(integer, name) TO %I',
                                      v_reader);
        END LOOP;
    END IF;
    PERFORM mask_internal._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask_internal._apply_grants(integer) IS
'Internal: makes the privileges on a policy''s views, view schema and key view exactly what the catalog says.';
