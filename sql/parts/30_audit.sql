-- ---------------------------------------------------------------------------
-- Audit log functions: append (mask_internal._audit), the canonical row text and its
-- hash, the append-only trigger function and the chain check.  The table and
-- its chain design: 25_audit_log.sql; its triggers: 95_triggers.sql.
-- ---------------------------------------------------------------------------

-- The canonical text of a row, the input of its hash.  Every field is written
-- as <byte length>:<bytes> (NULL as a lone "~"), fields separated by "|", so no
-- content can imitate a field boundary.  Time is UTC with microseconds, which
-- is independent of the session's TimeZone and DateStyle; jsonb's text output
-- is already normalised (sorted keys, no insignificant whitespace).  The text is
-- converted to UTF-8 so that the hash does not depend on the server encoding.
-- Changing this function invalidates every stored hash: version it ("v1").
CREATE FUNCTION mask_internal._audit_canonical(id bigint, at timestamptz,
                                      session_role name, current_role_ name,
                                      action text, policy name, object text,
                                      details jsonb)
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.convert_to(
        'maskview-audit-v1|' || pg_catalog.string_agg(
            CASE WHEN f.v IS NULL THEN '~'
                 ELSE pg_catalog.octet_length(f.v)::text || ':' || f.v END,
            '|' ORDER BY f.n),
        'UTF8')
    FROM pg_catalog.unnest(ARRAY[
        id::text,
        pg_catalog.to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        session_role::text,
        current_role_::text,
        action,
        policy::text,
        object,
        details::text]) WITH ORDINALITY AS f(v, n)
$$;

COMMENT ON FUNCTION mask_internal._audit_canonical(bigint, timestamptz, name, name, text, name, text, jsonb) IS
'Internal: the canonical byte string of an audit row that its hash covers (length-prefixed fields, UTC time, UTF-8).';


-- The hash of one row given its predecessor's hash: a pure function over its
-- arguments, used when a row is appended and by mask.verify_audit_log() (which
-- runs as the extension owner) to recompute the chain.
CREATE FUNCTION mask_internal._audit_row_hash(prev_hash bytea, id bigint, at timestamptz,
                                     session_role name, current_role_ name,
                                     action text, policy name, object text,
                                     details jsonb)
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.sha256(prev_hash || mask_internal._audit_canonical(
        id, at, session_role, current_role_, action, policy, object, details))
$$;

COMMENT ON FUNCTION mask_internal._audit_row_hash(bytea, bigint, timestamptz, name, name, text, name, text, jsonb) IS
'Internal: sha256(prev_hash || canonical row text), the hash stored in mask.audit_log.hash.';


-- The role in effect for the caller's session.  Inside SECURITY DEFINER
-- functions current_user is the definer.  The "role" setting is untouched by
-- SECURITY DEFINER and holds what SET ROLE made current in the session
-- ('none' when nothing was set).
CREATE FUNCTION mask_internal._audit_session_role()
RETURNS name
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN COALESCE(pg_catalog.current_setting('role'), 'none') = 'none'
                THEN pg_catalog."session_user"()
                ELSE pg_catalog.current_setting('role')::name END
$$;

COMMENT ON FUNCTION mask_internal._audit_session_role() IS
'Internal: the role set by SET ROLE in the session, else session_user (what mask.audit_log.acting_role records).';


