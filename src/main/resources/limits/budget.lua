-- Budget accounts: each a hash {spent, reserved} of integer nano-dollars (HINCRBY keeps them exact).

-- What is reserved from an account that has `room` left when `amount` is asked: the amount, or clamped
-- ('1') what room is left when there is some; nil when nothing is.
local function budget_reservation(room, amount, clamp)
  if tonumber(amount) <= room then
    return amount
  end
  return (clamp == '1' and room > 0) and string.format('%.0f', room) or nil
end

-- What an admission script read of each account, and what it reserved there: a script that admits several
-- calls (admit_many.lua) reads each account once and writes it once, at the end (flush_accounts).
local accounts = {}
local accounts_order = {}

-- The room an account has under `limit`, and its spend; an account Redis has not seen starts at `seed`. It is
-- kept until `forget_at` (as budget_keep_until; the last one given wins).
local function budget_room(key, limit, seed, forget_at)
  local account = accounts[key]
  if account == nil then
    redis.call('HSETNX', key, 'spent', seed)
    local state = redis.call('HMGET', key, 'spent', 'reserved')
    account = {spent = state[1], reserved = tonumber(state[2]) or 0, added = 0, forget_at = ''}
    accounts[key] = account
    accounts_order[#accounts_order + 1] = key
  end
  account.forget_at = forget_at
  return tonumber(limit) - tonumber(account.spent) - account.reserved - account.added, account.spent
end

-- Reserves `amount` (digits) of an account budget_room has read.
local function budget_reserve(key, amount)
  local account = accounts[key]
  account.added = account.added + tonumber(amount)
end

-- Writes what the script reserved, and each account's forget-at.
local function flush_accounts()
  for _, key in ipairs(accounts_order) do
    local account = accounts[key]
    if account.added ~= 0 then
      redis.call('HINCRBY', key, 'reserved', string.format('%.0f', account.added))
    end
    if account.forget_at ~= '' then
      redis.call('PEXPIREAT', key, account.forget_at)
    end
  end
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
