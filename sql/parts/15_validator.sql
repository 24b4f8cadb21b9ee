-- The rule and row-filter validator (src/rule_validator.c and its family).
-- Internal: only the SECURITY DEFINER policy API calls it, so EXECUTE is
-- revoked from PUBLIC.
--
-- Pinned settings.  How SQL text is read depends on session settings
-- (standard_conforming_strings, DateStyle, ...): the validator, like every
-- function that validates or generates from a rule or row filter, runs with
-- the one list of values in 91_rule_settings.sql, so that a policy means the
-- same whoever typed it.  _rename_columns reads the raw parse tree only (no
-- constant's value), and needs only standard_conforming_strings.

-- What the validator needs from the policy engine comes as arguments, so
-- that it sees a parse tree and what it is handed and never reads the policy
-- catalog: key_sql, the policy's key subquery (mask_internal._key_sql), for
-- the keyed masking function (mask.pseudonym, the one with a parameter named
-- key); masking_functions, the extension's masking functions
-- (mask_internal._masking_functions()); trusted_functions, those a superuser
-- trusted (mask_internal._trusted_functions()).  A rule may call these two
-- lists and nothing else; a list not given trusts nothing.  Row filters call
-- built-in functions only and need neither.
CREATE FUNCTION mask_internal._validate_expression(expression text, relation regclass,
                                          is_row_filter boolean,
                                          key_sql text DEFAULT NULL,
                                          masking_functions regprocedure[] DEFAULT NULL,
                                          trusted_functions regprocedure[] DEFAULT NULL)
RETURNS text
-- Not STRICT because the last three may be NULL; the C function returns NULL
-- when any of the first three arguments is NULL, as STRICT would.  VOLATILE:
-- it reads PostgreSQL's catalog (columns, functions, types) and tries the
-- masking functions' parameters out.
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
-- and the pinned rule settings (91_rule_settings.sql)
AS 'MODULE_PATHNAME', 'mv_sql_validate_expression';

COMMENT ON FUNCTION mask_internal._validate_expression(text, regclass, boolean, text, regprocedure[], regprocedure[]) IS
    'Internal: checks a masking rule (is_row_filter false) or row filter (true) over relation '
    'against the allowlist and returns the SQL to put in the view, rebuilt from the parse tree; '
    'key_sql is the policy''s key subquery for mask.pseudonym, masking_functions and '
    'trusted_functions the functions a rule may call.  Refusals raise 22023.';

-- A masking rule of a policy, validated with what the policy engine hands
-- the validator: the policy's key subquery (policy_id 0: a sample key, for
-- checks that need no particular policy), the masking functions and the
-- trusted functions.  Returns the SQL to put in the view; refusals raise
-- 22023.
CREATE FUNCTION mask_internal._validate_rule(expression text, relation regclass, policy_id integer)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN mask_internal._validate_expression(expression, relation, false,
                                              mask_internal._key_sql(policy_id),
                                              mask_internal._masking_functions(),
                                              mask_internal._trusted_functions());
END;
$$;

COMMENT ON FUNCTION mask_internal._validate_rule(text, regclass, integer) IS
    'Internal: a policy''s masking rule checked by mask_internal._validate_expression with the policy''s key subquery, '
    'the masking functions and the trusted functions; returns the SQL for the view.';

-- Column renames in a rule or row filter as typed, done on the parse tree:
-- only the tokens the parser reads as column references change.
CREATE FUNCTION mask_internal._rename_columns(expression text, renames jsonb)
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
SET standard_conforming_strings = on
AS 'MODULE_PATHNAME', 'mv_sql_rename_columns';

COMMENT ON FUNCTION mask_internal._rename_columns(text, jsonb) IS
    'Internal: the expression with the column references named in renames (old name -> new name) '
    'replaced, found with the raw parser; the result is validated again before use.';
