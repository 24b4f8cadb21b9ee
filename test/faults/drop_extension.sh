#!/usr/bin/env bash
# DROP EXTENSION maskview refuses while policies exist unless CASCADE; with
# CASCADE it removes the generated views too, and the raw tables and their
# data are untouched.
#
#   1 DROP EXTENSION maskview (no CASCADE) with two policies, one protecting
#     tables, one protecting none yet: fails with 2BP01 and maskview's message
#     (the policies, how to export and drop them) and changes nothing
#     (catalog, audit log, every view: definition, owner, privileges, comments)
#   2 the same in a database whose only policy protects no table
#   3 DROP EXTENSION maskview CASCADE: no relation is left in the view schemas
#     or in schema mask, no event trigger, no function in schema mask; every
#     raw table has the same rows (count and md5), owner, privileges, row
#     security flag and columns; the former member still cannot read them
#   4 CREATE EXTENSION maskview works again afterwards (empty catalog)
# What PostgreSQL leaves behind (schemas the extension did not create in its
# script, role settings made by add_member) is printed, not failed.
#
# Environment: PGHOST/PGPORT/PGUSER (a superuser) of a running cluster with
# maskview installed.  Prints one last line "fault_drop_extension: ok" or
# "fault_drop_extension: FAILED <why>".
set -uo pipefail

name=fault_drop_extension
dbs="maskview_fault_drop maskview_fault_drop2"
db2=maskview_fault_drop2
roles="mvdrop_owner:NOLOGIN mvdrop_member:LOGIN"
. "$(dirname "$0")/../scratch.sh"

