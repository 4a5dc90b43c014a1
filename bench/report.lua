-- wrk script: one JSON line with throughput, latency percentiles (microseconds) and errors.
-- Sends the gateway key (ignored by nginx and the direct upstream) and, when BENCH_DELAY_MS is set,
-- paces each connection so the run holds a fixed mean rate instead of the maximum.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local path = os.getenv("BENCH_PATH") or "/v1/payments_result?traceId=bench"

function init(args)
  wrk.headers["X-Gateway-Key"] = os.getenv("BENCH_KEY") or "bench-key"
  -- Each thread its own sequence (a table's address differs per thread's Lua state).
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003))
end

function request()
  return wrk.format("GET", path)
end

-- Think times are exponential around the mean, so requests arrive as from many independent callers.
-- A fixed delay keeps all connections in step: every few milliseconds all 64 fire at once, and the p99
-- then measures how long a burst of 64 takes to drain (nginx's as much as the gateway's), not the
-- latency at half load.
if delay_ms > 0 then
  function delay()
    return math.floor(-math.log(1 - math.random()) * delay_ms + 0.5)
  end
end

-- The latency quantiles a run's distribution can be pooled from (bench/summarise.py): a p99 per 10 s run
-- swings with whatever else the shared cores ran in those seconds, whereas the p99 of all requests of
-- alternating runs weighs every run by its requests. Finer towards the tail, where the pooled p99 lies.
local function quantile_grid()
  local grid = {}
  for p = 1, 89 do grid[#grid + 1] = p end
  for i = 900, 989 do grid[#grid + 1] = i / 10 end
  for i = 9900, 9999 do grid[#grid + 1] = i / 100 end
  return grid
end

local function write_quantiles(file, requests, latency)
  local pairs_out = {}
  for _, p in ipairs(quantile_grid()) do
    pairs_out[#pairs_out + 1] = string.format("[%s,%d]", p, latency:percentile(p))
  end
  -- wrk's percentile(100) answers 0; the maximum is the 100th.
  pairs_out[#pairs_out + 1] = string.format("[100,%d]", latency.max)
  local out = assert(io.open(file, "w"))
  out:write(string.format('{"requests":%d,"quantiles_us":[%s]}\n', requests, table.concat(pairs_out, ",")))
  out:close()
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local quantiles = os.getenv("BENCH_QUANTILES")
  if quantiles and quantiles ~= "" then
    write_quantiles(quantiles, summary.requests, latency)
  end
  io.write(string.format(
    '{"requests":%d,"rps":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    e.connect + e.read + e.write + e.timeout, e.status))
end
