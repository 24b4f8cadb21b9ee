-- ---------------------------------------------------------------------------
-- Policy catalog: what is protected, how each column is shown, who reads it.
--
-- Relations and roles are stored by OID (regclass / regrole): pg_dump writes
-- them as names and pg_upgrade keeps their OIDs, and renames of tables and
-- roles follow without any bookkeeping.  Columns are stored by NAME, never by
-- attnum: pg_dump renumbers the columns of a table that had one dropped, so
-- an attnum in a restored catalog may point at another column.  Column
-- renames are followed by the event trigger (60_event_triggers.sql), which is
-- told which column was renamed; a restore renames nothing, so it never moves
-- a rule.  Functions are stored as schema-qualified signatures (text), since
-- pg_upgrade refuses reg* types other than regclass/regrole/regtype in user
-- tables and does not keep function OIDs.  Every table is registered with
-- pg_extension_config_dump so that pg_dump carries the catalog along; the
-- generated views are ordinary views that pg_dump dumps on its own.
--
-- Nobody but the extension owner reads these tables directly: admins change
-- them through the SECURITY DEFINER API, auditors read the views of
-- 70_auditor_views.sql, which leave out the keys.
-- ---------------------------------------------------------------------------

CREATE TABLE mask.policy (
    id              serial PRIMARY KEY,
    name            name NOT NULL UNIQUE,
    view_schema     name NOT NULL,
    description     text,
    -- true when create_policy made the schema; drop_policy then removes it
    -- again if it is empty, and leaves a schema it found alone.
    schema_created  boolean NOT NULL DEFAULT false,
    created_by      name NOT NULL DEFAULT session_user,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.policy IS
'maskview policies: a named set of protected tables whose masked views live in view_schema.';

CREATE TABLE mask.protected (
    policy_id       integer NOT NULL,   -- mask.policy (id); see 21_catalog_cascade.sql
    relation        regclass NOT NULL,
    -- Qualified name and column name -> attnum map as of the last
    -- regeneration.  The names say which columns were added or dropped since
    -- (see mask_internal._reconcile); the attnums are only a hint that tells the event
    -- trigger the old name of a renamed column, and are checked against the
    -- names before use (after a restore they belong to another numbering).
    relation_name   text NOT NULL,
    columns         jsonb NOT NULL,
    view_name       name NOT NULL,
    row_filter      text,           -- as the admin typed it (shown to auditors)
    row_filter_sql  text,           -- what the validator accepted (used in the view)
    added_by        name NOT NULL DEFAULT session_user,
    added_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (policy_id, relation),
    CHECK ((row_filter IS NULL) = (row_filter_sql IS NULL))
);

COMMENT ON TABLE mask.protected IS
'Tables protected by a policy, each with the name of its masked view and an optional row filter.';

CREATE TABLE mask.rule (
    policy_id       integer NOT NULL,
    relation        regclass NOT NULL,
    column_name     name NOT NULL,
    action          text NOT NULL CHECK (action IN ('mask', 'pass', 'null')),
    expression      text NOT NULL,  -- as typed: PASS, NULL or the masking expression
    expression_sql  text,           -- validator output, only for action mask
    reason          text,
    -- A rule whose column was dropped (or whose expression no longer
    -- validates after DDL) stays for the auditor but generates nothing, also
    -- when a column of the same name is added later: only set_rule revives it.
    orphaned        boolean NOT NULL DEFAULT false,
    set_by          name NOT NULL DEFAULT session_user,
    set_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- The name is what survives pg_dump; see the header of this file.
    -- (policy_id, relation): mask.protected; see 21_catalog_cascade.sql
    PRIMARY KEY (policy_id, relation, column_name),
    CHECK ((action = 'mask') = (expression_sql IS NOT NULL))
);

COMMENT ON TABLE mask.rule IS
'How one column of a protected table appears in the masked view; columns without a rule are hidden.';

CREATE TABLE mask.member (
    policy_id       integer NOT NULL,   -- mask.policy (id)
    role            regrole NOT NULL,
    -- The name at add time: if the role is dropped after DROP OWNED, regrole
    -- prints a bare OID and this still says who it was.
    role_name       name NOT NULL,
    -- true when add_member set the role's search_path; remove_member only
    -- resets a search_path it set itself.
    search_path_set boolean NOT NULL DEFAULT false,
    added_by        name NOT NULL DEFAULT session_user,
    added_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- The role's search_path setting in this database before add_member
    -- set it (the value as pg_db_role_setting stores it), NULL when it had
    -- none: remove_member puts back exactly this.
    search_path_before text,
    PRIMARY KEY (policy_id, role)
);

COMMENT ON TABLE mask.member IS
'Roles that read a policy''s masked views.';

-- The pseudonym key of each policy.  Readable by the extension owner only;
-- generated views reach it through the per-policy key view mask_internal."_key_<id>"
-- (see 40_views.sql), which only the owners of the policy's tables may select
-- and which shows the key only to the masked views' readers (41_keys.sql).
CREATE TABLE mask.policy_key (
    policy_id       integer PRIMARY KEY,   -- mask.policy (id)
    key             bytea NOT NULL CHECK (pg_catalog.octet_length(key) = 32),
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.policy_key IS
'Secret pseudonym key of each policy (32 bytes from pg_strong_random); never readable by members or auditors.';

CREATE TABLE mask.admin (
    role            regrole PRIMARY KEY,
    role_name       name NOT NULL,
    granted_by      name NOT NULL DEFAULT session_user,
    granted_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.admin IS
'Roles given mask.grant_admin(): they may execute the policy API.';

CREATE TABLE mask.auditor (
    role            regrole PRIMARY KEY,
    role_name       name NOT NULL,
    granted_by      name NOT NULL DEFAULT session_user,
    granted_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.auditor IS
'Roles given mask.grant_auditor(): they read the catalog views, the audit log and the masked views.';

-- Functions a superuser declared safe for rules besides the mask schema's
-- own; mask_internal._trusted_functions() resolves each signature with
-- to_regprocedure at use and the policy engine hands the result to the
-- validator: a function dropped (or not restored) is simply not trusted.  Stored as text, since pg_upgrade --check refuses a
-- regprocedure column in a user table.
CREATE TABLE mask.trusted_function (
    -- schema-qualified signature, written by mask_internal._function_signature()
    func            text PRIMARY KEY,
    trusted_by      name NOT NULL DEFAULT session_user,
    trusted_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.trusted_function IS
'Functions a superuser allowed in masking rules with mask.trust_function().';

REVOKE ALL ON TABLE mask.policy, mask.protected, mask.rule, mask.member,
    mask.policy_key, mask.admin, mask.auditor, mask.trusted_function FROM PUBLIC;
REVOKE ALL ON SEQUENCE mask.policy_id_seq FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('mask.policy', '');
SELECT pg_catalog.pg_extension_config_dump('mask.policy_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mask.protected', '');
SELECT pg_catalog.pg_extension_config_dump('mask.rule', '');
SELECT pg_catalog.pg_extension_config_dump('mask.member', '');
SELECT pg_catalog.pg_extension_config_dump('mask.policy_key', '');
SELECT pg_catalog.pg_extension_config_dump('mask.admin', '');
SELECT pg_catalog.pg_extension_config_dump('mask.auditor', '');
SELECT pg_catalog.pg_extension_config_dump('mask.trusted_function', '');
