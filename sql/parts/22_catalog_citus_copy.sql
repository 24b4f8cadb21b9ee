-- ---------------------------------------------------------------------------
-- Materialized masked copies of Citus tables (49_citus_copy.sql): one row
-- per protected distributed table that a policy admin opted into a copy
-- with mask.set_citus_copy().  The copy itself is an ordinary distributed
-- table <view_schema>.<copy_name>, owned by the extension owner; this row
-- says what it was last filled with, so that mask.verify() can tell a stale
-- copy from a current one.  Keyed like mask.protected; a row whose table is
-- no longer protected is cleaned up (with its copy) by the next
-- regeneration, and reported by verify() until then.  No foreign keys, for
-- the reason given in 21_catalog_cascade.sql.
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
