#!/usr/bin/env bash
# Dump and restore: pg_dump of a database with maskview and policies, restored
# into a fresh database, keeps the protection and the masked output.
#
# Expects a running cluster reachable through PGHOST/PGPORT with a superuser in
# PGUSER (test/cluster.sh sets these) and maskview installed.  Builds a source
# database (demo/generate_data.sql at a small size, test/upgrade/policies.sql),
# dumps it as a superuser in custom and in plain format, restores each into a
# fresh database (pg_restore, psql) and checks in each restored database that
#   - the masked output of every view, read as each member, is identical
#     (md5 of the ordered rows, pseudonyms included: the key travels with the
#     catalog's dump);
#   - the catalog is identical: every row of every pg_extension_config_dump
#     table (keys and audit hashes included), the views' definitions,
#     owners, options, comments and privileges (test/upgrade/catalog_full.sql,
#     test/upgrade/views.sql);
#   - mask.verify_audit_log() returns no row and mask.verify() no error or
#     warning row;
#   - the members, the auditor and the admin still cannot read the raw
#     tables, and the auditor and the admin still run the reports.
# A control at the end shows the comparison is sensitive to the key: after
# mask.rotate_key() in a restored database its pseudonyms differ.
# Creates its own databases and roles (prefix tdr_) and removes them again;
# prints "dump_restore: ok" or "dump_restore: FAILED <why>" last and exits
# non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."

su=${PGUSER:-postgres}
households=${MV_DUMP_HOUSEHOLDS:-2000}
src=maskview_tdr_src
formats="custom plain"
members="tdr_printer tdr_analyst"
roles="tdr_owner tdr_printer tdr_analyst tdr_auditor tdr_admin"
fails=0
why=
fail() { echo "  FAIL: $*"; fails=$((fails + 1)); [ -n "$why" ] || why=$1; }
note() { echo "  $*"; }

q() {   # q DB [psql args...]: quiet, unaligned, stop on error, as the superuser
    local db=$1; shift
    psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$su" -d "$db" "$@"
}

drop_objects() {
    local f
    for f in $formats; do
        psql -X -q -U "$su" -d postgres -c "DROP DATABASE IF EXISTS maskview_tdr_$f" >/dev/null 2>&1
    done
    psql -X -q -U "$su" -d postgres -c "DROP DATABASE IF EXISTS $src" >/dev/null 2>&1
    for r in $roles; do
        psql -X -q -U "$su" -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
    done
}
drop_objects                      # leftovers of an interrupted run
work=$(mktemp -d /tmp/maskview-dump-restore.XXXXXX)
trap 'drop_objects; rm -rf "$work"' EXIT

abort() { echo "dump_restore: FAILED $*"; exit 1; }

# --- the source database -----------------------------------------------------
q postgres >/dev/null <<SQL || abort "(setup: roles)"
CREATE ROLE tdr_owner NOLOGIN;
CREATE ROLE tdr_printer LOGIN;
CREATE ROLE tdr_analyst LOGIN;
CREATE ROLE tdr_auditor LOGIN;
CREATE ROLE tdr_admin LOGIN;
CREATE DATABASE $src;
SQL
q "$src" -c "SET client_min_messages = warning" -c "CREATE EXTENSION maskview" >/dev/null \
    || abort "(setup: CREATE EXTENSION)"
q "$src" -v households="$households" -f demo/generate_data.sql >/dev/null 2>"$work/setup.err" \
    || { cat "$work/setup.err"; abort "(setup: demo/generate_data.sql)"; }
q "$src" -v pfx=tdr -f test/upgrade/policies.sql >/dev/null 2>"$work/setup.err" \
    || { cat "$work/setup.err"; abort "(setup: test/upgrade/policies.sql)"; }

# record DB TAG: the masked output as each member, the catalog as superuser
record() {
    local db=$1 tag=$2 m
    for m in $members; do
        psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$m" -d "$db" -f test/upgrade/masked_output.sql \
            >"$work/$tag.$m" 2>&1 || fail "$tag: masked output as $m: $(head -3 "$work/$tag.$m")"
        # Each member sees exactly its own two views, with rows.
        [ "$(grep -c ' [1-9][0-9]* [0-9a-f]\{32\}$' "$work/$tag.$m")" -eq 2 ] \
            || fail "$tag: $m should read two non-empty masked views, got: $(tr '\n' ';' <"$work/$tag.$m")"
    done
    q "$db" -f test/upgrade/catalog_full.sql -f test/upgrade/views.sql >"$work/$tag.catalog" 2>&1 \
        || fail "$tag: catalog fingerprint: $(head -3 "$work/$tag.catalog")"
}

