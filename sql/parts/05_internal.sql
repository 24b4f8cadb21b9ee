-- Internal helpers used by the policy engine.  Not for direct use: EXECUTE
-- is revoked from PUBLIC and only the extension's SECURITY DEFINER API calls them.

CREATE FUNCTION mask_internal._random_bytes(n integer)
RETURNS bytea
LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', 'mv_sql_random_bytes';

COMMENT ON FUNCTION mask_internal._random_bytes(integer) IS
    'Internal: n bytes (16 to 1024) from pg_strong_random, for policy keys.';


-- A grantee of an ACL entry (aclexplode) as SQL writes it: a quoted role
-- name, or PUBLIC for grantee 0.  For REVOKE statements and findings.
CREATE FUNCTION mask_internal._grantee_name(grantee oid)
RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN grantee = 0 THEN 'PUBLIC'
                ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(grantee)) END
$$;

COMMENT ON FUNCTION mask_internal._grantee_name(oid) IS
'Internal: an ACL grantee as a quoted role name, or PUBLIC for grantee 0.';

-- An ACL grantee as the subject of a mask.verify() finding: "PUBLIC" or
-- "Role <quoted name>".
CREATE FUNCTION mask_internal._grantee_label(grantee oid)
RETURNS text
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN grantee = 0 THEN '' ELSE 'Role ' END || mask_internal._grantee_name(grantee)
$$;

COMMENT ON FUNCTION mask_internal._grantee_label(oid) IS
'Internal: an ACL grantee as the subject of a finding: PUBLIC, or Role and its quoted name.';


-- A name derived from another by a suffix (<view>_rows, <view>_copy): the
-- base cut, at a character boundary, so that base and suffix fit in
-- NAMEDATALEN - 1 bytes of the server encoding.  Cutting by characters would
-- not do: 21 Chinese characters already fill 63 bytes in UTF-8, and the cast
-- to name would then cut the suffix away, leaving the base name itself.
CREATE FUNCTION mask_internal._suffixed_name(base name, suffix text)
RETURNS name
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (pg_catalog.left(base, n) || suffix)::name
      FROM pg_catalog.generate_series(pg_catalog.char_length(base), 0, -1) n
     WHERE pg_catalog.octet_length(pg_catalog.left(base, n)) + pg_catalog.octet_length(suffix) <= 63
     ORDER BY n DESC
     LIMIT 1
$$;

COMMENT ON FUNCTION mask_internal._suffixed_name(name, text) IS
'Internal: base || suffix as a name, the base cut at a character boundary so that the suffix always fits in 63 bytes.';
