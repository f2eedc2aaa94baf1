#!/usr/bin/env bash
# End-to-end: builds an index from corpus/sample with the real haku-indexer, starts the real haku-searchd
# on 127.0.0.1 with --port 0, checks every route's status and validates the body against api/openapi.yaml,
# then runs each `haku` subcommand in local (--index) and server (--server) mode and compares the JSON.
# Usage: tests/e2e/run.sh BUILD_DIR/indexer SOURCE_DIR      Prints `N passed, M failed`; exit 1 on failure.
set -euo pipefail

if [ $# -ne 2 ]; then
  sed -n '2,5p' "$0" >&2
  exit 2
fi
indexer_dir=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
build=$(dirname "$indexer_dir")
indexer=$indexer_dir/haku-indexer
searchd=$build/searchd/haku-searchd
haku=$build/searchd/haku
spec=$src/api/openapi.yaml
validate=$src/tests/e2e/validate.py

tmp=$(mktemp -d "${TMPDIR:-/tmp}/haku-e2e-XXXXXX")
searchd_pid=""
cleanup() {
  if [ -n "$searchd_pid" ] && kill -0 "$searchd_pid" 2>/dev/null; then
    kill -TERM "$searchd_pid" 2>/dev/null || true
    wait "$searchd_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
}
# check NAME COMMAND...: one check per call.
check() {
  local name=$1
  shift
  if "$@"; then pass; else fail "$name"; fi
}

# json_field FILE PYTHON-EXPRESSION-ON-d: prints the expression's value.
json_field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# Same JSON apart from took_ms (a timing).
same_json() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
def norm(x):
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items() if k != "took_ms"}
    if isinstance(x, list):
        return [norm(v) for v in x]
    return x
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if norm(a) == norm(b) else 1)
EOF
}

# ---- index and server ----------------------------------------------------------------------------------

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
index=$tmp/index
check "haku-indexer build" "$indexer" build --source "$src/corpus/sample" --index-dir "$index" \
  >"$tmp/indexer.out" 2>&1
[ -e "$index/current" ] || { cat "$tmp/indexer.out" >&2; echo "0 passed, 1 failed"; exit 1; }

admin_key=e2e-admin-key-0123456789
HAKU_ADMIN_KEY=$admin_key "$searchd" --index-dir "$index" --host 127.0.0.1 --port 0 --access-log \
  >"$tmp/searchd.out" 2>"$tmp/searchd.err" &
searchd_pid=$!
base=""
for _ in $(seq 1 300); do
  line=$(head -n 1 "$tmp/searchd.out" 2>/dev/null || true)
  if [[ "$line" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]]; then
    base=${BASH_REMATCH[1]}
    break
  fi
  kill -0 "$searchd_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "haku-searchd did not print 'listening on' within 30 s" >&2
  cat "$tmp/searchd.err" >&2
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi
pass

# fetch TEMPLATE TARGET STATUS: GET TARGET, expect STATUS, validate the body against TEMPLATE's schema.
fetch() {
  local template=$1 target=$2 want=$3 got
  got=$(curl -sS --max-time 30 -o "$tmp/body" -w '%{http_code}' "$base$target" || echo 000)
  if [ "$got" != "$want" ]; then
    fail "GET $target: status $got, expected $want"
    return 0
  fi
  pass
  check "GET $target matches the OpenAPI schema" python3 "$validate" "$spec" "$template" "$want" <"$tmp/body"
}

