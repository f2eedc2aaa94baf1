# Shared by scripts/bench, scripts/bench-index and scripts/bench-search (sourced, not run): sizes,
# binaries, generated corpora, the results file and haku-searchd's lifetime. Results are appended as
# `size<TAB>key<TAB>value` lines; bench/report.py turns them into docs/BENCHMARKS.md.

bench_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_build=${HAKU_BENCH_BUILD:-$bench_top/build}  # another Release tree, e.g. a copy that stays still
bench_bin="$bench_build/bench/haku-bench"
bench_indexer="$bench_build/indexer/haku-indexer"
bench_searchd="$bench_build/searchd/haku-searchd"
bench_gen="$bench_build/corpus/haku-gen-corpus"
bench_mix="$bench_top/bench/queries/mix.txt"
bench_seed=${HAKU_BENCH_SEED:-42}
bench_facets="fund,lang,year,region"

bench_die() { echo "${0##*/}: $*" >&2; exit 1; }

# 2k -> 2000, 100k -> 100000, 1M -> 1000000.
bench_count() {
  case "$1" in
    *[kK]) echo $(( ${1%[kK]} * 1000 )) ;;
    *M) echo $(( ${1%M} * 1000000 )) ;;
    *[!0-9]*|"") bench_die "bad size '$1' (examples: 2k, 10k, 100k, 1M)" ;;
    *) echo "$1" ;;
  esac
}

# Builds the binaries the benchmarks run (Release tree build/, at most two jobs).
bench_build_targets() {
  if [[ ! -f "$bench_build/CMakeCache.txt" ]] || ! grep -q 'HAKU_BENCH:BOOL=ON' "$bench_build/CMakeCache.txt"; then
    cmake -S "$bench_top" -B "$bench_build" -DCMAKE_BUILD_TYPE=Release -DHAKU_BENCH=ON >/dev/null
  fi
  if ! cmake --build "$bench_build" -j2 --target haku-bench haku-indexer haku-searchd haku-gen-corpus haku_translations \
      >"$bench_work/build.log" 2>&1; then
    grep -E 'error|Error' "$bench_work/build.log" | head -20 >&2
    bench_die "build failed; log: $bench_work/build.log"
  fi
}

# The generated corpus of a size, written once per work folder and seed.
bench_corpus() {
  local size=$1 file="$bench_work/corpus-$1-seed$bench_seed.jsonl"
  if [[ ! -s "$file" ]]; then
    "$bench_gen" --count "$(bench_count "$size")" --seed "$bench_seed" --out "$file.tmp" 2>/dev/null ||
      bench_die "haku-gen-corpus failed for $size"
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

# bench_record SIZE KEY VALUE: one result.
bench_record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$bench_results"; }

# bench_record_summary SIZE PREFIX LINE: each key=value of a haku-bench or wrk summary line as PREFIX.key.
bench_record_summary() {
  local size=$1 prefix=$2 token
  for token in $3; do
    [[ "$token" == *=* ]] && bench_record "$size" "$prefix.${token%%=*}" "${token#*=}"
  done
  return 0
}

# Starts haku-searchd on a free loopback port over an index folder; sets bench_sd_pid and bench_sd_url.
bench_start_searchd() {
  local index=$1 threads=$2 log="$bench_work/searchd.out" i
  : >"$log"
  # The benchmark client is exempt from the per-client rate limit and search cap: the figures measure the
  # engine and the HTTP path, not the shedding of one abusive client (scripts/soak measures that).
  "$bench_searchd" --index-dir "$index" --host 127.0.0.1 --port 0 --threads "$threads" --exempt-clients 127.0.0.1 >"$log" 2>"$bench_work/searchd.err" &
  bench_sd_pid=$!
  for i in $(seq 300); do
    grep -q '^listening on ' "$log" && break
    kill -0 "$bench_sd_pid" 2>/dev/null || bench_die "haku-searchd exited: $(tail -3 "$bench_work/searchd.err")"
    sleep 0.1
  done
  bench_sd_url=$(sed -n 's/^listening on //p' "$log")
  [[ "$bench_sd_url" == http://127.0.0.1:* ]] || bench_die "haku-searchd did not report a loopback address"
  for i in $(seq 600); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$bench_sd_url/readyz")" == 200 ]] && return 0
    sleep 0.1
  done
  bench_die "haku-searchd at $bench_sd_url never became ready"
}

bench_stop_searchd() {
  if [[ -n "${bench_sd_pid:-}" ]]; then
    kill "$bench_sd_pid" 2>/dev/null || true
    wait "$bench_sd_pid" 2>/dev/null || true
    bench_sd_pid=""
  fi
}

# kB of a process's VmHWM (peak) or VmRSS (now).
bench_proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# Bytes on disk under a folder (following the `current` symlink of an index folder).
bench_du() { du -sbL "$1" 2>/dev/null | cut -f1; }

# A / B as a decimal.
bench_div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b == 0 ? 0 : a / b) }'; }
