-- ---------------------------------------------------------------------------
-- mask.verify() findings about the life of the database around the policies
-- (issue 9): what DDL, a restore or a major-version upgrade may leave behind.
--
--   error    row level security on a protected table that its owner (as
--            whom the masked view reads it) bypasses: members see every row;
--            catalog rows whose policy or protected table is missing (the
--            catalog has no foreign keys, so a partial restore can leave them);
--   warning  a trusted function whose stored signature no longer resolves
--            (dropped, or not restored): rules calling it are refused.
-- Rules naming a column that does not exist (a restored catalog, a rename
-- the event trigger did not see) are reported as orphaned rules
-- (mask_internal._verify_orphaned_rules, 82_verify_tables.sql): the view
-- hides such a column, nothing guesses where it went.
-- ---------------------------------------------------------------------------

-- Row level security that the masked view bypasses: it reads the table as
-- the table's owner, whom row security applies to only when forced.
CREATE FUNCTION mask_internal._verify_row_security(pol mask.policy)
RETURNS SETOF mask_internal.finding
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'error', pol.name, t.name,
           'Row level security is enabled but not forced: the masked view reads the table as its owner, whom the row security policies do not apply to, so members see every row.',
           pg_catalog.format('ALTER TABLE %s FORCE ROW LEVEL SECURITY; or move the restriction into the row filter of mask.protect() and DISABLE ROW LEVEL SECURITY.',
                             t.name)
      FROM (SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS name
              FROM mask.protected p
              JOIN pg_catalog.pg_class c ON c.oid = p.relation
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE p.policy_id = pol.id AND c.relrowsecurity AND NOT c.relforcerowsecurity) t
$$;

COMMENT ON FUNCTION mask_internal._verify_row_security(mask.policy) IS
'Internal: mask.verify() findings about row level security on a policy''s protected tables that the masked views bypass (enabled, not forced).';


-- The catalog has no foreign keys (21_catalog_cascade.sql): rows whose
-- policy or protected table is missing come from a partial restore.
-- Global, like the audit chain: such rows have no policy to name.
CREATE FUNCTION mask_internal._verify_catalog_rows()
RETURNS SETOF mask_internal.finding
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'error', NULL::name, x.what,
           pg_catalog.format('%s catalog row(s) without their policy or protected table (a partial restore of the catalog?).',
                             pg_catalog.count(*)),
           'Restore the whole catalog (every mask table) from the same dump, or drop and re-create the policies concerned.'
      FROM (SELECT 'mask.protected' AS what FROM mask.protected p
             WHERE NOT EXISTS (SELECT FROM mask.policy po WHERE po.id = p.policy_id)
            UNION ALL
            SELECT 'mask.member' FROM mask.member m
             WHERE NOT EXISTS (SELECT FROM mask.policy po WHERE po.id = m.policy_id)
            UNION ALL
            SELECT 'mask.policy_key' FROM mask.policy_key k
             WHERE NOT EXISTS (SELECT FROM mask.policy po WHERE po.id = k.policy_id)
            UNION ALL
            SELECT 'mask.rule' FROM mask.rule r
             WHERE NOT EXISTS (SELECT FROM mask.protected p
                                WHERE p.policy_id = r.policy_id AND p.relation = r.relation)) x
     GROUP BY x.what
$$;

COMMENT ON FUNCTION mask_internal._verify_catalog_rows() IS
'Internal: mask.verify() findings about catalog rows whose policy or protected table is missing (a partial restore), a count per catalog table.';


-- Trusted functions whose stored signature no longer resolves.
CREATE FUNCTION mask_internal._verify_trusted_functions()
RETURNS SETOF mask_internal.finding
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'warning', NULL::name, f.func,
           'A trusted function no longer exists under this signature: rules calling it cannot be set or revalidated.',
           'Create the function again, or trust its new signature with mask.trust_function().'
      FROM mask.trusted_function f
     WHERE pg_catalog.to_regprocedure(f.func) IS NULL
$$;

COMMENT ON FUNCTION mask_internal._verify_trusted_functions() IS
'Internal: mask.verify() findings about trusted functions that no longer resolve under their stored signature.';
