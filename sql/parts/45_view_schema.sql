-- ---------------------------------------------------------------------------
-- View schemas and the generated views in them: who owns them, what
-- regeneration may reuse, and what it drops.
--
-- A view schema belongs to maskview (the extension owner): create_policy
-- creates it, or accepts an existing one only if the extension owner owns
-- it and nobody else may create objects in it.  Whoever owns a view schema
-- can drop a generated view and plant another object of that name, which
-- CREATE OR REPLACE VIEW would then keep -- with its rules, triggers and
-- column grants, run as the table owner.  So regeneration reuses an existing
-- view only when it carries nothing maskview did not put there, and
-- otherwise drops it and creates it afresh (audited).
--
-- A member's own objects over a masked view (its views, even TEMP views of
-- another session, SQL functions with a BEGIN ATOMIC body, a column of the
-- view's row type) must never veto a change of the policy: when maskview has
-- to drop a generated view (drop_rule, a set_rule that changes a column's
-- type, a rename by the table owner, unprotect, drop_policy) it drops the
-- view with CASCADE and writes one audit row 'drop_dependents' naming every
-- object that went with it.
-- ---------------------------------------------------------------------------

-- The role that owns the extension, i.e. the owner of its functions and of
-- every view schema.
CREATE FUNCTION mask_internal._extension_owner()
RETURNS oid
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'maskview'
$$;

COMMENT ON FUNCTION mask_internal._extension_owner() IS
'Internal: the owner of extension maskview, who owns every view schema.';


-- Who besides its owner may create objects in a schema (CREATE granted),
-- as a list of names for a message, or NULL: in a view schema they could
-- plant objects next to the generated views.
CREATE FUNCTION mask_internal._schema_creators(nsp oid)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.string_agg(DISTINCT mask_internal._grantee_name(g.grantee), ', ')
      FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) g
     WHERE n.oid = nsp AND g.privilege_type = 'CREATE' AND g.grantee <> n.nspowner
$$;

COMMENT ON FUNCTION mask_internal._schema_creators(oid) IS
'Internal: the roles other than its owner that hold CREATE on a schema, as a list of names, or NULL.';


-- Why a schema cannot hold a policy's views, or NULL when it can.  A schema
-- that does not exist yet can (create_policy creates it).
CREATE FUNCTION mask_internal._view_schema_refusal(view_schema name)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_nsp   record;
    v_table text;
    v_who   text;
BEGIN
    IF view_schema IN ('public', 'mask', 'mask_internal', 'pg_catalog', 'information_schema')
       OR view_schema LIKE 'pg\_%' THEN
        RETURN pg_catalog.format('Schema %s is a shared or system schema; a view schema must belong to maskview alone.',
                                 pg_catalog.quote_ident(view_schema));
    END IF;
    SELECT n.oid, n.nspowner INTO v_nsp FROM pg_catalog.pg_namespace n WHERE n.nspname = view_schema;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF v_nsp.nspowner <> mask_internal._extension_owner() THEN
        RETURN pg_catalog.format('Schema %s is owned by %s, not by the extension owner %s: its owner could replace the generated views.',
                                 pg_catalog.quote_ident(view_schema),
                                 pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_nsp.nspowner)),
                                 pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(mask_internal._extension_owner())));
    END IF;
    v_who := mask_internal._schema_creators(v_nsp.oid);
    IF v_who IS NOT NULL THEN
        RETURN pg_catalog.format('Schema %s grants CREATE to %s, who could plant objects next to the generated views.',
                                 pg_catalog.quote_ident(view_schema), v_who);
    END IF;
    SELECT p.relation_name INTO v_table
      FROM mask.protected p JOIN pg_catalog.pg_class c ON c.oid = p.relation
     WHERE c.relnamespace = v_nsp.oid
     LIMIT 1;
    IF FOUND THEN
        RETURN pg_catalog.format('Schema %s holds the protected table %s.', pg_catalog.quote_ident(view_schema), v_table);
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION mask_internal._view_schema_refusal(name) IS
'Internal: why a schema cannot be a view schema (shared or system schema, not owned by the extension owner, CREATE granted to others, holds a protected table), or NULL.';


