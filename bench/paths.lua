-- Spread requests over many URLs (one per line in the file named by WRK_PATHS), so that no
-- single page is served from a warm cache.
local paths = {}
local n = 0
init = function(args)
  local file = io.open(os.getenv("WRK_PATHS"), "r")
  for line in file:lines() do
    n = n + 1
    paths[n] = line
  end
  file:close()
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  return wrk.format("GET", paths[math.random(1, n)])
end
