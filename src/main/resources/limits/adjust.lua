-- KEYS[1]: a bucket; ARGV: its limit, and the correction. A positive delta takes more, below zero if need
-- be (the refill pays the debt off before the bucket grants again); a negative one gives back, up to the limit.
local limit, delta = tonumber(ARGV[1]), tonumber(ARGV[2])
store(KEYS[1], limit, math.min(limit, tokens_now(KEYS[1], limit) - delta))
return 1
