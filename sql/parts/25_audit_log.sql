-- ---------------------------------------------------------------------------
-- Audit log table: append-only, hash-chained record of every policy API call
-- (the functions that append and check it: 30_audit.sql).
--
-- Each row's hash is sha256(prev_hash || canonical row text), and prev_hash is
-- the hash of the row before it (32 zero bytes for the first row).  Changing,
-- removing or reordering a row therefore breaks the chain at that row, which
-- mask.verify_audit_log() reports.  Triggers refuse UPDATE, DELETE and
-- TRUNCATE; a superuser can still disable them, and the chain is what catches
-- that.  What the chain cannot catch: a superuser who rewrites the chain from
-- the tampered row onwards, or removes rows at the end of the log (anchor the
-- last hash somewhere else, e.g. in an external log, to detect that).
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- Reads waiting to be chained.  An audited read (mask.export_policy) must not
-- take the append lock of the chain: the lock, and the unchained row itself,
-- are held until the reader's transaction ends, and an auditor who keeps the
-- document open would block every policy change and every audited DDL.  So a
-- read is written here, without a lock, and the next append to the chain
-- (any API call) moves every committed pending row into mask.audit_log first,
-- in the order the reads were written, keeping their time and roles.  A read
-- whose transaction rolls back leaves no row, as before.
-- ---------------------------------------------------------------------------

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


-- The log's rows are the entries of mask.audit_pending (above: the same
-- columns, so pending reads move into the chain as they are) with their
-- place in the chain.
CREATE TABLE mask.audit_log (
    LIKE mask.audit_pending INCLUDING IDENTITY INCLUDING INDEXES,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL,
    -- Two rows with the same predecessor would be a fork of the chain; the
    -- append lock prevents it, this constraint makes it impossible.
    CONSTRAINT audit_log_prev_hash_key UNIQUE (prev_hash),
    CONSTRAINT audit_log_hash_length CHECK (pg_catalog.octet_length(hash) = 32
                                            AND pg_catalog.octet_length(prev_hash) = 32)
);

-- Nobody reads the log by default; grant_auditor() grants SELECT to auditors.
REVOKE ALL ON TABLE mask.audit_log FROM PUBLIC;

-- The log survives pg_dump / restore with the rest of the catalog.  Ids are
-- assigned by mask_internal._audit() (see there), the identity sequence is dumped too so
-- that a restored database has the same state as the original.
SELECT pg_catalog.pg_extension_config_dump('mask.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('mask.audit_log_id_seq', '');

COMMENT ON TABLE mask.audit_log IS
'Append-only, hash-chained log of every maskview API call; readable by auditors. UPDATE, DELETE and TRUNCATE are refused by trigger; mask.verify_audit_log() checks the chain.';
COMMENT ON COLUMN mask.audit_log.id IS
'Position in the chain: 1, 2, 3, ... without gaps (assigned under the append lock, so a rolled-back call leaves no gap and a missing id means a removed row).';
COMMENT ON COLUMN mask.audit_log.at IS
'Wall-clock time of the call (clock_timestamp()).';
COMMENT ON COLUMN mask.audit_log.login_role IS
'Who called: session_user, the role that logged in (or the one set by SET SESSION AUTHORIZATION). Named so that it needs no quoting (0.2.0 called it "session_user", which unquoted is the reader''s own session_user).';
COMMENT ON COLUMN mask.audit_log.acting_role IS
'(0.2.0: "current_user".) The role in effect for the caller''s session: the role set by SET ROLE, or session_user when no SET ROLE is in effect. API functions are SECURITY DEFINER, so the SQL current_user inside them is the extension owner; this column records the session''s role instead. A call made from inside another SECURITY DEFINER function records the session''s role, not that function''s owner.';
COMMENT ON COLUMN mask.audit_log.action IS
'The API call, e.g. create_policy, set_rule, add_member, or an event-trigger action.';
COMMENT ON COLUMN mask.audit_log.policy IS
'The policy the call changed, if any.';
COMMENT ON COLUMN mask.audit_log.object IS
'The object the call changed (table, column, role), as text, if any.';
COMMENT ON COLUMN mask.audit_log.details IS
'Arguments and outcome of the call; never contains key material.';
COMMENT ON COLUMN mask.audit_log.prev_hash IS
'hash of the previous row; 32 zero bytes for the first row.';
COMMENT ON COLUMN mask.audit_log.hash IS
'sha256(prev_hash || mask_internal._audit_canonical(row)), see mask_internal._audit_row_hash().';
