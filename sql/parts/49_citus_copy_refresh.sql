-- Citus masked copies (continued from 49_citus_copy.sql): filling them,
-- the API (mask.set_citus_copy, mask.refresh) and their verify() findings.

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
    v_prev   text;
    v_ddl    text;
BEGIN
    SELECT c.* INTO v_cc FROM mask.citus_copy c
     WHERE c.policy_id = _citus_copy_fill.policy_id AND c.relation = _citus_copy_fill.relation;
    SELECT po.view_schema INTO v_schema FROM mask.policy po WHERE po.id = _citus_copy_fill.policy_id;
    v_ddl := mask_internal._citus_local_begin(relation);
    PERFORM mask_internal._citus_prepare(policy_id, relation,
        (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = relation));
    PERFORM mask_internal._citus_local_end(v_ddl);
    v_view := mask_internal._citus_copy_view(policy_id, relation);
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
    v_prev := mask_internal._internal_begin();
    v_ddl := mask_internal._citus_copy_ddl_begin();
    EXECUTE pg_catalog.format('TRUNCATE %s', v_copy);
    -- the key is a parameter: it is in no statement text, and the row
    -- function computes the pseudonyms on the coordinator
    EXECUTE pg_catalog.format('INSERT INTO %s SELECT * FROM %I.%I($1)', v_copy, v_schema,
                              (SELECT p.proname FROM pg_catalog.pg_proc p WHERE p.oid = v_fn))
      USING v_key;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    UPDATE mask.citus_copy c
       SET filled_with = mask_internal._citus_copy_definition(_citus_copy_fill.policy_id, _citus_copy_fill.relation),
           key_created_at = v_keyat, refreshed_at = pg_catalog.now(),
           refreshed_by = session_user, refreshed_rows = v_rows
     WHERE c.policy_id = _citus_copy_fill.policy_id AND c.relation = _citus_copy_fill.relation;
    PERFORM mask_internal._citus_local_end(v_ddl);
    PERFORM mask_internal._internal_end(v_prev);
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
    IF mask_internal._citus_copy_view(v_policy.id, v_prot.relation) IS NULL
       OR mask_internal._citus_copy_signature(mask_internal._citus_copy_view(v_policy.id, v_prot.relation)) = '' THEN
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
    v_quiet  text[];
    v_start  timestamptz := pg_catalog.clock_timestamp();
BEGIN
    v_policy := mask_internal._policy(refresh.policy);
    -- No logging setting of the caller shows the statements of the refresh.
    IF pg_catalog.current_setting('citus.log_remote_commands', true) IS NOT NULL THEN
        v_quiet := ARRAY[pg_catalog.current_setting('citus.log_remote_commands'),
                         pg_catalog.current_setting('citus.worker_min_messages'),
                         pg_catalog.current_setting('citus.explain_all_tasks')];
        PERFORM pg_catalog.set_config('citus.log_remote_commands', 'off', true);
        PERFORM pg_catalog.set_config('citus.worker_min_messages', 'warning', true);
        PERFORM pg_catalog.set_config('citus.explain_all_tasks', 'off', true);
    END IF;
    FOR v_cc IN SELECT c.relation, p.relation_name FROM mask.citus_copy c
                  JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE c.policy_id = v_policy.id ORDER BY p.relation_name LOOP
        v_rows := v_rows || pg_catalog.jsonb_build_object(v_cc.relation_name,
                                                          mask_internal._citus_copy_fill(v_policy.id, v_cc.relation));
    END LOOP;
    IF v_quiet IS NOT NULL THEN
        PERFORM pg_catalog.set_config('citus.log_remote_commands', v_quiet[1], true);
        PERFORM pg_catalog.set_config('citus.worker_min_messages', v_quiet[2], true);
        PERFORM pg_catalog.set_config('citus.explain_all_tasks', v_quiet[3], true);
    END IF;
    RETURN mask_internal._audit('refresh', v_policy.name, NULL,
        pg_catalog.jsonb_build_object('copies', v_rows,
            'seconds', pg_catalog.round(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - v_start)::numeric, 3)));
