-- KEYS: the buckets; ARGV: limit and amount of each, in KEYS order. All or nothing (take_all).
local reply = take_all(KEYS, 0, ARGV, 0, #KEYS)
flush_buckets()
return reply
