-- ---------------------------------------------------------------------------
-- Arriving from PostgreSQL Anonymizer: mask.import_anon(policy) builds a
-- maskview policy from Anonymizer's declarations in the current database.
--
-- Anonymizer declares its rules as security labels of provider "anon":
--     SECURITY LABEL FOR anon ON COLUMN t.c IS 'MASKED WITH FUNCTION anon.partial(c, 2, $$**$$, 2)';
--     SECURITY LABEL FOR anon ON COLUMN t.c IS 'MASKED WITH VALUE NULL';
--     SECURITY LABEL FOR anon ON ROLE r IS 'MASKED';
-- They are rows of pg_seclabel (columns) and pg_shseclabel (roles), readable
-- without Anonymizer installed.  Each labelled table is protected; each
-- column label is translated to the closest maskview rule and set through
-- mask.set_rule(), whose validator has the last word (a translation it
-- refuses leaves the column hidden); each masked role is added as a member
-- through mask.add_member(), with all its checks.  Where Anonymizer and
-- maskview differ, maskview's fail-closed choice wins and the report says so:
-- an unlabelled column, which Anonymizer shows unmasked, stays hidden until
-- someone writes a rule (PASS) for it.
--
-- The translation table (anything else is left hidden and reported):
--   anon.partial(c, p, 'xxx', s)        mask.partial(c, p, s, 'x', 3)
--   anon.partial_email(c)               mask.email(c)
--   anon.hash / anon.digest / anon.pseudo_*(c, ...)
--                                       mask.pseudonym(c)  (a keyed token, not a fake value)
--   anon.generalize_int4range / int8range(c, step)
--                                       mask.generalize(c::bigint, step::bigint)
--   anon.generalize_numrange(c, step)   mask.generalize(c::numeric, step::numeric)
--   anon.generalize_daterange(c, 'year'|'quarter'|'month'|'week')
--                                       mask.generalize(c, unit)
--   MASKED WITH VALUE NULL              NULL
--   MASKED WITH VALUE <constant>        the constant (if the validator accepts it)
-- ---------------------------------------------------------------------------

