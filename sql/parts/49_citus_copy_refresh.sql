-- Citus masked copies (continued from 49_citus_copy.sql): filling them and
-- the API (mask.set_citus_copy, mask.refresh).

-- Fills one copy: TRUNCATE and INSERT ... SELECT from the row function of
-- the view, with the key as a parameter, in the caller's transaction.
-- The row function receives the key and belongs to the table owner (who
-- has no USAGE on the view schema, so cannot reach it by name; but a
-- setting or body changed by hand would see the key): it is generated
-- again first (mask_internal._citus_prepare), in this transaction, so the
-- function that receives the key is exactly maskview's, and a change to it
-- waits for the commit; readers of the view are not held up by it.
-- Recreates the copy when it is missing or its columns differ from the
-- view's.  Returns the number of rows.
CREATE FUNCTION mask_internal._citus_copy_fill(policy_id integer, relation regclass)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc     mask.citus_copy;
    v_schema name;
    v_view   regclass;
    v_copy   regclass;
    v_fn     regprocedure;
    v_key    bytea;
    v_keyat  timestamptz;
    v_rows   bigint;
    v_ddl    text;
BEGIN
    SELECT c.* INTO v_cc FROM mask.citus_copy c
     WHERE c.policy_id = _citus_copy_fill.policy_id AND c.relation = _citus_copy_fill.relation;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_copy_fill.policy_id;
    v_ddl := mask_internal._citus_ddl_propagation('off');
    PERFORM mask_internal._citus_prepare(policy_id, relation,
        (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = relation));
    PERFORM mask_internal._citus_ddl_propagation(v_ddl);
    v_view := mask_internal._citus_view(policy_id, relation);
    v_fn := mask_internal._citus_rows_function(v_schema, (SELECT p.view_name FROM mask.protected p
                                                  WHERE p.policy_id = _citus_copy_fill.policy_id
                                                    AND p.relation = _citus_copy_fill.relation));
    IF v_view IS NULL OR v_fn IS NULL THEN
        RAISE EXCEPTION 'the masked view of % is missing or does not read a row function', relation
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Run mask.refresh_privileges() to generate it again.';
    END IF;
    v_copy := mask_internal._citus_copy_relation(policy_id, v_cc.copy_name);
    IF v_copy IS NULL OR mask_internal._citus_kind(v_copy) IS DISTINCT FROM 'distributed'
       OR mask_internal._citus_copy_signature(v_copy) IS DISTINCT FROM mask_internal._citus_copy_signature(v_view)
       OR mask_internal._citus_distribution_column(v_copy) IS DISTINCT FROM v_cc.distribution_column THEN
        v_copy := mask_internal._citus_copy_create(policy_id, relation);
    END IF;

    SELECT k.key, k.created_at INTO v_key, v_keyat FROM mask.policy_key k
     WHERE k.policy_id = _citus_copy_fill.policy_id;
    -- the key is a parameter: it is in no statement text, and the row
    -- function computes the pseudonyms on the coordinator
    v_rows := mask_internal._citus_copy_execute(ARRAY[
        pg_catalog.format('TRUNCATE %s', v_copy),
        pg_catalog.format('INSERT INTO %s SELECT * FROM %I.%I($1)', v_copy, v_schema,
                          (SELECT p.proname FROM pg_catalog.pg_proc p WHERE p.oid = v_fn))], v_key);
    UPDATE mask.citus_copy c
       SET filled_with = mask_internal._citus_copy_definition(_citus_copy_fill.policy_id, _citus_copy_fill.relation),
           key_created_at = v_keyat, refreshed_at = pg_catalog.now(),
           refreshed_by = session_user, refreshed_rows = v_rows
     WHERE c.policy_id = _citus_copy_fill.policy_id AND c.relation = _citus_copy_fill.relation;
    RETURN v_rows;
END;
$$;

COMMENT ON FUNCTION mask_internal._citus_copy_fill(integer, regclass) IS
'Internal: refills a masked copy from the row function of its view (masks on the workers, pseudonyms on the coordinator, the key a parameter), in the caller''s transaction.';


