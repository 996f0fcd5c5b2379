-- Shared helpers for the wrk scenarios of bench/run: reading the id and token
-- lists, per-thread seeding, and a done() hook that writes one JSON summary.
local lib = {}

function lib.lines(path)
  local out = {}
  if path == nil or path == "" then return out end
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  for line in file:lines() do
    if line ~= "" then out[#out + 1] = line end
  end
  file:close()
  return out
end

-- "KZ-71 value" lines: a list of {branch, value} and a branch -> value map.
function lib.pairs_by_branch(path)
  local list, map = {}, {}
  for _, line in ipairs(lib.lines(path)) do
    local branch, value = line:match("^(%S+)%s+(%S+)$")
    if branch then
      list[#list + 1] = { branch, value }
      map[branch] = value
    end
  end
  return list, map
end

function lib.headers(token)
  local headers = {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return headers
end

local thread_counter = 0
local threads = {}
-- wrk calls setup() once per thread in the main Lua state: number the threads
-- so each seeds its own deterministic random sequence, and keep them so that
-- done() can collect what their response() hooks counted.
function lib.setup(thread)
  thread_counter = thread_counter + 1
  thread:set("thread_index", thread_counter)
  thread:set("unexpected", 0)
  threads[#threads + 1] = thread
end

-- A 2xx answer whose body lacks `needle` (e.g. a batch sync that rejected some
-- items): counted per thread in the global `unexpected`, reported by done().
function lib.expect(needle)
  return function(status, headers, body)
    if status >= 200 and status < 300 and (body == nil or not body:find(needle, 1, true)) then
      unexpected = (unexpected or 0) + 1
      if unexpected <= 3 then
        io.stderr:write("unexpected answer: " .. string.sub(body or "", 1, 300) .. "\n")
      end
    end
  end
end

function lib.seed()
  math.randomseed(1000 + (thread_index or 0))
end

local function number(value)
  if value ~= value or value == math.huge then return "null" end
  return string.format("%.3f", value)
end

-- Writes {requests, rps, latency_ms{...}, errors{...}} to $BENCH_OUT and stdout.
-- errors: socket errors (connect, read, write, timeout), answers with a status
-- of 400 or more (status), and 2xx answers that lacked what the scenario
-- expects (unexpected; 0 where the scenario checks nothing).
function lib.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local unexpected = 0
  for _, thread in ipairs(threads) do
    unexpected = unexpected + (tonumber(thread:get("unexpected")) or 0)
  end
  local json = string.format(
    '{"requests": %d, "duration_s": %s, "rps": %s, "latency_ms": {"mean": %s, "p50": %s, "p95": %s, "p99": %s, "max": %s}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d, "unexpected": %d}}',
    summary.requests, number(seconds), number(summary.requests / seconds),
    number(latency.mean / 1000), number(latency:percentile(50) / 1000), number(latency:percentile(95) / 1000),
    number(latency:percentile(99) / 1000), number(latency.max / 1000),
    errors.connect, errors.read, errors.write, errors.timeout, errors.status, unexpected)
  io.write(json .. "\n")
  local out = os.getenv("BENCH_OUT")
  if out and out ~= "" then
    local file = assert(io.open(out, "w"))
    file:write(json .. "\n")
    file:close()
  end
end

return lib
