-- The masking functions (contract: doc/masking-rules.md) and the validators.
--
-- All are C functions, IMMUTABLE and PARALLEL SAFE, with no SET clause and
-- no SECURITY DEFINER, so masked views can inline them, fold constants and
-- scan in parallel.  They are STRICT except partial, redact and cn_name,
-- whose pad defaults to NULL: a STRICT function would return NULL whenever
-- pad is left out, so those three return NULL for a NULL value themselves.
-- This file is ASCII only: the install script must read the same in every
-- database encoding.
--
-- COST tells the planner what a call costs, in units of cpu_operator_cost.
-- Built-ins all claim 1 whatever they do (int4pl takes about 5 ns a row on
-- the benchmark machine, textcat about 50 ns, upper() about 280 ns), so we
-- count one unit as about 20 ns, measured on 1,000,000 rows (bench/, and
-- the micro-benchmarks of the number masks): the string masks and the
-- validators take 30-130 ns (COST 5), generalize about 220 ns (COST 10),
-- cn_address and pseudonym about 1 us (COST 50).  Left at the default 1, the
-- planner thinks masking is free: it would not parallelise a masked view's
-- scan for it, and with a cost above 10 it evaluates an expensive mask
-- after a Sort/Limit instead of on every row it sorts.

-- ---- Generic

CREATE FUNCTION mask.partial(value text, keep_head integer, keep_tail integer,
                             mask_char text DEFAULT '*', pad integer DEFAULT NULL)
RETURNS text
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_partial';

COMMENT ON FUNCTION mask.partial(text, integer, integer, text, integer) IS
    'Keeps the first keep_head and last keep_tail graphemes and masks the rest; at least one grapheme is always masked. With pad, the masked part is exactly pad mask chars.';

CREATE FUNCTION mask.redact(value text, mask_char text DEFAULT '*', pad integer DEFAULT NULL)
RETURNS text
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_redact';

COMMENT ON FUNCTION mask.redact(text, text, integer) IS
    'Masks every grapheme (one mask char each, or exactly pad mask chars).';

