-- ---------------------------------------------------------------------------
-- The key guard: no role but a superuser makes a view, rule or row-security
-- policy that reads a pseudonym key.
--
-- The owners of a policy's tables hold SELECT on its key view, because their
-- masked views read it.  A view (or rule, or policy applied through a view)
-- checks relation privileges as its owner but evaluates CURRENT_USER, and
-- runs functions, as the role whose query runs.  So a table owner's own view
-- over mask_internal."_key_<id>", read by a member, would get the key (the key view
-- shows it to members, 41_keys.sql) and could hand it to the member, or to
-- the owner through a function of the owner's.  This trigger refuses any such
-- object when it is created or altered; mask.verify() reports one that exists
-- anyway (made before 0.3.0, or with the trigger disabled).
--
-- It runs after every DDL command, not after a list of tags: a view can come
-- from CREATE SCHEMA ... CREATE VIEW, whose tag is CREATE SCHEMA, and the
-- sub-commands are among pg_event_trigger_ddl_commands().  For a superuser
-- it returns at once; otherwise it is one catalog query.
--
-- Not SECURITY DEFINER, on purpose: it must see the role that runs the DDL
-- as CURRENT_USER (inside a SECURITY DEFINER function CURRENT_USER is the
-- function's owner).  So it reads only what every role may read (pg_depend,
-- pg_rewrite, pg_class, pg_roles) and calls no function of schema mask,
-- whose internal functions the role may not execute.  maskview's own DDL
-- (generated views, key views) runs as the extension owner, a superuser, and
-- so is never refused; so are a superuser's pg_restore and its own views.
-- Functions need no guard: a function reads the key view with the privileges
-- of whoever it runs as, and that role is either refused by the view's ACL
-- or (SECURITY DEFINER, owned by a table owner) is not a reader and gets no
-- row.  Row-security policies are checked here because a policy's subquery
-- is checked as the owner of a view through which the table is read.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._on_ddl_key_guard()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_hit record;
BEGIN
    IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN
        RETURN;
    END IF;
    -- The objects the command made or changed, and for a view or
    -- materialized view its rewrite rules, whose dependencies name the
    -- relations its query reads.
    WITH cmd AS (
        SELECT c.classid, c.objid, c.command_tag, c.object_identity
          FROM pg_catalog.pg_event_trigger_ddl_commands() c
    ), obj AS (
        SELECT cmd.classid, cmd.objid, cmd.command_tag, cmd.object_identity FROM cmd
        UNION ALL
        SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass, r.oid, cmd.command_tag, cmd.object_identity
          FROM cmd JOIN pg_catalog.pg_rewrite r ON r.ev_class = cmd.objid
         WHERE cmd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
    )
    SELECT obj.command_tag, obj.object_identity,
           pg_catalog.format('%I.%I', n.nspname, k.relname) AS key_relation
      INTO v_hit
      FROM obj
      JOIN pg_catalog.pg_depend d ON d.classid = obj.classid AND d.objid = obj.objid
                                 AND d.deptype = 'n'
      JOIN pg_catalog.pg_class k ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                AND k.oid = d.refobjid
      JOIN pg_catalog.pg_namespace n ON n.oid = k.relnamespace
     WHERE (n.nspname = 'mask' AND k.relname = 'policy_key')
        OR (n.nspname = 'mask_internal' AND k.relname ~ '^_key_[0-9]+$')
     ORDER BY 2, 3
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% refused: % reads the pseudonym key relation %',
                        v_hit.command_tag, v_hit.object_identity, v_hit.key_relation
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A view, rule or row-security policy reads other relations with its owner''s privileges but runs as the role that queries it, so a member reading it would receive the key. Only maskview''s generated views may read a key relation.',
                  HINT = 'Build on the masked view instead; it supplies pseudonyms, never the key.';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._on_ddl_key_guard() IS
'Internal event trigger function: refuses a view, materialized view, rule or row-security policy that reads mask.policy_key or a key view, unless made by a superuser (maskview itself).';