q='antirasism%20yrkesh%C3%B6gskola'
fetch /healthz /healthz 200
fetch /readyz /readyz 200
check "readyz counts the sample" test "$(json_field "$tmp/body" 'd["documents"]')" -gt 10
fetch /v1/search "/v1/search?q=$q&facets=fund,region,year,lang" 200
check "acceptance: VARAVA ranks first" test "$(json_field "$tmp/body" 'd["hits"][0]["id"]')" = amif-sv-2021-varava
check "acceptance: title" test "$(json_field "$tmp/body" 'd["hits"][0]["title"].startswith("Mottaglig YH")')" = True
fetch /v1/search "/v1/search?q=rasism&explain=true&filter=fund:AMIF&sort=start_date&order=asc&per_page=3" 200
check "explain present" test "$(json_field "$tmp/body" '"explain" in d')" = True
fetch /v1/search "/v1/search" 200
fetch /v1/search "/v1/search?q=zzzqqqxxx&mode=keyword&expand=false" 200
check "no hits" test "$(json_field "$tmp/body" 'd["total"]["value"]')" = 0
fetch /v1/search "/v1/search?per_page=101" 400
check "400 names per_page" test "$(json_field "$tmp/body" 'd["error"]["param"]')" = per_page
fetch /v1/search "/v1/search?start_from=2021-13-01" 400
fetch /v1/search "/v1/search?colour=red" 400
fetch /v1/search "/v1/search?facets=colour" 400
fetch /v1/search "/v1/search?sort=colour" 400
fetch /v1/search "/v1/search?q=$(printf 'a%.0s' $(seq 1 5000))" 413
fetch /v1/projects/{id} /v1/projects/amif-sv-2021-varava 200
fetch /v1/projects/{id} /v1/projects/no-such-id 404
fetch /v1/projects/{id}/similar "/v1/projects/amif-sv-2021-varava/similar?per_page=5" 200
fetch /v1/suggest "/v1/suggest?q=yrkes&limit=5" 200
fetch /v1/suggest "/v1/suggest" 400
fetch /v1/facets /v1/facets 200
fetch /v1/facets "/v1/facets?ui_lang=fi" 200
check "facets: ESF is labelled ESR in Finnish" test "$(json_field "$tmp/body" '[c.get("label") for c in d["facets"]["fund"] if c["value"] == "ESF"][0]')" = ESR
fetch /v1/facets "/v1/facets?ui_lang=de" 400
fetch /v1/search "/v1/search?filter=fund:ESR&facets=fund&ui_lang=sv" 200
check "fund:ESR selects ESF, labelled for Swedish" test "$(json_field "$tmp/body" '[c["value"] + "/" + c["label"] for c in d["facets"]["fund"] if c["selected"]]')" = "['ESF/ESF']"
check "fund:ESR finds the ESF records" test "$(json_field "$tmp/body" 'd["total"]["value"] > 0 and all(h["fund"] == "ESF" for h in d["hits"])')" = True
got=$(curl -sS --max-time 30 -o "$tmp/body" -w '%{http_code}' "$base/no/such/route" || true)
check "unknown route is a JSON 404" test "$got:$(json_field "$tmp/body" 'd["error"]["code"]')" = "404:route_not_found"
got=$(curl -sS --max-time 30 -o "$tmp/metrics" -w '%{http_code}' "$base/metrics" || true)
check "metrics without a key: 401" test "$got" = 401
got=$(curl -sS --max-time 30 -o "$tmp/metrics" -w '%{http_code}' -H "Authorization: Bearer $admin_key" "$base/metrics" || true)
check "metrics with the admin key: 200" test "$got" = 200
check "metrics count search requests" grep -q '^haku_http_requests_total{route="/v1/search",status="200"}' "$tmp/metrics"
check "metrics show the index size" grep -q '^haku_index_size_bytes [1-9]' "$tmp/metrics"
got=$(curl -sS --max-time 30 -o "$tmp/page" -w '%{http_code}' "$base/" || true)
check "demo page" test "$got" = 200
check "demo page embeds the widget" grep -q 'src="/widget/v1/haku.js"' "$tmp/page"
check "access log line" grep -q 'event=request method=GET path=/v1/search route=/v1/search status=200' "$tmp/searchd.err"

# ---- the CLI: local and server mode give the same JSON -----------------------------------------------

