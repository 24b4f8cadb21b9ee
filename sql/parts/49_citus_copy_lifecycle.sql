-- Citus masked copies (continued from 49_citus_copy.sql): their grants, and
-- keeping them in step with the views (invalidate, sync, drop, cleanup).

-- Privileges on a copy: SELECT for exactly the readers, nothing else for
-- anyone (column grants included), USAGE on the view schema for the
-- readers on the workers too.  Changes nothing when already so.
CREATE FUNCTION mask_internal._citus_copy_grants(policy_id integer, copy regclass, readers oid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_g      record;
    v_reader name;
    v_schema name;
    v_ddl    text;
BEGIN
    IF copy IS NULL THEN
        RETURN;
    END IF;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_copy_grants.policy_id;
    v_ddl := mask_internal._citus_copy_ddl_begin();
    FOR v_g IN SELECT DISTINCT NULL::name AS attname, g.grantee
                 FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                WHERE c.oid = _citus_copy_grants.copy AND g.grantee <> c.relowner
                  AND (NOT (g.grantee = ANY (readers)) OR g.privilege_type <> 'SELECT' OR g.is_grantable)
               UNION
               SELECT DISTINCT a.attname, g.grantee
                 FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                WHERE a.attrelid = _citus_copy_grants.copy AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY 1 NULLS FIRST, 2 LOOP
        EXECUTE pg_catalog.format('REVOKE ALL %s ON %s FROM %s CASCADE',
            COALESCE('(' || pg_catalog.quote_ident(v_g.attname) || ')', ''), copy,
            mask_internal._grantee_name(v_g.grantee));
    END LOOP;
    FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                     WHERE ro.oid = ANY (readers)
                       AND NOT pg_catalog.has_table_privilege(ro.oid, copy, 'SELECT')
                     ORDER BY ro.rolname LOOP
        -- (the schema grant is made again so that Citus sends it to the
        -- workers, where the shard queries of the reader run)
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', v_schema, v_reader);
        EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %I', copy, v_reader);
    END LOOP;
    PERFORM mask_internal._citus_local_end(v_ddl);
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_grants(integer, regclass, oid[]) IS
'Internal: SELECT on a masked copy for exactly the policy''s readers (and USAGE on the view schema on every node), nothing for anyone else.';

-- Empties a copy whose rows were masked by other rules than the current
-- ones (audited), so that tightening a rule or the row filter takes effect
-- on the copy at once.
CREATE FUNCTION mask_internal._citus_copy_invalidate(cc mask.citus_copy, reason text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_copy regclass := mask_internal._citus_copy_relation(cc.policy_id, cc.copy_name);
    v_prev text := mask_internal._internal_begin();
    v_ddl  text;
BEGIN
    IF v_copy IS NOT NULL THEN
        -- (with DDL propagation off, Citus truncates the coordinator's
        -- empty shell table only)
        v_ddl := mask_internal._citus_copy_ddl_begin();
        EXECUTE pg_catalog.format('TRUNCATE %s', v_copy);
        PERFORM mask_internal._citus_local_end(v_ddl);
    END IF;
    UPDATE mask.citus_copy c SET filled_with = NULL
     WHERE c.policy_id = cc.policy_id AND c.relation = cc.relation;
    PERFORM mask_internal._internal_end(v_prev);
    PERFORM mask_internal._audit('citus_copy_emptied', (SELECT po.name FROM mask.policy po WHERE po.id = cc.policy_id),
        (SELECT p.relation_name FROM mask.protected p
          WHERE p.policy_id = cc.policy_id AND p.relation = cc.relation),
        pg_catalog.jsonb_build_object('copy', cc.copy_name, 'reason', reason,
                                      'note', 'empty until the next mask.refresh()'));
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_invalidate(mask.citus_copy, text) IS
'Internal: empties a masked copy filled under rules that changed since (audited); mask.refresh() fills it again.';

-- Run with the grants of every view of a policy (hook in
-- mask_internal._citus_grants): a copy filled under other rules is emptied, and its
-- grants follow the policy's readers.
CREATE FUNCTION mask_internal._citus_copy_sync(view_schema name, view_name name, readers oid[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc   mask.citus_copy;
    v_copy regclass;
    v_view regclass;
BEGIN
    SELECT c.* INTO v_cc FROM mask.citus_copy c
      JOIN mask.policy po ON po.id = c.policy_id
      JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
     WHERE po.view_schema = _citus_copy_sync.view_schema AND p.view_name = _citus_copy_sync.view_name;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
    v_view := mask_internal._citus_copy_view(v_cc.policy_id, v_cc.relation);
    IF v_cc.filled_with IS NOT NULL
       AND (v_cc.filled_with IS DISTINCT FROM mask_internal._citus_copy_definition(v_cc.policy_id, v_cc.relation)
            OR v_copy IS NULL OR v_view IS NULL
            OR mask_internal._citus_copy_signature(v_copy) IS DISTINCT FROM mask_internal._citus_copy_signature(v_view)) THEN
        PERFORM mask_internal._citus_copy_invalidate(v_cc, 'the rules, the row filter or the columns changed since the last refresh');
    END IF;
    IF v_copy IS NOT NULL
       AND EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_copy AND c.relkind = 'r') THEN
        PERFORM mask_internal._citus_copy_grants(v_cc.policy_id, v_copy, readers);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_sync(name, name, oid[]) IS
'Internal: keeps the masked copy of a view in step with the policy: emptied when filled under other rules, SELECT for the readers only.';

-- Drops the table of a catalog row, if there is one (a relation of that name
-- that is not a table is left alone), with DDL propagation on so that its
-- shards go too, as extension-internal DDL; true when it dropped it.
CREATE FUNCTION mask_internal._citus_copy_drop_table(cc mask.citus_copy)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_copy regclass := mask_internal._citus_copy_relation(cc.policy_id, cc.copy_name);
    v_prev text;
    v_ddl  text;
BEGIN
    IF v_copy IS NULL
       OR NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_copy AND c.relkind = 'r') THEN
        RETURN false;
    END IF;
    v_prev := mask_internal._internal_begin();
    v_ddl := mask_internal._citus_copy_ddl_begin();
    EXECUTE pg_catalog.format('DROP TABLE %s CASCADE', v_copy);
    PERFORM mask_internal._citus_local_end(v_ddl);
    PERFORM mask_internal._internal_end(v_prev);
    RETURN true;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_drop_table(mask.citus_copy) IS
'Internal: drops the distributed table of a masked copy catalog row if it exists; true when dropped.';

-- Drops the copy of a view that is dropped (hook in mask_internal._citus_drop); the
-- catalog row stays while the table is protected, and mask.refresh()
-- creates the copy again (a view renamed by protect() loses its rows).
CREATE FUNCTION mask_internal._citus_copy_drop(view_schema name, view_name name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc   mask.citus_copy;
    v_prev text;
BEGIN
    FOR v_cc IN SELECT c.* FROM mask.citus_copy c
                  JOIN mask.policy po ON po.id = c.policy_id
                  JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE po.view_schema = _citus_copy_drop.view_schema
                   AND p.view_name = _citus_copy_drop.view_name LOOP
        CONTINUE WHEN NOT mask_internal._citus_copy_drop_table(v_cc);
        v_prev := mask_internal._internal_begin();
        UPDATE mask.citus_copy c SET filled_with = NULL
         WHERE c.policy_id = v_cc.policy_id AND c.relation = v_cc.relation;
        PERFORM mask_internal._internal_end(v_prev);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_drop(name, name) IS
'Internal: drops the masked copy of a generated view that is being dropped.';

-- Catalog rows of tables no longer protected (unprotect, DROP TABLE): their
-- copies go (hook in mask_internal._apply_grants), audited.
CREATE FUNCTION mask_internal._citus_copy_cleanup(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc   mask.citus_copy;
    v_prev text;
BEGIN
    FOR v_cc IN SELECT c.* FROM mask.citus_copy c
                 WHERE c.policy_id = _citus_copy_cleanup.policy_id
                   AND NOT EXISTS (SELECT FROM mask.protected p
                                    WHERE p.policy_id = c.policy_id AND p.relation = c.relation)
                 ORDER BY c.copy_name LOOP
        v_prev := mask_internal._internal_begin();
        PERFORM mask_internal._citus_copy_drop_table(v_cc);
        DELETE FROM mask.citus_copy c WHERE c.policy_id = v_cc.policy_id AND c.relation = v_cc.relation;
        PERFORM mask_internal._internal_end(v_prev);
        PERFORM mask_internal._audit('citus_copy_dropped', (SELECT po.name FROM mask.policy po WHERE po.id = v_cc.policy_id),
            v_cc.copy_name::text,
            pg_catalog.jsonb_build_object('note', 'the table is no longer protected by the policy'));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_cleanup(integer) IS
'Internal: drops the masked copies (and catalog rows) of tables a policy no longer protects.';
