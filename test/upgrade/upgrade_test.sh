#!/usr/bin/env bash
# Upgrade: a database that ran the previous release and then
# ALTER EXTENSION maskview UPDATE must be indistinguishable from a fresh
# install of the current version with the same policies.
#
# Expects a running cluster reachable through PGHOST/PGPORT with a superuser in
# PGUSER (test/cluster.sh sets these) and maskview installed with every
# released script (make install installs them all).
#
#   A  CREATE EXTENSION maskview VERSION '<previous>', data (demo/generate_data.sql
#      at a small size), policies (test/upgrade/policies.sql); the masked output
#      as each member is recorded; then ALTER EXTENSION maskview UPDATE.
#   B  CREATE EXTENSION maskview (fresh), the same data and policies; A's keys
#      are copied into B (they are random) and B's views regenerated.
#
# Compared, A after the update against B (a readable diff on failure):
#   (a) the extension's objects (test/upgrade/extension_objects.sql): every
#       function in schema mask with its signature, result, body, settings,
#       volatility, parallel safety, strictness, comment and ACL; every
#       relation in mask with its columns, types, defaults, constraints,
#       indexes, triggers, comments, ACL and kind; the event triggers; the
#       pg_extension_config_dump registrations; the extension's members
#       (pg_depend) and their initial privileges (pg_init_privs);
#   (b) the catalog's contents without ids, timestamps and keys
#       (test/upgrade/catalog_contents.sql) and the generated views'
#       definitions, owners, options, comments and privileges
#       (test/upgrade/views.sql);
#   (c) the masked output of every view as each member, which must also equal
#       A's before the update;
#   (d) pg_dump --schema-only of A and B.
# Also: each database's audit chain verifies, mask.verify() is clean in both,
# and two controls show the comparisons can fail (B's output differs from A's
# before the keys are copied; a changed comment shows in the object diff).
# Creates its own databases and roles (prefix tup_) and removes them again;
# prints "upgrade: ok" or "upgrade: FAILED <why>" last and exits non-zero on
# failure.
set -uo pipefail
cd "$(dirname "$0")/../.."