-- Every audit row names what was done: refuses an empty action.
CREATE FUNCTION mask_internal._audit_check_action(action text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF action IS NULL OR action = '' THEN
        RAISE EXCEPTION 'audit action must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;

COMMENT ON FUNCTION mask_internal._audit_check_action(text) IS
'Internal: refuses (invalid_parameter_value) an empty audit action.';


-- Appends one row at the end of the chain.  The caller holds the append lock.
CREATE FUNCTION mask_internal._audit_append(at timestamptz, session_role name, current_role_ name,
                                   action text, policy name, object text, details jsonb)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id        bigint;
    v_prev      bytea;
BEGIN
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
        INSERT INTO mask.audit_log (id, at, login_role, acting_role, action,
                                    policy, object, details, prev_hash, hash)
        OVERRIDING SYSTEM VALUE
        VALUES (v_id, _audit_append.at, session_role, current_role_, action, policy, object, details,
                v_prev,
                mask_internal._audit_row_hash(v_prev, v_id, _audit_append.at, session_role, current_role_,
                                     action, policy, object, details));
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'could not serialize access to the audit log due to a concurrent policy change'
            USING ERRCODE = 'serialization_failure',
                  HINT = 'Retry the transaction.';
    END;
END;
$$;

COMMENT ON FUNCTION mask_internal._audit_append(timestamptz, name, name, text, name, text, jsonb) IS
'Internal: appends one row to the hash chain of mask.audit_log; the caller holds the append lock (mask_internal._audit).';


-- Appends one row.  Called exactly once by every API function (which are
-- SECURITY DEFINER themselves), never by users: EXECUTE is revoked from PUBLIC.
-- Committed reads waiting in mask.audit_pending are chained first.
CREATE FUNCTION mask_internal._audit(action text, policy name, object text, details jsonb)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_at        timestamptz := pg_catalog.clock_timestamp();
    v_pending   mask.audit_pending;
    v_moved     bigint[] := '{}';
    v_prev      text;
BEGIN
    PERFORM mask_internal._audit_check_action(action);

    -- Serialise appends: SHARE ROW EXCLUSIVE conflicts with itself and with
    -- inserts but not with readers, so auditors keep reading while the next
    -- id and predecessor are chosen.  Unlike an advisory lock, no other role
    -- can take it to block the API (LOCK in this mode needs UPDATE/DELETE/
    -- TRUNCATE privilege on the table, which nobody else has).  Audited reads
    -- never take it (mask_internal._audit_read): the lock lasts until the end of the
    -- transaction, and a reader's open transaction would block every writer.
    LOCK TABLE mask.audit_log IN SHARE ROW EXCLUSIVE MODE;

    FOR v_pending IN SELECT p.* FROM mask.audit_pending p ORDER BY p.id LOOP
        PERFORM mask_internal._audit_append(v_pending.at, v_pending.login_role, v_pending.acting_role,
                                   v_pending.action, v_pending.policy, v_pending.object,
                                   v_pending.details);
        v_moved := v_moved || v_pending.id;
    END LOOP;
    IF v_moved <> '{}' THEN
        v_prev := mask_internal._internal_begin();
        DELETE FROM mask.audit_pending p WHERE p.id = ANY (v_moved);
        PERFORM mask_internal._internal_end(v_prev);
    END IF;

    PERFORM mask_internal._audit_append(v_at, pg_catalog."session_user"(), mask_internal._audit_session_role(),
                               action, policy, object, details);
    -- What the API call returns to psql and scripts: the change in one line,
    -- as the audit row records it ("set_rule: policy notice, t.phone").
    RETURN action
           || COALESCE(': policy ' || pg_catalog.quote_ident(policy), '')
           || COALESCE(CASE WHEN policy IS NULL THEN ': ' ELSE ', ' END || object, '');
END;
$$;


COMMENT ON FUNCTION mask_internal._audit(text, name, text, jsonb) IS
'Internal: appends one hash-chained row to mask.audit_log; called once per API call by the policy engine. Records session_user and the session''s role (SET ROLE, else session_user), not the SECURITY DEFINER owner.';


-- Records an audited read (export_policy) without taking the append lock:
-- readers of the catalog and the log never block writers.  The row waits in
-- mask.audit_pending until the next mask_internal._audit() chains it.
CREATE FUNCTION mask_internal._audit_read(action text, policy name, object text, details jsonb)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM mask_internal._audit_check_action(action);
    INSERT INTO mask.audit_pending (at, login_role, acting_role, action, policy, object, details)
    VALUES (pg_catalog.clock_timestamp(), pg_catalog."session_user"(), mask_internal._audit_session_role(),
            action, policy, object, details);
END;
$$;

COMMENT ON FUNCTION mask_internal._audit_read(text, name, text, jsonb) IS
'Internal: records an audited read in mask.audit_pending, without the append lock; the next API call chains it into mask.audit_log.';


-- Pending reads are never changed, and removed only by mask_internal._audit() as it
-- chains them (under maskview's internal mark, which only the extension owner
-- can set).
CREATE FUNCTION mask_internal._audit_pending_refuse()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND mask_internal._internal_active() THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'mask.audit_pending is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'Audited reads wait there until the next API call chains them into mask.audit_log.';
END;
$$;

COMMENT ON FUNCTION mask_internal._audit_pending_refuse() IS
'Internal trigger function: refuses UPDATE, TRUNCATE and DELETE on mask.audit_pending, except maskview''s own chaining.';


-- Append-only: row UPDATE/DELETE and TRUNCATE are refused for everyone,
-- including the owner.  A superuser can disable the triggers; the hash chain
-- is what then shows the change.
CREATE FUNCTION mask_internal._audit_log_refuse()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'mask.audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'Rows of the audit log are written by the maskview API and never changed or removed.',
              HINT = 'Use mask.verify_audit_log() to check the chain.';
END;
$$;

COMMENT ON FUNCTION mask_internal._audit_log_refuse() IS
'Internal trigger function: refuses UPDATE, DELETE and TRUNCATE on mask.audit_log.';

-- Recomputes the chain in id order and reports the first row where it breaks.
-- SECURITY DEFINER so that the hash functions it recomputes with stay
-- internal (PUBLIC executes no mask_internal function); EXECUTE is for
-- auditors and admins, who read the whole log anyway, and the result says
-- only where the chain breaks.
CREATE FUNCTION mask.verify_audit_log()
RETURNS TABLE (id bigint, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r           record;
    v_expect_id bigint := 1;
    v_prev      bytea := pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex');
BEGIN
    FOR r IN SELECT l.* FROM mask.audit_log AS l ORDER BY l.id LOOP
        IF r.id > v_expect_id THEN
            -- The missing id is the removed row; name it.
            id := v_expect_id;
            problem := pg_catalog.format(
                'row missing: ids jump from %s to %s', v_expect_id - 1, r.id);
            RETURN NEXT;
            RETURN;
        END IF;
        IF r.prev_hash IS DISTINCT FROM v_prev THEN
            id := r.id;
            problem := 'prev_hash does not match the hash of the previous row';
            RETURN NEXT;
            RETURN;
        END IF;
        IF r.hash IS DISTINCT FROM mask_internal._audit_row_hash(
                r.prev_hash, r.id, r.at, r.login_role, r.acting_role,
                r.action, r.policy, r.object, r.details) THEN
            id := r.id;
            problem := 'hash mismatch: the row was changed after it was written';
            RETURN NEXT;
            RETURN;
        END IF;
        v_prev := r.hash;
        v_expect_id := r.id + 1;
    END LOOP;
    RETURN;
END;
$$;


COMMENT ON FUNCTION mask.verify_audit_log() IS
'Recomputes the hash chain of mask.audit_log: no rows when intact, otherwise one row (id, problem) for the first broken row (changed row, wrong predecessor, or missing id). Rows removed from the end of the log cannot be detected by the chain alone.';
