-- A crowd of players for the overload step: each wrk connection is one player sending a GET of the web
-- client's mix (progress 40, rank 15, ranks 10, change/rate 10) about once a second, with a random phase.
-- Arguments after --: a file with one access token per line, the mean interval in milliseconds.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_summary.lua")

local tokens = {}
local interval = 1000
local criteria = {"money", "energy", "playtime", "rebirth", "supercoin"}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(tokens, line) end
  end
  interval = tonumber(args[2] or "1000")
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

local function path()
  local r = math.random(75)
  if r <= 40 then return "/progress" end
  if r <= 55 then return "/rank?criteria=" .. criteria[math.random(#criteria)] end
  if r <= 65 then return "/ranks?limit=100&offset=0&criteria=" .. criteria[math.random(#criteria)] end
  return "/change/rate"
end

function request()
  local headers = {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
                   ["Origin"] = "http://127.0.0.1:5173"}
  return wrk.format("GET", path(), headers)
end

function delay()
  return math.random(math.floor(interval / 2), math.floor(interval * 3 / 2))
end
