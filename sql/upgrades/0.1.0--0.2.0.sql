-- Changes to objects that 0.1.0 already has.  test/upgrade_test.sh compares
-- an upgraded database with a fresh install of 0.2.0, object by object, so a
-- change to a part of 0.1.0 that is not repeated here fails the suite.

-- 0.2.0: admins may run mask.import_policy(jsonb, boolean) (0.1.0 named a
-- one-argument signature that was never created) and mask.refresh_privileges().
CREATE OR REPLACE FUNCTION mask._admin_functions()
RETURNS SETOF regprocedure
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f FROM (SELECT pg_catalog.to_regprocedure(s) AS f FROM pg_catalog.unnest(ARRAY[
        'mask.create_policy(name, name, text)',
        'mask.drop_policy(name)',
        'mask.protect(name, regclass, text, name)',
        'mask.unprotect(name, regclass)',
        'mask.set_rule(name, regclass, name, text, text)',
        'mask.drop_rule(name, regclass, name)',
        'mask.add_member(name, regrole, boolean)',
        'mask.remove_member(name, regrole)',
        'mask.rotate_key(name)',
        'mask.grant_admin(regrole)',
        'mask.revoke_admin(regrole)',
        'mask.grant_auditor(regrole)',
        'mask.revoke_auditor(regrole)',
        'mask.import_policy(jsonb, boolean)',
        'mask.refresh_privileges()']) s) x
     WHERE f IS NOT NULL
$$;

-- Masking functions and validators declare what a call costs (0.1.0 left
-- the default COST 1); why these figures: sql/parts/10_masking_functions.sql.
ALTER FUNCTION mask.partial(text, integer, integer, text, integer) COST 5;
ALTER FUNCTION mask.redact(text, text, integer) COST 5;
ALTER FUNCTION mask.digits(text, integer, integer, text) COST 5;
ALTER FUNCTION mask.email(text, text) COST 5;
ALTER FUNCTION mask.cn_name(text, text, text, integer) COST 5;
ALTER FUNCTION mask.cn_phone(text, text) COST 5;
ALTER FUNCTION mask.cn_id_card(text, integer, integer, text) COST 5;
ALTER FUNCTION mask.cn_address(text, text, text, integer) COST 50;
ALTER FUNCTION mask.bank_card(text, text) COST 5;
ALTER FUNCTION mask.cn_id_card_valid(text) COST 5;
ALTER FUNCTION mask.cn_mobile_valid(text) COST 5;
ALTER FUNCTION mask.luhn_valid(text) COST 5;
ALTER FUNCTION mask.pseudonym(text, bytea, integer) COST 50;
ALTER FUNCTION mask.generalize(numeric, numeric) COST 10;
ALTER FUNCTION mask.generalize(bigint, bigint) COST 10;
ALTER FUNCTION mask.generalize(date, text) COST 10;

-- 0.2.0: an append from a stale snapshot (REPEATABLE READ, SERIALIZABLE)
-- raises serialization_failure instead of a unique violation.
CREATE OR REPLACE FUNCTION mask._audit(action text, policy name, object text, details jsonb)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id        bigint;
    v_prev      bytea;
    v_at        timestamptz := pg_catalog.clock_timestamp();
    v_session   name := pg_catalog."session_user"();
    v_current   name;
BEGIN
    IF action IS NULL OR action = '' THEN
        RAISE EXCEPTION 'audit action must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Inside SECURITY DEFINER functions current_user is the definer.  The
    -- "role" setting is untouched by SECURITY DEFINER and holds what SET ROLE
    -- made current in the session ('none' when nothing was set).
    v_current := pg_catalog.current_setting('role');
    IF v_current IS NULL OR v_current = 'none' THEN
        v_current := v_session;
    END IF;

    -- Serialise appends: SHARE ROW EXCLUSIVE conflicts with itself and with
    -- inserts but not with readers, so auditors keep reading while the next
    -- id and predecessor are chosen.  Unlike an advisory lock, no other role
    -- can take it to block the API (LOCK in this mode needs UPDATE/DELETE/
    -- TRUNCATE privilege on the table, which nobody else has).
    LOCK TABLE mask.audit_log IN SHARE ROW EXCLUSIVE MODE;

    -- Ids come from the chain itself, not from the identity sequence: a
    -- sequence leaves a gap for every rolled-back call, and then a gap could
    -- not be told apart from a deleted row.
    SELECT l.id, l.hash INTO v_id, v_prev
      FROM mask.audit_log AS l
     ORDER BY l.id DESC
     LIMIT 1;
    IF NOT FOUND THEN
        v_id := 0;
        v_prev := pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex');
    END IF;
    v_id := v_id + 1;

    -- Under REPEATABLE READ or SERIALIZABLE the query above reads the
    -- transaction's snapshot, which misses a row another admin committed
    -- after it was taken: the id and predecessor are then stale and the
    -- insert collides.  That is a serialization failure, and reporting it as
    -- one tells clients to retry.
    BEGIN
        INSERT INTO mask.audit_log (id, at, "session_user", "current_user", action,
                                    policy, object, details, prev_hash, hash)
        OVERRIDING SYSTEM VALUE
        VALUES (v_id, v_at, v_session, v_current, action, policy, object, details,
                v_prev,
                mask._audit_row_hash(v_prev, v_id, v_at, v_session, v_current,
                                     action, policy, object, details));
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'could not serialize access to the audit log due to a concurrent policy change'
            USING ERRCODE = 'serialization_failure',
                  HINT = 'Retry the transaction.';
    END;
END;
$$;

-- 0.2.0: set_rule and drop_rule regenerate only the view of the table they
-- change (the other views of the policy are not locked), through a new
-- optional argument of mask._regenerate_policy.
DROP FUNCTION mask._regenerate_policy(integer);

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

