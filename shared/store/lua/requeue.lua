-- Put a failed article back on the queue (POST /v1/articles/{id}/retry).
-- KEYS: 1 status hash, 2 failed set, 3 arq queue, 4 article
-- ARGV[1]: JSON {id, status_prefix, job (the queued job record, json text), queue_score (ms), wake (channel),
--                max_lifetime_attempts (text; "0" = no cap), run_fields (the fields of a run's end, dropped:
--                RUN_FIELDS of shared/store/status.py), job_prefix, result_prefix, retry_prefix (arq's keys)}
-- The job is queued under the id of the article's CURRENT revision's job (as submit.lua names it: the id for
-- revision 1, id:rN for N >= 2; a worker ends a job of an older revision unrun), its retry counter and
-- result cleared (a new round of attempts).
-- Returns {1, 'queued'}, {0, current status} when not failed, {-1, ''} for an unknown id,
-- {-2, attempts used in all (text)} when the lifetime cap on attempts is reached.
-- A retry starts a new round of attempts (attempts = 0); the rounds before add up in prior_attempts.
local args = cjson.decode(ARGV[1])
local prev = redis.call('HGET', KEYS[1], 'status')
if not prev then return {-1, ''} end
if prev ~= 'failed' or redis.call('EXISTS', KEYS[4]) == 0 then return {0, prev} end
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
local rev = tonumber(redis.call('HGET', KEYS[1], 'revision') or '1') or 1
local job_id = args.id
if rev > 1 then job_id = args.id .. ':r' .. rev end
redis.call('DEL', args.result_prefix .. job_id, args.retry_prefix .. job_id)
redis.call('SET', args.job_prefix .. job_id, args.job)
redis.call('ZADD', KEYS[3], args.queue_score, job_id)
redis.call('PUBLISH', args.wake, '1')
return {1, 'queued'}
