-- The log-in throttle in one step, so that parallel attempts cannot all pass one check.
-- KEYS[1]: the counter of one e-mail address. ARGV[1]: 'reserve' or 'release';
-- ARGV[2]: the most failures in a window; ARGV[3]: the window in seconds.
-- reserve: refused (returns the seconds to wait, >= 1) when the window already holds the most
--          failures; otherwise counts this attempt as a failure in advance (returns 0). The caller
--          keeps the count when the password was wrong and deletes the key when it was right.
-- release: gives back a reservation for an attempt that was never judged (returns 0).
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[1] == 'release' then
  if count > 0 then
    redis.call('DECR', KEYS[1])
  end
  return 0
end
if count >= tonumber(ARGV[2]) then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then
    -- A counter without an expiry would refuse forever: give it the window again.
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    ttl = tonumber(ARGV[3])
  end
  return ttl
end
redis.call('INCR', KEYS[1])
if count == 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 0
