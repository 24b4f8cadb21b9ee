-- ---------------------------------------------------------------------------
-- The mark of extension-internal DDL (see mask_internal._internal_begin in
-- 40_views.sql): one row per backend and transaction while maskview itself
-- runs DDL, so that the event triggers skip it.
-- ---------------------------------------------------------------------------

CREATE UNLOGGED TABLE mask_internal._internal_ddl (
    backend_pid integer NOT NULL,
    xact        xid8 NOT NULL,
    PRIMARY KEY (backend_pid, xact)
);

COMMENT ON TABLE mask_internal._internal_ddl IS
'Internal: marks transactions in which maskview itself runs DDL (the event triggers skip those). Not dumped: a mark lives only as long as its transaction.';

REVOKE ALL ON mask_internal._internal_ddl FROM PUBLIC;
