# A local Citus cluster for the suites in test/citus and bench/citus_bench.sh (sourced, not run): a
# coordinator and two workers on loopback ports, as the postgres OS user when
# run as root, with shared_preload_libraries = 'citus', trust authentication
# on 127.0.0.1 only, each in its own directory under one temporary folder.
#
#   mv_citus_available     true when the server under test has the citus extension
#   mv_citus_start         initdb + start three nodes, CREATE EXTENSION citus,
#                          add the workers; exports MV_CITUS_PORTS (coordinator first)
#   mv_citus_stop          stop and remove everything (also on EXIT)
#   mv_citus_psql PORT ... psql to one node as the superuser

# The nodes are servers of test/cluster.sh (mv_node_start), of the
# installation PG_CONFIG names.
MV_CITUS_BIN=${MV_CITUS_BIN:-$("${PG_CONFIG:-pg_config}" --bindir)}
MV_PGBIN=$MV_CITUS_BIN
. test/cluster.sh

mv_citus_available() {
    [ -f "$("$MV_CITUS_BIN/pg_config" --pkglibdir)/citus.so" ] \
        && [ -f "$("$MV_CITUS_BIN/pg_config" --sharedir)/extension/citus.control" ]
}

mv_citus_psql() {
    local port=$1; shift
    "$MV_CITUS_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$port" -U postgres "$@"
}

mv_citus_start() {
    local base port i
    MV_CITUS_DIR=$(mktemp -d /tmp/maskview-citus.XXXXXX)
    chmod 0755 "$MV_CITUS_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$MV_CITUS_DIR"
    trap mv_citus_stop EXIT
    # Three free ports in the dynamic range, chosen from this process id.
    base=$((20000 + ($$ % 20000)))
    MV_CITUS_PORTS="$base $((base + 1)) $((base + 2))"
    for port in $MV_CITUS_PORTS; do
        mv_node_start "$MV_CITUS_DIR/$port" "$MV_CITUS_DIR/initdb.$port.log" "$MV_CITUS_DIR/$port/server.log" <<CONF || return 1
listen_addresses = '127.0.0.1'
unix_socket_directories = '$MV_CITUS_DIR'
port = $port
shared_preload_libraries = 'citus'
fsync = off
max_connections = 60
max_prepared_transactions = 60
log_min_messages = warning
citus.enable_statistics_collection = off
CONF
        mv_citus_psql "$port" -d postgres -c "CREATE EXTENSION citus" >/dev/null || return 1
    done
    set -- $MV_CITUS_PORTS
    mv_citus_psql "$1" -d postgres -c "SELECT citus_set_coordinator_host('127.0.0.1', $1)" >/dev/null || return 1
    mv_citus_psql "$1" -d postgres -c "SELECT citus_add_node('127.0.0.1', $2)" -c "SELECT citus_add_node('127.0.0.1', $3)" >/dev/null || return 1
    export MV_CITUS_PORTS MV_CITUS_DIR
}

mv_citus_stop() {
    local port
    [ -n "${MV_CITUS_DIR:-}" ] && [ -d "$MV_CITUS_DIR" ] || return 0
    for port in $MV_CITUS_PORTS; do
        mv_node_stop "$MV_CITUS_DIR/$port"
    done
    rm -rf "$MV_CITUS_DIR"
    MV_CITUS_DIR=
}
