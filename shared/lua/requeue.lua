-- Put a failed article back on the queue (POST /v1/articles/{id}/retry).
-- KEYS: 1 status hash, 2 failed set, 3 arq job, 4 arq queue, 5 arq result, 6 arq retry, 7 article
-- ARGV: 1 id, 2 status-index prefix, 3 pickled arq job, 4 queue score (ms)
-- Returns {1, 'queued'}, {0, current status} when not failed, {-1, ''} for an unknown id.
local prev = redis.call('HGET', KEYS[1], 'status')
if not prev then return {-1, ''} end
if prev ~= 'failed' or redis.call('EXISTS', KEYS[7]) == 0 then return {0, prev} end
local score = redis.call('HGET', KEYS[1], 'score') or '0'
redis.call('ZREM', ARGV[2] .. 'failed', ARGV[1])
redis.call('ZADD', ARGV[2] .. 'queued', score, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local err = redis.call('HGET', KEYS[1], 'error')
if err then redis.call('HSET', KEYS[1], 'last_error', err) end
redis.call('HDEL', KEYS[1], 'error', 'started_at', 'finished_at', 'retry_at')
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', '0')
redis.call('DEL', KEYS[5], KEYS[6])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
return {1, 'queued'}
