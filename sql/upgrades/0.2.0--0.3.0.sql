-- maskview 0.2.0 -> 0.3.0: changes to objects that 0.2.0 already has and that
-- re-running the parts with CREATE OR REPLACE cannot make (catalog tables,
-- functions whose signature or result changed, triggers).  Runs first.
-- test/upgrade/upgrade_test.sh compares the updated database with a fresh 0.3.0
-- install object by object, so anything missing here fails the suite.

-- ---------------------------------------------------------------------------
-- Columns are identified by name, not attnum (issue 9): pg_dump renumbers
-- the columns of a table that had one dropped, and a restored catalog then
-- put rules on other columns.  mask.rule loses column_attnum and is keyed by
-- the column name; should two rules of one table carry the same name (a
-- column dropped, its rule orphaned, and a column of that name added and
-- ruled later), the live one stays and the orphaned one is removed -- an
-- orphaned rule generates nothing -- and the removal is audited.
-- ---------------------------------------------------------------------------
DO $mig$
DECLARE
    v_dup record;
BEGIN
    FOR v_dup IN SELECT r.policy_id, p.name AS policy, r.relation, r.column_attnum, r.column_name,
                        r.action, r.expression
                   FROM mask.rule r JOIN mask.policy p ON p.id = r.policy_id
                  WHERE r.orphaned
                    AND EXISTS (SELECT FROM mask.rule o
                                 WHERE o.policy_id = r.policy_id AND o.relation = r.relation
                                   AND o.column_name = r.column_name
                                   AND o.column_attnum <> r.column_attnum
                                   AND (NOT o.orphaned OR o.column_attnum > r.column_attnum))
                  ORDER BY 1, 3, 4 LOOP
        DELETE FROM mask.rule r
         WHERE r.policy_id = v_dup.policy_id AND r.relation = v_dup.relation
           AND r.column_attnum = v_dup.column_attnum;
        PERFORM mask._audit('upgrade_drop_orphaned_rule', v_dup.policy,
            pg_catalog.format('%s.%I', v_dup.relation, v_dup.column_name),
            pg_catalog.jsonb_build_object('action', v_dup.action, 'expression', v_dup.expression,
                'reason', 'rules are identified by column name in 0.3.0; another rule has this name'));
    END LOOP;
END
$mig$;

-- The auditors' view of the rules joins on column_attnum; 70_auditor_views.sql
-- creates it again below (and mask.refresh_privileges() re-grants it).
DROP VIEW mask.rules;
ALTER TABLE mask.rule DROP CONSTRAINT rule_pkey;
ALTER TABLE mask.rule DROP COLUMN column_attnum;
ALTER TABLE mask.rule ADD PRIMARY KEY (policy_id, relation, column_name);

-- The snapshot becomes name -> attnum (the attnums only a hint, see
-- mask._renamed_column).
UPDATE mask.protected p
   SET columns = (SELECT COALESCE(pg_catalog.jsonb_object_agg(e.value, e.key::integer), '{}'::jsonb)
                    FROM pg_catalog.jsonb_each_text(p.columns) e);

-- The reconciliation takes the renames the event trigger was told about.
DROP FUNCTION mask._reconcile(integer, regclass);

-- ---------------------------------------------------------------------------
-- mask.trusted_function.func: regprocedure -> text (the schema-qualified
-- signature), since pg_upgrade --check refuses reg* columns in user tables.
-- The function that writes the signature is created here for the conversion
-- and replaced by its part (52_api_roles.sql) below.
-- ---------------------------------------------------------------------------
CREATE FUNCTION mask._function_signature(func regprocedure)
RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('%I.%I(%s)', n.nspname, p.proname,
                             pg_catalog.oidvectortypes(p.proargtypes))
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE p.oid = func
$$;
ALTER TABLE mask.trusted_function
    ALTER COLUMN func TYPE text USING mask._function_signature(func);

-- ---------------------------------------------------------------------------
-- The DDL event trigger also follows the ALTER VIEW / ALTER INDEX ... forms
-- that PostgreSQL accepts on a table (they rename its columns or the table),
-- and ALTER TYPE of a type a protected table's column has.
-- ---------------------------------------------------------------------------
DROP EVENT TRIGGER maskview_ddl_command_end;
CREATE EVENT TRIGGER maskview_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER VIEW', 'ALTER INDEX', 'ALTER SEQUENCE',
                 'ALTER MATERIALIZED VIEW', 'ALTER FOREIGN TABLE', 'ALTER TYPE')
    EXECUTE FUNCTION mask._on_ddl_command_end();
