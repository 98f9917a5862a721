-- The admissions of several calls made in one round of an event loop, in one round trip, as admit.lua would
-- make them one after another (a later call sees what an earlier one took), each bucket and account read
-- and written once. ARGV[1]: how many calls; then each call's number of keys and of arguments; then every
-- call's arguments (as admit.lua's), in order. KEYS: every call's keys (as admit.lua's), in order.
-- Returns each call's reply (as admit.lua's).
local calls = tonumber(ARGV[1])
local key, arg = 0, 1 + 2 * calls
local replies = {}
for i = 1, calls do
  local keys, args = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  replies[i] = admit_one(KEYS, key, keys, ARGV, arg)
  key, arg = key + keys, arg + args
end
flush_buckets()
flush_accounts()
return replies
