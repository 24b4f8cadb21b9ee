-- ---------------------------------------------------------------------------
-- The catalog's parent -> child deletes, as triggers instead of foreign keys.
--
-- The catalog tables are extension configuration tables: pg_restore loads
-- their rows into tables CREATE EXTENSION made, constraints included, in an
-- order of its own -- a parallel restore (-j) loaded mask.protected before
-- mask.policy and failed on the foreign key.  So the catalog has no foreign
-- keys: the API writes parents before children, these triggers delete the
-- children of a deleted policy or protected table (what ON DELETE CASCADE
-- did), and mask.verify() reports rows whose parent is missing (a partial
-- restore).  The triggers are created in 95_triggers.sql.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._catalog_cascade()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'policy' THEN
        DELETE FROM mask.protected p WHERE p.policy_id = OLD.id;
        DELETE FROM mask.member m WHERE m.policy_id = OLD.id;
        DELETE FROM mask.policy_key k WHERE k.policy_id = OLD.id;
        DELETE FROM mask.citus_copy c WHERE c.policy_id = OLD.id;
    ELSIF TG_TABLE_NAME = 'protected' THEN
        DELETE FROM mask.rule r WHERE r.policy_id = OLD.policy_id AND r.relation = OLD.relation;
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION mask_internal._catalog_cascade() IS
'Internal trigger function: deletes the rows of a deleted policy (protected tables, members, key) or protected table (rules); the catalog has no foreign keys so that pg_restore may load it in any order.';