-- 0.3.0: the audit log's "session_user" and "current_user" columns are
-- login_role and acting_role: unquoted, the old names were the reader's own
-- session_user and current_user.  The hash chain does not include column
-- names (mask._audit_canonical), so every stored hash still verifies.
ALTER TABLE mask.audit_log RENAME COLUMN "session_user" TO login_role;
ALTER TABLE mask.audit_log RENAME COLUMN "current_user" TO acting_role;
COMMENT ON COLUMN mask.audit_log.login_role IS
'Who called: session_user, the role that logged in (or the one set by SET SESSION AUTHORIZATION). Named so that it needs no quoting (0.2.0 called it "session_user", which unquoted is the reader''s own session_user).';
COMMENT ON COLUMN mask.audit_log.acting_role IS
'(0.2.0: "current_user".) The role in effect for the caller''s session: the role set by SET ROLE, or session_user when no SET ROLE is in effect. API functions are SECURITY DEFINER, so the SQL current_user inside them is the extension owner; this column records the session''s role instead. A call made from inside another SECURITY DEFINER function records the session''s role, not that function''s owner.';

-- ---------------------------------------------------------------------------
-- No foreign keys in the catalog: a parallel pg_restore loads the catalog
-- tables in any order.  Deletes cascade through triggers, created at the end
-- (their function is 21_catalog_cascade.sql).
-- ---------------------------------------------------------------------------
ALTER TABLE mask.rule DROP CONSTRAINT rule_policy_id_relation_fkey;
ALTER TABLE mask.protected DROP CONSTRAINT protected_policy_id_fkey;
ALTER TABLE mask.member DROP CONSTRAINT member_policy_id_fkey;
ALTER TABLE mask.policy_key DROP CONSTRAINT policy_key_policy_id_fkey;

-- Audited reads wait in mask.audit_pending until the next API call chains
-- them (25_audit_log.sql): export_policy no longer takes the append lock.
-- Its triggers need functions of 30_audit.sql: see 0.2.0--0.3.0-end.sql.
CREATE TABLE mask.audit_pending (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    login_role      name NOT NULL,
    acting_role     name NOT NULL,
    action          text NOT NULL,
    policy          name,
    object          text,
    details         jsonb
);
REVOKE ALL ON TABLE mask.audit_pending FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('mask.audit_pending', '');
SELECT pg_catalog.pg_extension_config_dump('mask.audit_pending_id_seq', '');
COMMENT ON TABLE mask.audit_pending IS
'Audited reads (export_policy) not yet in the hash chain: the next API call moves them into mask.audit_log. Written without the append lock, so readers never block writers; readable by auditors. UPDATE and TRUNCATE are refused, DELETE is maskview''s own.';
-- Members' search_path (sql/parts/51_api_members.sql): 0.2.0 set it for the
-- whole cluster with ALTER ROLE ... SET; 0.3.0 sets it in this database only
-- and remembers the setting it replaced.  The previous setting of a 0.2.0
-- member is unknown (0.2.0 overwrote it), so it is recorded as none.  The
-- member keeps its masked-view search_path here, now as a setting of this
-- database; the cluster-wide one goes if it is still what 0.2.0 wrote.  Of
-- several policies that set one role's search_path (0.2.0 allowed it, and
-- the last add_member won), the one in effect keeps search_path_set.
ALTER TABLE mask.member ADD COLUMN search_path_before text;

DO $$
DECLARE
    v_m     record;
    v_entry text;
