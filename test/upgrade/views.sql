-- The generated views and the privileges around them, for both
-- test/dump_restore/dump_restore_test.sh and test/upgrade/upgrade_test.sh (run as a superuser:
-- psql -X -A -t -q -f ...):
--   - every view in a policy's view schema and the key views in schema mask:
--     owner, options (security_barrier), ACL, comment, pg_get_viewdef, and
--     each column's type and comment (the rule it shows);
--   - owners and ACLs of the other tables and of the schemas: members must
--     still be kept out of the raw tables and still reach their views.
-- ACLs are sorted: a restore may grant in another order.  Lines are prefixed
-- by what they describe, so a diff reads on its own.

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

-- Privileges around the views.
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

