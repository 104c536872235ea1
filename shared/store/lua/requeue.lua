-- Put a failed article back on the queue (POST /v1/articles/{id}/retry).
-- KEYS: 1 status hash, 2 failed set, 3 arq job, 4 arq queue, 5 arq result, 6 arq retry, 7 article
-- ARGV[1]: JSON {id, status_prefix, job (the queued job record, json text), queue_score (ms), wake (channel),
--                max_lifetime_attempts (text; "0" = no cap), run_fields (the fields of a run's end, dropped:
--                RUN_FIELDS of shared/store/status.py)}
-- Returns {1, 'queued'}, {0, current status} when not failed, {-1, ''} for an unknown id,
-- {-2, attempts used in all (text)} when the lifetime cap on attempts is reached.
-- A retry starts a new round of attempts (attempts = 0); the rounds before add up in prior_attempts.
local args = cjson.decode(ARGV[1])
local prev = redis.call('HGET', KEYS[1], 'status')
if not prev then return {-1, ''} end
if prev ~= 'failed' or redis.call('EXISTS', KEYS[7]) == 0 then return {0, prev} end
local used = (tonumber(redis.call('HGET', KEYS[1], 'attempts')) or 0)
  + (tonumber(redis.call('HGET', KEYS[1], 'prior_attempts')) or 0)
local cap = tonumber(args.max_lifetime_attempts) or 0
if cap > 0 and used >= cap then return {-2, tostring(used)} end
local score = redis.call('HGET', KEYS[1], 'score') or '0'
redis.call('ZREM', args.status_prefix .. 'failed', args.id)
redis.call('ZADD', args.status_prefix .. 'queued', score, args.id)
redis.call('ZREM', KEYS[2], args.id)
local err = redis.call('HGET', KEYS[1], 'error')
if err then redis.call('HSET', KEYS[1], 'last_error', err) end
redis.call('HDEL', KEYS[1], 'error', 'started_at', 'retry_at', unpack(args.run_fields))  -- a new run
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', '0', 'prior_attempts', tostring(used))
redis.call('DEL', KEYS[5], KEYS[6])
redis.call('SET', KEYS[3], args.job)
redis.call('ZADD', KEYS[4], args.queue_score, args.id)
redis.call('PUBLISH', args.wake, '1')
return {1, 'queued'}
