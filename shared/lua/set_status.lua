-- Move an article to a new status: status hash, status indexes and failed set in one step.
-- KEYS: 1 status hash, 2 failed set
-- ARGV: 1 id, 2 new status, 3 status-index prefix, 4 now score (for the failed set),
--       5 required current status ('' = any), 6 json array of fields to delete,
--       7.. field/value pairs to set
-- Returns {1, previous status} or {0, current status} when the required status did not match,
-- or {-1, ''} for an unknown id.
local prev = redis.call('HGET', KEYS[1], 'status')
if not prev then return {-1, ''} end
if ARGV[5] ~= '' and ARGV[5] ~= prev then return {0, prev} end
local score = redis.call('HGET', KEYS[1], 'score') or '0'
for _, s in ipairs({'queued', 'processing', 'done', 'failed'}) do
  redis.call('ZREM', ARGV[3] .. s, ARGV[1])
end
redis.call('ZADD', ARGV[3] .. ARGV[2], score, ARGV[1])
if ARGV[2] == 'failed' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
local dels = cjson.decode(ARGV[6])
if #dels > 0 then redis.call('HDEL', KEYS[1], unpack(dels)) end
redis.call('HSET', KEYS[1], 'status', ARGV[2], unpack(ARGV, 7))
return {1, prev}
