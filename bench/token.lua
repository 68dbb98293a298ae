-- wrk script: POST /token with a form body and HTTP Basic client authentication.
--
--   BENCH_GRANT=client_credentials  every request asks a client_credentials token
--   BENCH_GRANT=authorization_code  every request exchanges the next code from
--                                   BENCH_CODES (one per line); the thread stops
--                                   when the codes run out (one wrk thread: -t1)
-- BENCH_AUTH is "Basic base64(id:secret)"; BENCH_VERIFIER and BENCH_REDIRECT_URI
-- complete a code exchange. done() prints one machine-readable line.

local grant = os.getenv("BENCH_GRANT") or "client_credentials"
local auth = assert(os.getenv("BENCH_AUTH"), "BENCH_AUTH is required")
local codes, next_code = {}, 1
local failures = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  if grant == "authorization_code" then
    for line in io.lines(assert(os.getenv("BENCH_CODES"))) do
      if #line > 0 then codes[#codes + 1] = line end
    end
  end
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = auth

function request()
  local body
  if grant == "authorization_code" then
    local code = codes[next_code]
    if code == nil then
      wrk.thread:stop()
      code = "exhausted"
    end
    next_code = next_code + 1
    body = "grant_type=authorization_code&code=" .. urlencode(code)
      .. "&redirect_uri=" .. urlencode(os.getenv("BENCH_REDIRECT_URI"))
      .. "&code_verifier=" .. urlencode(os.getenv("BENCH_VERIFIER"))
  else
    body = "grant_type=client_credentials"
  end
  return wrk.format(nil, "/token", nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("non-200 from /token: " .. status .. " " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "RESULT grant=%s requests=%d seconds=%.2f rate=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    grant, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
