-- ---------------------------------------------------------------------------
-- Event triggers: DDL on protected tables is followed by the catalog.
--
--   ALTER TABLE (rename of the table or a column, ADD/DROP COLUMN, OWNER TO,
--   SET SCHEMA ...), and the ALTER VIEW / ALTER INDEX ... forms that
--   PostgreSQL also accepts on a table -> the policies of the table are
--   regenerated; renames follow (relations are stored by OID; a renamed
--   column is reported by PostgreSQL, and its rules take the new name), new
--   columns stay hidden, a dropped ruled column leaves an orphaned rule.  An
--   OWNER TO a superuser is refused, since the views would then bypass
--   privileges.
--   DROP TABLE       -> the table leaves its policies with its rules.
--   DROP of a generated view by hand -> recorded only; mask.verify() reports
--   the missing view until the next regeneration recreates it.
-- Each is written to the audit log.  Both functions are SECURITY DEFINER
-- because the DDL is usually run by the table owner, who may not touch the
-- catalog.  DDL run by maskview itself (view regeneration) is skipped through
-- a mark in mask_internal._internal_ddl, which only the extension owner can write, so
-- no other role can hide its DDL from the audit log.
-- ---------------------------------------------------------------------------

-- Every protected relation the DDL command being ended touched, with the
-- relations that inherit from it (ALTER TABLE on a parent recurses into them
-- without reporting them).  ALTER TYPE changes no table, but the columns of
-- that type (a composite that gains an attribute): each protected table with
-- such a column counts as touched.  new_name: the column a command on one
-- column (RENAME COLUMN) left.  Called from the ddl_command_end trigger only
-- (pg_event_trigger_ddl_commands() works nowhere else).
CREATE FUNCTION mask_internal._ddl_touched()
RETURNS TABLE (rel oid, objid oid, objsubid integer, command_tag text, kinds text[], new_name name)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE cmd AS (
        SELECT c.objid, c.objsubid, c.command_tag,
               mask_internal._ddl_subcommands(c.command) AS kinds
          FROM pg_catalog.pg_event_trigger_ddl_commands() c
         WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND c.command_tag <> 'ALTER TYPE'
        UNION
        SELECT a.attrelid, 0, c.command_tag, ARRAY['ALTER TYPE']
          FROM pg_catalog.pg_event_trigger_ddl_commands() c
          JOIN pg_catalog.pg_type ty
            ON (c.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND ty.oid = c.objid)
            OR (c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ty.typrelid = c.objid)
          JOIN pg_catalog.pg_attribute a
            ON a.atttypid = ty.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.command_tag = 'ALTER TYPE'),
    tree(objid, objsubid, command_tag, kinds, rel) AS (
        SELECT cmd.objid, cmd.objsubid, cmd.command_tag, cmd.kinds, cmd.objid FROM cmd
        UNION
        SELECT t.objid, t.objsubid, t.command_tag, t.kinds, i.inhrelid
          FROM tree t JOIN pg_catalog.pg_inherits i ON i.inhparent = t.rel)
    SELECT DISTINCT t.rel, t.objid, t.objsubid, t.command_tag, t.kinds, a.attname
      FROM tree t
      LEFT JOIN pg_catalog.pg_attribute a
        ON t.objsubid > 0 AND a.attrelid = t.objid AND a.attnum = t.objsubid
     WHERE t.rel IN (SELECT p.relation::oid FROM mask.protected p)
     ORDER BY t.rel, t.objid, t.objsubid
$$;

COMMENT ON FUNCTION mask_internal._ddl_touched() IS
'Internal (ddl_command_end): the protected relations the command touched (directly, through inheritance, or through a column of an altered type), with its tag, subcommand kinds and the column a RENAME COLUMN left.';


-- Reconciles the catalog of every policy protecting rel with what a command
-- did to it (mask_internal._reconcile: renames followed, rules of dropped or
-- retyped columns validated again) and returns, per policy, what the audit and the
-- regeneration need: a jsonb array of {policy_id, relid, relation, name,
-- kinds, command, changes}.
CREATE FUNCTION mask_internal._ddl_reconcile(rel oid, command_tag text, kinds text[], new_name name)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot    record;
    v_renames jsonb;
    v_old     name;
    v_changes jsonb;
    v_pending jsonb := '[]';
