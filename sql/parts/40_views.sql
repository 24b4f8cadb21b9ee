-- ---------------------------------------------------------------------------
-- View generation: from the catalog to the masked views, in the same
-- transaction as every catalog change.
--
-- For each protected table the view is
--     CREATE VIEW <view_schema>.<view_name> WITH (security_barrier) AS
--         SELECT <rule> AS <column>, ... FROM <schema>.<table> [WHERE (<row filter>)]
-- owned by the raw table's owner (so the raw table's privileges and row
-- security keep applying), with one column per ruled column in attnum order:
-- pass -> the column, null -> NULL::<type>, mask -> the validator's SQL.  A
-- column without a rule is left out (fail closed).  A table whose every column
-- is hidden still gets a view, with zero columns: members see how many rows
-- there are and nothing else, and their queries keep compiling.
--
-- The policy key reaches views through the key view mask."_key_<policy id>",
-- owned by the extension owner and readable only by the owners of the
-- policy's tables (who own the masked views).  A rule's mask.pseudonym(col)
-- becomes mask.pseudonym(col, (SELECT k.key FROM mask."_key_N" k)): an
-- uncorrelated subquery, i.e. an InitPlan run once per query, and a view
-- definition that names the key's location but never contains it.
--
-- Generated views call mask functions and read the key view, so a plain
-- DROP EXTENSION maskview fails while any policy has views: drop the policies
-- first (mask.drop_policy), or use CASCADE knowingly, which drops the views.
--
-- Our own DDL fires the event triggers of 60_event_triggers.sql; while we run
-- it the transaction carries a mark in mask._internal_ddl and they skip.
-- ---------------------------------------------------------------------------

-- Marks the start of extension-internal DDL, so that the event triggers skip
-- it.  The mark is a row keyed by this backend and this transaction in a
-- table only the extension owner can write: a configuration setting would
-- do the same job, but any role can set one, and a table owner could then
-- hide its own DDL from the audit log.  Returns whether the mark was already
-- there, for mask._internal_end, so that nested calls keep it until the
-- outermost one ends.
CREATE FUNCTION mask._internal_begin()
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF mask._internal_active() THEN
        RETURN 'on';
    END IF;
    INSERT INTO mask._internal_ddl (backend_pid, xact)
    VALUES (pg_catalog.pg_backend_pid(), pg_catalog.pg_current_xact_id());
    RETURN '';
END;
$$;

COMMENT ON FUNCTION mask._internal_begin() IS
'Internal: marks the current transaction as running extension-internal DDL so the event triggers skip it; returns ''on'' if it already was.';

CREATE FUNCTION mask._internal_end(previous text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF previous IS DISTINCT FROM 'on' THEN
        DELETE FROM mask._internal_ddl
         WHERE backend_pid = pg_catalog.pg_backend_pid()
           AND xact = pg_catalog.pg_current_xact_id();
    END IF;
END;
$$;

COMMENT ON FUNCTION mask._internal_end(text) IS
'Internal: ends the mark of mask._internal_begin() unless an outer call still holds it.';

CREATE FUNCTION mask._internal_active()
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT FROM mask._internal_ddl d
                    WHERE d.backend_pid = pg_catalog.pg_backend_pid()
                      AND d.xact = pg_catalog.pg_current_xact_id_if_assigned())
$$;

COMMENT ON FUNCTION mask._internal_active() IS
'Internal: true while maskview itself runs DDL in this transaction (see mask._internal_begin).';


-- Name of a policy's key view.  The id, not the policy name, so that the
-- name is short, fixed and independent of what admins type.
CREATE FUNCTION mask._key_view_name(policy_id integer)
RETURNS name
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ('_key_' || policy_id::text)::name
$$;

COMMENT ON FUNCTION mask._key_view_name(integer) IS
'Internal: name of the key view of a policy in schema mask.';

-- The SQL that supplies the key inside a generated view; passed to the
-- validator as key_sql for mask.pseudonym(col[, length]).
CREATE FUNCTION mask._key_sql(policy_id integer)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('(SELECT k.key FROM %I.%I k)', 'mask',
                             mask._key_view_name(policy_id))
$$;

