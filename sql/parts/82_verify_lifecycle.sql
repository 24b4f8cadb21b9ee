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
-- the event trigger did not see) are reported by mask_internal._verify_findings as
-- orphaned rules: the view hides such a column, nothing guesses where it went.
-- ---------------------------------------------------------------------------

CREATE FUNCTION mask_internal._verify_lifecycle(only_policy name)
RETURNS TABLE (severity text, policy name, object text, finding text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_t record;
    v_f record;
BEGIN
    FOR v_t IN SELECT po.name AS policy, p.relation_name,
                      pg_catalog.format('%I.%I', n.nspname, c.relname) AS name
                 FROM mask.protected p
                 JOIN mask.policy po ON po.id = p.policy_id
                 JOIN pg_catalog.pg_class c ON c.oid = p.relation
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE (_verify_lifecycle.only_policy IS NULL OR po.name = _verify_lifecycle.only_policy)
                  AND c.relrowsecurity AND NOT c.relforcerowsecurity
                ORDER BY po.name, 3 LOOP
        severity := 'error';
        policy := v_t.policy;
        object := v_t.name;
        finding := 'Row level security is enabled but not forced: the masked view reads the table as its owner, whom the row security policies do not apply to, so members see every row.';
        hint := pg_catalog.format('ALTER TABLE %s FORCE ROW LEVEL SECURITY; or move the restriction into the row filter of mask.protect() and DISABLE ROW LEVEL SECURITY.',
                                  v_t.name);
        RETURN NEXT;
    END LOOP;

    -- The catalog has no foreign keys (21_catalog_cascade.sql): rows whose
    -- policy or protected table is missing come from a partial restore.
    -- Global, like the audit chain: such rows have no policy to name.
    FOR v_f IN SELECT x.what, pg_catalog.count(*) AS n FROM (
                   SELECT 'mask.protected' AS what FROM mask.protected p
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
                                       WHERE p.policy_id = r.policy_id AND p.relation = r.relation)
               ) x GROUP BY x.what ORDER BY x.what LOOP
        severity := 'error';
        policy := NULL;
        object := v_f.what;
        finding := pg_catalog.format('%s catalog row(s) without their policy or protected table (a partial restore of the catalog?).', v_f.n);
        hint := 'Restore the whole catalog (every mask table) from the same dump, or drop and re-create the policies concerned.';
        RETURN NEXT;
    END LOOP;

    FOR v_f IN SELECT f.func FROM mask.trusted_function f
                WHERE pg_catalog.to_regprocedure(f.func) IS NULL
                ORDER BY f.func LOOP
        severity := 'warning';
        policy := NULL;
        object := v_f.func;
        finding := 'A trusted function no longer exists under this signature: rules calling it cannot be set or revalidated.';
        hint := 'Create the function again, or trust its new signature with mask.trust_function().';
        RETURN NEXT;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION mask_internal._verify_lifecycle(name) IS
'Internal: mask.verify() findings about row level security the masked views bypass and trusted functions that no longer resolve.';
