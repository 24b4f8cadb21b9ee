# A local Citus cluster for test/citus/citus_test.sh (sourced, not run): a
# coordinator and two workers on loopback ports, as the postgres OS user when
# run as root, with shared_preload_libraries = 'citus', trust authentication
# on 127.0.0.1 only, each in its own directory under one temporary folder.
#
#   mv_citus_available     true when the server under test has the citus extension
#   mv_citus_start         initdb + start three nodes, CREATE EXTENSION citus,
#                          add the workers; exports MV_CITUS_PORTS (coordinator first)
#   mv_citus_stop          stop and remove everything (also on EXIT)
#   mv_citus_psql PORT ... psql to one node as the superuser

MV_CITUS_BIN=${MV_CITUS_BIN:-$("${PG_CONFIG:-pg_config}" --bindir)}

mv_citus_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

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
        mv_citus_as_postgres "$MV_CITUS_BIN/initdb" -D "$MV_CITUS_DIR/$port" -U postgres \
            --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$MV_CITUS_DIR/initdb.$port.log" 2>&1 \
            || { cat "$MV_CITUS_DIR/initdb.$port.log" >&2; return 1; }
        cat >>"$MV_CITUS_DIR/$port/postgresql.conf" <<CONF
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
        mv_citus_as_postgres "$MV_CITUS_BIN/pg_ctl" -D "$MV_CITUS_DIR/$port" \
            -l "$MV_CITUS_DIR/$port/server.log" -w -t 60 start >/dev/null \
            || { cat "$MV_CITUS_DIR/$port/server.log" >&2; return 1; }
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
        mv_citus_as_postgres "$MV_CITUS_BIN/pg_ctl" -D "$MV_CITUS_DIR/$port" -m fast -w stop >/dev/null 2>&1 || true
    done
    rm -rf "$MV_CITUS_DIR"
    MV_CITUS_DIR=
}
