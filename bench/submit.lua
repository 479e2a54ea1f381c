-- wrk script for bench_submit.py: POST the survey form with a unique submission key per request.
local body = os.getenv("BENCH_BODY")
local run = os.getenv("BENCH_RUN")
local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = os.getenv("BENCH_COOKIE")}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local key = string.format("bench-%s-%d-%d", run, tid, counter)
  return wrk.format("POST", nil, headers, body .. "&_key=" .. key)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "status": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n', summary.requests, summary.duration, e.status,
    e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(99)))
end
