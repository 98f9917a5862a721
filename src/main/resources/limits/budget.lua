-- Budget accounts: each a hash {spent, reserved} of integer nano-dollars (HINCRBY keeps them exact).

-- What is reserved from an account that has `room` left when `amount` is asked: the amount, or clamped
-- ('1') what room is left when there is some; nil when nothing is.
local function budget_reservation(room, amount, clamp)
  if tonumber(amount) <= room then
    return amount
  end
  return (clamp == '1' and room > 0) and string.format('%.0f', room) or nil
end

-- The room an account has under `limit`, and its spend; an account Redis has not seen starts at `seed`.
local function budget_room(key, limit, seed)
  redis.call('HSETNX', key, 'spent', seed)
  local state = redis.call('HMGET', key, 'spent', 'reserved')
  return tonumber(limit) - tonumber(state[1]) - (tonumber(state[2]) or 0), state[1]
end

-- Keeps the account until the end of its period plus the grace (epoch milliseconds), or for good ('').
local function budget_keep_until(key, forget_at)
  if forget_at ~= '' then
    redis.call('PEXPIREAT', key, forget_at)
  end
end

-- Ends a reservation: `release` (minus the amount reserved) leaves the reservations and `spent` is added to
-- the spend. An account Redis has forgotten is left alone: its next reservation seeds it again from the
-- spend the database recorded, this one included.
local function budget_settle(key, release, spent, forget_at)
  if redis.call('EXISTS', key) == 0 then
    return
  end
  if redis.call('HINCRBY', key, 'reserved', release) < 0 then
    -- a reservation settled twice must not make room that was never reserved
    redis.call('HSET', key, 'reserved', '0')
  end
  redis.call('HINCRBY', key, 'spent', spent)
  budget_keep_until(key, forget_at)
end
