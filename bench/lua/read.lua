-- Reads, as a weighted mix of kinds (BENCH_MIX, e.g. "get=70,list=30"):
--   get       GET {prefix}/volunteers/{id}                a sampled volunteer
--   list      GET {prefix}/volunteers?branch=B&limit=50   B: the branch of a sampled volunteer
--   events    GET {prefix}/events?branch=B&limit=50
--   meetings  GET {prefix}/meetings?branch=B&limit=50
--   coverage  GET /api/v1/meeting-coverage?branch=B
--   coverage_all GET /api/v1/meeting-coverage            (every branch)
--   schedule  GET /api/v1/me/schedule                     as a random volunteer account
--   progress  GET /api/v1/progress/branches/B
--   national  GET /api/v1/progress
--   balances  GET /api/v1/stock-balances?branch=B&limit=50
--   ledger    GET /api/v1/stock-movements?branch=B&limit=50
--   posters   GET /api/v1/reports/poster-coverage?branch=B
--   posters_all GET /api/v1/reports/poster-coverage       (the nation)
--   summary   GET /api/v1/reports/summary?branch=B&from=&to=   (REPORT_DAYS)
--   summary_all GET /api/v1/reports/summary?from=&to=     (the nation)
--   series    GET /api/v1/reports/series?branch=B&from=&to=
--   series_all GET /api/v1/reports/series?from=&to=       (the nation)
--   branches  GET /api/v1/reports/branches?from=&to=      (the 20 branches)
--   changes   GET /api/v1/changes?limit=100               (the change feed from its start)
-- Staff reads go out as B's coordinator.
--   BENCH_IDS     "BRANCH ID" lines (random volunteers); without them B is a random
--                 branch of BENCH_TOKENS
--   BENCH_TOKENS  "BRANCH TOKEN" lines (a coordinator per branch); empty: no auth
--   BENCH_VOLUNTEER_TOKENS  "BRANCH TOKEN" lines of volunteer accounts (schedule);
--                 empty or missing: the schedule's share is dropped from the mix
--   BENCH_PREFIX  "/api/v1" for the API, "" for the bare baseline
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/lib.lua")
-- The campaign reports cover the last 30 days of the demo data's visits
-- (seed-demo's data is as of 1 November 2026).
local REPORT_DAYS = "from=2026-10-03&to=2026-11-01"
local ids, tokens, token_list, volunteers, prefix
local mix, total_weight = {}, 0

setup = lib.setup

function init(args)
  lib.seed()
  ids = lib.pairs_by_branch(os.getenv("BENCH_IDS"))
  local list, map = lib.pairs_by_branch(os.getenv("BENCH_TOKENS"))
  tokens, token_list = map, list
  volunteers = lib.pairs_by_branch(os.getenv("BENCH_VOLUNTEER_TOKENS"))
  prefix = os.getenv("BENCH_PREFIX") or ""
  for kind, weight in string.gmatch(os.getenv("BENCH_MIX") or "get=100", "([%w_]+)=(%d+)") do
    weight = tonumber(weight)
    if kind == "schedule" and #volunteers == 0 then weight = 0 end
    if weight > 0 then
      total_weight = total_weight + weight
      mix[#mix + 1] = { kind, total_weight }
    end
  end
  assert(total_weight > 0, "BENCH_MIX leaves nothing to request")
end

local function pick_kind()
  local roll = math.random(total_weight)
  for _, entry in ipairs(mix) do
    if roll <= entry[2] then return entry[1] end
  end
end

function request()
  local kind = pick_kind()
  if kind == "schedule" then
    local pick = volunteers[math.random(#volunteers)]
    return wrk.format("GET", "/api/v1/me/schedule", lib.headers(pick[2]))
  end
  local branch, id
  if #ids > 0 then
    local pick = ids[math.random(#ids)]
    branch, id = pick[1], pick[2]
  else
    branch = token_list[math.random(#token_list)][1]
  end
  local headers = lib.headers(tokens[branch])
  if kind == "get" then
    return wrk.format("GET", prefix .. "/volunteers/" .. id, headers)
  elseif kind == "list" then
    return wrk.format("GET", prefix .. "/volunteers?branch=" .. branch .. "&limit=50", headers)
  elseif kind == "events" then
    return wrk.format("GET", prefix .. "/events?branch=" .. branch .. "&limit=50", headers)
  elseif kind == "meetings" then
    return wrk.format("GET", prefix .. "/meetings?branch=" .. branch .. "&limit=50", headers)
  elseif kind == "coverage" then
    return wrk.format("GET", "/api/v1/meeting-coverage?branch=" .. branch, headers)
  elseif kind == "coverage_all" then
    return wrk.format("GET", "/api/v1/meeting-coverage", headers)
  elseif kind == "progress" then
    return wrk.format("GET", "/api/v1/progress/branches/" .. branch, headers)
  elseif kind == "national" then
    return wrk.format("GET", "/api/v1/progress", headers)
  elseif kind == "balances" then
    return wrk.format("GET", "/api/v1/stock-balances?branch=" .. branch .. "&limit=50", headers)
  elseif kind == "ledger" then
    return wrk.format("GET", "/api/v1/stock-movements?branch=" .. branch .. "&limit=50", headers)
  elseif kind == "posters" then
    return wrk.format("GET", "/api/v1/reports/poster-coverage?branch=" .. branch, headers)
  elseif kind == "posters_all" then
    return wrk.format("GET", "/api/v1/reports/poster-coverage", headers)
  elseif kind == "summary" then
    return wrk.format("GET", "/api/v1/reports/summary?branch=" .. branch .. "&" .. REPORT_DAYS, headers)
  elseif kind == "summary_all" then
    return wrk.format("GET", "/api/v1/reports/summary?" .. REPORT_DAYS, headers)
  elseif kind == "series" then
    return wrk.format("GET", "/api/v1/reports/series?branch=" .. branch .. "&" .. REPORT_DAYS, headers)
  elseif kind == "series_all" then
    return wrk.format("GET", "/api/v1/reports/series?" .. REPORT_DAYS, headers)
  elseif kind == "changes" then
    return wrk.format("GET", "/api/v1/changes?limit=100", headers)
  elseif kind == "branches" then
    return wrk.format("GET", "/api/v1/reports/branches?" .. REPORT_DAYS, headers)
  end
  error("unknown read kind " .. tostring(kind))
end

done = lib.done
