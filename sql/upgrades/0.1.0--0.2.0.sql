-- Changes to objects that 0.1.0 already has.  test/upgrade_test.sh compares
-- an upgraded database with a fresh install of 0.2.0, object by object, so a
-- change to a part of 0.1.0 that is not repeated here fails the suite.

-- 0.2.0: admins may run mask.import_policy(jsonb, boolean) (0.1.0 named a
-- one-argument signature that was never created).
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
        'mask.import_policy(jsonb, boolean)']) s) x
     WHERE f IS NOT NULL
$$;

