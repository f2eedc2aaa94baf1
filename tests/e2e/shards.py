#!/usr/bin/env python3
"""Sharded generations end to end: one corpus built once as one database and once as 2 shards
(haku-indexer build --shards 2); the shards served by two xapian-tcpsrv on 127.0.0.1. For a set of
searches (filters, facets, sorts, deep pages, cursors, similar, records by id) the answers of the
sharded generation, searched locally and through the shard servers, equal the single database's.
Then one shard server is killed: a front end with `on_failure partial` answers partial naming it, one
with `on_failure unavailable` answers 503, both within the configured bound; /readyz reports each shard.

Usage: tests/e2e/shards.py BUILD_DIR SOURCE_DIR     Prints `N passed, M failed`; exit 1 on failure."""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT_MS = 1500          # shards.conf timeout_ms of the remote front ends
CONNECT_TIMEOUT_MS = 500
# A dead shard costs the failed request and one probe of each shard, each bounded by the timeouts.
FAILURE_BOUND_S = 2 * (TIMEOUT_MS + CONNECT_TIMEOUT_MS) / 1000 + 1.0
# A stopped shard (connections open, no answer) costs the search's wait and the probe's, no third one.
STOPPED_BOUND_S = 2 * TIMEOUT_MS / 1000 + 1.0

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}" + (f": {detail}" if detail else ""), file=sys.stderr)


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return r.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit(f"xapian-tcpsrv on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"xapian-tcpsrv did not listen on port {port} within {seconds} s")


class Searchd:
    def __init__(self, binary, index_dir, log, extra=()):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([binary, "--index-dir", index_dir, "--host", "127.0.0.1", "--port", "0",
                                      "--threads", "2", "--rate-limit", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        end = time.monotonic() + 30
        line = ""
        while time.monotonic() < end and not line:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline().strip()
            elif self.proc.poll() is not None:
                break
        if not line.startswith("listening on "):
            sys.exit(f"haku-searchd on {index_dir} did not print 'listening on' within 30 s (see {log})")
        self.base = line[len("listening on "):]

    def get(self, path, timeout=30):
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
                body, status = r.read(), r.status
        except urllib.error.HTTPError as e:
            body, status = e.read(), e.code
        return status, json.loads(body) if body else None, time.monotonic() - t0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def norm(x):
    """The answer without what differs by construction: timings, signed cursors, explain; scores to 12
    digits (shards searched as one add a record's term weights in another order: the last bit differs)."""
    if isinstance(x, float):
        return float(f"{x:.12g}")
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items() if k not in ("took_ms", "next_cursor", "explain")}
    if isinstance(x, list):
        return [norm(v) for v in x]
    return x


def first_diff(a, b, path=""):
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in one"
            d = first_diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return ""
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return ""
    return "" if a == b else f"{path}: {a!r} vs {b!r}"


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    build, src = (os.path.abspath(p) for p in sys.argv[1:3])
    indexer = f"{build}/indexer/haku-indexer"
    searchd = f"{build}/searchd/haku-searchd"
    gen_corpus = f"{build}/corpus/haku-gen-corpus"
    tcpsrv = shutil.which("xapian-tcpsrv")
    if not tcpsrv:
        print("SKIP: xapian-tcpsrv (Debian xapian-tools) is not installed", file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="haku-shards-")
    servers, daemons = [], []
    try:
        corpus = f"{tmp}/generated.jsonl"
        run([gen_corpus, "--count", "300", "--seed", "11", "--sample", f"{src}/corpus/sample", "--out", corpus])
        sources = ["--source", corpus, "--source", f"{src}/corpus/sample"]
        one, two = f"{tmp}/one", f"{tmp}/two"
        run([indexer, "build", *sources, "--index-dir", one, "--threads", "2", "--no-semantic", "-q"])
        out = run([indexer, "build", *sources, "--index-dir", two, "--threads", "2", "--shards", "2", "--no-semantic", "-q"])
        check("build --shards 2 says it partitioned", "generation shards: 2" in out, out)
        gen = os.readlink(f"{two}/current")
        manifest = open(f"{two}/{gen}/manifest.txt").read()
        check("the manifest lists the shards", "shards=shard-0:" in manifest and ",shard-1:" in manifest, manifest)
        stats = run([indexer, "stats", "--index-dir", two])
        check("stats lists the shards", "shard.shard-0: " in stats and "shard.shard-1: " in stats, stats)

        # The shard servers, each in a session of its own (xapian-tcpsrv signals its process group).
        ports = []
        for k in range(2):
            port = free_port()
            proc = subprocess.Popen([tcpsrv, "--interface", "127.0.0.1", "--port", str(port), f"{two}/{gen}/shard-{k}"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            servers.append(proc)
            wait_port(port, proc)
            ports.append(port)

        # Front ends without the shard data: their generation's shards.conf names the servers.
        def front(name, policy):
            d = f"{tmp}/{name}"
            shutil.copytree(two, d, symlinks=True)
            for k in range(2):
                shutil.rmtree(f"{d}/{gen}/shard-{k}")
            with open(f"{d}/{gen}/shards.conf", "w") as f:
                f.write(f"timeout_ms {TIMEOUT_MS}\nconnect_timeout_ms {CONNECT_TIMEOUT_MS}\non_failure {policy}\n")
                for p in ports:
                    f.write(f"remote 127.0.0.1:{p}\n")
            return d

        partial_dir, unavailable_dir = front("front-partial", "partial"), front("front-503", "unavailable")
        single = Searchd(searchd, one, f"{tmp}/one.log")
        local = Searchd(searchd, two, f"{tmp}/two.log")
        remote = Searchd(searchd, partial_dir, f"{tmp}/front-partial.log")
        remote503 = Searchd(searchd, unavailable_dir, f"{tmp}/front-503.log")
        daemons += [single, local, remote, remote503]

        facets = "fund,country,lang,themes,places,year,status"
        status, browse, _ = single.get(f"/v1/search?facets={facets}&per_page=50")
        check("browse answers", status == 200 and browse["total"]["value"] == 319, str(browse)[:300])
        values = {name: [v["value"] for v in vals[:2]] for name, vals in browse["facets"].items()}
        ids = [h["id"] for h in browse["hits"]]
        words = []
        for h in browse["hits"][:12]:
            for w in h["title"].split():
                w = w.strip(".,:;()\"'").lower()
                if len(w) > 4 and w.isalpha() and w not in words:
                    words.append(w)
                    break
        q = urllib.parse.quote
        paths = [f"/v1/search?facets={facets}&per_page=20",
                 f"/v1/search?facets={facets}&page=7&per_page=10",
                 "/v1/search?sort=budget&order=asc&per_page=25&page=3",
                 "/v1/search?sort=end_date&per_page=30&page=2&facets=lang,fund",
                 "/v1/search?budget_min=100000&eu_max=5000000&facets=fund&per_page=15",
                 "/v1/search?start_from=2016-01-01&start_to=2022-12-31&sort=start_date&order=asc&facets=year"]
        for facet, vals in values.items():
            if vals and facet in ("fund", "lang", "country", "themes"):
                paths.append(f"/v1/search?filter={q(facet + ':' + vals[0])}&facets={facets}&per_page=20&page=2")
        if "lang" in values and "fund" in values and values["fund"]:
            paths.append(f"/v1/search?filter=lang:{q(values['lang'][0])}&filter=fund:{q(values['fund'][0])}"
                         f"&facets={facets}&sort=start_date")
        for w in words[:8]:
            paths.append(f"/v1/search?q={q(w)}&mode=keyword&facets={facets}&per_page=10")
            paths.append(f"/v1/search?q={q(w)}&facets=lang,fund&per_page=10")
        if len(words) >= 2:
            paths.append(f"/v1/search?q={q(words[0] + ' ' + words[1])}&mode=keyword&per_page=10&page=2&facets=lang")
            paths.append(f"/v1/search?q={q(words[0] + ' OR ' + words[1])}&mode=keyword&sort=budget&facets=fund")
        if len(words) >= 5:
            # A long query matches on most of its words (a filter remote shards must be able to run;
            # answered 500 before). Over remote shards these took 4-5 s, past the search budget (partial),
            # while snippets fetched a record's whole termlist once per query term.
            paths.append(f"/v1/search?q={q(' '.join(words[:5]))}&mode=keyword&facets=lang,fund&per_page=10")
            paths.append(f"/v1/search?q={q(' '.join(words[:6]))}&facets=lang&per_page=10")
        for i in ids[:4]:
            paths.append(f"/v1/projects/{q(i)}/similar?facets=lang,fund&per_page=10")
            paths.append(f"/v1/projects/{q(i)}")
        paths.append(f"/v1/projects/{q(ids[5])}/similar?per_page=5&page=3")
        paths.append("/v1/projects/no-such-record")

        for path in paths:
            want_status, want, _ = single.get(path)
            for name, d in (("local shards", local), ("remote shards", remote)):
                status, got, _ = d.get(path)
                diff = first_diff(norm(want), norm(got)) if status == want_status else f"status {status} vs {want_status}"
                cut = [f"{who} partial {r.get('partial_stages')}" for who, r in (("one database", want), (name, got))
                       if isinstance(r, dict) and r.get("partial")]
                if diff and cut:
                    diff = "; ".join(cut) + "; " + diff
                check(f"{name} answer {path} as one database", not diff, diff)

        # Cursors: three pages deep, each front end following its own cursors.
        def pages(d, first):
            out, path = [], first
            for _ in range(3):
                status, page, _ = d.get(path)
                if status != 200:
                    return out + [status]
                out.append(norm(page))
                if not page.get("next_cursor"):
                    break
                path = first + "&cursor=" + q(page["next_cursor"])
            return out

        for first in (f"/v1/search?per_page=40&facets=lang", "/v1/search?filter=lang:fi&sort=budget&per_page=7&facets=fund"):
            want = pages(single, first)
            for name, d in (("local shards", local), ("remote shards", remote)):
                diff = first_diff(want, pages(d, first))
                check(f"{name} cursor pages of {first} as one database", not diff and len(want) >= 2,
                      diff or f"{len(want)} page(s)")

        def note(d):
            _, r, _ = d.get(f"/v1/search?q={q(words[0])}&facets=lang&explain=true")
            return " ".join(r["explain"]["notes"])

        check("explain: local shards count facets over columns", "in-memory columns" in note(local), note(local))
        check("explain: remote shards count facets by value-count spies", "value-count spies" in note(remote),
              note(remote))
        status, ready, _ = remote.get("/readyz")
        shards = ready.get("shards", []) if ready else []
        check("/readyz lists each remote shard up", status == 200 and len(shards) == 2 and all(s["up"] for s in shards),
              str(ready))

        status, _, _ = remote503.get("/v1/search?per_page=1")
        check("the second remote front end answers", status == 200)
        shard0 = int(manifest.split("shards=shard-0:")[1].split(",")[0])

        # One shard server stops answering (SIGSTOP: its connections stay open, nothing comes back). The
        # search waits for it once, the probe of each shard once more; checking whether the generation
        # changed must not wait for it a third time (remote shards have no revision to watch).
        os.killpg(servers[1].pid, signal.SIGSTOP)
        try:
            status, r, took = remote.get(f"/v1/search?q={q(words[1])}&mode=keyword", timeout=30)
        finally:
            os.killpg(servers[1].pid, signal.SIGCONT)
        check(f"a stopped shard: partial answer in {took:.2f} s, within {STOPPED_BOUND_S:.1f} s",
              status == 200 and r.get("partial") is True and took <= STOPPED_BOUND_S, f"{status} {took:.2f} s {str(r)[:200]}")

        # One shard server dies.
        os.killpg(servers[1].pid, signal.SIGKILL)  # the server and the children serving connections
        servers[1].wait()
        dead = f"127.0.0.1:{ports[1]}"
        status, r, took = remote.get(f"/v1/search?q={q(words[0])}&facets=lang&mode=keyword", timeout=30)
        check(f"on_failure partial: partial answer naming {dead} within {FAILURE_BOUND_S:.1f} s",
              status == 200 and r.get("partial") is True and r.get("missing_shards") == [dead] and
              "shards" in r.get("partial_stages", []) and took <= FAILURE_BOUND_S, f"{status} {took:.2f} s {str(r)[:300]}")
        status, r, took = remote.get("/v1/search?facets=lang&per_page=5", timeout=30)
        check(f"the partial answer holds shard-0's {shard0} records",
              status == 200 and r["total"]["value"] == shard0 and r.get("partial") is True and
              sum(v["count"] for v in r["facets"]["lang"]) == shard0 and took <= FAILURE_BOUND_S,
              f"{status} {took:.2f} s {str(r)[:300]}")
        status, r, took = remote503.get(f"/v1/search?q={q(words[0])}", timeout=30)
        check(f"on_failure unavailable: 503 naming {dead} within {FAILURE_BOUND_S:.1f} s",
              status == 503 and dead in json.dumps(r) and took <= FAILURE_BOUND_S, f"{status} {took:.2f} s {r}")
        time.sleep(1.5)  # /readyz caches its answer for a second
        status, ready, took = remote.get("/readyz", timeout=30)
        shards = {s["name"]: s["up"] for s in ready.get("shards", [])} if ready else {}
        check("/readyz reports the dead shard down and the other up",
              shards == {f"127.0.0.1:{ports[0]}": True, dead: False} and ready["status"] == "degraded"
              and took <= FAILURE_BOUND_S, f"{status} {took:.2f} s {ready}")

        # A front end started while a shard is down (its server restarting, say): with on_failure
        # partial it loads the generation and answers from the other shards, naming the missing one.
        late = Searchd(searchd, partial_dir, f"{tmp}/front-late.log")
        daemons.append(late)
        status, r, took = late.get("/v1/search?facets=lang&per_page=5", timeout=30)
        check("a front end started with a shard down answers partial from the others",
              status == 200 and r.get("partial") is True and r.get("missing_shards") == [dead] and
              r["total"]["value"] == shard0 and took <= FAILURE_BOUND_S, f"{status} {took:.2f} s {str(r)[:300]}")
    finally:
        for d in daemons:
            d.stop()
        for p in servers:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if failed and os.environ.get("HAKU_KEEP_TMP"):
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
