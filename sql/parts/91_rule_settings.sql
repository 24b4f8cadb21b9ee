-- ---------------------------------------------------------------------------
-- Pinned settings of the functions that read rules, in one place.
--
-- How SQL text is read depends on session settings: standard_conforming_
-- strings decides what a backslash in '...' means, DateStyle, IntervalStyle
-- and TimeZone how '03/04/2024' or '1 2:00' become values, extra_float_digits
-- and bytea_output how constants print back into a view's definition.  The
-- functions below, which validate rules and row filters, follow DDL on their
-- columns or put them into CREATE VIEW, run with the same values whoever
-- calls them, so that a policy means the same whoever typed it, whoever's DDL
-- triggers a regeneration, and whoever reads the view (the validator also
-- refuses constants and casts whose value would still depend on these
-- settings at read time: src/rule_settings.c, src/rule_constants.c).
--
-- ALTER FUNCTION ... SET stores what a SET clause of CREATE FUNCTION stores
-- (pg_proc.proconfig, applied for the call and undone after it).  An upgrade
-- script re-creates these functions with CREATE OR REPLACE, which keeps only
-- their own SET clauses, and then re-runs this part.
-- ---------------------------------------------------------------------------

DO $$
DECLARE
    v_func    regprocedure;
    v_setting record;
BEGIN
    FOR v_func IN VALUES
        -- the validator (15_validator.sql)
        ('mask_internal._validate_expression(text, regclass, boolean, text, regprocedure[], regprocedure[])'::regprocedure),
        -- following DDL: the functions it calls for the rules and the row
        -- filter run under these (42_reconcile.sql)
        ('mask_internal._reconcile(integer, regclass, jsonb, boolean)'),
        -- CREATE VIEW reads the rules' constants (43_generate.sql)
        ('mask_internal._generate_view(mask.policy, regclass)')
    LOOP
        FOR v_setting IN VALUES ('standard_conforming_strings', 'on'),
                                ('DateStyle', 'ISO, MDY'),
                                ('IntervalStyle', 'postgres'),
                                ('TimeZone', 'UTC'),
                                ('extra_float_digits', '1'),
                                ('bytea_output', 'hex')
        LOOP
            EXECUTE pg_catalog.format('ALTER FUNCTION %s SET %s = %L',
                                      v_func, v_setting.column1, v_setting.column2);
        END LOOP;
    END LOOP;
END;
$$;
