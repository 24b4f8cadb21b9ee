-- Installs maskview for every later test (they run in this database).
CREATE EXTENSION maskview;

-- The extension lives in the fixed schema mask, cannot be relocated, and is
-- at the version the control file names.
SELECT e.extname, n.nspname AS schema, e.extrelocatable,
       e.extversion = a.default_version AS at_default_version
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
JOIN pg_available_extensions a ON a.name = e.extname
WHERE e.extname = 'maskview';

-- The library loads and a masking function answers.
SELECT mask.partial('13812345678', 3, 4);
