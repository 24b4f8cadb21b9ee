-- The masked output the connected role can read: one line per view it may
-- SELECT outside the system schemas and schema mask,
--     <schema>.<view> <rows> <md5 of the rows as text, in text order>
-- Run it as a member (psql -X -A -t -q -f ...): pseudonyms are included, so
-- two databases give the same lines only with the same data, rules and keys.
-- A view the role lost its grant on is missing from the list, which the
-- comparison notices too.

SELECT pg_catalog.format(
           'SELECT %L || '' '' || pg_catalog.count(*) || '' '' || pg_catalog.md5(COALESCE('
           || 'pg_catalog.string_agg(t::text, E''\n'' ORDER BY t::text COLLATE "C"), '''')) FROM %I.%I AS t',
           n.nspname || '.' || c.relname, n.nspname, c.relname)
  FROM pg_catalog.pg_class AS c
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'mask')
   AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
   AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
 ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"
\gexec
