-- Internal helpers used by the policy engine.  Not for direct use: EXECUTE
-- is revoked from PUBLIC and only the extension's SECURITY DEFINER API calls them.

CREATE FUNCTION mask._random_bytes(n integer)
RETURNS bytea
LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', '_random_bytes';

COMMENT ON FUNCTION mask._random_bytes(integer) IS
    'Internal: n bytes (16 to 1024) from pg_strong_random, for policy keys.';

