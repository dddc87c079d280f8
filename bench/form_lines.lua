-- wrk: a form POST whose body is BODY_PREFIX .. line .. BODY_SUFFIX, each line of LINES sent
-- once (a code or a refresh token is single use). Thread k of n takes lines k, k+n, k+2n...
-- so threads never share one. Running out is reported, not hidden: the last line is then
-- resent (and refused), which the non-2xx count shows. URL_PATH is the request path;
-- BASIC_AUTH, when set, is sent as HTTP Basic credentials.
local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

local prefix = os.getenv("BODY_PREFIX") or ""
local suffix = os.getenv("BODY_SUFFIX") or ""
local mine = {}
local next_line = 1
sent, exhausted = 0, 0

function init(args)
  local n = tonumber(os.getenv("WRK_THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("LINES")) do
    if i % n == id then mine[#mine + 1] = line end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.path = os.getenv("URL_PATH") or "/auth/token"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  local basic = os.getenv("BASIC_AUTH")
  if basic and basic ~= "" then wrk.headers["Authorization"] = "Basic " .. basic end
end

function request()
  local line
  if next_line <= #mine then
    line = mine[next_line]
    next_line = next_line + 1
  else
    line = mine[#mine]
    exhausted = exhausted + 1
  end
  sent = sent + 1
  return wrk.format(nil, nil, nil, prefix .. line .. suffix)
end

function done(summary, latency, requests)
  local used, over = 0, 0
  for _, t in ipairs(threads) do
    used = used + t:get("sent")
    over = over + t:get("exhausted")
  end
  io.write(string.format("lines sent: %d, beyond the file (resent): %d\n", used, over))
end
