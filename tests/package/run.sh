#!/usr/bin/env bash
# Checks a built Debian package without installing it on the machine: its control data (name, version,
# declared dependencies, conffiles), then unpacks it into a scratch root (dpkg -x) and checks the files,
# that no source or build path is baked into the binaries, that each installed binary answers --version,
# that the installed indexer and CLI index and search the sample corpus with the installed data, and
# (when the tree has systemd units) that systemd-analyze verify accepts the installed units.
# Usage: tests/package/run.sh PATH/haku_VERSION_ARCH.deb SOURCE_DIR   Prints `N passed, M failed`.
set -euo pipefail
if [ $# -ne 2 ]; then
  sed -n '2,6p' "$0" >&2
  exit 2
fi
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/haku-package-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}
field() { dpkg-deb -f "$deb" "$1"; }

version=$(sed -n 's/^project(haku VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
check "package name is haku" test "$(field Package)" = haku
check "package version is the project's ($version)" test "$(field Version)" = "$version"
depends=$(field Depends)
for dep in libxapian30 libvoikko1 voikko-fi hunspell-sv libicu libcld2 libfasttext libcpp-httplib libstdc++6; do
  check "Depends declares $dep" grep -q "$dep" <<<"$depends"
done

dpkg -x "$deb" "$root"
for f in usr/bin/haku usr/bin/haku-indexer usr/bin/haku-searchd; do
  check "$f is an executable" test -x "$root/$f"
done
for f in fi_stop.txt sv_stop.txt en_stop.txt translations.bin web/widget/v1/haku.js web/widget/example.html web/index.html; do
  check "usr/share/haku/$f is installed" test -s "$root/usr/share/haku/$f"
done
for f in README.md HTTP.md OPERATIONS.md FORMATS.md openapi.yaml haku-searchd.help.txt haku-indexer.help.txt haku.help.txt; do
  check "usr/share/doc/haku/$f is installed" test -s "$root/usr/share/doc/haku/$f"
done
if [ -d "$src/corpus/mappings" ]; then
  for m in "$src"/corpus/mappings/*.json; do
    check "mapping $(basename "$m") is installed" test -s "$root/usr/share/haku/mappings/$(basename "$m")"
  done
  check "usr/bin/haku-convert is an executable" test -x "$root/usr/bin/haku-convert"
fi
check "the installed haku-searchd help lists its options" grep -q -- '--index-dir' "$root/usr/share/doc/haku/haku-searchd.help.txt"
if [ -e "$src/scripts/systemd/haku-searchd.service" ]; then
  check "the haku-searchd unit is installed" test -s "$root/usr/lib/systemd/system/haku-searchd.service"
  # The installed units, pointed at the unpacked binaries (verify checks that ExecStart= runs).
  if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir -p "$tmp/units"
    for u in "$root"/usr/lib/systemd/system/*; do
      sed "s|/usr/bin/|$root/usr/bin/|g" "$u" >"$tmp/units/$(basename "$u")"
    done
    check "systemd-analyze verify accepts the installed units" systemd-analyze verify "$tmp"/units/*
  else
    echo "SKIP: systemd-analyze verify (systemd-analyze not installed)" >&2
  fi
  if [ -e "$src/scripts/systemd/searchd.conf" ]; then
    check "/etc/haku/searchd.conf is installed" test -s "$root/etc/haku/searchd.conf"
    dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$tmp/conffiles" 2>/dev/null || true
    check "/etc/haku/searchd.conf is a conffile" grep -qx /etc/haku/searchd.conf "$tmp/conffiles"
  fi
fi

for b in haku-indexer haku-searchd haku haku-convert; do
  check "installed $b answers --version" test "$("$root/usr/bin/$b" --version)" = "$b $version"
  # The binaries read /usr/share/haku, never the tree they were built in.
  check "no source or build path in $b" bash -c "! grep -aq '$src' '$root/usr/bin/$b'"
done
check "haku-indexer looks for its data in /usr/share/haku" grep -aq '/usr/share/haku' "$root/usr/bin/haku-indexer"

# The installed binaries index and search the sample with the installed data (--data-dir: the package
# is not installed on this machine, so /usr/share/haku may be absent).
rc=0
"$root/usr/bin/haku-indexer" build --source "$src/corpus/sample" --index-dir "$tmp/index" \
  --data-dir "$root/usr/share/haku" >"$tmp/build.out" 2>&1 || rc=$?
check "installed haku-indexer builds the sample (exit $rc)" test "$rc" = 0
check "installed haku-indexer finds the installed stop lists" bash -c "! grep -q 'stopwords.*not found' '$tmp/build.out'"
check "the generation carries the translation table of --data-dir" \
  cmp -s "$root/usr/share/haku/translations.bin" "$tmp/index/current/translations.bin"
rc=0
"$root/usr/bin/haku" search "antirasism yrkeshögskola" --index "$tmp/index" --json >"$tmp/search.json" 2>&1 || rc=$?
check "installed haku searches the sample (exit $rc)" test "$rc" = 0
check "installed haku finds VARAVA" grep -q 'amif-sv-2021-varava' "$tmp/search.json"

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
