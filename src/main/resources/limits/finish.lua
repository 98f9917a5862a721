-- What calls give back when they end, gathered over a short window (PendingFinishes), in one round trip.
-- KEYS: the budget accounts to settle, the buckets to correct, the in-flight sets to leave, each once.
-- ARGV[1..3]: how many of each; then each settlement's release (minus the reservations), spend and forget-at
-- (as settle.lua); each correction's limit and delta (as adjust.lua); then, for each in-flight set, how many
-- request ids leave it and those ids.
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
at = at + 1
for i = settles + adjusts + 1, settles + adjusts + leaves do
  local ids = tonumber(ARGV[at])
  for j = 1, ids do
    redis.call('ZREM', KEYS[i], ARGV[at + j])
  end
  at = at + ids + 1
end
flush_buckets()
return 1
