-- wrk script for bench/soak.sh: the benchmark's chat-completion request, with a different "user" on every
-- request, so that anything Tollgate keeps per user (rollups, limits, metrics labels) would grow if unbounded.
-- BENCH_BODY_FILE: the JSON body (default bench/request.json; its "user" value is replaced); BENCH_AUTH: the bearer token.
local body_file = os.getenv("BENCH_BODY_FILE") or "bench/request.json"
local f = assert(io.open(body_file, "rb"))
local template = f:read("*a")
f:close()
local before, after = template:match('^(.-"user"%s*:%s*")[^"]*(".*)$')
assert(before, "the body needs a \"user\" field")
local headers = { ["Content-Type"] = "application/json" }
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then
  headers["Authorization"] = "Bearer " .. auth
end
local n = 0
local prefix = "soak-" .. tostring(math.random(1000000)) .. "-"
function setup(thread)
  thread:set("id", tostring(math.random(1000000)))
end
function request()
  n = n + 1
  return wrk.format("POST", nil, headers, before .. prefix .. id .. "-" .. n .. after)
end
