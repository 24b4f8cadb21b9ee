#!/usr/bin/env bash
# The version lives in extension/maskview.control; META.json, the install
# script and CHANGELOG.md must agree with it.  Prints "meta: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/maskview.control)
passed=0 failed=0
check() {  # check DESCRIPTION COMMAND...
    if "${@:2}" >/dev/null 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL meta: $1"; fi
}
# perl's JSON::PP ships with perl, which pg_prove needs anyway.
meta_version() {
    perl -MJSON::PP -e 'local $/; open my $f, "<", "META.json" or die; my $m = decode_json(<$f>);
        print join(" ", $m->{version}, $m->{provides}{maskview}{version}, $m->{provides}{maskview}{file}, $m->{"meta-spec"}{version})'
}
check "META.json is valid JSON" perl -MJSON::PP -e 'local $/; open my $f, "<", "META.json" or die; decode_json(<$f>)'
check "META.json version = control version ($version)" test "$(meta_version)" = "$version $version extension/maskview.control 1.0.0"
check "META.json provides.file is tracked by git (so every release archive has it)" git ls-files --error-unmatch extension/maskview.control
check "debian/changelog is at $version" test "$(sed -n '1s/^maskview (\([^)]*\)).*/\1/p' debian/changelog)" = "$version"
check "debian/control is debian/control.in for the versions in debian/pgversions" test "$(sed "s/PGVERSION/$(cat debian/pgversions)/" debian/control.in)" = "$(cat debian/control)"
check "CHANGELOG.md has a section for $version" grep -q "^## \[\?$version" CHANGELOG.md
check "install script sql/maskview--$version.sql is built" test -s "sql/maskview--$version.sql"
echo "meta: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