BEGIN
    FOR v_m IN SELECT m.policy_id, m.role, ro.rolname, p.view_schema
                 FROM mask.member m
                 JOIN mask.policy p ON p.id = m.policy_id
                 JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
                WHERE m.search_path_set
                ORDER BY m.role,
                         NOT EXISTS (SELECT FROM pg_catalog.pg_db_role_setting s
                                      WHERE s.setrole = m.role AND s.setdatabase = 0
                                        AND 'search_path=' || pg_catalog.quote_ident(p.view_schema)
                                            || ', "$user", public' = ANY (s.setconfig)),
                         m.added_at DESC LOOP
        v_entry := pg_catalog.quote_ident(v_m.view_schema) || ', "$user", public';
        IF EXISTS (SELECT FROM pg_catalog.pg_db_role_setting s
                     JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
                    WHERE d.datname = pg_catalog.current_database() AND s.setrole = v_m.role
                      AND EXISTS (SELECT FROM pg_catalog.unnest(s.setconfig) c WHERE c LIKE 'search\_path=%')) THEN
            -- Set here already: by an earlier row of the same role, or by the DBA.
            UPDATE mask.member m SET search_path_set = false
             WHERE m.policy_id = v_m.policy_id AND m.role = v_m.role
               AND EXISTS (SELECT FROM mask.member o WHERE o.role = v_m.role AND o.search_path_set
                                                      AND o.policy_id <> v_m.policy_id);
        ELSE
            EXECUTE pg_catalog.format('ALTER ROLE %I IN DATABASE %I SET search_path = %s',
                                      v_m.rolname, pg_catalog.current_database(), v_entry);
        END IF;
        IF EXISTS (SELECT FROM pg_catalog.pg_db_role_setting s
                    WHERE s.setrole = v_m.role AND s.setdatabase = 0
                      AND 'search_path=' || v_entry = ANY (s.setconfig)) THEN
            EXECUTE pg_catalog.format('ALTER ROLE %I RESET search_path', v_m.rolname);
        END IF;
    END LOOP;
END;
$$;

-- Member paths have one source, mask._raw_paths(), which names the fix with
-- each path; verify()'s separate hint function is gone.
DROP FUNCTION mask._verify_path_hint(text, name, text);

-- create_policy and protect take their names as text: a name parameter cut a
-- longer argument to 63 bytes before the function could refuse it.
DROP FUNCTION mask.create_policy(name, name, text);
DROP FUNCTION mask.protect(name, regclass, text, name);

-- Column renames in rules and row filters are done on the parse tree in C
-- (mask._rename_columns); the plpgsql lexer that did them goes.
DROP FUNCTION mask._rename_identifiers(text, jsonb);

-- The validator gets the masking functions and the trusted functions from
-- the policy engine as arguments instead of reading them itself: two more
-- parameters.  (The 0.3.0 function is created in mask_internal.)
DROP FUNCTION mask._validate_expression(text, regclass, boolean, text);

-- 0.3.0: the API returns the change in one line (what its audit row
-- records) instead of void; a return type cannot be changed in place.  The
-- parts that follow create them again; mask.refresh_privileges() gives
-- admins EXECUTE again, as after every update.
DROP FUNCTION mask.drop_policy(name);
DROP FUNCTION mask.unprotect(name, regclass);
DROP FUNCTION mask.set_rule(name, regclass, name, text, text);
DROP FUNCTION mask.drop_rule(name, regclass, name);
DROP FUNCTION mask.rotate_key(name);
DROP FUNCTION mask.add_member(name, regrole, boolean);
DROP FUNCTION mask.remove_member(name, regrole);
DROP FUNCTION mask.grant_admin(regrole);
DROP FUNCTION mask.revoke_admin(regrole);
DROP FUNCTION mask.grant_auditor(regrole);
DROP FUNCTION mask.revoke_auditor(regrole);
DROP FUNCTION mask.trust_function(regprocedure);
DROP FUNCTION mask.refresh_privileges();
DROP FUNCTION mask.import_policy(jsonb, boolean);
DROP FUNCTION mask._audit(text, name, text, jsonb);

