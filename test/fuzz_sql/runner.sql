-- The in-server half of test/attacks/validator_fuzz.sh: loads nothing itself;
-- defines fuzz.run(), which sends every row of fuzz.input through
-- mask.set_rule (target 'rule') or mask.protect (target 'filter') as the
-- non-superuser policy admin mvfz_admin, one subtransaction per call, and
-- writes one row per call to fuzz.result.  Accepted calls are checked (the
-- view's dependencies, a SELECT as a member) and then rolled back,
-- so every input meets the same catalog and the audit log does not grow.
SET client_min_messages = warning;
CREATE SCHEMA fuzz;
CREATE TABLE fuzz.input (
    id     integer PRIMARY KEY,
    kind   text NOT NULL,      -- grammar, payload, mutated, long, deep
    target text NOT NULL,      -- rule or filter
    col    name,               -- set_rule's column (target rule)
    expr   text NOT NULL
);
CREATE TABLE fuzz.result (
    id        integer PRIMARY KEY,
    outcome   text NOT NULL,   -- refused, accepted, accepted_runtime_error, FAIL
    sqlstate  text,
    message   text,
    detail    text,
    problem   text,            -- why a FAIL is one
    ms        double precision
);

-- The objects a generated view may depend on: the protected table, the
-- policy's key view, the extension's masking functions and anything built
-- into PostgreSQL.  Returns the others, described, or NULL.
CREATE FUNCTION fuzz.untrusted_deps(view regclass) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.string_agg(pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid), '; ')
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
     WHERE r.ev_class = view AND d.deptype = 'n'
       AND NOT (
            d.refobjid < 16384
         OR (d.refclassid = 'pg_catalog.pg_class'::regclass
             AND (d.refobjid IN ('fz.accounts'::regclass, view)
                  OR EXISTS (SELECT FROM pg_catalog.pg_class k
                              WHERE k.oid = d.refobjid AND k.relkind = 'v'
                                AND k.relnamespace = 'mask_internal'::regnamespace
                                AND k.relname LIKE '\_key\_%')))
         OR (d.refclassid = 'pg_catalog.pg_proc'::regclass
             AND EXISTS (SELECT FROM pg_catalog.pg_proc p
                           JOIN pg_catalog.pg_depend e
                             ON e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid
                            AND e.refclassid = 'pg_catalog.pg_extension'::regclass AND e.deptype = 'e'
                           JOIN pg_catalog.pg_extension x ON x.oid = e.refobjid AND x.extname = 'maskview'
                          WHERE p.oid = d.refobjid AND p.pronamespace = 'mask'::regnamespace
                            AND p.proname IN ('partial', 'redact', 'digits', 'email', 'cn_name', 'cn_phone',
                                              'cn_id_card', 'cn_address', 'bank_card', 'pseudonym',
                                              'generalize'))))
$$;

-- Strings that must never appear in an error or in a view's output: the
-- canary file, the other table, the canary row, the policy key.
CREATE TABLE fuzz.secret (s text NOT NULL);
INSERT INTO fuzz.secret VALUES ('MVFZ-FILE-CANARY'), ('MVFZ-OTHER-TABLE-SECRET'), ('MVFZ-CANARY-ROW');
INSERT INTO fuzz.secret SELECT pg_catalog.encode(k.key, 'hex') FROM mask.policy_key k;

