#!/usr/bin/env bash
# maskview on Citus, the life of a protected table (issue 11): a coordinator
# and two workers on loopback ports (test/citus/cluster.sh), a policy over a
# distributed and a reference table, a table owner who is not a superuser.
#
#   A owner DDL on protected Citus tables (ADD COLUMN, SET NOT NULL, DROP
#     CONSTRAINT, RENAME COLUMN, RENAME TO, DROP COLUMN ... CASCADE, ALTER
#     COLUMN TYPE, and DDL in a transaction that read the table first): no
#     deadlock (every statement runs under a statement_timeout), the member
#     reads masked rows after each, verify() stays clean, and the view, its
#     row function and the key view stay on the coordinator
#   B queries that start on a worker: the member gets an error, never rows
#     with NULL pseudonyms; no key and no key view on any worker
#   C table rebuilds: alter_distributed_table(shard_count), undistribute_table
#     and create_distributed_table of a Citus local table give the table a new
#     OID, and the protection follows it (audited follow_table_rebuild);
#     create_distributed_table of a protected local table keeps its OID, and
#     mask.refresh_privileges() regenerates the view in the Citus form and
#     takes the copy Citus propagated off the workers;
#     citus_add_local_table_to_metadata moves the table to its shard, and
#     refresh_privileges() moves the protection to the new shell table
#   D mask.verify() on Citus: each finding of mask_internal._verify_citus(), by
#     breaking the database and reading the report
#   E DROP TABLE of a protected distributed table by its owner: the view, its
#     row function and the catalog row go; verify() is clean; drop_policy works
#
# Runs when the server under test (pg_config, or PG_CONFIG) has the citus
# extension installed; otherwise it says so and exits 0 with
# "citus_ddl: SKIPPED".  Prints "citus_ddl: ok" or "citus_ddl: FAILED ..." last.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/citus/common.sh
MV_CITUS_AS_OPTS="-v ON_ERROR_STOP=1"
mv_citus_test_begin citus_ddl
# A statement of the owner's; a deadlock would hang: the timeout turns it into
# an error that the test reports.
owner_ddl() { as td_owner "$coord" -c "SET statement_timeout = '60s'" -c "$1" 2>&1; }

mv_citus_setup -v roles='td_owner td_printer td_auditor td_other' -v owner=td_owner -v shards=4 -v rows=500 \
    -v policy=td_notice -v row_filter=in_arrears -v id_rule=PASS <<'SQL'
\i test/citus/billing.sql
SELECT mask.create_policy('td_notice', 'td_notice', 'Citus DDL test');
\i test/citus/policy.sql
SELECT mask.add_member('td_notice', 'td_printer');
SELECT mask.grant_auditor('td_auditor');
SQL

