-- Token bucket, atomically (mirrors dev.tessera.gateway.ratelimit.TokenBucket).
-- KEYS[1] bucket key; ARGV[1] capacity; ARGV[2] refill per second; ARGV[3] ttl in ms;
-- ARGV[4] tokens to take if one is there: 1, or 0 to ask without taking.
-- Uses the server's clock, so every gateway instance agrees on time.
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local t = redis.call('TIME')
-- Milliseconds: Lua 5.1 prints numbers with 14 significant digits, enough for ms, not for µs.
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(stored[1])
local at = tonumber(stored[2])
if tokens == nil or at == nil then
  tokens = capacity
else
  local elapsed = math.max(0, now - at)
  tokens = math.min(capacity, tokens + elapsed * rate / 1000)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ttl)
local retry = 0
if allowed == 0 then
  retry = math.ceil((1 - tokens) / rate * 1000)
end
local reset = math.ceil((capacity - tokens) / rate)
return {allowed, math.floor(tokens), retry, reset}
