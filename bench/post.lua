-- wrk script for bench/run.sh: POST the benchmark's chat-completion request.
-- BENCH_BODY_FILE: the JSON body (default bench/request.json); BENCH_AUTH: the bearer token.
-- No response() callback on purpose: defining one makes wrk parse every body and slows the client.
-- wrk itself counts "Non-2xx or 3xx responses" and socket errors; run.sh fails the run on any.
local body_file = os.getenv("BENCH_BODY_FILE") or "bench/request.json"
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. auth
end
