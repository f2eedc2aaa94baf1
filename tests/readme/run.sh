#!/usr/bin/env bash
# Runs the README's examples as written, on the sample corpus: every line of the ```sh blocks under
# "haku-indexer", "haku-searchd", "haku (CLI)" and "Indexing real registers", from a scratch copy of the
# clone's top (corpus/ linked, var/ fresh), with the built binaries on PATH. haku-searchd's example
# runs on an ephemeral port (--port 0) and the CLI's --server examples are pointed at it.
# Usage: tests/readme/run.sh BUILD_DIR SOURCE_DIR      Prints `N passed, M failed`; exit 1 on failure.
set -euo pipefail
if [ $# -ne 2 ]; then
  sed -n '2,6p' "$0" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/haku-readme-XXXXXX")
searchd_pid=""
cleanup() {
  if [ -n "$searchd_pid" ] && kill -0 "$searchd_pid" 2>/dev/null; then
    kill -TERM "$searchd_pid" 2>/dev/null || true
    wait "$searchd_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
export PATH="$build/searchd:$build/indexer:$PATH"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
unset HAKU_INDEX_DIR HAKU_PORT HAKU_CONFIG
mkdir -p "$tmp/top"
ln -s "$src/corpus" "$tmp/top/corpus"
# The registers' examples read exports/: the shared registry data (HAKU_SHARED_DIR) when present,
# else they are skipped (and counted as skipped).
shared=${HAKU_SHARED_DIR:-$src/../shared}
[ -d "$shared/data" ] && ln -s "$(cd "$shared/data" && pwd)" "$tmp/top/exports"
cd "$tmp/top"

# block SECTION: the lines of the ```sh blocks under "## SECTION".
block() {
  awk -v want="## $1" '
    /^## / { in_section = ($0 == want); next }
    in_section && /^```sh$/ { in_block = 1; next }
    in_block && /^```$/ { in_block = 0; next }
    in_section && in_block && NF {
      line = line $0
      if (sub(/\\$/, "", line)) next   # a continued command: join it with the next line
      print line; line = "" }' "$src/README.md"
}

passed=0
failed=0
skipped=0
run_line() {
  local line=$1 rc=0
  if [[ $line == *exports/* ]] && [ ! -e "$tmp/top/exports" ]; then
    skipped=$((skipped + 1))
    echo "SKIP (no shared data): $line" >&2
    return 0
  fi
  bash -c "$line" >"$tmp/out" 2>&1 </dev/null || rc=$?
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL (exit $rc): $line" >&2
    sed 's/^/    /' "$tmp/out" | head -n 20 >&2
  fi
}

indexer_lines=$(block haku-indexer)
[ -n "$indexer_lines" ] || { echo "README: no haku-indexer examples found" >&2; exit 1; }
while IFS= read -r line; do run_line "$line"; done <<<"$indexer_lines"

# haku-searchd: the example, on a free port, in the background until the CLI examples are done.
searchd_line=$(block haku-searchd | head -n 1)
[[ $searchd_line == haku-searchd\ * ]] || { echo "README: no haku-searchd example found" >&2; exit 1; }
bash -c "exec ${searchd_line/--port 8080/--port 0}" >"$tmp/searchd.out" 2>"$tmp/searchd.err" &
searchd_pid=$!
base=""
for _ in $(seq 1 300); do
  [[ "$(head -n 1 "$tmp/searchd.out" 2>/dev/null)" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] &&
    { base=${BASH_REMATCH[1]}; break; }
  kill -0 "$searchd_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$base" ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL: $searchd_line did not start" >&2; sed 's/^/    /' "$tmp/searchd.err" >&2
fi

cli_lines=$(block "haku (CLI)")
[ -n "$cli_lines" ] || { echo "README: no haku CLI examples found" >&2; exit 1; }
while IFS= read -r line; do run_line "${line//http:\/\/127.0.0.1:8080/${base:-http://127.0.0.1:9}}"; done <<<"$cli_lines"

while IFS= read -r line; do run_line "$line"; done <<<"$(block "Indexing real registers")"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