COMMENT ON FUNCTION mask._key_sql(integer) IS
'Internal: the uncorrelated scalar subquery through which a generated view reads its policy''s key (once per query).';

-- 32 bytes from pg_strong_random (mask._random_bytes is C, 05_internal.sql).
CREATE FUNCTION mask._new_key()
RETURNS bytea
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask._random_bytes(32)
$$;

COMMENT ON FUNCTION mask._new_key() IS
'Internal: a fresh 32-byte policy key from pg_strong_random.';


-- Creates the key view of a policy if it is missing.  Nobody gets SELECT here;
-- mask._apply_grants gives it to the owners of the policy's tables.
CREATE FUNCTION mask._ensure_key_view(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prev text;
BEGIN
    IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'mask',
                              mask._key_view_name(policy_id))) IS NOT NULL THEN
        RETURN;
    END IF;
    v_prev := mask._internal_begin();
    EXECUTE pg_catalog.format(
        'CREATE VIEW %I.%I AS SELECT pk.key FROM mask.policy_key pk WHERE pk.policy_id = %s',
        'mask', mask._key_view_name(policy_id), policy_id);
    EXECUTE pg_catalog.format('REVOKE ALL ON %I.%I FROM PUBLIC',
                              'mask', mask._key_view_name(policy_id));
    EXECUTE pg_catalog.format(
        'COMMENT ON VIEW %I.%I IS %L', 'mask', mask._key_view_name(policy_id),
        pg_catalog.format('maskview: pseudonym key of policy %s, read by its masked views; only their owners may select it.',
                          policy_id));
    PERFORM mask._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask._ensure_key_view(integer) IS
'Internal: creates mask."_key_<id>", the one-row view of a policy''s key that generated views read.';


-- Drops a generated view if it exists and is a view (never anything else).
CREATE FUNCTION mask._drop_generated_view(view_schema name, view_name name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prev text;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_class c
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = view_schema AND c.relname = view_name
                  AND c.relkind = 'v') THEN
        v_prev := mask._internal_begin();
        EXECUTE pg_catalog.format('DROP VIEW %I.%I', view_schema, view_name);
        PERFORM mask._internal_end(v_prev);
    END IF;
END;
$$;

COMMENT ON FUNCTION mask._drop_generated_view(name, name) IS
'Internal: drops one generated view if present (fails if a user object depends on it).';


-- attnum -> name of the live columns of a relation.
CREATE FUNCTION mask._columns_snapshot(relation regclass)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(
               pg_catalog.jsonb_object_agg(a.attnum::text, a.attname::text),
               '{}'::jsonb)
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped
$$;

COMMENT ON FUNCTION mask._columns_snapshot(regclass) IS
'Internal: the attnum -> column name map of a relation, stored in mask.protected to notice renames and dropped or added columns.';


-- Renames column references in an expression as the admin typed it (old
-- name -> new name in renames), leaving string literals, quoted text, function
-- names, qualified names and cast types alone.  The result is always passed
-- through the validator again, so a mistake here can only turn into a refused
-- (orphaned) rule, never into SQL the validator did not accept.
CREATE FUNCTION mask._rename_identifiers(expression text, renames jsonb)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_out     text := '';
    v_len     integer := pg_catalog.length(expression);
    v_i       integer := 1;
    v_j       integer;
    v_c       text;
    v_token   text;
    v_ident   text;
    v_tag     text;
    v_escaped boolean;
    v_before  text;
    v_after   text;
