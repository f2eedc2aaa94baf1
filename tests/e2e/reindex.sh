#!/usr/bin/env bash
# End-to-end: unattended reindexing with the real haku-indexer (and haku-searchd serving meanwhile).
# A bad feed (every record rejected, 90 % shrunk, --strict with a reject, an exporter command that fails,
# is killed or prints nothing) is refused with exit 3 and one line saying why, and the served generation
# and the retained ones stay as they were; a build killed with SIGKILL while reading, merging, before
# its semantic layer, right before and right after the `current` switch is followed by a good build
# that keeps the previous good generation; --force, rollback, generations and sync behave.
# Usage: tests/e2e/reindex.sh BUILD_DIR SOURCE_DIR      Prints `N passed, M failed`; exit 1 on failure.
set -euo pipefail
if [ $# -ne 2 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
indexer=$build/indexer/haku-indexer
searchd=$build/searchd/haku-searchd
gen_corpus=$build/corpus/haku-gen-corpus

tmp=$(mktemp -d "${TMPDIR:-/tmp}/haku-reindex-XXXXXX")
searchd_pid=""
cleanup() {
  if [ -n "$searchd_pid" ] && kill -0 "$searchd_pid" 2>/dev/null; then
    kill -TERM "$searchd_pid" 2>/dev/null || true
    wait "$searchd_pid" 2>/dev/null || true
  fi
  # Exporters left behind by a killed indexer.
  for f in "$tmp"/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
}
check() {
  local name=$1
  shift
  if "$@"; then pass; else fail "$name"; fi
}

index=$tmp/index
# Keyword-only, two threads: these tests are about publishing, not analysis.
idx() { "$indexer" "$@" --index-dir "$index" --keyword-only --threads 2 --quiet; }
current() { basename "$(readlink "$index/current" 2>/dev/null)" 2>/dev/null || true; }
gens() { (cd "$index" && ls -d gen-* 2>/dev/null | tr '\n' ' ') || true; }
verdict() { sed -n 's/^verdict=//p' "$index/$1/manifest.txt" 2>/dev/null; }

# ---- sources ---------------------------------------------------------------------------------------
"$gen_corpus" --count 200 --seed 7 --out "$tmp/good.jsonl" 2>/dev/null
head -n 20 "$tmp/good.jsonl" >"$tmp/shrunk.jsonl"                      # 90 % fewer records
python3 - "$tmp/good.jsonl" "$tmp/rejected.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        r = json.loads(line)
        del r["title"]  # every record lacks its required title
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
EOF
{ cat "$tmp/good.jsonl"; echo '{"id": "broken", "title": 42}'; } >"$tmp/one-reject.jsonl"

# ---- two good generations, and a server on them -----------------------------------------------------
rc=0; idx build --source "$tmp/good.jsonl" >/dev/null 2>"$tmp/log" || rc=$?
check "first build exits 0" test "$rc" = 0
sleep 1.1  # generation names carry the time
rc=0; idx build --source "$tmp/good.jsonl" >/dev/null 2>"$tmp/log" || rc=$?
check "second build exits 0" test "$rc" = 0
g2=$(current)
good_gens=$(gens)
check "two generations retained" test "$(wc -w <<<"$good_gens")" = 2
check "the published generation's manifest says published" test "$(verdict "$g2")" = published

"$searchd" --index-dir "$index" --host 127.0.0.1 --port 0 >"$tmp/searchd.out" 2>"$tmp/searchd.err" &
searchd_pid=$!
base=""
for _ in $(seq 1 300); do
  line=$(head -n 1 "$tmp/searchd.out" 2>/dev/null || true)
  if [[ "$line" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]]; then base=${BASH_REMATCH[1]}; break; fi
  kill -0 "$searchd_pid" 2>/dev/null || break
  sleep 0.1
done
check "haku-searchd starts" test -n "$base"
served_documents() {
  curl -sS --max-time 10 "$base/readyz" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])' 2>/dev/null || echo none
}
check "served: 200 documents" test "$(served_documents)" = 200

