-- maskview 0.2.0: generated from sql/parts/*.sql by make; edit the parts.
\echo Use "CREATE EXTENSION maskview" to load this file. \quit

-- ---- sql/parts/05_internal.sql
-- Internal helpers used by the policy engine.  Not for direct use: EXECUTE
-- is revoked from PUBLIC and only the extension's SECURITY DEFINER API calls them.

CREATE FUNCTION mask._random_bytes(n integer)
RETURNS bytea
LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED
AS 'MODULE_PATHNAME', '_random_bytes';

COMMENT ON FUNCTION mask._random_bytes(integer) IS
    'Internal: n bytes (16 to 1024) from pg_strong_random, for policy keys.';

REVOKE EXECUTE ON FUNCTION mask._random_bytes(integer) FROM PUBLIC;

-- ---- sql/parts/10_masking_functions.sql
-- The masking functions (contract: MASKING_RULES.md) and the validators.
--
-- All are C functions, IMMUTABLE and PARALLEL SAFE, with no SET clause and
-- no SECURITY DEFINER, so masked views can inline them, fold constants and
-- scan in parallel.  They are STRICT except partial, redact and cn_name,
-- whose pad defaults to NULL: a STRICT function would return NULL whenever
-- pad is left out, so those three return NULL for a NULL value themselves.
-- This file is ASCII only: the install script must read the same in every
-- database encoding.
--
-- COST tells the planner what a call costs, in units of cpu_operator_cost.
-- Built-ins all claim 1 whatever they do (int4pl takes about 5 ns a row on
-- the benchmark machine, textcat about 50 ns, upper() about 280 ns), so we
-- count one unit as about 20 ns, measured on 1,000,000 rows (bench/, and
-- the micro-benchmarks of the number masks): the string masks and the
-- validators take 30-130 ns (COST 5), generalize about 220 ns (COST 10),
-- cn_address and pseudonym about 1 us (COST 50).  Left at the default 1, the
-- planner thinks masking is free: it would not parallelise a masked view's
-- scan for it, and with a cost above 10 it evaluates an expensive mask
-- after a Sort/Limit instead of on every row it sorts.

-- ---- Generic

CREATE FUNCTION mask.partial(value text, keep_head integer, keep_tail integer,
                             mask_char text DEFAULT '*', pad integer DEFAULT NULL)
RETURNS text
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'partial';

COMMENT ON FUNCTION mask.partial(text, integer, integer, text, integer) IS
    'Keeps the first keep_head and last keep_tail graphemes and masks the rest; at least one grapheme is always masked. With pad, the masked part is exactly pad mask chars.';

CREATE FUNCTION mask.redact(value text, mask_char text DEFAULT '*', pad integer DEFAULT NULL)
RETURNS text
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'redact';

COMMENT ON FUNCTION mask.redact(text, text, integer) IS
    'Masks every grapheme (one mask char each, or exactly pad mask chars).';

CREATE FUNCTION mask.digits(value text, keep_head integer, keep_tail integer,
                            mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'digits';

COMMENT ON FUNCTION mask.digits(text, integer, integer, text) IS
    'After NFKC, masks decimal digits except the first keep_head and last keep_tail digits; other characters are copied.';

CREATE FUNCTION mask.email(value text, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'email';

COMMENT ON FUNCTION mask.email(text, text) IS
    'Keeps the domain and the first grapheme of the local part, which is followed by exactly three mask chars; anything that is not local@domain is redacted.';

-- ---- Chinese personal information

CREATE FUNCTION mask.cn_name(value text, mask_char text DEFAULT '*',
                             keep text DEFAULT 'surname', pad integer DEFAULT NULL)
RETURNS text
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'cn_name';

COMMENT ON FUNCTION mask.cn_name(text, text, text, integer) IS
    'Masks a personal name: Han names keep the surname (compound surnames included) or, with keep => ''last'', the last character; names with a middle dot keep the first grapheme and the dots; other alphabetic names keep the first letter of each word.';

CREATE FUNCTION mask.cn_phone(value text, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'cn_phone';

COMMENT ON FUNCTION mask.cn_phone(text, text) IS
    'Masks a Chinese phone number: digits 4-7 of a mobile number, the local number of a landline except its last two digits, the middle of a 400/800 number; anything else is redacted.';

CREATE FUNCTION mask.cn_id_card(value text, keep_head integer DEFAULT 1,
                                keep_tail integer DEFAULT 1, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'cn_id_card';

COMMENT ON FUNCTION mask.cn_id_card(text, integer, integer, text) IS
    'Masks a resident identity number (18 or 15 characters), keeping keep_head (0-6) leading and keep_tail (0-4) trailing characters, so the birth date never shows; other shapes are redacted.';

CREATE FUNCTION mask.cn_address(value text, keep_level text DEFAULT 'district',
                                mask_char text DEFAULT '*', pad integer DEFAULT 4)
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50
AS 'MODULE_PATHNAME', 'cn_address';

COMMENT ON FUNCTION mask.cn_address(text, text, text, integer) IS
    'Keeps the recognised administrative levels of an address up to keep_level (province, city, district, town, road, community, building, unit, floor, room) and replaces the rest with exactly pad mask chars.';

CREATE FUNCTION mask.bank_card(value text, mask_char text DEFAULT '*')
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'bank_card';

COMMENT ON FUNCTION mask.bank_card(text, text) IS
    'Masks a bank card number: 12-19 digits keep the first 6 and last 4, 8-11 digits keep the last 4; spaces and hyphens are copied; anything else is redacted.';

-- ---- Validators (for discovery)

CREATE FUNCTION mask.cn_id_card_valid(value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'cn_id_card_valid';

COMMENT ON FUNCTION mask.cn_id_card_valid(text) IS
    'True for an 18-character resident identity number with a correct ISO 7064 MOD 11-2 check character and a real date, or a 15-digit one with a real date.';

CREATE FUNCTION mask.cn_mobile_valid(value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'cn_mobile_valid';

COMMENT ON FUNCTION mask.cn_mobile_valid(text) IS
    'True for a mainland mobile number: an optional +86, 0086 or 86 prefix and 11 digits starting 13-19.';

CREATE FUNCTION mask.luhn_valid(value text)
RETURNS boolean
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5
AS 'MODULE_PATHNAME', 'luhn_valid';

COMMENT ON FUNCTION mask.luhn_valid(text) IS
    'True for 12-19 digits that pass the Luhn check.';

-- ---- Pseudonyms and generalisation

CREATE FUNCTION mask.pseudonym(value text, key bytea, length integer DEFAULT 12)
RETURNS text
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50
AS 'MODULE_PATHNAME', 'pseudonym';

COMMENT ON FUNCTION mask.pseudonym(text, bytea, integer) IS
    'The first length (6-52) Crockford base32 characters of HMAC-SHA-256 of the UTF-8 value under key (at least 16 bytes); the same in every database encoding.';

CREATE FUNCTION mask.generalize(value numeric, step numeric)
RETURNS numrange
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10
AS 'MODULE_PATHNAME', 'generalize_numeric';

COMMENT ON FUNCTION mask.generalize(numeric, numeric) IS
    'The bucket [floor(value / step) * step, + step) holding value; step must be positive; NaN and infinite values give the unbounded range.';

CREATE FUNCTION mask.generalize(value bigint, step bigint)
RETURNS int8range
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10
AS 'MODULE_PATHNAME', 'generalize_bigint';

COMMENT ON FUNCTION mask.generalize(bigint, bigint) IS
    'The bucket [floor(value / step) * step, + step) holding value; step must be positive; a bound beyond bigint''s range leaves that side unbounded.';

CREATE FUNCTION mask.generalize(value date, unit text)
RETURNS daterange
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10
AS 'MODULE_PATHNAME', 'generalize_date';

COMMENT ON FUNCTION mask.generalize(date, text) IS
    'The year, quarter, month or ISO week (Monday to Sunday) holding value, as a daterange; infinite dates give the unbounded range.';

-- ---- sql/parts/15_validator.sql
-- The rule and row-filter validator (src/rule_validator.c).  Internal: only
-- the SECURITY DEFINER policy API calls it, so EXECUTE is revoked from PUBLIC.

CREATE FUNCTION mask._validate_expression(expression text, relation regclass,
                                          is_row_filter boolean,
                                          key_sql text DEFAULT NULL)
RETURNS text
-- Not STRICT because key_sql may be NULL; the C function returns NULL when
-- any of the first three arguments is NULL, as STRICT would.  VOLATILE: it
-- reads the catalog (columns, functions, mask.trusted_function).
LANGUAGE C VOLATILE PARALLEL UNSAFE
AS 'MODULE_PATHNAME', '_validate_expression';

COMMENT ON FUNCTION mask._validate_expression(text, regclass, boolean, text) IS
    'Internal: checks a masking rule (is_row_filter false) or row filter (true) over relation '
    'against the allowlist and returns the SQL to put in the view, rebuilt from the parse tree; '
    'key_sql is the policy''s key subquery for mask.pseudonym.  Refusals raise 22023.';

REVOKE EXECUTE ON FUNCTION mask._validate_expression(text, regclass, boolean, text) FROM PUBLIC;

-- ---- sql/parts/20_catalog.sql
-- ---------------------------------------------------------------------------
-- Policy catalog: what is protected, how each column is shown, who reads it.
--
-- Relations and roles are stored by OID (regclass / regrole), so renames of
-- tables and roles follow without any bookkeeping; columns are stored by
-- attnum for the same reason (the name is kept next to it for people and for
-- rules whose column has been dropped).  Every table is registered with
-- pg_extension_config_dump so that pg_dump carries the catalog along; the
-- generated views are ordinary views that pg_dump dumps on its own.
--
-- Nobody but the extension owner reads these tables directly: admins change
-- them through the SECURITY DEFINER API, auditors read the views of
-- 70_auditor_views.sql, which leave out the keys.
-- ---------------------------------------------------------------------------

CREATE TABLE mask.policy (
    id              serial PRIMARY KEY,
    name            name NOT NULL UNIQUE,
    view_schema     name NOT NULL,
    description     text,
    -- true when create_policy made the schema; drop_policy then removes it
    -- again if it is empty, and leaves a schema it found alone.
    schema_created  boolean NOT NULL DEFAULT false,
    created_by      name NOT NULL DEFAULT session_user,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.policy IS
'maskview policies: a named set of protected tables whose masked views live in view_schema.';

CREATE TABLE mask.protected (
    policy_id       integer NOT NULL REFERENCES mask.policy (id) ON DELETE CASCADE,
    relation        regclass NOT NULL,
    -- Qualified name and attnum -> column name map as of the last
    -- regeneration: comparing them with pg_class / pg_attribute is how a
    -- rename, ADD COLUMN or DROP COLUMN is noticed, even when the event
    -- trigger did not run (see mask._reconcile).
    relation_name   text NOT NULL,
    columns         jsonb NOT NULL,
    view_name       name NOT NULL,
    row_filter      text,           -- as the admin typed it (shown to auditors)
    row_filter_sql  text,           -- what the validator accepted (used in the view)
    added_by        name NOT NULL DEFAULT session_user,
    added_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (policy_id, relation),
    CHECK ((row_filter IS NULL) = (row_filter_sql IS NULL))
);

COMMENT ON TABLE mask.protected IS
'Tables protected by a policy, each with the name of its masked view and an optional row filter.';

CREATE TABLE mask.rule (
    policy_id       integer NOT NULL,
    relation        regclass NOT NULL,
    column_attnum   smallint NOT NULL,
    column_name     name NOT NULL,
    action          text NOT NULL CHECK (action IN ('mask', 'pass', 'null')),
    expression      text NOT NULL,  -- as typed: PASS, NULL or the masking expression
    expression_sql  text,           -- validator output, only for action mask
    reason          text,
    -- A rule whose column was dropped (or whose expression no longer
    -- validates after DDL) stays for the auditor but generates nothing.
    orphaned        boolean NOT NULL DEFAULT false,
    set_by          name NOT NULL DEFAULT session_user,
    set_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- attnums are never reused by PostgreSQL, so an orphaned rule never
    -- collides with a rule for a column added later.
    PRIMARY KEY (policy_id, relation, column_attnum),
    FOREIGN KEY (policy_id, relation) REFERENCES mask.protected (policy_id, relation)
        ON DELETE CASCADE,
    CHECK ((action = 'mask') = (expression_sql IS NOT NULL))
);

COMMENT ON TABLE mask.rule IS
'How one column of a protected table appears in the masked view; columns without a rule are hidden.';

CREATE TABLE mask.member (
    policy_id       integer NOT NULL REFERENCES mask.policy (id) ON DELETE CASCADE,
    role            regrole NOT NULL,
    -- The name at add time: if the role is dropped after DROP OWNED, regrole
    -- prints a bare OID and this still says who it was.
    role_name       name NOT NULL,
    -- true when add_member set the role's search_path; remove_member only
    -- resets a search_path it set itself.
    search_path_set boolean NOT NULL DEFAULT false,
    added_by        name NOT NULL DEFAULT session_user,
    added_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (policy_id, role)
);

COMMENT ON TABLE mask.member IS
'Roles that read a policy''s masked views.';

-- The pseudonym key of each policy.  Readable by the extension owner only;
-- generated views reach it through the per-policy key view mask."_key_<id>"
-- (see 40_views.sql), which only the owners of the policy's tables may read.
CREATE TABLE mask.policy_key (
    policy_id       integer PRIMARY KEY REFERENCES mask.policy (id) ON DELETE CASCADE,
    key             bytea NOT NULL CHECK (pg_catalog.octet_length(key) = 32),
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.policy_key IS
'Secret pseudonym key of each policy (32 bytes from pg_strong_random); never readable by members or auditors.';

CREATE TABLE mask.admin (
    role            regrole PRIMARY KEY,
    role_name       name NOT NULL,
    granted_by      name NOT NULL DEFAULT session_user,
    granted_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.admin IS
'Roles given mask.grant_admin(): they may execute the policy API.';

CREATE TABLE mask.auditor (
    role            regrole PRIMARY KEY,
    role_name       name NOT NULL,
    granted_by      name NOT NULL DEFAULT session_user,
    granted_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.auditor IS
'Roles given mask.grant_auditor(): they read the catalog views, the audit log and the masked views.';

-- Functions a superuser declared safe for rules besides the mask schema's
-- own; read by the validator (mask._validate_expression).
CREATE TABLE mask.trusted_function (
    func            regprocedure PRIMARY KEY,
    trusted_by      name NOT NULL DEFAULT session_user,
    trusted_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);

COMMENT ON TABLE mask.trusted_function IS
'Functions a superuser allowed in masking rules with mask.trust_function().';

REVOKE ALL ON TABLE mask.policy, mask.protected, mask.rule, mask.member,
    mask.policy_key, mask.admin, mask.auditor, mask.trusted_function FROM PUBLIC;
REVOKE ALL ON SEQUENCE mask.policy_id_seq FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('mask.policy', '');
SELECT pg_catalog.pg_extension_config_dump('mask.policy_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mask.protected', '');
SELECT pg_catalog.pg_extension_config_dump('mask.rule', '');
SELECT pg_catalog.pg_extension_config_dump('mask.member', '');
SELECT pg_catalog.pg_extension_config_dump('mask.policy_key', '');
SELECT pg_catalog.pg_extension_config_dump('mask.admin', '');
SELECT pg_catalog.pg_extension_config_dump('mask.auditor', '');
SELECT pg_catalog.pg_extension_config_dump('mask.trusted_function', '');

-- ---- sql/parts/30_audit.sql
-- ---------------------------------------------------------------------------
-- Audit log: append-only, hash-chained record of every policy API call.
--
-- Each row's hash is sha256(prev_hash || canonical row text), and prev_hash is
-- the hash of the row before it (32 zero bytes for the first row).  Changing,
-- removing or reordering a row therefore breaks the chain at that row, which
-- mask.verify_audit_log() reports.  Triggers refuse UPDATE, DELETE and
-- TRUNCATE; a superuser can still disable them, and the chain is what catches
-- that.  What the chain cannot catch: a superuser who rewrites the chain from
-- the tampered row onwards, or removes rows at the end of the log (anchor the
-- last hash somewhere else, e.g. in an external log, to detect that).
-- ---------------------------------------------------------------------------

CREATE TABLE mask.audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    "session_user"  name NOT NULL,
    "current_user"  name NOT NULL,
    action          text NOT NULL,
    policy          name,
    object          text,
    details         jsonb,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL,
    -- Two rows with the same predecessor would be a fork of the chain; the
    -- append lock prevents it, this constraint makes it impossible.
    CONSTRAINT audit_log_prev_hash_key UNIQUE (prev_hash),
    CONSTRAINT audit_log_hash_length CHECK (pg_catalog.octet_length(hash) = 32
                                            AND pg_catalog.octet_length(prev_hash) = 32)
);

-- Nobody reads the log by default; grant_auditor() grants SELECT to auditors.
REVOKE ALL ON TABLE mask.audit_log FROM PUBLIC;

-- The log survives pg_dump / restore with the rest of the catalog.  Ids are
-- assigned by mask._audit() (see there), the identity sequence is dumped too so
-- that a restored database has the same state as the original.
SELECT pg_catalog.pg_extension_config_dump('mask.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('mask.audit_log_id_seq', '');

COMMENT ON TABLE mask.audit_log IS
'Append-only, hash-chained log of every maskview API call; readable by auditors. UPDATE, DELETE and TRUNCATE are refused by trigger; mask.verify_audit_log() checks the chain.';
COMMENT ON COLUMN mask.audit_log.id IS
'Position in the chain: 1, 2, 3, ... without gaps (assigned under the append lock, so a rolled-back call leaves no gap and a missing id means a removed row).';
COMMENT ON COLUMN mask.audit_log.at IS
'Wall-clock time of the call (clock_timestamp()).';
COMMENT ON COLUMN mask.audit_log."session_user" IS
'session_user of the caller: the role that logged in, or the one set by SET SESSION AUTHORIZATION.';
COMMENT ON COLUMN mask.audit_log."current_user" IS
'The role in effect for the caller''s session: the role set by SET ROLE, or session_user when no SET ROLE is in effect. API functions are SECURITY DEFINER, so the SQL current_user inside them is the extension owner; this column records the session''s role instead. A call made from inside another SECURITY DEFINER function records the session''s role, not that function''s owner.';
COMMENT ON COLUMN mask.audit_log.action IS
'The API call, e.g. create_policy, set_rule, add_member, or an event-trigger action.';
COMMENT ON COLUMN mask.audit_log.policy IS
'The policy the call changed, if any.';
COMMENT ON COLUMN mask.audit_log.object IS
'The object the call changed (table, column, role), as text, if any.';
COMMENT ON COLUMN mask.audit_log.details IS
'Arguments and outcome of the call; never contains key material.';
COMMENT ON COLUMN mask.audit_log.prev_hash IS
'hash of the previous row; 32 zero bytes for the first row.';
COMMENT ON COLUMN mask.audit_log.hash IS
'sha256(prev_hash || mask._audit_canonical(row)), see mask._audit_row_hash().';


-- The canonical text of a row, the input of its hash.  Every field is written
-- as <byte length>:<bytes> (NULL as a lone "~"), fields separated by "|", so no
-- content can imitate a field boundary.  Time is UTC with microseconds, which
-- is independent of the session's TimeZone and DateStyle; jsonb's text output
-- is already normalised (sorted keys, no insignificant whitespace).  The text is
-- converted to UTF-8 so that the hash does not depend on the server encoding.
-- Changing this function invalidates every stored hash: version it ("v1").
CREATE FUNCTION mask._audit_canonical(id bigint, at timestamptz,
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

COMMENT ON FUNCTION mask._audit_canonical(bigint, timestamptz, name, name, text, name, text, jsonb) IS
'Internal: the canonical byte string of an audit row that its hash covers (length-prefixed fields, UTC time, UTF-8).';


-- The hash of one row given its predecessor's hash.  Executable by everyone:
-- it is a pure function over its arguments and lets anyone who can read the
-- log (auditors) recompute the chain with mask.verify_audit_log().
CREATE FUNCTION mask._audit_row_hash(prev_hash bytea, id bigint, at timestamptz,
                                     session_role name, current_role_ name,
                                     action text, policy name, object text,
                                     details jsonb)
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.sha256(prev_hash || mask._audit_canonical(
        id, at, session_role, current_role_, action, policy, object, details))
$$;

COMMENT ON FUNCTION mask._audit_row_hash(bytea, bigint, timestamptz, name, name, text, name, text, jsonb) IS
'Internal: sha256(prev_hash || canonical row text), the hash stored in mask.audit_log.hash.';


-- Appends one row.  Called exactly once by every API function (which are
-- SECURITY DEFINER themselves), never by users: EXECUTE is revoked from PUBLIC.
CREATE FUNCTION mask._audit(action text, policy name, object text, details jsonb)
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

REVOKE ALL ON FUNCTION mask._audit(text, name, text, jsonb) FROM PUBLIC;

COMMENT ON FUNCTION mask._audit(text, name, text, jsonb) IS
'Internal: appends one hash-chained row to mask.audit_log; called once per API call by the policy engine. Records session_user and the session''s role (SET ROLE, else session_user), not the SECURITY DEFINER owner.';


-- Append-only: row UPDATE/DELETE and TRUNCATE are refused for everyone,
-- including the owner.  A superuser can disable the triggers; the hash chain
-- is what then shows the change.
CREATE FUNCTION mask._audit_log_refuse()
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

COMMENT ON FUNCTION mask._audit_log_refuse() IS
'Internal trigger function: refuses UPDATE, DELETE and TRUNCATE on mask.audit_log.';

CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON mask.audit_log
    FOR EACH ROW EXECUTE FUNCTION mask._audit_log_refuse();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON mask.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION mask._audit_log_refuse();


-- Recomputes the chain in id order and reports the first row where it breaks.
-- SECURITY INVOKER on purpose: it reads nothing the caller could not read.
CREATE FUNCTION mask.verify_audit_log()
RETURNS TABLE (id bigint, problem text)
LANGUAGE plpgsql STABLE
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
        IF r.hash IS DISTINCT FROM mask._audit_row_hash(
                r.prev_hash, r.id, r.at, r."session_user", r."current_user",
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

REVOKE ALL ON FUNCTION mask.verify_audit_log() FROM PUBLIC;

COMMENT ON FUNCTION mask.verify_audit_log() IS
'Recomputes the hash chain of mask.audit_log: no rows when intact, otherwise one row (id, problem) for the first broken row (changed row, wrong predecessor, or missing id). Rows removed from the end of the log cannot be detected by the chain alone.';

-- ---- sql/parts/40_views.sql
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
CREATE UNLOGGED TABLE mask._internal_ddl (
    backend_pid integer NOT NULL,
    xact        xid8 NOT NULL,
    PRIMARY KEY (backend_pid, xact)
);

COMMENT ON TABLE mask._internal_ddl IS
'Internal: marks transactions in which maskview itself runs DDL (the event triggers skip those). Not dumped: a mark lives only as long as its transaction.';

REVOKE ALL ON mask._internal_ddl FROM PUBLIC;

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

-- ---- sql/parts/50_api_policy.sql
-- ---------------------------------------------------------------------------
-- Policy API: policies, protected tables, rules, keys.
--
-- Every function is SECURITY DEFINER (it runs DDL the caller may not run) and
-- EXECUTE is revoked from PUBLIC (90_privileges.sql), so a caller who is not
-- an admin is refused by PostgreSQL itself with 42501.  Each call validates
-- all of its input before changing anything, raises 22023 with a detail
-- naming the offending part, regenerates the affected views in the same
-- transaction and writes exactly one audit row once the change succeeded.
-- ---------------------------------------------------------------------------

-- The policy row for a name, or 22023.
CREATE FUNCTION mask._policy(policy name)
RETURNS mask.policy
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
BEGIN
    IF _policy.policy IS NULL THEN
        RAISE EXCEPTION 'policy name must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT p.* INTO v_policy FROM mask.policy p WHERE p.name = _policy.policy;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'policy "%" does not exist', _policy.policy
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The policies are listed in mask.policies.';
    END IF;
    RETURN v_policy;
END;
$$;

COMMENT ON FUNCTION mask._policy(name) IS
'Internal: the catalog row of a policy, or invalid_parameter_value naming the unknown policy.';


-- The protected-table row of (policy, relation), or 22023.
CREATE FUNCTION mask._protected(policy mask.policy, relation regclass)
RETURNS mask.protected
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot mask.protected;
BEGIN
    IF _protected.relation IS NULL THEN
        RAISE EXCEPTION 'relation must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT p.* INTO v_prot FROM mask.protected p
     WHERE p.policy_id = (_protected.policy).id AND p.relation = _protected.relation;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not protected by policy "%"',
                        _protected.relation, (_protected.policy).name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Add it with mask.protect() first.';
    END IF;
    RETURN v_prot;
END;
$$;

COMMENT ON FUNCTION mask._protected(mask.policy, regclass) IS
'Internal: the catalog row of a protected table of a policy, or invalid_parameter_value.';


-- Whether a role may lose USAGE on a view schema: not while it is still a
-- member of another policy using the schema, or an auditor.
CREATE FUNCTION mask._revoke_schema_usage(view_schema name, role oid)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prev text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles ro WHERE ro.oid = _revoke_schema_usage.role)
       OR NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = _revoke_schema_usage.view_schema)
       OR EXISTS (SELECT FROM mask.member m JOIN mask.policy p ON p.id = m.policy_id
                   WHERE m.role = _revoke_schema_usage.role AND p.view_schema = _revoke_schema_usage.view_schema)
       OR EXISTS (SELECT FROM mask.auditor a WHERE a.role = _revoke_schema_usage.role) THEN
        RETURN;
    END IF;
    v_prev := mask._internal_begin();
    EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA %I FROM %I', view_schema,
                              pg_catalog.pg_get_userbyid(role));
    PERFORM mask._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask._revoke_schema_usage(name, oid) IS
'Internal: revokes USAGE on a view schema from a role that no longer needs it as member or auditor.';


CREATE FUNCTION mask.create_policy(policy name, view_schema name, description text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id      integer;
    v_created boolean := false;
    v_prev    text;
BEGIN
    IF create_policy.policy IS NULL OR create_policy.policy = '' THEN
        RAISE EXCEPTION 'policy name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF create_policy.view_schema IS NULL OR create_policy.view_schema = '' THEN
        RAISE EXCEPTION 'view schema of policy "%" must not be empty', create_policy.policy
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM mask.policy p WHERE p.name = create_policy.policy) THEN
        RAISE EXCEPTION 'policy "%" already exists', create_policy.policy
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The views' schema is readable by every member: never one that holds
    -- the catalog or the system.
    IF create_policy.view_schema IN ('mask', 'pg_catalog', 'information_schema')
       OR create_policy.view_schema LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'schema "%" cannot hold masked views', create_policy.view_schema
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The view schema of a policy must not be mask or a system schema.';
    END IF;

    v_prev := mask._internal_begin();
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = create_policy.view_schema) THEN
        EXECUTE pg_catalog.format('CREATE SCHEMA %I', create_policy.view_schema);
        v_created := true;
    END IF;
    INSERT INTO mask.policy (name, view_schema, description, schema_created)
    VALUES (create_policy.policy, create_policy.view_schema, create_policy.description, v_created)
    RETURNING id INTO v_id;
    INSERT INTO mask.policy_key (policy_id, key) VALUES (v_id, mask._new_key());
    PERFORM mask._regenerate_policy(v_id);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('create_policy', create_policy.policy, create_policy.view_schema::text,
        pg_catalog.jsonb_build_object('view_schema', create_policy.view_schema,
                                      'description', create_policy.description,
                                      'schema_created', v_created));
END;
$$;

COMMENT ON FUNCTION mask.create_policy(name, name, text) IS
'Creates a policy whose masked views live in view_schema (created if missing) and gives it a fresh 32-byte pseudonym key.';


CREATE FUNCTION mask.drop_policy(policy name)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy   mask.policy;
    v_prot     mask.protected;
    v_member   mask.member;
    v_members  text[];
    v_tables   text[];
    v_dropped  boolean := false;
    v_prev     text;
BEGIN
    v_policy := mask._policy(drop_policy.policy);
    v_prev := mask._internal_begin();

    SELECT pg_catalog.array_agg(p.relation_name ORDER BY p.relation_name) INTO v_tables
      FROM mask.protected p WHERE p.policy_id = v_policy.id;
    FOR v_prot IN SELECT p.* FROM mask.protected p WHERE p.policy_id = v_policy.id LOOP
        PERFORM mask._drop_generated_view(v_policy.view_schema, v_prot.view_name);
    END LOOP;
    EXECUTE pg_catalog.format('DROP VIEW IF EXISTS %I.%I', 'mask', mask._key_view_name(v_policy.id));

    SELECT pg_catalog.array_agg(m.role_name ORDER BY m.role_name) INTO v_members
      FROM mask.member m WHERE m.policy_id = v_policy.id;
    FOR v_member IN SELECT m.* FROM mask.member m WHERE m.policy_id = v_policy.id LOOP
        PERFORM mask._reset_search_path(v_member);
    END LOOP;
    DELETE FROM mask.policy p WHERE p.id = v_policy.id;   -- cascades to the rest

    IF v_members IS NOT NULL THEN
        PERFORM mask._revoke_schema_usage(v_policy.view_schema, ro.oid)
           FROM pg_catalog.pg_roles ro WHERE ro.rolname = ANY (v_members);
    END IF;

    -- A schema create_policy made goes again when nothing else is in it.
    IF v_policy.schema_created
       AND NOT EXISTS (SELECT FROM mask.policy p WHERE p.view_schema = v_policy.view_schema) THEN
        BEGIN
            EXECUTE pg_catalog.format('DROP SCHEMA IF EXISTS %I RESTRICT', v_policy.view_schema);
            v_dropped := true;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            v_dropped := false;
        END;
    END IF;
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('drop_policy', v_policy.name, v_policy.view_schema::text,
        pg_catalog.jsonb_build_object('tables', COALESCE(v_tables, '{}'),
                                      'members', COALESCE(v_members, '{}'),
                                      'schema_dropped', v_dropped));
END;
$$;

COMMENT ON FUNCTION mask.drop_policy(name) IS
'Drops a policy: its masked views, key, rules and memberships; the view schema too if create_policy made it and it is now empty.';


CREATE FUNCTION mask.protect(policy name, relation regclass, row_filter text DEFAULT NULL,
                             view_name name DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy    mask.policy;
    v_old       mask.protected;
    v_rel       record;
    v_view      name;
    v_other     text;
    v_filter_sql text;
    v_member    record;
    v_path      text;
    v_followed  jsonb := '{}';
    v_prev      text;
BEGIN
    v_policy := mask._policy(protect.policy);
    IF protect.relation IS NULL THEN
        RAISE EXCEPTION 'relation must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.relname, c.relkind, n.nspname, ro.rolname, ro.rolsuper INTO v_rel
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_roles ro ON ro.oid = c.relowner
     WHERE c.oid = protect.relation;
    IF v_rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '% is not a table', protect.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only tables and partitioned tables can be protected.';
    END IF;
    IF v_rel.rolsuper THEN
        RAISE EXCEPTION 'table % is owned by superuser %', protect.relation, v_rel.rolname
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A masked view is owned by its table''s owner, and a view owned by a superuser would bypass row security and every privilege check on the table.',
                  HINT = 'Give the table a non-superuser owner, for example with ALTER TABLE ... OWNER TO a role that owns the data.';
    END IF;
    IF v_rel.nspname = 'mask' THEN
        RAISE EXCEPTION 'table % belongs to maskview', protect.relation
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The tables of schema mask cannot be protected.';
    END IF;

    v_view := COALESCE(protect.view_name, v_rel.relname::name);
    IF v_view = '' THEN
        RAISE EXCEPTION 'view name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT o.relation_name INTO v_other
      FROM mask.protected o JOIN mask.policy p ON p.id = o.policy_id
     WHERE p.view_schema = v_policy.view_schema AND o.view_name = v_view
       AND NOT (o.policy_id = v_policy.id AND o.relation = protect.relation);
    IF FOUND THEN
        RAISE EXCEPTION 'view name %.% is already taken', pg_catalog.quote_ident(v_policy.view_schema),
                        pg_catalog.quote_ident(v_view)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('It is the masked view of %s.', v_other),
                  HINT = 'Pass another view_name.';
    END IF;

    SELECT p.* INTO v_old FROM mask.protected p
     WHERE p.policy_id = v_policy.id AND p.relation = protect.relation;
    -- Any other object of that name is not ours to replace.
    IF EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = v_policy.view_schema AND c.relname = v_view)
       AND (v_old.view_name IS NULL OR v_old.view_name <> v_view) THEN
        RAISE EXCEPTION 'relation %.% already exists', pg_catalog.quote_ident(v_policy.view_schema),
                        pg_catalog.quote_ident(v_view)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'maskview does not replace objects it did not generate.',
                  HINT = 'Pass another view_name.';
    END IF;

    v_prev := mask._internal_begin();
    IF v_old.relation IS NOT NULL THEN
        -- Validate the new filter against the table as it is now.
        v_followed := mask._reconcile(v_policy.id, protect.relation);
    END IF;
    IF protect.row_filter IS NOT NULL THEN
        v_filter_sql := mask._validate_expression(protect.row_filter, protect.relation, true);
    END IF;

    -- A member of the policy must not be able to read the table it now protects.
    FOR v_member IN SELECT m.role FROM mask.member m WHERE m.policy_id = v_policy.id ORDER BY m.role_name LOOP
        v_path := mask._read_path(v_member.role, ARRAY[protect.relation::oid]);
        IF v_path IS NOT NULL THEN
            RAISE EXCEPTION 'member % of policy "%" can read %', v_member.role, v_policy.name, protect.relation
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = v_path,
                      HINT = 'Revoke that access, or remove the member, before protecting the table.';
        END IF;
    END LOOP;

    IF v_old.relation IS NOT NULL AND v_old.view_name <> v_view THEN
        PERFORM mask._drop_generated_view(v_policy.view_schema, v_old.view_name);
    END IF;
    INSERT INTO mask.protected AS p (policy_id, relation, relation_name, columns, view_name,
                                     row_filter, row_filter_sql)
    VALUES (v_policy.id, protect.relation,
            pg_catalog.format('%I.%I', v_rel.nspname, v_rel.relname),
            mask._columns_snapshot(protect.relation), v_view,
            protect.row_filter, v_filter_sql)
    ON CONFLICT ON CONSTRAINT protected_pkey DO UPDATE
        SET view_name = EXCLUDED.view_name,
            row_filter = EXCLUDED.row_filter,
            row_filter_sql = EXCLUDED.row_filter_sql,
            added_by = session_user,
            added_at = pg_catalog.now();
    PERFORM mask._regenerate_policy(v_policy.id);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('protect', v_policy.name, pg_catalog.format('%I.%I', v_rel.nspname, v_rel.relname),
        pg_catalog.jsonb_build_object(
            'view', pg_catalog.format('%I.%I', v_policy.view_schema, v_view),
            'row_filter', protect.row_filter,
            'replaced', v_old.relation IS NOT NULL,
            'previous', CASE WHEN v_old.relation IS NOT NULL THEN
                             pg_catalog.jsonb_build_object('view_name', v_old.view_name,
                                                           'row_filter', v_old.row_filter) END)
        || CASE WHEN v_followed <> '{}' THEN pg_catalog.jsonb_build_object('followed', v_followed)
                ELSE '{}'::jsonb END);
END;
$$;

COMMENT ON FUNCTION mask.protect(name, regclass, text, name) IS
'Protects a table in a policy: its masked view (named view_name, default the table''s name) shows only ruled columns and, with a row filter, only matching rows. Called again for the same table, replaces the row filter and view name.';


CREATE FUNCTION mask.unprotect(policy name, relation regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_prot   mask.protected;
    v_rules  bigint;
    v_prev   text;
BEGIN
    v_policy := mask._policy(unprotect.policy);
    v_prot := mask._protected(v_policy, unprotect.relation);
    SELECT pg_catalog.count(*) INTO v_rules FROM mask.rule r
     WHERE r.policy_id = v_policy.id AND r.relation = v_prot.relation;

    v_prev := mask._internal_begin();
    PERFORM mask._drop_generated_view(v_policy.view_schema, v_prot.view_name);
    DELETE FROM mask.protected p WHERE p.policy_id = v_policy.id AND p.relation = v_prot.relation;
    PERFORM mask._regenerate_policy(v_policy.id);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('unprotect', v_policy.name, v_prot.relation_name,
        pg_catalog.jsonb_build_object('view', pg_catalog.format('%I.%I', v_policy.view_schema, v_prot.view_name),
                                      'rules_dropped', v_rules));
END;
$$;

COMMENT ON FUNCTION mask.unprotect(name, regclass) IS
'Removes a table from a policy: drops its masked view and its rules.';


CREATE FUNCTION mask.set_rule(policy name, relation regclass, column_name name, expression text,
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


CREATE FUNCTION mask.drop_rule(policy name, relation regclass, column_name name)
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


CREATE FUNCTION mask.rotate_key(policy name)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
BEGIN
    v_policy := mask._policy(rotate_key.policy);
    -- The views read the key through the key view at each execution, so
    -- they need no regeneration; pseudonyms change from the next query on.
    UPDATE mask.policy_key k SET key = mask._new_key(), created_at = pg_catalog.now()
     WHERE k.policy_id = v_policy.id;
    IF NOT FOUND THEN
        INSERT INTO mask.policy_key (policy_id, key) VALUES (v_policy.id, mask._new_key());
    END IF;
    PERFORM mask._audit('rotate_key', v_policy.name, NULL,
        pg_catalog.jsonb_build_object('pseudonyms_change', true));
END;
$$;

COMMENT ON FUNCTION mask.rotate_key(name) IS
'Replaces a policy''s pseudonym key with 32 fresh random bytes: every pseudonym of the policy changes, and old and new tokens no longer link.';

-- ---- sql/parts/51_api_members.sql
-- ---------------------------------------------------------------------------
-- Members: the roles that read a policy's masked views.
--
-- A member must have no other way to the raw data, or the masking is
-- decoration.  add_member therefore refuses any role that can read a
-- protected table by any path, and names the path so the DBA can close it.
-- ---------------------------------------------------------------------------

-- Why role could read one of relations (or their inheritance parents and
-- children) without maskview, as a full sentence; NULL when it cannot.  The
-- paths: superuser, BYPASSRLS, pg_read_all_data, a grant to PUBLIC, owning
-- or being granted SELECT on the table or one of its columns, each either
-- directly, through an inherited role, or through a role it can SET ROLE to.
CREATE FUNCTION mask._read_path(role oid, relations oid[])
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_member  text := pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(_read_path.role));
    v_r       record;
    v_t       record;
    v_who     text;
    v_col     name;
BEGIN
    -- PUBLIC first: it is the widest path and the first to close.
    FOR v_t IN
        WITH RECURSIVE family(relid, dir) AS (
            SELECT x, d FROM pg_catalog.unnest(relations) x, (VALUES ('down'), ('up')) v(d)
            UNION
            SELECT CASE f.dir WHEN 'down' THEN i.inhrelid ELSE i.inhparent END, f.dir
              FROM family f JOIN pg_catalog.pg_inherits i
                ON (f.dir = 'down' AND i.inhparent = f.relid) OR (f.dir = 'up' AND i.inhrelid = f.relid))
        SELECT DISTINCT c.oid, c.oid::regclass::text AS name, c.relowner, c.relacl
          FROM family f JOIN pg_catalog.pg_class c ON c.oid = f.relid
         ORDER BY 2
    LOOP
        IF EXISTS (SELECT FROM pg_catalog.aclexplode(v_t.relacl) g
                    WHERE g.grantee = 0 AND g.privilege_type = 'SELECT')
           OR EXISTS (SELECT FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                       WHERE a.attrelid = v_t.oid AND g.grantee = 0 AND g.privilege_type = 'SELECT') THEN
            RETURN pg_catalog.format('PUBLIC has SELECT on %s, so every role can read it, %s included.',
                                     v_t.name, v_member);
        END IF;
    END LOOP;

    -- The role itself, then every role whose privileges it inherits or can
    -- take with SET ROLE.
    FOR v_r IN SELECT ro.oid, pg_catalog.quote_ident(ro.rolname) AS name, ro.rolname,
                      ro.rolsuper, ro.rolbypassrls,
                      ro.oid = _read_path.role AS self,
                      pg_catalog.pg_has_role(_read_path.role, ro.oid, 'USAGE') AS inherits
                 FROM pg_catalog.pg_roles ro
                WHERE pg_catalog.pg_has_role(_read_path.role, ro.oid, 'MEMBER')
                ORDER BY ro.oid <> _read_path.role, ro.rolname
    LOOP
        v_who := CASE WHEN v_r.self THEN pg_catalog.format('Role %s', v_member)
                      WHEN v_r.inherits THEN pg_catalog.format('Role %s inherits the privileges of %s, which', v_member, v_r.name)
                      ELSE pg_catalog.format('Role %s can SET ROLE to %s, which', v_member, v_r.name) END;
        IF v_r.rolsuper THEN
            RETURN v_who || ' is a superuser.';
        END IF;
        IF v_r.rolbypassrls THEN
            RETURN v_who || ' has BYPASSRLS.';
        END IF;
        IF v_r.rolname = 'pg_read_all_data' THEN
            RETURN pg_catalog.format('Role %s is a member of pg_read_all_data.', v_member);
        END IF;
        FOR v_t IN
            WITH RECURSIVE family(relid, dir) AS (
                SELECT x, d FROM pg_catalog.unnest(relations) x, (VALUES ('down'), ('up')) v(d)
                UNION
                SELECT CASE f.dir WHEN 'down' THEN i.inhrelid ELSE i.inhparent END, f.dir
                  FROM family f JOIN pg_catalog.pg_inherits i
                    ON (f.dir = 'down' AND i.inhparent = f.relid) OR (f.dir = 'up' AND i.inhrelid = f.relid))
            SELECT DISTINCT c.oid, c.oid::regclass::text AS name, c.relowner, c.relacl
              FROM family f JOIN pg_catalog.pg_class c ON c.oid = f.relid
             ORDER BY 2
        LOOP
            IF v_t.relowner = v_r.oid THEN
                RETURN pg_catalog.format('%s owns %s.', v_who, v_t.name);
            END IF;
            IF EXISTS (SELECT FROM pg_catalog.aclexplode(v_t.relacl) g
                        WHERE g.grantee = v_r.oid AND g.privilege_type = 'SELECT') THEN
                RETURN pg_catalog.format('%s has SELECT on %s.', v_who, v_t.name);
            END IF;
            SELECT a.attname INTO v_col
              FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
             WHERE a.attrelid = v_t.oid AND g.grantee = v_r.oid AND g.privilege_type = 'SELECT'
             ORDER BY a.attnum LIMIT 1;
            IF FOUND THEN
                RETURN pg_catalog.format('%s has SELECT on column %s of %s.', v_who,
                                         pg_catalog.quote_ident(v_col), v_t.name);
            END IF;
        END LOOP;
    END LOOP;

    -- Anything PostgreSQL itself would allow that the paths above missed.
    FOR v_t IN SELECT c.oid, c.oid::regclass::text AS name
                 FROM pg_catalog.pg_class c WHERE c.oid = ANY (relations) ORDER BY 2 LOOP
        IF pg_catalog.has_table_privilege(_read_path.role, v_t.oid, 'SELECT')
           OR pg_catalog.has_any_column_privilege(_read_path.role, v_t.oid, 'SELECT') THEN
            RETURN pg_catalog.format('Role %s can read %s.', v_member, v_t.name);
        END IF;
    END LOOP;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION mask._read_path(oid, oid[]) IS
'Internal: a sentence naming how a role could read one of the given tables (or their inheritance relatives) other than through masked views, or NULL.';


-- Resets a member's search_path if add_member set it and nobody changed it since.
CREATE FUNCTION mask._reset_search_path(member mask.member)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema name;
BEGIN
    IF NOT (_reset_search_path.member).search_path_set THEN
        RETURN false;
    END IF;
    SELECT p.view_schema INTO v_schema FROM mask.policy p WHERE p.id = (_reset_search_path.member).policy_id;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_db_role_setting s
                    WHERE s.setrole = (_reset_search_path.member).role AND s.setdatabase = 0
                      AND mask._member_search_path(v_schema) = ANY (s.setconfig)) THEN
        RETURN false;
    END IF;
    EXECUTE pg_catalog.format('ALTER ROLE %I RESET search_path',
                              pg_catalog.pg_get_userbyid((_reset_search_path.member).role));
    RETURN true;
END;
$$;

COMMENT ON FUNCTION mask._reset_search_path(mask.member) IS
'Internal: undoes the search_path add_member set, unless it was changed since.';

-- The role setting add_member writes, as pg_db_role_setting stores it.
CREATE FUNCTION mask._member_search_path(view_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'search_path=' || pg_catalog.quote_ident(view_schema) || ', "$user", public'
$$;

COMMENT ON FUNCTION mask._member_search_path(name) IS
'Internal: the search_path entry add_member sets for members, as stored in pg_db_role_setting.';


CREATE FUNCTION mask.add_member(policy name, member regrole, set_search_path boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_name   name;
    v_path   text;
    v_prev   text;
BEGIN
    v_policy := mask._policy(add_member.policy);
    IF add_member.member IS NULL THEN
        RAISE EXCEPTION 'member must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_name := pg_catalog.pg_get_userbyid(add_member.member);
    IF EXISTS (SELECT FROM mask.member m WHERE m.policy_id = v_policy.id AND m.role = add_member.member) THEN
        RAISE EXCEPTION 'role % is already a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_name LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'role % cannot be a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Role %s is a predefined role.', add_member.member);
    END IF;
    IF EXISTS (SELECT FROM mask.admin a WHERE a.role = add_member.member) THEN
        RAISE EXCEPTION 'role % cannot be a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Role %s is a policy admin and could change the policy it reads through.',
                                             add_member.member);
    END IF;
    v_path := mask._read_path(add_member.member,
                              ARRAY(SELECT p.relation::oid FROM mask.protected p WHERE p.policy_id = v_policy.id));
    IF v_path IS NOT NULL THEN
        RAISE EXCEPTION 'role % cannot be a member of policy "%"', add_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = v_path,
                  HINT = 'Members must reach the protected tables only through the masked views: revoke that access first.';
    END IF;

    v_prev := mask._internal_begin();
    INSERT INTO mask.member (policy_id, role, role_name, search_path_set)
    VALUES (v_policy.id, add_member.member, v_name, COALESCE(add_member.set_search_path, false));
    IF add_member.set_search_path THEN
        -- Unqualified table names in the member's tools then find the
        -- masked views first.
        EXECUTE pg_catalog.format('ALTER ROLE %I SET search_path = %I, "$user", public',
                                  v_name, v_policy.view_schema);
    END IF;
    PERFORM mask._regenerate_policy(v_policy.id);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('add_member', v_policy.name, v_name::text,
        pg_catalog.jsonb_build_object('set_search_path', COALESCE(add_member.set_search_path, false)));
END;
$$;

COMMENT ON FUNCTION mask.add_member(name, regrole, boolean) IS
'Lets a role read a policy''s masked views (USAGE on the view schema, SELECT on the views) and by default puts the view schema first in its search_path. Refuses roles with any other path to the raw tables, naming it.';


CREATE FUNCTION mask.remove_member(policy name, member regrole)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_policy mask.policy;
    v_member mask.member;
    v_reset  boolean;
    v_prev   text;
BEGIN
    v_policy := mask._policy(remove_member.policy);
    SELECT m.* INTO v_member FROM mask.member m
     WHERE m.policy_id = v_policy.id AND m.role = remove_member.member;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % is not a member of policy "%"', remove_member.member, v_policy.name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    v_prev := mask._internal_begin();
    DELETE FROM mask.member m WHERE m.policy_id = v_policy.id AND m.role = remove_member.member;
    v_reset := mask._reset_search_path(v_member);
    PERFORM mask._regenerate_policy(v_policy.id);   -- revokes SELECT on the views
    PERFORM mask._revoke_schema_usage(v_policy.view_schema, remove_member.member);
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('remove_member', v_policy.name, v_member.role_name::text,
        pg_catalog.jsonb_build_object('search_path_reset', v_reset));
END;
$$;

COMMENT ON FUNCTION mask.remove_member(name, regrole) IS
'Takes a role out of a policy: revokes its access to the masked views and resets the search_path add_member set.';

-- ---- sql/parts/52_api_roles.sql
-- ---------------------------------------------------------------------------
-- Admins, auditors and trusted functions.
--
-- Being an admin is nothing but EXECUTE on the API functions (recorded in
-- mask.admin so auditors can see who holds it); being an auditor is SELECT
-- on the catalog views, the audit log and the masked views plus EXECUTE on
-- the reports.  Nothing here hands out the keys or the raw tables.
-- ---------------------------------------------------------------------------

-- The functions grant_admin hands out: the policy API, without
-- trust_function (superusers only).  Functions other parts of the
-- extension add later (export/import) are included when they exist.
CREATE FUNCTION mask._admin_functions()
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

COMMENT ON FUNCTION mask._admin_functions() IS
'Internal: the API functions an admin may execute.';

-- What auditors (and admins) read: catalog views, audit log, reports.
CREATE FUNCTION mask._set_catalog_read(role name, allow boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rel  text;
    v_func regprocedure;
BEGIN
    FOR v_rel IN SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)
                   FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'mask'
                    AND c.relname IN ('policies', 'protected_tables', 'rules', 'members', 'audit_log')
                  ORDER BY 1 LOOP
        EXECUTE pg_catalog.format(CASE WHEN allow THEN 'GRANT SELECT ON %s TO %I'
                                       ELSE 'REVOKE SELECT ON %s FROM %I' END, v_rel, role);
    END LOOP;
    FOR v_func IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                   WHERE p.pronamespace = 'mask'::regnamespace
                     AND p.proname IN ('verify', 'detect', 'linkability', 'export_policy',
                                       'verify_audit_log')
                   ORDER BY 1 LOOP
        EXECUTE pg_catalog.format(CASE WHEN allow THEN 'GRANT EXECUTE ON FUNCTION %s TO %I'
                                       ELSE 'REVOKE EXECUTE ON FUNCTION %s FROM %I' END, v_func, role);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._set_catalog_read(name, boolean) IS
'Internal: grants or revokes SELECT on the auditor views and the audit log and EXECUTE on the reports.';


CREATE FUNCTION mask.grant_admin(role regrole)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name   name;
    v_policy name;
    v_func   regprocedure;
BEGIN
    IF grant_admin.role IS NULL THEN
        RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_name := pg_catalog.pg_get_userbyid(grant_admin.role);
    IF EXISTS (SELECT FROM mask.admin a WHERE a.role = grant_admin.role) THEN
        RAISE EXCEPTION 'role % is already a policy admin', grant_admin.role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT p.name INTO v_policy FROM mask.member m JOIN mask.policy p ON p.id = m.policy_id
     WHERE m.role = grant_admin.role ORDER BY p.name LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'role % cannot be a policy admin', grant_admin.role
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Role %s is a member of policy %s, and members cannot change the policies they read through.',
                                             grant_admin.role, pg_catalog.quote_ident(v_policy));
    END IF;

    INSERT INTO mask.admin (role, role_name) VALUES (grant_admin.role, v_name);
    FOR v_func IN SELECT f FROM mask._admin_functions() f LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', v_func, v_name);
    END LOOP;
    PERFORM mask._set_catalog_read(v_name, true);

    PERFORM mask._audit('grant_admin', NULL, v_name::text, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask.grant_admin(regrole) IS
'Makes a role a policy admin: EXECUTE on the policy API and read access to the catalog views and the audit log. Policy members are refused.';


CREATE FUNCTION mask.revoke_admin(role regrole)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name name;
    v_func regprocedure;
BEGIN
    IF NOT EXISTS (SELECT FROM mask.admin a WHERE a.role = revoke_admin.role) THEN
        RAISE EXCEPTION 'role % is not a policy admin', revoke_admin.role
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Admins are the roles given mask.grant_admin(); the extension owner cannot be revoked.';
    END IF;
    v_name := pg_catalog.pg_get_userbyid(revoke_admin.role);
    DELETE FROM mask.admin a WHERE a.role = revoke_admin.role;
    FOR v_func IN SELECT f FROM mask._admin_functions() f LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM %I', v_func, v_name);
    END LOOP;
    IF NOT EXISTS (SELECT FROM mask.auditor a WHERE a.role = revoke_admin.role) THEN
        PERFORM mask._set_catalog_read(v_name, false);
    END IF;

    PERFORM mask._audit('revoke_admin', NULL, v_name::text, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask.revoke_admin(regrole) IS
'Takes the policy API away from a role given mask.grant_admin().';


CREATE FUNCTION mask.grant_auditor(role regrole)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name   name;
    v_policy integer;
    v_prev   text;
BEGIN
    IF grant_auditor.role IS NULL THEN
        RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM mask.auditor a WHERE a.role = grant_auditor.role) THEN
        RAISE EXCEPTION 'role % is already an auditor', grant_auditor.role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_name := pg_catalog.pg_get_userbyid(grant_auditor.role);

    v_prev := mask._internal_begin();
    INSERT INTO mask.auditor (role, role_name) VALUES (grant_auditor.role, v_name);
    PERFORM mask._set_catalog_read(v_name, true);
    -- Masked views of every policy (masked data only), e.g. for linkability().
    FOR v_policy IN SELECT p.id FROM mask.policy p ORDER BY p.id LOOP
        PERFORM mask._apply_grants(v_policy);
    END LOOP;
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('grant_auditor', NULL, v_name::text, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask.grant_auditor(regrole) IS
'Makes a role an auditor: SELECT on the catalog views, the audit log and every masked view, EXECUTE on the reports; never keys or raw tables.';


CREATE FUNCTION mask.revoke_auditor(role regrole)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name   name;
    v_policy mask.policy;
    v_prev   text;
BEGIN
    IF NOT EXISTS (SELECT FROM mask.auditor a WHERE a.role = revoke_auditor.role) THEN
        RAISE EXCEPTION 'role % is not an auditor', revoke_auditor.role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_name := pg_catalog.pg_get_userbyid(revoke_auditor.role);

    v_prev := mask._internal_begin();
    DELETE FROM mask.auditor a WHERE a.role = revoke_auditor.role;
    IF NOT EXISTS (SELECT FROM mask.admin a WHERE a.role = revoke_auditor.role) THEN
        PERFORM mask._set_catalog_read(v_name, false);
    END IF;
    FOR v_policy IN SELECT p.* FROM mask.policy p ORDER BY p.id LOOP
        PERFORM mask._apply_grants(v_policy.id);
        PERFORM mask._revoke_schema_usage(v_policy.view_schema, revoke_auditor.role);
    END LOOP;
    PERFORM mask._internal_end(v_prev);

    PERFORM mask._audit('revoke_auditor', NULL, v_name::text, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask.revoke_auditor(regrole) IS
'Takes auditor access away from a role (catalog views, audit log, masked views of policies it is not a member of).';


CREATE FUNCTION mask.trust_function(func regprocedure)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_new boolean;
BEGIN
    -- session_user, not current_user: inside SECURITY DEFINER current_user is
    -- the extension owner, and an admin must not be able to trust code.
    IF NOT COALESCE((SELECT ro.rolsuper FROM pg_catalog.pg_roles ro
                      WHERE ro.rolname = session_user), false) THEN
        RAISE EXCEPTION 'only a superuser can trust a function for masking rules'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A trusted function runs inside every masked view that uses it, as the view''s owner.';
    END IF;
    IF trust_function.func IS NULL THEN
        RAISE EXCEPTION 'function must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO mask.trusted_function (func) VALUES (trust_function.func)
    ON CONFLICT DO NOTHING;
    v_new := FOUND;
    PERFORM mask._audit('trust_function', NULL, trust_function.func::text,
                        pg_catalog.jsonb_build_object('already_trusted', NOT v_new));
END;
$$;

COMMENT ON FUNCTION mask.trust_function(regprocedure) IS
'Superusers only: allows a function in masking rule expressions besides the mask schema''s own.';

-- ---- sql/parts/60_event_triggers.sql
-- ---------------------------------------------------------------------------
-- Event triggers: DDL on protected tables is followed by the catalog.
--
--   ALTER TABLE (rename of the table or a column, ADD/DROP COLUMN, OWNER TO,
--   SET SCHEMA ...)  -> the policies of the table are regenerated; renames
--   follow (relations are stored by OID, columns by attnum), new columns stay
--   hidden, a dropped ruled column leaves an orphaned rule.  An OWNER TO a
--   superuser is refused, since the views would then bypass privileges.
--   DROP TABLE       -> the table leaves its policies with its rules.
--   DROP of a generated view by hand -> recorded only; mask.verify() reports
--   the missing view until the next regeneration recreates it.
-- Each is written to the audit log.  Both functions are SECURITY DEFINER
-- because the DDL is usually run by the table owner, who may not touch the
-- catalog.  DDL run by maskview itself (view regeneration) is skipped through
-- a mark in mask._internal_ddl, which only the extension owner can write, so
-- no other role can hide its DDL from the audit log.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask._on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cmd      record;
    v_policy   record;
    v_changes  jsonb;
BEGIN
    IF mask._internal_active() THEN
        RETURN;
    END IF;
    FOR v_cmd IN SELECT DISTINCT c.objid, c.command_tag
                   FROM pg_catalog.pg_event_trigger_ddl_commands() c
                  WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND c.objid IN (SELECT p.relation::oid FROM mask.protected p) LOOP
        FOR v_policy IN SELECT DISTINCT po.id, po.name
                          FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                         WHERE p.relation = v_cmd.objid ORDER BY po.name LOOP
            v_changes := mask._regenerate_policy(v_policy.id);
            IF v_changes <> '{}' THEN
                PERFORM mask._audit('follow_ddl', v_policy.name,
                                    pg_catalog.format('%s', v_cmd.objid::regclass),
                                    pg_catalog.jsonb_build_object('command', v_cmd.command_tag,
                                                                  'changes', v_changes));
            END IF;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._on_ddl_command_end() IS
'Internal event trigger function: regenerates the policies of a protected table after ALTER TABLE, so renames follow and dropped columns orphan their rules, and audits what changed.';


CREATE FUNCTION mask._on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_prot     record;
    v_view     record;
    v_tables   oid[];
    v_altered  oid[];
    v_prev     text;
BEGIN
    IF mask._internal_active()
       -- DROP EXTENSION maskview: the catalog is going away with it.
       OR EXISTS (SELECT FROM pg_catalog.pg_event_trigger_dropped_objects() d
                   WHERE d.object_type = 'extension' AND d.object_name = 'maskview') THEN
        RETURN;
    END IF;
    SELECT COALESCE(pg_catalog.array_agg(d.objid) FILTER (WHERE d.object_type = 'table'), '{}'),
           COALESCE(pg_catalog.array_agg(d.objid) FILTER (WHERE d.object_type = 'table column'), '{}')
      INTO v_tables, v_altered
      FROM pg_catalog.pg_event_trigger_dropped_objects() d;

    -- Dropped protected tables leave their policies (their rules go with them).
    FOR v_prot IN SELECT p.policy_id, po.name, p.relation, p.relation_name, p.view_name,
                         po.view_schema
                    FROM mask.protected p JOIN mask.policy po ON po.id = p.policy_id
                   WHERE p.relation::oid = ANY (v_tables)
                   ORDER BY po.name, p.relation_name LOOP
        v_prev := mask._internal_begin();
        DELETE FROM mask.protected p
         WHERE p.policy_id = v_prot.policy_id AND p.relation = v_prot.relation;
        PERFORM mask._apply_grants(v_prot.policy_id);   -- key view grants
        PERFORM mask._internal_end(v_prev);
        PERFORM mask._audit('follow_drop_table', v_prot.name, v_prot.relation_name,
            pg_catalog.jsonb_build_object('command', TG_TAG,
                                          'view', pg_catalog.format('%I.%I', v_prot.view_schema, v_prot.view_name)));
    END LOOP;

    -- Generated views dropped on their own (not with their table, and not by
    -- a DROP COLUMN ... CASCADE, after which ddl_command_end regenerates).
    FOR v_view IN SELECT po.name, p.relation_name, d.schema_name, d.object_name
                    FROM pg_catalog.pg_event_trigger_dropped_objects() d
                    JOIN mask.policy po ON po.view_schema = d.schema_name
                    JOIN mask.protected p ON p.policy_id = po.id AND p.view_name = d.object_name
                   WHERE d.object_type = 'view'
                     AND NOT (p.relation::oid = ANY (v_altered))
                   ORDER BY po.name, d.object_name LOOP
        PERFORM mask._audit('generated_view_dropped', v_view.name,
            pg_catalog.format('%I.%I', v_view.schema_name, v_view.object_name),
            pg_catalog.jsonb_build_object('command', TG_TAG, 'table', v_view.relation_name,
                                          'note', 'recreated by the next regeneration of the policy'));
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._on_sql_drop() IS
'Internal event trigger function: removes dropped protected tables from their policies and audits generated views dropped by hand.';


CREATE EVENT TRIGGER maskview_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE')
    EXECUTE FUNCTION mask._on_ddl_command_end();

CREATE EVENT TRIGGER maskview_sql_drop ON sql_drop
    EXECUTE FUNCTION mask._on_sql_drop();

-- ---- sql/parts/70_auditor_views.sql
-- ---------------------------------------------------------------------------
-- Read-only views of the catalog for auditors (and admins).
--
-- They show everything in the catalog except the keys: mask.policy_key is
-- not referenced here, and rule expressions are shown as typed, so not even
-- the key view's name appears.  Owned by the extension owner; auditors get
-- SELECT through mask.grant_auditor().
-- ---------------------------------------------------------------------------

CREATE VIEW mask.policies AS
SELECT p.name AS policy,
       p.view_schema,
       p.description,
       (SELECT pg_catalog.count(*) FROM mask.protected t WHERE t.policy_id = p.id) AS tables,
       (SELECT pg_catalog.count(*) FROM mask.member m WHERE m.policy_id = p.id) AS members,
       p.created_by,
       p.created_at
  FROM mask.policy p;

COMMENT ON VIEW mask.policies IS
'Policies with their view schema and how many tables and members they have (auditor view; no keys).';

CREATE VIEW mask.protected_tables AS
SELECT po.name AS policy,
       t.relation,
       pg_catalog.format('%I.%I', po.view_schema, t.view_name) AS view,
       t.row_filter,
       t.added_by,
       t.added_at
  FROM mask.protected t
  JOIN mask.policy po ON po.id = t.policy_id;

COMMENT ON VIEW mask.protected_tables IS
'Protected tables of each policy with their masked view and row filter as typed (auditor view).';

-- One row per column of every protected table, like Oracle's
-- REDACTION_COLUMNS: columns without a rule appear with action 'hidden', so
-- the auditor sees the whole table and not only what was thought of; rules
-- of dropped columns appear with orphaned = true.
CREATE VIEW mask.rules AS
SELECT po.name AS policy,
       t.relation,
       a.attname AS "column",
       COALESCE(r.action, 'hidden') AS action,
       r.expression,
       r.reason,
       r.set_by,
       r.set_at,
       false AS orphaned
  FROM mask.protected t
  JOIN mask.policy po ON po.id = t.policy_id
  JOIN pg_catalog.pg_attribute a
    ON a.attrelid = t.relation AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN mask.rule r
    ON r.policy_id = t.policy_id AND r.relation = t.relation
   AND r.column_attnum = a.attnum AND NOT r.orphaned
UNION ALL
SELECT po.name, r.relation, r.column_name, r.action, r.expression, r.reason,
       r.set_by, r.set_at, true
  FROM mask.rule r
  JOIN mask.policy po ON po.id = r.policy_id
 WHERE r.orphaned;

COMMENT ON VIEW mask.rules IS
'One row per column of each protected table: action mask, pass, null or hidden (no rule), the expression as typed, reason, who and when; orphaned rules of dropped columns too (auditor view).';

CREATE VIEW mask.members AS
SELECT po.name AS policy,
       m.role AS member,
       m.role_name,
       m.search_path_set,
       m.added_by,
       m.added_at
  FROM mask.member m
  JOIN mask.policy po ON po.id = m.policy_id;

COMMENT ON VIEW mask.members IS
'Members of each policy (auditor view).';

-- ---- sql/parts/80_detect.sql
-- ---------------------------------------------------------------------------
-- mask.detect(): find personal data that no policy masks yet.
--
-- For every text-like column of every table it combines two kinds of
-- evidence:
--   * the column's name, against Chinese and English dictionaries
--     (xingming/name, dianhua/phone, shenfenzheng/id_card, dizhi/address,
--     youxiang/email, yinhangka/card, ...; the Chinese words are written
--     below as UTF-8 hex, see why further down);
--   * a sample of the column's values, checked with the validators: ID check
--     character and date, mobile and landline shapes (the cn_phone parser),
--     Luhn, e-mail shape, address levels in order (the cn_address parser),
--     Han-name shape (common surname + given name, or a middle-dot name).
-- Neither alone is trusted: a column called c7 full of valid ID numbers is
-- found from its contents, a column called phone full of free text is
-- reported with low confidence.  The report carries only names, counts and
-- shares, never a value, which is why auditors may run it (see mask.detect).
--
-- This file is ASCII only, like the rest of the install script: the script is
-- read in the database's encoding (EUC_CN databases too), so every Chinese
-- word is written as the hex of its UTF-8 bytes and every value and column
-- name is compared after pg_catalog.convert_to(..., 'UTF8').  Hex strings of
-- whole characters stay aligned on byte (two-digit) boundaries, which the
-- patterns below keep with '^(..)*' prefixes.  test/sql/40_detect.sql prints
-- the dictionaries decoded, so a reviewer reads them as words.
-- ---------------------------------------------------------------------------

-- The column-name dictionaries: for each pii_type a regular expression over
-- the lower-cased ASCII name, and one over the hex of the name's UTF-8 bytes
-- (its alternatives are whole words, decoded by the test).  English words
-- are matched after camelCase and separators became single spaces, and
-- anchored at word starts and ends (\m, \M) where a bare substring would hit
-- unrelated names (tel in hotel, name in username); what still matches
-- wrongly (product name, card type) is settled by the content evidence.
CREATE FUNCTION mask._detect_dictionary()
RETURNS TABLE (pii_type text, ascii_pattern text, utf8_hex_alternatives text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    VALUES
    ('id_card',
     '(\mid ?card|\mid ?no\M|\mid ?num|identity|citizen ?id|national ?id|\msfz|\mzjhm|cert ?no|passport)',
     -- shenfenzheng zhengjianhao zhengjian shenfenhao gongmin shenfen
     'e8baabe4bbbde8af81|e8af81e4bbb6e58fb7|e8af81e4bbb6|e8baabe4bbbde58fb7|e585ace6b091e8baabe4bbbd'),
    ('phone',
     '(phone|mobile|\mtel\M|\mtel ?no|telno|landline|\mcell|\mfax\M|msisdn|\msjh\M|\mdh\M|\mcontact)',
     -- dianhua shouji lianxi fangshi zuoji chuanzhen shoujihao
     'e794b5e8af9d|e6898be69cba|e88194e7b3bbe696b9e5bc8f|e5baa7e69cba|e4bca0e79c9f|e6898be69cbae58fb7'),
    ('bank_card',
     '(card|\mbank|account|\macct|\miban\M|\myhk\M)',
     -- yinhangka kahao zhanghao (two spellings) yinhang kaihu
     'e993b6e8a18ce58da1|e58da1e58fb7|e8b4a6e58fb7|e5b890e58fb7|e993b6e8a18c|e5bc80e688b7'),
    ('email',
     '(e ?mail|\mmail|\myx\M)',
     -- youxiang youjian dianziyou
     'e982aee7aeb1|e982aee4bbb6|e794b5e5ad90e982ae'),
    ('address',
     '(addr|adress|residence|domicile|\mdz\M|\mzz\M)',
     -- dizhi zhuzhi juzhudi zhusuo huji menpai
     'e59cb0e59d80|e4bd8fe59d80|e5b185e4bd8fe59cb0|e4bd8fe68980|e688b7e7b18d|e997a8e7898c'),
    ('name',
     '(\mnames?\M|fullname|holder|surname|\mcontact|\mxm\M)',
     -- xingming huzhu lianxiren mingzi huming yezhu chikaren kehuming zhuhu zuhu
     'e5a793e5908d|e688b7e4b8bb|e88194e7b3bbe4baba|e5908de5ad97|e688b7e5908d|e4b89ae4b8bb|e68c81e58da1e4baba|e5aea2e688b7e5908d|e4bd8fe688b7|e7a79fe688b7')
$$;

COMMENT ON FUNCTION mask._detect_dictionary() IS
'Internal: the column-name dictionaries of mask.detect() (ASCII patterns and UTF-8 hex words per pii_type).';

-- Single-character surnames, hex of their UTF-8 bytes: the most frequent
-- 300-odd of the 2020 census order of magnitude (they cover well over 90% of
-- the population).  Surnames that are also everyday words and rare as
-- surnames (guo, ping, hai, he, shi ...) are left out on purpose: a two-character
-- word starting with one would look like a name.
CREATE FUNCTION mask._detect_surnames()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT
ARRAY[
        'e78e8b', 'e69d8e', 'e5bca0', 'e58898', 'e99988', 'e69da8', 'e9bb84', 'e8b5b5', 'e590b4', 'e591a8',
        'e5be90', 'e5ad99', 'e9a9ac', 'e69cb1', 'e883a1', 'e983ad', 'e4bd95', 'e69e97', 'e9ab98', 'e7bd97',
        'e98391', 'e6a281', 'e8b0a2', 'e5ae8b', 'e59490', 'e8aeb8', 'e99fa9', 'e586af', 'e98293', 'e69bb9',
        'e5bdad', 'e69bbe', 'e88296', 'e794b0', 'e891a3', 'e8a281', 'e6bd98', 'e4ba8e', 'e8928b', 'e894a1',
        'e4bd99', 'e69d9c', 'e58fb6', 'e7a88b', 'e88b8f', 'e9ad8f', 'e59095', 'e4b881', 'e4bbbb', 'e6b288',
        'e5a79a', 'e58da2', 'e5a79c', 'e5b494', 'e9929f', 'e8b0ad', 'e99986', 'e6b1aa', 'e88c83', 'e98791',
        'e79fb3', 'e5bb96', 'e8b4be', 'e5a48f', 'e99fa6', 'e4bb98', 'e58285', 'e696b9', 'e799bd', 'e982b9',
        'e5ad9f', 'e7868a', 'e7a7a6', 'e982b1', 'e6b19f', 'e5b0b9', 'e8969b', 'e997ab', 'e9988e', 'e6aeb5',
        'e99bb7', 'e4beaf', 'e9be99', 'e58fb2', 'e999b6', 'e9bb8e', 'e8b4ba', 'e9a1be', 'e6af9b', 'e9839d',
        'e9be9a', 'e982b5', 'e4b887', 'e992b1', 'e4b8a5', 'e8a683', 'e6ada6', 'e688b4', 'e88eab', 'e5ad94',
        'e59091', 'e6b1a4', 'e5b8b8', 'e6b8a9', 'e5bab7', 'e696bd', 'e69687', 'e7899b', 'e6a88a', 'e8919b',
        'e982a2', 'e5ae89', 'e9bd90', 'e69893', 'e4b994', 'e4bc8d', 'e5ba9e', 'e9a29c', 'e580aa', 'e5ba84',
        'e88182', 'e7aba0', 'e9b281', 'e5b2b3', 'e7bf9f', 'e6aeb7', 'e8a9b9', 'e794b3', 'e6aca7', 'e880bf',
        'e585b3', 'e585b0', 'e784a6', 'e4bf9e', 'e5b7a6', 'e69fb3', 'e79498', 'e7a59d', 'e58c85', 'e5ae81',
        'e5b09a', 'e7aca6', 'e88892', 'e998ae', 'e69faf', 'e7baaa', 'e6a285', 'e7aba5', 'e5878c', 'e6af95',
        'e58d95', 'e5ada3', 'e8a3b4', 'e99c8d', 'e6b682', 'e68890', 'e88b97', 'e8b0b7', 'e79b9b', 'e69bb2',
        'e7bf81', 'e58689', 'e9aa86', 'e8939d', 'e8b7af', 'e6b8b8', 'e8be9b', 'e99db3', 'e7aea1', 'e69fb4',
        'e89299', 'e9b28d', 'e58d8e', 'e596bb', 'e7a581', 'e892b2', 'e688bf', 'e6bb95', 'e5b188', 'e9a5b6',
        'e8a7a3', 'e7899f', 'e889be', 'e5b0a4', 'e998b3', 'e7a986', 'e5869c', 'e58fb8', 'e58d93', 'e58fa4',
        'e59089', 'e7bcaa', 'e7ae80', 'e8bda6', 'e9a1b9', 'e8bf9e', 'e88aa6', 'e9baa6', 'e8a49a', 'e5a884',
        'e7aaa6', 'e6889a', 'e5b291', 'e699af', 'e5859a', 'e5aeab', 'e8b4b9', 'e58d9c', 'e586b7', 'e6998f',
        'e5b8ad', 'e58dab', 'e7b1b3', 'e69f8f', 'e5ae97', 'e79ebf', 'e6a182', 'e585a8', 'e4bd9f', 'e5ba94',
        'e887a7', 'e997b5', 'e88b9f', 'e982ac', 'e8beb9', 'e58d9e', 'e5a7ac', 'e5b888', 'e4bb87', 'e6a0be',
        'e99a8b', 'e59586', 'e58881', 'e6b299', 'e88da3', 'e5b7ab', 'e5af87', 'e6a191', 'e9838e', 'e79484',
        'e4b89b', 'e4bbb2', 'e8999e', 'e69596', 'e5b7a9', 'e6988e', 'e4bd98', 'e6b1a0', 'e69fa5', 'e9babb',
        'e88b91', 'e8bf9f', 'e9829d', 'e5ae98', 'e5b081', 'e8b088', 'e58ca1', 'e99ea0', 'e683a0', 'e88d86',
        'e4b990', 'e58680', 'e98381', 'e883a5', 'e78fad', 'e582a8', 'e6a097', 'e78795', 'e6a59a', 'e984a2',
        'e58ab3', 'e8b08c', 'e5a59a', 'e79aae', 'e7b29f', 'e586bc', 'e894ba', 'e6a5bc', 'e79b98', 'e6bba1',
        'e997bb', 'e58e89', 'e4bc8a', 'e4bb9d', 'e9839c', 'e9989a', 'e5b885', 'e5b1a0', 'e8b186', 'e69cb4',
        'e5bb89', 'e7a6b9', 'e7a596', 'e6bc86', 'e4b8b0', 'e58dbf', 'e78b84', 'e5aea3', 'e6998b', 'e88aae',
        'e68988', 'e69981', 'e99899', 'e6b5a6', 'e68888', 'e9b9bf', 'e982b8', 'e99b8d', 'e8be9c', 'e7be8a',
        'e8a398', 'e4ba93', 'e982b0', 'e8b5ab', 'e69dad', 'e980af', 'e88cb9', 'e8afb8', 'e5b587', 'e6aa80',
        'e6989d', 'e6a48d', 'e8a1a1', 'e5b0a7']::text[]
$$;

COMMENT ON FUNCTION mask._detect_surnames() IS
'Internal: common single-character Han surnames as hex of their UTF-8 bytes (decoded by test 40_detect).';

-- Compound surnames (fuxing: ouyang, sima, zhuge ...), hex of their UTF-8 bytes.
CREATE FUNCTION mask._detect_compound_surnames()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT
ARRAY[
        'e6aca7e998b3', 'e58fb8e9a9ac', 'e8afb8e8919b', 'e4b88ae5ae98', 'e4b89ce696b9', 'e79a87e794ab', 'e5b089e8bf9f', 'e585ace5ad99',
        'e68595e5aeb9', 'e995bfe5ad99', 'e5ae87e69687', 'e58fb8e5be92', 'e4bba4e78b90', 'e5a48fe4beaf', 'e8bda9e8be95', 'e7abafe69ca8',
        'e78bace5ada4', 'e58d97e5aeab', 'e8a5bfe997a8', 'e799bee9878c', 'e591bce5bbb6', 'e4b887e4bf9f', 'e6beb9e58fb0', 'e585ace586b6',
        'e5ae97e694bf', 'e6bfaee998b3', 'e5a4aae58fb2', 'e794b3e5b1a0', 'e997bbe4baba', 'e9929fe7a6bb', 'e4b89ce983ad', 'e8b5abe8bf9e',
        'e68b93e8b78b', 'e7acace4ba94', 'e5b7a6e4b898', 'e6b7b3e4ba8e', 'e58d95e4ba8e', 'e58fb8e7a9ba', 'e585ace7be8a', 'e997bee4b898']::text[]
$$;

COMMENT ON FUNCTION mask._detect_compound_surnames() IS
'Internal: compound Han surnames as hex of their UTF-8 bytes (decoded by test 40_detect).';

-- The pii_types whose dictionary the column name matches.
CREATE FUNCTION mask._detect_name_hints(column_name name)
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    -- camelCase and every run of non-alphanumerics become one space, so
    -- that \m and \M (word start and end) see holder_name and holderName as
    -- the words "holder name" (the underscore is a word character to them).
    SELECT COALESCE(pg_catalog.array_agg(d.pii_type), '{}')
      FROM mask._detect_dictionary() d
     WHERE pg_catalog.lower(pg_catalog.regexp_replace(
               pg_catalog.regexp_replace(column_name::text, '([a-z0-9])([A-Z])', '\1 \2', 'g'),
               '[^A-Za-z0-9]+', ' ', 'g')) ~ d.ascii_pattern
        OR pg_catalog.encode(pg_catalog.convert_to(column_name::text, 'UTF8'), 'hex')
               ~ ('^(..)*(' || d.utf8_hex_alternatives || ')')
$$;

COMMENT ON FUNCTION mask._detect_name_hints(name) IS
'Internal: the pii_types whose column-name dictionary (Chinese or English) the name matches.';

-- Han-name shape: after trimming, two to four Han characters of which the
-- first is a common surname or the first two a compound surname; or Han
-- parts joined by a middle dot (U+00B7, U+2022, U+30FB, U+2027), the form of
-- Uyghur and other transliterated names.  Checked on the hex of the UTF-8
-- bytes so that it reads the same in every database encoding: a Han
-- character is a three-byte sequence E4-E9 (U+4000-U+9FFF, the unified
-- ideographs and extension A's upper part) or a four-byte F0 A0-AF one
-- (planes 2, extension B onwards).
CREATE FUNCTION mask._detect_is_name(value text)
RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
        -- a name has at least one multi-byte character; skip the rest cheaply
        WHEN pg_catalog.octet_length(value) = pg_catalog.length(value) THEN false
        WHEN h.x ~ '^(e[4-9][89ab][0-9a-f][89ab][0-9a-f]|f0a[0-9a-f][89ab][0-9a-f][89ab][0-9a-f]){2,4}$'
            THEN pg_catalog.substr(h.x, 1, 6) = ANY (mask._detect_surnames())
              OR pg_catalog.substr(h.x, 1, 12) = ANY (mask._detect_compound_surnames())
        ELSE h.x ~ ('^(e[4-9][89ab][0-9a-f][89ab][0-9a-f]){1,8}'
                    '((c2b7|e280a2|e383bb|e280a7)(e[4-9][89ab][0-9a-f][89ab][0-9a-f]){1,8}){1,3}$')
    END
      FROM (SELECT pg_catalog.encode(pg_catalog.convert_to(pg_catalog.btrim(value), 'UTF8'), 'hex') AS x) h
$$;

COMMENT ON FUNCTION mask._detect_is_name(text) IS
'Internal (mask.detect): true when the value has the shape of a Han personal name (common or compound surname + 1-3 characters) or of a middle-dot name.';

-- Address: the cn_address parser (the one that masks addresses) recognises
-- at least two levels in order (district then road, community then building,
-- ...) and they make up at least half of the value.  Counting levels: each
-- keep_level gives the recognised prefix up to that level followed by one
-- mask char, so the number of distinct non-empty results is the number of
-- levels found.  One level alone (a district followed by free text, a
-- street name in a sentence) is
-- not enough.
CREATE FUNCTION mask._detect_is_address(value text)
RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.octet_length(value) > pg_catalog.length(value)
       AND (SELECT pg_catalog.count(DISTINCT o.kept) FILTER (WHERE o.kept <> '*') >= 2
               AND 2 * (pg_catalog.max(pg_catalog.length(o.kept)) - 1) >= pg_catalog.length(pg_catalog.btrim(value))
              FROM pg_catalog.unnest(ARRAY['province', 'city', 'district', 'town', 'road',
                                           'community', 'building', 'unit', 'floor', 'room']) l(level)
             CROSS JOIN LATERAL (SELECT mask.cn_address(pg_catalog.btrim(value), l.level, '*', 1) AS kept) o)
$$;

COMMENT ON FUNCTION mask._detect_is_address(text) IS
'Internal (mask.detect): true when cn_address recognises at least two address levels in order and they cover at least half of the value.';

-- Phone: the cn_phone parser recognises a mobile, landline or 400/800
-- number; anything else it redacts whole, so a kept digit means recognised.
CREATE FUNCTION mask._detect_is_phone(value text)
RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask.cn_phone(value, '*') ~ '[0-9]'
$$;

COMMENT ON FUNCTION mask._detect_is_phone(text) IS
'Internal (mask.detect): true when cn_phone recognises a mobile, landline or 400/800 number (it keeps some digits).';

CREATE FUNCTION mask._detect_is_email(value text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.btrim(value) ~ '^[^@[:space:]]+@[^@[:space:].]+(\.[^@[:space:].]+)+$'
$$;

COMMENT ON FUNCTION mask._detect_is_email(text) IS
'Internal (mask.detect): true for local@domain.tld (no spaces, one @, a dotted domain).';

-- Rough row count of a table, a partitioned table (sum of its leaves) or a
-- materialized view, used only to size the sample.  Never-analysed relations
-- (reltuples = -1) are guessed from their size at 30 rows per 8 kB page: a
-- low guess only makes the sampling percentage larger, and LIMIT still stops
-- the scan at sample_rows.
CREATE FUNCTION mask._detect_estimated_rows(relation regclass)
RETURNS double precision
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(pg_catalog.sum(CASE WHEN c.reltuples >= 0 THEN c.reltuples::double precision
                                        ELSE pg_catalog.pg_relation_size(c.oid) / 8192.0 * 30 END), 0)
      FROM pg_catalog.pg_class c
     WHERE c.oid = relation AND c.relkind IN ('r', 'm')
        OR c.oid IN (SELECT t.relid FROM pg_catalog.pg_partition_tree(relation) t
                      WHERE t.isleaf AND t.relid <> relation)
$$;

COMMENT ON FUNCTION mask._detect_estimated_rows(regclass) IS
'Internal (mask.detect): estimated rows of a table, materialized view or partitioned table, to size its sample.';

-- One relation: samples it once for all its text-like columns and returns
-- one row per column judged to hold personal data (or whose name says so).
-- Not SECURITY DEFINER itself: mask.detect() and mask.verify() call it with
-- the extension owner's rights; anyone else calling it directly (EXECUTE is
-- revoked from PUBLIC) would read with their own.
CREATE FUNCTION mask._detect_relation(target regclass, sample_rows integer)
RETURNS TABLE (relation regclass, "column" name, pii_type text, confidence real,
               evidence text, suggested_rule text, covered_by name[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_rel       regclass := _detect_relation.target;
    v_kind      "char";
    v_from      text;
    v_cols      text;
    v_vals      text;
    v_est       double precision;
    v_sql       text;
    v_stat      record;
    v_name      name;
    v_hints     text[];
    v_best      text;
    v_best_conf double precision;
    v_best_hits bigint;
    v_type      text;
    v_hits      bigint;
    v_share     double precision;
    v_conf      double precision;
    -- Reading order decides ties: the stricter validators first.
    c_types     CONSTANT text[] := ARRAY['id_card', 'bank_card', 'phone', 'email', 'address', 'name'];
BEGIN
    SELECT c.relkind INTO v_kind FROM pg_catalog.pg_class c WHERE c.oid = v_rel;
    IF v_kind IS NULL OR v_kind NOT IN ('r', 'p', 'm') THEN
        RAISE EXCEPTION 'relation % is not a table, partitioned table or materialized view', v_rel
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF sample_rows IS NULL OR sample_rows < 1 OR sample_rows > 1000000 THEN
        RAISE EXCEPTION 'sample_rows must be between 1 and 1000000'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_kind = 'm' AND NOT (SELECT c.relispopulated FROM pg_catalog.pg_class c WHERE c.oid = v_rel) THEN
        RETURN;     -- nothing to read until REFRESH MATERIALIZED VIEW
    END IF;

    -- The text-like columns (string category, domains over them included).
    SELECT pg_catalog.string_agg(pg_catalog.format('s.%I', a.attname), ', ' ORDER BY a.attnum),
           -- COLLATE "C": a column with a nondeterministic collation would
           -- make the validators' regular expressions fail.
           pg_catalog.string_agg(pg_catalog.format('(%s::smallint, s.%I::text COLLATE "C")', a.attnum, a.attname),
                                 ', ' ORDER BY a.attnum)
      INTO v_cols, v_vals
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype AND t.typtype = 'd'
     WHERE a.attrelid = v_rel AND a.attnum > 0 AND NOT a.attisdropped
       AND COALESCE(b.typcategory, t.typcategory) = 'S';
    IF v_cols IS NULL THEN
        RETURN;
    END IF;

    -- Sample: small relations are read whole (up to sample_rows rows);
    -- larger ones through TABLESAMPLE sized from the row estimate, with some
    -- headroom so the sample is rarely short.  BERNOULLI picks rows
    -- uniformly but visits every page; above 100,000 rows SYSTEM picks whole
    -- pages and reads only those, which keeps large tables fast.  REPEATABLE
    -- makes two runs on the same data agree.  ONLY: inheritance children are
    -- reported on their own (a partitioned table is read through its leaves).
    v_from := pg_catalog.format('%s %I.%I AS s', CASE WHEN v_kind = 'p' THEN '' ELSE 'ONLY' END,
                                n.nspname, c.relname)
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = v_rel;
    v_est := mask._detect_estimated_rows(v_rel);
    IF v_est > 2.0 * sample_rows THEN
        v_from := v_from || CASE WHEN v_est > 100000
            THEN pg_catalog.format(' TABLESAMPLE SYSTEM (%s) REPEATABLE (0)',
                                   LEAST(100, 150.0 * sample_rows / v_est))
            ELSE pg_catalog.format(' TABLESAMPLE BERNOULLI (%s) REPEATABLE (0)',
                                   LEAST(100, 120.0 * sample_rows / v_est)) END;
    END IF;

    -- One pass over the sample for every column: unpivot to (attnum, value),
    -- count non-null values and the matches of each validator.  Values
    -- longer than 512 bytes count as non-matching (no personal datum of
    -- these kinds is that long, and it bounds the validators' work).
    v_sql := pg_catalog.format(
        'SELECT x.attnum, pg_catalog.count(x.v) AS nonnull,'
        ' pg_catalog.count(*) FILTER (WHERE mask.cn_id_card_valid(x.sv)) AS id_card,'
        ' pg_catalog.count(*) FILTER (WHERE mask.luhn_valid(x.sv)) AS bank_card,'
        ' pg_catalog.count(*) FILTER (WHERE mask._detect_is_phone(x.sv)) AS phone,'
        ' pg_catalog.count(*) FILTER (WHERE mask._detect_is_email(x.sv)) AS email,'
        ' pg_catalog.count(*) FILTER (WHERE mask._detect_is_address(x.sv)) AS address,'
        ' pg_catalog.count(*) FILTER (WHERE mask._detect_is_name(x.sv)) AS name'
        ' FROM (SELECT %s FROM %s LIMIT %s) s'
        ' CROSS JOIN LATERAL (VALUES %s) u(attnum, v)'
        ' CROSS JOIN LATERAL (SELECT u.attnum, u.v, CASE WHEN pg_catalog.octet_length(u.v) <= 512'
        ' THEN u.v END AS sv) x'
        ' GROUP BY x.attnum ORDER BY x.attnum',
        v_cols, v_from, sample_rows, v_vals);

    FOR v_stat IN EXECUTE v_sql LOOP
        SELECT a.attname INTO v_name FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = v_rel AND a.attnum = v_stat.attnum;
        v_hints := mask._detect_name_hints(v_name);
        v_best := NULL;
        v_best_conf := 0;
        v_best_hits := 0;
        FOREACH v_type IN ARRAY c_types LOOP
            v_hits := CASE v_type WHEN 'id_card' THEN v_stat.id_card WHEN 'bank_card' THEN v_stat.bank_card
                                  WHEN 'phone' THEN v_stat.phone WHEN 'email' THEN v_stat.email
                                  WHEN 'address' THEN v_stat.address ELSE v_stat.name END;
            v_share := CASE WHEN v_stat.nonnull > 0 THEN v_hits::double precision / v_stat.nonnull ELSE 0 END;
            -- Any 12-19 digit number passes Luhn one time in ten (ID numbers,
            -- order numbers): only the share above that chance level counts.
            IF v_type = 'bank_card' THEN
                v_share := GREATEST(0, (v_share - 0.1) / 0.9);
            END IF;
            -- The share counts for less when few values were seen:
            -- n / (n + 2) is 0.91 for 20 values, 0.998 for 1000.
            v_share := v_share * v_stat.nonnull / (v_stat.nonnull + 2.0);
            IF v_type = ANY (v_hints) THEN
                -- Name and content: the name alone is worth 0.4 when there is
                -- nothing to check, 0.25 when the contents contradict it.
                v_conf := CASE WHEN v_stat.nonnull = 0 THEN 0.4 ELSE 0.25 + 0.75 * v_share END;
            ELSIF v_share >= 0.2 THEN
                v_conf := v_share;          -- contents alone
            ELSE
                v_conf := 0;                -- a few stray matches are noise
            END IF;
            IF v_conf > v_best_conf THEN
                v_best := v_type;
                v_best_conf := v_conf;
                v_best_hits := v_hits;
            END IF;
        END LOOP;
        CONTINUE WHEN v_best IS NULL;

        relation := v_rel;
        "column" := v_name;
        pii_type := v_best;
        confidence := pg_catalog.round(v_best_conf::numeric, 2)::real;
        evidence := pg_catalog.format('name: %s (%s); content: %s',
            v_name,
            CASE WHEN v_best = ANY (v_hints) THEN v_best || ' dictionary'
                 WHEN pg_catalog.cardinality(v_hints) > 0
                 THEN pg_catalog.array_to_string(v_hints, ', ') || ' dictionary'
                 ELSE 'no dictionary match' END,
            CASE WHEN v_stat.nonnull = 0 THEN 'no non-null value in the sample'
                 ELSE pg_catalog.format('%s/%s sampled values %s', v_best_hits, v_stat.nonnull,
                     CASE v_best
                         WHEN 'id_card' THEN 'are valid resident ID numbers (check character and date)'
                         WHEN 'bank_card' THEN 'are 12-19 digit numbers passing the Luhn check (1 in 10 by chance)'
                         WHEN 'phone' THEN 'are mobile, landline or 400/800 numbers'
                         WHEN 'email' THEN 'have the shape of an e-mail address'
                         WHEN 'address' THEN 'are addresses with at least two levels in order'
                         ELSE 'have the shape of a personal name (common surname, or middle dot)' END)
            END);
        suggested_rule := pg_catalog.format('mask.%s(%I)',
            CASE v_best WHEN 'id_card' THEN 'cn_id_card' WHEN 'bank_card' THEN 'bank_card'
                        WHEN 'phone' THEN 'cn_phone' WHEN 'email' THEN 'email'
                        WHEN 'address' THEN 'cn_address' ELSE 'cn_name' END,
            v_name);
        -- Policies that show this column masked or as NULL (a PASS rule shows
        -- it raw; no rule hides it, which mask.verify() reports separately).
        SELECT COALESCE(pg_catalog.array_agg(DISTINCT p.name ORDER BY p.name), '{}')
          INTO covered_by
          FROM mask.rule r JOIN mask.policy p ON p.id = r.policy_id
         WHERE r.relation = v_rel AND r.column_attnum = v_stat.attnum
           AND r.action IN ('mask', 'null') AND NOT r.orphaned;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._detect_relation(regclass, integer) IS
'Internal: mask.detect() for one table, partitioned table or materialized view.';

CREATE FUNCTION mask.detect(schema name DEFAULT NULL, sample_rows integer DEFAULT 1000)
RETURNS TABLE (relation regclass, "column" name, pii_type text, confidence real,
               evidence text, suggested_rule text, covered_by name[])
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- SECURITY DEFINER: an auditor must find personal data in tables it may not
-- read.  That is safe because only names, counts and shares leave this
-- function, never a value: the sampled values go into the validators and
-- nothing else.  EXECUTE is revoked from PUBLIC; mask.grant_auditor() and
-- mask.grant_admin() grant it.
DECLARE
    v_rel regclass;
BEGIN
    IF sample_rows IS NULL OR sample_rows < 1 OR sample_rows > 1000000 THEN
        RAISE EXCEPTION 'sample_rows must be between 1 and 1000000'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('sample_rows was %s.', COALESCE(sample_rows::text, 'NULL'));
    END IF;
    IF detect.schema IS NOT NULL
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n WHERE n.nspname = detect.schema) THEN
        RAISE EXCEPTION 'schema "%" does not exist', detect.schema
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Tables, partitioned tables (not their partitions: the parent reads
    -- them) and materialized views; no views (they show what is in tables),
    -- no foreign tables (reading them would reach out to other servers), no
    -- temporary tables (other sessions' cannot be read).  Without a schema:
    -- every schema except the system ones and mask.
    FOR v_rel IN
        SELECT c.oid::regclass
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
           AND c.relpersistence <> 't'
           AND CASE WHEN detect.schema IS NOT NULL THEN n.nspname = detect.schema
                    ELSE n.nspname NOT IN ('pg_catalog', 'information_schema', 'mask')
                         AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)' END
         ORDER BY n.nspname, c.relname
    LOOP
        RETURN QUERY SELECT * FROM mask._detect_relation(v_rel, sample_rows);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask.detect(name, integer) IS
'Finds columns holding personal data (name, phone, id_card, address, email, bank_card) from column-name dictionaries and validator checks on a sample of the values; returns confidence, evidence (counts only, never values), a ready masking rule and the policies already masking the column. Auditor report.';

REVOKE ALL ON FUNCTION mask._detect_dictionary(), mask._detect_surnames(),
    mask._detect_compound_surnames(), mask._detect_name_hints(name),
    mask._detect_is_name(text), mask._detect_is_address(text), mask._detect_is_phone(text),
    mask._detect_is_email(text), mask._detect_estimated_rows(regclass),
    mask._detect_relation(regclass, integer), mask.detect(name, integer) FROM PUBLIC;

-- ---- sql/parts/81_linkability.sql
-- ---------------------------------------------------------------------------
-- mask.linkability(), mask.linkability_summary(): k-anonymity of a masked view.
--
-- A masked notice can still point at one household: if only one flat in
-- building 3, unit 2 is in arrears, "building 3, unit 2, ****" names it to every
-- neighbour.  These reports group the rows of a view by the columns a reader
-- can link to people (quasi-identifiers: building, unit, masked name, ...)
-- and show the groups smaller than k.
--
-- SECURITY INVOKER on purpose: they read the view with the caller's own
-- rights, so they reveal nothing the caller could not compute with GROUP BY
-- (an auditor has SELECT on the masked views; a raw table the caller cannot
-- read stays unreadable).  EXECUTE stays with PUBLIC for the same reason.
-- This file is ASCII only, like the rest of the install script.
-- ---------------------------------------------------------------------------

-- Checks the arguments and returns the pieces of the grouping query: the
-- relation as a quoted name, the quoted column list (GROUP BY), and the
-- jsonb_build_object(...) expression naming each group.  Every identifier
-- comes from the catalog and goes through format('%I').
CREATE FUNCTION mask._linkability_query(target regclass, quasi_identifiers name[], k integer,
                                        OUT from_clause text, OUT group_columns text,
                                        OUT group_json text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_missing text;
    v_dup     text;
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'view must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF k IS NULL OR k < 1 THEN
        RAISE EXCEPTION 'k must be at least 1'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('k was %s.', COALESCE(k::text, 'NULL'));
    END IF;
    IF quasi_identifiers IS NULL OR pg_catalog.cardinality(quasi_identifiers) = 0
       OR pg_catalog.array_position(quasi_identifiers, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'quasi_identifiers must name at least one column'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The array is NULL, empty or contains NULL.',
                  HINT = 'Name the columns a reader can link to a person, e.g. ARRAY[''building'', ''unit''].';
    END IF;
    -- jsonb_build_object takes at most 100 arguments (50 key/value pairs).
    IF pg_catalog.cardinality(quasi_identifiers) > 50 THEN
        RAISE EXCEPTION 'at most 50 quasi-identifiers are supported'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(q.col), ', ' ORDER BY q.ord) INTO v_dup
      FROM (SELECT DISTINCT ON (u.col) u.col, u.ord
              FROM pg_catalog.unnest(quasi_identifiers) WITH ORDINALITY u(col, ord)
             WHERE (SELECT pg_catalog.count(*) FROM pg_catalog.unnest(quasi_identifiers) v(col)
                     WHERE v.col = u.col) > 1
             ORDER BY u.col, u.ord) q;
    IF v_dup IS NOT NULL THEN
        RAISE EXCEPTION 'quasi_identifiers names a column more than once'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Repeated: %s.', v_dup);
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(u.col), ', ' ORDER BY u.ord) INTO v_missing
      FROM pg_catalog.unnest(quasi_identifiers) WITH ORDINALITY u(col, ord)
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = target AND a.attname = u.col
                          AND a.attnum > 0 AND NOT a.attisdropped);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'quasi-identifier columns do not exist in %', target
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Not columns of %s: %s.', target, v_missing);
    END IF;

    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO from_clause
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = target;
    SELECT pg_catalog.string_agg(pg_catalog.format('t.%I', u.col), ', ' ORDER BY u.ord),
           'pg_catalog.jsonb_build_object('
           || pg_catalog.string_agg(pg_catalog.format('%L::text, t.%I', u.col, u.col), ', ' ORDER BY u.ord)
           || ')'
      INTO group_columns, group_json
      FROM pg_catalog.unnest(quasi_identifiers) WITH ORDINALITY u(col, ord);
END;
$$;

COMMENT ON FUNCTION mask._linkability_query(regclass, name[], integer) IS
'Internal: validates the arguments of mask.linkability() and builds its grouping query from catalog names.';

CREATE FUNCTION mask.linkability(view regclass, quasi_identifiers name[], k integer DEFAULT 5)
RETURNS TABLE (group_values jsonb, group_size bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q record;
BEGIN
    q := mask._linkability_query(linkability.view, linkability.quasi_identifiers, linkability.k);
    -- Groups by the columns themselves (their own equality), names each
    -- group as jsonb; smallest groups first, ties in a fixed (byte) order.
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT %s AS group_values, pg_catalog.count(*) AS group_size'
        ' FROM %s t GROUP BY %s HAVING pg_catalog.count(*) < $1'
        ' ORDER BY 2, (%s)::text COLLATE "C"',
        q.group_json, q.from_clause, q.group_columns, q.group_json)
        USING linkability.k;
END;
$$;

COMMENT ON FUNCTION mask.linkability(regclass, name[], integer) IS
'The groups of rows of a (masked) view that share the same values of the quasi-identifier columns and number fewer than k, with their size: the rows a neighbour could still link to one household. Runs with the caller''s rights.';

CREATE FUNCTION mask.linkability_summary(view regclass, quasi_identifiers name[], k integer DEFAULT 5)
RETURNS TABLE (min_group_size bigint, groups_below_k bigint, rows_below_k bigint,
               share_below_k double precision, total_rows bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q record;
BEGIN
    q := mask._linkability_query(linkability_summary.view, linkability_summary.quasi_identifiers,
                                 linkability_summary.k);
    -- An empty view has no groups: min_group_size and share_below_k are NULL.
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT pg_catalog.min(g.n), pg_catalog.count(*) FILTER (WHERE g.n < $1),'
        ' COALESCE(pg_catalog.sum(g.n) FILTER (WHERE g.n < $1), 0)::bigint,'
        ' COALESCE(pg_catalog.sum(g.n) FILTER (WHERE g.n < $1), 0)::double precision'
        '   / NULLIF(pg_catalog.sum(g.n), 0)::double precision,'
        ' COALESCE(pg_catalog.sum(g.n), 0)::bigint'
        ' FROM (SELECT pg_catalog.count(*) AS n FROM %s t GROUP BY %s) g',
        q.from_clause, q.group_columns)
        USING linkability_summary.k;
END;
$$;

COMMENT ON FUNCTION mask.linkability_summary(regclass, name[], integer) IS
'Summary of mask.linkability(): smallest group, number of groups and of rows in groups below k, their share of all rows, and the row count. Runs with the caller''s rights.';

-- ---- sql/parts/82_verify.sql
-- ---------------------------------------------------------------------------
-- mask.verify(): does the database enforce what the catalog says?
--
-- The catalog and the views cannot drift through the API (every change
-- regenerates in the same transaction), but everything around them can:
-- a GRANT on a raw table, a role made superuser, a view replaced or
-- re-owned by hand, a table given to PUBLIC, a dropped column, a tampered
-- audit log.  verify() looks at the database as it is now and reports each
-- such drift as one row (severity, policy, object, finding, hint):
--
--   error    an invariant of the security model is broken: some role can
--            read raw data, change a policy or read a key it should not, or
--            a view is not what the catalog generates, or the log is broken
--   warning  a risk: raw personal data shown by a PASS rule, a rule that no
--            longer applies, masked data readable outside the policy, DDL
--            no longer followed
--   info     nothing leaks, but an auditor wants to know: hidden columns
--            that mask.detect() classifies as personal data
--
-- No error or warning row means clean.  Findings carry names, counts and
-- the sentences of the engine's own checks, never a value or a key.
-- Global findings (the audit chain, the event triggers) have policy NULL
-- and are reported with or without only_policy.
--
-- Member paths are found by mask._read_path(), the function add_member()
-- refuses with, so verify() and add_member() always name the same path.
-- A view's definition is compared with the definition of a view built from
-- the catalog's own generator (mask._view_query) in a rolled-back
-- subtransaction, both printed by pg_get_viewdef(): no second copy of the
-- generator, no fingerprint to keep in step, and what is compared is what
-- PostgreSQL will run.
--
-- This file is self-contained (new in 0.2.0): it can be appended verbatim
-- to the upgrade script.
-- ---------------------------------------------------------------------------

-- The definition, as pg_get_viewdef() prints it, of the view the catalog
-- generates now for one protected table; NULL when the table is gone.  The
-- view is created as a temporary view inside a subtransaction that is then
-- rolled back, so nothing of it survives the call.  The event triggers need
-- no mark: they follow ALTER TABLE and dropped objects of view schemas and
-- protected tables, never a temporary view.  Errors of the generated SQL (a
-- trusted function dropped since, say) propagate: the caller reports them.
CREATE FUNCTION mask._verify_expected_viewdef(policy_id integer, relation regclass)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_query text := mask._view_query(_verify_expected_viewdef.policy_id,
                                     _verify_expected_viewdef.relation);
    v_def   text;
    v_view  oid;
BEGIN
    IF v_query IS NULL THEN
        RETURN NULL;
    END IF;
    BEGIN
        -- A name no generated view uses; an object of that name left in the
        -- session's own temporary schema is dropped with the subtransaction.
        IF pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', '_maskview_verify_expected')) IS NOT NULL THEN
            EXECUTE pg_catalog.format('DROP VIEW pg_temp.%I', '_maskview_verify_expected');
        END IF;
        EXECUTE pg_catalog.format('CREATE TEMPORARY VIEW %I AS %s', '_maskview_verify_expected', v_query);
        v_view := pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', '_maskview_verify_expected'));
        v_def := pg_catalog.pg_get_viewdef(v_view, false);
        -- Undo the view: this SQLSTATE is ours alone and caught right here.
        RAISE EXCEPTION 'maskview verify rollback' USING ERRCODE = 'MVV01';
    EXCEPTION WHEN SQLSTATE 'MVV01' THEN
        NULL;
    END;
    RETURN v_def;
END;
$$;

COMMENT ON FUNCTION mask._verify_expected_viewdef(integer, regclass) IS
'Internal: pg_get_viewdef() of the masked view the catalog generates now for one protected table, built as a temporary view in a rolled-back subtransaction.';


-- How to close a read path named by mask._read_path(), as a sentence.
CREATE FUNCTION mask._verify_path_hint(path text, policy name, member text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE
               WHEN path LIKE 'PUBLIC has SELECT%' THEN
                   'REVOKE SELECT ON the table named FROM PUBLIC (and any column grant to PUBLIC).'
               WHEN path LIKE '%is a superuser.' THEN
                   'ALTER ROLE ... NOSUPERUSER on the role named, or revoke the membership that leads to it.'
               WHEN path LIKE '%has BYPASSRLS.' THEN
                   'ALTER ROLE ... NOBYPASSRLS on the role named, or revoke the membership that leads to it.'
               WHEN path LIKE '%pg_read_all_data.' THEN
                   pg_catalog.format('REVOKE pg_read_all_data FROM %s.', member)
               WHEN path LIKE '% owns %' THEN
                   'Give the table an owner the member cannot become (ALTER TABLE ... OWNER TO).'
               WHEN path LIKE '%inherits the privileges of%' OR path LIKE '%can SET ROLE to%' THEN
                   'REVOKE the SELECT grant from the role named, or REVOKE that role from the member.'
               ELSE 'REVOKE the SELECT grant named (table or column) from the role.'
           END
           || pg_catalog.format(' Or take the role out of the policy: SELECT mask.remove_member(%L, %L);',
                                policy, member)
$$;

COMMENT ON FUNCTION mask._verify_path_hint(text, name, text) IS
'Internal: the hint of a verify() finding about a member''s path to raw data.';


-- Every finding, unordered; mask.verify() sorts them.  Not SECURITY DEFINER
-- itself (EXECUTE is revoked from PUBLIC): verify() runs it with the
-- extension owner's rights, which reading privileges of every role and
-- sampling tables for detect() needs.
CREATE FUNCTION mask._verify_findings(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pol      mask.policy;
    v_rels     oid[];
    v_m        record;
    v_t        record;
    v_v        record;
    v_r        record;
    v_d        record;
    v_g        record;
    v_a        record;
    v_e        record;
    v_path     text;
    v_func     regprocedure;
    v_key_view regclass;
    v_expected text;
    v_err      text;
    v_state    text;
    v_protect  text;
    v_rule     text;
    v_readers  oid[];
BEGIN
    FOR v_pol IN SELECT p.* FROM mask.policy p
                  WHERE _verify_findings.only_policy IS NULL OR p.name = _verify_findings.only_policy
                  ORDER BY p.name LOOP
        policy := v_pol.name;
        v_rels := ARRAY(SELECT pr.relation::oid FROM mask.protected pr
                          JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                         WHERE pr.policy_id = v_pol.id);
        v_key_view := pg_catalog.to_regclass(pg_catalog.format('%I.%I', 'mask',
                                             mask._key_view_name(v_pol.id)));

        -- ---------------------------------------------------- the key ---
        IF NOT EXISTS (SELECT FROM mask.policy_key k WHERE k.policy_id = v_pol.id) THEN
            severity := 'warning';
            object := NULL;
            finding := 'The policy has no pseudonym key: mask.pseudonym() rules yield NULL.';
            hint := pg_catalog.format('SELECT mask.rotate_key(%L);', v_pol.name);
            RETURN NEXT;
        END IF;
        -- Only the owners of the policy's tables (who own its views) read the
        -- key view; anyone else could compute pseudonyms of chosen values.
        IF v_key_view IS NOT NULL THEN
            FOR v_g IN SELECT DISTINCT g.grantee
                         FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) g
                        WHERE c.oid = v_key_view AND g.grantee <> c.relowner
                          AND NOT g.grantee IN (SELECT c2.relowner FROM pg_catalog.pg_class c2
                                                 WHERE c2.oid = ANY (v_rels))
                        ORDER BY 1 LOOP
                severity := 'error';
                object := pg_catalog.format('%I.%I', 'mask', mask._key_view_name(v_pol.id));
                finding := pg_catalog.format('%s can read the policy''s pseudonym key through its key view.',
                    CASE WHEN v_g.grantee = 0 THEN 'PUBLIC'
                         ELSE 'Role ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_g.grantee)) END);
                hint := pg_catalog.format('REVOKE ALL ON %s FROM %s; then SELECT mask.rotate_key(%L); since the key may be known.',
                    object,
                    CASE WHEN v_g.grantee = 0 THEN 'PUBLIC'
                         ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_g.grantee)) END,
                    v_pol.name);
                RETURN NEXT;
            END LOOP;
        END IF;

        -- ------------------------------------------------ the members ---
        FOR v_m IN SELECT m.role::oid AS roleid, m.role_name, ro.rolname
                     FROM mask.member m
                     LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
                    WHERE m.policy_id = v_pol.id
                    ORDER BY m.role_name LOOP
            object := pg_catalog.quote_ident(COALESCE(v_m.rolname, v_m.role_name));
            IF v_m.rolname IS NULL THEN
                severity := 'warning';
                finding := pg_catalog.format('Member role %s (OID %s) no longer exists.', object, v_m.roleid);
                hint := pg_catalog.format('SELECT mask.remove_member(%L, %L);', v_pol.name, v_m.roleid::text);
                RETURN NEXT;
                CONTINUE;
            END IF;
            -- The very check add_member() refuses with.
            v_path := mask._read_path(v_m.roleid, v_rels);
            IF v_path IS NOT NULL THEN
                severity := 'error';
                finding := 'Member can read raw data: ' || v_path;
                hint := mask._verify_path_hint(v_path, v_pol.name, v_m.rolname);
                RETURN NEXT;
                -- Every further check would only repeat this one for a
                -- superuser, and the path is what to close first.
                CONTINUE;
            END IF;
            -- Members must not be able to change the policy they read through.
            SELECT f INTO v_func FROM mask._admin_functions() f
             WHERE pg_catalog.has_function_privilege(v_m.roleid, f, 'EXECUTE')
             ORDER BY f::text LIMIT 1;
            IF FOUND THEN
                severity := 'error';
                finding := pg_catalog.format('Member can change policies: it may execute %s.', v_func);
                hint := pg_catalog.format('REVOKE the admin grant (SELECT mask.revoke_admin(...) for the role that holds it, or REVOKE that role from %s), or SELECT mask.remove_member(%L, %L);',
                                          object, v_pol.name, v_m.rolname);
                RETURN NEXT;
            END IF;
            IF pg_catalog.has_table_privilege(v_m.roleid, 'mask.policy_key', 'SELECT')
               OR (v_key_view IS NOT NULL
                   AND pg_catalog.has_table_privilege(v_m.roleid, v_key_view, 'SELECT')) THEN
                severity := 'error';
                finding := 'Member can read the pseudonym key and so compute the pseudonym of any value.';
                hint := pg_catalog.format('Revoke that SELECT (on mask.policy_key or %s), then SELECT mask.rotate_key(%L);',
                                          v_key_view, v_pol.name);
                RETURN NEXT;
            END IF;
        END LOOP;

        -- ------------------------------------------------- the tables ---
        FOR v_t IN SELECT pr.relation::oid AS relid, pr.relation_name, pr.view_name, pr.row_filter,
                          c.oid IS NOT NULL AS live, c.relacl, c.relowner, ro.rolname AS owner,
                          ro.rolsuper AS owner_super,
                          CASE WHEN c.oid IS NOT NULL
                               THEN pg_catalog.format('%I.%I', n.nspname, c.relname) END AS name
                     FROM mask.protected pr
                     LEFT JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = c.relowner
                    WHERE pr.policy_id = v_pol.id
                    ORDER BY pr.relation_name LOOP
            IF NOT v_t.live THEN
                severity := 'error';
                object := v_t.relation_name;
                finding := 'The catalog protects a table that no longer exists (dropped while the event triggers were not running).';
                hint := pg_catalog.format('SELECT mask.unprotect(%L, %s);', v_pol.name, v_t.relid);
                RETURN NEXT;
                CONTINUE;
            END IF;
            v_protect := pg_catalog.format('SELECT mask.protect(%L, %L, %L, %L); regenerates it from the catalog.',
                                           v_pol.name, v_t.name, v_t.row_filter, v_t.view_name);

            -- PUBLIC on the raw table: every role, members included, reads it.
            object := v_t.name;
            IF EXISTS (SELECT FROM pg_catalog.aclexplode(v_t.relacl) g
                        WHERE g.grantee = 0 AND g.privilege_type = 'SELECT') THEN
                severity := 'error';
                finding := 'PUBLIC has SELECT on the protected table: every role can read its raw data.';
                hint := pg_catalog.format('REVOKE SELECT ON %s FROM PUBLIC;', v_t.name);
                RETURN NEXT;
            END IF;
            FOR v_a IN SELECT a.attname
                         FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) g
                        WHERE a.attrelid = v_t.relid AND g.grantee = 0 AND g.privilege_type = 'SELECT'
                        ORDER BY a.attnum LOOP
                severity := 'error';
                finding := pg_catalog.format('PUBLIC has SELECT on column %I of the protected table: every role can read it raw.',
                                             v_a.attname);
                hint := pg_catalog.format('REVOKE SELECT (%I) ON %s FROM PUBLIC;', v_a.attname, v_t.name);
                RETURN NEXT;
            END LOOP;
            IF v_t.owner_super THEN
                severity := 'error';
                finding := pg_catalog.format('The table is owned by superuser %I: its masked view would bypass every privilege and row security check.',
                                             v_t.owner);
                hint := pg_catalog.format('ALTER TABLE %s OWNER TO a non-superuser role that owns the data; then %s',
                                          v_t.name, v_protect);
                RETURN NEXT;
            END IF;

            -- The generated view.
            object := pg_catalog.format('%I.%I', v_pol.view_schema, v_t.view_name);
            SELECT c.oid, c.relkind, c.relowner, c.relacl,
                   pg_catalog.pg_get_userbyid(c.relowner) AS owner,
                   EXISTS (SELECT FROM pg_catalog.pg_options_to_table(c.reloptions) o
                            WHERE o.option_name = 'security_barrier'
                              AND o.option_value::boolean) AS barrier
              INTO v_v
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = v_pol.view_schema AND c.relname = v_t.view_name;
            IF NOT FOUND THEN
                severity := 'error';
                finding := pg_catalog.format('The masked view of %s is missing (dropped by hand): members cannot read it.',
                                             v_t.name);
                hint := v_protect;
                RETURN NEXT;
            ELSIF v_v.relkind <> 'v' THEN
                severity := 'error';
                finding := pg_catalog.format('The object in place of the masked view of %s is not a view (relkind %s).',
                                             v_t.name, v_v.relkind);
                hint := 'Drop or rename that object, then ' || v_protect;
                RETURN NEXT;
            ELSE
                IF v_v.relowner <> v_t.relowner THEN
                    severity := 'error';
                    finding := pg_catalog.format('The view is owned by %I, not by %I, the owner of %s%s.',
                        v_v.owner, v_t.owner, v_t.name,
                        CASE WHEN (SELECT ro.rolsuper FROM pg_catalog.pg_roles ro WHERE ro.oid = v_v.relowner)
                             THEN ': a superuser-owned view bypasses the table''s privileges and row security'
                             ELSE '' END);
                    hint := pg_catalog.format('ALTER VIEW %s OWNER TO %I; or %s', object, v_t.owner, v_protect);
                    RETURN NEXT;
                END IF;
                IF NOT v_v.barrier THEN
                    severity := 'error';
                    finding := 'The view is not a security_barrier view: leaky functions in members'' queries can see rows the row filter removes.';
                    hint := pg_catalog.format('ALTER VIEW %s SET (security_barrier); or %s', object, v_protect);
                    RETURN NEXT;
                END IF;
                v_err := NULL;
                v_state := NULL;
                BEGIN
                    v_expected := mask._verify_expected_viewdef(v_pol.id, v_t.relid::regclass);
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS v_err = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
                END;
                IF v_state = '25006' THEN
                    -- The expected definition needs a (temporary) view.
                    severity := 'warning';
                    finding := 'The view''s definition was not compared with the catalog: the transaction is read-only (READ ONLY or a hot standby).';
                    hint := 'Run mask.verify() in a read-write transaction on the primary.';
                    RETURN NEXT;
                ELSIF v_err IS NOT NULL THEN
                    severity := 'error';
                    finding := 'The catalog no longer generates a valid view for this table: ' || v_err;
                    hint := 'Fix the rule or row filter concerned with mask.set_rule() / mask.drop_rule() / mask.protect().';
                    RETURN NEXT;
                ELSIF pg_catalog.pg_get_viewdef(v_v.oid, false) IS DISTINCT FROM v_expected THEN
                    severity := 'error';
                    finding := 'The view''s definition differs from what the catalog generates (altered or replaced by hand).';
                    hint := v_protect;
                    RETURN NEXT;
                END IF;
                -- Masked data for members and auditors only (mask._apply_grants).
                v_readers := ARRAY(SELECT m.role::oid FROM mask.member m WHERE m.policy_id = v_pol.id
                                   UNION SELECT au.role::oid FROM mask.auditor au);
                FOR v_g IN SELECT DISTINCT g.grantee
                             FROM pg_catalog.aclexplode(v_v.relacl) g
                            WHERE g.grantee <> v_v.relowner AND NOT (g.grantee = ANY (v_readers))
                            ORDER BY 1 LOOP
                    severity := 'warning';
                    finding := pg_catalog.format('%s can read the masked view without being a member or an auditor.',
                        CASE WHEN v_g.grantee = 0 THEN 'PUBLIC'
                             ELSE 'Role ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_g.grantee)) END);
                    hint := pg_catalog.format('REVOKE ALL ON %s FROM %s; (or add the role with mask.add_member()).',
                        object, CASE WHEN v_g.grantee = 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(v_g.grantee)) END);
                    RETURN NEXT;
                END LOOP;
            END IF;

            -- Rules whose column is gone (flagged by the event trigger, or
            -- not yet noticed because the DDL ran without it).
            FOR v_r IN SELECT r.column_name, r.orphaned
                         FROM mask.rule r
                        WHERE r.policy_id = v_pol.id AND r.relation = v_t.relid
                          AND (r.orphaned OR NOT EXISTS (
                                   SELECT FROM pg_catalog.pg_attribute a
                                    WHERE a.attrelid = r.relation AND a.attnum = r.column_attnum
                                      AND NOT a.attisdropped))
                        ORDER BY r.column_name LOOP
                severity := 'warning';
                object := pg_catalog.format('%s.%I', v_t.name, v_r.column_name);
                finding := 'Orphaned rule: its column was dropped or its expression no longer applies; it generates nothing and the column (if any) is hidden.';
                hint := pg_catalog.format('SELECT mask.drop_rule(%L, %L, %L); or set a new rule for the column.',
                                          v_pol.name, v_t.name, v_r.column_name);
                RETURN NEXT;
            END LOOP;

            -- Personal data, as mask.detect() classifies it: shown by a PASS
            -- rule (warning when detect is confident, else info), or hidden
            -- (info: nothing leaks, but no masked form is offered either).
            FOR v_d IN SELECT d."column", d.pii_type, d.confidence, d.evidence, d.suggested_rule,
                              r.action
                         FROM mask._detect_relation(v_t.relid::regclass, 1000) d
                         JOIN pg_catalog.pg_attribute a
                           ON a.attrelid = v_t.relid AND a.attname = d."column"
                         LEFT JOIN mask.rule r
                           ON r.policy_id = v_pol.id AND r.relation = v_t.relid
                          AND r.column_attnum = a.attnum AND NOT r.orphaned
                        WHERE r.action IS NULL OR r.action = 'pass'
                        ORDER BY d."column" LOOP
                object := pg_catalog.format('%s.%I', v_t.name, v_d."column");
                v_rule := pg_catalog.format('SELECT mask.set_rule(%L, %L, %L, %L);',
                                            v_pol.name, v_t.name, v_d."column", v_d.suggested_rule);
                IF v_d.action = 'pass' THEN
                    severity := CASE WHEN v_d.confidence >= 0.5 THEN 'warning' ELSE 'info' END;
                    finding := pg_catalog.format('A PASS rule shows this column raw, and it looks like %s (confidence %s; %s).',
                                                 v_d.pii_type, v_d.confidence, v_d.evidence);
                    hint := 'Mask it: ' || v_rule;
                ELSE
                    severity := 'info';
                    finding := pg_catalog.format('Hidden column that looks like %s (confidence %s; %s); nothing leaks.',
                                                 v_d.pii_type, v_d.confidence, v_d.evidence);
                    hint := 'No action needed; to show it masked: ' || v_rule;
                END IF;
                RETURN NEXT;
            END LOOP;
        END LOOP;
    END LOOP;

    -- ----------------------------------------------------- global ---
    policy := NULL;
    FOR v_a IN SELECT l.id, l.problem FROM mask.verify_audit_log() l LOOP
        severity := 'error';
        object := 'mask.audit_log';
        finding := pg_catalog.format('The audit log''s hash chain is broken at id %s: %s.', v_a.id, v_a.problem);
        hint := 'Rows were changed, removed or reordered with the append-only triggers disabled (superuser). Compare with a backup or an externally kept hash; the log cannot be repaired in place.';
        RETURN NEXT;
    END LOOP;
    FOR v_e IN SELECT x.name, e.evtenabled
                 FROM (VALUES ('maskview_ddl_command_end'), ('maskview_sql_drop')) x(name)
                 LEFT JOIN pg_catalog.pg_event_trigger e ON e.evtname = x.name
                WHERE e.evtenabled IS NULL OR e.evtenabled = 'D'
                ORDER BY x.name LOOP
        severity := 'warning';
        object := v_e.name;
        finding := CASE WHEN v_e.evtenabled IS NULL THEN 'The event trigger is missing'
                        ELSE 'The event trigger is disabled' END
                   || ': renames, dropped columns and dropped tables are followed only at the next API call, and go unaudited.';
        hint := CASE WHEN v_e.evtenabled IS NULL
                     THEN 'Reinstall the extension''s event triggers (ALTER EXTENSION maskview UPDATE, or drop and create the extension after saving the policies with mask.export_policy()).'
                     ELSE pg_catalog.format('ALTER EVENT TRIGGER %I ENABLE;', v_e.name) END;
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._verify_findings(name) IS
'Internal: every finding of mask.verify(), unordered.';


CREATE FUNCTION mask.verify(only_policy name DEFAULT NULL)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- SECURITY DEFINER: an auditor must see privileges, key grants and personal
-- data in tables it may not read.  Only names, counts and the engine's own
-- sentences leave this function.  VOLATILE: it builds (and rolls back) a
-- temporary view per protected table.  EXECUTE is revoked from PUBLIC;
-- mask.grant_auditor() and mask.grant_admin() grant it.
BEGIN
    IF verify.only_policy IS NOT NULL THEN
        PERFORM mask._policy(verify.only_policy);   -- 22023 for an unknown policy
    END IF;
    RETURN QUERY
        SELECT f.severity, f.policy, f.object, f.finding, f.hint
          FROM mask._verify_findings(verify.only_policy) f
         ORDER BY pg_catalog.array_position(ARRAY['error', 'warning', 'info'], f.severity),
                  f.policy COLLATE "C" NULLS FIRST, f.object COLLATE "C" NULLS FIRST,
                  f.finding COLLATE "C";
END;
$$;

COMMENT ON FUNCTION mask.verify(name) IS
'Auditor report: every way the database has drifted from what the policy catalog says (members with a path to raw data, views altered, re-owned or dropped, PUBLIC grants, PASS rules on personal data, orphaned rules, broken audit chain ...), one row (severity error|warning|info, policy, object, finding, hint) each. No error or warning row means clean. Names and findings only, never values or keys.';

REVOKE ALL ON FUNCTION mask._verify_expected_viewdef(integer, regclass),
    mask._verify_path_hint(text, name, text), mask._verify_findings(name),
    mask.verify(name) FROM PUBLIC;

-- Auditors and admins that existed before an upgrade from 0.1.0 get this
-- through mask.refresh_privileges() (84_refresh_privileges.sql), run after
-- ALTER EXTENSION UPDATE: a GRANT inside an extension script would be
-- recorded as an initial privilege, and pg_dump would then leave it out.

-- ---- sql/parts/83_export_import.sql
-- ---------------------------------------------------------------------------
-- Policies as documents: mask.export_policy() and mask.import_policy().
--
-- A policy is kept in version control as the jsonb document export_policy()
-- returns (jsonb_pretty() it for a readable file):
--
--   { "format": "maskview-policy", "format_version": 1,
--     "policy": ..., "view_schema": ..., "description": ...,
--     "tables":  [ { "table": "schema.table", "view_name": ..., "row_filter": ...,
--                    "rules": [ { "column": ..., "action": "mask"|"pass"|"null",
--                                 "expression": ..., "reason": ... } ] } ],
--     "members": [ { "role": ..., "set_search_path": true|false } ] }
--
-- Everything is as the admin typed it (row filters, expressions), arrays are
-- sorted by name in byte order and every key is always present (null when
-- unset), so two exports of the same policy are identical in any database
-- and a change to the policy is a small diff.  Never in the document: the
-- key, the audit log, who changed what when (that is in the audit log).
-- Columns without a rule are hidden and appear nowhere; orphaned rules (of
-- dropped columns) generate nothing and are left out; members whose role
-- was dropped are left out (verify() reports both).
--
-- import_policy() checks the whole document first (shape, tables, columns,
-- rules and row filters through the validator, members through the same
-- read-path check as add_member) and then builds the policy by calling the
-- API itself (create_policy, protect, set_rule, add_member), so there is one
-- code path and every step is audited as usual; one more 'import_policy'
-- row records the import as a whole.  Any error, in the checks or in an
-- API call, raises 22023 naming the part of the document and rolls the
-- whole call back: nothing is changed.  A new policy gets a new key, so its
-- pseudonyms differ from the exported database's (pg_dump/restore is the
-- path that keeps keys).  replace => true drops the existing policy and
-- builds it again from the document in the same transaction, keeping its
-- key, so re-applying a reviewed document does not change the tokens on
-- printed notices (mask.rotate_key() changes them explicitly).
--
-- This file is self-contained (new in 0.2.0): it can be appended verbatim
-- to the upgrade script.
-- ---------------------------------------------------------------------------

-- The document of a policy, without auditing (export_policy and
-- import_policy both use it).
CREATE FUNCTION mask._policy_document(policy_id integer)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'format', 'maskview-policy',
        'format_version', 1,
        'policy', p.name,
        'view_schema', p.view_schema,
        'description', p.description,
        'tables', COALESCE((
            SELECT pg_catalog.jsonb_agg(t.doc ORDER BY t.name COLLATE "C")
              FROM (SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS name,
                           pg_catalog.jsonb_build_object(
                               'table', pg_catalog.format('%I.%I', n.nspname, c.relname),
                               'view_name', pr.view_name,
                               'row_filter', pr.row_filter,
                               'rules', COALESCE((
                                   SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                              'column', a.attname,
                                              'action', r.action,
                                              'expression', r.expression,
                                              'reason', r.reason)
                                          ORDER BY a.attname COLLATE "C")
                                     FROM mask.rule r
                                     JOIN pg_catalog.pg_attribute a
                                       ON a.attrelid = r.relation AND a.attnum = r.column_attnum
                                      AND NOT a.attisdropped
                                    WHERE r.policy_id = pr.policy_id AND r.relation = pr.relation
                                      AND NOT r.orphaned), '[]'::jsonb)) AS doc
                      FROM mask.protected pr
                      JOIN pg_catalog.pg_class c ON c.oid = pr.relation
                      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE pr.policy_id = p.id) t), '[]'::jsonb),
        'members', COALESCE((
            SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                       'role', ro.rolname,
                       'set_search_path', m.search_path_set)
                   ORDER BY ro.rolname COLLATE "C")
              FROM mask.member m
              JOIN pg_catalog.pg_roles ro ON ro.oid = m.role
             WHERE m.policy_id = p.id), '[]'::jsonb))
      FROM mask.policy p
     WHERE p.id = _policy_document.policy_id
$$;

COMMENT ON FUNCTION mask._policy_document(integer) IS
'Internal: the policy document of mask.export_policy() (no key, no audit data), without writing the audit log.';


-- A short digest of a document: recorded in the audit log, so an export and
-- a later import of the same document can be matched there.
CREATE FUNCTION mask._document_sha256(doc jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(doc::text, 'UTF8')), 'hex')
$$;

COMMENT ON FUNCTION mask._document_sha256(jsonb) IS
'Internal: hex sha256 of a policy document''s jsonb text, recorded in the audit log by export and import.';


CREATE FUNCTION mask.export_policy(policy name)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
-- SECURITY DEFINER: the catalog tables are the extension owner's.  The
-- document holds nothing an auditor cannot read in mask.policies,
-- mask.protected_tables, mask.rules and mask.members.  VOLATILE because the
-- export is audited.
DECLARE
    v_policy mask.policy;
    v_doc    jsonb;
BEGIN
    v_policy := mask._policy(export_policy.policy);
    v_doc := mask._policy_document(v_policy.id);
    PERFORM mask._audit('export_policy', v_policy.name, NULL,
        pg_catalog.jsonb_build_object(
            'document_sha256', mask._document_sha256(v_doc),
            'tables', pg_catalog.jsonb_array_length(v_doc -> 'tables'),
            'rules', (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_array_elements(v_doc -> 'tables') t,
                             pg_catalog.jsonb_array_elements(t -> 'rules') r),
            'members', pg_catalog.jsonb_array_length(v_doc -> 'members')));
    RETURN v_doc;
END;
$$;

COMMENT ON FUNCTION mask.export_policy(name) IS
'The whole policy as a jsonb document for review and version control: view schema, description, tables with view names and row filters, rules (column, action, expression as typed, reason), members, format version. Never keys or audit data; sorted, so exports diff well. Audited.';


-- Raises the 22023 of a refused document part.
CREATE FUNCTION mask._import_refuse(part text, problem text, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'policy document refused'
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = part || ': ' || problem,
              HINT = COALESCE(hint, 'Nothing was changed. Correct the document, or export the policy again with mask.export_policy().');
END;
$$;

COMMENT ON FUNCTION mask._import_refuse(text, text, text) IS
'Internal: raises invalid_parameter_value for import_policy() with a detail naming the offending part of the document.';


-- Checks that an object has only the allowed keys and each present key the
-- right JSON type ('string', 'string|null', 'array', 'boolean', 'number');
-- required keys must be present (and not null unless the type allows it).
CREATE FUNCTION mask._import_check_object(part text, obj jsonb, allowed text[], types text[],
                                          required text[])
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_key  text;
    v_i    integer;
BEGIN
    IF obj IS NULL OR pg_catalog.jsonb_typeof(obj) <> 'object' THEN
        PERFORM mask._import_refuse(part, 'must be a JSON object.');
    END IF;
    FOR v_key IN SELECT k FROM pg_catalog.jsonb_object_keys(obj) k ORDER BY k LOOP
        v_i := pg_catalog.array_position(allowed, v_key);
        IF v_i IS NULL THEN
            PERFORM mask._import_refuse(part, pg_catalog.format('unknown key "%s" (allowed: %s).',
                                        v_key, pg_catalog.array_to_string(allowed, ', ')));
        END IF;
        IF NOT pg_catalog.jsonb_typeof(obj -> v_key) = ANY (pg_catalog.string_to_array(types[v_i], '|')) THEN
            PERFORM mask._import_refuse(part, pg_catalog.format('"%s" must be %s, not %s.', v_key,
                                        pg_catalog.replace(types[v_i], '|', ' or '),
                                        pg_catalog.jsonb_typeof(obj -> v_key)));
        END IF;
    END LOOP;
    FOREACH v_key IN ARRAY required LOOP
        IF NOT obj ? v_key THEN
            PERFORM mask._import_refuse(part, pg_catalog.format('"%s" is missing.', v_key));
        END IF;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask._import_check_object(text, jsonb, text[], text[], text[]) IS
'Internal: import_policy()''s shape check of one JSON object (allowed keys, their types, required keys).';


CREATE FUNCTION mask.import_policy(doc jsonb, replace boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name      name;
    v_schema    name;
    v_existing  mask.policy;
    v_key       bytea;
    v_new_id    integer;
    v_table     jsonb;
    v_rule      jsonb;
    v_member    jsonb;
    v_ti        integer;
    v_ri        integer;
    v_part      text;
    v_rel       regclass;
    v_rels      oid[] := '{}';
    v_relnames  text[] := '{}';
    v_columns   text[];
    v_role      oid;
    v_roles     oid[] := '{}';
    v_expr      text;
    v_action    text;
    v_path      text;
    v_msg       text;
    v_detail    text;
    v_result    jsonb;
    v_nrules    integer := 0;
BEGIN
    -- ------------------------------------------------ 1. check it all ---
    IF import_policy.replace IS NULL THEN
        RAISE EXCEPTION 'replace must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mask._import_check_object('document', doc,
        ARRAY['format', 'format_version', 'policy', 'view_schema', 'description', 'tables', 'members'],
        ARRAY['string', 'number', 'string', 'string', 'string|null', 'array', 'array'],
        ARRAY['format', 'format_version', 'policy', 'view_schema', 'tables', 'members']);
    IF doc ->> 'format' <> 'maskview-policy' THEN
        PERFORM mask._import_refuse('format', pg_catalog.format('"%s" is not a maskview policy document (expected "maskview-policy").',
                                                                doc ->> 'format'));
    END IF;
    IF doc -> 'format_version' <> '1'::jsonb THEN
        PERFORM mask._import_refuse('format_version', pg_catalog.format('version %s is not supported; this maskview reads version 1.',
                                                                        doc -> 'format_version'));
    END IF;
    IF doc ->> 'policy' = '' OR doc ->> 'view_schema' = '' THEN
        PERFORM mask._import_refuse(CASE WHEN doc ->> 'policy' = '' THEN 'policy' ELSE 'view_schema' END,
                                    'must not be empty.');
    END IF;
    IF pg_catalog.octet_length(doc ->> 'policy') >= 64 OR pg_catalog.octet_length(doc ->> 'view_schema') >= 64 THEN
        PERFORM mask._import_refuse(CASE WHEN pg_catalog.octet_length(doc ->> 'policy') >= 64 THEN 'policy'
                                         ELSE 'view_schema' END,
                                    'is longer than a PostgreSQL name (63 bytes).');
    END IF;
    v_name := (doc ->> 'policy')::name;
    v_schema := (doc ->> 'view_schema')::name;
    SELECT p.* INTO v_existing FROM mask.policy p WHERE p.name = v_name;
    IF FOUND AND NOT import_policy.replace THEN
        PERFORM mask._import_refuse('policy', pg_catalog.format('policy "%s" already exists.', v_name),
            'Nothing was changed. Pass replace => true to replace it with the document (its key is kept), or rename the policy in the document.');
    END IF;

    v_ti := 0;
    FOR v_table IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'tables') e LOOP
        v_ti := v_ti + 1;
        v_part := pg_catalog.format('tables[%s]', v_ti);
        PERFORM mask._import_check_object(v_part, v_table,
            ARRAY['table', 'view_name', 'row_filter', 'rules'],
            ARRAY['string', 'string|null', 'string|null', 'array'],
            ARRAY['table']);
        BEGIN
            v_rel := pg_catalog.to_regclass(v_table ->> 'table');
        EXCEPTION WHEN OTHERS THEN
            v_rel := NULL;     -- not even a well-formed name
        END;
        IF v_rel IS NULL THEN
            PERFORM mask._import_refuse(v_part, pg_catalog.format('table %s does not exist.', v_table ->> 'table'),
                'Nothing was changed. Tables are named schema-qualified, as mask.export_policy() writes them.');
        END IF;
        v_part := pg_catalog.format('tables[%s] (%s)', v_ti, v_table ->> 'table');
        IF v_rel::oid = ANY (v_rels) THEN
            PERFORM mask._import_refuse(v_part, 'the table is listed twice.');
        END IF;
        IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = v_rel) NOT IN ('r', 'p') THEN
            PERFORM mask._import_refuse(v_part, 'is not a table; only tables and partitioned tables can be protected.');
        END IF;
        IF v_table ->> 'row_filter' IS NOT NULL THEN
            BEGIN
                PERFORM mask._validate_expression(v_table ->> 'row_filter', v_rel, true);
            EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
                GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
                PERFORM mask._import_refuse(v_part || ' row_filter',
                                            v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
            END;
        END IF;
        v_rels := v_rels || v_rel::oid;
        v_relnames := v_relnames || (v_table ->> 'table');

        v_columns := '{}';
        v_ri := 0;
        FOR v_rule IN SELECT e FROM pg_catalog.jsonb_array_elements(COALESCE(v_table -> 'rules', '[]')) e LOOP
            v_ri := v_ri + 1;
            v_part := pg_catalog.format('tables[%s] (%s) rules[%s]', v_ti, v_table ->> 'table', v_ri);
            PERFORM mask._import_check_object(v_part, v_rule,
                ARRAY['column', 'action', 'expression', 'reason'],
                ARRAY['string', 'string', 'string', 'string|null'],
                ARRAY['column', 'expression']);
            v_part := pg_catalog.format('tables[%s] (%s) rules[%s] (column %s)', v_ti, v_table ->> 'table',
                                        v_ri, v_rule ->> 'column');
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                            WHERE a.attrelid = v_rel AND a.attnum > 0 AND NOT a.attisdropped
                              AND a.attname::text = v_rule ->> 'column') THEN
                PERFORM mask._import_refuse(v_part, pg_catalog.format('table %s has no column %s.',
                                            v_rel, pg_catalog.quote_ident(v_rule ->> 'column')));
            END IF;
            IF (v_rule ->> 'column') = ANY (v_columns) THEN
                PERFORM mask._import_refuse(v_part, 'the column has two rules.');
            END IF;
            v_columns := v_columns || (v_rule ->> 'column');
            v_expr := v_rule ->> 'expression';
            -- The action follows from the expression, as in set_rule(); a
            -- document whose action says otherwise was edited by hand.
            v_action := CASE pg_catalog.upper(pg_catalog.btrim(v_expr))
                            WHEN 'PASS' THEN 'pass' WHEN 'NULL' THEN 'null' ELSE 'mask' END;
            IF v_rule ? 'action' AND v_rule ->> 'action' <> v_action THEN
                PERFORM mask._import_refuse(v_part, pg_catalog.format('action "%s" does not match the expression, which means "%s".',
                                                                      v_rule ->> 'action', v_action));
            END IF;
            IF v_action = 'mask' THEN
                BEGIN
                    -- The key's location does not matter for the check;
                    -- set_rule() validates again with the new policy's.
                    PERFORM mask._validate_expression(v_expr, v_rel, false, mask._key_sql(0));
                EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
                    GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
                    PERFORM mask._import_refuse(v_part, v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
                END;
            END IF;
            v_nrules := v_nrules + 1;
        END LOOP;
    END LOOP;

    v_ti := 0;
    FOR v_member IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'members') e LOOP
        v_ti := v_ti + 1;
        v_part := pg_catalog.format('members[%s]', v_ti);
        PERFORM mask._import_check_object(v_part, v_member, ARRAY['role', 'set_search_path'],
                                          ARRAY['string', 'boolean'], ARRAY['role']);
        v_part := pg_catalog.format('members[%s] (%s)', v_ti, v_member ->> 'role');
        SELECT ro.oid INTO v_role FROM pg_catalog.pg_roles ro WHERE ro.rolname = v_member ->> 'role';
        IF NOT FOUND THEN
            PERFORM mask._import_refuse(v_part, 'the role does not exist.',
                'Nothing was changed. Create the role first, or leave it out of the document.');
        END IF;
        IF v_role = ANY (v_roles) THEN
            PERFORM mask._import_refuse(v_part, 'the role is listed twice.');
        END IF;
        v_roles := v_roles || v_role;
        -- add_member()'s own path check, against the document's tables.
        v_path := mask._read_path(v_role, v_rels);
        IF v_path IS NOT NULL THEN
            PERFORM mask._import_refuse(v_part, v_path,
                'Nothing was changed. Members must reach the protected tables only through the masked views: revoke that access first.');
        END IF;
    END LOOP;

    -- ----------------------------------------- 2. build it with the API ---
    -- Every call below validates again; an error there still changes
    -- nothing (it aborts this call) and is reported with its part.
    IF v_existing.id IS NOT NULL THEN
        SELECT k.key INTO v_key FROM mask.policy_key k WHERE k.policy_id = v_existing.id;
        BEGIN
            PERFORM mask.drop_policy(v_name);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            PERFORM mask._import_refuse('policy', 'the existing policy cannot be dropped: ' || v_msg
                                        || COALESCE(': ' || NULLIF(v_detail, ''), ''));
        END;
    END IF;

    BEGIN
        PERFORM mask.create_policy(v_name, v_schema, doc ->> 'description');
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        PERFORM mask._import_refuse('policy', v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
    END;
    SELECT p.id INTO v_new_id FROM mask.policy p WHERE p.name = v_name;
    IF v_key IS NOT NULL THEN
        -- replace keeps the key: pseudonyms stay what they were.
        UPDATE mask.policy_key k SET key = v_key WHERE k.policy_id = v_new_id;
    END IF;

    v_ti := 0;
    FOR v_table IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'tables') e LOOP
        v_ti := v_ti + 1;
        v_rel := v_rels[v_ti]::regclass;
        v_part := pg_catalog.format('tables[%s] (%s)', v_ti, v_relnames[v_ti]);
        BEGIN
            PERFORM mask.protect(v_name, v_rel, v_table ->> 'row_filter', (v_table ->> 'view_name')::name);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            PERFORM mask._import_refuse(v_part, v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
        END;
        v_ri := 0;
        FOR v_rule IN SELECT e FROM pg_catalog.jsonb_array_elements(COALESCE(v_table -> 'rules', '[]')) e LOOP
            v_ri := v_ri + 1;
            BEGIN
                PERFORM mask.set_rule(v_name, v_rel, (v_rule ->> 'column')::name, v_rule ->> 'expression',
                                      v_rule ->> 'reason');
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
                PERFORM mask._import_refuse(pg_catalog.format('%s rules[%s] (column %s)', v_part, v_ri,
                                                              v_rule ->> 'column'),
                                            v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
            END;
        END LOOP;
    END LOOP;

    v_ti := 0;
    FOR v_member IN SELECT e FROM pg_catalog.jsonb_array_elements(doc -> 'members') e LOOP
        v_ti := v_ti + 1;
        BEGIN
            PERFORM mask.add_member(v_name, v_roles[v_ti]::regrole,
                                    COALESCE((v_member ->> 'set_search_path')::boolean, true));
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            PERFORM mask._import_refuse(pg_catalog.format('members[%s] (%s)', v_ti, v_member ->> 'role'),
                                        v_msg || COALESCE(': ' || NULLIF(v_detail, ''), ''));
        END;
    END LOOP;

    -- The document of the policy as built, i.e. what export_policy() now
    -- returns: its digest in the audit row links this import to exports.
    v_result := mask._policy_document(v_new_id);
    PERFORM mask._audit('import_policy', v_name, v_schema::text,
        pg_catalog.jsonb_build_object(
            'replaced', v_existing.id IS NOT NULL,
            'key', CASE WHEN v_key IS NOT NULL THEN 'kept' ELSE 'new' END,
            'tables', pg_catalog.cardinality(v_rels),
            'rules', v_nrules,
            'members', pg_catalog.cardinality(v_roles),
            'document_sha256', mask._document_sha256(v_result)));
END;
$$;

COMMENT ON FUNCTION mask.import_policy(jsonb, boolean) IS
'Creates a policy from a document of mask.export_policy(): checks everything first (shape, tables, columns, rules and row filters, members) and then calls create_policy, protect, set_rule and add_member; any error is 22023 naming the part and changes nothing. A new policy gets a new key (pseudonyms differ from the source database); replace => true rebuilds an existing policy and keeps its key. Audited: the API calls plus one import_policy row.';

REVOKE ALL ON FUNCTION mask._policy_document(integer), mask._document_sha256(jsonb),
    mask.export_policy(name), mask._import_refuse(text, text, text),
    mask._import_check_object(text, jsonb, text[], text[], text[]),
    mask.import_policy(jsonb, boolean) FROM PUBLIC;

-- Auditors and admins that existed before an upgrade from 0.1.0 get this
-- through mask.refresh_privileges() (84_refresh_privileges.sql), run after
-- ALTER EXTENSION UPDATE: a GRANT inside an extension script would be
-- recorded as an initial privilege, and pg_dump would then leave it out.

-- ---- sql/parts/84_refresh_privileges.sql
-- ---------------------------------------------------------------------------
-- mask.refresh_privileges(): makes every privilege maskview manages exactly
-- what the catalog says, for every admin, auditor and policy.
--
-- Run it after ALTER EXTENSION maskview UPDATE.  An upgrade adds functions
-- (0.2.0: verify, export_policy, import_policy) that existing admins and
-- auditors should get; granting them inside the upgrade script itself would
-- make PostgreSQL record the grants as the functions' initial privileges
-- (pg_init_privs), and pg_dump leaves initial privileges out, so a dump of the
-- upgraded database would silently lose them.  Granted here, outside any
-- extension script, they are ordinary grants that pg_dump keeps.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask.refresh_privileges()
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_role   record;
    v_func   regprocedure;
    v_policy integer;
BEGIN
    -- (names from the OIDs: a role may have been renamed since)
    FOR v_role IN SELECT r.rolname AS role_name
                    FROM mask.admin a JOIN pg_catalog.pg_roles r ON r.oid = a.role
                   ORDER BY 1 LOOP
        FOR v_func IN SELECT f FROM mask._admin_functions() f LOOP
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', v_func, v_role.role_name);
        END LOOP;
        PERFORM mask._set_catalog_read(v_role.role_name, true);
    END LOOP;
    FOR v_role IN SELECT r.rolname AS role_name
                    FROM mask.auditor a JOIN pg_catalog.pg_roles r ON r.oid = a.role
                   ORDER BY 1 LOOP
        PERFORM mask._set_catalog_read(v_role.role_name, true);
    END LOOP;
    FOR v_policy IN SELECT p.id FROM mask.policy p ORDER BY p.name LOOP
        PERFORM mask._apply_grants(v_policy);
    END LOOP;
    PERFORM mask._audit('refresh_privileges', NULL, NULL, '{}'::jsonb);
END;
$$;

COMMENT ON FUNCTION mask.refresh_privileges() IS
'Re-applies every privilege maskview manages (admins, auditors, members, view owners) from the catalog. Run it after ALTER EXTENSION maskview UPDATE so existing admins and auditors get the new version''s functions as ordinary, dumpable grants. Admins only; audited.';

REVOKE ALL ON FUNCTION mask.refresh_privileges() FROM PUBLIC;

-- ---- sql/parts/90_privileges.sql
-- ---------------------------------------------------------------------------
-- Privileges, in one place so that a reviewer sees who may do what.
--
--   PUBLIC    USAGE on schema mask (to call the masking functions and, for
--             those granted SELECT, to name the catalog views); nothing else.
--   admins    EXECUTE on the policy API (mask.grant_admin), SELECT on the
--             catalog views and the audit log.
--   auditors  SELECT on the catalog views and the audit log, EXECUTE on the
--             reports, SELECT on the masked views (mask.grant_auditor).
--   members   USAGE on their view schema, SELECT on its views (mask.add_member).
--   owners of protected tables  own the masked views, SELECT on the key view.
-- The catalog tables, mask.policy_key and every internal function stay with
-- the extension owner.  Functions default to EXECUTE for PUBLIC, so the API
-- and internal functions are revoked here explicitly: a non-admin calling the
-- API is refused by PostgreSQL itself (42501) before any of our code runs.
-- ---------------------------------------------------------------------------

GRANT USAGE ON SCHEMA mask TO PUBLIC;

REVOKE ALL ON TABLE mask.policies, mask.protected_tables, mask.rules, mask.members FROM PUBLIC;

DO $$
DECLARE
    v_func regprocedure;
BEGIN
    FOR v_func IN
        SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = 'mask'::regnamespace
           AND (p.proname IN ('create_policy', 'drop_policy', 'protect', 'unprotect', 'set_rule',
                              'drop_rule', 'add_member', 'remove_member', 'rotate_key',
                              'grant_admin', 'revoke_admin', 'grant_auditor', 'revoke_auditor',
                              'trust_function')
                -- the policy engine's internal helpers (other parts revoke
                -- their own: some, like the audit hash, are meant for PUBLIC)
                OR p.proname IN ('_internal_begin', '_internal_end', '_key_view_name', '_key_sql',
                                 '_new_key', '_ensure_key_view', '_drop_generated_view',
                                 '_columns_snapshot', '_rename_identifiers', '_reconcile',
                                 '_view_query', '_apply_grants', '_regenerate_policy', '_policy',
                                 '_protected', '_revoke_schema_usage', '_read_path',
                                 '_reset_search_path', '_member_search_path', '_admin_functions',
                                 '_set_catalog_read', '_on_ddl_command_end', '_on_sql_drop',
                                 '_internal_active'))
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_func);
    END LOOP;
END;
$$;