REVOKE ALL ON FUNCTION mask._regenerate_policy(integer, regclass) FROM PUBLIC;

CREATE OR REPLACE FUNCTION mask.set_rule(policy name, relation regclass, column_name name, expression text,
                              reason text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy   mask.policy;
    v_prot     mask.protected;
    v_attnum   smallint;
    v_action   text;
    v_sql      text;
    v_old      mask.rule;
    v_followed jsonb;
    v_prev     text;
BEGIN
    v_policy := mask._policy(set_rule.policy);
    v_prot := mask._protected(v_policy, set_rule.relation);
    v_prev := mask._internal_begin();
    -- Column names and the validator must see the table as it is now.
    v_followed := mask._reconcile(v_policy.id, v_prot.relation);

    SELECT a.attnum INTO v_attnum FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = v_prot.relation AND a.attname = set_rule.column_name
       AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'column "%" of table % does not exist', set_rule.column_name, v_prot.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Table %s has no column named %s.', v_prot.relation,
                                             pg_catalog.quote_ident(set_rule.column_name));
    END IF;
    IF set_rule.expression IS NULL THEN
        RAISE EXCEPTION 'rule expression for column "%" must not be NULL', set_rule.column_name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Write PASS, NULL (as text) or a masking expression; mask.drop_rule() hides the column again.';
    END IF;

    CASE pg_catalog.upper(pg_catalog.btrim(set_rule.expression))
        WHEN 'PASS' THEN v_action := 'pass';
        WHEN 'NULL' THEN v_action := 'null';
        ELSE
            v_action := 'mask';
            v_sql := mask._validate_expression(set_rule.expression, v_prot.relation, false,
                                               mask._key_sql(v_policy.id));
    END CASE;

    SELECT r.* INTO v_old FROM mask.rule r
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation AND r.column_attnum = v_attnum;
    INSERT INTO mask.rule AS r (policy_id, relation, column_attnum, column_name, action,
                                expression, expression_sql, reason)
    VALUES (v_policy.id, v_prot.relation, v_attnum, set_rule.column_name, v_action,
            set_rule.expression, v_sql, set_rule.reason)
    ON CONFLICT ON CONSTRAINT rule_pkey DO UPDATE
        SET column_name = EXCLUDED.column_name,
            action = EXCLUDED.action,
            expression = EXCLUDED.expression,
            expression_sql = EXCLUDED.expression_sql,
            reason = EXCLUDED.reason,
            orphaned = false,
            set_by = session_user,
            set_at = pg_catalog.now();
    PERFORM mask._regenerate_policy(v_policy.id, v_prot.relation);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('set_rule', v_policy.name,
        pg_catalog.format('%s.%I', (SELECT p.relation_name FROM mask.protected p
                                     WHERE p.policy_id = v_policy.id AND p.relation = v_prot.relation),
                          set_rule.column_name),
        pg_catalog.jsonb_build_object('action', v_action, 'expression', set_rule.expression,
                                      'reason', set_rule.reason,
                                      'previous', CASE WHEN v_old.column_attnum IS NOT NULL THEN
                                          pg_catalog.jsonb_build_object('action', v_old.action,
                                                                        'expression', v_old.expression) END)
        || CASE WHEN v_followed <> '{}' THEN pg_catalog.jsonb_build_object('followed', v_followed)
                ELSE '{}'::jsonb END);
END;
$$;

COMMENT ON FUNCTION mask.set_rule(name, regclass, name, text, text) IS
'Sets how a column appears in the masked view: PASS (as is), NULL (typed NULL) or a validated masking expression; mask.pseudonym(col) uses the policy''s key.';

CREATE OR REPLACE FUNCTION mask.drop_rule(policy name, relation regclass, column_name name)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_prot   mask.protected;
    v_rule   mask.rule;
    v_prev   text;
BEGIN
    v_policy := mask._policy(drop_rule.policy);
    v_prot := mask._protected(v_policy, drop_rule.relation);
    v_prev := mask._internal_begin();
    PERFORM mask._reconcile(v_policy.id, v_prot.relation);

    -- The rule of the live column of that name, else an orphaned rule that
    -- still carries the name of its dropped column.
    SELECT r.* INTO v_rule FROM mask.rule r
      JOIN pg_catalog.pg_attribute a ON a.attrelid = r.relation AND a.attnum = r.column_attnum
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
       AND a.attname = drop_rule.column_name AND NOT a.attisdropped;
    IF NOT FOUND THEN
        SELECT r.* INTO v_rule FROM mask.rule r
         WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation
           AND r.orphaned AND r.column_name = drop_rule.column_name
         ORDER BY r.column_attnum LIMIT 1;
    END IF;
    IF v_rule.column_attnum IS NULL THEN
        RAISE EXCEPTION 'column "%" of table % has no rule in policy "%"', drop_rule.column_name,
                        v_prot.relation, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A column without a rule is already hidden.';
    END IF;

    DELETE FROM mask.rule r
     WHERE r.policy_id = v_rule.policy_id AND r.relation = v_rule.relation
       AND r.column_attnum = v_rule.column_attnum;
    PERFORM mask._regenerate_policy(v_policy.id, v_prot.relation);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('drop_rule', v_policy.name,
        pg_catalog.format('%s.%I', v_prot.relation_name, v_rule.column_name),
        pg_catalog.jsonb_build_object('action', v_rule.action, 'expression', v_rule.expression,
                                      'orphaned', v_rule.orphaned));
END;
$$;

COMMENT ON FUNCTION mask.drop_rule(name, regclass, name) IS
'Removes a column''s rule, which hides the column from the masked view again (also removes orphaned rules of dropped columns).';