BEGIN
    FOR v_prot IN SELECT p.policy_id, po.name, p.columns, p.relation_name
                    FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                   WHERE p.relation = _ddl_reconcile.rel ORDER BY po.name LOOP
        -- A command on a column of a table (the only one PostgreSQL reports
        -- that way is RENAME COLUMN, whatever its tag: ALTER TABLE, ALTER
        -- VIEW, ALTER FOREIGN TABLE ...) renamed it: the new name is in
        -- pg_attribute, the old one in the snapshot.
        v_renames := '{}';
        IF new_name IS NOT NULL THEN
            v_old := mask_internal._renamed_column(v_prot.columns, rel::regclass, new_name);
            IF v_old IS NOT NULL THEN
                v_renames := pg_catalog.jsonb_build_object(v_old, new_name);
            END IF;
        END IF;
        -- Rules are validated again when a column changed type or went.
        v_changes := mask_internal._reconcile(v_prot.policy_id, rel::regclass, v_renames,
                                              kinds && ARRAY['DROP COLUMN', 'ALTER COLUMN TYPE']);
        v_pending := v_pending || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                   'policy_id', v_prot.policy_id,
                   'relid', rel,
                   'relation', pg_catalog.format('%s', rel::regclass),
                   'name', v_prot.relation_name,
                   'kinds', pg_catalog.to_jsonb(kinds),
                   'command', command_tag,
                   'changes', v_changes));
    END LOOP;
    RETURN v_pending;
END;
$$;

COMMENT ON FUNCTION mask_internal._ddl_reconcile(oid, text, text[], name) IS
'Internal (ddl_command_end): reconciles every policy protecting a relation a command touched (column renames followed, rules validated again after DROP COLUMN or ALTER COLUMN TYPE); returns one entry per policy for mask_internal._ddl_regenerate.';


-- Regenerates the views of the tables the commands changed and audits them.
-- Only the views of the tables a command changed are regenerated, once per
-- policy and table: regenerating a whole policy would lock its other tables,
-- and two commands on two tables of one policy (a parallel pg_restore adding
-- keys) would deadlock.  A command that changed nothing maskview follows
-- (ADD CONSTRAINT, SET DEFAULT ... as a restore runs them) regenerates
-- nothing and leaves no audit row, so a restored audit log stays the one
-- that was dumped.  Structural subcommands (a partition attached, a column
-- retyped, row security switched ...) are recorded even when the catalog
-- did not change: the view's rows or types did.  pending: the entries of
-- mask_internal._ddl_reconcile.
CREATE FUNCTION mask_internal._ddl_regenerate(pending jsonb)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cmd      record;
    v_changes  jsonb;
    v_followed jsonb;
    v_done     jsonb := '{}';
    v_kinds    text[];
BEGIN
    FOR v_cmd IN SELECT e.value AS cmd, (e.value ->> 'policy_id')::integer AS policy_id,
                        po.name AS policy
                   FROM pg_catalog.jsonb_array_elements(pending) e
                   JOIN mask.policy po ON po.id = (e.value ->> 'policy_id')::integer
                  ORDER BY po.name, e.value ->> 'relation' LOOP
        v_kinds := ARRAY(SELECT k FROM pg_catalog.jsonb_array_elements_text(v_cmd.cmd -> 'kinds') k);
        v_changes := v_cmd.cmd -> 'changes';
        CONTINUE WHEN v_changes = '{}' AND v_kinds = '{}';
        IF NOT v_done ? (v_cmd.policy_id || '/' || (v_cmd.cmd ->> 'relid')) THEN
            v_followed := mask_internal._regenerate_policy(v_cmd.policy_id, (v_cmd.cmd ->> 'relid')::oid::regclass);
            v_done := v_done || pg_catalog.jsonb_build_object(v_cmd.policy_id || '/' || (v_cmd.cmd ->> 'relid'), true);
            v_changes := v_changes || COALESCE(v_followed -> (SELECT p.relation_name FROM mask.protected p
                                                               WHERE p.policy_id = v_cmd.policy_id
                                                                 AND p.relation = (v_cmd.cmd ->> 'relid')::oid),
                                               '{}'::jsonb);
        END IF;
        PERFORM mask_internal._ddl_audit(v_cmd.policy, v_cmd.cmd, v_changes, v_kinds);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._ddl_regenerate(jsonb) IS
