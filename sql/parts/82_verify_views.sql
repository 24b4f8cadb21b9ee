-- ---------------------------------------------------------------------------
-- mask.verify() findings about view schemas and generated views
-- (45_view_schema.sql says why): a view schema not owned by the extension
-- owner, CREATE on it for anyone else, objects in it that are not generated
-- views, protected tables in it, and rules, triggers or column grants on a
-- generated view.  Each is an error: the next regeneration removes the
-- additions to a view and takes over a schema that holds only generated
-- views; the rest needs the DBA.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._verify_view_schema(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema   text := pg_catalog.quote_ident(pol.view_schema);
    v_view     record;
    v_nsp      record;
    v_objects  text[];
    v_who      text;
    v_added    text[];
    v_extowner name := pg_catalog.pg_get_userbyid(mask_internal._extension_owner());
BEGIN
    SELECT n.oid, n.nspowner, pg_catalog.pg_get_userbyid(n.nspowner) AS owner INTO v_nsp
      FROM pg_catalog.pg_namespace n WHERE n.nspname = pol.view_schema;
    IF NOT FOUND THEN
        RETURN;   -- a missing view schema is reported with the missing views
    END IF;
    v_objects := mask_internal._view_schema_foreign_objects(pol.view_schema);
    IF v_nsp.nspowner <> mask_internal._extension_owner() THEN
        RETURN NEXT ROW('error', pol.name, v_schema,
            pg_catalog.format('The view schema is owned by %I, not by the extension owner %I: its owner can drop the generated views and plant objects of its own in their place.',
                              v_nsp.owner, v_extowner),
            CASE WHEN v_objects = '{}'
                 THEN 'SELECT mask.refresh_privileges(); takes the schema over (it holds only generated views).'
                 ELSE pg_catalog.format('Move the other objects out of the schema (%s), then SELECT mask.refresh_privileges(); takes it over.',
                                        pg_catalog.array_to_string(v_objects, ', ')) END
        )::mask_internal.finding;
    END IF;
    v_who := mask_internal._schema_creators(v_nsp.oid);
    IF v_who IS NOT NULL THEN
        RETURN NEXT ROW('error', pol.name, v_schema,
            pg_catalog.format('CREATE on the view schema is granted to %s, who can plant objects next to the generated views.', v_who),
            pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM ...; or SELECT mask.refresh_privileges();', pol.view_schema)
        )::mask_internal.finding;
    END IF;
    IF v_objects <> '{}' THEN
        RETURN NEXT ROW('error', pol.name, v_schema,
            pg_catalog.format('The view schema holds objects that are not generated views: %s.',
                              pg_catalog.array_to_string(v_objects, ', ')),
            'Move them to another schema: members find the view schema first on their search_path, and a view schema belongs to maskview alone.'
        )::mask_internal.finding;
    END IF;
    FOR v_view IN SELECT p.relation_name, p.view_name, c.oid
                    FROM mask.protected p
                    JOIN pg_catalog.pg_class c ON c.relname = p.view_name AND c.relnamespace = v_nsp.oid
                                              AND c.relkind = 'v'
                   WHERE p.policy_id = pol.id ORDER BY p.view_name LOOP
        v_added := mask_internal._view_additions(v_view.oid);
        IF v_added <> '{}' THEN
            RETURN NEXT ROW('error', pol.name, pg_catalog.format('%I.%I', pol.view_schema, v_view.view_name),
                pg_catalog.format('The generated view carries %s, which maskview never makes: CREATE OR REPLACE VIEW would keep them.',
                                  pg_catalog.array_to_string(v_added, ', ')),
                pg_catalog.format('Any regeneration of the policy drops and regenerates the view, e.g. SELECT mask.protect(%L, %L);',
                                  pol.name, v_view.relation_name)
            )::mask_internal.finding;
        END IF;
    END LOOP;
    -- (a protected table of any policy)
    FOR v_view IN SELECT p.relation_name FROM mask.protected p
                    JOIN pg_catalog.pg_class c ON c.oid = p.relation
                   WHERE c.relnamespace = v_nsp.oid ORDER BY p.relation_name LOOP
        RETURN NEXT ROW('error', pol.name, v_view.relation_name,
            'A protected table lies in a view schema, next to masked views on every member''s search_path.',
            'Move the table to a schema of its own (ALTER TABLE ... SET SCHEMA).'
        )::mask_internal.finding;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_view_schema(mask.policy) IS
'Internal: mask.verify() findings about a policy''s view schema (owner, CREATE grants, foreign objects, protected tables) and additions (rules, triggers, column grants) to its generated views.';
