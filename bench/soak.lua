-- Soak mix: 70 % payment look-ups (idempotent, retried), 30 % payment creations with unique order ids.
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function init(args)
  wrk.headers["X-Gateway-Key"] = os.getenv("BENCH_KEY")
end
function request()
  counter = counter + 1
  if counter % 10 < 3 then
    return wrk.format("POST", "/v1/payments", {["Content-Type"] = "application/x-www-form-urlencoded"},
      "orderId=soak-" .. tid .. "-" .. counter .. "-" .. os.time() .. "&quoteAmount=10")
  end
  return wrk.format("GET", "/v1/payments_result?traceId=soak-" .. counter)
end
function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"p99":%d,"errors":%d}\n', summary.requests, latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