-- Objects other than generated views of policies in a view schema (none in a
-- schema maskview created; after an upgrade the schema's former owner may
-- have left some).  Relations, functions, types (except row types of
-- relations) and operators are what a planted object would be.
CREATE FUNCTION mask_internal._view_schema_foreign_objects(view_schema name)
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.array_agg(o ORDER BY o), '{}')
      FROM (SELECT pg_catalog.format('relation %I.%I', n.nspname, c.relname) AS o
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = _view_schema_foreign_objects.view_schema
               AND NOT (c.relkind = 'v' AND EXISTS (
                        SELECT FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                         WHERE po.view_schema = n.nspname AND p.view_name = c.relname))
               -- the masked copy of a Citus table (49_citus_copy.sql)
               AND NOT (c.relkind = 'r' AND EXISTS (
                        SELECT FROM mask.citus_copy cc JOIN mask.policy po ON po.id = cc.policy_id
                         WHERE po.view_schema = n.nspname AND cc.copy_name = c.relname))
            UNION ALL
            SELECT pg_catalog.format('function %s', p.oid::pg_catalog.regprocedure)
              FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = _view_schema_foreign_objects.view_schema
               -- the row function of a generated view over a Citus table (48_citus.sql)
               AND NOT (p.proargtypes = '17'::pg_catalog.oidvector AND EXISTS (
                        SELECT FROM mask.protected pr JOIN mask.policy po ON po.id = pr.policy_id
                         WHERE po.view_schema = n.nspname
                           AND p.proname = mask_internal._citus_rows_name(pr.view_name)))
            UNION ALL
            SELECT pg_catalog.format('type %s', t.oid::pg_catalog.regtype)
              FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
             WHERE n.nspname = _view_schema_foreign_objects.view_schema
               AND t.typrelid = 0
               AND NOT (t.typcategory = 'A' AND EXISTS (SELECT FROM pg_catalog.pg_type e
                                                          WHERE e.oid = t.typelem AND e.typrelid <> 0))
            UNION ALL
            SELECT pg_catalog.format('operator %s', o.oid::pg_catalog.regoperator)
              FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
             WHERE n.nspname = _view_schema_foreign_objects.view_schema) x(o)
$$;

COMMENT ON FUNCTION mask_internal._view_schema_foreign_objects(name) IS
'Internal: the relations, functions, types and operators in a view schema that are not generated views.';


-- Brings a view schema owned by another role (a schema an 0.2.0 policy was
-- given, say) under the extension owner, when that is safe: the schema holds
-- nothing but generated views, so no one loses an object of their own.  The
-- former owner's CREATE and everybody else's are revoked.  Returns the former
-- owner when the schema was taken over, NULL otherwise; a schema that cannot
-- be taken over is left alone and mask.verify() reports it as an error.
CREATE FUNCTION mask_internal._claim_view_schema(view_schema name)
RETURNS name
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_owner  oid;
    v_former name;
    v_grantee oid;
    v_prev   text;
BEGIN
    SELECT n.nspowner INTO v_owner FROM pg_catalog.pg_namespace n WHERE n.nspname = view_schema;
    IF NOT FOUND OR mask_internal._extension_owner() IS NULL THEN
        RETURN NULL;
    END IF;
    v_prev := mask_internal._internal_begin();
    IF v_owner <> mask_internal._extension_owner() THEN
        IF mask_internal._view_schema_foreign_objects(view_schema) <> '{}'
           OR view_schema IN ('public', 'mask', 'mask_internal', 'pg_catalog', 'information_schema')
           OR view_schema LIKE 'pg\_%' THEN
            PERFORM mask_internal._internal_end(v_prev);
            RETURN NULL;
        END IF;
        v_former := pg_catalog.pg_get_userbyid(v_owner);
        BEGIN
            EXECUTE pg_catalog.format('ALTER SCHEMA %I OWNER TO %I', view_schema,
                                      pg_catalog.pg_get_userbyid(mask_internal._extension_owner()));
        EXCEPTION WHEN insufficient_privilege THEN
            -- (an extension owner that is not a superuser cannot take it)
            PERFORM mask_internal._internal_end(v_prev);
            RETURN NULL;
        END;
    END IF;
    -- Nobody but the owner creates objects in a view schema.
    FOR v_grantee IN SELECT DISTINCT g.grantee
                       FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) g
                      WHERE n.nspname = view_schema AND g.privilege_type = 'CREATE'
                        AND g.grantee <> n.nspowner LOOP
        EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM %s', view_schema,
            mask_internal._grantee_name(v_grantee));
    END LOOP;
    PERFORM mask_internal._internal_end(v_prev);
    RETURN v_former;
END;
$$;

COMMENT ON FUNCTION mask_internal._claim_view_schema(name) IS
'Internal: makes the extension owner the owner of a view schema that holds nothing but generated views, and revokes CREATE on it from everybody else; returns the former owner if it changed.';


