-- The extension's own objects, for test/upgrade/upgrade_test.sh: an upgraded
-- database and a fresh install of the same version must print the same text
-- (run as a superuser: psql -X -A -t -q -f ...).  Each object starts with a
-- line "== <kind> <name>" (diff -F '^== ' names it in every hunk), followed
-- by one line per property; function bodies are indented with "  | ".
-- ACLs are sorted, so only their content counts, not the order of grants.

-- The extension itself and what it registered with pg_extension_config_dump.
SELECT '== extension ' || e.extname
       || E'\nversion ' || e.extversion
       || E'\nschema ' || e.extnamespace::regnamespace::text
       || E'\nrelocatable ' || e.extrelocatable
       || E'\nowner ' || pg_catalog.pg_get_userbyid(e.extowner)
  FROM pg_catalog.pg_extension AS e
 WHERE e.extname = 'maskview';

SELECT 'config_dump ' || c.reloid::regclass::text || ' condition=' || COALESCE(c.cond, '<null>')
  FROM pg_catalog.pg_extension AS e,
       LATERAL ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) AS c(reloid, cond)
 WHERE e.extname = 'maskview'
 ORDER BY 1;

-- The schemas.
SELECT '== schema ' || n.nspname
       || E'\nowner ' || pg_catalog.pg_get_userbyid(n.nspowner)
       || E'\nacl ' || COALESCE((SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                                  FROM pg_catalog.unnest(n.nspacl) AS a), '<default>')
       || E'\ncomment ' || COALESCE(pg_catalog.obj_description(n.oid, 'pg_namespace'), '<none>')
  FROM pg_catalog.pg_namespace AS n
 WHERE n.nspname IN ('mask', 'mask_internal')
 ORDER BY n.nspname;

-- Membership: every object that belongs to the extension.
SELECT 'member ' || pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
  FROM pg_catalog.pg_depend AS d
 WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
   AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension AS e WHERE e.extname = 'maskview')
   AND d.deptype = 'e'
 ORDER BY 1;

-- Initial privileges recorded for the extension's objects: pg_dump emits the
-- difference between these and the current ACLs, so they must agree too.
SELECT 'init_privs ' || pg_catalog.pg_describe_object(i.classoid, i.objoid, i.objsubid)
       || ' ' || i.privtype::text || ' '
       || COALESCE((SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                      FROM pg_catalog.unnest(i.initprivs) AS a), '')
  FROM pg_catalog.pg_init_privs AS i
 WHERE EXISTS (SELECT FROM pg_catalog.pg_depend AS d
                WHERE d.classid = i.classoid AND d.objid = i.objoid
                  AND d.refclassid = 'pg_catalog.pg_extension'::regclass
                  AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension AS e WHERE e.extname = 'maskview')
                  AND d.deptype = 'e')
    OR (i.classoid = 'pg_catalog.pg_namespace'::regclass AND i.objoid IN ('mask'::regnamespace, 'mask_internal'::regnamespace))
 ORDER BY 1;

-- Functions (and procedures, aggregates) in schemas mask and mask_internal.
SELECT '== function ' || p.oid::regprocedure::text
       || E'\nkind ' || p.prokind::text
       || E'\narguments ' || pg_catalog.pg_get_function_arguments(p.oid)
       || E'\nidentity ' || pg_catalog.pg_get_function_identity_arguments(p.oid)
       || E'\nresult ' || COALESCE(pg_catalog.pg_get_function_result(p.oid), '<none>')
       || E'\nlanguage ' || l.lanname
       || E'\nowner ' || pg_catalog.pg_get_userbyid(p.proowner)
       || E'\nsecurity_definer ' || p.prosecdef
       || E'\nvolatile ' || p.provolatile::text
       || E'\nparallel ' || p.proparallel::text
       || E'\nstrict ' || p.proisstrict
       || E'\nleakproof ' || p.proleakproof
       || E'\ncost ' || p.procost || ' rows ' || p.prorows
       || E'\nconfig ' || COALESCE(p.proconfig::text, '<none>')
       || E'\nacl ' || COALESCE((SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                                  FROM pg_catalog.unnest(p.proacl) AS a), '<default>')
       || E'\nbin ' || COALESCE(p.probin, '<none>')
       || E'\ncomment ' || COALESCE(pg_catalog.obj_description(p.oid, 'pg_proc'), '<none>')
       || E'\nsource\n' || pg_catalog.regexp_replace(p.prosrc, '^', '  | ', 'gn')
  FROM pg_catalog.pg_proc AS p
  JOIN pg_catalog.pg_language AS l ON l.oid = p.prolang
 WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
 ORDER BY p.oid::regprocedure::text COLLATE "C";

