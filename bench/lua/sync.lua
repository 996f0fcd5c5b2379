-- Door-to-door batch sync: POST /api/v1/routes/{id}/visits:batch with 500
-- visits, one per stop of a 500-stop route, as the route's branch coordinator.
--   BENCH_ROUTES   "BRANCH ROUTE_ID VISITED_AT STOP_ID,STOP_ID,..." lines
--                  (bench/prepare.py routes)
--   BENCH_TOKENS   "BRANCH TOKEN" lines (a coordinator per branch)
--   BENCH_SYNC_MODE  "new": every request carries 500 fresh visit ids (expects
--                  "created":500); "replay": re-sends the body already synced on
--                  that route (BENCH_REPLAY_DIR/<route id>.json; expects
--                  "duplicates":500)
--   BENCH_NONCE    a number distinguishing the runs on one database (fresh ids)
--   BENCH_MATERIAL_FILE  a file holding a material id (bench/prepare.py materials);
--                  when set, every new visit hands out 12 of it ("materials")
--                  instead of a bare "materials_left": 12, from the branch's stock
--   BENCH_THREADS  wrk's thread count: each thread cycles over its own share of
--                  the routes, so one route rarely has two batches in flight
-- A 200 answer that lacks the expected count is counted as "unexpected".
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/lib.lua")
local routes, tokens, mode, nonce, counter, next_route, first, count, check, left

setup = lib.setup

local function read_file(path)
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  local text = file:read("*a")
  file:close()
  return text
end

function init(args)
  lib.seed()
  local _, map = lib.pairs_by_branch(os.getenv("BENCH_TOKENS"))
  tokens = map
  mode = os.getenv("BENCH_SYNC_MODE") or "new"
  nonce = tonumber(os.getenv("BENCH_NONCE") or "0") % 0x7fffffff
  counter = 0
  routes = {}
  left = '"materials_left":12,'
  local material_file = os.getenv("BENCH_MATERIAL_FILE")
  if material_file and material_file ~= "" then
    local material = read_file(material_file):match("(%S+)")
    assert(material, "no material id in " .. material_file)
    left = '"materials":[{"material_id":"' .. material .. '","quantity":12}],'
  end
  local replay_dir = os.getenv("BENCH_REPLAY_DIR")
  for _, line in ipairs(lib.lines(os.getenv("BENCH_ROUTES"))) do
    local branch, id, at, stops = line:match("^(%S+)%s+(%S+)%s+(%S+)%s+(%S+)$")
    assert(branch, "bad BENCH_ROUTES line")
    local route = { id = id, token = tokens[branch], path = "/api/v1/routes/" .. id .. "/visits:batch" }
    if mode == "replay" then
      route.body = read_file(replay_dir .. "/" .. id .. ".json")
    else
      -- Everything of a visit but its id, ready to be appended to it.
      route.tails = {}
      for stop in stops:gmatch("[^,]+") do
        route.tails[#route.tails + 1] = '","stop_id":"' .. stop .. '","visited_at":"' .. at ..
          '","doors_knocked":20,"conversations":8,"not_at_home":10,"refused":2,' .. left ..
          '"questions":["voting_procedure"],"note":"Подъезд закрыт, код 12"}'
      end
    end
    routes[#routes + 1] = route
  end
  assert(#routes > 0, "no routes in BENCH_ROUTES")
  -- This thread's share of the routes: [first, first + count).
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local index = thread_index or 1
  count = math.max(1, math.floor(#routes / nthreads))
  first = ((index - 1) * count) % #routes
  next_route = 0
  check = lib.expect(mode == "replay" and '"duplicates":500' or '"created":500')
end

-- Defined when the script loads: wrk reads response bodies only for scripts
-- that have this function then.
function response(status, headers, body)
  check(status, headers, body)
end

function request()
  local route = routes[first + (next_route % count) + 1]
  next_route = next_route + 1
  local headers = lib.headers(route.token)
  headers["Content-Type"] = "application/json"
  if mode == "replay" then
    return wrk.format("POST", route.path, headers, route.body)
  end
  local parts = {}
  for i, tail in ipairs(route.tails) do
    counter = counter + 1
    -- Unique per run (nonce), thread and visit; a well-formed UUID string.
    parts[i] = string.format('{"id":"%08x-%04x-4000-8000-%012x', nonce, thread_index or 0, counter) .. tail
  end
  return wrk.format("POST", route.path, headers, '{"visits":[' .. table.concat(parts, ",") .. "]}")
end

done = lib.done
