#!/usr/bin/env python3
"""Turns scripts/bench's results (size<TAB>key<TAB>value lines) into docs/BENCHMARKS.md and the gnuplot
input for docs/bench-latency.png: the machine, the targets, index build, latency with the ratios
Haku / floor (bare Xapian) and Haku / SQLite FTS5, throughput, and the profiling findings
(bench/findings.md, included as written)."""
import argparse
import datetime
import os
import platform
import re
import subprocess

TARGET_SIZE = "1M"


def size_count(size):
    m = re.fullmatch(r"(\d+)([kKM]?)", size)
    if not m:
        return 0
    return int(m.group(1)) * {"": 1, "k": 1000, "K": 1000, "M": 1000000}[m.group(2)]


def read_results(path):
    results = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) == 3:
                results.setdefault(parts[0], {})[parts[1]] = parts[2]
    return results


def num(r, key):
    try:
        return float(r[key])
    except (KeyError, ValueError):
        return None


def fmt(v, digits=2):
    if v is None:
        return "–"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"×{a / b:.1f}"


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    load = os.getloadavg()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": f"{mem_kb / 1048576:.1f} GiB",
        "kernel": platform.release(),
        "load": f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
    }


def git_commit(top):
    try:
        return subprocess.run(["git", "-C", top, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=False).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def latency_rows(r):
    """(label, key prefix, floor prefix, fts5 prefix)"""
    return [
        ("in-process, keyword, 4 facets", "inproc.keyword4", "floor", "fts5.keyword4"),
        ("in-process, the mix as written", "inproc.mix", "floor", "fts5.mix"),
        ("in-process, hybrid, 4 facets", "inproc.hybrid4", "floor", "fts5.keyword4"),
        ("HTTP, keyword, 4 facets", "http.keyword4", "floor", "fts5.keyword4"),
        ("HTTP, the mix as written", "http.mix", "floor", "fts5.mix"),
        ("HTTP, hybrid, 4 facets", "http.hybrid4", "floor", "fts5.keyword4"),
        ("floor: bare Xapian, BM25, no facets", "floor", None, None),
        ("SQLite FTS5, bm25(), 4 facets by GROUP BY", "fts5.keyword4", None, None),
        ("SQLite FTS5, the mix as written", "fts5.mix", None, None),
    ]


def targets(results, sizes):
    size = TARGET_SIZE if TARGET_SIZE in results else sizes[-1]
    r = results[size]
    p50 = num(r, "inproc.keyword4.p50_ms")
    p99 = num(r, "inproc.keyword4.p99_ms")
    http_p50 = num(r, "http.keyword4.p50_ms")
    added = None if p50 is None or http_p50 is None else http_p50 - p50
    qps8 = num(r, "wrk.c8.qps")
    build = num(r, "index.keyword.records_per_s")

    def status(v, limit, below):
        if v is None:
            return "not measured"
        return "met" if (v <= limit if below else v >= limit) else "missed"

    rows = [
        ("keyword query p50, in-process, 4 facets", "≤ 5 ms", fmt(p50) + " ms", status(p50, 5, True)),
        ("keyword query p99, in-process, 4 facets", "≤ 50 ms", fmt(p99) + " ms", status(p99, 50, True)),
        ("HTTP adds at p50", "≤ 1 ms", fmt(added) + " ms", status(added, 1, True)),
        ("throughput at 8 connections, the mix", "≥ 1,500 QPS", fmt(qps8, 0) + " QPS", status(qps8, 1500, False)),
        ("index build, keyword-only", "≥ 5,000 records/s", fmt(build, 0) + " records/s", status(build, 5000, False)),
    ]
    return size, rows


def write_plot(results, sizes, png):
    series = [("Haku in-process p50", "inproc.keyword4.p50_ms"), ("Haku in-process p99", "inproc.keyword4.p99_ms"),
              ("Haku HTTP p50", "http.keyword4.p50_ms"), ("floor (bare Xapian) p50", "floor.p50_ms"),
              ("SQLite FTS5 p50", "fts5.keyword4.p50_ms")]
    dat = png + ".dat"
    with open(dat, "w", encoding="utf-8") as f:
        f.write("# records " + " ".join(k for _, k in series) + "\n")
        for size in sizes:
            values = [num(results[size], k) for _, k in series]
            f.write(str(size_count(size)) + " " + " ".join("NaN" if v is None else f"{v:.4f}" for v in values) + "\n")
    xrange = ""
    if len(sizes) == 1:  # one point: give the axis some width
        n = size_count(sizes[0])
        xrange = f"set xrange [{n / 2}:{n * 2}]\n"
    plots = ", ".join(f"'{dat}' using 1:{i + 2} with linespoints lw 2 title '{t}'" for i, (t, _) in enumerate(series))
    with open(png + ".gp", "w", encoding="utf-8") as f:
        f.write(f"""set terminal pngcairo size 900,560 noenhanced font 'sans,10'
set output '{png}'
set title 'Query latency against corpus size (keyword mode, fixed fi/sv/en mix)'
set xlabel 'records'
set ylabel 'latency (ms)'
set logscale xy
set grid
set key top left
set format x '%.0s%c'
{xrange}plot {plots}
""")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--png", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()

    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    results = read_results(args.results)
    sizes = sorted(results, key=size_count)
    if not sizes:
        raise SystemExit("report.py: no results")
    m = machine()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = []
    w = out.append
    w("# Benchmarks\n")
    w("Generated by `scripts/bench` (do not edit by hand: rerun it). Corpora come from `haku-gen-corpus` "
      "(fixed seed); queries are the fixed mix in [`bench/queries/mix.txt`](../bench/queries/mix.txt).\n")
    w("## This run\n")
    w(f"- command: `{args.command}` ({args.elapsed} s), commit {git_commit(top)}, {now}")
    w(f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory']} memory, Linux {m['kernel']}")
    w(f"- load average at the end of the run (1 / 5 / 15 min): {m['load']}. With other work on the machine "
      "the figures are noisy: compare runs on an idle machine only.")
    w(f"- sizes: {', '.join(sizes)}" + (" (smoke run)" if args.smoke else ""))
    reused = [f"{s} {mode} ({results[s][f'index.{mode}.reused']})" for s in sizes for mode in ("keyword", "full")
              if f"index.{mode}.reused" in results[s]]
    if reused:
        w("- index builds reused (`--reuse`) from earlier `scripts/bench-index` runs in the same work folder, "
          "built with the same binaries: " + ", ".join(reused))
    modes = sorted({results[s].get("search.index_mode", "?") for s in sizes})
    w(f"- queries ran on the {' / '.join(modes)} index" +
      (" (keyword-only: no semantic layer, so hybrid mode runs as keyword)" if modes == ["keyword"] else ""))
    w("")
    size, rows = targets(results, sizes)
    w(f"## Summary against the targets\n")
    w(f"Targets are for 1M records on a 2-core machine; the figures below are at **{size}** records" +
      ("." if size == TARGET_SIZE else ", the largest size of this run (not yet a 1M run).") + "\n")
    w("| target | wanted | measured | |")
    w("|---|---|---|---|")
    for name, want, got, st in rows:
        w(f"| {name} | {want} | {got} | {st} |")
    w("")

    w("## Index build\n")
    w("`haku-indexer build` on the generated JSON Lines; peak RSS from `/usr/bin/time -f %M`; size is the "
      "whole generation folder (Xapian database plus the semantic layer when there is one); training time "
      "and vector index size from the semantic layer's meta.txt.\n")
    w("Floor: `haku-bench index-floor`, bare Xapian on the same texts (TermGenerator, surface words with "
      "positions, no stems, facets, values or spelling table, one thread, Xapian's defaults).\n")
    w("| records | analysis | records/s | s | peak RSS MB | index MB | bytes / record | semantic MB | training s | vector index MB | Xapian floor records/s | Haku / floor | floor MB | FTS5 load records/s | FTS5 MB |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in sizes:
        r = results[s]
        for mode, name in (("keyword", "keyword-only"), ("full", "full")):
            if num(r, f"index.{mode}.records") is None:
                continue
            kb = num(r, f"index.{mode}.peak_rss_kb")
            total = num(r, f"index.{mode}.total_bytes")
            sem = num(r, f"index.{mode}.semantic_bytes")
            vec = num(r, f"index.{mode}.semantic_vector_bytes")
            fts_rate = num(r, "fts5.records_per_s") if mode == "keyword" else None
            fts_size = num(r, "fts5.size_bytes") if mode == "keyword" else None
            floor_rate = num(r, "index_floor.records_per_s") if mode == "keyword" else None
            floor_size = num(r, "index_floor.size_bytes") if mode == "keyword" else None
            rate = num(r, f"index.{mode}.records_per_s")
            floor_ratio = rate / floor_rate if rate and floor_rate else None
            w(f"| {s} | {name} | {fmt(num(r, f'index.{mode}.records_per_s'), 0)} | {fmt(num(r, f'index.{mode}.seconds'), 1)} "
              f"| {fmt(kb / 1024 if kb else None, 0)} | {fmt(total / 1048576 if total else None, 1)} "
              f"| {fmt(num(r, f'index.{mode}.bytes_per_record'), 0)} | {fmt(sem / 1048576 if sem else 0.0, 1)} "
              f"| {fmt(num(r, f'index.{mode}.semantic_train_seconds'), 1)} | {fmt(vec / 1048576 if vec else None, 2)} "
              f"| {fmt(floor_rate, 0)} | {fmt(floor_ratio, 2)} | {fmt(floor_size / 1048576 if floor_size else None, 1)} "
              f"| {fmt(fts_rate, 0)} | {fmt(fts_size / 1048576 if fts_size else None, 1)} |")
    w("")
    # What the indexer reported about each build (threads and merge, semantic layer), after the table so
    # the table stays one table.
    for s in sizes:
        for k, v in results[s].items():
            if k.endswith(".semantic_note") or k.endswith(".build_note"):
                w(f"- {s}, {k.split('.')[1]}: `{v}`")
    w("")

    w("## Query latency\n")
    w("Sequential queries, one at a time: each of the mix's queries once untimed, then the whole mix "
      "repeated and timed. In-process: `haku::Searcher::search` (records, snippets and facets included). HTTP: "
      "`GET /v1/search` on one keep-alive connection to haku-searchd on 127.0.0.1. Floor: a bare Xapian loop "
      "on the same database (default QueryParser over the unprefixed words, BM25, top 10 with their stored "
      "data, the same filters as boolean terms, no facets). Peer: SQLite FTS5 (unicode61, diacritics kept, "
      "bm25() with the title weighted 3, LIMIT 10, the same filters as SQL, facets by GROUP BY). "
      "Ratios: Haku / floor and Haku / FTS5 at the same percentile.\n")
    for s in sizes:
        r = results[s]
        w(f"### {s} records\n")
        w("| run | p50 ms | / floor | / FTS5 | p95 ms | / floor | / FTS5 | p99 ms | / floor | / FTS5 | errors |")
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        for label, key, floor, fts in latency_rows(r):
            if num(r, f"{key}.p50_ms") is None:
                continue
            cells = []
            for p in ("p50_ms", "p95_ms", "p99_ms"):
                v = num(r, f"{key}.{p}")
                cells += [fmt(v), ratio(v, num(r, f"{floor}.{p}")) if floor else "",
                          ratio(v, num(r, f"{fts}.{p}")) if fts else ""]
            w(f"| {label} | " + " | ".join(cells) + f" | {r.get(key + '.errors', '–')} |")
        w("")
    w("![latency against corpus size](bench-latency.png)\n")

    w("## Throughput over HTTP\n")
    w("wrk replays the mix (`bench/wrk/mix.lua`, each thread from its own offset) against haku-searchd on "
      "127.0.0.1 for a fixed duration per connection count. RSS of haku-searchd after each run; peak is VmHWM.\n")
    w("| records | searchd threads | connections | QPS | p50 ms | p99 ms | socket errors | non-2xx | RSS MB |")
    w("|---|---|---|---|---|---|---|---|---|")
    for s in sizes:
        r = results[s]
        for c in (1, 8, 64):
            k = f"wrk.c{c}"
            if num(r, k + ".qps") is None:
                continue
            socket_errors = (num(r, k + ".errors") or 0) - (num(r, k + ".status_errors") or 0)
            rss = num(r, k + ".rss_kb")
            w(f"| {s} | {r.get('searchd.threads', '–')} | {c} | {fmt(num(r, k + '.qps'), 0)} | {fmt(num(r, k + '.p50_ms'))} "
              f"| {fmt(num(r, k + '.p99_ms'))} | {socket_errors:.0f} | {r.get(k + '.status_errors', '–')} "
              f"| {fmt(rss / 1024 if rss else None, 0)} |")
        peak = num(r, "searchd.peak_rss_kb")
        idle = num(r, "searchd.idle_rss_kb")
        if peak:
            w(f"| {s} | | idle → peak RSS | | | | | | {fmt(idle / 1024 if idle else None, 0)} → {fmt(peak / 1024, 0)} |")
    w("")

    findings = os.path.join(top, "bench", "findings.md")
    if os.path.exists(findings):
        with open(findings, encoding="utf-8") as f:
            w(f.read().rstrip() + "\n")

    w("## Reproduce\n")
    w("```sh\nscripts/install-deps                 # wrk, gnuplot-nox, libsqlite3-dev, time, ...\n"
      "scripts/bench --sizes 10k,100k,1M   # everything; rewrites this file and docs/bench-latency.png\n"
      "scripts/bench-index --sizes 10k     # index build only\n"
      "scripts/bench-search --sizes 100k   # latency only\n"
      "scripts/bench --smoke               # 2k records, what scripts/check runs\n```")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    write_plot(results, sizes, args.png)


if __name__ == "__main__":
    main()
