-- ---------------------------------------------------------------------------
-- Policy keys: how a generated view reaches its policy's pseudonym key
-- (the design: 40_views.sql; the key table: 20_catalog.sql).
-- ---------------------------------------------------------------------------

-- Name of a policy's key view.  The id, not the policy name, so that the
-- name is short, fixed and independent of what admins type.
CREATE FUNCTION mask._key_view_name(policy_id integer)
RETURNS name
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ('_key_' || policy_id::text)::name
$$;

COMMENT ON FUNCTION mask._key_view_name(integer) IS
'Internal: name of the key view of a policy in schema mask.';

-- The SQL that supplies the key inside a generated view; passed to the
-- validator as key_sql for mask.pseudonym(col[, length]).
CREATE FUNCTION mask._key_sql(policy_id integer)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('(SELECT k.key FROM %I.%I k)', 'mask',
                             mask._key_view_name(policy_id))
$$;

COMMENT ON FUNCTION mask._key_sql(integer) IS
'Internal: the uncorrelated scalar subquery through which a generated view reads its policy''s key (once per query).';

-- 32 bytes from pg_strong_random (mask._random_bytes is C, 05_internal.sql).
CREATE FUNCTION mask._new_key()
RETURNS bytea
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask._random_bytes(32)
$$;

COMMENT ON FUNCTION mask._new_key() IS
'Internal: a fresh 32-byte policy key from pg_strong_random.';


-- Creates the key view of a policy if it is missing.  Nobody gets SELECT here;
-- mask._apply_grants gives it to the owners of the policy's tables.
CREATE FUNCTION mask._ensure_key_view(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prev text;
BEGIN
    IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'mask',
                              mask._key_view_name(policy_id))) IS NOT NULL THEN
        RETURN;
    END IF;
    v_prev := mask._internal_begin();
    EXECUTE pg_catalog.format(
        'CREATE VIEW %I.%I AS SELECT pk.key FROM mask.policy_key pk WHERE pk.policy_id = %s',
        'mask', mask._key_view_name(policy_id), policy_id);
    EXECUTE pg_catalog.format('REVOKE ALL ON %I.%I FROM PUBLIC',
                              'mask', mask._key_view_name(policy_id));
    EXECUTE pg_catalog.format(
        'COMMENT ON VIEW %I.%I IS %L', 'mask', mask._key_view_name(policy_id),
        pg_catalog.format('maskview: pseudonym key of policy %s, read by its masked views; only their owners may select it.',
                          policy_id));
    PERFORM mask._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask._ensure_key_view(integer) IS
'Internal: creates mask."_key_<id>", the one-row view of a policy''s key that generated views read.';
