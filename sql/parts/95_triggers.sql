-- ---------------------------------------------------------------------------
-- Triggers, created once: the audit log's append-only triggers and the event
-- triggers that follow DDL on protected tables.  Like the tables (20-26) they
-- are not re-run by upgrade scripts, which replace the functions they call
-- (30_audit.sql, 60_event_triggers.sql) and change a trigger itself by hand.
-- ---------------------------------------------------------------------------

CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON mask.audit_log
    FOR EACH ROW EXECUTE FUNCTION mask_internal._audit_log_refuse();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON mask.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION mask_internal._audit_log_refuse();

-- The catalog's cascading deletes (21_catalog_cascade.sql).
CREATE TRIGGER policy_cascade
    AFTER DELETE ON mask.policy
    FOR EACH ROW EXECUTE FUNCTION mask_internal._catalog_cascade();

CREATE TRIGGER protected_cascade
    AFTER DELETE ON mask.protected
    FOR EACH ROW EXECUTE FUNCTION mask_internal._catalog_cascade();

CREATE TRIGGER audit_pending_guard
    BEFORE UPDATE OR DELETE ON mask.audit_pending
    FOR EACH ROW EXECUTE FUNCTION mask_internal._audit_pending_refuse();

CREATE TRIGGER audit_pending_no_truncate
    BEFORE TRUNCATE ON mask.audit_pending
    FOR EACH STATEMENT EXECUTE FUNCTION mask_internal._audit_pending_refuse();

CREATE EVENT TRIGGER maskview_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER VIEW', 'ALTER INDEX', 'ALTER SEQUENCE',
                 'ALTER MATERIALIZED VIEW', 'ALTER FOREIGN TABLE', 'ALTER TYPE')
    EXECUTE FUNCTION mask_internal._on_ddl_command_end();

CREATE EVENT TRIGGER maskview_ddl_command_start ON ddl_command_start
    WHEN TAG IN ('ALTER TABLE', 'ALTER FOREIGN TABLE', 'CREATE TABLE')
    EXECUTE FUNCTION mask_internal._on_ddl_command_start();

CREATE EVENT TRIGGER maskview_sql_drop ON sql_drop
    EXECUTE FUNCTION mask_internal._on_sql_drop();

CREATE EVENT TRIGGER maskview_drop_extension_guard ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION')
    EXECUTE FUNCTION mask_internal._on_drop_extension();

-- Refuses views, rules and row-security policies that read a key relation
-- (62_event_trigger_keys.sql).  A trigger of its own, so that the tag list of
-- maskview_ddl_command_end stays about following DDL on protected tables;
-- no tag list of its own, since objects come from more commands than their
-- own (CREATE SCHEMA ... CREATE VIEW is a CREATE SCHEMA).
CREATE EVENT TRIGGER maskview_key_guard ON ddl_command_end
    EXECUTE FUNCTION mask_internal._on_ddl_key_guard();