# ---- refusals: exit 3, one line, nothing moves -------------------------------------------------------
# refused NAME ARGS...: the build is refused and the served and retained generations stay as they were.
refused() {
  local name=$1
  shift
  local rc=0
  idx "$@" >"$tmp/out" 2>"$tmp/log" || rc=$?
  check "$name: exit 3 (refused)" test "$rc" = 3
  check "$name: one line says why" test "$(grep -c '^haku-indexer: refused: ' "$tmp/log")" = 1
  check "$name: logged as event=refused" grep -q '^event=refused .*reason=' "$tmp/log"
  check "$name: current unchanged" test "$(current)" = "$g2"
  check "$name: retained generations untouched, the refused one removed" test "$(gens)" = "$good_gens"
  check "$name: still served" test "$(served_documents)" = 200
  [ "$rc" = 3 ] || cat "$tmp/log" >&2
}
refused "all records rejected" build --source "$tmp/rejected.jsonl"
check "all rejected: says nothing was accepted" grep -q 'refused: nothing accepted from the source (read 200, rejected 200)' "$tmp/log"
refused "90 % shrunk" build --source "$tmp/shrunk.jsonl"
check "90 % shrunk: names the drop" grep -q 'refused: 20 documents, 90.0 % fewer than the 200' "$tmp/log"
refused "--strict with one reject" build --source "$tmp/one-reject.jsonl" --strict
refused "sync of the shrunk source" sync --source "$tmp/shrunk.jsonl"
refused "exporter exits 4" build --source-cmd "echo exporter-broke >&2; head -n 150 '$tmp/good.jsonl'; exit 4"
check "exporter exits 4: its stderr is passed through" grep -q '^exporter-broke$' "$tmp/log"
check "exporter exits 4: its exit status is reported" grep -q 'event=source_cmd .*exit_status=4' "$tmp/log"
check "exporter exits 4: the refusal names it" grep -q "refused: source-cmd 'echo exporter-broke.*' exited with status 4" "$tmp/log"
refused "exporter prints nothing" build --source-cmd "true"
check "exporter prints nothing: says so" grep -q "refused: source-cmd 'true' printed nothing" "$tmp/log"
refused "exporter killed by a signal" build --source-cmd "cat '$tmp/good.jsonl'; kill -9 \$\$"
check "exporter killed: names the signal" grep -q 'was killed by signal 9 (SIGKILL)' "$tmp/log"
refused "source file missing" build --source "$tmp/no-such-export.jsonl"
refused "reference query misses" build --source "$tmp/good.jsonl" --queries <(printf 'zzzqqq nothing\tgen-7-00000003\n')

# ---- builds killed with SIGKILL, each followed by a good build -----------------------------------------
# after_kill NAME: the killed build left `current` alone; a good build then keeps the previous good one.
after_kill() {
  local name=$1 before=$2 rc=0
  check "$name: current unchanged after the kill" test "$(current)" = "$before"
  check "$name: still served after the kill" test "$(served_documents)" = 200
  sleep 1.1
  idx build --source "$tmp/good.jsonl" >/dev/null 2>"$tmp/log" || rc=$?
  check "$name: the next good build exits 0" test "$rc" = 0
  [ "$rc" = 0 ] || cat "$tmp/log" >&2
  check "$name: the previous good generation is retained" test -d "$index/$before/xapian"
  check "$name: it is still a good one" test "$(verdict "$before")" = published
  check "$name: only the published and the previous good one remain" test "$(gens)" = "$before $(current) "
  "$indexer" rollback --index-dir "$index" >/dev/null 2>&1 && pass || fail "$name: rollback to the previous good one"
  check "$name: rolled back to it" test "$(current)" = "$before"
  g2=$before
}

# While reading: a slow exporter, killed once it has written half the records.
before=$(current)
rm -f "$tmp/half"
# (Started directly, not through idx(): $! must be the indexer itself.)
"$indexer" build --index-dir "$index" --keyword-only --threads 2 --quiet \
  --source-cmd "echo \$\$ >'$tmp/exporter.pid'; head -n 100 '$tmp/good.jsonl'; touch '$tmp/half'; sleep 60 & echo \$! >'$tmp/sleep.pid'; wait; tail -n 100 '$tmp/good.jsonl'" \
  >/dev/null 2>"$tmp/log" &
pid=$!
for _ in $(seq 1 300); do [ -e "$tmp/half" ] && break; sleep 0.1; done
sleep 0.3
check "killed while reading: the build had started a generation" test "$(wc -w <<<"$(gens)")" = 3
kill -9 "$pid" 2>/dev/null || true
rc=0; wait "$pid" || rc=$?
check "killed while reading: died of SIGKILL" test "$rc" = 137
kill -9 "$(cat "$tmp/exporter.pid")" "$(cat "$tmp/sleep.pid")" 2>/dev/null || true
after_kill "killed while reading" "$before"

for point in read merge semantic switch; do
  before=$(current)
  rc=0; HAKU_KILL_AT=$point idx build --source "$tmp/good.jsonl" >/dev/null 2>"$tmp/log" || rc=$?
  check "HAKU_KILL_AT=$point: died of SIGKILL" test "$rc" = 137
  check "HAKU_KILL_AT=$point: left its folder behind" test "$(wc -w <<<"$(gens)")" = 3
  after_kill "HAKU_KILL_AT=$point" "$before"
