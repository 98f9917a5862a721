-- KEYS[1]: a budget account, a hash {spent, reserved} of integer nano-dollars (HINCRBY keeps them exact).
-- ARGV: limit, amount, clamp ('1' or '0'), the spend to seed an unseen account with, when to forget it
-- (epoch milliseconds, '' for never). Grants when spent + reserved + amount <= limit; clamped, reserves the
-- room left when there is some. Returns {granted 1/0, reserved, spent before}.
redis.call('HSETNX', KEYS[1], 'spent', ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local room = tonumber(ARGV[1]) - tonumber(state[1]) - (tonumber(state[2]) or 0)
local reserve = ARGV[2]
if tonumber(ARGV[2]) > room then
  reserve = (ARGV[3] == '1' and room > 0) and string.format('%.0f', room) or nil
end
if reserve then
  redis.call('HINCRBY', KEYS[1], 'reserved', reserve)
end
if ARGV[5] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
end
return {reserve and 1 or 0, reserve or '0', state[1]}
