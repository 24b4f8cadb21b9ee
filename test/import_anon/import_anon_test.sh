#!/usr/bin/env bash
# mask.import_anon(): PostgreSQL Anonymizer's labels (written with the
# test-only label provider of test/seclabel, since Anonymizer is not
# installed) become a maskview policy; the report, the dry run, the rules,
# the members and what a masked role reads are compared with
# test/import_anon/expected.out.
#
# Environment: PGHOST/PGPORT/PGUSER of a running cluster (a superuser) with
# maskview installed; MV_CLUSTER_DIR (test/cluster.sh) to place the module
# where the server can read it.  Prints "import_anon: ok" or
# "import_anon: FAILED <why>" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
db=maskview_import_anon
su=${PGUSER:-postgres}
fail() { echo "import_anon: FAILED $*"; exit 1; }

work=$(mktemp -d "${MV_CLUSTER_DIR:-/tmp}/import-anon.XXXXXX")
chmod 0755 "$work"
cleanup() {
    psql -X -q -U "$su" -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
    for r in tia_printer tia_analyst tia_super tia_owner; do
        psql -X -q -U "$su" -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1
    done
    rm -rf "$work"
}
cleanup; work=$(mktemp -d "${MV_CLUSTER_DIR:-/tmp}/import-anon.XXXXXX"); chmod 0755 "$work"
trap cleanup EXIT

# The provider is built against the server under test and copied where the
# server's OS user can read it (the checkout may be private to root).
make -s -C test/seclabel >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "(building test/seclabel)"; }
cp test/seclabel/anon_labels.so "$work/" && chmod 0755 "$work/anon_labels.so"

psql -X -q -U "$su" -d postgres -c "CREATE DATABASE $db" >/dev/null || fail "(CREATE DATABASE)"
psql -X -q -A -U "$su" -d "$db" -v ON_ERROR_STOP=1 \
     -c "LOAD '$work/anon_labels.so'" -f test/import_anon/scenario.sql >"$work/out" 2>&1 \
    || { tail -5 "$work/out"; fail "(the scenario failed)"; }
if ! diff -u test/import_anon/expected.out "$work/out" >"$work/diff"; then
    head -60 "$work/diff"
    [ -n "${MV_ACCEPT:-}" ] && cp "$work/out" test/import_anon/expected.out
    fail "(the output differs from test/import_anon/expected.out)"
fi
echo "import_anon: ok"
