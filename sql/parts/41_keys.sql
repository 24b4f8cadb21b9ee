-- ---------------------------------------------------------------------------
-- Policy keys: how a generated view reaches its policy's pseudonym key
-- (the design: 40_views.sql; the key table: 20_catalog.sql).
-- ---------------------------------------------------------------------------

-- Name of a policy's key view.  The id, not the policy name, so that the
-- name is short, fixed and independent of what admins type.
CREATE FUNCTION mask_internal._key_view_name(policy_id integer)
RETURNS name
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ('_key_' || policy_id::text)::name
$$;

COMMENT ON FUNCTION mask_internal._key_view_name(integer) IS
'Internal: name of the key view of a policy in schema mask_internal.';

-- The key view's schema-qualified name, quoted, as SQL and to_regclass take it.
CREATE FUNCTION mask_internal._key_view(policy_id integer)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('%I.%I', 'mask_internal', mask_internal._key_view_name(policy_id))
$$;

COMMENT ON FUNCTION mask_internal._key_view(integer) IS
'Internal: the quoted, schema-qualified name of the key view of a policy.';

-- The SQL that supplies the key inside a generated view; passed to the
-- validator as key_sql for mask.pseudonym(col[, length]).
CREATE FUNCTION mask_internal._key_sql(policy_id integer)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('(SELECT k.key FROM %s k)', mask_internal._key_view(policy_id))
$$;

COMMENT ON FUNCTION mask_internal._key_sql(integer) IS
'Internal: the uncorrelated scalar subquery through which a generated view reads its policy''s key (once per query).';

-- 32 bytes from pg_strong_random (mask_internal._random_bytes is C, 05_internal.sql).
CREATE FUNCTION mask_internal._new_key()
RETURNS bytea
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT mask_internal._random_bytes(32)
$$;

COMMENT ON FUNCTION mask_internal._new_key() IS
'Internal: a fresh 32-byte policy key from pg_strong_random.';


-- Whether reader -- passed as CURRENT_USER by the key view, i.e. the role
-- whose query is running: a member reading a masked view, never the masked
-- view's owner -- may receive the key of a policy: a superuser, or a member
-- of the policy or an auditor (itself or through an inherited role) that can
-- read none of the policy's raw tables (it neither holds SELECT on any column
-- of one nor is, or can become, its owner).
--
-- SECURITY DEFINER, to read the catalog; so CURRENT_USER inside is the
-- extension owner, and the reader comes as an argument, which the key view
-- fills with CURRENT_USER (nobody can make the view pass another role).
-- EXECUTE is granted to the roles whose queries reach a key view (readers
-- and the tables' owners, mask_internal._apply_grants), since the view calls it as its reader; so that a role cannot
-- use it to learn who reads which policy, it answers false for a reader the
-- session's login role cannot SET ROLE to (unless the reader is a
-- superuser).  plpgsql, so its queries are planned once per session, and
-- the view's own plan stays small: it runs once per query, not per row.
CREATE FUNCTION mask_internal._key_reader(policy_id integer, reader name)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- One query (one plan, cached for the session): this runs once per
    -- query of every masked view that has a pseudonym.
    RETURN COALESCE((
        SELECT CASE
                   WHEN r.rolsuper THEN true
                   WHEN NOT pg_catalog.pg_has_role(SESSION_USER, r.oid, 'MEMBER') THEN false
                   ELSE (EXISTS (SELECT FROM mask.member m
                                  WHERE m.policy_id = _key_reader.policy_id
                                    AND pg_catalog.pg_has_role(r.oid, m.role::oid, 'USAGE'))
                         OR EXISTS (SELECT FROM mask.auditor a
                                     WHERE pg_catalog.pg_has_role(r.oid, a.role::oid, 'USAGE')))
                        AND NOT EXISTS (SELECT FROM mask.protected p
                                          JOIN pg_catalog.pg_class c ON c.oid = p.relation
                                         WHERE p.policy_id = _key_reader.policy_id
                                           AND (pg_catalog.pg_has_role(r.oid, c.relowner, 'MEMBER')
                                                OR pg_catalog.has_any_column_privilege(r.oid, c.oid, 'SELECT')))
               END
          FROM pg_catalog.pg_authid r
         WHERE r.rolname = _key_reader.reader), false);
END;
$$;

COMMENT ON FUNCTION mask_internal._key_reader(integer, name) IS
'Internal (executable by the policies'' readers and table owners; called by key views with CURRENT_USER): whether that role may receive the policy''s key: a superuser, or a member or auditor that cannot read the policy''s raw tables. False for a role the session cannot SET ROLE to.';


