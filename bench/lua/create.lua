-- Writes: record a new volunteer with a fresh phone (+7700..., a range the seed
-- leaves free), as the coordinator of a random branch.
--   BENCH_TOKENS  "BRANCH TOKEN" lines
--   BENCH_RUN     a digit distinguishing runs on the same database
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/lib.lua")
local tokens, run, counter

local names = {
  "Сейітова Әлия Нұрланқызы", "Ахметов Ерлан Серікұлы", "Иванова Мария Сергеевна",
  "Жұмабаев Дәурен Асқарович", "Петров Алексей Игоревич", "Омарова Аружан Бауыржанқызы",
}

setup = lib.setup

function init(args)
  lib.seed()
  tokens = lib.pairs_by_branch(os.getenv("BENCH_TOKENS"))
  run = tonumber(os.getenv("BENCH_RUN") or "0") % 10
  counter = 0
end

function request()
  counter = counter + 1
  local pick = tokens[math.random(#tokens)]
  local phone = string.format("+7700%d%d%05d", run, (thread_index or 1) % 10, counter % 100000)
  local body = string.format(
    '{"full_name": "%s", "phone": "%s", "languages": ["kk", "ru"], "skills": ["агитация"], ' ..
    '"consent": {"given_at": "2026-11-20T10:00:00Z", "text_version": "2026-09"}}',
    names[math.random(#names)], phone)
  local headers = lib.headers(pick[2])
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/volunteers", headers, body)
end

done = lib.done