-- mask.linkability() checks its own arguments (PUBLIC executes no internal
-- function, and it runs with the caller's rights); its helper goes.
DROP FUNCTION mask._linkability_query(regclass, name[], integer);

-- mask.detect()'s name test is the classifier cn_name masks with, in C
-- (_detect_is_name becomes a C function below): the surname lists it kept
-- in SQL, a second and drifted copy of the core's, go.
DROP FUNCTION mask._detect_surnames();
DROP FUNCTION mask._detect_compound_surnames();

-- verify() compares a view with _viewdef_of_query(_view_query(...)) itself;
-- the one-line wrapper goes (issue 10: a function per finding instead).
DROP FUNCTION mask._verify_expected_viewdef(integer, regclass);
-- Every internal finding function returns mask_internal.finding (created
-- below), 0.2.0's _verify_findings a table of the same columns.
DROP FUNCTION mask._verify_findings(name);

-- ---------------------------------------------------------------------------
-- Internal objects move to schema mask_internal (issue 13), so that \df
-- mask.* and \dv mask.* show auditors what is for them.  SET SCHEMA keeps
-- each object's identity: the triggers, event triggers and generated views
-- that use them follow, and the parts below replace the functions in their
-- new schema.  The rules' stored SQL names the key views and is rewritten
-- at the end (its triggers need the new functions); mask.refresh_privileges()
-- then regenerates every view from it.
-- ---------------------------------------------------------------------------
CREATE SCHEMA mask_internal;

-- The row of mask.verify()'s finding functions (as sql/parts/82_verify.sql
-- creates it on a fresh install; that part is not re-run).
CREATE TYPE mask_internal.finding AS (
    severity text,   -- error, warning or info
    policy   name,   -- NULL for a global finding
    object   text,   -- what the finding is about, quoted as SQL names it
    finding  text,   -- what is wrong, in names and counts, never a value
    hint     text    -- the statement or step that fixes it
);

COMMENT ON TYPE mask_internal.finding IS
'Internal: one finding of mask.verify() (severity error|warning|info, policy or NULL when global, object, finding, hint), the row of every internal finding function.';

-- Until the parts below have replaced them, the moved functions' bodies
-- still name their old schema: 0.2.0's event triggers would run them on the
-- move's and the parts' own DDL, so they rest until the end (0.2.0--0.3.0-end.sql).
ALTER EVENT TRIGGER maskview_ddl_command_end DISABLE;
ALTER EVENT TRIGGER maskview_sql_drop DISABLE;

DO $move$
DECLARE
    v_obj record;
BEGIN
    FOR v_obj IN SELECT pg_catalog.format('%s mask.%I(%s)',
                                          CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                                          p.proname, pg_catalog.oidvectortypes(p.proargtypes)) AS what
                   FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'mask'::pg_catalog.regnamespace AND p.proname LIKE '\_%'
                  ORDER BY p.proname, p.oid LOOP
        EXECUTE pg_catalog.format('ALTER %s SET SCHEMA mask_internal', v_obj.what);
    END LOOP;
    -- the key views, and the table that marks maskview's own DDL
    FOR v_obj IN SELECT c.relname, CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind
                   FROM pg_catalog.pg_class c
                  WHERE c.relnamespace = 'mask'::pg_catalog.regnamespace AND c.relkind IN ('r', 'v')
                    AND c.relname LIKE '\_%'
                  ORDER BY c.relname LOOP
        EXECUTE pg_catalog.format('ALTER %s mask.%I SET SCHEMA mask_internal', v_obj.kind, v_obj.relname);
    END LOOP;
END
$move$;

-- ---------------------------------------------------------------------------
-- New in 0.3.0: the catalog of materialized masked copies of Citus tables
-- (as sql/parts/22_catalog_citus_copy.sql creates it on a fresh install).
-- ---------------------------------------------------------------------------

CREATE TABLE mask.citus_copy (
    policy_id           integer NOT NULL,   -- mask.policy (id)
    relation            regclass NOT NULL,  -- mask.protected (policy_id, relation)
    copy_name           name NOT NULL,      -- in the policy's view schema
    distribution_column name NOT NULL,      -- a column of the copy
    -- What the copy holds: the masked SELECT of the rules (mask._view_select)
    -- and the creation time of the key at its last refresh; filled_with is
    -- NULL while the copy is empty (before the first refresh, and when a
    -- change of the rules emptied it).
    filled_with         text,
    key_created_at      timestamptz,
    refreshed_at        timestamptz,
    refreshed_by        name,
    refreshed_rows      bigint,
    enabled_by          name NOT NULL DEFAULT session_user,
    enabled_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (policy_id, relation)
);

COMMENT ON TABLE mask.citus_copy IS
'Protected Citus tables that a policy keeps a materialized masked copy of (mask.set_citus_copy), and what each copy was last refreshed with.';

REVOKE ALL ON TABLE mask.citus_copy FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('mask.citus_copy', '');
