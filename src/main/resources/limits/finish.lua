-- What a call gives back when it ends, in one round trip. KEYS: the budget accounts to settle, the buckets to
-- correct, the in-flight sets to leave. ARGV[1..3]: how many of each; then each settlement's release (minus
-- the reservation), spend and forget-at (as settle.lua); each correction's limit and delta (as adjust.lua);
-- then the request id.
local settles, adjusts, leaves = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local at = 3
for i = 1, settles do
  budget_settle(KEYS[i], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3])
  at = at + 3
end
for i = settles + 1, settles + adjusts do
  adjust(KEYS[i], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]))
  at = at + 2
end
for i = settles + adjusts + 1, settles + adjusts + leaves do
  redis.call('ZREM', KEYS[i], ARGV[at + 1])
end
return 1
