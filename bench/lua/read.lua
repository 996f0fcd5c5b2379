-- Reads: get one volunteer by id and/or list a branch's first page of 50.
--   BENCH_IDS     "BRANCH ID" lines (random volunteers)
--   BENCH_TOKENS  "BRANCH TOKEN" lines (a coordinator per branch); empty: no auth
--   BENCH_PREFIX  "/api/v1" for the API, "" for the bare baseline
--   BENCH_GET_PERCENT  share of gets, the rest lists (100: gets only, 0: lists only)
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/lib.lua")
local ids, tokens, prefix, get_percent

setup = lib.setup

function init(args)
  lib.seed()
  ids = lib.pairs_by_branch(os.getenv("BENCH_IDS"))
  local _, map = lib.pairs_by_branch(os.getenv("BENCH_TOKENS"))
  tokens = map
  prefix = os.getenv("BENCH_PREFIX") or ""
  get_percent = tonumber(os.getenv("BENCH_GET_PERCENT") or "100")
end

function request()
  local pick = ids[math.random(#ids)]
  local branch, id = pick[1], pick[2]
  local headers = lib.headers(tokens[branch])
  if math.random(100) <= get_percent then
    return wrk.format("GET", prefix .. "/volunteers/" .. id, headers)
  end
  return wrk.format("GET", prefix .. "/volunteers?branch=" .. branch .. "&limit=50", headers)
end

done = lib.done