su=${PGUSER:-postgres}
households=${MV_UPGRADE_HOUSEHOLDS:-2000}
# The release upgraded from (MV_UPGRADE_FROM); unset, every released version
# installed beside the current one is tested in turn (0.1.0, 0.2.0, ...).
if [ -z "${MV_UPGRADE_FROM:-}" ]; then
    versions=$(psql -X -q -A -t -U "$su" -d postgres -c "
        SELECT v.version FROM pg_catalog.pg_available_extension_versions v
         WHERE v.name = 'maskview'
           AND v.version <> (SELECT e.default_version FROM pg_catalog.pg_available_extensions e
                              WHERE e.name = 'maskview')
         ORDER BY pg_catalog.string_to_array(v.version, '.')::int[]")
    [ -n "$versions" ] || { echo "upgrade: FAILED (no released version of maskview is installed)"; exit 1; }
    rc=0
    for v in $versions; do
        echo "== upgrade from $v"
        MV_UPGRADE_FROM=$v bash "$0" || rc=1
    done
    [ $rc -eq 0 ] && echo "upgrade: ok (from $(echo $versions | tr ' ' ','))" || echo "upgrade: FAILED"
    exit $rc
fi
from=$MV_UPGRADE_FROM
dba=maskview_tup_a
dbb=maskview_tup_b
members="tup_printer tup_analyst"
roles="tup_owner tup_printer tup_analyst tup_auditor tup_admin"
. test/upgrade/common.sh
abort() { echo "upgrade: FAILED $*"; exit 1; }

drop_objects() {
    local d r
    for d in $dba $dbb; do
        psql -X -q -U "$su" -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
    done
    for r in $roles; do
        psql -X -q -U "$su" -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
    done
}
drop_objects                      # leftovers of an interrupted run
work=$(mktemp -d /tmp/maskview-upgrade.XXXXXX)
# MV_UPGRADE_KEEP=1 keeps the databases, roles and files for a post-mortem.
if [ -n "${MV_UPGRADE_KEEP:-}" ]; then
    trap 'echo "  kept: databases $dba $dbb, files $work"' EXIT
else
    trap 'drop_objects; rm -rf "$work"' EXIT
fi

to=$(q postgres -c "SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'maskview'")
[ -n "$to" ] || abort "(maskview is not installed)"
[ "$to" != "$from" ] || abort "(nothing to upgrade: the current version is $from)"
q postgres -c "SELECT 1 FROM pg_catalog.pg_available_extension_versions
                WHERE name = 'maskview' AND version = '$from'" | grep -q 1 \
    || abort "(version $from is not installed: make install installs every released script)"

q postgres >/dev/null <<SQL || abort "(setup: roles)"
CREATE ROLE tup_owner NOLOGIN;
CREATE ROLE tup_printer LOGIN;
CREATE ROLE tup_analyst LOGIN;
CREATE ROLE tup_auditor LOGIN;
CREATE ROLE tup_admin LOGIN;
CREATE DATABASE $dba;
CREATE DATABASE $dbb;
SQL

fingerprint() {   # fingerprint DB TAG: objects, catalog, views (as superuser)
    local db=$1 tag=$2
    q "$db" -f test/upgrade/extension_objects.sql >"$work/$tag.objects" 2>&1 \
        || fail "$tag: extension objects: $(head -3 "$work/$tag.objects")"
    q "$db" -f test/upgrade/catalog_contents.sql -f test/upgrade/views.sql >"$work/$tag.catalog" 2>&1 \
        || fail "$tag: catalog contents: $(head -3 "$work/$tag.catalog")"
}

compare() {   # compare WHAT FILE_A FILE_B
    if ! cmp -s "$2" "$3"; then
        fail "$1 differ"
        diff -u -F '^== ' "$2" "$3" | head -"${MV_UPGRADE_DIFF_LINES:-60}" | sed 's/^/    /'
    fi
}

# --- A: the previous release, then the update ---------------------------------
setup "$dba" tup "$from"
masked "$dba" a_before
clean "$dba" "A ($from)"
# The documented upgrade: ALTER EXTENSION, then refresh_privileges() so that
# existing admins and auditors get the new functions as dumpable grants.
q "$dba" -c "SET client_min_messages = warning" -c "ALTER EXTENSION maskview UPDATE" \
    -c "SELECT mask.refresh_privileges()" >"$work/update.out" 2>&1 \
    || abort "(ALTER EXTENSION maskview UPDATE from $from: $(head -5 "$work/update.out"))"
got=$(q "$dba" -c "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'maskview'")
[ "$got" = "$to" ] || fail "A: ALTER EXTENSION maskview UPDATE left version $got, not $to"
# Members' search_path: released versions set it for the whole cluster; the
# update moves it to this database (sql/upgrades/0.2.0--0.3.0.sql).
for m in $members; do
    got=$(q "$dba" -c "SELECT (SELECT count(*) FROM pg_catalog.pg_db_role_setting s
                                WHERE s.setrole = '$m'::regrole AND s.setdatabase = 0)
                           || ' ' ||
                              (SELECT count(*) FROM pg_catalog.pg_db_role_setting s
                                 JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
                                WHERE s.setrole = '$m'::regrole AND d.datname = current_database()
                                  AND EXISTS (SELECT FROM pg_catalog.unnest(s.setconfig) c
                                               WHERE c LIKE 'search\\_path=%'))")
    [ "$got" = "0 1" ] || fail "A: after the update $m should have a search_path in this database only (cluster-wide, here: $got)"
done
masked "$dba" a_after
fingerprint "$dba" a
clean "$dba" "A (updated to $to)"

# --- B: a fresh install of the current version ----------------------------------
setup "$dbb" tup
# (the same call as after A's update, so that both audit logs tell one story)
q "$dbb" -c "SELECT mask.refresh_privileges()" >/dev/null
masked "$dbb" b_ownkeys
# Control: with its own random keys B's pseudonyms differ from A's, so equal
# output below means equal keys reached the views, not blind pseudonyms.
for m in $members; do
    cmp -s "$work/a_before.$m" "$work/b_ownkeys.$m" \
        && fail "control: B's output as $m equals A's before the keys were copied"
done
q "$dba" -c "SELECT pg_catalog.format('UPDATE mask.policy_key AS k SET key = %L::bytea
                                          FROM mask.policy AS p WHERE p.id = k.policy_id AND p.name = %L;',
                                      '\\x' || pg_catalog.encode(k.key, 'hex'), p.name)
               FROM mask.policy_key AS k JOIN mask.policy AS p ON p.id = k.policy_id" >"$work/keys.sql" \
    || abort "(reading A's keys)"
[ "$(grep -c '^UPDATE' "$work/keys.sql")" -eq 2 ] || fail "A should have two policy keys"
q "$dbb" -f "$work/keys.sql" -c "SELECT mask_internal._regenerate_policy(p.id) FROM mask.policy AS p" >/dev/null \
    || abort "(copying A's keys into B and regenerating)"
masked "$dbb" b
fingerprint "$dbb" b
clean "$dbb" "B ($to)"

# --- compare ------------------------------------------------------------------
compare "(a) extension objects of A (updated from $from) and B (fresh $to)" "$work/a.objects" "$work/b.objects"
compare "(b) catalog contents and generated views of A and B" "$work/a.catalog" "$work/b.catalog"
for m in $members; do
    compare "(c) masked output as $m of A before and after the update" "$work/a_before.$m" "$work/a_after.$m"
    compare "(c) masked output as $m of A (updated) and B" "$work/a_after.$m" "$work/b.$m"
done

# (d) What a DBA would dump: pg_dump --schema-only of both databases must
# agree (pg_dump writes the extension's objects as CREATE EXTENSION plus the
# privileges that differ from the initial ones the extension script recorded,
# so a grant the update made but a fresh install does not record shows here,
# and would be lost by a dump and restore of the updated database).
# \restrict lines carry a random key per run.  The order of the GRANTs on one
# object follows the order the grants were made in, which means nothing: each
# run of GRANT lines is sorted.
for d in a b; do
    db=$dba; [ "$d" = b ] && db=$dbb
    pg_dump -U "$su" -d "$db" --schema-only 2>"$work/$d.dump.err" \
        | grep -v '^\\\(un\)\?restrict ' \
        | perl -ne 'if (/^GRANT /) { push @g, $_; next } print sort @g; @g = (); print; END { print sort @g }' \
        >"$work/$d.schema.sql" \
        || fail "(d) pg_dump --schema-only of $db: $(head -3 "$work/$d.dump.err")"
done
compare "(d) pg_dump --schema-only of A and B" "$work/a.schema.sql" "$work/b.schema.sql"

# Control: the object fingerprint sees a change as small as a comment.
q "$dbb" -c "COMMENT ON FUNCTION mask.create_policy(text, text, text) IS 'changed by upgrade_test.sh'" >/dev/null
q "$dbb" -f test/upgrade/extension_objects.sql >"$work/b_control.objects" 2>&1
cmp -s "$work/b.objects" "$work/b_control.objects" \
    && fail "control: a changed function comment did not show in the object fingerprint"

if [ "$fails" -eq 0 ]; then
    echo "upgrade: ok"
else
    echo "upgrade: FAILED $why ($fails problems)"
    exit 1
fi