# The member's reads: the rows in arrears, names masked, tokens non-NULL.
member_reads() {   # $1: label; $2: the households view (default td_notice.households)
    local v=${2:-td_notice.households} got
    got=$(as td_printer "$coord" -c "SELECT count(*) || ' ' || count(account_no) || ' ' || bool_and(t::text LIKE '%*%') FROM $v t" 2>&1)
    [ "$got" = "400 400 true" ] || problem "$1: the member's read of $v: $got (expected 400 masked rows with tokens)"
    got=$(as td_printer "$coord" -c "SELECT count(*) || ' ' || bool_and(manager LIKE '%*%') FROM td_notice.districts" 2>&1)
    [ "$got" = "3 true" ] || problem "$1: the member's read of td_notice.districts: $got"
}
# verify() has no error or warning (other than the orphaned rules DDL leaves).
verify_clean() {
    local got
    got=$(q -c "SELECT severity || ': ' || coalesce(object, '') || ': ' || finding FROM mask.verify() WHERE severity IN ('error', 'warning') AND finding NOT LIKE 'Orphaned rule%'" 2>&1)
    [ -z "$got" ] || problem "$1: verify() is not clean: $got"
}
# Nothing of maskview's generated objects on the workers: no relation or
# function in the view schema, no key view, no key.
workers_clean() {
    local port got
    for port in $w1 $w2; do
        got=$(qw "$port" -c "SELECT string_agg(x, ', ') FROM (
                  SELECT c.oid::regclass::text AS x FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'td_notice' OR (n.nspname IN ('mask', 'mask_internal') AND c.relname LIKE '\\_key\\_%')
                  UNION ALL
                  SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'td_notice'
                  UNION ALL
                  SELECT 'a key of policy ' || k.policy_id FROM mask.policy_key k) s" 2>&1)
        [ -z "$got" ] || problem "$1: maskview objects on the worker on port $port: $got"
    done
}
# The row function of a view: owned by the table owner, EXECUTE for exactly
# the owner, the member and the auditor.
rows_fn_ok() {   # $1 label, $2 view name
    local got
    got=$(q -c "SELECT pg_catalog.pg_get_userbyid(p.proowner) || ' ' || p.prosecdef || ' ' ||
                       (SELECT string_agg(pg_catalog.pg_get_userbyid(g.grantee), ',' ORDER BY pg_catalog.pg_get_userbyid(g.grantee))
                          FROM pg_catalog.aclexplode(p.proacl) g)
                  FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'td_notice'::regnamespace AND p.proname = '$2_rows'")
    [ "$got" = "td_owner true td_auditor,td_owner,td_printer" ] || problem "$1: the row function of td_notice.$2: '$got'"
}
member_reads "setup"
verify_clean "setup"
workers_clean "setup"
rows_fn_ok "setup" households

# --- A: owner DDL -------------------------------------------------------------------
step() {   # $1 label, $2 DDL (as the owner)
    local out
    out=$(owner_ddl "$2")
    grep -q 'ERROR' <<<"$out" && problem "A $1: the owner's DDL failed: $(grep ERROR <<<"$out" | head -2)"
    member_reads "A $1" "${3:-td_notice.households}"
    verify_clean "A $1"
    workers_clean "A $1"
}
step "ADD COLUMN"        "ALTER TABLE billing.households ADD COLUMN note text"
step "SET NOT NULL"      "ALTER TABLE billing.households ALTER COLUMN mobile SET NOT NULL"
step "DROP CONSTRAINT"   "ALTER TABLE billing.households DROP CONSTRAINT households_pkey"
step "RENAME COLUMN"     "ALTER TABLE billing.households RENAME COLUMN holder_name TO holder"
got=$(as td_printer "$coord" -c "SELECT count(holder) FROM td_notice.households" 2>&1)
[ "$got" = 400 ] || problem "A RENAME COLUMN: the view's column does not follow the rename: $got"
step "RENAME TO"         "ALTER TABLE billing.households RENAME TO homes"
got=$(q -c "SELECT relation_name FROM mask.protected WHERE relation = 'billing.homes'::regclass")
[ "$got" = billing.homes ] || problem "A RENAME TO: the catalog does not follow: $got"
step "ALTER COLUMN TYPE" "ALTER TABLE billing.homes ALTER COLUMN balance TYPE numeric(12,2)"
step "DROP COLUMN CASCADE" "ALTER TABLE billing.homes DROP COLUMN note CASCADE"
out=$(owner_ddl "ALTER TABLE billing.homes DROP COLUMN district_id CASCADE")
grep -q ERROR <<<"$out" && problem "A DROP COLUMN of a ruled column: $out"
got=$(as td_printer "$coord" -c "SELECT count(*) || ' ' || count(account_no) FROM td_notice.households" 2>&1)
[ "$got" = "400 400" ] || problem "A DROP COLUMN of a ruled column: the member's read: $got"
workers_clean "A DROP COLUMN of a ruled column"
out=$(as td_owner "$coord" 2>&1 <<'SQL'
SET statement_timeout = '60s';
BEGIN;
SELECT count(*) FROM billing.homes;
ALTER TABLE billing.homes ADD COLUMN district_id int;
UPDATE billing.homes SET district_id = 1 + household_id % 3;
ALTER TABLE billing.homes RENAME COLUMN holder TO holder_name;
ALTER TABLE billing.districts ADD COLUMN x int, ALTER COLUMN district SET NOT NULL;
ALTER TABLE billing.districts RENAME COLUMN x TO y;
COMMIT;
SQL
)
grep -q ERROR <<<"$out" && problem "A in a transaction after a read: $out"
q -c "SELECT mask.set_rule('td_notice', 'billing.homes', 'district_id', 'PASS')" >/dev/null 2>&1 \
    || problem "A: set_rule after the DDL"
member_reads "A in a transaction"
verify_clean "A in a transaction"
workers_clean "A in a transaction"
rows_fn_ok "A" households
rows_fn_ok "A" districts
got=$(q -c "SELECT count(*) FROM mask.audit_log WHERE action = 'follow_ddl' AND object = 'billing.homes' AND details -> 'changes' -> 'billing.households' ? 'table_renamed'")
[ "$got" = 1 ] || problem "A: the rename of the table is audited: $got"

# --- B: queries that start on a worker; keys ----------------------------------------
for port in $w1 $w2; do
    got=$(as td_printer "$port" -c "SELECT count(*) || ' ' || count(account_no) FROM td_notice.households" 2>&1)
    grep -q 'ERROR' <<<"$got" || problem "B: a member's query started on the worker on port $port returned rows: $got"
    got=$(as td_printer "$port" -c "SELECT count(*) FROM billing.homes" 2>&1)
    grep -q 'permission denied' <<<"$got" || problem "B: the member reads the raw table through the worker on port $port: $got"
    got=$(as td_printer "$port" -c "SELECT count(*) FROM mask.policy_key" 2>&1)
    grep -q 'permission denied' <<<"$got" || problem "B: the member reads mask.policy_key on the worker on port $port: $got"
    got=$(as td_owner "$port" -c "SELECT count(*) FROM td_notice.households" 2>&1)
    grep -q 'ERROR' <<<"$got" || problem "B: the owner's query of the masked view started on port $port returned rows: $got"
done

# --- C: table rebuilds ----------------------------------------------------------------
rebuilt() {   # $1 label, $2 table: the catalog follows the new OID, audited
    local got
    got=$(q -c "SELECT count(*) FROM mask.protected p WHERE p.relation = '$2'::regclass")
    [ "$got" = 1 ] || problem "$1: $2 is no longer protected"
    got=$(q -c "SELECT count(*) FROM mask.rule r WHERE r.relation = '$2'::regclass AND NOT r.orphaned")
    [ "$got" -ge 4 ] || problem "$1: the rules of $2 did not follow: $got"
    got=$(q -c "SELECT count(*) FROM mask.audit_log WHERE action = 'follow_table_rebuild' AND object = '$2' AND (details ->> 'to_oid')::oid = '$2'::regclass::oid")
    [ "$got" = 1 ] || problem "$1: no follow_table_rebuild audit row for the new $2: $got"
    got=$(q -c "SELECT count(*) FROM mask.audit_log WHERE action = 'follow_drop_table' AND object = '$2'")
    [ "$got" = 0 ] || problem "$1: the rebuild of $2 was audited as a drop"
}
q -c "SET client_min_messages = warning" -c "SELECT alter_distributed_table('billing.homes', shard_count => 8)" >/dev/null 2>"$MV_CITUS_DIR/c1.err" \
    || problem "C alter_distributed_table: $(cat "$MV_CITUS_DIR/c1.err")"
rebuilt "C alter_distributed_table" billing.homes
member_reads "C alter_distributed_table"
verify_clean "C alter_distributed_table"
workers_clean "C alter_distributed_table"
rows_fn_ok "C alter_distributed_table" households
got=$(q -c "SELECT mask.protect('td_notice', 'billing.homes', 'in_arrears', 'households')" 2>&1)
grep -q ERROR <<<"$got" && problem "C: protect() of the rebuilt table: $got"

q -c "SET client_min_messages = warning" -c "SELECT undistribute_table('billing.homes')" >/dev/null 2>"$MV_CITUS_DIR/c2.err" \
    || problem "C undistribute_table: $(cat "$MV_CITUS_DIR/c2.err")"
rebuilt "C undistribute_table" billing.homes
member_reads "C undistribute_table"
verify_clean "C undistribute_table"
got=$(q -c "SELECT count(*) FROM pg_catalog.pg_proc WHERE proname = 'households_rows'")
[ "$got" = 0 ] || problem "C undistribute_table: the row function of a now local table is left behind"
got=$(q -c "SELECT pg_catalog.pg_get_viewdef('td_notice.households') LIKE '%households_rows%'")
[ "$got" = f ] || problem "C undistribute_table: the view of a local table still reads a row function"

# Names too long for <name>_<hash>: Citus shortens them like shard names.
for t in a_very_long_table_name_that_goes_on_and_on_for_sixty_chars_x '"长表名长表名长表名长表名长表名长表名长"'; do
    q -c "SET client_min_messages = warning" -c "SET ROLE td_owner" -c "CREATE TABLE billing.$t (id int, note text)" -c "RESET ROLE" \
      -c "SELECT create_distributed_table('billing.$t', 'id', shard_count => 2, colocate_with => 'none')" \
      -c "SELECT mask.protect('td_notice', 'billing.$t', NULL, 'long_' || md5('$t'))" \
      -c "SELECT mask.set_rule('td_notice', 'billing.$t', 'id', 'PASS')" \
      -c "SELECT alter_distributed_table('billing.$t', shard_count => 4)" >/dev/null 2>"$MV_CITUS_DIR/c8.err" \
        || problem "C long name $t: $(cat "$MV_CITUS_DIR/c8.err")"
    got=$(q -c "SELECT count(*) FROM mask.protected p WHERE p.relation = 'billing.$t'::regclass")
    [ "$got" = 1 ] || problem "C long name $t: the protection did not follow alter_distributed_table"
    q -c "SET client_min_messages = warning" -c "SELECT mask.unprotect('td_notice', 'billing.$t')" -c "DROP TABLE billing.$t" >/dev/null 2>&1
done

# A local protected table distributed: same OID, nothing maskview can see runs.
q -c "SET client_min_messages = warning" -c "SELECT create_distributed_table('billing.homes', 'household_id', shard_count => 4)" >/dev/null 2>"$MV_CITUS_DIR/c3.err" \
    || problem "C create_distributed_table: $(cat "$MV_CITUS_DIR/c3.err")"
got=$(q -c "SELECT finding FROM mask.verify() WHERE severity = 'error' AND object = 'td_notice.households'" 2>&1)
grep -q 'reads the Citus table directly' <<<"$got" || problem "C create_distributed_table: verify() does not report the plain view over a distributed table: $got"
got=$(q -c "SELECT object || ': ' || finding FROM mask.verify() WHERE severity = 'error' AND finding LIKE '%on the workers%'" 2>&1)
grep -q 'td_notice.households' <<<"$got" || problem "C create_distributed_table: verify() does not report the view Citus copied to the workers: $got"
got=$(as td_printer "$coord" -c "SELECT count(*) FROM td_notice.households" 2>&1)
grep -q 'ERROR' <<<"$got" || problem "C create_distributed_table: the member read the plain view over a distributed table: $got"
q -c "SET client_min_messages = warning" -c "SELECT mask.refresh_privileges()" >/dev/null 2>"$MV_CITUS_DIR/c4.err" \
    || problem "C refresh_privileges: $(cat "$MV_CITUS_DIR/c4.err")"
member_reads "C create_distributed_table + refresh_privileges"
verify_clean "C create_distributed_table + refresh_privileges"
workers_clean "C create_distributed_table + refresh_privileges"
rows_fn_ok "C create_distributed_table + refresh_privileges" households

# A Citus local table: Citus renames the table to its shard and makes a new
# shell table of its name; refresh_privileges() moves the protection there.
q -c "SET client_min_messages = warning" -c "SELECT undistribute_table('billing.homes')" \
  -c "SELECT citus_add_local_table_to_metadata('billing.homes')" >/dev/null 2>"$MV_CITUS_DIR/c5.err" \
    || problem "C Citus local table: $(cat "$MV_CITUS_DIR/c5.err")"
got=$(q -c "SELECT object || ': ' || finding FROM mask.verify() WHERE severity = 'error'" 2>&1)
grep -q 'is now a shard of Citus table billing.homes' <<<"$got" || problem "C Citus local table: verify() does not report the protection left on the shard: $got"
q -c "SET client_min_messages = warning" -c "SELECT mask.refresh_privileges()" >/dev/null 2>"$MV_CITUS_DIR/c6.err" \
    || problem "C Citus local table: refresh_privileges: $(cat "$MV_CITUS_DIR/c6.err")"
got=$(q -c "SELECT count(*) FROM mask.protected p WHERE p.relation = 'billing.homes'::regclass")
[ "$got" = 1 ] || problem "C Citus local table: the protection is not on the Citus table after refresh_privileges"
got=$(q -c "SELECT count(*) FROM mask.audit_log WHERE action = 'follow_table_rebuild' AND details ->> 'command' = 'citus_add_local_table_to_metadata' AND (details ->> 'to_oid')::oid = 'billing.homes'::regclass::oid")
[ "$got" = 1 ] || problem "C Citus local table: no follow_table_rebuild audit row: $got"
member_reads "C Citus local table"
verify_clean "C Citus local table"
workers_clean "C Citus local table"
# create_distributed_table of a Citus local table undistributes it first (a rebuild)
q -c "SET client_min_messages = warning" -c "SELECT create_distributed_table('billing.homes', 'household_id', shard_count => 4)" \
  -c "SELECT mask.refresh_privileges()" >/dev/null 2>"$MV_CITUS_DIR/c7.err" \
    || problem "C create_distributed_table of a Citus local table: $(cat "$MV_CITUS_DIR/c7.err")"
got=$(q -c "SELECT count(*) FROM mask.protected p WHERE p.relation = 'billing.homes'::regclass")
[ "$got" = 1 ] || problem "C create_distributed_table of a Citus local table: no longer protected"
member_reads "C create_distributed_table of a Citus local table"
verify_clean "C create_distributed_table of a Citus local table"
workers_clean "C create_distributed_table of a Citus local table"
rows_fn_ok "C create_distributed_table of a Citus local table" households

# --- D: verify() on Citus -----------------------------------------------------------
finds() {   # $1 label, $2 pattern that a verify() error or warning must match
    local got
    got=$(q -c "SELECT severity || ': ' || coalesce(object, '') || ': ' || finding || ' / ' || coalesce(hint, '') FROM mask.verify() WHERE severity IN ('error', 'warning')" 2>&1)
    grep -q -- "$2" <<<"$got" || problem "D $1: verify() does not report it (looked for '$2'): $got"
}
fix() { q -c "SET client_min_messages = warning" -c "SELECT mask.refresh_privileges()" >/dev/null 2>&1 || problem "D $1: refresh_privileges failed"; verify_clean "D $1 (after the fix)"; }
# the row function dropped by hand (the view goes with it)
q -c "SET citus.enable_ddl_propagation = off" -c "DROP FUNCTION td_notice.households_rows(bytea) CASCADE" >/dev/null 2>&1
finds "row function dropped" "td_notice.households: The masked view of billing.homes is missing"
fix "row function dropped"
# its body replaced (the name shown raw)
q >/dev/null 2>&1 <<'SQL'
SET citus.enable_ddl_propagation = off;
SELECT replace(pg_catalog.pg_get_functiondef('td_notice.households_rows(bytea)'::regprocedure), 'mask.cn_name(', 'pg_catalog.btrim(') \gexec
SQL
finds "row function replaced" "households_rows(bytea): The row function.*differs"
fix "row function replaced"
# one of its pinned settings taken away (every one of _citus_quiet_settings counts)
q -c "SET citus.enable_ddl_propagation = off" -c "ALTER FUNCTION td_notice.households_rows(bytea) RESET citus.explain_all_tasks" >/dev/null
finds "row function setting reset" "households_rows(bytea): The row function.*pinned settings differ"
fix "row function setting reset"
# EXECUTE granted to a role outside the policy
q -c "SET citus.enable_ddl_propagation = off" -c "GRANT EXECUTE ON FUNCTION td_notice.households_rows(bytea) TO td_other" >/dev/null
finds "EXECUTE for another role" "td_other can call the row function"
fix "EXECUTE for another role"
# the plain view in place of the row-function form
q >/dev/null 2>&1 <<'SQL'
SET citus.enable_ddl_propagation = off;
DO $$
DECLARE
    s text;
    p record;
BEGIN
    SELECT * INTO p FROM mask.protected WHERE relation = 'billing.homes'::regclass;
    EXECUTE format('SELECT %s._view_select($1, $2)',
                   CASE WHEN to_regprocedure('mask_internal._view_select(integer, regclass)') IS NOT NULL
                        THEN 'mask_internal' ELSE 'mask' END) INTO s USING p.policy_id, p.relation;
    DROP VIEW td_notice.households;
    EXECUTE 'CREATE VIEW td_notice.households WITH (security_barrier) AS ' || s;
    ALTER VIEW td_notice.households OWNER TO td_owner;
    GRANT SELECT ON td_notice.households TO td_printer, td_auditor;
END $$;
SQL
finds "plain view" "td_notice.households: The masked view reads the Citus table directly"
fix "plain view"
# the owner cannot check keys: members' reads fail
q -c "REVOKE EXECUTE ON FUNCTION mask_internal._key_matches(integer, bytea) FROM td_owner" >/dev/null 2>&1
got=$(as td_printer "$coord" -c "SELECT count(*) FROM td_notice.households" 2>&1)
grep -q ERROR <<<"$got" || problem "D owner without _key_matches: the member still reads ($got): the break did not break"
finds "owner without _key_matches" "td_printer cannot read td_notice.households"
fix "owner without _key_matches"
# a member's SELECT on the shards, granted on a worker
q -c "SELECT run_command_on_shards('billing.homes', \$\$GRANT SELECT ON %s TO td_printer\$\$)" >/dev/null 2>&1
finds "grant on shards" "td_printer can read shards of billing.homes"
q -c "SELECT run_command_on_shards('billing.homes', \$\$REVOKE SELECT ON %s FROM td_printer\$\$)" >/dev/null 2>&1
verify_clean "D grant on shards (after the revoke)"
# a view made on a worker by hand
qw "$w1" -c "SET citus.enable_ddl_propagation = off" -c "CREATE VIEW td_notice.households AS SELECT 1 AS x" >/dev/null 2>&1 \
    || problem "D view on a worker: could not create it"
finds "view on a worker" "td_notice.households: .*on the workers"
qw "$w1" -c "SET citus.enable_ddl_propagation = off" -c "DROP VIEW td_notice.households" >/dev/null 2>&1
verify_clean "D view on a worker (after the drop)"
# a row function left over on a local table
q -c "SET client_min_messages = warning" -c "SELECT undistribute_table('billing.districts')" >/dev/null 2>&1
q -c "SET citus.enable_ddl_propagation = off" -c "CREATE FUNCTION td_notice.districts_rows(bytea) RETURNS int LANGUAGE sql AS 'SELECT 1'" >/dev/null 2>&1
finds "left-over row function" "td_notice.districts_rows(bytea): .*not a Citus table"
q -c "DROP FUNCTION td_notice.districts_rows(bytea)" >/dev/null 2>&1
verify_clean "D left-over row function (after the drop)"

# --- E: DROP TABLE of a protected Citus table -----------------------------------------
# As for a local table, the view goes with the table, and with it (Citus form)
# its row function; the catalog forgets the table; the policy can be dropped.
mv_citus_setup E <<'SQL'
SET client_min_messages = warning;
SET ROLE td_owner;
CREATE TABLE billing.gone (id bigint PRIMARY KEY, holder_name text);
RESET ROLE;
SELECT create_distributed_table('billing.gone', 'id', shard_count => 4);
INSERT INTO billing.gone SELECT g, 'name ' || g FROM pg_catalog.generate_series(1, 20) g;
SELECT mask.create_policy('td_gone', 'td_gone', 'Citus DROP TABLE test');
SELECT mask.protect('td_gone', 'billing.gone');
SELECT mask.set_rule('td_gone', 'billing.gone', 'id', 'PASS');
SELECT mask.set_rule('td_gone', 'billing.gone', 'holder_name', 'mask.cn_name(holder_name)');
SELECT mask.add_member('td_gone', 'td_printer', set_search_path => false);
SQL
got=$(as td_printer "$coord" -c "SELECT count(*) FROM td_gone.gone" 2>&1)
[ "$got" = "20" ] || problem "E setup: the member's read of td_gone.gone: $got"
got=$(owner_ddl "DROP TABLE billing.gone")
grep -q ERROR <<<"$got" && problem "E: the owner's DROP TABLE failed: $got"
got=$(q -c "SELECT concat_ws(', ',
               CASE WHEN to_regclass('td_gone.gone') IS NOT NULL THEN 'the view' END,
               CASE WHEN to_regprocedure('td_gone.gone_rows(bytea)') IS NOT NULL THEN 'the row function' END,
               CASE WHEN EXISTS (SELECT FROM mask.protected WHERE relation_name = 'billing.gone') THEN 'the catalog row' END)" 2>&1)
[ -z "$got" ] || problem "E DROP TABLE: left behind: $got"
verify_clean "E DROP TABLE"
got=$(q -c "SET client_min_messages = warning" -c "SELECT mask.drop_policy('td_gone')" -c "SELECT to_regnamespace('td_gone') IS NULL" 2>&1)
[ "$(tail -n1 <<<"$got")" = "t" ] || problem "E DROP TABLE: drop_policy does not remove the view schema: $got"

mv_citus_test_end
