# What the Citus suites (citus_test.sh, citus_ddl_test.sh, citus_copy_test.sh)
# share; sourced from the repository root, after the suite's own header.
#
#   mv_citus_test_begin NAME   without Citus: "NAME: SKIPPED (...)" and exit 0;
#                              else start the cluster (cluster.sh) and set
#                              coord, w1, w2 (its ports)
#   problem MSG                report a failed check and count it
#   q ARGS / qw PORT ARGS      psql as the superuser to the coordinator / a
#                              node, stopping at the first error
#   as ROLE PORT ARGS          psql as ROLE (MV_CITUS_AS_OPTS: more options,
#                              e.g. "-v ON_ERROR_STOP=1")
#   mv_citus_setup [LABEL] [PSQL OPTIONS]
#                              run the SQL on stdin on the coordinator; on an
#                              error show its output and "NAME: FAILED (setup)",
#                              exit 1 (LABEL: report a problem and go on)
#   policy_key POLICY          sets key to the policy's key in hex (a problem
#                              if there is none)
#   mv_citus_test_end          stop the cluster; print "NAME: ok" or
#                              "NAME: FAILED (N problems)" and exit with it
#
# The fixtures billing.sql (maskview, the roles, the schema billing with the
# households, distributed and filled, and the districts, a reference table)
# and policy.sql (their protection and rules) are \i'd by the setups, with
# psql variables.
. test/citus/cluster.sh

mv_citus_test_begin() {
    MV_CITUS_TEST=$1
    if ! mv_citus_available; then
        echo "$MV_CITUS_TEST: SKIPPED (the citus extension is not installed in $("$MV_CITUS_BIN/pg_config" --sharedir); README 'Citus' says how to build it)"
        exit 0
    fi
    fails=0
    mv_citus_start || { echo "$MV_CITUS_TEST: FAILED (starting the cluster)"; exit 1; }
    set -- $MV_CITUS_PORTS
    coord=$1 w1=$2 w2=$3
}

problem() { echo "  FAIL: $*"; fails=$((fails + 1)); }
q() { mv_citus_psql "$coord" -d postgres -v ON_ERROR_STOP=1 "$@"; }
qw() { local port=$1; shift; mv_citus_psql "$port" -d postgres -v ON_ERROR_STOP=1 "$@"; }
as() {
    local role=$1 port=$2; shift 2
    "$MV_CITUS_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$port" -U "$role" -d postgres ${MV_CITUS_AS_OPTS:-} "$@"
}

mv_citus_setup() {
    local label=
    [ $# -gt 0 ] && [ "${1#-}" = "$1" ] && { label=$1; shift; }
    local out="$MV_CITUS_DIR/setup${label:+.$label}.out"
    q "$@" >"$out" 2>&1 && return 0
    cat "$out"
    [ -n "$label" ] && { problem "$label: setup failed"; return 1; }
    echo "$MV_CITUS_TEST: FAILED (setup)"
    exit 1
}

policy_key() {
    key=$(q -c "SELECT pg_catalog.encode(k.key, 'hex') FROM mask.policy_key k JOIN mask.policy p ON p.id = k.policy_id WHERE p.name = '$1'")
    [ ${#key} -eq 64 ] || problem "setup: no policy key"
}

mv_citus_test_end() {
    mv_citus_stop
    if [ "$fails" -eq 0 ]; then
        echo "$MV_CITUS_TEST: ok"
    else
        echo "$MV_CITUS_TEST: FAILED ($fails problems)"
        exit 1
    fi
}
