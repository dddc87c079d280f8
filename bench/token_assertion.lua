-- wrk: client_credentials with private_key_jwt (RFC 7523 §2.2). ASSERTIONS names a file of
-- pre-signed assertions, one a line, each with its own jti; every line is sent once. Thread k of
-- n takes lines k, k+n, k+2n... so threads never share one. Running out is reported, not hidden:
-- the last assertion is then resent and answered 400 (replayed).
local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

local prefix = "grant_type=client_credentials&scope=system%2F*.rs" ..
  "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer" ..
  "&client_assertion="
local mine = {}
local next_line = 1
sent, exhausted = 0, 0

function init(args)
  local n = tonumber(os.getenv("WRK_THREADS") or "2")
  local i = 0
  for line in io.lines(os.getenv("ASSERTIONS")) do
    if i % n == id then mine[#mine + 1] = line end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.path = "/auth/token"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
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
  return wrk.format(nil, nil, nil, prefix .. line)
end

function done(summary, latency, requests)
  local used, over = 0, 0
  for _, t in ipairs(threads) do
    used = used + t:get("sent")
    over = over + t:get("exhausted")
  end
  io.write(string.format("assertions sent: %d, beyond the file (replays): %d\n", used, over))
end
