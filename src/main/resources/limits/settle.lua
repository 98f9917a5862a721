-- KEYS[1]: a budget account {spent, reserved}; ARGV: minus the reservation to release, the spend to add, when to
-- forget the account (epoch milliseconds, '' for never). An account Redis has forgotten is left alone: its
-- next reservation seeds it again from the spend the database recorded, this one included.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[1]) < 0 then
  -- a reservation settled twice must not make room that was never reserved
  redis.call('HSET', KEYS[1], 'reserved', '0')
end
redis.call('HINCRBY', KEYS[1], 'spent', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
end
return 1
