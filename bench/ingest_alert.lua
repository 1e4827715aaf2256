-- wrk script: the same load against Alertmanager, one alert per request (POST /api/v2/alerts),
-- spread over the same 50 "runs" as alert groups.
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format(
    '[{"labels":{"alertname":"TrainingEpoch","run":"bench-run-%d","epoch":"%d"},"annotations":{"summary":"loss %.6f"}}]',
    counter % 50, math.floor(counter / 50), 1.0 / (1.0 + counter / 500.0))
  return wrk.format("POST", "/api/v2/alerts", {["Content-Type"] = "application/json"}, body)
end