CREATE FUNCTION mask.digits(value text, keep_head integer, keep_tail integer,
                            mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_digits';

COMMENT ON FUNCTION mask.digits(text, integer, integer, text) IS
    'After NFKC, masks decimal digits except the first keep_head and last keep_tail digits; other characters are copied.';

CREATE FUNCTION mask.email(value text, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_email';

COMMENT ON FUNCTION mask.email(text, text) IS
    'Keeps the domain and the first grapheme of the local part, which is followed by exactly three mask chars; anything that is not local@domain is redacted.';

-- ---- Chinese personal information

CREATE FUNCTION mask.cn_name(value text, mask_char text DEFAULT '*',
                             keep text DEFAULT 'surname', pad integer DEFAULT NULL)
RETURNS text
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_cn_name';

COMMENT ON FUNCTION mask.cn_name(text, text, text, integer) IS
    'Masks a personal name: Han names keep the surname (compound surnames included) or, with keep => ''last'', the last character; names with a middle dot keep the first grapheme and the dots; other alphabetic names keep the first letter of each word.';

CREATE FUNCTION mask.cn_phone(value text, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_cn_phone';

COMMENT ON FUNCTION mask.cn_phone(text, text) IS
    'Masks a Chinese phone number: digits 4-7 of a mobile number, the local number of a landline except its last two digits, the middle of a 400/800 number; anything else is redacted.';

CREATE FUNCTION mask.cn_id_card(value text, keep_head integer DEFAULT 1,
                                keep_tail integer DEFAULT 1, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_cn_id_card';

COMMENT ON FUNCTION mask.cn_id_card(text, integer, integer, text) IS
    'Masks a resident identity number (18 or 15 characters), keeping keep_head (0-6) leading and keep_tail (0-4) trailing characters, so the birth date never shows; other shapes are redacted.';

CREATE FUNCTION mask.cn_address(value text, keep_level text DEFAULT 'district',
                                mask_char text DEFAULT '*', pad integer DEFAULT 4)
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50
AS 'MODULE_PATHNAME', 'mv_sql_cn_address';

COMMENT ON FUNCTION mask.cn_address(text, text, text, integer) IS
    'Keeps the recognised administrative levels of an address up to keep_level (province, city, district, town, road, community, building, unit, floor, room) and replaces the rest with exactly pad mask chars.';

CREATE FUNCTION mask.bank_card(value text, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_bank_card';

COMMENT ON FUNCTION mask.bank_card(text, text) IS
    'Masks a bank card number: 12-19 digits keep the first 6 and last 4, 8-11 digits keep the last 4; spaces and hyphens are copied; anything else is redacted.';

-- ---- Validators (for discovery)

CREATE FUNCTION mask.cn_id_card_valid(value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_cn_id_card_valid';

COMMENT ON FUNCTION mask.cn_id_card_valid(text) IS
    'True for an 18-character resident identity number with a correct ISO 7064 MOD 11-2 check character and a real date, or a 15-digit one with a real date.';

CREATE FUNCTION mask.cn_mobile_valid(value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_cn_mobile_valid';

COMMENT ON FUNCTION mask.cn_mobile_valid(text) IS
    'True for a mainland mobile number: an optional +86, 0086 or 86 prefix and 11 digits starting 13-19.';

CREATE FUNCTION mask.luhn_valid(value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'mv_sql_luhn_valid';

COMMENT ON FUNCTION mask.luhn_valid(text) IS
    'True for 12-19 digits that pass the Luhn check.';

-- ---- Pseudonyms and generalisation

CREATE FUNCTION mask.pseudonym(value text, key bytea, length integer DEFAULT 12)
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50
AS 'MODULE_PATHNAME', 'mv_sql_pseudonym';

COMMENT ON FUNCTION mask.pseudonym(text, bytea, integer) IS
    'The first length (6-52) Crockford base32 characters of HMAC-SHA-256 of the UTF-8 value under key (at least 16 bytes); the same in every database encoding.';

CREATE FUNCTION mask.generalize(value numeric, step numeric)
RETURNS numrange
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10
AS 'MODULE_PATHNAME', 'mv_sql_generalize_numeric';

COMMENT ON FUNCTION mask.generalize(numeric, numeric) IS
    'The bucket [floor(value / step) * step, + step) holding value; step must be positive; NaN and infinite values give the unbounded range.';

CREATE FUNCTION mask.generalize(value bigint, step bigint)
RETURNS int8range
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10
AS 'MODULE_PATHNAME', 'mv_sql_generalize_bigint';

COMMENT ON FUNCTION mask.generalize(bigint, bigint) IS
    'The bucket [floor(value / step) * step, + step) holding value; step must be positive; a bound beyond bigint''s range leaves that side unbounded.';

CREATE FUNCTION mask.generalize(value date, unit text)
RETURNS daterange
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10
AS 'MODULE_PATHNAME', 'mv_sql_generalize_date';

COMMENT ON FUNCTION mask.generalize(date, text) IS
    'The year, quarter, month or ISO week (Monday to Sunday) holding value, as a daterange; infinite dates give the unbounded range.';

-- ---- The list of masking functions
-- The one place that says which functions above are masking functions:
-- those a masking rule may call without a superuser trusting them, and the
-- only ones the validator runs when it tries a rule's parameters out (the
-- checks cn_id_card_valid, cn_mobile_valid and luhn_valid are not masks).
-- The policy engine hands this list to the validator
-- (mask_internal._validate_expression); the C code keeps no copy of it.  Only
-- functions of these names in schema mask that belong to the extension: a
-- function someone else put in schema mask is not one, whatever its name.
CREATE FUNCTION mask_internal._masking_functions()
RETURNS regprocedure[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.array_agg(p.oid::pg_catalog.regprocedure ORDER BY p.oid)
      FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_depend d
        ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
       AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'
      JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'maskview'
     WHERE p.pronamespace = 'mask'::pg_catalog.regnamespace
       AND p.proname IN ('partial', 'redact', 'digits', 'email', 'cn_name', 'cn_phone',
                         'cn_id_card', 'cn_address', 'bank_card', 'pseudonym', 'generalize')
$$;

COMMENT ON FUNCTION mask_internal._masking_functions() IS
    'Internal: the masking functions, which masking rules may call untrusted; handed to the validator by the policy engine.';
