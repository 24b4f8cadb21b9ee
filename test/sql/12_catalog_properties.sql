-- Catalog properties of the masking functions: every function of schema
-- mask has a comment; the masking functions and validators are C,
-- IMMUTABLE, PARALLEL SAFE, STRICT unless they take a pad defaulting to
-- NULL, with no SET clause and no SECURITY DEFINER (so they can inline).
SET client_encoding = 'UTF8';

SELECT p.oid::regprocedure AS function, l.lanname AS language, p.provolatile AS volatile,
       p.proparallel AS parallel, p.proisstrict AS strict, p.prosecdef AS security_definer,
       p.proconfig IS NULL AS no_set_clause
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = 'mask'
  AND p.proname IN ('partial', 'redact', 'digits', 'email', 'cn_name', 'cn_phone', 'cn_id_card',
                    'cn_address', 'bank_card', 'cn_id_card_valid', 'cn_mobile_valid', 'luhn_valid',
                    'pseudonym', 'generalize')
ORDER BY p.proname, p.oid::regprocedure::text;

-- Functions of schemas mask and mask_internal without a comment (none expected).
SELECT p.oid::regprocedure AS uncommented
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('mask', 'mask_internal') AND obj_description(p.oid, 'pg_proc') IS NULL;

-- SQL and plpgsql functions of mask and mask_internal that do not pin their
-- search_path (none expected): SECURITY DEFINER ones run as the extension
-- owner, and the pin makes a name the code forgot to qualify resolve in
-- pg_catalog, never in a schema the caller controls.
SELECT p.oid::regprocedure AS search_path_not_pinned
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
  AND l.lanname <> 'c'
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false);

-- Defaults as doc/masking-rules.md documents them.
SELECT p.oid::regprocedure AS function, pg_get_function_arguments(p.oid) AS arguments
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'mask' AND p.pronargdefaults > 0
  AND p.proname IN ('partial', 'redact', 'digits', 'email', 'cn_name', 'cn_phone', 'cn_id_card',
                    'cn_address', 'bank_card', 'pseudonym')
ORDER BY p.proname;

-- The planner can fold masking calls over constants (IMMUTABLE) and the
-- functions belong to the extension.
EXPLAIN (COSTS OFF, VERBOSE) SELECT mask.cn_name('张三');
SELECT count(*) AS masking_functions_in_extension
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
WHERE e.extname = 'maskview'
  AND p.proname IN ('partial', 'redact', 'digits', 'email', 'cn_name', 'cn_phone', 'cn_id_card',
                    'cn_address', 'bank_card', 'cn_id_card_valid', 'cn_mobile_valid', 'luhn_valid',
                    'pseudonym', 'generalize');