# cli_pair NAME ARGS...: runs `haku ARGS --json` with --index and with --server; both exit 0, same JSON.
cli_pair() {
  local name=$1
  shift
  local rc_local=0 rc_server=0
  "$haku" "$@" --json --index "$index" >"$tmp/local.json" 2>"$tmp/local.err" || rc_local=$?
  "$haku" "$@" --json --server "$base" >"$tmp/server.json" 2>"$tmp/server.err" || rc_server=$?
  check "haku $name: local exit 0" test "$rc_local" = 0
  check "haku $name: server exit 0" test "$rc_server" = 0
  check "haku $name: local and server JSON agree" same_json "$tmp/local.json" "$tmp/server.json"
}
cli_pair search search "antirasism yrkeshögskola" --facets fund,region
check "haku search --json: VARAVA first" test "$(json_field "$tmp/local.json" 'd["hits"][0]["id"]')" = amif-sv-2021-varava
cli_pair "search with flags" search rasism --filter fund:AMIF --lang sv --sort start_date --order asc --limit 3 --page 2
cli_pair "search no hits" search zzzqqqxxx
cli_pair show show amif-sv-2021-varava
cli_pair similar similar amif-sv-2021-varava --limit 5
cli_pair suggest suggest yrkes
cli_pair facets facets
cli_pair stats stats

rc=0
NO_COLOR=1 "$haku" search "antirasism yrkeshögskola" --index "$index" >"$tmp/table.txt" 2>&1 || rc=$?
check "haku search table exit 0" test "$rc" = 0
check "haku search table shows the title" grep -q 'Mottaglig YH' "$tmp/table.txt"
check "haku search table has no colour off a terminal" bash -c "! grep -q $'\x1b' '$tmp/table.txt'"
check "haku search table shows facets" grep -q '^Facets' "$tmp/table.txt"
rc=0; "$haku" search --limit 500 x --index "$index" >/dev/null 2>&1 || rc=$?
check "haku: bad --limit exits 2" test "$rc" = 2
rc=0; "$haku" search --frobnicate --index "$index" >/dev/null 2>&1 || rc=$?
check "haku: unknown flag exits 2" test "$rc" = 2
rc=0; "$haku" show no-such-id --index "$index" >/dev/null 2>&1 || rc=$?
check "haku show unknown id exits 1" test "$rc" = 1
rc=0; "$haku" show no-such-id --server "$base" >/dev/null 2>&1 || rc=$?
check "haku show unknown id exits 1 (server)" test "$rc" = 1
rc=0; "$haku" stats --index "$tmp/no-index" >/dev/null 2>&1 || rc=$?
check "haku without an index exits 1" test "$rc" = 1
for sub in search show similar suggest facets stats; do
  rc=0; "$haku" "$sub" --help >"$tmp/help.txt" 2>&1 || rc=$?
  check "haku $sub --help" bash -c "test $rc = 0 && grep -q '^Example: haku $sub' '$tmp/help.txt'"
done

# ---- first run (issue 19): examples that work on the sample, errors that say what to do --------------

# Each `--help` example runs as printed against the sample corpus (they once named an absent id).
for sub in search show similar suggest facets stats; do
  "$haku" "$sub" --help >"$tmp/help.txt" 2>&1 || true
  example=$(sed -n 's/^Example: haku //p' "$tmp/help.txt")
  rc=0; eval "\"\$haku\" $example --index \"\$index\"" >"$tmp/example.out" 2>&1 || rc=$?
  check "haku $sub --help example runs on the sample (haku $example)" test "$rc" = 0
done
"$haku" stats --index "$tmp/no-index" >/dev/null 2>"$tmp/noindex.err" || true
check "haku without an index names the haku-indexer command" \
  grep -q "haku-indexer build --source corpus/sample --index-dir $tmp/no-index" "$tmp/noindex.err"
"$searchd" --help >"$tmp/searchd-help.txt"
check "haku-searchd --help shows defaults" grep -q -- '--port V .*(default: 8080)' "$tmp/searchd-help.txt"
check "haku-searchd threads default to the cores ($(nproc))" \
  grep -q -- "--threads V .*(default: $(nproc))" "$tmp/searchd-help.txt"