# --- setup ------------------------------------------------------------------
scratch_setup 3000 mvdrop_owner <<'SQL'
SET client_min_messages = warning;
-- Privileges and row security on the raw data that must survive as they are.
GRANT USAGE ON SCHEMA billing TO PUBLIC;
-- (forced, so that it also applies through the masked view: protect() refuses
-- row security its owner bypasses)
ALTER TABLE billing.arrears ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY arrears_owner_only ON billing.arrears USING (current_user = 'mvdrop_owner');
\o /dev/null
SELECT mask.create_policy('notice', 'drop_notice', 'fault_drop_extension.sh');
SELECT mask.protect('notice', 'billing.households', 'household_id % 10 <> 0');
SELECT mask.set_rule('notice', 'billing.households', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.set_rule('notice', 'billing.households', 'address', $$mask.cn_address(address, 'unit')$$);
SELECT mask.set_rule('notice', 'billing.households', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule('notice', 'billing.households', 'mobile', 'NULL');
SELECT mask.protect('notice', 'billing.arrears', NULL, 'bills');
SELECT mask.set_rule('notice', 'billing.arrears', 'account_no', 'mask.pseudonym(account_no, 8)');
SELECT mask.set_rule('notice', 'billing.arrears', 'amount', 'PASS');
SELECT mask.add_member('notice', 'mvdrop_member');
SELECT mask.create_policy('later', 'drop_later', 'protects nothing yet');
SQL

# raw FILE: rows (count and md5), owner, privileges, row security and columns of the raw tables
raw() {
    q >"$1" <<'SQL'
SELECT 'households ' || count(*) || ' ' || md5(string_agg(h::text, E'\n' ORDER BY h.household_id)) FROM billing.households h;
SELECT 'arrears ' || count(*) || ' ' || md5(string_agg(a::text, E'\n' ORDER BY a.arrear_id)) FROM billing.arrears a;
SELECT 'table ' || c.oid::regclass || ' owner=' || c.relowner::regrole || ' acl=' || coalesce(c.relacl::text, '-')
       || ' rls=' || c.relrowsecurity
       || ' columns=' || (SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod)
                                            || ':' || coalesce(a.attacl::text, '-'), ',' ORDER BY a.attnum)
                            FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
  FROM pg_class c WHERE c.relnamespace = 'billing'::regnamespace ORDER BY 1;
SELECT 'row policy ' || polname || ' ' || polrelid::regclass || ' ' || pg_get_expr(polqual, polrelid) FROM pg_policy ORDER BY 1;
SELECT 'schema billing ' || nspowner::regrole || ' ' || coalesce(nspacl::text, '-') FROM pg_namespace WHERE nspname = 'billing';
SQL
}

scratch_snapshot "$work/before" || fail "snapshot"
[ "$(grep -c '^relation drop_notice\.' "$work/before")" = 2 ] || fail "setup: expected 2 views in drop_notice"
raw "$work/raw.before" || fail "raw data fingerprint"
[ "$(grep -c '^table ' "$work/raw.before")" -ge 2 ] || fail "setup: raw tables missing from the fingerprint"

# --- 1: refused without CASCADE -------------------------------------------------
psql -X -q -A -t -U "$su" -d "$db" >"$work/d1.out" 2>&1 <<'SQL'
DROP EXTENSION maskview;
\echo sqlstate=:LAST_ERROR_SQLSTATE
SQL
st=$(sed -n 's/^sqlstate=//p' "$work/d1.out")
[ "$st" = 2BP01 ] || problem "DROP EXTENSION without CASCADE: $st, expected 2BP01 (dependent_objects_still_exist)"
# maskview's own message, naming the policies and how to drop them, not
# PostgreSQL's about an internal view.
grep -q "ERROR:  maskview still has 2 policies: 'later', 'notice'" "$work/d1.out" \
    || problem "DROP EXTENSION without CASCADE: not maskview's message: $(grep -m1 ERROR "$work/d1.out")"
grep -q "^HINT: .*mask.export_policy.*mask.drop_policy" "$work/d1.out" \
    || problem "DROP EXTENSION without CASCADE: the hint does not say how to keep and drop the policies"
scratch_snapshot "$work/after1" || problem "snapshot after the refused DROP EXTENSION failed"
diff -q "$work/before" "$work/after1" >/dev/null \
    || { diff "$work/before" "$work/after1" | head -6 | cut -c1-200; problem "the refused DROP EXTENSION changed the catalog or the views"; }

# --- 2: a policy that protects no table, alone in a database ----------------------
psql -X -q -A -t -U "$su" -d "$db2" >"$work/d2.out" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION maskview;
SELECT mask.create_policy('lonely', 'lonely_v');
DROP EXTENSION maskview;
\echo sqlstate=:LAST_ERROR_SQLSTATE
SELECT 'policies=' || count(*) FROM mask.policy;
SQL
st=$(sed -n 's/^sqlstate=//p' "$work/d2.out")
[ "$st" = 2BP01 ] || problem "DROP EXTENSION with a policy that protects no table: $st, expected 2BP01"
grep -q "ERROR:  maskview still has 1 policy: 'lonely'" "$work/d2.out" \
    || problem "DROP EXTENSION with a policy that protects no table: not maskview's message: $(grep -m1 ERROR "$work/d2.out")"
grep -q '^policies=1$' "$work/d2.out" || problem "DROP EXTENSION with a policy that protects no table: the policy is gone"

# --- 3: CASCADE -------------------------------------------------------------------
psql -X -q -v ON_ERROR_STOP=1 -U "$su" -d "$db" -c "DROP EXTENSION maskview CASCADE" >"$work/d3.out" 2>&1 \
    || problem "DROP EXTENSION maskview CASCADE failed: $(grep -m1 ERROR "$work/d3.out")"
left=$(q -c "SELECT string_agg(n.nspname || '.' || c.relname, ', ')
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('drop_notice', 'drop_later', 'mask', 'mask_internal')")
[ -z "$left" ] || problem "DROP EXTENSION CASCADE left relations behind: $left"
left=$(q -c "SELECT string_agg(evtname, ', ') FROM pg_event_trigger")
[ -z "$left" ] || problem "DROP EXTENSION CASCADE left event triggers: $left"
left=$(q -c "SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('mask', 'mask_internal')")
[ -z "$left" ] || problem "DROP EXTENSION CASCADE left functions: $left"
raw "$work/raw.after" || problem "raw data fingerprint after DROP EXTENSION CASCADE failed"
diff -q "$work/raw.before" "$work/raw.after" >/dev/null \
    || { diff "$work/raw.before" "$work/raw.after" | head -6 | cut -c1-200; problem "DROP EXTENSION CASCADE changed the raw tables"; }
for t in billing.households billing.arrears; do
    [ "$(q -c "SELECT has_table_privilege('mvdrop_member', '$t', 'SELECT') OR has_any_column_privilege('mvdrop_member', '$t', 'SELECT')")" = f ] \
        || problem "after DROP EXTENSION CASCADE the former member can read $t"
done
echo "left by DROP EXTENSION CASCADE (not failures):" \
     "schemas $(q -c "SELECT coalesce(string_agg(nspname, ', ' ORDER BY nspname), 'none') FROM pg_namespace WHERE nspname IN ('mask', 'drop_notice', 'drop_later')");" \
     "role settings $(q -c "SELECT coalesce(string_agg(setrole::regrole || ' ' || setconfig::text, '; '), 'none') FROM pg_db_role_setting WHERE setrole = 'mvdrop_member'::regrole")"

# --- 4: installable again ---------------------------------------------------------
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION maskview" >"$work/d4.out" 2>&1 \
    || problem "CREATE EXTENSION after DROP EXTENSION CASCADE failed: $(grep -m1 ERROR "$work/d4.out")"
[ "$(q -c "SELECT count(*) FROM mask.policy" 2>&1)" = 0 ] || problem "the reinstalled extension does not start with an empty catalog"

scratch_finish
