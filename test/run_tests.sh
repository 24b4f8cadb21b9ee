#!/usr/bin/env bash
# `make test`: installs what is missing, builds with -Werror, installs, then
# runs the core's unit tests, the fuzzers, pg_regress and pgTAP against a
# throw-away cluster, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
# Warnings are errors in every build below (the Makefile's MV_WERROR).
export MV_WERROR=${MV_WERROR:-1}

test/install_deps.sh || exit 1
. test/cluster.sh

passed=0
failed=0
tally() {   # tally STAGE PASSED FAILED
    echo "== $1: $2 passed, $3 failed"
    passed=$((passed + $2))
    failed=$((failed + $3))
}

echo "== build and install"
mv_build_and_install || { echo "0 passed, 1 failed"; exit 1; }

# --- the version in one place
out=$(test/package/check_meta.sh 2>&1); echo "$out" | grep FAIL
p=$(echo "$out" | sed -n 's/^meta: \([0-9]*\) passed.*/\1/p'); f=$(echo "$out" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
tally meta "${p:-0}" "${f:-1}"

# --- doc/masking-rules.md and its pg_regress test (15) agree: the test is the
# document's examples, and the expected output has each one as documented
out=$(perl test/docs/masking_examples.pl 2>&1); echo "$out" | grep -v '^doc examples:'
p=$(echo "$out" | sed -n 's/^doc examples: \([0-9]*\) passed.*/\1/p'); f=$(echo "$out" | sed -n 's/^doc examples: .* \([0-9]*\) failed$/\1/p')
tally "doc examples" "${p:-0}" "${f:-1}"

# --- C unit tests of the core (no PostgreSQL), then valgrind over them
out=$(make -s -C test/unit run 2>&1); rc=$?
echo "$out" | grep -E 'FAIL|passed' | tail -20
p=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
f=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
[ -z "$p" ] && { p=0; f=1; echo "$out" | tail -20; }
[ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
tally unit "$p" "$f"

if [ -z "${MV_SKIP_VALGRIND:-}" ]; then
    if make -s -C test/unit valgrind >/tmp/maskview-valgrind.log 2>&1; then
        tally valgrind 1 0
    else
        tail -30 /tmp/maskview-valgrind.log; tally valgrind 0 1
    fi
fi

# --- bounded libFuzzer runs under ASan + UBSan
if [ -z "${MV_SKIP_FUZZ:-}" ]; then
    out=$(make -s -C test/fuzz run 2>&1)
    echo "$out" | grep -E '^fuzz' | tail -20
    p=$(echo "$out" | grep -c '^fuzz .* ok$')
    f=$(echo "$out" | grep -c '^fuzz .* FAILED')
    [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && { f=1; echo "$out" | tail -20; }
    tally fuzz "$p" "$f"
fi

# --- SQL tests on a throw-away cluster
mv_cluster_start || { tally cluster 0 1; echo "$passed passed, $failed failed"; exit 1; }

out=$(make -s installcheck 2>&1)
echo "$out" | grep -E '\.\.\. |^test ' | sed 's/^/  /'
p=$(echo "$out" | grep -cE '\.\.\. ok')
f=$(echo "$out" | grep -cE '\.\.\. FAILED|\.\.\. failed')
[ -f regression.diffs ] && [ "$f" -gt 0 ] && head -80 regression.diffs
tally pg_regress "$p" "$f"

if ls test/pgtap/*.sql >/dev/null 2>&1; then
    psql -q -X -d postgres -c "CREATE DATABASE maskview_tap" >/dev/null
    out=$(pg_prove -v -d maskview_tap test/pgtap/*.sql 2>&1); rc=$?
    p=$(echo "$out" | grep -cE '^\s*ok [0-9]')
    f=$(echo "$out" | grep -cE '^\s*not ok [0-9]')
    echo "$out" | grep -E '^\s*not ok|^test/|Result|Failed|Dubious|Parse errors' | sed 's/^/  /' | head -60
    [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
    tally pgtap "$p" "$f"
fi

# --- shell-level checks against the same cluster (each prints "...: ok" or "...: FAILED"),
# named by their path under test/ (the fault scripts restart the server, so they come last)
export MV_CLUSTER_DIR MV_LOAD_SECONDS=${MV_LOAD_SECONDS:-20}
for check in test/attacks/*.sh test/load/memory_bound.sh test/dump_restore/dump_restore_test.sh \
             test/upgrade/pg_upgrade_test.sh test/upgrade/upgrade_test.sh test/import_anon/import_anon_test.sh \
             test/load/load_test.sh test/faults/*.sh; do
    name=${check#test/}; name=${name%.sh}
    [ -f "$check" ] || { echo "  $check is missing"; tally "$name" 0 1; continue; }
    out=$(bash "$check" 2>&1); rc=$?
    echo "$out" | tail -5 | sed 's/^/  /'
    if [ $rc -eq 0 ]; then tally "$name" 1 0; else tally "$name" 0 1; fi
done

mv_cluster_stop

# --- packaging: the Debian package and the release archive (after the
# cluster, since the package is installed into the system PostgreSQL)
# (and Citus, which runs only where the citus extension is installed)
for check in test/package/*_test.sh test/citus/citus_test.sh test/citus/citus_copy_test.sh test/citus/citus_ddl_test.sh; do
    out=$(bash "$check" 2>&1); rc=$?
    echo "$out" | tail -5 | sed 's/^/  /'
    name=$(basename "$check" .sh)
    if echo "$out" | tail -1 | grep -q ': SKIPPED'; then
        echo "== $name: skipped"
    elif [ $rc -eq 0 ]; then tally "$name" 1 0; else tally "$name" 0 1; fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
