-- ---------------------------------------------------------------------------
-- mask.verify(), rules and row filters that the validator of this version
-- refuses.  (Listed in mask_internal._verify_findings, 82_verify_report.sql.)
--
--   error    a live masking rule or row filter in the catalog that
--            mask_internal._validate_expression refuses now: one stored by an older
--            version before casts that quote values, constants that read
--            differently under other DateStyle/TimeZone settings, stable
--            functions in row filters and bad constant parameters were
--            refused (README, "Rules and filters mean the same in every
--            session").  The view keeps working as generated, but its meaning
--            may depend on the reader's settings, an error may quote a value,
--            and the next DDL on the table orphans the rule or refuses the
--            DDL (row filter).
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._verify_settings(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row    record;
    v_detail text;
BEGIN
    FOR v_row IN
        SELECT t.relation, t.relation_name, r.column_name, r.expression AS expr, false AS is_filter
          FROM mask.rule r
          JOIN mask.protected t ON t.policy_id = r.policy_id AND t.relation = r.relation
         WHERE r.policy_id = pol.id AND r.action = 'mask' AND NOT r.orphaned
        UNION ALL
        SELECT t.relation, t.relation_name, NULL, t.row_filter, true
          FROM mask.protected t
         WHERE t.policy_id = pol.id AND t.row_filter IS NOT NULL
         ORDER BY 2, 3 NULLS FIRST
    LOOP
        -- (a dropped table is another finding's business)
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = v_row.relation);
        BEGIN
            -- (the calls set_rule(), protect() and _reconcile validate with)
            IF v_row.is_filter THEN
                PERFORM mask_internal._validate_expression(v_row.expr, v_row.relation, true);
            ELSE
                PERFORM mask_internal._validate_rule(v_row.expr, v_row.relation, pol.id);
            END IF;
        EXCEPTION WHEN invalid_parameter_value THEN
            GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
            RETURN NEXT ROW('error', pol.name,
                CASE WHEN v_row.is_filter THEN v_row.relation_name
                     ELSE pg_catalog.format('%s.%I', v_row.relation_name, v_row.column_name) END,
                pg_catalog.format('The %s is refused by this version of maskview: %s',
                                  CASE WHEN v_row.is_filter THEN 'row filter' ELSE 'masking rule' END,
                                  v_detail),
                CASE WHEN v_row.is_filter
                     THEN pg_catalog.format('Write the row filter again with SELECT mask.protect(%L, %L, row_filter => ...).',
                                            pol.name, v_row.relation_name)
                     ELSE pg_catalog.format('Write the rule again with SELECT mask.set_rule(%L, %L, %L, ...), or drop it with mask.drop_rule().',
                                            pol.name, v_row.relation_name, v_row.column_name) END
            )::mask_internal.finding;
        END;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_settings(mask.policy) IS
'Internal (mask.verify()): a policy''s live masking rules and row filters that the validator of this version refuses (settings-dependent constants or casts, casts that quote values, bad constant parameters), as errors.';
