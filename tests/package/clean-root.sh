#!/usr/bin/env bash
# Installs the Debian package the way a user would, `apt install ./haku_*.deb`, on a clean Debian root
# (debootstrap --variant=minbase: none of the build's packages), then checks inside that root that the
# dependencies came with it, that the service user and state directory exist, that the installed units
# pass `systemd-analyze verify`, and that haku-searchd, started as its unit starts it (ExecStart=, as
# User=), serves a sample index built by the installed indexer.
# Needs root, debootstrap and the Debian mirror; takes minutes (not part of scripts/check).
# Usage: tests/package/clean-root.sh PATH/haku_VERSION_ARCH.deb SOURCE_DIR [ROOT]
#   ROOT: a debootstrapped bookworm root to copy (kept between runs); default /var/tmp/haku-clean-root.
#   Prints `N passed, M failed`.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
pristine=${3:-/var/tmp/haku-clean-root}
mirror=${HAKU_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "clean-root: needs root (chroot, mount)" >&2; exit 2; }

if [ ! -x "$pristine/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || { echo "clean-root: debootstrap is not installed" >&2; exit 2; }
  echo "clean-root: debootstrap bookworm into $pristine" >&2
  debootstrap --variant=minbase bookworm "$pristine" "$mirror" >/tmp/haku-debootstrap.log 2>&1 ||
    { tail -n 20 /tmp/haku-debootstrap.log >&2; exit 1; }
fi
root=$(mktemp -d /var/tmp/haku-root-XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  for m in proc dev/pts dev; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
cp -a "$pristine/." "$root/"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name" >&2; else failed=$((failed + 1)); echo "FAIL: $name" >&2; fi
}

version=$(sed -n 's/^project(haku VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
cp "$deb" "$root/tmp/"
rc=0
{ in_root apt-get update -q && in_root apt-get install -y -q "/tmp/$(basename "$deb")"; } >"$root/tmp/apt.log" 2>&1 || rc=$?
check "apt install ./$(basename "$deb") on a clean root (exit $rc)" test "$rc" = 0
[ "$rc" = 0 ] || tail -n 20 "$root/tmp/apt.log" >&2
for b in haku-indexer haku-searchd haku haku-convert; do
  check "installed $b answers --version" test "$(in_root "$b" --version 2>&1)" = "$b $version"
done
check "the service user haku exists" bash -c "chroot \"$root\" getent passwd haku >/dev/null"
check "/var/lib/haku/index belongs to haku" test "$(in_root stat -c %U /var/lib/haku/index 2>&1)" = haku

# systemd-analyze verify inside the root, on the units as installed (systemd itself is not a
# dependency of the package: a machine without it runs the binaries by hand).
rc=0
in_root apt-get install -y -q systemd >>"$root/tmp/apt.log" 2>&1 || rc=$?
check "systemd installs on the root (exit $rc)" test "$rc" = 0
units=()
for u in "$root"/lib/systemd/system/haku-* "$root"/usr/lib/systemd/system/haku-*; do
  [ -e "$u" ] && units+=("${u#"$root"}")
done
check "the package installs haku units" test ${#units[@]} -gt 0
rc=0
in_root systemd-analyze verify "${units[@]}" >"$root/tmp/verify.log" 2>&1 || rc=$?
check "systemd-analyze verify accepts the installed units (exit $rc)" test "$rc" = 0
[ "$rc" = 0 ] || cat "$root/tmp/verify.log" >&2

# The first index, built by the installed indexer from the installed data, as the reindex unit's user.
mkdir -p "$root/tmp/sample" && cp -r "$src/corpus/sample/." "$root/tmp/sample/"
chmod -R a+rX "$root/tmp/sample"
rc=0
in_root runuser -u haku -- haku-indexer build --source /tmp/sample --index-dir /var/lib/haku/index \
  >"$root/tmp/index.log" 2>&1 || rc=$?
check "installed haku-indexer builds the sample as haku (exit $rc)" test "$rc" = 0
[ "$rc" = 0 ] || tail -n 20 "$root/tmp/index.log" >&2
check "the generation carries the installed translation table" \
  cmp -s "$root/usr/share/haku/translations.bin" "$root/var/lib/haku/index/current/translations.bin"

# haku-searchd as its unit starts it: the unit's ExecStart= line, as its User=, on an ephemeral port.
unit=$(ls "$root"/lib/systemd/system/haku-searchd.service "$root"/usr/lib/systemd/system/haku-searchd.service 2>/dev/null | head -n 1)
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086  # ExecStart= is a command line
in_root runuser -u "$user" -- $exec_start --port "$port" >"$root/tmp/searchd.log" 2>&1 &
pid=$!
ready=0
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.1
done
check "haku-searchd started from its unit's ExecStart= is ready" test "$ready" = 1
body=$(curl -fsS "http://127.0.0.1:$port/v1/search?q=antirasism%20yrkesh%C3%B6gskola" 2>/dev/null || true)
check "the installed server finds VARAVA" grep -q 'amif-sv-2021-varava' <<<"$body"
check "the installed demo page is served" bash -c "curl -fsS 'http://127.0.0.1:$port/' | grep -qi '<html'"
[ "$ready" = 1 ] || tail -n 20 "$root/tmp/searchd.log" >&2

echo "clean-root: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
