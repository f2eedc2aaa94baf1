#!/usr/bin/env bash
# Browser test of the widget (tests/browser/widget_test.js): installs playwright-core from npm into
# BUILD_DIR/tests/browser (package-lock.json; skipped when that version is there already), indexes
# corpus/sample, and drives Debian's /usr/bin/chromium headless against haku-searchd and a host page on
# another origin. Screenshots: BUILD_DIR/tests/browser/screenshots/.
# Usage: tests/browser/run.sh BUILD_DIR SOURCE_DIR      Exit 1 on failure, 77 (skipped) without chromium.
set -euo pipefail
if [ $# -ne 2 ]; then
  sed -n '2,6p' "$0" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
if [ ! -x /usr/bin/chromium ]; then
  echo "SKIPPED: /usr/bin/chromium is not installed (scripts/install-deps installs it)" >&2
  exit 77
fi
work=$build/tests/browser
mkdir -p "$work"
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"]["node_modules/playwright-core"]["version"])' \
       "$src/tests/browser/package-lock.json")
have=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
       "$work/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  cp "$src/tests/browser/package.json" "$src/tests/browser/package-lock.json" "$work/"
  start=$(date +%s)
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "npm ci: playwright-core $want in $(( $(date +%s) - start )) s"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/haku-browser-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! "$build/indexer/haku-indexer" build --source "$src/corpus/sample" --index-dir "$tmp/index" >"$tmp/index.log" 2>&1; then
  cat "$tmp/index.log" >&2
  exit 1
fi
rm -rf "$work/screenshots"
NODE_PATH=$work/node_modules node "$src/tests/browser/widget_test.js" \
  "$build/searchd/haku-searchd" "$tmp/index" "$work/screenshots"
