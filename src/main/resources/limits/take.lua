-- KEYS: the buckets; ARGV: limit and amount of each, in KEYS order.
-- All or nothing: every bucket is checked before any is written. Returns {1, remaining of each} or
-- {0, index of the first bucket short, milliseconds until it holds the amount: shortfall * 60000 / limit}.
local after = {}
for i, key in ipairs(KEYS) do
  local limit, amount = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  -- a bucket named twice gives its second amount from what its first left
  local tokens = after[key] or tokens_now(key, limit)
  if tokens < amount then
    return {0, i - 1, math.ceil((amount - tokens) * PERIOD_US / limit / 1000)}
  end
  after[key] = tokens - amount
end
local reply = {1}
for i, key in ipairs(KEYS) do
  store(key, tonumber(ARGV[2 * i - 1]), after[key])
  reply[i + 1] = math.floor(after[key])
end
return reply
