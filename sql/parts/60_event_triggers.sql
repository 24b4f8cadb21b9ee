-- ---------------------------------------------------------------------------
-- Event triggers: DDL on protected tables is followed by the catalog.
--
--   ALTER TABLE (rename of the table or a column, ADD/DROP COLUMN, OWNER TO,
--   SET SCHEMA ...)  -> the policies of the table are regenerated; renames
--   follow (relations are stored by OID, columns by attnum), new columns stay
--   hidden, a dropped ruled column leaves an orphaned rule.  An OWNER TO a
--   superuser is refused, since the views would then bypass privileges.
--   DROP TABLE       -> the table leaves its policies with its rules.
--   DROP of a generated view by hand -> recorded only; mask.verify() reports
--   the missing view until the next regeneration recreates it.
-- Each is written to the audit log.  Both functions are SECURITY DEFINER
-- because the DDL is usually run by the table owner, who may not touch the
-- catalog.  DDL run by maskview itself (view regeneration) is skipped through
-- a mark in mask._internal_ddl, which only the extension owner can write, so
-- no other role can hide its DDL from the audit log.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask._on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cmd      record;
    v_policy   record;
    v_changes  jsonb;
BEGIN
    IF mask._internal_active() THEN
        RETURN;
    END IF;
    FOR v_cmd IN SELECT DISTINCT c.objid, c.command_tag
                   FROM pg_catalog.pg_event_trigger_ddl_commands() c
                  WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND c.objid IN (SELECT p.relation::oid FROM mask.protected p) LOOP
        FOR v_policy IN SELECT DISTINCT po.id, po.name
                          FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                         WHERE p.relation = v_cmd.objid ORDER BY po.name LOOP
            v_changes := mask._regenerate_policy(v_policy.id);
            IF v_changes <> '{}' THEN
                PERFORM mask._audit('follow_ddl', v_policy.name,
                                    pg_catalog.format('%s', v_cmd.objid::regclass),
                                    pg_catalog.jsonb_build_object('command', v_cmd.command_tag,
                                                                  'changes', v_changes));
            END IF;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._on_ddl_command_end() IS
'Internal event trigger function: regenerates the policies of a protected table after ALTER TABLE, so renames follow and dropped columns orphan their rules, and audits what changed.';


CREATE FUNCTION mask._on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot     record;
    v_view     record;
    v_tables   oid[];
    v_altered  oid[];
    v_prev     text;
BEGIN
    IF mask._internal_active()
       -- DROP EXTENSION maskview: the catalog is going away with it.
       OR EXISTS (SELECT FROM pg_catalog.pg_event_trigger_dropped_objects() d
                   WHERE d.object_type = 'extension' AND d.object_name = 'maskview') THEN
        RETURN;
    END IF;
    SELECT COALESCE(pg_catalog.array_agg(d.objid) FILTER (WHERE d.object_type = 'table'), '{}'),
           COALESCE(pg_catalog.array_agg(d.objid) FILTER (WHERE d.object_type = 'table column'), '{}')
      INTO v_tables, v_altered
      FROM pg_catalog.pg_event_trigger_dropped_objects() d;

    -- Dropped protected tables leave their policies (their rules go with them).
    FOR v_prot IN SELECT p.policy_id, po.name, p.relation, p.relation_name, p.view_name,
                         po.view_schema
                    FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                   WHERE p.relation::oid = ANY (v_tables)
                   ORDER BY po.name, p.relation_name LOOP
        v_prev := mask._internal_begin();
        DELETE FROM mask.protected p
         WHERE p.policy_id = v_prot.policy_id AND p.relation = v_prot.relation;
        PERFORM mask._apply_grants(v_prot.policy_id);   -- key view grants
        PERFORM mask._internal_end(v_prev);
        PERFORM mask._audit('follow_drop_table', v_prot.name, v_prot.relation_name,
            pg_catalog.jsonb_build_object('command', TG_TAG,
                                          'view', pg_catalog.format('%I.%I', v_prot.view_schema, v_prot.view_name)));
    END LOOP;

    -- Generated views dropped on their own (not with their table, and not by
    -- a DROP COLUMN ... CASCADE, after which ddl_command_end regenerates).
    FOR v_view IN SELECT po.name, p.relation_name, d.schema_name, d.object_name
                    FROM pg_catalog.pg_event_trigger_dropped_objects() d
                    JOIN mask.policy po ON po.view_schema = d.schema_name
                    JOIN mask.protected p ON p.policy_id = po.id AND p.view_name = d.object_name
                   WHERE d.object_type = 'view'
                     AND NOT (p.relation::oid = ANY (v_altered))
                   ORDER BY po.name, d.object_name LOOP
        PERFORM mask._audit('generated_view_dropped', v_view.name,
            pg_catalog.format('%I.%I', v_view.schema_name, v_view.object_name),
            pg_catalog.jsonb_build_object('command', TG_TAG, 'table', v_view.relation_name,
                                          'note', 'recreated by the next regeneration of the policy'));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._on_sql_drop() IS
'Internal event trigger function: removes dropped protected tables from their policies and audits generated views dropped by hand.';