CREATE FUNCTION fuzz.leaks(t text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.string_agg(pg_catalog.left(s.s, 16), ', ') FROM fuzz.secret s
     WHERE pg_catalog.strpos(t, s.s) > 0
$$;

CREATE FUNCTION fuzz.canary_state() RETURNS text
LANGUAGE sql VOLATILE AS $$
    -- The sequence every canary trigger and function advances first: it is
    -- not transactional, so it also shows payloads whose call was rolled
    -- back.  The row and the log are checked once at the end.
    SELECT last_value::text || ':' || is_called::text FROM public.canary_hits
$$;

CREATE PROCEDURE fuzz.run(first_id integer, last_id integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_n        integer := 0;
    v_in       fuzz.input;
    v_canary   text := fuzz.canary_state();
    v_now      text;
    v_t0       timestamptz;
    v_outcome  text;
    v_state    text;
    v_msg      text;
    v_detail   text;
    v_hint     text;
    v_problem  text;
    v_view     regclass := 'fz_view.accounts';
    v_rows     text;
    v_rel      regclass := 'fz.accounts';
BEGIN
    FOR v_in IN SELECT * FROM fuzz.input WHERE id BETWEEN first_id AND last_id ORDER BY id LOOP
        v_t0 := pg_catalog.clock_timestamp();
        v_outcome := NULL; v_state := NULL; v_msg := NULL; v_detail := NULL; v_hint := NULL;
        v_problem := NULL;
        BEGIN
            SET SESSION AUTHORIZATION mvfz_admin;
            IF v_in.target = 'rule' THEN
                PERFORM mask.set_rule('fz_policy', v_rel, v_in.col, v_in.expr);
            ELSE
                PERFORM mask.protect('fz_policy', v_rel, v_in.expr);
            END IF;
            RESET SESSION AUTHORIZATION;
            -- Accepted: the view may depend only on trusted objects, and
            -- must be selectable by a member without showing a secret.
            v_outcome := 'accepted';
            v_problem := fuzz.untrusted_deps(v_view);
            IF v_problem IS NOT NULL THEN
                v_problem := 'view depends on ' || v_problem;
            ELSE
                BEGIN
                    SET LOCAL ROLE mvfz_member;
                    SELECT pg_catalog.string_agg(t::text, '|') INTO v_rows FROM fz_view.accounts t;
                    RESET ROLE;
                    v_problem := 'view output contains ' || fuzz.leaks(v_rows);
                EXCEPTION WHEN data_exception OR insufficient_privilege OR undefined_object
                               OR undefined_table THEN
                    -- Casts and arithmetic of constants that fail only when
                    -- the view runs (CAST('x' AS integer)): the validator
                    -- checks what a rule calls, not the values it computes.
                    -- A row filter calling current_setting('data_directory')
                    -- fails with 42501 for members: it runs with their
                    -- privileges, which is the point of the design.
                    -- Built-in lookups by value (current_setting('nope'),
                    -- pg_get_viewdef(column)) fail the same way: 42704, 42P01.
                    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
                    v_outcome := 'accepted_runtime_error';
                WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
                    v_problem := 'view not selectable: ' || v_state || ' ' || v_msg;
                END;
            END IF;
            RAISE SQLSTATE 'MVFZ0';          -- undo the accepted change
        EXCEPTION
            WHEN SQLSTATE 'MVFZ0' THEN
                NULL;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT,
                                        v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
                v_outcome := 'refused';
                IF v_state <> '22023' THEN
                    v_problem := 'SQLSTATE ' || v_state || ' instead of 22023';
                ELSIF COALESCE(v_detail, '') = '' THEN
                    v_problem := 'refusal without a detail';
                ELSIF pg_catalog.octet_length(v_in.expr) > 200
                      AND pg_catalog.strpos(v_detail, v_in.expr) > 0 THEN
                    v_problem := 'detail repeats the whole input';
                ELSIF pg_catalog.octet_length(v_msg) + pg_catalog.octet_length(v_detail)
                      + pg_catalog.octet_length(COALESCE(v_hint, '')) > 2000 THEN
                    v_problem := 'error text longer than 2000 bytes';
                ELSE
                    v_problem := 'error contains ' || fuzz.leaks(v_msg || v_detail || COALESCE(v_hint, ''));
                END IF;
        END;
        v_now := fuzz.canary_state();
        IF v_now <> v_canary THEN
            v_problem := COALESCE(v_problem || '; ', '') || 'canary changed: ' || v_canary || ' -> ' || v_now;
            v_canary := v_now;
        END IF;
        IF pg_catalog.clock_timestamp() - v_t0 > interval '3 seconds' THEN
            v_problem := COALESCE(v_problem || '; ', '') || 'took '
                || (pg_catalog.clock_timestamp() - v_t0)::text;
        END IF;
        INSERT INTO fuzz.result VALUES (v_in.id,
            CASE WHEN v_problem IS NULL THEN v_outcome ELSE 'FAIL' END,
            v_state, pg_catalog.left(v_msg, 300), pg_catalog.left(v_detail, 300), v_problem,
            1000 * pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - v_t0));
        -- Commit now and then: thousands of rolled-back subtransactions in
        -- one transaction leave the catalogs full of dead rows it must skip.
        v_n := v_n + 1;
        IF v_n % 200 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END $$;
