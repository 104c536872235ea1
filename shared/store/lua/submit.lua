-- Atomically accept one article, or recognise it as a duplicate.
-- KEYS: 1 article, 2 status hash, 3 arq job, 4 arq queue, 5 time index, 6 queued-status index,
--       7.. dedupe keys (ext/url/content, those present)
-- ARGV[1]: JSON {id, article (json text), job_hex (the queued job, hex), queue_score (ms),
--                score (received, µs), max_depth (0 = unbounded), status_prefix,
--                fields: [status hash field, value, ...]}
-- Returns {code, id, status}: 0 accepted, 1 duplicate (id = existing id), 2 queue full.
local args = cjson.decode(ARGV[1])
local function unhex(h)
  return (string.gsub(h, '%x%x', function(x) return string.char(tonumber(x, 16)) end))
end
for i = 7, #KEYS do
  local existing = redis.call('GET', KEYS[i])
  if existing then
    local st = redis.call('HGET', args.status_prefix .. existing, 'status')
    return {1, existing, st or 'unknown'}
  end
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {1, args.id, redis.call('HGET', KEYS[2], 'status') or 'unknown'}
end
local max_depth = tonumber(args.max_depth)
if max_depth > 0 and redis.call('ZCARD', KEYS[4]) >= max_depth then
  return {2, args.id, 'rejected'}
end
redis.call('SET', KEYS[1], args.article)
redis.call('HSET', KEYS[2], unpack(args.fields))
redis.call('ZADD', KEYS[5], args.score, args.id)
redis.call('ZADD', KEYS[6], args.score, args.id)
for i = 7, #KEYS do
  redis.call('SET', KEYS[i], args.id)
end
redis.call('SET', KEYS[3], unhex(args.job_hex))
redis.call('ZADD', KEYS[4], args.queue_score, args.id)
return {0, args.id, 'queued'}
