-- wrk script: one training.epoch event per request, spread over 50 runs, each with its own
-- idempotency id, so every request is a new event the bot must commit before answering.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)  -- a global of that thread's state: no local may shadow it
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  local n = thread_id * 100000000 + counter
  local run = "bench-run-" .. (n % 50)
  local epoch = math.floor(n / 50)
  local loss = 1.0 / (1.0 + epoch / 10.0)
  local body = string.format(
    '{"kind":"training.epoch","id":"wrk-%d","run":"%s","epoch":%d,"metrics":{"loss":%.6f,"val_loss":%.6f,"val_accuracy":%.6f}}',
    n, run, epoch, loss, loss * 1.1, 1.0 - loss / 2.0)
  return wrk.format("POST", "/v1/events", {["Content-Type"] = "application/json"}, body)
end
