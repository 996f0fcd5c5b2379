-- Logins, round robin over the demo accounts. Each request carries its own
-- X-Forwarded-For (the server trusts 127.0.0.1 as a proxy): many clients
-- behind one load balancer, as in production.
--   BENCH_EMAILS    one email per line
--   BENCH_PASSWORD  the demo password
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/lib.lua")
local emails, password, next_index

setup = lib.setup

function init(args)
  lib.seed()
  emails = lib.lines(os.getenv("BENCH_EMAILS"))
  password = os.getenv("BENCH_PASSWORD")
  -- Threads start far apart in the list so one account is rarely in flight twice.
  next_index = ((thread_index or 1) - 1) * 7
end

function request()
  next_index = next_index + 1
  local email = emails[(next_index % #emails) + 1]
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254)),
  }
  if os.getenv("BENCH_SAME_ADDRESS") == "1" then headers["X-Forwarded-For"] = nil end
  local body = string.format('{"email": "%s", "password": "%s"}', email, password)
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end

done = lib.done
