-- KEYS[1]: the requests in flight under a key, a sorted set of request ids scored by when they entered
-- (Redis's clock, milliseconds). ARGV: the most allowed, the request id, the stale bound in milliseconds.
-- Entries older than the bound belong to requests whose leave was lost (a crashed instance): dropped first.
-- Returns 1 when the request is in (entering twice counts once), 0 when the key is full.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local max, id, stale = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%.0f', now - stale))
if redis.call('ZSCORE', KEYS[1], id) then
  return 1
end
if redis.call('ZCARD', KEYS[1]) >= max then
  return 0
end
redis.call('ZADD', KEYS[1], string.format('%.0f', now), id)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
