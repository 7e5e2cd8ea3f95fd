-- Counts responses per body (the serving thread's name); done() prints the
-- counts of every wrk thread as "split <body>=<count>" lines.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
counts = {}
snapshot = ""
function response(status, headers, body)
  counts[body] = (counts[body] or 0) + 1
  local parts = {}
  for k, v in pairs(counts) do table.insert(parts, k .. "=" .. v) end
  snapshot = table.concat(parts, "\n")
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for line in string.gmatch(thread:get("snapshot"), "[^\n]+") do
      io.write("split " .. line .. "\n")
    end
  end
end
