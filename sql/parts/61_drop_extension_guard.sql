-- ---------------------------------------------------------------------------
-- DROP EXTENSION maskview while policies exist: refused with a message that
-- says why and what to do, before PostgreSQL's dependency check would refuse
-- it with a message about one internal view.  DROP EXTENSION ... CASCADE is
-- let through (it drops the masked views too, as documented), and so is a
-- DROP EXTENSION of any other extension.  The trigger itself: 95_triggers.sql.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._drops_extension(query text, extension name)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'mv_sql_drops_extension';

COMMENT ON FUNCTION mask_internal._drops_extension(text, name) IS
'Internal: true when the SQL text holds a DROP EXTENSION of the named extension without CASCADE (read from the raw parse tree; nothing is executed).';

CREATE FUNCTION mask_internal._on_drop_extension()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policies bigint;
    v_names    text;
BEGIN
    SELECT pg_catalog.count(*), pg_catalog.string_agg(pg_catalog.quote_literal(p.name), ', ' ORDER BY p.name)
      INTO v_policies, v_names
      FROM mask.policy p;
    IF v_policies > 0 AND mask_internal._drops_extension(pg_catalog.current_query(), 'maskview') THEN
        RAISE EXCEPTION 'maskview still has % %: %', v_policies,
                CASE WHEN v_policies = 1 THEN 'policy' ELSE 'policies' END, v_names
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'Members read masked views that maskview generated and keeps; dropping the extension would leave them without their views and end the audit trail.',
                  HINT = 'Keep each policy as a document (SELECT mask.export_policy(policy) FROM mask.policies), then drop them (SELECT mask.drop_policy(policy) FROM mask.policies) and DROP EXTENSION maskview again; DROP EXTENSION maskview CASCADE drops the masked views with it.';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._on_drop_extension() IS
'Internal event trigger function: refuses DROP EXTENSION maskview (without CASCADE) while policies exist, saying how to export and drop them.';