-- The query of a policy's key view.  The owners of the policy's tables must
-- hold SELECT on it, because their masked views read it (a view reads other
-- relations with its owner's privileges); yet they must never see the key.
-- A view evaluates CURRENT_USER, and runs functions, as the role whose query
-- runs, so the condition mask_internal._key_reader(N, CURRENT_USER) passes when a
-- member reads the masked view and fails when the owner queries the key view
-- itself: it gets no row, by any plan, since this is a security_barrier view
-- (a cheap function of the owner's in WHERE is applied only to rows that
-- passed the condition), and the policy_id condition under the barrier keeps
-- every other policy's row out of reach too.  The condition has no column
-- of the key table, so it is a one-time filter: the key table is not even
-- scanned for a role that is no reader.  The remaining way round it -- a
-- view, rule or row-security policy of the owner's own that reads the key
-- view (checked as the owner, run as a member) -- is refused by the event
-- trigger maskview_key_guard (62_event_trigger_keys.sql) and reported by
-- mask.verify().
CREATE FUNCTION mask_internal._key_view_query(policy_id integer)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('SELECT pk.key FROM mask.policy_key pk WHERE pk.policy_id = %s AND mask_internal._key_reader(%s, CURRENT_USER)',
                             policy_id, policy_id)
$$;

COMMENT ON FUNCTION mask_internal._key_view_query(integer) IS
'Internal: the query of mask_internal."_key_<id>": the policy''s key when mask_internal._key_reader() accepts CURRENT_USER, no row otherwise.';


-- (Re)creates the key view of a policy with the current query, as a
-- security_barrier view owned by the extension owner, readable by nobody
-- until mask_internal._apply_grants grants SELECT to the owners of the policy's
-- tables.  CREATE OR REPLACE keeps the masked views that read it.
CREATE FUNCTION mask_internal._replace_key_view(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name  text := mask_internal._key_view(policy_id);
    v_owner oid := (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'maskview');
    v_prev  text;
    v_citus text;
BEGIN
    v_prev := mask_internal._internal_begin();
    -- never on a Citus worker, where there is no key (48_citus.sql)
    v_citus := mask_internal._citus_ddl_propagation('off');
    EXECUTE pg_catalog.format('CREATE OR REPLACE VIEW %s WITH (security_barrier) AS %s',
                              v_name, mask_internal._key_view_query(policy_id));
    IF (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = v_name::regclass) <> v_owner THEN
        EXECUTE pg_catalog.format('ALTER VIEW %s OWNER TO %I', v_name, pg_catalog.pg_get_userbyid(v_owner));
    END IF;
    EXECUTE pg_catalog.format('REVOKE ALL ON %s FROM PUBLIC', v_name);
    EXECUTE pg_catalog.format(
        'COMMENT ON VIEW %s IS %L', v_name,
        pg_catalog.format('maskview: pseudonym key of policy %s, read by its masked views; only their owners may select it, and it shows the key only to a superuser or to a member or auditor that cannot read the policy''s raw tables.',
                          policy_id));
    PERFORM mask_internal._citus_ddl_propagation(v_citus);
    PERFORM mask_internal._internal_end(v_prev);
END;
$$;

COMMENT ON FUNCTION mask_internal._replace_key_view(integer) IS
'Internal: (re)creates mask_internal."_key_<id>" from mask_internal._key_view_query(), keeping the masked views that read it.';


-- Creates the key view of a policy if it is missing, and replaces one of an
-- earlier shape: 0.1.0 and 0.2.0 made it a plain view of mask.policy_key
-- alone, readable by the table owners (no security barrier, no condition on
-- the reader).  Called at every regeneration, so the test is cheap (the
-- barrier option and a dependency on mask_internal._key_reader, which only the
-- current query has); mask.verify() compares the whole definition, and
-- mask.refresh_privileges() replaces every key view unconditionally.
CREATE FUNCTION mask_internal._ensure_key_view(policy_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_view regclass := pg_catalog.to_regclass(mask_internal._key_view(policy_id));
BEGIN
    IF v_view IS NOT NULL
       AND EXISTS (SELECT FROM pg_catalog.pg_class c
                    WHERE c.oid = v_view AND c.relkind = 'v'
                      AND 'security_barrier=true' = ANY (c.reloptions))
       AND EXISTS (SELECT FROM pg_catalog.pg_rewrite r
                     JOIN pg_catalog.pg_depend d
                       ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
                    WHERE r.ev_class = v_view
                      AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                      AND d.refobjid = 'mask_internal._key_reader(integer, name)'::pg_catalog.regprocedure) THEN
        RETURN;
    END IF;
    PERFORM mask_internal._replace_key_view(policy_id);
END;
$$;

COMMENT ON FUNCTION mask_internal._ensure_key_view(integer) IS
'Internal: creates mask_internal."_key_<id>", the one-row view of a policy''s key that generated views read, or replaces one of an earlier, readable shape.';

