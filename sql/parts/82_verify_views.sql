-- ---------------------------------------------------------------------------
-- mask.verify() findings about view schemas and generated views
-- (45_view_schema.sql says why): a view schema not owned by the extension
-- owner, CREATE on it for anyone else, objects in it that are not generated
-- views, protected tables in it, and rules, triggers or column grants on a
-- generated view.  Each is an error: the next regeneration removes the
-- additions to a view and takes over a schema that holds only generated
-- views; the rest needs the DBA.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._verify_views(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pol     record;
    v_view    record;
    v_nsp     record;
    v_objects text[];
    v_who     text;
    v_added   text[];
    v_extowner name := pg_catalog.pg_get_userbyid(mask_internal._extension_owner());
BEGIN
    FOR v_pol IN SELECT p.id, p.name, p.view_schema FROM mask.policy p
                  WHERE _verify_views.only_policy IS NULL OR p.name = _verify_views.only_policy
                  ORDER BY p.name LOOP
        severity := 'error';
        policy := v_pol.name;
        object := pg_catalog.quote_ident(v_pol.view_schema);
        SELECT n.oid, n.nspowner, pg_catalog.pg_get_userbyid(n.nspowner) AS owner INTO v_nsp
          FROM pg_catalog.pg_namespace n WHERE n.nspname = v_pol.view_schema;
        CONTINUE WHEN NOT FOUND;   -- a missing view schema is reported with the missing views
        v_objects := mask_internal._view_schema_foreign_objects(v_pol.view_schema);
        IF v_nsp.nspowner <> mask_internal._extension_owner() THEN
            finding := pg_catalog.format('The view schema is owned by %I, not by the extension owner %I: its owner can drop the generated views and plant objects of its own in their place.',
                                         v_nsp.owner, v_extowner);
            hint := CASE WHEN v_objects = '{}'
                         THEN 'SELECT mask.refresh_privileges(); takes the schema over (it holds only generated views).'
                         ELSE pg_catalog.format('Move the other objects out of the schema (%s), then SELECT mask.refresh_privileges(); takes it over.',
                                                pg_catalog.array_to_string(v_objects, ', ')) END;
            RETURN NEXT;
        END IF;
        v_who := mask_internal._schema_creators(v_nsp.oid);
        IF v_who IS NOT NULL THEN
            finding := pg_catalog.format('CREATE on the view schema is granted to %s, who can plant objects next to the generated views.', v_who);
            hint := pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM ...; or SELECT mask.refresh_privileges();', v_pol.view_schema);
            RETURN NEXT;
        END IF;
        IF v_objects <> '{}' THEN
            finding := pg_catalog.format('The view schema holds objects that are not generated views: %s.',
                                         pg_catalog.array_to_string(v_objects, ', '));
            hint := 'Move them to another schema: members find the view schema first on their search_path, and a view schema belongs to maskview alone.';
            RETURN NEXT;
        END IF;
        FOR v_view IN SELECT p.relation_name, p.view_name, c.oid
                        FROM mask.protected p
                        JOIN pg_catalog.pg_class c ON c.relname = p.view_name AND c.relnamespace = v_nsp.oid
                                                  AND c.relkind = 'v'
                       WHERE p.policy_id = v_pol.id ORDER BY p.view_name LOOP
            v_added := mask_internal._view_additions(v_view.oid);
            IF v_added <> '{}' THEN
                object := pg_catalog.format('%I.%I', v_pol.view_schema, v_view.view_name);
                finding := pg_catalog.format('The generated view carries %s, which maskview never makes: CREATE OR REPLACE VIEW would keep them.',
                                             pg_catalog.array_to_string(v_added, ', '));
                hint := pg_catalog.format('Any regeneration of the policy drops and regenerates the view, e.g. SELECT mask.protect(%L, %L);',
                                          v_pol.name, v_view.relation_name);
                RETURN NEXT;
            END IF;
        END LOOP;
        object := NULL;
        FOR v_view IN SELECT p.relation_name FROM mask.protected p
                        JOIN pg_catalog.pg_class c ON c.oid = p.relation
                       WHERE c.relnamespace = v_nsp.oid ORDER BY p.relation_name LOOP
            object := v_view.relation_name;
            finding := 'A protected table lies in a view schema, next to masked views on every member''s search_path.';
            hint := 'Move the table to a schema of its own (ALTER TABLE ... SET SCHEMA).';
            RETURN NEXT;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_views(name) IS
'Internal: mask.verify() findings about view schemas (owner, CREATE grants, foreign objects, protected tables) and additions (rules, triggers, column grants) to generated views.';
