-- Move an article to a new status: status hash, status indexes and failed set in one step.
-- KEYS: 1 status hash, 2 failed set
-- ARGV[1]: JSON {id, status (the new one), status_prefix, now_score (for the failed set),
--                require (the current status required: a status, a list of statuses (any of them), or
--                '' = any), require_fields (optional): {field: value} the status hash must hold as well
--                (a run's token, the revision a run read), delete: [fields to delete],
--                fields: [field, value, ...] to set}
-- Returns {1, previous status} or {0, current status} when the required status or a required field did
-- not match (nothing written), or {-1, ''} for an unknown id.
local args = cjson.decode(ARGV[1])
local prev = redis.call('HGET', KEYS[1], 'status')
if not prev then return {-1, ''} end
local req = args.require
if type(req) == 'table' then
  local ok = false
  for _, s in ipairs(req) do if s == prev then ok = true end end
  if not ok then return {0, prev} end
elseif req ~= '' and req ~= prev then
  return {0, prev}
end
if type(args.require_fields) == 'table' then
  for f, v in pairs(args.require_fields) do
    if redis.call('HGET', KEYS[1], f) ~= v then return {0, prev} end
  end
end
local score = redis.call('HGET', KEYS[1], 'score') or '0'
for _, s in ipairs({'queued', 'processing', 'done', 'failed'}) do
  redis.call('ZREM', args.status_prefix .. s, args.id)
end
redis.call('ZADD', args.status_prefix .. args.status, score, args.id)
if args.status == 'failed' then
  redis.call('ZADD', KEYS[2], args.now_score, args.id)
else
  redis.call('ZREM', KEYS[2], args.id)
end
if #args.delete > 0 then redis.call('HDEL', KEYS[1], unpack(args.delete)) end
redis.call('HSET', KEYS[1], 'status', args.status, unpack(args.fields))
if args.event and prev ~= args.status then
  redis.call('XADD', args.event.key, 'MAXLEN', '~', args.event.max_len, '*', unpack(args.event.fields))
end
return {1, prev}