done
# Right after the switch, before the manifest says published: the new generation is served, and the
# next good build keeps it as the previous good one.
before=$(current)
rc=0; HAKU_KILL_AT=published idx build --source "$tmp/good.jsonl" >/dev/null 2>"$tmp/log" || rc=$?
check "HAKU_KILL_AT=published: died of SIGKILL" test "$rc" = 137
killed=$(current)
check "HAKU_KILL_AT=published: the switch had happened" test "$killed" != "$before"
check "HAKU_KILL_AT=published: served" test "$(served_documents)" = 200
sleep 1.1
rc=0; idx build --source "$tmp/good.jsonl" >/dev/null 2>"$tmp/log" || rc=$?
check "HAKU_KILL_AT=published: next good build exits 0" test "$rc" = 0
check "HAKU_KILL_AT=published: the served-then-killed generation is kept as the previous good one" \
  test "$(gens)" = "$killed $(current) "
check "HAKU_KILL_AT=published: and counts as published" test "$(verdict "$killed")" = published

# ---- --force, generations, rollback -----------------------------------------------------------------
g_before=$(current)
rc=0; idx build --source "$tmp/shrunk.jsonl" --force >"$tmp/out" 2>"$tmp/log" || rc=$?
check "--force publishes over the refusal" test "$rc" = 0
check "--force says so in the log" grep -q '^event=forced .*overridden="20 documents, 90.0 % fewer' "$tmp/log"
check "--force: published event carries forced=1" grep -q '^event=published .*forced=1' "$tmp/log"
g_forced=$(current)
check "--force: the shrunk generation is served" test "$(served_documents)" = 20
"$indexer" generations --index-dir "$index" >"$tmp/gens.txt"
check "generations lists the forced one" grep -q "^\* $g_forced  *published (forced)  *20 " "$tmp/gens.txt"
check "generations lists the previous one" grep -q "^  $g_before  *published  *200 " "$tmp/gens.txt"
check "generations names the rollback target" grep -q "rollback target: $g_before" "$tmp/gens.txt"
rc=0; "$indexer" rollback --index-dir "$index" >"$tmp/out" 2>"$tmp/log" || rc=$?
check "rollback exits 0" test "$rc" = 0
check "rollback is logged" grep -q "^event=rolled_back from=$g_forced to=$g_before documents=200" "$tmp/log"
check "rollback: the previous generation is published" test "$(current)" = "$g_before"
check "rollback: served" test "$(served_documents)" = 200
check "rollback: the forced one is marked rolled_back" test "$(verdict "$g_forced")" = rolled_back
rc=0; "$indexer" rollback --index-dir "$index" --to "$g_forced" >/dev/null 2>&1 || rc=$?
check "rollback --to returns to a rolled-back generation" test "$rc:$(current)" = "0:$g_forced"
"$indexer" rollback --index-dir "$index" --to "$g_before" >/dev/null 2>&1 || true
check "rollback --to back again" test "$(current)" = "$g_before"

# ---- sync ----------------------------------------------------------------------------------------
before_gens=$(gens)
rc=0; idx sync --source "$tmp/good.jsonl" >"$tmp/out" 2>"$tmp/log" || rc=$?
check "sync of an unchanged source exits 0" test "$rc" = 0
check "sync of an unchanged source publishes nothing" test "$(gens):$(current)" = "$before_gens:$g_before"
check "sync of an unchanged source says so" grep -q 'unchanged 200; nothing changed' "$tmp/out"
check "sync logs event=unchanged" grep -q '^event=unchanged ' "$tmp/log"
python3 - "$tmp/good.jsonl" "$tmp/changed.jsonl" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
out = []
for i, line in enumerate(lines):
    r = json.loads(line)
    if i == 3:
        r["title"] = "Lighthouse keepers of the archipelago"
    if i == 5:
        continue  # deleted
    out.append(json.dumps(r, ensure_ascii=False))
out.append(json.dumps({"id": "brand-new", "title": "Quokka observatory", "description": "Quokkas are counted.", "lang": "en"}))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF
rc=0; idx sync --source "$tmp/changed.jsonl" >"$tmp/out" 2>"$tmp/log" || rc=$?
check "sync of a changed source exits 0" test "$rc" = 0
check "sync applies one addition, one change and one deletion" grep -q 'added 1, changed 1, deleted 1, unchanged 198' "$tmp/out"
check "sync: a new generation is served" test "$(current)" != "$g_before"
got=$(curl -sS --max-time 10 "$base/v1/search?q=quokka&mode=keyword" | python3 -c 'import json,sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])' || true)
check "sync: the added record is found" test "$got" = "['brand-new']"
check "sync: the manifest says sync" grep -q '^kind=sync$' "$index/$(current)/manifest.txt"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