# A server without an index: the CLI says how to build one rather than "try again later".
mkdir -p "$tmp/empty-index"
"$searchd" --index-dir "$tmp/empty-index" --host 127.0.0.1 --port 0 --threads 1 >"$tmp/empty.out" 2>/dev/null &
empty_pid=$!
empty_base=""
for _ in $(seq 1 300); do
  [[ "$(head -n 1 "$tmp/empty.out" 2>/dev/null)" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] &&
    { empty_base=${BASH_REMATCH[1]}; break; }
  kill -0 "$empty_pid" 2>/dev/null || break
  sleep 0.1
done
rc=0; "$haku" search rasism --server "${empty_base:-http://127.0.0.1:9}" >/dev/null 2>"$tmp/empty.err" || rc=$?
check "haku against a server without an index exits 1" test "$rc" = 1
check "haku against a server without an index names haku-indexer build" grep -q 'haku-indexer build' "$tmp/empty.err"
kill -TERM "$empty_pid" 2>/dev/null || true
wait "$empty_pid" 2>/dev/null || true

# ---- hardening (issue 13): the real binary under hostile clients ------------------------------------

port=${base##*:}
hostile="$src/scripts/hostile-client"
check "pipelined requests all answered in order" python3 "$hostile" pipeline --port "$port" --count 8 >"$tmp/pipe.json"
got=$(curl -sS --max-time 30 -o "$tmp/body" -w '%{http_code}' -X POST --data x "$base/v1/search" || true)
check "POST /v1/search is 405" test "$got" = 405
curl -sS --max-time 30 -o /dev/null -D "$tmp/headers" -X DELETE "$base/healthz" || true
check "405 names the allowed methods" grep -qi '^Allow: GET, HEAD, OPTIONS' "$tmp/headers"
check "an oversized head is 431" python3 "$hostile" oversize --port "$port" --count 2 >"$tmp/oversize.json"
# 64 slow heads and 100 idle keep-alives from other addresses; /healthz must still answer at once.
python3 "$hostile" slowloris --port "$port" --source 127.0.0.2 --connections 64 --seconds 6 >"$tmp/slow.json" &
slow_pid=$!
python3 "$hostile" idle --port "$port" --source 127.0.0.3 --connections 100 --seconds 6 >"$tmp/idle.json" &
idle_pid=$!
sleep 2
got=$(curl -sS --max-time 3 -o "$tmp/body" -w '%{http_code}' "$base/healthz" || echo 000)
check "healthz answers under slowloris and idle keep-alives" test "$got" = 200
got=$(curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code}' "$base/v1/search?q=rasism" || echo 000)
check "search answers under slowloris and idle keep-alives" test "$got" = 200
wait "$slow_pid" "$idle_pid" || true

# SIGHUP: the daemon stays up, says what it did, and serves.
kill -HUP "$searchd_pid"
sleep 0.5
check "SIGHUP does not stop haku-searchd" kill -0 "$searchd_pid"
check "SIGHUP is logged" grep -q 'event=sighup action=reload_api_keys' "$tmp/searchd.err"
got=$(curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code}' "$base/healthz" || echo 000)
check "healthz after SIGHUP" test "$got" = 200

# ---- a registry export through a mapping ------------------------------------------------------------

cat >"$tmp/projects.csv" <<'CSV'
Recipient,Project,Fund type,Start,End,Grant (GBP),Total (GBP),EU share,Area
Example College,Green Skills Hub,ESF (inc YEI),01. Okt 15,31. Dez 18,"£1,200,000",2000000,60%,Tees Valley
Example Council,Harbour Heat,ERDF,Mrz 16,Dez 19,450000,900000,50%,North East
Example Trust,,ERDF,Mrz 16,Dez 19,450000,900000,150%,North East
CSV
cat >"$tmp/projects-mapping.json" <<'JSON'
{"name": "example-esif", "lang": "en", "currency": "GBP",
 "eur_rates": {"GBP": [{"date": "2016-10-31", "per_eur": 0.8939, "source": "OJ C 422/3, October 2016"}]},
 "fields": {"id": {"template": "example-{row}"}, "title": "Project", "implementer": "Recipient",
            "fund": {"column": "Fund type", "values": {"ESF (inc YEI)": "ESF"}},
            "start_date": {"column": "Start", "date": {"order": "dmy", "century": 2000}},
            "end_date": {"column": "End", "date": {"order": "dmy", "century": 2000}},
            "eu_contribution": {"column": "Grant (GBP)", "currency": "GBP"},
            "total_budget": {"column": "Total (GBP)", "currency": "GBP"},
            "cofinancing_rate": "EU share", "region_name": "Area", "country": {"const": "GB"}}}
JSON
mapped=$tmp/mapped-index
rc=0
"$indexer" build --source "$tmp/projects.csv" --mapping "$tmp/projects-mapping.json" --index-dir "$mapped" \
  --max-reject-rate 0.5 \
  --keyword-only >"$tmp/mapped.out" 2>"$tmp/mapped.err" || rc=$?
check "haku-indexer build --mapping exit 0" test "$rc" = 0
check "--mapping: the file's counts" grep -qx "$tmp/projects.csv: read 3, accepted 2 (repaired 0, warned 0), rejected 1" "$tmp/mapped.out"
check "--mapping: the reject names line and column" grep -qx "$tmp/projects.csv:4: title: missing" "$tmp/mapped.err"
check "--mapping: and every other problem of the record" grep -q "^$tmp/projects.csv:4: EU share: not a rate between 0 and 1" "$tmp/mapped.err"
"$haku" show example-1 --json --index "$mapped" >"$tmp/mapped.json" 2>&1 || true
check "--mapping: pounds kept, euros from the dated rate" test "$(json_field "$tmp/mapped.json" '(d["currency"], d["eu_contribution"], d["eu_contribution_eur"], d["start_date"], d["end_date"])')" = "('GBP', 1200000.0, 1342432.04, '2015-10-01', '2018-12-31')"
"$haku" facets --ui-lang fi --json --index "$mapped" >"$tmp/mapped-facets.json" 2>&1 || true
check "--mapping: funds labelled for a Finnish user" test "$(json_field "$tmp/mapped-facets.json" 'sorted(c["label"] for c in d["facets"]["fund"])')" = "['EAKR', 'ESR']"
rc=0; "$indexer" build --mapping "$tmp/projects-mapping.json" --source "$tmp/projects.csv" --index-dir "$mapped" >/dev/null 2>&1 || rc=$?
check "--mapping before its --source exits 2" test "$rc" = 2
rc=0; "$indexer" build --source "$tmp/projects.csv" --mapping no-such-mapping --index-dir "$mapped" >/dev/null 2>"$tmp/nomap.err" || rc=$?
check "an unknown mapping NAME fails before reading" bash -c "test $rc = 1 && grep -q 'no-such-mapping.json: cannot read the mapping' '$tmp/nomap.err'"

# ---- graceful stop -----------------------------------------------------------------------------------

# SIGTERM with 100 idle keep-alive connections open drains at once: idle connections are closed,
# nothing waits for their keep-alive timeout.
python3 "$hostile" idle --port "$port" --source 127.0.0.4 --connections 100 --seconds 20 >"$tmp/idle2.json" &
idle_pid=$!
sleep 2

stop_start=$(date +%s%N)
kill -TERM "$searchd_pid"
rc=0
wait "$searchd_pid" || rc=$?
stop_ms=$(( ($(date +%s%N) - stop_start) / 1000000 ))
searchd_pid=""
check "haku-searchd stops on SIGTERM with exit 0" test "$rc" = 0
check "SIGTERM drains within 3 s with 100 idle connections (took ${stop_ms} ms)" test "$stop_ms" -lt 3000
kill "$idle_pid" 2>/dev/null || true
wait "$idle_pid" 2>/dev/null || true
rc=0; "$haku" stats --server "$base" >/dev/null 2>&1 || rc=$?
check "haku with an unreachable server exits 1" test "$rc" = 1
"$haku" stats --server "$base" >/dev/null 2>"$tmp/down.err" || true
check "haku with an unreachable server says how to start one" \
  bash -c "grep -q 'scripts/serve' '$tmp/down.err' && grep -q 'haku-searchd --index-dir' '$tmp/down.err'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
