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

-- What this script took or gave back, per bucket: a script that admits several calls (admit_many.lua) reads
-- each bucket from Redis once and writes it once, at the end (flush_buckets), however many calls use it.
local buckets_held = {}
local buckets_order = {}

-- What a bucket holds now: full when Redis has not seen it (or forgot it, full). A limit changed since its
-- last use keeps what was taken and adds the difference when it grew (Bucket4j's ADDITIVE inheritance).
local function tokens_now(key, limit)
  local tokens, at, was
  local held = buckets_held[key]
  if held ~= nil then
    tokens, at, was = held.tokens, now, held.limit
  else
    local state = redis.call('HMGET', key, 'tokens', 'at', 'limit')
    tokens, at, was = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
    if tokens == nil then
      return limit
    end
  end
  if was ~= limit then
    tokens = math.min(tokens, limit) + math.max(0, limit - was)
  end
  -- a clock that stepped back refills nothing rather than taking back
  return math.min(limit, tokens + math.max(0, now - at) * limit / PERIOD_US)
end

-- What a bucket holds now, kept until flush_buckets writes it.
local function store(key, limit, tokens)
  if buckets_held[key] == nil then
    buckets_order[#buckets_order + 1] = key
  end
  buckets_held[key] = {tokens = tokens, limit = limit}
end

-- Writes every bucket the script changed. Each lives two minutes past the moment it is full again:
-- forgetting a full bucket is the same as keeping it.
local function flush_buckets()
  for _, key in ipairs(buckets_order) do
    local held = buckets_held[key]
    redis.call('HSET', key, 'tokens', held.tokens, 'at', digits(now), 'limit', digits(held.limit))
    redis.call('PEXPIRE', key, digits(math.ceil((held.limit - held.tokens) * PERIOD_US / held.limit / 1000) + 120000))
  end
end

-- Takes from `count` buckets (kept until flush_buckets), keys[first + i] with limit and amount at args[arg + 2i - 1] and args[arg + 2i],
-- all or nothing: every bucket is checked before any is written. Returns {1, remaining of each} or
-- {0, index of the first bucket short, milliseconds until it holds the amount: shortfall * 60000 / limit}.
local function take_all(keys, first, args, arg, count)
  local after = {}
  for i = 1, count do
    local key, limit, amount = keys[first + i], tonumber(args[arg + 2 * i - 1]), tonumber(args[arg + 2 * i])
    -- a bucket named twice gives its second amount from what its first left
    local tokens = after[key] or tokens_now(key, limit)
    if tokens < amount then
      return {0, i - 1, math.ceil((amount - tokens) * PERIOD_US / limit / 1000)}
    end
    after[key] = tokens - amount
  end
  local reply = {1}
  for i = 1, count do
    local key = keys[first + i]
    store(key, tonumber(args[arg + 2 * i - 1]), after[key])
    reply[i + 1] = math.floor(after[key])
  end
  return reply
end

-- Corrects a bucket: a positive delta takes more, below zero if need be (the refill pays the debt off
-- before the bucket grants again); a negative one gives back, up to the limit.
local function adjust(key, limit, delta)
  store(key, limit, math.min(limit, tokens_now(key, limit) - delta))
end
