-- wrk script for benchmarks/bench.py: a closed loop over a mix of GET request targets.
--
--   wrk -t1 -c8 -d5s -s benchmarks/mix.lua http://127.0.0.1:PORT -- TARGETS MODE SALT
--
-- TARGETS is a file with one request target (path and query string) per line,
-- cycled in order. MODE "repeat" sends them as they are; MODE "unique" appends
-- an URL-encoded SPARQL comment line "\n# SALT-THREAD-COUNTER" to each, so that
-- no two requests of a run (nor of two runs with different SALTs) are the same
-- bytes. Every response that is not 2xx counts as an error ("non2xx"). done()
-- prints one JSON line for bench.py.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per thread (each has its own Lua state): globals, so that done() can read them.
targets = {}
unique = false
salt = ""
formatted = {}
counter = 0
non2xx = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      targets[#targets + 1] = line
    end
  end
  unique = args[2] == "unique"
  salt = args[3] or ""
  counter = id * 7 -- threads start at different places in the mix
  for i, target in ipairs(targets) do
    formatted[i] = wrk.format("GET", target) -- repeated requests: formatted once
  end
end

function request()
  counter = counter + 1
  local i = (counter % #targets) + 1
  if unique then
    return wrk.format("GET", targets[i] .. "%0A%23%20" .. salt .. "-" .. id .. "-" .. counter)
  end
  return formatted[i]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non2xx": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad, e.connect, e.read, e.write, e.timeout))
end
