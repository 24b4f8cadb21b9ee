#!/usr/bin/env bash
# `make demo`: the arrears-notice scenario end to end on a throw-away cluster.
#
#   installs what is missing, builds and installs maskview, starts a private
#   cluster, creates database maskview_demo with the extension, generates the
#   synthetic billing data (MV_DEMO_HOUSEHOLDS households, default 460000, the
#   figure of the case), prints the raw-vs-masked sample and notice, then (when
#   demo/policies.sql and demo/notice.sql are present) sets up the policies and
#   prints the notice as the notice printer and the auditor see it. The
#   cluster is removed at the end, also on failure.
#
#   MV_DEMO_HOUSEHOLDS=N    data set size (default 460000)
#   MV_DEMO_SKIP_BUILD=1    use the maskview already installed (no build/install)
#   MV_PGBIN=DIR            PostgreSQL binaries to run the cluster with (test/cluster.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

households=${MV_DEMO_HOUSEHOLDS:-460000}
case "$households" in
    ''|*[!0-9]*) echo "MV_DEMO_HOUSEHOLDS must be a positive integer" >&2; exit 2 ;;
esac

test/install_deps.sh
. test/cluster.sh

if [ -z "${MV_DEMO_SKIP_BUILD:-}" ]; then
    echo "== build and install maskview"
    mv_build_and_install
fi

echo "== start a throw-away cluster"
mv_cluster_start

# psql as the cluster's superuser, stopping at the first error; no ~/.psqlrc.
run_psql() {
    psql -X -q -v ON_ERROR_STOP=1 "$@"
}

run_psql -d postgres -c "CREATE DATABASE maskview_demo"
export PGDATABASE=maskview_demo
run_psql -c "CREATE EXTENSION maskview"
run_psql -At -c "SELECT 'maskview ' || extversion || ' on ' || pg_catalog.version()
                 FROM pg_catalog.pg_extension WHERE extname = 'maskview'"

echo "== generate $households synthetic households (demo/generate_data.sql)"
t0=$(date +%s%N)
run_psql -v households="$households" -f demo/generate_data.sql
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
printf 'generated in %d.%03d s (%s households, including indexes, ANALYZE and the fingerprint)\n' \
    $((ms / 1000)) $((ms % 1000)) "$households"

run_psql -f demo/sample.sql

if [ -f demo/policies.sql ] && [ -f demo/notice.sql ]; then
    echo
    echo "== policies (demo/policies.sql)"
    run_psql -f demo/policies.sql
    run_psql -f demo/notice.sql
    # The k-anonymity advisor's recommendation, applied, and the notice under it.
    if [ -f demo/advisor.sql ]; then run_psql -f demo/advisor.sql; fi
fi

mv_cluster_stop
echo
echo "demo finished; the cluster has been removed"
