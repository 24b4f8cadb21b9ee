#!/usr/bin/env bash
# The Debian package: built by dpkg-buildpackage from the tracked files only
# (what a clean checkout has), installed into the system PostgreSQL with dpkg,
# and used there: CREATE EXTENSION, a mask, the upgrade path from 0.1.0.  The
# package is removed again and the build that `make test` installed is put
# back.  Needs root (dpkg); as another user it says so and counts as skipped.
# Prints "deb: ok", "deb: SKIPPED <why>" or "deb: FAILED <why>" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)

if [ "$(id -u)" -ne 0 ]; then
    echo "deb: SKIPPED (installing a .deb needs root)"; exit 0
fi
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/maskview.control)
pgbin=/usr/lib/postgresql/15/bin          # the server debian/pgversions names
work=$(mktemp -d /tmp/maskview-deb.XXXXXX)
chmod 0755 "$work"
fail() { echo "deb: FAILED $*"; exit 1; }

# One package install at a time on this machine.
exec 8>/tmp/maskview-deb.lock
flock 8

cleanup() {
    [ -n "${data:-}" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1
    dpkg -r postgresql-15-maskview >/dev/null 2>&1
    # dpkg -r removed the files the suite's `make install` had put there.
    PG_CONFIG=$pgbin/pg_config make -s -C "$top" install >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

# --- build from a clean tree ---------------------------------------------------
mkdir "$work/src"
git ls-files -z | tar -c --null -T - | tar -x -C "$work/src" || fail "(copying the tracked files)"
(cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; fail "(dpkg-buildpackage)"; }
deb=$work/postgresql-15-maskview_${version}_amd64.deb
[ -f "$deb" ] || fail "(no $deb: $(ls "$work"))"
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
for f in ./usr/share/postgresql/15/extension/maskview.control \
         ./usr/share/postgresql/15/extension/maskview--$version.sql \
         ./usr/share/postgresql/15/extension/maskview--0.1.0.sql \
         ./usr/share/postgresql/15/extension/maskview--0.2.0--$version.sql \
         ./usr/lib/postgresql/15/lib/maskview.so \
         ./usr/share/doc/postgresql-15-maskview/README.md.gz; do
    grep -qxF "$f" "$work/contents" || fail "(the package lacks $f)"
done

# --- install it and use it -----------------------------------------------------
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "(dpkg -i)"; }
data=$work/data
mkdir -p "$work/socket" "$data"; chown -R postgres:postgres "$work/socket" "$data"
runuser -u postgres -- "$pgbin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$work/initdb.log" 2>&1 || fail "(initdb)"
runuser -u postgres -- "$pgbin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$work/socket' -p 5439" start >/dev/null \
    || { cat "$data/server.log"; fail "(starting the server)"; }
q() { "$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$work/socket" -p 5439 -U postgres "$@"; }
got=$(q -d postgres -c "CREATE EXTENSION maskview" -c "SELECT mask.cn_name('张三')" 2>&1)
[ "$got" = "张*" ] || fail "(CREATE EXTENSION and mask.cn_name as installed by the package: $got)"
got=$(q -d postgres -c "CREATE DATABASE deb_up" && q -d deb_up -c "CREATE EXTENSION maskview VERSION '0.1.0'" \
      -c "ALTER EXTENSION maskview UPDATE" -c "SELECT extversion FROM pg_extension WHERE extname = 'maskview'" 2>&1)
[ "$got" = "$version" ] || fail "(ALTER EXTENSION maskview UPDATE from 0.1.0 with the package: $got)"
echo "deb: ok (postgresql-15-maskview $version built, installed, CREATE EXTENSION and UPDATE from 0.1.0 work)"
