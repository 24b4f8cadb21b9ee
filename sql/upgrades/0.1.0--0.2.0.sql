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

