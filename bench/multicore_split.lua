-- Counts responses per body (the serving thread's name) and prints them.
local counts = {}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  counts = {}
end
function response(status, headers, body)
  counts[body] = (counts[body] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do io.write(string.format("split %s=%d\n", k, v)) end
  end
end