BEGIN
    IF expression IS NULL OR renames IS NULL OR renames = '{}'::jsonb THEN
        RETURN expression;
    END IF;
    WHILE v_i <= v_len LOOP
        v_c := pg_catalog.substr(expression, v_i, 1);
        v_ident := NULL;
        IF v_c = '''' OR (v_c IN ('E', 'e') AND pg_catalog.substr(expression, v_i + 1, 1) = '''') THEN
            -- string literal: '' doubles a quote; E'' also has backslash escapes
            v_escaped := v_c <> '''';
            v_j := v_i + CASE WHEN v_escaped THEN 2 ELSE 1 END;
            WHILE v_j <= v_len LOOP
                IF v_escaped AND pg_catalog.substr(expression, v_j, 1) = '\' THEN
                    v_j := v_j + 2;
                ELSIF pg_catalog.substr(expression, v_j, 1) = '''' THEN
                    EXIT WHEN pg_catalog.substr(expression, v_j + 1, 1) <> '''';
                    v_j := v_j + 2;
                ELSE
                    v_j := v_j + 1;
                END IF;
            END LOOP;
            v_token := pg_catalog.substr(expression, v_i, v_j - v_i + 1);
        ELSIF v_c = '$' AND pg_catalog.substring(pg_catalog.substr(expression, v_i),
                                                 '^\$[A-Za-z_]*\$') IS NOT NULL THEN
            -- dollar quoting: copy through the closing tag
            v_tag := pg_catalog.substring(pg_catalog.substr(expression, v_i), '^\$[A-Za-z_]*\$');
            v_j := pg_catalog.strpos(pg_catalog.substr(expression, v_i + pg_catalog.length(v_tag)), v_tag);
            IF v_j = 0 THEN
                v_token := pg_catalog.substr(expression, v_i);
            ELSE
                v_token := pg_catalog.substr(expression, v_i,
                                             2 * pg_catalog.length(v_tag) + v_j - 1);
            END IF;
        ELSIF v_c = '"' THEN
            v_j := v_i + 1;
            WHILE v_j <= v_len LOOP
                IF pg_catalog.substr(expression, v_j, 1) = '"' THEN
                    EXIT WHEN pg_catalog.substr(expression, v_j + 1, 1) <> '"';
                    v_j := v_j + 2;
                ELSE
                    v_j := v_j + 1;
                END IF;
            END LOOP;
            v_token := pg_catalog.substr(expression, v_i, v_j - v_i + 1);
            v_ident := pg_catalog.replace(pg_catalog.substr(v_token, 2, pg_catalog.length(v_token) - 2),
                                          '""', '"');
        ELSIF v_c ~ '^([A-Za-z_]|[^\x01-\x7f])$' THEN
            v_token := pg_catalog.substring(pg_catalog.substr(expression, v_i),
                                            '^(?:[A-Za-z_]|[^\x01-\x7f])(?:[A-Za-z0-9_$]|[^\x01-\x7f])*');
            -- unquoted identifiers fold ASCII letters only, as the parser does
            v_ident := pg_catalog.translate(v_token, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                            'abcdefghijklmnopqrstuvwxyz');
        ELSE
            v_token := v_c;
        END IF;

        v_i := v_i + pg_catalog.length(v_token);
        IF v_ident IS NOT NULL AND renames ? v_ident THEN
            v_before := pg_catalog.rtrim(v_out);
            v_after := pg_catalog.ltrim(pg_catalog.substr(expression, v_i));
            -- a column reference: not a qualifier or qualified name, not a
            -- function name, not a cast's type
            IF pg_catalog.right(v_before, 1) <> '.' AND pg_catalog.right(v_before, 2) <> '::'
               AND pg_catalog.left(v_after, 1) NOT IN ('.', '(') THEN
                v_token := pg_catalog.quote_ident(renames ->> v_ident);
            END IF;
        END IF;
        v_out := v_out || v_token;
    END LOOP;
    RETURN v_out;
END;
$$;

COMMENT ON FUNCTION mask._rename_identifiers(text, jsonb) IS
'Internal: rewrites column references of a rule or row filter after columns were renamed; the result is validated again before use.';


-- Brings the catalog entry of one protected table up to date with the table
-- itself and returns what changed (an empty object when nothing did):
-- table_dropped, table_renamed, columns_renamed, columns_dropped,
-- columns_added, rules_orphaned, row_filter_rewritten.  Renamed columns are
-- renamed in the rules and the row filter, which are then validated again; a
-- rule that no longer validates (its column or a column it reads is gone) is
-- orphaned and its column hidden.  A row filter that no longer validates is
-- an error: dropping it would show every row, so the DDL is refused instead.
-- It runs on every regeneration, so a rename done while the event trigger
-- was skipped is still followed.
CREATE FUNCTION mask._reconcile(policy_id integer, relation regclass)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot      mask.protected;
    v_rule      mask.rule;
    v_name      text;
    v_current   jsonb;
    v_key       text;
    v_renames   jsonb := '{}';
    v_dropped   text[] := '{}';
    v_added     text[] := '{}';
    v_orphaned  text[] := '{}';
    v_changes   jsonb := '{}';
    v_expr      text;
    v_sql       text;
    v_filter    text;
    v_filter_sql text;
BEGIN
    SELECT p.* INTO v_prot FROM mask.protected p
     WHERE p.policy_id = _reconcile.policy_id AND p.relation = _reconcile.relation
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN '{}';
    END IF;

    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO v_name
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = v_prot.relation;
    IF NOT FOUND THEN
        DELETE FROM mask.protected p
         WHERE p.policy_id = _reconcile.policy_id AND p.relation = _reconcile.relation;
        RETURN pg_catalog.jsonb_build_object('table_dropped', v_prot.relation_name);
    END IF;
    IF v_name <> v_prot.relation_name THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object(
            'table_renamed', pg_catalog.jsonb_build_object('from', v_prot.relation_name, 'to', v_name));
    END IF;

    v_current := mask._columns_snapshot(v_prot.relation);
    FOR v_key IN SELECT k FROM pg_catalog.jsonb_object_keys(v_prot.columns) k ORDER BY k::integer LOOP
        IF NOT v_current ? v_key THEN
            v_dropped := v_dropped || (v_prot.columns ->> v_key);
        ELSIF v_current ->> v_key <> v_prot.columns ->> v_key THEN
            v_renames := v_renames || pg_catalog.jsonb_build_object(
                v_prot.columns ->> v_key, v_current ->> v_key);
        END IF;
    END LOOP;
    FOR v_key IN SELECT k FROM pg_catalog.jsonb_object_keys(v_current) k ORDER BY k::integer LOOP
        IF NOT v_prot.columns ? v_key THEN
            v_added := v_added || (v_current ->> v_key);
        END IF;
    END LOOP;

    IF v_renames <> '{}' OR v_dropped <> '{}' THEN
        FOR v_rule IN SELECT r.* FROM mask.rule r
                       WHERE r.policy_id = _reconcile.policy_id
                         AND r.relation = _reconcile.relation AND NOT r.orphaned
                       ORDER BY r.column_attnum LOOP
            IF NOT v_current ? v_rule.column_attnum::text THEN
                UPDATE mask.rule r SET orphaned = true
                 WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
                   AND r.column_attnum = v_rule.column_attnum;
                v_orphaned := v_orphaned || v_rule.column_name::text;
                CONTINUE;
            END IF;
            v_expr := v_rule.expression;
            v_sql := NULL;
            IF v_rule.action = 'mask' THEN
                v_expr := mask._rename_identifiers(v_rule.expression, v_renames);
                BEGIN
                    v_sql := mask._validate_expression(v_expr, v_prot.relation, false,
                                                       mask._key_sql(v_prot.policy_id));
                EXCEPTION WHEN invalid_parameter_value THEN
                    UPDATE mask.rule r SET orphaned = true
                     WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
                       AND r.column_attnum = v_rule.column_attnum;
                    v_orphaned := v_orphaned || v_rule.column_name::text;
                    CONTINUE;
                END;
            END IF;
            UPDATE mask.rule r
               SET column_name = (v_current ->> v_rule.column_attnum::text)::name,
                   expression = v_expr,
                   expression_sql = v_sql
             WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
               AND r.column_attnum = v_rule.column_attnum;
        END LOOP;

        IF v_prot.row_filter IS NOT NULL THEN
            v_filter := mask._rename_identifiers(v_prot.row_filter, v_renames);
            BEGIN
                v_filter_sql := mask._validate_expression(v_filter, v_prot.relation, true);
            EXCEPTION WHEN invalid_parameter_value THEN
                RAISE EXCEPTION 'row filter of % in policy % no longer applies', v_name,
                    (SELECT p.name FROM mask.policy p WHERE p.id = v_prot.policy_id)
                    USING ERRCODE = 'invalid_parameter_value',
                          DETAIL = pg_catalog.format('The row filter "%s" reads a column that this command drops.',
                                                     v_prot.row_filter),
                          HINT = 'Change the row filter with mask.protect() first.';
            END;
            IF v_filter IS DISTINCT FROM v_prot.row_filter THEN
                v_changes := v_changes || pg_catalog.jsonb_build_object(
                    'row_filter_rewritten', pg_catalog.jsonb_build_object('from', v_prot.row_filter, 'to', v_filter));
            END IF;
            v_prot.row_filter := v_filter;
            v_prot.row_filter_sql := v_filter_sql;
        END IF;
    END IF;

    UPDATE mask.protected p
       SET relation_name = v_name, columns = v_current,
           row_filter = v_prot.row_filter, row_filter_sql = v_prot.row_filter_sql
     WHERE p.policy_id = _reconcile.policy_id AND p.relation = _reconcile.relation;

    IF v_renames <> '{}' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('columns_renamed', v_renames);
    END IF;
    IF v_dropped <> '{}' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('columns_dropped', pg_catalog.to_jsonb(v_dropped));
    END IF;
    IF v_added <> '{}' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('columns_added', pg_catalog.to_jsonb(v_added));
    END IF;
    IF v_orphaned <> '{}' THEN
        v_changes := v_changes || pg_catalog.jsonb_build_object('rules_orphaned', pg_catalog.to_jsonb(v_orphaned));
    END IF;
    RETURN v_changes;
END;
$$;

COMMENT ON FUNCTION mask._reconcile(integer, regclass) IS
'Internal: follows renames, dropped and added columns of a protected table in the catalog (orphaning rules that no longer apply) and returns what changed.';


-- The SELECT a generated view is made of, from the catalog alone.  Also what
-- mask.verify() compares a view's definition with.
CREATE FUNCTION mask._view_query(policy_id integer, relation regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'SELECT '
           || COALESCE((
                SELECT pg_catalog.string_agg(
                           CASE r.action
                               WHEN 'pass' THEN pg_catalog.quote_ident(a.attname)
                               WHEN 'null' THEN 'NULL::' || pg_catalog.format_type(a.atttypid, a.atttypmod)
                               ELSE r.expression_sql
                           END || ' AS ' || pg_catalog.quote_ident(a.attname),
                           ', ' ORDER BY a.attnum)
                  FROM mask.rule r
                  JOIN pg_catalog.pg_attribute a
                    ON a.attrelid = r.relation AND a.attnum = r.column_attnum
                 WHERE r.policy_id = p.policy_id AND r.relation = p.relation
                   AND NOT r.orphaned AND NOT a.attisdropped), '')
           || pg_catalog.format(' FROM %I.%I', n.nspname, c.relname)
           || COALESCE(' WHERE (' || p.row_filter_sql || ')', '')
      FROM mask.protected p
      JOIN pg_catalog.pg_class c ON c.oid = p.relation
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE p.policy_id = _view_query.policy_id AND p.relation = _view_query.relation
$$;

COMMENT ON FUNCTION mask._view_query(integer, regclass) IS
'Internal: the query of the masked view of one protected table, as generated from the catalog (hidden columns omitted).';


-- Grants that follow from the catalog: USAGE on the view schema and SELECT
-- on every view to members and auditors, nothing to anyone else (grants made
-- by hand on a generated view are revoked); SELECT on the key view to the
-- owners of the policy's tables only.
CREATE FUNCTION mask._apply_grants(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema   name;
    v_readers  oid[];
    v_owners   oid[];
    v_reader   name;
    v_view     oid;
    v_grantee  oid;
    v_prot     record;
    v_prev     text;
BEGIN
    SELECT p.view_schema INTO v_schema FROM mask.policy p WHERE p.id = _apply_grants.policy_id;
    SELECT pg_catalog.array_agg(DISTINCT x.oid) INTO v_readers
      FROM (SELECT m.role::oid AS oid FROM mask.member m WHERE m.policy_id = _apply_grants.policy_id
            UNION SELECT a.role::oid FROM mask.auditor a) x
      JOIN pg_catalog.pg_roles ro ON ro.oid = x.oid;
    v_readers := COALESCE(v_readers, '{}');

    v_prev := mask._internal_begin();
    FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                     WHERE ro.oid = ANY (v_readers) ORDER BY ro.rolname LOOP
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %I', v_schema, v_reader);
    END LOOP;

    FOR v_prot IN SELECT p.view_name FROM mask.protected p
                   WHERE p.policy_id = _apply_grants.policy_id ORDER BY p.view_name LOOP
        SELECT c.oid INTO v_view FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = v_schema AND c.relname = v_prot.view_name AND c.relkind = 'v';
        CONTINUE WHEN NOT FOUND;
        FOR v_grantee IN SELECT DISTINCT g.grantee
                           FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                          WHERE c.oid = v_view AND g.grantee <> c.relowner
                            AND NOT (g.grantee = ANY (v_readers)) LOOP
            EXECUTE pg_catalog.format('REVOKE ALL ON %I.%I FROM %s', v_schema, v_prot.view_name,
                CASE WHEN v_grantee = 0 THEN 'PUBLIC'
                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_grantee)) END);
        END LOOP;
        FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                         WHERE ro.oid = ANY (v_readers) ORDER BY ro.rolname LOOP
            EXECUTE pg_catalog.format('GRANT SELECT ON %I.%I TO %I', v_schema, v_prot.view_name, v_reader);
        END LOOP;
    END LOOP;

    -- The key view: readable by the owners of the masked views, nobody else.
    SELECT pg_catalog.array_agg(DISTINCT c.relowner) INTO v_owners
      FROM mask.protected p JOIN pg_catalog.pg_class c ON c.oid = p.relation
     WHERE p.policy_id = _apply_grants.policy_id;
    v_owners := COALESCE(v_owners, '{}');
    v_view := pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'mask',
                                     mask._key_view_name(_apply_grants.policy_id)));
    IF v_view IS NOT NULL THEN
        FOR v_grantee IN SELECT DISTINCT g.grantee
                           FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                          WHERE c.oid = v_view AND g.grantee <> c.relowner
                            AND NOT (g.grantee = ANY (v_owners)) LOOP
            EXECUTE pg_catalog.format('REVOKE ALL ON %I.%I FROM %s', 'mask',
                mask._key_view_name(_apply_grants.policy_id),
                CASE WHEN v_grantee = 0 THEN 'PUBLIC'
                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_grantee)) END);
        END LOOP;
        FOR v_reader IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                         WHERE ro.oid = ANY (v_owners) ORDER BY ro.rolname LOOP
            EXECUTE pg_catalog.format('GRANT SELECT ON %I.%I TO %I', 'mask',
                                      mask._key_view_name(_apply_grants.policy_id), v_reader);
        END LOOP;
    END IF;
    PERFORM mask._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask._apply_grants(integer) IS
'Internal: makes the privileges on a policy''s views, view schema and key view exactly what the catalog says.';


-- Regenerates the views of a policy from the catalog -- all of them, or only
-- that of only_relation when a call changed nothing else (set_rule,
-- drop_rule): replacing a view takes an exclusive lock until commit, and
-- readers of the policy's other views need not wait for it, nor deadlock
-- with it.  Returns, per table, what mask._reconcile found changed (for the
-- event triggers' audit rows).  Grants are applied to the whole policy.
CREATE FUNCTION mask._regenerate_policy(policy_id integer, only_relation regclass DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy   mask.policy;
    v_prot     mask.protected;
    v_changes  jsonb;
    v_result   jsonb := '{}';
    v_owner    name;
    v_old_owner name;
    v_super    boolean;
    v_target   text;
    v_query    text;
    v_col      record;
    v_prev     text;
BEGIN
    SELECT p.* INTO v_policy FROM mask.policy p WHERE p.id = _regenerate_policy.policy_id;
    IF NOT FOUND THEN
        RETURN v_result;
    END IF;
    v_prev := mask._internal_begin();

    -- The schema may have been dropped by hand; the catalog says it exists.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = v_policy.view_schema) THEN
        EXECUTE pg_catalog.format('CREATE SCHEMA %I', v_policy.view_schema);
        UPDATE mask.policy p SET schema_created = true WHERE p.id = v_policy.id;
    END IF;
    PERFORM mask._ensure_key_view(v_policy.id);

    FOR v_prot IN SELECT p.* FROM mask.protected p
                   WHERE p.policy_id = v_policy.id
                     AND (_regenerate_policy.only_relation IS NULL
                          OR p.relation = _regenerate_policy.only_relation)
                   ORDER BY p.relation_name LOOP
        v_changes := mask._reconcile(v_policy.id, v_prot.relation);
        IF v_changes <> '{}' THEN
            v_result := v_result || pg_catalog.jsonb_build_object(v_prot.relation_name, v_changes);
        END IF;
        IF v_changes ? 'table_dropped' THEN
            PERFORM mask._drop_generated_view(v_policy.view_schema, v_prot.view_name);
            CONTINUE;
        END IF;
        SELECT p.* INTO v_prot FROM mask.protected p
         WHERE p.policy_id = v_policy.id AND p.relation = v_prot.relation;

        SELECT ro.rolname, ro.rolsuper INTO v_owner, v_super
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_roles ro ON ro.oid = c.relowner
         WHERE c.oid = v_prot.relation;
        IF v_super THEN
            RAISE EXCEPTION 'table % is owned by superuser %', v_prot.relation_name, v_owner
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'A masked view is owned by its table''s owner, and a view owned by a superuser would bypass row security and every privilege check on the table.',
                      HINT = 'Give the table a non-superuser owner, for example with ALTER TABLE ... OWNER TO a role that owns the data.';
        END IF;

        v_target := pg_catalog.format('%I.%I', v_policy.view_schema, v_prot.view_name);
        v_query := mask._view_query(v_policy.id, v_prot.relation);
        -- The view follows the table to a new owner (ALTER TABLE ... OWNER TO).
        SELECT pg_catalog.pg_get_userbyid(c.relowner) INTO v_old_owner
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = v_policy.view_schema AND c.relname = v_prot.view_name AND c.relkind = 'v';
        IF v_old_owner IS NOT NULL AND v_old_owner <> v_owner THEN
            v_result := v_result || pg_catalog.jsonb_build_object(v_prot.relation_name,
                COALESCE(v_result -> v_prot.relation_name, '{}'::jsonb)
                || pg_catalog.jsonb_build_object('view_owner_changed',
                       pg_catalog.jsonb_build_object('from', v_old_owner, 'to', v_owner)));
        END IF;
        -- CREATE OR REPLACE keeps objects that depend on the view; it cannot
        -- drop, rename or retype columns (42P16), and then the view is
        -- dropped and created afresh.
        BEGIN
            EXECUTE pg_catalog.format('CREATE OR REPLACE VIEW %s WITH (security_barrier) AS %s',
                                      v_target, v_query);
        EXCEPTION WHEN invalid_table_definition THEN
            EXECUTE pg_catalog.format('DROP VIEW %s', v_target);
            EXECUTE pg_catalog.format('CREATE VIEW %s WITH (security_barrier) AS %s', v_target, v_query);
        END;
        EXECUTE pg_catalog.format('ALTER VIEW %s OWNER TO %I', v_target, v_owner);
        EXECUTE pg_catalog.format('COMMENT ON VIEW %s IS %L', v_target,
            pg_catalog.format('maskview: masked view of %s for policy %s, generated from the policy catalog; changes made by hand are undone by the next regeneration.',
                              v_prot.relation_name, v_policy.name));
        FOR v_col IN SELECT a.attname, r.action, r.expression, r.reason
                       FROM mask.rule r
                       JOIN pg_catalog.pg_attribute a
                         ON a.attrelid = r.relation AND a.attnum = r.column_attnum
                      WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
                        AND NOT r.orphaned AND NOT a.attisdropped
                      ORDER BY a.attnum LOOP
            EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', v_target, v_col.attname,
                'maskview rule: '
                || CASE v_col.action WHEN 'pass' THEN 'PASS' WHEN 'null' THEN 'NULL'
                                     ELSE v_col.expression END
                || COALESCE('; reason: ' || v_col.reason, ''));
        END LOOP;
    END LOOP;

    PERFORM mask._apply_grants(v_policy.id);
    PERFORM mask._internal_end(v_prev);
    RETURN v_result;
END;
$$;

COMMENT ON FUNCTION mask._regenerate_policy(integer, regclass) IS
'Internal: regenerates the masked views of a policy (or only that of one table) from the catalog, after following DDL on the tables, and applies the policy''s grants; returns what was followed.';