# checks DB TAG: what must hold in the source and in every restored copy
checks() {
    local db=$1 tag=$2 m t fn out
    out=$(q "$db" -c "SELECT id || ': ' || problem FROM mask.verify_audit_log()" 2>&1)
    [ -z "$out" ] || fail "$tag: mask.verify_audit_log() reports: $out"

    if [ "$(q "$db" -c "SELECT pg_catalog.to_regprocedure('mask.verify(name)') IS NOT NULL")" != t ]; then
        note "SKIP ($tag): mask.verify(name) does not exist in this database (release before 0.2.0 or a broken build), so the clean-verify check is skipped"
    else
        out=$(q "$db" -F ' | ' -c "SELECT severity, policy, object, finding FROM mask.verify()
                                   WHERE severity IN ('error', 'warning')" 2>&1)
        [ -z "$out" ] || fail "$tag: mask.verify() is not clean: $out"
    fi

    # Members, the auditor and the admin still cannot read the raw tables.
    for m in $members tdr_auditor tdr_admin; do
        for t in billing.households billing.arrears; do
            out=$(psql -X -q -A -t -U "$m" -d "$db" -c "SELECT count(*) FROM $t" 2>&1)
            case $out in
                *"permission denied"*) ;;
                *) fail "$tag: $m reading $t was not refused: $out" ;;
            esac
        done
    done
    # The auditor and the admin still run the reports.
    for m in tdr_auditor tdr_admin; do
        for fn in "mask.verify_audit_log()" "mask.verify()" "mask.export_policy('notice')"; do
            # (verify and export_policy are new in 0.2.0: skipped while missing)
            case $fn in
                mask.verify_audit_log*) ;;
                *) [ "$(q "$db" -c "SELECT pg_catalog.to_regproc('${fn%%(*}') IS NOT NULL")" = t ] || continue ;;
            esac
            out=$(psql -X -q -A -t -U "$m" -d "$db" -c "SELECT count(*) FROM $fn" 2>&1) \
                || fail "$tag: $m cannot run $fn: $out"
        done
    done
}

compare() {   # compare WHAT FILE_A FILE_B
    if ! cmp -s "$2" "$3"; then
        fail "$1 differs after restore"
        diff -u "$2" "$3" | head -40 | sed 's/^/    /'
    fi
}

# The checks first: export_policy() is audited, and the dump must hold its rows.
checks "$src" src
record "$src" src
# The source must hold what the comparison is about.
grep -q '^key notice [0-9a-f]\{64\}$' "$work/src.catalog" || fail "src: no key of policy notice in the catalog fingerprint"
grep -q '^row mask.audit_log ' "$work/src.catalog" || fail "src: no audit log rows in the catalog fingerprint"

# --- dump, restore, compare --------------------------------------------------
pg_dump -U "$su" -d "$src" -Fc -f "$work/src.custom" 2>"$work/dump.err" \
    || abort "(pg_dump -Fc: $(head -3 "$work/dump.err"))"
pg_dump -U "$su" -d "$src" -Fp -f "$work/src.plain" 2>"$work/dump.err" \
    || abort "(pg_dump -Fp: $(head -3 "$work/dump.err"))"

for f in $formats; do
    dst=maskview_tdr_$f
    createdb -U "$su" "$dst" || { fail "$f: createdb $dst"; continue; }
    if [ "$f" = custom ]; then
        pg_restore -U "$su" -d "$dst" --exit-on-error "$work/src.custom" >"$work/restore.$f" 2>&1
    else
        psql -X -q -v ON_ERROR_STOP=1 -U "$su" -d "$dst" -f "$work/src.plain" >"$work/restore.$f" 2>&1
    fi || { fail "$f: restore failed: $(grep -m3 -i error "$work/restore.$f")"; continue; }
    # Anything the restore printed besides notices is worth reading.
    grep -i 'error\|warning' "$work/restore.$f" | head -5 | sed "s/^/  note ($f restore): /"

    record "$dst" "$f"     # before the checks, which add audit rows
    checks "$dst" "$f"
    for m in $members; do
        compare "$f: masked output as $m" "$work/src.$m" "$work/$f.$m"
    done
    compare "$f: catalog" "$work/src.catalog" "$work/$f.catalog"
done

# --- control: the masked output depends on the restored key ------------------
ctl=maskview_tdr_custom
if q "$ctl" -c "SELECT mask.rotate_key('notice')" >/dev/null 2>&1; then
    psql -X -q -A -t -U tdr_printer -d "$ctl" -f test/upgrade/masked_output.sql >"$work/ctl.tdr_printer" 2>&1
    if cmp -s "$work/src.tdr_printer" "$work/ctl.tdr_printer"; then
        fail "control: the notice views' output did not change with a new key (the comparison cannot see pseudonyms)"
    fi
else
    fail "control: mask.rotate_key('notice') failed in $ctl"
fi

if [ "$fails" -eq 0 ]; then
    echo "dump_restore: ok"
else
    echo "dump_restore: FAILED $why ($fails problems)"
    exit 1
fi
