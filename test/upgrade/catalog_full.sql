-- maskview's catalog as a dump must carry it over, byte for byte, for
-- test/dump_restore/dump_restore_test.sh (run as a superuser: psql -X -A -t -q -f ...):
-- every row of every table the extension registered with
-- pg_extension_config_dump (ids, timestamps, the audit log's hashes
-- included), sequences by last_value and is_called, and the keys in hex.
-- test/upgrade/views.sql adds the generated views and the privileges.
-- Lines are prefixed by what they describe, so a diff reads on its own.

-- 1. The registered catalog tables and sequences.
SELECT CASE c.relkind
         WHEN 'S' THEN pg_catalog.format(
             'SELECT %L || '' last_value='' || s.last_value || '' is_called='' || s.is_called FROM %s AS s',
             'sequence ' || c.oid::regclass::text, c.oid::regclass)
         ELSE pg_catalog.format(
             'SELECT %L || '' '' || t::text FROM %s AS t ORDER BY t::text COLLATE "C"',
             'row ' || c.oid::regclass::text, c.oid::regclass)
       END
  FROM pg_catalog.pg_extension AS e,
       LATERAL pg_catalog.unnest(e.extconfig) AS x(reloid)
  JOIN pg_catalog.pg_class AS c ON c.oid = x.reloid
 WHERE e.extname = 'maskview'
 ORDER BY c.oid::regclass::text COLLATE "C"
\gexec

-- The key bytes, spelled out (bytea's text form depends on bytea_output).
SELECT 'key ' || p.name || ' ' || pg_catalog.encode(k.key, 'hex')
  FROM mask.policy_key AS k JOIN mask.policy AS p ON p.id = k.policy_id
 ORDER BY p.name COLLATE "C";