-- Relations in schemas mask and mask_internal: tables, views (the extension's own and, in a
-- database with policies, the key views), sequences, indexes.  Columns in
-- attnum order: an upgrade that adds a column puts it last, and then the
-- row type differs from a fresh install's.
SELECT '== relation ' || c.oid::regclass::text
       || E'\nkind ' || c.relkind::text || ' persistence ' || c.relpersistence::text
       || E'\nowner ' || pg_catalog.pg_get_userbyid(c.relowner)
       || E'\noptions ' || COALESCE(c.reloptions::text, '<none>')
       || E'\nrow_security ' || c.relrowsecurity || ' forced ' || c.relforcerowsecurity
       || E'\nacl ' || COALESCE((SELECT pg_catalog.string_agg(a::text, ',' ORDER BY a::text COLLATE "C")
                                  FROM pg_catalog.unnest(c.relacl) AS a), '<default>')
       || E'\ncomment ' || COALESCE(pg_catalog.obj_description(c.oid, 'pg_class'), '<none>')
       || COALESCE((SELECT pg_catalog.string_agg(
                        E'\ncolumn ' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
                        || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                        || COALESCE(' default ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '')
                        || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
                        || CASE WHEN a.attgenerated <> '' THEN ' generated ' || a.attgenerated::text ELSE '' END
                        || COALESCE(' collate ' || co.collname, '')
                        || COALESCE(' acl ' || a.attacl::text, '')
                        || COALESCE(' comment ' || pg_catalog.col_description(c.oid, a.attnum), ''),
                        '' ORDER BY a.attnum)
                      FROM pg_catalog.pg_attribute AS a
                      LEFT JOIN pg_catalog.pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                      LEFT JOIN pg_catalog.pg_collation AS co
                             ON co.oid = a.attcollation AND a.attcollation <> 'pg_catalog."default"'::regcollation
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
       || COALESCE((SELECT pg_catalog.string_agg(E'\nconstraint ' || k.conname || ' ' || pg_catalog.pg_get_constraintdef(k.oid),
                                                 '' ORDER BY k.conname COLLATE "C")
                      FROM pg_catalog.pg_constraint AS k WHERE k.conrelid = c.oid), '')
       || COALESCE((SELECT pg_catalog.string_agg(E'\nindex ' || pg_catalog.pg_get_indexdef(i.indexrelid),
                                                 '' ORDER BY pg_catalog.pg_get_indexdef(i.indexrelid) COLLATE "C")
                      FROM pg_catalog.pg_index AS i WHERE i.indrelid = c.oid), '')
       || COALESCE((SELECT pg_catalog.string_agg(E'\ntrigger ' || pg_catalog.pg_get_triggerdef(t.oid)
                                                 || ' enabled ' || t.tgenabled::text,
                                                 '' ORDER BY t.tgname COLLATE "C")
                      FROM pg_catalog.pg_trigger AS t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '')
       || COALESCE((SELECT pg_catalog.string_agg(E'\npolicy ' || pol.polname || ' ' || pol.polcmd::text
                                                 || ' ' || COALESCE(pg_catalog.pg_get_expr(pol.polqual, pol.polrelid), ''),
                                                 '' ORDER BY pol.polname COLLATE "C")
                      FROM pg_catalog.pg_policy AS pol WHERE pol.polrelid = c.oid), '')
       || COALESCE((SELECT E'\nsequence ' || s.seqtypid::regtype::text || ' start ' || s.seqstart
                           || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax
                           || ' cache ' || s.seqcache || ' cycle ' || s.seqcycle
                      FROM pg_catalog.pg_sequence AS s WHERE s.seqrelid = c.oid), '')
       || COALESCE(E'\nowned_by ' || (SELECT pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
                                        FROM pg_catalog.pg_depend AS d
                                       WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                                         AND d.deptype IN ('a', 'i') AND c.relkind = 'S'
                                         AND d.refclassid = 'pg_catalog.pg_class'::regclass), '')
       || CASE WHEN c.relkind IN ('v', 'm')
               THEN E'\ndefinition\n' || pg_catalog.regexp_replace(pg_catalog.pg_get_viewdef(c.oid, true), '^', '  | ', 'gn')
               ELSE '' END
  FROM pg_catalog.pg_class AS c
 WHERE c.relnamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
   AND c.relkind NOT IN ('i', 'I', 't')    -- indexes are listed with their table
 ORDER BY c.oid::regclass::text COLLATE "C";

-- Types in schema mask other than the row types of its relations.
SELECT '== type ' || t.oid::regtype::text || ' ' || t.typtype::text
       || COALESCE(E'\nlabels ' || (SELECT pg_catalog.string_agg(en.enumlabel, ',' ORDER BY en.enumsortorder)
                                      FROM pg_catalog.pg_enum AS en WHERE en.enumtypid = t.oid), '')
       || COALESCE(E'\nbase ' || NULLIF(t.typbasetype, 0)::regtype::text, '')
       || E'\ncomment ' || COALESCE(pg_catalog.obj_description(t.oid, 'pg_type'), '<none>')
  FROM pg_catalog.pg_type AS t
 WHERE t.typnamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace)
   AND t.typcategory <> 'A'
   AND (t.typrelid = 0 OR EXISTS (SELECT FROM pg_catalog.pg_class AS c
                                   WHERE c.oid = t.typrelid AND c.relkind = 'c'))
 ORDER BY 1;

-- Event triggers of the extension's functions.
SELECT '== event trigger ' || et.evtname
       || E'\nevent ' || et.evtevent
       || E'\nfunction ' || et.evtfoid::regprocedure::text
       || E'\nenabled ' || et.evtenabled::text
       || E'\ntags ' || COALESCE(et.evttags::text, '<all>')
       || E'\nowner ' || pg_catalog.pg_get_userbyid(et.evtowner)
       || E'\ncomment ' || COALESCE(pg_catalog.obj_description(et.oid, 'pg_event_trigger'), '<none>')
  FROM pg_catalog.pg_event_trigger AS et
 WHERE et.evtfoid IN (SELECT p.oid FROM pg_catalog.pg_proc AS p WHERE p.pronamespace IN ('mask'::regnamespace, 'mask_internal'::regnamespace))
    OR et.evtname LIKE 'maskview%'
 ORDER BY et.evtname COLLATE "C";
