-- Atomically accept one article, or recognise it as a duplicate.
-- KEYS: 1 article, 2 status hash, 3 arq job, 4 arq queue, 5 time index, 6 queued-status index,
--       7.. dedupe keys (ext/url/content, those present)
-- ARGV: 1 id, 2 article json, 3 pickled arq job, 4 queue score (ms), 5 received score (µs),
--       6 max queue depth (0 = unbounded), 7 status-key prefix, 8.. status hash field/value pairs
-- Returns {code, id, status}: 0 accepted, 1 duplicate (id = existing id), 2 queue full.
local status_prefix = ARGV[7]
for i = 7, #KEYS do
  local existing = redis.call('GET', KEYS[i])
  if existing then
    local st = redis.call('HGET', status_prefix .. existing, 'status')
    return {1, existing, st or 'unknown'}
  end
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {1, ARGV[1], redis.call('HGET', KEYS[2], 'status') or 'unknown'}
end
local max_depth = tonumber(ARGV[6])
if max_depth > 0 and redis.call('ZCARD', KEYS[4]) >= max_depth then
  return {2, ARGV[1], 'rejected'}
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 8))
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[5], ARGV[1])
for i = 7, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1])
end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
return {0, ARGV[1], 'queued'}
