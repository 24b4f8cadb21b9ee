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
    v_schema name;
BEGIN
    IF copy IS NULL THEN
        RETURN;
    END IF;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_copy_grants.policy_id;
    PERFORM mask_internal._citus_copy_execute(mask_internal._revokes_beyond_reading(copy, readers));
    -- Then SELECT for the readers who lack it.  (The schema grant is made
    -- again so that Citus sends it to the workers, where the shard queries
    -- of the reader run.)
    PERFORM mask_internal._citus_copy_execute(ARRAY(
        SELECT s.statement
          FROM pg_catalog.pg_roles ro,
               LATERAL (VALUES (1, pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', v_schema, ro.rolname)),
                               (2, pg_catalog.format('GRANT SELECT ON %s TO %I', copy, ro.rolname))) s (n, statement)
         WHERE ro.oid = ANY (readers)
           AND NOT pg_catalog.has_table_privilege(ro.oid, copy, 'SELECT')
         ORDER BY ro.rolname, s.n));
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_grants(integer, regclass, oid[]) IS
'Internal: SELECT on a masked copy for exactly the policy''s readers (and USAGE on the view schema on every node), nothing for anyone else.';

-- Empties a copy: command, with the copy for its %s ('TRUNCATE %s' keeps
-- the table, 'DROP TABLE %s CASCADE' drops it, shards and all), on its
-- table if it has one (a relation of its name that is not a table is left
-- alone), and its catalog row says it holds nothing; the row stays.
CREATE FUNCTION mask_internal._citus_copy_empty(cc mask.citus_copy, command text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_copy regclass := mask_internal._citus_copy_relation(cc.policy_id, cc.copy_name);
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_copy AND c.relkind = 'r') THEN
        PERFORM mask_internal._citus_copy_execute(ARRAY[pg_catalog.format(command, v_copy)]);
    END IF;
    UPDATE mask.citus_copy c SET filled_with = NULL
     WHERE c.policy_id = cc.policy_id AND c.relation = cc.relation;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_empty(mask.citus_copy, text) IS
'Internal: truncates or drops (command) the distributed table of a masked copy if it has one, and marks the copy empty in its catalog row.';

-- Empties a copy whose rows were masked by other rules than the current
-- ones (audited), so that tightening a rule or the row filter takes effect
-- on the copy at once.  (The TRUNCATE runs with DDL propagation on: with it
-- off, Citus would truncate the coordinator's empty shell table only.)
CREATE FUNCTION mask_internal._citus_copy_invalidate(cc mask.citus_copy, reason text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM mask_internal._citus_copy_empty(cc, 'TRUNCATE %s');
    PERFORM mask_internal._audit('citus_copy_emptied', (SELECT po.name FROM mask.policy po WHERE po.id = cc.policy_id),
        (SELECT p.relation_name FROM mask.protected p
          WHERE p.policy_id = cc.policy_id AND p.relation = cc.relation),
        pg_catalog.jsonb_build_object('copy', cc.copy_name, 'reason', reason,
                                      'note', 'empty until the next mask.refresh()'));
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_invalidate(mask.citus_copy, text) IS
'Internal: empties a masked copy filled under rules that changed since (audited); mask.refresh() fills it again.';

-- The catalog row of the copy of a generated view, if it has one.
CREATE FUNCTION mask_internal._citus_copy_of_view(view_schema name, view_name name)
RETURNS SETOF mask.citus_copy
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.* FROM mask.citus_copy c
      JOIN mask.policy po ON po.id = c.policy_id
      JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
     WHERE po.view_schema = _citus_copy_of_view.view_schema AND p.view_name = _citus_copy_of_view.view_name
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_of_view(name, name) IS
'Internal: the mask.citus_copy row of the masked copy of the generated view view_schema.view_name, if any.';

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
    SELECT c.* INTO v_cc FROM mask_internal._citus_copy_of_view(view_schema, view_name) c;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
    v_view := mask_internal._citus_view(v_cc.policy_id, v_cc.relation);
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

-- Drops the copy of a view that is dropped (hook in mask_internal._citus_drop); the
-- catalog row stays while the table is protected, and mask.refresh()
-- creates the copy again (a view renamed by protect() loses its rows).
CREATE FUNCTION mask_internal._citus_copy_drop(view_schema name, view_name name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM mask_internal._citus_copy_empty(c, 'DROP TABLE %s CASCADE')
       FROM mask_internal._citus_copy_of_view(view_schema, view_name) c;
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
    v_cc mask.citus_copy;
BEGIN
    FOR v_cc IN SELECT c.* FROM mask.citus_copy c
                 WHERE c.policy_id = _citus_copy_cleanup.policy_id
                   AND NOT EXISTS (SELECT FROM mask.protected p
                                    WHERE p.policy_id = c.policy_id AND p.relation = c.relation)
                 ORDER BY c.copy_name LOOP
        PERFORM mask_internal._citus_copy_empty(v_cc, 'DROP TABLE %s CASCADE');
        DELETE FROM mask.citus_copy c WHERE c.policy_id = v_cc.policy_id AND c.relation = v_cc.relation;
        PERFORM mask_internal._audit('citus_copy_dropped', (SELECT po.name FROM mask.policy po WHERE po.id = v_cc.policy_id),
            v_cc.copy_name::text,
            pg_catalog.jsonb_build_object('note', 'the table is no longer protected by the policy'));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_cleanup(integer) IS
'Internal: drops the masked copies (and catalog rows) of tables a policy no longer protects.';
