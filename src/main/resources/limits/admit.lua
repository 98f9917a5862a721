-- A call's admission in one round trip. KEYS: the buckets, then the budget accounts of its first attempt.
-- ARGV[1]: how many buckets; then each bucket's limit and amount; then each account's limit, amount, clamp,
-- seed and forget-at (as reserve.lua). Takes from every bucket or none (take_all); when it took, reserves
-- from every account or none. Returns take_all's {0, index short, millis} when a bucket is short, else
-- {1, remaining of each bucket..., index of the first account short or -1, then reserved and spent before
-- of each account (0 and its spend when none was reserved)}.
local buckets = tonumber(ARGV[1])
local reply = take_all(KEYS, 0, ARGV, 1, buckets)
if reply[1] == 0 then
  return reply
end
local base = 1 + 2 * buckets
local reserves, spents, refused = {}, {}, -1
for i = buckets + 1, #KEYS do
  local at = base + 5 * (i - buckets - 1)
  local room, spent = budget_room(KEYS[i], ARGV[at + 1], ARGV[at + 4])
  spents[i] = spent
  reserves[i] = budget_reservation(room, ARGV[at + 2], ARGV[at + 3])
  budget_keep_until(KEYS[i], ARGV[at + 5])
  if reserves[i] == nil and refused < 0 then
    refused = i - buckets - 1
  end
end
reply[#reply + 1] = refused
for i = buckets + 1, #KEYS do
  local reserve = refused < 0 and reserves[i] or '0'
  if refused < 0 then
    redis.call('HINCRBY', KEYS[i], 'reserved', reserve)
  end
  reply[#reply + 1] = reserve
  reply[#reply + 1] = spents[i]
end
return reply
