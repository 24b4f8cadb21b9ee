# Throw-away PostgreSQL cluster on a private Unix socket (sourced, not run).
#
#   mv_cluster_start   initdb + start; exports PGHOST, PGPORT, PGUSER, PGDATABASE
#   mv_cluster_stop    stop and remove everything (also on EXIT via trap)
#   mv_as_postgres CMD run CMD as the cluster's OS user (postgres when we are root)
#   mv_node_start, mv_node_stop  one server (also test/citus/cluster.sh's nodes)
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` OS user; clients keep running as the caller and connect through
# the socket with trust authentication, which only this socket directory (mode
# 0770 or tighter in the parent) can reach.

MV_PGBIN=${MV_PGBIN:-$(pg_config --bindir)}

mv_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# One server: initdb DATA as the cluster's OS user (trust authentication,
# UTF8, C.UTF-8; its log in INITDB_LOG), the settings on stdin appended to
# its postgresql.conf, started with its log in SERVER_LOG.  On a failure the
# log says why (on stderr) and it returns 1.
mv_node_start() {   # DATA INITDB_LOG SERVER_LOG
    mv_as_postgres "$MV_PGBIN/initdb" -D "$1" -U postgres \
        --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$2" 2>&1 \
        || { cat "$2" >&2; return 1; }
    cat >>"$1/postgresql.conf"
    mv_as_postgres "$MV_PGBIN/pg_ctl" -D "$1" -l "$3" -w -t 60 start >/dev/null \
        || { cat "$3" >&2; return 1; }
}

mv_node_stop() {   # DATA
    mv_as_postgres "$MV_PGBIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}

mv_cluster_start() {
    MV_CLUSTER_DIR=$(mktemp -d /tmp/maskview-cluster.XXXXXX)
    chmod 0755 "$MV_CLUSTER_DIR"
    mkdir -p "$MV_CLUSTER_DIR/socket" "$MV_CLUSTER_DIR/data"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$MV_CLUSTER_DIR"
    trap mv_cluster_stop EXIT
    mv_node_start "$MV_CLUSTER_DIR/data" "$MV_CLUSTER_DIR/initdb.log" "$MV_CLUSTER_DIR/server.log" <<CONF || return 1
listen_addresses = ''
unix_socket_directories = '$MV_CLUSTER_DIR/socket'
port = 5432
fsync = off
shared_buffers = ${MV_SHARED_BUFFERS:-256MB}
max_connections = 40
log_min_messages = warning
CONF
    export PGHOST="$MV_CLUSTER_DIR/socket" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
}

mv_cluster_stop() {
    [ -n "${MV_CLUSTER_DIR:-}" ] && [ -d "$MV_CLUSTER_DIR" ] || return 0
    mv_node_stop "$MV_CLUSTER_DIR/data"
    rm -rf "$MV_CLUSTER_DIR"
    MV_CLUSTER_DIR=
}

# Builds with warnings as errors (MV_WERROR=1 unless the caller set it) and
# installs into the server's directories; install is given the same flags, or
# it would rebuild everything without them.  Serialised with a lock (one per
# server installation) so that concurrent runs on one machine do not install
# over each other.
mv_build_and_install() {
    exec 9>"/tmp/maskview-install.$("${PG_CONFIG:-pg_config}" --bindir | cksum | cut -d' ' -f1).lock"
    flock 9
    make -s -j2 all MV_WERROR="${MV_WERROR:-1}" >/dev/null
    make -s install MV_WERROR="${MV_WERROR:-1}" >/dev/null
}
