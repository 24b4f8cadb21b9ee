-- Part two of test/attacks/validator_fuzz.sh, run as a superuser after
-- setup.sql and runner.sql: the identifier corpus (on standard input, one name a
-- line) as policy names, view schemas and view names through
-- mask.create_policy and mask.protect, and payloads inside the documents of
-- mask.import_policy when the extension has it.  Every call is made by the
-- non-superuser admin mvfz_admin in a subtransaction that is rolled back.
-- Each must be refused with 22023, or create exactly the objects it names
-- (the schema and the view under the name as typed, truncated to a name's
-- 63 bytes, plus the policy's key view) and nothing else, and drop_policy
-- must remove them again.  Prints one line per failure, "FAIL ...", counts,
-- and "identifiers: ok" when there was none.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TABLE fuzz.ident (n text);
\copy fuzz.ident FROM pstdin WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
CREATE TABLE fuzz.ident_result (what text, n text, outcome text, problem text);

-- New namespaces and relations since a snapshot, described.
CREATE FUNCTION fuzz.new_objects(ns_before oid[], rel_before oid[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(pg_catalog.array_agg(x ORDER BY x), '{}') FROM (
        SELECT 'schema ' || pg_catalog.quote_ident(n.nspname) AS x
          FROM pg_catalog.pg_namespace n WHERE n.oid <> ALL (ns_before)
        UNION ALL
        SELECT c.relkind::text || ' ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid <> ALL (rel_before)) s
$$;

-- One identifier: policy name and view schema n, then the view of
-- fz.accounts named n in it, a member reading it, and drop_policy.
CREATE PROCEDURE fuzz.try_identifier(n text)
LANGUAGE plpgsql AS $$
DECLARE
    v_ns      oid[] := ARRAY(SELECT oid FROM pg_catalog.pg_namespace);
    v_rel     oid[] := ARRAY(SELECT oid FROM pg_catalog.pg_class);
    v_name    name := n::name;           -- what PostgreSQL makes of it
    v_existed boolean := EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = n::name);
    v_table   regclass := 'fz.accounts';
    v_id      integer;
    v_new     text[];
    v_expect  text[];
    v_step    text;
    v_state   text;
    v_msg     text;
    v_detail  text;
    v_problem text;
    v_outcome text;
    v_count   bigint;
BEGIN
    BEGIN
        v_step := 'create_policy';
        SET SESSION AUTHORIZATION mvfz_admin;
        PERFORM mask.create_policy(n, n, 'identifier fuzz: ' || n);
        v_step := 'protect';
        PERFORM mask.protect(n, v_table, 'amount > 0', n);
        v_step := 'set_rule';
        PERFORM mask.set_rule(n, v_table, 'holder_name', 'mask.cn_name(holder_name)');
        PERFORM mask.set_rule(n, v_table, '户主 姓名', 'mask.cn_name("户主 姓名")');
        v_step := 'add_member';
        PERFORM mask.add_member(n, 'mvfz_member', false);
        RESET SESSION AUTHORIZATION;
        v_step := 'checks';
        SELECT p.id INTO v_id FROM mask.policy p WHERE p.name = v_name;
        v_new := fuzz.new_objects(v_ns, v_rel);
        v_expect := ARRAY(SELECT x FROM pg_catalog.unnest(ARRAY[
                        CASE WHEN NOT v_existed THEN 'schema ' || pg_catalog.quote_ident(v_name) END,
                        'v ' || pg_catalog.quote_ident(v_name) || '.' || pg_catalog.quote_ident(v_name),
                        'v mask_internal.' || pg_catalog.quote_ident('_key_' || v_id)]) x
                    WHERE x IS NOT NULL ORDER BY x);
        IF v_id IS NULL THEN
            v_problem := 'no policy named ' || pg_catalog.quote_literal(v_name) || ' in the catalog';
        ELSIF v_new IS DISTINCT FROM v_expect THEN
            v_problem := 'new objects ' || v_new::text || ', expected ' || v_expect::text;
        ELSIF NOT EXISTS (SELECT FROM mask.policies p WHERE p.policy = v_name
                                                         AND p.view_schema = v_name) THEN
            v_problem := 'mask.policies does not show the name as given';
        ELSIF (SELECT pg_catalog.count(*) FROM mask.rules r WHERE r.policy = v_name AND r.action = 'mask'
                AND r."column" IN ('holder_name', '户主 姓名')) <> 2 THEN
            v_problem := 'mask.rules does not show the two rules';
        ELSE
            SET LOCAL ROLE mvfz_member;
            EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %I.%I WHERE "户主 姓名" LIKE %L',
                                      v_name, v_name, '张%') INTO v_count;
            RESET ROLE;
            IF v_count <> 1 THEN
                v_problem := 'the member read ' || v_count || ' masked rows, not 1';
            END IF;
        END IF;
        IF v_problem IS NULL THEN
            v_step := 'drop_policy';
            SET SESSION AUTHORIZATION mvfz_admin;
            PERFORM mask.drop_policy(n);
            RESET SESSION AUTHORIZATION;
            v_new := fuzz.new_objects(v_ns, v_rel);
            IF v_new <> '{}' THEN
                v_problem := 'drop_policy left ' || v_new::text;
            END IF;
        END IF;
        v_outcome := 'accepted';
        RAISE SQLSTATE 'MVFZ0';
    EXCEPTION
        WHEN SQLSTATE 'MVFZ0' THEN NULL;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL;
            v_outcome := 'refused';
            IF v_state <> '22023' THEN
                v_problem := v_step || ' raised ' || v_state || ': ' || v_msg;
            ELSIF v_step NOT IN ('create_policy', 'protect') THEN
                -- a name create_policy took must work in every later call
                v_problem := v_step || ' refused a name create_policy accepted: ' || v_msg
                             || COALESCE(' ' || v_detail, '');
            END IF;
    END;
    INSERT INTO fuzz.ident_result VALUES ('create_policy/protect', n, v_outcome, v_problem);
END $$;

-- fuzz.attempt(what, n, call): runs call, a query returning the problem it
-- finds (NULL: none), in a subtransaction that is always rolled back, and
-- records n as accepted with that problem, or as refused (an error other
-- than 22023 is a problem).
CREATE PROCEDURE fuzz.attempt(what text, n text, call text)
LANGUAGE plpgsql AS $$
DECLARE
    v_state   text;
    v_msg     text;
    v_outcome text;
    v_problem text;
BEGIN
    BEGIN
        EXECUTE call INTO v_problem;
        v_outcome := 'accepted';
        RAISE SQLSTATE 'MVFZ0';
    EXCEPTION
        WHEN SQLSTATE 'MVFZ0' THEN NULL;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
            v_outcome := 'refused';
            v_problem := CASE WHEN v_state <> '22023' THEN 'raised ' || v_state || ': ' || v_msg END;
    END;
    INSERT INTO fuzz.ident_result VALUES (what, n, v_outcome, v_problem);
END $$;

-- A view name alone (policy and schema plain): the view is created under
-- exactly that name or refused.
CREATE FUNCTION fuzz.protect_view_name(n text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    SET SESSION AUTHORIZATION mvfz_admin;
    PERFORM mask.protect('fz_policy', 'fz.accounts', NULL, n);
    RESET SESSION AUTHORIZATION;
    IF EXISTS (SELECT FROM pg_catalog.pg_class c
                WHERE c.relnamespace = 'fz_view'::regnamespace
                  AND c.relname = n::name AND c.relkind = 'v')
       AND pg_catalog.to_regclass('fz_view.accounts') IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN 'the view is not fz_view.' || pg_catalog.quote_ident(n::name);
END $$;

-- Every identifier both ways (each attempt is rolled back).
DO $$
DECLARE
    v_n text;
BEGIN
    FOR v_n IN SELECT n FROM fuzz.ident LOOP
        CALL fuzz.try_identifier(v_n);
        CALL fuzz.attempt('protect view_name', v_n, pg_catalog.format('SELECT fuzz.protect_view_name(%L)', v_n));
    END LOOP;
END $$;

-- import_policy, when it exists: every string of the exported document of
-- fz_policy in turn replaced by each payload (identifiers and a sample of
-- hostile rules), imported under a fresh policy name and view schema.
CREATE TABLE fuzz.import_payload (p text);
-- every eighth identifier (each import that succeeds builds a whole policy)
INSERT INTO fuzz.import_payload
    SELECT n FROM (SELECT n, pg_catalog.row_number() OVER () AS k FROM fuzz.ident) s WHERE k % 8 = 1;
INSERT INTO fuzz.import_payload VALUES
    ('public.canary_fn(holder_name)'), ('mask.cn_name(holder_name); DELETE FROM public.canary'),
    ('mask.cn_name((SELECT secret FROM public.other))'), ('pg_read_file(''mvfz_canary.txt'') <> '''''),
    ('public.canary_bool(amount)'), ('mvfz_admin'), ('postgres'), ('pg_read_all_data'), ('PUBLIC'),
    ('fz.accounts; DROP TABLE public.canary'), ('public.other'), ('mask.policy_key'), ('pg_authid'),
    ('mask'), ('pass'), ('null'), ('mask.redact(holder_name, ''''); DELETE FROM public.canary; --'')');

CREATE FUNCTION fuzz.string_paths(doc jsonb, path text[] DEFAULT '{}') RETURNS SETOF text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT path WHERE pg_catalog.jsonb_typeof(doc) = 'string'
    UNION ALL
    SELECT fuzz.string_paths(e.value, path || e.key)
      FROM pg_catalog.jsonb_each(CASE WHEN pg_catalog.jsonb_typeof(doc) = 'object' THEN doc END) e
    UNION ALL
    SELECT fuzz.string_paths(a.value, path || (a.ord - 1)::text)
      FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(doc) = 'array' THEN doc END)
           WITH ORDINALITY a(value, ord)
$$;

-- One imported document: only its schema, its views and the key view are
-- new, and no imported view depends on an untrusted object.
CREATE FUNCTION fuzz.import_document(doc jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_ns      oid[] := ARRAY(SELECT oid FROM pg_catalog.pg_namespace);
    v_rel     oid[] := ARRAY(SELECT oid FROM pg_catalog.pg_class);
    v_new     text[];
    v_bad     text;
    v_problem text;
BEGIN
    SET SESSION AUTHORIZATION mvfz_admin;
    EXECUTE 'SELECT mask.import_policy($1)' USING doc;
    RESET SESSION AUTHORIZATION;
    v_new := fuzz.new_objects(v_ns, v_rel);
    SELECT pg_catalog.string_agg(x, ', ') INTO v_bad FROM pg_catalog.unnest(v_new) x
     WHERE x <> 'schema ' || pg_catalog.quote_ident((doc ->> 'view_schema')::name)
       AND x NOT LIKE 'v mask_internal._key\_%'
       AND x NOT LIKE 'v ' || pg_catalog.replace(pg_catalog.quote_ident((doc ->> 'view_schema')::name), '_', '\_') || '.%';
    IF v_bad IS NOT NULL THEN
        v_problem := 'import created ' || v_bad;
    END IF;
    SELECT pg_catalog.string_agg(fuzz.untrusted_deps(c.oid), '; ') INTO v_bad
      FROM pg_catalog.pg_class c
     WHERE c.oid <> ALL (v_rel) AND c.relkind = 'v'
       AND c.relnamespace <> ALL (ARRAY['mask'::regnamespace, 'mask_internal'::regnamespace]);
    IF v_bad IS NOT NULL THEN
        v_problem := COALESCE(v_problem || '; ', '') || 'imported view depends on ' || v_bad;
    END IF;
    RETURN v_problem;
END $$;

DO $$
DECLARE
    v_doc     jsonb;
    v_path    text[];
    v_p       text;
    v_try     jsonb;
    v_k       integer := 0;
BEGIN
    IF pg_catalog.to_regproc('mask.import_policy') IS NULL THEN
        INSERT INTO fuzz.ident_result VALUES ('import_policy', NULL, 'skipped', NULL);
        RETURN;
    END IF;
    EXECUTE 'SELECT mask.export_policy(''fz_policy'')' INTO v_doc;
    -- The member's search_path already leads to fz_policy's views, and
    -- add_member refuses to switch it to a second policy's: imported members
    -- keep their search_path, or every document would be refused whatever
    -- its payload.
    v_doc := pg_catalog.jsonb_set(v_doc, '{members}',
                 (SELECT pg_catalog.jsonb_agg(m || '{"set_search_path": false}')
                    FROM pg_catalog.jsonb_array_elements(v_doc -> 'members') m));
    -- Control: the document itself, under a fresh name, is accepted (else no
    -- payload below is tested at all).
    CALL fuzz.attempt('import_policy (control)', NULL,
                      pg_catalog.format('SELECT fuzz.import_document(%L)',
                                        v_doc || '{"policy": "fzimp_0", "view_schema": "fzimp_0"}'));
    UPDATE fuzz.ident_result SET problem = 'the unmodified document is refused, so no payload is tested'
     WHERE what = 'import_policy (control)' AND outcome <> 'accepted';
    FOR v_path IN SELECT * FROM fuzz.string_paths(v_doc) LOOP
        CONTINUE WHEN v_path = '{format}';
        FOR v_p IN SELECT p FROM fuzz.import_payload LOOP
            v_k := v_k + 1;
            v_try := v_doc || pg_catalog.jsonb_build_object('policy', 'fzimp_' || v_k,
                                                            'view_schema', 'fzimp_' || v_k);
            v_try := pg_catalog.jsonb_set(v_try, v_path, pg_catalog.to_jsonb(v_p));
            CALL fuzz.attempt('import_policy ' || v_path::text, v_p,
                              pg_catalog.format('SELECT fuzz.import_document(%L)', v_try));
        END LOOP;
    END LOOP;
END $$;

\pset tuples_only on
\pset format unaligned
SELECT 'identifiers: ' || split_part(what, ' ', 1) || ': ' || count(*) || ' sent, '
       || count(*) FILTER (WHERE outcome = 'refused') || ' refused, '
       || count(*) FILTER (WHERE outcome = 'accepted') || ' accepted'
       || CASE WHEN bool_or(outcome = 'skipped') THEN ' (mask.import_policy does not exist: skipped)' ELSE '' END
  FROM fuzz.ident_result GROUP BY split_part(what, ' ', 1) ORDER BY 1;
SELECT 'FAIL ' || what || ' ' || coalesce(quote_literal(left(n, 80)), '') || ': ' || problem
  FROM fuzz.ident_result WHERE problem IS NOT NULL ORDER BY what, n LIMIT 40;
SELECT CASE WHEN count(*) = 0 THEN 'identifiers: ok'
            ELSE 'identifiers: FAILED ' || count(*) || ' problems' END
  FROM fuzz.ident_result WHERE problem IS NOT NULL;