-- What a generated view carries that maskview did not put there: rules other
-- than its _RETURN rule, triggers, column defaults, column grants.  CREATE OR
-- REPLACE VIEW keeps them all, so a view with any of them is not reused.
-- Its definition, options, owner, comments and table grants need no check:
-- regeneration replaces the first two and sets the others, so a view that
-- someone else created in its place carries nothing of theirs afterwards;
-- and the owner is not compared, because after ALTER TABLE ... OWNER TO the
-- view legitimately still has the former owner until regenerated (and
-- re-owning it keeps the objects of members over it).  Empty when clean.
CREATE FUNCTION mask_internal._view_additions(view oid)
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.array_agg(x.a ORDER BY x.a), '{}')
      FROM (SELECT pg_catalog.format('rule %I', r.rulename) AS a
              FROM pg_catalog.pg_rewrite r
             WHERE r.ev_class = _view_additions.view AND r.rulename <> '_RETURN'
            UNION ALL
            SELECT pg_catalog.format('trigger %I', t.tgname)
              FROM pg_catalog.pg_trigger t WHERE t.tgrelid = _view_additions.view
            UNION ALL
            SELECT pg_catalog.format('column default on %I', a.attname)
              FROM pg_catalog.pg_attrdef d
              JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
             WHERE d.adrelid = _view_additions.view
            UNION ALL
            SELECT pg_catalog.format('column grant on %I', a.attname)
              FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = _view_additions.view AND a.attnum > 0
               AND a.attacl IS NOT NULL AND pg_catalog.cardinality(a.attacl) > 0) x
$$;

COMMENT ON FUNCTION mask_internal._view_additions(oid) IS
'Internal: the rules (other than _RETURN), triggers, column defaults and column grants on a generated view, which maskview never makes; empty when clean.';


-- Every object that depends on a relation, directly or through other
-- objects (views over views, functions with a BEGIN ATOMIC body, columns of
-- its row type), by their identities: what DROP ... CASCADE takes with it.
CREATE FUNCTION mask_internal._dependents(relation oid)
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE refs(classid, objid, objsubid) AS (
        SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::oid, _dependents.relation, 0
      UNION
        SELECT n.classid, n.objid, n.objsubid
          FROM refs r, LATERAL (
               -- a view's _RETURN rule stands for the view
               SELECT CASE WHEN d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                           THEN 'pg_catalog.pg_class'::pg_catalog.regclass::oid ELSE d.classid END,
                      CASE WHEN d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                           THEN (SELECT rw.ev_class FROM pg_catalog.pg_rewrite rw WHERE rw.oid = d.objid)
                           ELSE d.objid END,
                      CASE WHEN d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                           THEN 0 ELSE d.objsubid END
                 FROM pg_catalog.pg_depend d
                WHERE d.refclassid = r.classid AND d.refobjid = r.objid AND d.deptype = 'n'
               UNION ALL
               -- a relation's row type (columns and functions of that type)
               SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid, 0
                 FROM pg_catalog.pg_type t
                WHERE r.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND r.objsubid = 0
                  AND t.typrelid = r.objid) n(classid, objid, objsubid)
    )
    SELECT COALESCE(pg_catalog.array_agg(DISTINCT i.type || ' ' || i.identity), '{}')
      FROM refs r, LATERAL pg_catalog.pg_identify_object(r.classid, r.objid, r.objsubid) i
     WHERE NOT (r.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND r.objid = _dependents.relation)
       AND NOT (r.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                AND EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.oid = r.objid AND t.typrelid <> 0))
$$;

COMMENT ON FUNCTION mask_internal._dependents(oid) IS
'Internal: identities of every object that DROP ... CASCADE of a relation would drop with it.';


-- Drops a generated view with everything that depends on it, and audits what
-- went with it (action 'drop_dependents') when that was more than the view
-- itself: the objects of members and others over a masked view never veto a
-- change of the policy.  why: what needed the view gone.  extra: more
-- details; when not empty the row is written even without dependents.
CREATE FUNCTION mask_internal._drop_view_cascade(view oid, why text, extra jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name    text;
    v_schema  name;
    v_view    name;
    v_policy  name;
    v_deps    text[];
    v_prev    text;
BEGIN
    SELECT n.nspname, c.relname INTO v_schema, v_view
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = _drop_view_cascade.view AND c.relkind = 'v';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_name := pg_catalog.format('%I.%I', v_schema, v_view);
    v_deps := mask_internal._dependents(_drop_view_cascade.view);
    SELECT po.name INTO v_policy
      FROM mask.policy po JOIN mask.protected p ON p.policy_id = po.id
     WHERE po.view_schema = v_schema AND p.view_name = v_view
     ORDER BY po.name LIMIT 1;
    v_prev := mask_internal._internal_begin();
    EXECUTE pg_catalog.format('DROP VIEW %s CASCADE', v_name);
    PERFORM mask_internal._internal_end(v_prev);
    IF v_deps <> '{}' OR extra <> '{}' THEN
        PERFORM mask_internal._audit('drop_dependents', v_policy, v_name,
            pg_catalog.jsonb_build_object('why', why, 'dependents', pg_catalog.to_jsonb(v_deps))
            || extra);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._drop_view_cascade(oid, text, jsonb) IS
'Internal: drops a generated view with CASCADE and writes an audit row naming every dependent object dropped with it (and why).';