END;
$$;

COMMENT ON FUNCTION mask.refresh(name) IS
'Refills every materialized masked copy of a policy (mask.set_citus_copy) from the raw tables, atomically: readers of a copy wait for the refresh and then see the new rows. Audited with the row counts.';


-- mask.verify() on masked copies (hooked in by one line in 82_verify.sql):
--   error    the copy holds rows masked by other rules or another row filter
--            than the current ones; its columns differ from the view's; it
--            is not owned by the extension owner; a role other than the
--            policy's readers has a privilege on it, or a reader more than
--            SELECT; the table is not protected by the policy any more
--   warning  the copy is missing or not a distributed table; it is empty
--            (never refreshed, or emptied by a change of the rules); the
--            key was rotated since its refresh (old tokens); a reader
--            cannot read it
--   info     when it was refreshed, by whom, and how many rows it holds
CREATE FUNCTION mask_internal._verify_citus_copy(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cc      record;
    v_copy    regclass;
    v_view    regclass;
    v_readers oid[];
    v_g       record;
    v_keyat   timestamptz;
BEGIN
    FOR v_cc IN SELECT c.*, po.name AS policy_name, po.view_schema, p.relation_name,
                       p.relation IS NOT NULL AS protected
                  FROM mask.citus_copy c
                  JOIN mask.policy po ON po.id = c.policy_id
                  LEFT JOIN mask.protected p ON p.policy_id = c.policy_id AND p.relation = c.relation
                 WHERE _verify_citus_copy.only_policy IS NULL OR po.name = _verify_citus_copy.only_policy
                 ORDER BY po.name, c.copy_name LOOP
        policy := v_cc.policy_name;
        object := pg_catalog.format('%I.%I', v_cc.view_schema, v_cc.copy_name);
        v_copy := mask_internal._citus_copy_relation(v_cc.policy_id, v_cc.copy_name);
        IF NOT v_cc.protected THEN
            severity := 'error';
            finding := 'A masked copy is kept for a table the policy no longer protects.';
            hint := 'Run SELECT mask.refresh_privileges(); it drops the copy.';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF v_copy IS NULL OR mask_internal._citus_kind(v_copy) IS DISTINCT FROM 'distributed' THEN
            severity := 'warning';
            finding := pg_catalog.format('The masked copy of %s is %s.', v_cc.relation_name,
                           CASE WHEN v_copy IS NULL THEN 'missing' ELSE 'not a Citus distributed table' END);
            hint := pg_catalog.format('SELECT mask.refresh(%L); creates it again.', v_cc.policy_name);
            RETURN NEXT;
            CONTINUE;
        END IF;
        v_view := mask_internal._citus_copy_view(v_cc.policy_id, v_cc.relation);
        IF v_view IS NULL OR mask_internal._citus_copy_signature(v_copy) <> mask_internal._citus_copy_signature(v_view) THEN
            severity := 'error';
            finding := pg_catalog.format('The columns of the masked copy of %s differ from those of its masked view (the rules): %s.',
                           v_cc.relation_name, mask_internal._citus_copy_signature(v_copy));
            hint := pg_catalog.format('SELECT mask.refresh(%L); creates it again with the columns of the view.', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        IF v_cc.filled_with IS NOT NULL
           AND v_cc.filled_with IS DISTINCT FROM mask_internal._citus_copy_definition(v_cc.policy_id, v_cc.relation) THEN
            severity := 'error';
            finding := pg_catalog.format('The masked copy of %s holds rows masked by other rules or another row filter than the policy''s current ones.',
                                         v_cc.relation_name);
            hint := pg_catalog.format('SELECT mask.refresh(%L);', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        IF (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = v_copy) <> mask_internal._extension_owner() THEN
            severity := 'error';
            finding := pg_catalog.format('The masked copy of %s is owned by %s, not by the extension owner: its owner can change its rows and grants.',
                           v_cc.relation_name,
                           (SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = v_copy));
            hint := pg_catalog.format('SELECT mask.refresh(%L); creates it again.', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        v_readers := mask_internal._citus_copy_readers(v_cc.policy_id);
        FOR v_g IN SELECT DISTINCT NULL::name AS attname, g.grantee, g.privilege_type
                     FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                    WHERE c.oid = v_copy AND g.grantee <> c.relowner
                      AND (NOT (g.grantee = ANY (v_readers)) OR g.privilege_type <> 'SELECT')
                   UNION
                   SELECT DISTINCT a.attname, g.grantee, g.privilege_type
                     FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                    WHERE a.attrelid = v_copy AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY 1 NULLS FIRST, 2, 3 LOOP
            severity := 'error';
            finding := pg_catalog.format('%s holds %s on %sthe masked copy of %s, which only the policy''s readers may read.',
                           mask_internal._grantee_name(v_g.grantee), v_g.privilege_type,
                           COALESCE('column ' || pg_catalog.quote_ident(v_g.attname) || ' of ', ''),
                           v_cc.relation_name);
            hint := 'Run SELECT mask.refresh_privileges(); it revokes grants maskview did not make.';
            RETURN NEXT;
        END LOOP;
        FOR v_g IN SELECT ro.rolname FROM pg_catalog.pg_roles ro
                    WHERE ro.oid = ANY (v_readers)
                      AND NOT pg_catalog.has_table_privilege(ro.oid, v_copy, 'SELECT')
                    ORDER BY 1 LOOP
            severity := 'warning';
            finding := pg_catalog.format('Reader %s of the policy cannot read the masked copy of %s.',
                                         pg_catalog.quote_ident(v_g.rolname), v_cc.relation_name);
            hint := 'Run SELECT mask.refresh_privileges();';
            RETURN NEXT;
        END LOOP;
        IF v_cc.filled_with IS NULL THEN
            severity := 'warning';
            finding := pg_catalog.format('The masked copy of %s is empty: %s.', v_cc.relation_name,
                           CASE WHEN v_cc.refreshed_at IS NULL THEN 'it was never refreshed'
                                ELSE 'a change of the rules emptied it after its refresh at '
                                     || pg_catalog.to_char(v_cc.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' END);
            hint := pg_catalog.format('SELECT mask.refresh(%L);', v_cc.policy_name);
            RETURN NEXT;
            CONTINUE;
        END IF;
        SELECT k.created_at INTO v_keyat FROM mask.policy_key k WHERE k.policy_id = v_cc.policy_id;
        IF v_keyat IS DISTINCT FROM v_cc.key_created_at THEN
            severity := 'warning';
            finding := pg_catalog.format('The masked copy of %s holds pseudonyms of the key the policy had before mask.rotate_key(): they no longer match the view''s.',
                                         v_cc.relation_name);
            hint := pg_catalog.format('SELECT mask.refresh(%L);', v_cc.policy_name);
            RETURN NEXT;
        END IF;
        severity := 'info';
        finding := pg_catalog.format('The masked copy of %s holds %s rows as of %s UTC (refreshed by %s); changes to the table since are not in it.',
                       v_cc.relation_name, v_cc.refreshed_rows,
                       pg_catalog.to_char(v_cc.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                       pg_catalog.quote_ident(v_cc.refreshed_by));
        hint := pg_catalog.format('SELECT mask.refresh(%L); to bring it up to date.', v_cc.policy_name);
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_citus_copy(name) IS
'Internal (mask.verify()): masked copies of Citus tables that are missing, empty, stale (rules, filter or key changed since their refresh), of other columns than their view, of another owner, or readable by roles other than the policy''s readers.';
