/**
 * Token buckets, checked and charged all-or-nothing across several keys in one round trip.
 * Each bucket is a hash {t: tokens, ts: last refill in ms}; time comes from the Redis server so
 * replicas with skewed clocks agree.
 *
 * KEYS: the buckets. ARGV[1]: mode (`strict`: every bucket must hold its cost; `debt`: every
 * bucket must hold min(cost, 1) and may go negative; `force`: always charge). Then per bucket:
 * tokens per ms, burst, cost.
 * Returns {allowed (0|1), wait in ms until it would be allowed}.
 */
export const TAKE_TOKENS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode = ARGV[1]
local tokens = {}
local wait = 0
for i = 1, #KEYS do
  local rate = tonumber(ARGV[i * 3 - 1])
  local burst = tonumber(ARGV[i * 3])
  local cost = tonumber(ARGV[i * 3 + 1])
  local state = redis.call('HMGET', KEYS[i], 't', 'ts')
  local tk = tonumber(state[1])
  local ts = tonumber(state[2])
  if tk == nil or ts == nil then tk = burst; ts = now end
  tk = math.min(burst, tk + math.max(0, now - ts) * rate)
  tokens[i] = tk
  local need = math.min(cost, burst)
  if mode == 'debt' then need = math.min(cost, 1) end
  if mode ~= 'force' and tk < need then
    wait = math.max(wait, math.ceil((need - tk) / rate))
  end
end
if wait > 0 then return {0, wait} end
for i = 1, #KEYS do
  local rate = tonumber(ARGV[i * 3 - 1])
  local burst = tonumber(ARGV[i * 3])
  local cost = tonumber(ARGV[i * 3 + 1])
  local left = math.max(tokens[i] - cost, -burst)
  redis.call('HSET', KEYS[i], 't', tostring(left), 'ts', now)
  redis.call('PEXPIRE', KEYS[i], math.ceil((burst - left) / rate) + 1000)
end
return {1, 0}
`;

/**
 * A bounded set of leases: KEYS[1] a sorted set of members scored by lease expiry (ms).
 * ARGV: max, lease ms, member. Returns 1 when the member holds a slot (new or renewed), else 0.
 */
export const ACQUIRE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) and redis.call('ZCARD', KEYS[1]) >= max then
  return 0
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], lease * 2)
return 1
`;

/** Renews the leases of ARGV[2..] in KEYS[1] by ARGV[1] ms, only for members still there. */
export const RENEW_SLOTS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], lease * 2)
return 1
`;
