-- ---------------------------------------------------------------------------
-- View generation: from the catalog to the masked views, in the same
-- transaction as every catalog change.
--
-- For each protected table the view is
--     CREATE VIEW <view_schema>.<view_name> WITH (security_barrier) AS
--         SELECT <rule> AS <column>, ... FROM <schema>.<table> [WHERE (<row filter>)]
-- owned by the raw table's owner (so the raw table's privileges and row
-- security keep applying), with one column per ruled column in attnum order:
-- pass -> the column, null -> NULL::<type>, mask -> the validator's SQL.  A
-- column without a rule is left out (fail closed).  A table whose every column
-- is hidden still gets a view, with zero columns: members see how many rows
-- there are and nothing else, and their queries keep compiling.
--
-- The policy key reaches views through the key view mask_internal."_key_<policy id>",
-- owned by the extension owner and selectable only by the owners of the
-- policy's tables (who own the masked views), yet showing the key only to a
-- reader of the masked view (41_keys.sql).  A rule's mask.pseudonym(col)
-- becomes mask.pseudonym(col, (SELECT k.key FROM mask_internal."_key_N" k)): an
-- uncorrelated subquery, i.e. an InitPlan run once per query, and a view
-- definition that names the key's location but never contains it.
--
-- Generated views call mask functions and read the key view, so a plain
-- DROP EXTENSION maskview fails while any policy has views: drop the policies
-- first (mask.drop_policy), or use CASCADE knowingly, which drops the views.
--
-- Our own DDL fires the event triggers of 60_event_triggers.sql; while we run
-- it the transaction carries a mark in mask_internal._internal_ddl and they skip.
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- Extension-internal DDL: the mark that makes the event triggers skip it.
-- ---------------------------------------------------------------------------

-- Marks the start of extension-internal DDL, so that the event triggers skip
-- it.  The mark is a row keyed by this backend and this transaction in a
-- table only the extension owner can write: a configuration setting would
-- do the same job, but any role can set one, and a table owner could then
-- hide its own DDL from the audit log.  Returns whether the mark was already
-- there, for mask_internal._internal_end, so that nested calls keep it until the
-- outermost one ends.
CREATE FUNCTION mask_internal._internal_begin()
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF mask_internal._internal_active() THEN
        RETURN 'on';
    END IF;
    INSERT INTO mask_internal._internal_ddl (backend_pid, xact)
    VALUES (pg_catalog.pg_backend_pid(), pg_catalog.pg_current_xact_id());
    RETURN '';
END;
$$;

COMMENT ON FUNCTION mask_internal._internal_begin() IS
'Internal: marks the current transaction as running extension-internal DDL so the event triggers skip it; returns ''on'' if it already was.';

CREATE FUNCTION mask_internal._internal_end(previous text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF previous IS DISTINCT FROM 'on' THEN
        DELETE FROM mask_internal._internal_ddl
         WHERE backend_pid = pg_catalog.pg_backend_pid()
           AND xact = pg_catalog.pg_current_xact_id();
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._internal_end(text) IS
'Internal: ends the mark of mask_internal._internal_begin() unless an outer call still holds it.';

CREATE FUNCTION mask_internal._internal_active()
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT FROM mask_internal._internal_ddl d
                    WHERE d.backend_pid = pg_catalog.pg_backend_pid()
                      AND d.xact = pg_catalog.pg_current_xact_id_if_assigned())
$$;

COMMENT ON FUNCTION mask_internal._internal_active() IS
'Internal: true while maskview itself runs DDL in this transaction (see mask_internal._internal_begin).';
