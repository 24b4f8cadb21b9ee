#!/usr/bin/env bash
# The PGXN release: META.json passes the PGXN Meta Spec 1.0.0 checks
# (test/package/pgxn_meta.pl), and `make dist` makes maskview-X.Y.Z.zip from
# the committed tree holding META.json, every file META.json names, the
# control file and every install and upgrade script source the Makefile
# needs.  Prints "dist: ok" or "dist: FAILED <why>" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "dist: FAILED $*"; exit 1; }

perl test/package/pgxn_meta.pl META.json || fail "(META.json does not pass the PGXN Meta Spec)"
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/maskview.control)
work=$(mktemp -d /tmp/maskview-dist.XXXXXX)
trap 'rm -rf "$work"' EXIT

make -s dist DIST="$work/maskview-$version.zip" >/dev/null 2>"$work/err" || fail "(make dist: $(head -3 "$work/err"))"
python3 -c "import zipfile,sys; print('\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))" \
    "$work/maskview-$version.zip" >"$work/list" || fail "(the archive is not a zip)"
named=$(perl -MJSON::PP -e 'local $/; open my $f, "<", "META.json" or die; my $m = decode_json(<$f>);
    for my $e (values %{$m->{provides}}) { print "$_\n" for grep { defined } @$e{qw(file docfile)} }')
for f in META.json Makefile extension/maskview.control $named $(git ls-files 'sql/*' 'src/*'); do
    grep -qxF "maskview-$version/$f" "$work/list" || fail "(the archive lacks $f)"
done
echo "dist: ok (maskview-$version.zip: $(wc -l <"$work/list") entries, META.json valid)"
