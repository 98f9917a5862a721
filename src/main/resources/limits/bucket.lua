-- Token buckets with Bucket4j's greedy refill, on Redis's clock so that every instance agrees:
-- a bucket holds up to `limit` tokens and gains limit / 60e6 of a token each microsecond since its last use.
-- Each bucket is a hash {tokens, at (microseconds), limit}; tokens may be fractional, and negative (a debt).
local PERIOD_US = 60000000
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])

-- Integers go to Redis as plain digits (a Lua number could otherwise be written as 1.5e+12).
local function digits(number)
  return string.format('%.0f', number)
end

-- What a bucket holds now: full when Redis has not seen it (or forgot it, full). A limit changed since its
-- last use keeps what was taken and adds the difference when it grew (Bucket4j's ADDITIVE inheritance).
local function tokens_now(key, limit)
  local state = redis.call('HMGET', key, 'tokens', 'at', 'limit')
  local tokens, at, was = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
  if tokens == nil then
    return limit
  end
  if was ~= limit then
    tokens = math.min(tokens, limit) + math.max(0, limit - was)
  end
  -- a clock that stepped back refills nothing rather than taking back
  return math.min(limit, tokens + math.max(0, now - at) * limit / PERIOD_US)
end

-- Stores what a bucket holds now. It lives two minutes past the moment it is full again: forgetting a full
-- bucket is the same as keeping it.
local function store(key, limit, tokens)
  redis.call('HSET', key, 'tokens', tokens, 'at', digits(now), 'limit', digits(limit))
  redis.call('PEXPIRE', key, digits(math.ceil((limit - tokens) * PERIOD_US / limit / 1000) + 120000))
end
