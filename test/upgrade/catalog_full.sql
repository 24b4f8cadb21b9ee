-- Everything a dump must carry over of maskview's state, for
-- test/dump_restore_test.sh (run as a superuser: psql -X -A -t -q -f ...).
--
--  1. every row of every table the extension registered with
--     pg_extension_config_dump, ids, timestamps, keys (hex) and the audit
--     log's hashes included: a restore must reproduce them byte for byte;
--     sequences by last_value and is_called
--  2. the generated views and the key views in schema mask: owner, options, ACL, comments,
--     pg_get_viewdef
--  3. owners and privileges of the raw tables and of the schemas (members
--     must still be kept out of the raw tables, and still reach the views)
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

-- 2. Views: the generated ones (in the policies' view schemas) and the key
-- views in schema mask.  ACLs are sorted: a restore may grant in another
-- order.
SELECT 'view ' || c.oid::regclass::text
       || ' owner=' || pg_catalog.pg_get_userbyid(c.relowner)
       || ' options=' || COALESCE(c.reloptions::text, '')
       || ' acl=' || COALESCE((SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                                 FROM pg_catalog.unnest(c.relacl) AS a), '')
       || ' comment=' || COALESCE(pg_catalog.obj_description(c.oid, 'pg_class'), '')
       || E'\n' || pg_catalog.pg_get_viewdef(c.oid, true)
  FROM pg_catalog.pg_class AS c
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v'
   AND (n.nspname = 'mask' OR n.nspname IN (SELECT p.view_schema FROM mask.policy AS p))
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                      AND d.deptype = 'e')
 ORDER BY c.oid::regclass::text COLLATE "C";

SELECT 'view column ' || a.attrelid::regclass::text || '.' || a.attname
       || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
       || ' comment=' || COALESCE(pg_catalog.col_description(a.attrelid, a.attnum), '')
  FROM pg_catalog.pg_attribute AS a
  JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v' AND n.nspname IN (SELECT p.view_schema FROM mask.policy AS p)
   AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid::regclass::text COLLATE "C", a.attnum;

-- 3. Privileges around the views.
SELECT 'table ' || c.oid::regclass::text || ' owner=' || pg_catalog.pg_get_userbyid(c.relowner)
       || ' acl=' || COALESCE((SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                                 FROM pg_catalog.unnest(c.relacl) AS a), '')
  FROM pg_catalog.pg_class AS c
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'mask')
 ORDER BY c.oid::regclass::text COLLATE "C";

SELECT 'schema ' || n.nspname || ' owner=' || pg_catalog.pg_get_userbyid(n.nspowner)
       || ' acl=' || COALESCE((SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                                 FROM pg_catalog.unnest(n.nspacl) AS a), '')
  FROM pg_catalog.pg_namespace AS n
 WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
 ORDER BY n.nspname COLLATE "C";

