-- wrk script: replays the benchmark's query mix against haku-searchd.
-- Usage: wrk -t T -c C -d D -s bench/wrk/mix.lua http://127.0.0.1:PORT -- PATHS_FILE
-- PATHS_FILE holds one request path a line (`haku-bench paths --queries bench/queries/mix.txt`).
-- Each thread walks the list from its own offset; done() prints one line scripts/bench parses.

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local paths = {}
local next_index = 1

function init(args)
  local file = args[1]
  if file == nil then
    error("usage: wrk ... -s mix.lua URL -- PATHS_FILE")
  end
  for line in io.lines(file) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no request paths in " .. file)
  end
  next_index = ((id or 0) * 7) % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "wrk requests=%d seconds=%.2f qps=%.1f errors=%d status_errors=%d p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, seconds, summary.requests / seconds, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
