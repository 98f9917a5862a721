-- A call's admission in one round trip (admit_one). KEYS: the buckets, then the budget accounts of its first
-- attempt. ARGV[1]: how many buckets; then each bucket's limit and amount; then each account's limit, amount,
-- clamp, seed and forget-at.
local reply = admit_one(KEYS, 0, #KEYS, ARGV, 0)
flush_buckets()
flush_accounts()
return reply
