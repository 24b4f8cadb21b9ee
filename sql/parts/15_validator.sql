-- The rule and row-filter validator (src/rule_validator.c).  Internal: only
-- the SECURITY DEFINER policy API calls it, so EXECUTE is revoked from PUBLIC.

CREATE FUNCTION mask._validate_expression(expression text, relation regclass,
                                          is_row_filter boolean,
                                          key_sql text DEFAULT NULL)
RETURNS text
-- Not STRICT because key_sql may be NULL; the C function returns NULL when
-- any of the first three arguments is NULL, as STRICT would.  VOLATILE: it
-- reads the catalog (columns, functions, mask.trusted_function).
LANGUAGE C VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', '_validate_expression';

COMMENT ON FUNCTION mask._validate_expression(text, regclass, boolean, text) IS
    'Internal: checks a masking rule (is_row_filter false) or row filter (true) over relation '
    'against the allowlist and returns the SQL to put in the view, rebuilt from the parse tree; '
    'key_sql is the policy''s key subquery for mask.pseudonym.  Refusals raise 22023.';

