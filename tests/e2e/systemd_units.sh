#!/usr/bin/env bash
# The systemd units and the cron line in scripts/systemd/: `systemd-analyze verify` accepts the units
# without a single warning (in a scratch root holding the host's units and the built binaries at the
# paths an install uses), the units' command lines and the example configuration files are accepted by
# the real binaries, and the cron line has the /etc/cron.d shape.
# Usage: tests/e2e/systemd_units.sh BUILD_DIR SOURCE_DIR. Exit 0 pass, 1 fail, 77 skipped (no
# systemd-analyze: install the systemd package, scripts/debian-packages.txt).
set -euo pipefail
if [ $# -ne 2 ]; then
  sed -n '2,7p' "$0" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
units=$src/scripts/systemd
indexer=$build/indexer/haku-indexer
searchd=$build/searchd/haku-searchd

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/haku-units-XXXXXX")
searchd_pid=""
cleanup() {
  if [ -n "$searchd_pid" ]; then kill -TERM "$searchd_pid" 2>/dev/null || true; wait "$searchd_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

# ---- the cron line (checked on every host) -------------------------------------------------------
cron_line=$(grep -v '^#' "$units/haku-reindex.cron" | grep -v '^[[:space:]]*$')
if [ "$(wc -l <<<"$cron_line")" = 1 ] && [[ "$cron_line" =~ ^[0-9*/,-]+\ [0-9*/,-]+\ [0-9*/,-]+\ [0-9*/,-]+\ [0-9*/,-]+\ haku\ /usr/bin/haku-indexer\ sync\  ]]; then
  pass
else
  fail "haku-reindex.cron: expected one line 'MIN HOUR DOM MON DOW haku /usr/bin/haku-indexer sync ...', got: $cron_line"
fi

# ---- the command lines and configuration files the units use ---------------------------------------
# ExecStart of a unit, with install paths mapped to this build and the shipped example configuration.
exec_start() {
  sed -n 's/^ExecStart=//p' "$units/$1" | sed -e "s#/usr/bin/haku-indexer#$indexer#" -e "s#/usr/bin/haku-searchd#$searchd#" \
    -e "s#/etc/haku/reindex.conf#$units/reindex.conf#" -e "s#/etc/haku/searchd.conf#$units/searchd.conf#" \
    -e "s#/var/lib/haku/index#$tmp/index#"
}
mapfile -t reindex_cmd < <(exec_start haku-reindex.service | tr ' ' '\n')
rc=0
"${reindex_cmd[@]}" >"$tmp/reindex.out" 2>"$tmp/reindex.err" || rc=$?
# The example names /var/lib/haku/export, which this host does not have: refused (3), never a usage error.
if [ "$rc" = 3 ] && grep -q 'event=refused' "$tmp/reindex.err"; then pass; else
  fail "haku-reindex.service ExecStart with reindex.conf: exit $rc (expected 3: refused, no source here)"
  cat "$tmp/reindex.err" >&2
fi
cron_cmd=$(sed -E 's/^([^ ]+ ){6}//; s/ 2>&1.*//' <<<"$cron_line" | sed -e "s#/usr/bin/haku-indexer#$indexer#" \
  -e "s#/etc/haku/reindex.conf#$units/reindex.conf#" -e "s#/var/lib/haku/index#$tmp/index#")
rc=0
bash -c "$cron_cmd" >/dev/null 2>"$tmp/cron.err" || rc=$?
if [ "$rc" = 3 ]; then pass; else fail "the cron line's command: exit $rc (expected 3)"; cat "$tmp/cron.err" >&2; fi
mapfile -t searchd_cmd < <(exec_start haku-searchd.service | tr ' ' '\n')
"${searchd_cmd[@]}" --port 0 >"$tmp/searchd.out" 2>"$tmp/searchd.err" &
searchd_pid=$!
ok=0
for _ in $(seq 1 100); do
  if grep -q '^listening on http://127.0.0.1:' "$tmp/searchd.out" 2>/dev/null; then ok=1; break; fi
  kill -0 "$searchd_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ok" = 1 ]; then pass; else fail "haku-searchd.service ExecStart with searchd.conf did not start"; cat "$tmp/searchd.err" >&2; fi
kill -TERM "$searchd_pid" 2>/dev/null || true
wait "$searchd_pid" 2>/dev/null || true
searchd_pid=""

# ---- systemd-analyze verify ---------------------------------------------------------------------
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze not found; the units were not verified (Debian package: systemd)"
  echo "$passed passed, $failed failed, units skipped"
  [ "$failed" -eq 0 ] && exit 77
  exit 1
fi
host_units=""
for d in /lib/systemd/system /usr/lib/systemd/system; do
  [ -f "$d/sysinit.target" ] && { host_units=$d; break; }
done
if [ -z "$host_units" ]; then
  echo "SKIP: no systemd unit directory with sysinit.target on this host; the units were not verified"
  [ "$failed" -eq 0 ] && exit 77
  exit 1
fi
root=$tmp/root
mkdir -p "$root/usr/bin" "$root/etc/systemd/system" "$root/lib/systemd"
cp -a "$host_units" "$root/lib/systemd/system"
cp "$indexer" "$searchd" "$root/usr/bin/"
cp "$units/haku-searchd.service" "$units/haku-reindex.service" "$units/haku-reindex.timer" "$root/etc/systemd/system/"
# verify reports problems as warnings with exit status 0: any output is a failure.
verify() { (cd / && systemd-analyze verify --root="$root" "$@" 2>&1) || echo "systemd-analyze exited $?"; }
out=$(verify haku-searchd.service haku-reindex.service haku-reindex.timer)
if [ -z "$out" ]; then pass; else fail "systemd-analyze verify:"; echo "$out" >&2; fi
# The check can fail: a unit with an unknown key and a bad value is reported.
sed 's/^Restart=on-failure/Restart=on-failure\nNoSuchKey=1\nProtectSystem=sometimes/' "$units/haku-searchd.service" \
  >"$root/etc/systemd/system/haku-broken.service"
out=$(verify haku-broken.service)
if grep -q "NoSuchKey" <<<"$out" && grep -q "sometimes" <<<"$out"; then pass; else
  fail "systemd-analyze verify did not report a broken unit: $out"
fi
# What the units promise: a dedicated user, a read-only index for the daemon, no new privileges, a
# restart on failure, a daily timer.
grep -q '^User=haku$' "$units/haku-searchd.service" && grep -q '^ProtectSystem=strict$' "$units/haku-searchd.service" &&
  grep -q '^ReadOnlyPaths=-/var/lib/haku/index$' "$units/haku-searchd.service" &&
  grep -q '^NoNewPrivileges=yes$' "$units/haku-searchd.service" && grep -q '^Restart=on-failure$' "$units/haku-searchd.service" &&
  pass || fail "haku-searchd.service lacks User=haku, ProtectSystem=strict, ReadOnlyPaths, NoNewPrivileges or Restart=on-failure"
out=$(cd / && systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$units/haku-reindex.timer")" 2>&1 | grep -c 'Next elapse' || true)
[ "$out" = 1 ] && pass || fail "haku-reindex.timer: OnCalendar does not parse"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