CREATE FUNCTION mask.set_citus_copy(policy name, relation regclass, enabled boolean,
                                    distribution_column name DEFAULT NULL, copy_name text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    v_policy  mask.policy;
    v_prot    mask.protected;
    v_old     mask.citus_copy;
    v_name    name;
    v_column  name;
    v_rows    bigint;
    v_prev    text;
BEGIN
    v_policy := mask_internal._policy(set_citus_copy.policy);
    v_prot := mask_internal._protected(v_policy, set_citus_copy.relation);
    IF set_citus_copy.enabled IS NULL THEN
        RAISE EXCEPTION 'enabled must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.* INTO v_old FROM mask.citus_copy c
     WHERE c.policy_id = v_policy.id AND c.relation = v_prot.relation;

    IF NOT set_citus_copy.enabled THEN
        IF v_old.relation IS NULL THEN
            RAISE EXCEPTION 'table % of policy "%" has no masked copy', v_prot.relation_name, v_policy.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_prev := mask_internal._internal_begin();
        PERFORM mask_internal._citus_copy_drop(v_policy.view_schema, v_prot.view_name);
        DELETE FROM mask.citus_copy c WHERE c.policy_id = v_policy.id AND c.relation = v_prot.relation;
        PERFORM mask_internal._internal_end(v_prev);
        RETURN mask_internal._audit('set_citus_copy', v_policy.name, v_prot.relation_name,
            pg_catalog.jsonb_build_object('enabled', false, 'copy',
                pg_catalog.format('%I.%I', v_policy.view_schema, v_old.copy_name)));
    END IF;

    IF mask_internal._citus_kind(v_prot.relation) IS DISTINCT FROM 'distributed' THEN
        RAISE EXCEPTION 'table % is not a Citus distributed table', v_prot.relation_name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = CASE WHEN mask_internal._citus_kind(v_prot.relation) = 'reference'
                                THEN 'A reference table is on every node; its masked view serves it.'
                                ELSE 'A masked copy is for Citus distributed tables; the masked view of any other table reads it with WHERE and LIMIT pushed down already.' END,
                  HINT = 'Read the masked view instead.';
    END IF;
    IF set_citus_copy.copy_name = '' THEN
        RAISE EXCEPTION 'copy name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mask_internal._check_name_length('copy_name', set_citus_copy.copy_name);
    v_name := COALESCE(set_citus_copy.copy_name, v_old.copy_name::text,
                       mask_internal._citus_copy_default_name(v_prot.view_name));
    -- The name must be free in the view schema, or this copy's own.
    IF (EXISTS (SELECT FROM mask.protected o WHERE o.policy_id IN (SELECT po.id FROM mask.policy po
                                                                   WHERE po.view_schema = v_policy.view_schema)
                                             AND o.view_name = v_name)
        OR EXISTS (SELECT FROM mask.citus_copy o JOIN mask.policy po ON po.id = o.policy_id
                    WHERE po.view_schema = v_policy.view_schema AND o.copy_name = v_name
                      AND NOT (o.policy_id = v_policy.id AND o.relation = v_prot.relation))
        OR (mask_internal._citus_copy_relation(v_policy.id, v_name) IS NOT NULL
            AND v_name IS DISTINCT FROM v_old.copy_name)) THEN
        RAISE EXCEPTION 'relation %.% already exists', pg_catalog.quote_ident(v_policy.view_schema),
                        pg_catalog.quote_ident(v_name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'maskview does not replace objects it did not generate.',
                  HINT = 'Pass another copy_name.';
    END IF;
    IF mask_internal._citus_view(v_policy.id, v_prot.relation) IS NULL
       OR mask_internal._citus_copy_signature(mask_internal._citus_view(v_policy.id, v_prot.relation)) = '' THEN
        RAISE EXCEPTION 'the masked view of % has no columns', v_prot.relation_name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Every column of the table is hidden by the policy.',
                  HINT = 'Set rules with mask.set_rule() first.';
    END IF;
    v_column := mask_internal._citus_copy_pick_column(v_policy.id, v_prot.relation, set_citus_copy.distribution_column);

    v_prev := mask_internal._internal_begin();
    IF v_old.relation IS NOT NULL AND v_old.copy_name <> v_name
       AND mask_internal._citus_copy_relation(v_policy.id, v_old.copy_name) IS NOT NULL THEN
        PERFORM mask_internal._citus_copy_drop(v_policy.view_schema, v_prot.view_name);
    END IF;
    INSERT INTO mask.citus_copy AS c (policy_id, relation, copy_name, distribution_column)
    VALUES (v_policy.id, v_prot.relation, v_name, v_column)
    ON CONFLICT ON CONSTRAINT citus_copy_pkey DO UPDATE
        SET copy_name = EXCLUDED.copy_name, distribution_column = EXCLUDED.distribution_column,
            filled_with = NULL, enabled_by = session_user, enabled_at = pg_catalog.now();
    PERFORM mask_internal._citus_copy_create(v_policy.id, v_prot.relation);
    v_rows := mask_internal._citus_copy_fill(v_policy.id, v_prot.relation);
    PERFORM mask_internal._internal_end(v_prev);

    RETURN mask_internal._audit('set_citus_copy', v_policy.name, v_prot.relation_name,
        pg_catalog.jsonb_build_object('enabled', true,
            'copy', pg_catalog.format('%I.%I', v_policy.view_schema, v_name),
            'distribution_column', v_column, 'rows', v_rows,
            'replaced', v_old.relation IS NOT NULL));
END;
$$;

COMMENT ON FUNCTION mask.set_citus_copy(name, regclass, boolean, name, text) IS
'Keeps (enabled true: creates and fills) or drops a materialized masked copy of a protected Citus distributed table: a distributed table <view_schema>.<copy_name> (default <view>_copy) of the masked rows that members read with WHERE and LIMIT pushed to the shards; mask.refresh() fills it again.';


CREATE FUNCTION mask.refresh(policy name)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
    v_policy mask.policy;
    v_cc     record;
    v_rows   jsonb := '{}';
    v_quiet  jsonb;
    v_start  timestamptz := pg_catalog.clock_timestamp();
BEGIN
    v_policy := mask_internal._policy(refresh.policy);
    -- No logging setting of the caller shows the statements of the refresh.
    IF pg_catalog.current_setting('citus.log_remote_commands', true) IS NOT NULL THEN
        v_quiet := mask_internal._citus_set_local(mask_internal._citus_quiet_settings());
    END IF;
    FOR v_cc IN SELECT c.relation, p.relation_name FROM mask.citus_copy c
                  JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE c.policy_id = v_policy.id ORDER BY p.relation_name LOOP
        v_rows := v_rows || pg_catalog.jsonb_build_object(v_cc.relation_name,
                                                          mask_internal._citus_copy_fill(v_policy.id, v_cc.relation));
    END LOOP;
    IF v_quiet IS NOT NULL THEN
        PERFORM mask_internal._citus_set_local(v_quiet);
    END IF;
    RETURN mask_internal._audit('refresh', v_policy.name, NULL,
        pg_catalog.jsonb_build_object('copies', v_rows,
            'seconds', pg_catalog.round(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - v_start)::numeric, 3)));
END;
$$;

COMMENT ON FUNCTION mask.refresh(name) IS
'Refills every materialized masked copy of a policy (mask.set_citus_copy) from the raw tables, atomically: readers of a copy wait for the refresh and then see the new rows. Audited with the row counts.';