'Internal (ddl_command_end): regenerates, once per policy and table, the views of the tables the commands changed, and audits each command.';


-- The follow_ddl audit row of one command on one table of a policy, unless
-- it changed nothing worth recording: changes as {table name before the
-- command: what changed}, and its subcommands other than RENAME, ADD COLUMN
-- and OWNER TO (what those did shows in the changes, if anything).
CREATE FUNCTION mask_internal._ddl_audit(policy name, cmd jsonb, changes jsonb, kinds text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kinds text[] := ARRAY(SELECT k FROM pg_catalog.unnest(kinds) k
                             WHERE k NOT IN ('RENAME', 'ADD COLUMN', 'OWNER TO'));
BEGIN
    IF changes = '{}' AND v_kinds = '{}' THEN
        RETURN;
    END IF;
    PERFORM mask_internal._audit('follow_ddl', policy, cmd ->> 'relation',
                        pg_catalog.jsonb_build_object('command', cmd ->> 'command',
                            'changes', CASE WHEN changes = '{}' THEN '{}'::jsonb
                                            ELSE pg_catalog.jsonb_build_object(cmd ->> 'name', changes) END)
                        || CASE WHEN v_kinds = '{}' THEN '{}'::jsonb
                                ELSE pg_catalog.jsonb_build_object('subcommands', pg_catalog.to_jsonb(v_kinds)) END);
END;
$$;

COMMENT ON FUNCTION mask_internal._ddl_audit(name, jsonb, jsonb, text[]) IS
'Internal (ddl_command_end): writes the follow_ddl audit row of one command on one table of a policy, unless it changed nothing worth recording.';


-- ddl_command_end: after DDL on a protected table (or a parent of one), the
-- catalog of every touched relation follows first
-- (mask_internal._ddl_reconcile), then the changed views are regenerated and
-- the commands audited (mask_internal._ddl_regenerate).
CREATE FUNCTION mask_internal._on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cmd     record;
    v_pending jsonb := '[]';
BEGIN
    IF mask_internal._internal_active() THEN
        RETURN;
    END IF;
    FOR v_cmd IN SELECT * FROM mask_internal._ddl_touched() t
                  ORDER BY t.rel, t.objid, t.objsubid LOOP
        v_pending := v_pending || mask_internal._ddl_reconcile(v_cmd.rel, v_cmd.command_tag,
                                                               v_cmd.kinds, v_cmd.new_name);
    END LOOP;
    PERFORM mask_internal._ddl_regenerate(v_pending);
END;
$$;

COMMENT ON FUNCTION mask_internal._on_ddl_command_end() IS
'Internal event trigger function: after DDL on a protected table (or a parent of one), follows column renames (told by PostgreSQL which column), orphans rules of dropped columns, regenerates the views of the tables the command changed and audits each command that changed something (mask_internal._ddl_reconcile, mask_internal._ddl_regenerate).';


-- The kinds of subcommand a collected DDL command ran (C: plpgsql cannot
-- read a pg_ddl_command).
CREATE FUNCTION mask_internal._ddl_subcommands(command pg_ddl_command)
RETURNS text[]
LANGUAGE C STABLE STRICT
AS 'MODULE_PATHNAME', 'mv_sql_ddl_subcommands';

COMMENT ON FUNCTION mask_internal._ddl_subcommands(pg_ddl_command) IS
'Internal: the kinds of subcommand (DROP COLUMN, ALTER COLUMN TYPE, ATTACH PARTITION, RENAME, SET SCHEMA ...) of a command reported by pg_event_trigger_ddl_commands().';


-- ddl_command_start: reads the ALTER TABLE parse tree (C) and, when it drops
-- or retypes columns, calls mask_internal._before_column_change().  SECURITY DEFINER
-- because the table owner running the DDL may not touch the catalog.  No
-- SET search_path, unlike every plpgsql function: the table names of the
-- command must resolve with the caller's search_path, as the command's own
-- will.  The function runs no SQL of the caller's: its one query names
-- everything with its schema, and the plpgsql functions it calls pin theirs.
CREATE FUNCTION mask_internal._on_ddl_command_start()
RETURNS event_trigger
LANGUAGE C SECURITY DEFINER
AS 'MODULE_PATHNAME', 'mv_sql_on_ddl_command_start';

COMMENT ON FUNCTION mask_internal._on_ddl_command_start() IS
'Internal event trigger function: before ALTER TABLE drops or retypes columns of a protected table, drops the generated views that read them (regenerated at ddl_command_end), so a plain DROP COLUMN or ALTER COLUMN TYPE works.';


-- Before a command drops or retypes columns (by name) of relation -- and of
-- the relations inheriting from it, when it recurses -- the generated views
-- that read one of them are dropped: PostgreSQL refuses to drop or retype a
-- column a view reads.  The ddl_command_end trigger regenerates them from
-- the catalog, and the rules that no longer apply are orphaned there.  It
-- all happens in the command's transaction: a failing command brings the
-- views back.  A view some other object depends on is not dropped: the
-- command is refused with a hint instead.
CREATE FUNCTION mask_internal._before_column_change(relation regclass, columns text[], recurse boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_view record;
    v_prev text;
BEGIN
    IF mask_internal._internal_active() THEN
        RETURN;
    END IF;
    FOR v_view IN WITH RECURSIVE rels(rel) AS (
                      SELECT _before_column_change.relation::oid
                      UNION
                      SELECT i.inhrelid FROM rels JOIN pg_catalog.pg_inherits i ON i.inhparent = rels.rel
                       WHERE _before_column_change.recurse)
                  SELECT DISTINCT po.view_schema, p.view_name, p.relation_name, v.oid AS view_oid
                    FROM rels
                    JOIN mask.protected p ON p.relation = rels.rel
                    JOIN mask.policy po ON po.id = p.policy_id
                    JOIN pg_catalog.pg_namespace n ON n.nspname = po.view_schema
                    JOIN pg_catalog.pg_class v ON v.relnamespace = n.oid AND v.relname = p.view_name
                                               AND v.relkind = 'v'
                   WHERE EXISTS (SELECT FROM pg_catalog.pg_rewrite rw
                                   JOIN pg_catalog.pg_depend d
                                     ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                                    AND d.objid = rw.oid
                                    AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                    AND d.refobjid = rels.rel
                                   JOIN pg_catalog.pg_attribute a
                                     ON a.attrelid = rels.rel AND a.attnum = d.refobjsubid
                                  WHERE rw.ev_class = v.oid
                                    AND a.attname::text = ANY (_before_column_change.columns))
                   ORDER BY 1, 2 LOOP
        -- Objects of members over the masked view never veto the owner's
        -- change: they go with the view, named in a drop_dependents audit
        -- row (45_view_schema.sql), as for every other regeneration.
        PERFORM mask_internal._drop_view_cascade(v_view.view_oid,
            'the table owner drops or retypes a column the masked view reads');
    END LOOP;
END;
$$;

-- CREATE TABLE ... (LIKE t) of a protected table: the copy is a new,
-- unprotected table (its data is whatever is put into it).  Audited, so an
-- auditor sees where a protected structure was copied.  Called by the
-- ddl_command_start trigger; an aborted CREATE TABLE takes the row with it.
CREATE FUNCTION mask_internal._before_create_like(relation regclass, new_table text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_p record;
BEGIN
    IF mask_internal._internal_active() THEN
        RETURN;
    END IF;
    FOR v_p IN SELECT po.name, p.relation_name FROM mask.protected p
                 JOIN mask.policy po ON po.id = p.policy_id
                WHERE p.relation = _before_create_like.relation ORDER BY po.name LOOP
        PERFORM mask_internal._audit('follow_ddl', v_p.name, v_p.relation_name,
            pg_catalog.jsonb_build_object('command', 'CREATE TABLE', 'changes', '{}'::jsonb,
                'subcommands', pg_catalog.jsonb_build_array('LIKE'),
                'copy', _before_create_like.new_table,
                'note', 'the copy is a new table, not protected by this policy'));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._before_create_like(regclass, text) IS
'Internal: audits CREATE TABLE ... (LIKE t) of a protected table (the copy is not protected).';


COMMENT ON FUNCTION mask_internal._before_column_change(regclass, text[], boolean) IS
'Internal: drops the generated views that read columns an ALTER TABLE is about to drop or retype (the ddl_command_end trigger regenerates them).';


CREATE FUNCTION mask_internal._on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot     record;
    v_view     record;
    v_tables   oid[];
    v_altered  oid[];
    v_rebuilt  oid[] := '{}';
    v_new      regclass;
    v_prev     text;
    v_ddl      text;
BEGIN
    IF mask_internal._internal_active()
       -- DROP EXTENSION maskview: the catalog is going away with it.
       OR EXISTS (SELECT FROM pg_catalog.pg_event_trigger_dropped_objects() d
                   WHERE d.object_type = 'extension' AND d.object_name = 'maskview') THEN
        RETURN;
    END IF;
    SELECT COALESCE(pg_catalog.array_agg(d.objid) FILTER (WHERE d.object_type = 'table'), '{}'),
           COALESCE(pg_catalog.array_agg(d.objid) FILTER (WHERE d.object_type = 'table column'), '{}')
      INTO v_tables, v_altered
      FROM pg_catalog.pg_event_trigger_dropped_objects() d;

    -- A protected table that Citus is rebuilding (alter_distributed_table,
    -- undistribute_table) is not gone: its protection moves to the new
    -- table (48_citus_rebuild.sql), and the views of the old one are not reported.
    FOR v_prot IN SELECT DISTINCT d.objid, d.schema_name, d.object_name
                    FROM pg_catalog.pg_event_trigger_dropped_objects() d
                    JOIN mask.protected p ON p.relation::oid = d.objid
                   WHERE d.object_type = 'table'
                   ORDER BY d.schema_name, d.object_name LOOP
        v_new := mask_internal._citus_follow_rebuild(v_prot.objid, v_prot.schema_name, v_prot.object_name, TG_TAG);
        IF v_new IS NOT NULL THEN
            v_rebuilt := v_rebuilt || v_new::oid;
        END IF;
    END LOOP;

    -- Dropped protected tables leave their policies (their rules go with them).
    FOR v_prot IN SELECT p.policy_id, po.name, p.relation, p.relation_name, p.view_name,
                         po.view_schema
                    FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                   WHERE p.relation::oid = ANY (v_tables)
                   ORDER BY po.name, p.relation_name LOOP
        v_prev := mask_internal._internal_begin();
        -- The view of a Citus table reads its row function, not the table
        -- (48_citus.sql): DROP TABLE leaves both behind, so they go here
        -- (with the table's masked copy, if any), coordinator-only as they
        -- were made.  Before the DELETE: _citus_drop finds the copy by it.
        IF mask_internal._citus_rows_function(v_prot.view_schema, v_prot.view_name) IS NOT NULL THEN
            v_ddl := mask_internal._citus_ddl_propagation('off');
            PERFORM mask_internal._citus_drop(v_prot.view_schema, v_prot.view_name);
            PERFORM mask_internal._citus_ddl_propagation(v_ddl);
        END IF;
        DELETE FROM mask.protected p
         WHERE p.policy_id = v_prot.policy_id AND p.relation = v_prot.relation;
        PERFORM mask_internal._apply_policy_grants(v_prot.policy_id);   -- key view grants
        PERFORM mask_internal._internal_end(v_prev);
        PERFORM mask_internal._audit('follow_drop_table', v_prot.name, v_prot.relation_name,
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
                     AND NOT (p.relation::oid = ANY (v_rebuilt))
                   ORDER BY po.name, d.object_name LOOP
        PERFORM mask_internal._audit('generated_view_dropped', v_view.name,
            pg_catalog.format('%I.%I', v_view.schema_name, v_view.object_name),
            pg_catalog.jsonb_build_object('command', TG_TAG, 'table', v_view.relation_name,
                                          'note', 'recreated by the next regeneration of the policy'));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._on_sql_drop() IS
'Internal event trigger function: removes dropped protected tables from their policies and audits generated views dropped by hand.';
