#!/usr/bin/env bash
# Installs the Debian packages maskview needs to build and test, when missing.
# Runs apt only as root; otherwise names what is missing and stops.
set -euo pipefail

packages=(
    postgresql-15                           # the server the tests start
    postgresql-server-dev-15                # PGXS, server headers
    libicu-dev                              # ICU headers (the server links the same ICU)
    libssl-dev                              # OpenSSL headers: pseudonym hashes with the libcrypto the server links
    clang                                   # Debian's server is built with LLVM: PGXS emits bitcode
    llvm                                    # llvm-lto for the bitcode index
    postgresql-15-pgtap                     # pgTAP
    libtap-parser-sourcehandler-pgtap-perl  # pg_prove
    libclang-rt-dev                         # libFuzzer, AddressSanitizer, UBSan runtimes
    valgrind                                # memcheck over the core's unit tests
    postgresql-contrib                      # dblink (encoding comparison tests)
    debhelper postgresql-server-dev-all dpkg-dev  # the Debian package (pg_buildext layout)
    make gcc
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages: ${missing[*]}" >&2
    echo "install them as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