-- Splits the argument list of a call at its top-level commas, keeping quoted
-- text ('...', "...", $tag$...$tag$) and nested parentheses whole.
CREATE FUNCTION mask_internal._anon_split_args(args text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_out   text[] := '{}';
    v_start integer := 1;
    v_depth integer := 0;
    v_i     integer := 1;
    v_n     integer := pg_catalog.length(args);
    v_c     text;
    v_tag   text;
    v_end   integer;
BEGIN
    WHILE v_i <= v_n LOOP
        v_c := pg_catalog.substr(args, v_i, 1);
        IF v_c IN ('''', '"') THEN
            -- to the closing quote; a doubled quote stays inside
            v_i := v_i + 1;
            WHILE v_i <= v_n LOOP
                IF pg_catalog.substr(args, v_i, 1) = v_c THEN
                    EXIT WHEN pg_catalog.substr(args, v_i + 1, 1) <> v_c;
                    v_i := v_i + 1;
                END IF;
                v_i := v_i + 1;
            END LOOP;
        ELSIF v_c = '$' THEN
            v_tag := pg_catalog.substring(pg_catalog.substr(args, v_i), '^\$[A-Za-z_]*\$');
            IF v_tag IS NOT NULL THEN
                v_end := pg_catalog.strpos(pg_catalog.substr(args, v_i + pg_catalog.length(v_tag)), v_tag);
                IF v_end = 0 THEN
                    RETURN NULL;                -- unterminated: not a call we can read
                END IF;
                v_i := v_i + pg_catalog.length(v_tag) + v_end + pg_catalog.length(v_tag) - 2;
            END IF;
        ELSIF v_c = '(' THEN
            v_depth := v_depth + 1;
        ELSIF v_c = ')' THEN
            v_depth := v_depth - 1;
        ELSIF v_c = ',' AND v_depth = 0 THEN
            v_out := v_out || pg_catalog.btrim(pg_catalog.substr(args, v_start, v_i - v_start));
            v_start := v_i + 1;
        END IF;
        v_i := v_i + 1;
    END LOOP;
    RETURN v_out || pg_catalog.btrim(pg_catalog.substr(args, v_start));
END;
$$;

COMMENT ON FUNCTION mask_internal._anon_split_args(text) IS
'Internal: the top-level arguments of a call''s argument list (quotes and parentheses kept whole), or NULL if the text cannot be read.';

-- The value of a string literal as Anonymizer labels write them ('...' or
-- $tag$...$tag$), or NULL for anything else.
CREATE FUNCTION mask_internal._anon_string(literal text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_tag text := pg_catalog.substring(literal, '^(\$[A-Za-z_]*\$)');
BEGIN
    IF literal ~ '^''.*''$' AND pg_catalog.length(literal) >= 2 THEN
        RETURN pg_catalog.replace(pg_catalog.substr(literal, 2, pg_catalog.length(literal) - 2), '''''', '''');
    ELSIF v_tag IS NOT NULL AND pg_catalog.length(literal) >= 2 * pg_catalog.length(v_tag)
          AND pg_catalog.right(literal, pg_catalog.length(v_tag)) = v_tag THEN
        RETURN pg_catalog.substr(literal, pg_catalog.length(v_tag) + 1,
                                 pg_catalog.length(literal) - 2 * pg_catalog.length(v_tag));
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION mask_internal._anon_string(text) IS
'Internal: the value of a quoted or dollar-quoted string literal, or NULL if the text is not one.';

-- The closest maskview rule for one Anonymizer column label: (expression,
-- note); expression NULL means "no equivalent: the column stays hidden".
-- What comes out is only a proposal: mask.set_rule() validates it.
CREATE FUNCTION mask_internal._anon_translate(label text)
RETURNS TABLE (expression text, note text)
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_value text := pg_catalog.substring(label, '(?is)^\s*MASKED\s+WITH\s+VALUE\s+(.*?)\s*$');
    v_call  text := pg_catalog.substring(label, '(?is)^\s*MASKED\s+WITH\s+FUNCTION\s+(.*?)\s*$');
    v_fn    text;
    v_args  text[];
    v_pad   text;
    v_unit  text;
BEGIN
    IF v_value IS NOT NULL THEN
        IF pg_catalog.upper(v_value) = 'NULL' THEN
            RETURN QUERY SELECT 'NULL'::text, 'MASKED WITH VALUE NULL: the column is NULL'::text;
        ELSE
            RETURN QUERY SELECT v_value, 'MASKED WITH VALUE: the same constant for every row'::text;
        END IF;
        RETURN;
    END IF;
    IF v_call IS NULL THEN
        RETURN QUERY SELECT NULL::text, 'not a MASKED WITH FUNCTION or MASKED WITH VALUE label'::text;
        RETURN;
    END IF;
    v_fn := pg_catalog.lower(pg_catalog.substring(v_call, '(?is)^(?:anon\s*\.\s*)?([a-z_0-9]+)\s*\(.*\)$'));
    v_args := mask_internal._anon_split_args(pg_catalog.substring(v_call, '(?is)^[^(]*\((.*)\)$'));
    IF v_args = ARRAY[''] THEN
        v_args := '{}';                         -- a call without arguments
    END IF;
    IF v_fn IS NULL OR v_args IS NULL THEN
        RETURN QUERY SELECT NULL::text, 'the masking function call could not be read'::text;
        RETURN;
    END IF;

    IF v_fn = 'partial' AND pg_catalog.cardinality(v_args) = 4 THEN
        v_pad := mask_internal._anon_string(v_args[3]);
        IF v_pad IS NOT NULL AND pg_catalog.length(v_pad) > 0 THEN
            RETURN QUERY SELECT pg_catalog.format('mask.partial(%s, %s, %s, %L, %s)', v_args[1], v_args[2],
                                                  v_args[4], pg_catalog.left(v_pad, 1), pg_catalog.length(v_pad)),
                                'anon.partial: same head and tail; the middle is the first padding character, as long as the padding'::text;
            RETURN;
        END IF;
    ELSIF v_fn = 'partial_email' AND pg_catalog.cardinality(v_args) = 1 THEN
        RETURN QUERY SELECT pg_catalog.format('mask.email(%s)', v_args[1]), 'anon.partial_email'::text;
        RETURN;
    ELSIF (v_fn IN ('hash', 'digest') OR v_fn LIKE 'pseudo\_%') AND pg_catalog.cardinality(v_args) >= 1 THEN
        RETURN QUERY SELECT pg_catalog.format('mask.pseudonym(%s)', v_args[1]),
                            pg_catalog.format('anon.%s: a keyed HMAC token of the policy (not a fake value); equal values give equal tokens', v_fn);
        RETURN;
    ELSIF v_fn IN ('generalize_int4range', 'generalize_int8range') AND pg_catalog.cardinality(v_args) = 2 THEN
        RETURN QUERY SELECT pg_catalog.format('mask.generalize(%s::bigint, %s::bigint)', v_args[1], v_args[2]),
                            pg_catalog.format('anon.%s: a range of the same step', v_fn);
        RETURN;
    ELSIF v_fn = 'generalize_numrange' AND pg_catalog.cardinality(v_args) = 2 THEN
        RETURN QUERY SELECT pg_catalog.format('mask.generalize(%s::numeric, %s::numeric)', v_args[1], v_args[2]),
                            'anon.generalize_numrange: a range of the same step'::text;
        RETURN;
    ELSIF v_fn = 'generalize_daterange' AND pg_catalog.cardinality(v_args) IN (1, 2) THEN
        v_unit := pg_catalog.lower(mask_internal._anon_string(COALESCE(v_args[2], '''decade''')));
        IF v_unit IN ('year', 'quarter', 'month', 'week') THEN
            RETURN QUERY SELECT pg_catalog.format('mask.generalize(%s, %L)', v_args[1], v_unit),
                                'anon.generalize_daterange: a range of the same unit'::text;
            RETURN;
        END IF;
        RETURN QUERY SELECT NULL::text, pg_catalog.format('anon.generalize_daterange by %s: mask.generalize knows year, quarter, month and week', COALESCE(v_unit, v_args[2]));
        RETURN;
    END IF;
    RETURN QUERY SELECT NULL::text, pg_catalog.format('anon.%s has no maskview equivalent', v_fn);
END;
$$;

COMMENT ON FUNCTION mask_internal._anon_translate(text) IS
'Internal: the closest maskview rule expression for a PostgreSQL Anonymizer column label, with a note; NULL expression when there is none (the column stays hidden).';


-- One table with anon column labels: protected, each labelled column's
-- label translated into a rule (mask_internal._anon_translate), every other
-- column left hidden.  Returns {"report": [rows of import_anon()'s report],
-- "rules": rules set, "hidden": columns left hidden}.
CREATE FUNCTION mask_internal._import_anon_table(policy name, rel regclass)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_relname text := rel::text;
    v_report  jsonb := '[]';
    v_col     record;
    v_tr      record;
    v_rules   integer := 0;
    v_hidden  integer := 0;
BEGIN
    BEGIN
        PERFORM mask.protect(_import_anon_table.policy, _import_anon_table.rel);
    EXCEPTION WHEN invalid_parameter_value OR insufficient_privilege THEN
        v_report := v_report || pg_catalog.jsonb_build_object('object', v_relname,
            'outcome', 'refused', 'note', 'mask.protect() refused the table: ' || SQLERRM);
        RETURN pg_catalog.jsonb_build_object('report', v_report, 'rules', 0, 'hidden', 0);
    END;
    v_report := v_report || pg_catalog.jsonb_build_object('object', v_relname,
        'outcome', 'table', 'maskview', 'protected; its view: ' || pg_catalog.quote_ident(
            (SELECT p.view_schema FROM mask.policy p WHERE p.name = _import_anon_table.policy)) || '.'
            || pg_catalog.quote_ident((SELECT pr.view_name FROM mask.protected pr JOIN mask.policy p ON p.id = pr.policy_id
                                        WHERE p.name = _import_anon_table.policy AND pr.relation = _import_anon_table.rel)));
    FOR v_col IN
        SELECT a.attname, s.label
          FROM pg_catalog.pg_attribute a
          LEFT JOIN pg_catalog.pg_seclabel s
            ON s.provider = 'anon' AND s.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND s.objoid = a.attrelid AND s.objsubid = a.attnum
         WHERE a.attrelid = _import_anon_table.rel AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum
    LOOP
        IF v_col.label IS NULL THEN
            v_hidden := v_hidden + 1;
            v_report := v_report || pg_catalog.jsonb_build_object('object', v_relname || '.' || pg_catalog.quote_ident(v_col.attname),
                'outcome', 'hidden', 'note', 'no anon label: Anonymizer shows the column unmasked, maskview hides it until a rule (e.g. PASS) is set');
            CONTINUE;
        END IF;
        SELECT t.expression, t.note INTO v_tr FROM mask_internal._anon_translate(v_col.label) t;
        IF v_tr.expression IS NULL THEN
            v_hidden := v_hidden + 1;
            v_report := v_report || pg_catalog.jsonb_build_object('object', v_relname || '.' || pg_catalog.quote_ident(v_col.attname),
                'anon_label', v_col.label, 'outcome', 'hidden', 'note', v_tr.note || '; the column stays hidden');
            CONTINUE;
        END IF;
        BEGIN
            PERFORM mask.set_rule(_import_anon_table.policy, _import_anon_table.rel, v_col.attname, v_tr.expression,
                                  'imported from anon label: ' || v_col.label);
            v_rules := v_rules + 1;
            v_report := v_report || pg_catalog.jsonb_build_object('object', v_relname || '.' || pg_catalog.quote_ident(v_col.attname),
                'anon_label', v_col.label, 'outcome', 'rule', 'maskview', v_tr.expression, 'note', v_tr.note);
        EXCEPTION WHEN invalid_parameter_value THEN
            v_hidden := v_hidden + 1;
            v_report := v_report || pg_catalog.jsonb_build_object('object', v_relname || '.' || pg_catalog.quote_ident(v_col.attname),
                'anon_label', v_col.label, 'outcome', 'refused', 'maskview', v_tr.expression,
                'note', 'mask.set_rule() refused the translation (' || SQLERRM || '); the column stays hidden');
        END;
    END LOOP;
    RETURN pg_catalog.jsonb_build_object('report', v_report, 'rules', v_rules, 'hidden', v_hidden);
END;
$$;

COMMENT ON FUNCTION mask_internal._import_anon_table(name, regclass) IS
'Internal: import_anon()''s import of one labelled table (protect, a rule per translated label); returns its report rows and counts.';


-- The roles labelled MASKED become members of the policy; other role labels
-- are reported and ignored.  Returns {"report": [...], "members": n}.
CREATE FUNCTION mask_internal._import_anon_roles(policy name)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_report  jsonb := '[]';
    v_role    record;
    v_members integer := 0;
BEGIN
    FOR v_role IN
        SELECT r.oid::regrole AS role, r.rolname, s.label
          FROM pg_catalog.pg_shseclabel s JOIN pg_catalog.pg_roles r ON r.oid = s.objoid
         WHERE s.provider = 'anon' AND s.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass
         ORDER BY r.rolname
    LOOP
        IF pg_catalog.upper(pg_catalog.btrim(v_role.label)) <> 'MASKED' THEN
            v_report := v_report || pg_catalog.jsonb_build_object('object', 'role ' || v_role.rolname,
                'anon_label', v_role.label, 'outcome', 'ignored', 'note', 'only MASKED roles become members');
            CONTINUE;
        END IF;
        BEGIN
            PERFORM mask.add_member(_import_anon_roles.policy, v_role.role);
            v_members := v_members + 1;
            v_report := v_report || pg_catalog.jsonb_build_object('object', 'role ' || v_role.rolname,
                'anon_label', v_role.label, 'outcome', 'member', 'maskview', 'mask.add_member()');
        EXCEPTION WHEN invalid_parameter_value OR insufficient_privilege THEN
            v_report := v_report || pg_catalog.jsonb_build_object('object', 'role ' || v_role.rolname,
                'anon_label', v_role.label, 'outcome', 'refused',
                'note', 'mask.add_member() refused the role: ' || SQLERRM);
        END;
    END LOOP;
    RETURN pg_catalog.jsonb_build_object('report', v_report, 'members', v_members);
END;
$$;

COMMENT ON FUNCTION mask_internal._import_anon_roles(name) IS
'Internal: import_anon()''s import of the MASKED roles as members; returns its report rows and count.';


CREATE FUNCTION mask.import_anon(policy name, view_schema name DEFAULT NULL, dry_run boolean DEFAULT true)
RETURNS TABLE (object text, anon_label text, outcome text, maskview text, note text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- SECURITY DEFINER like import_policy: EXECUTE is for admins only
-- (mask.grant_admin); every change goes through the API functions, with their
-- checks, in one transaction.  dry_run (the default) reports what would be
-- done and rolls it all back.
DECLARE
    v_report  jsonb := '[]';
    v_table   record;
    v_part    jsonb;
    v_created boolean := false;
    v_rules   integer := 0;
    v_members integer := 0;
    v_hidden  integer := 0;
BEGIN
    IF import_anon.policy IS NULL OR import_anon.dry_run IS NULL THEN
        RAISE EXCEPTION 'policy and dry_run must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_seclabel s WHERE s.provider = 'anon')
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_shseclabel s WHERE s.provider = 'anon') THEN
        RAISE EXCEPTION 'there are no PostgreSQL Anonymizer labels to import'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'No security label of provider anon in pg_seclabel or pg_shseclabel.',
                  HINT = 'Run mask.import_anon() in the database where SECURITY LABEL FOR anon declared the masking rules.';
    END IF;

    BEGIN
        IF NOT EXISTS (SELECT FROM mask.policy p WHERE p.name = import_anon.policy) THEN
            PERFORM mask.create_policy(import_anon.policy, COALESCE(import_anon.view_schema, import_anon.policy),
                                       'imported from PostgreSQL Anonymizer security labels');
            v_created := true;
        END IF;

        -- Tables with at least one column label, in name order.
        FOR v_table IN
            SELECT DISTINCT s.objoid::regclass AS rel, s.objoid::regclass::text AS relname
              FROM pg_catalog.pg_seclabel s
             WHERE s.provider = 'anon' AND s.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
               AND s.objsubid > 0
             ORDER BY 2
        LOOP
            v_part := mask_internal._import_anon_table(import_anon.policy, v_table.rel);
            v_report := v_report || (v_part -> 'report');
            v_rules := v_rules + (v_part ->> 'rules')::integer;
            v_hidden := v_hidden + (v_part ->> 'hidden')::integer;
        END LOOP;

        -- Masked roles become members.
        v_part := mask_internal._import_anon_roles(import_anon.policy);
        v_report := v_report || (v_part -> 'report');
        v_members := (v_part ->> 'members')::integer;

        PERFORM mask_internal._audit('import_anon', import_anon.policy, NULL,
                            pg_catalog.jsonb_build_object('policy_created', v_created, 'rules', v_rules,
                                                          'members', v_members, 'hidden', v_hidden));
        IF import_anon.dry_run THEN
            -- Roll back everything this block did; the report survives.
            RAISE EXCEPTION USING ERRCODE = 'MVDRY', MESSAGE = 'maskview import_anon dry run';
        END IF;
    EXCEPTION WHEN SQLSTATE 'MVDRY' THEN
        NULL;
    END;

    RETURN QUERY
        SELECT r ->> 'object', r ->> 'anon_label',
               CASE WHEN import_anon.dry_run AND r ->> 'outcome' IN ('rule', 'member', 'table')
                    THEN 'would be ' || (r ->> 'outcome') ELSE r ->> 'outcome' END,
               r ->> 'maskview', r ->> 'note'
          FROM pg_catalog.jsonb_array_elements(v_report) WITH ORDINALITY AS x(r, n)
         ORDER BY x.n;
END;
$$;

COMMENT ON FUNCTION mask.import_anon(name, name, boolean) IS
'Builds a maskview policy from PostgreSQL Anonymizer''s SECURITY LABEL FOR anon declarations in this database (works without Anonymizer installed): labelled tables are protected, each column label becomes the closest maskview rule (validated by set_rule; no equivalent or refused: hidden), MASKED roles become members. One report row per table, column and role. dry_run (default true) changes nothing. Admins only; audited.';
