-- Write an analysed document, mark it done and rebuild all its indexes, atomically.
-- Idempotent: the entries a previous save made (recorded in the docidx set) are removed first,
-- and the processing histogram counts each document once (the 'counted' flag in its status hash).
-- KEYS: 1 document, 2 status hash, 3 docidx set, 4 claims hash, 5 failed set, 6 metrics hash,
--       7 time index, 8 entity document-count zset
-- ARGV[1]: JSON {id, document (json text), finished_at, processing_ms, status_prefix,
--                entity_prefix (registry hashes), entity_index_prefix, alias_prefix, aliases_of_prefix,
--                fallback_score (µs), fallback_received_at (both for an article never submitted),
--                plan: {z: [[key, member]...], entities: [[key, name, label]...],
--                       names: [[names zset key, member]...], claims: [[field, json]...],
--                       aliases: [[canonical key, short-form key]...], buckets: [...],
--                       summary: [status hash field, value, ...]}}
-- plan.aliases are registered in the alias store with document counts (recorded in the docidx set as
-- '<canonical>\t<alias key>' so a re-save or delete takes back exactly its own)
-- Returns the previous status ('' if the article was never submitted).
local args = cjson.decode(ARGV[1])
local id = args.id
local prev = redis.call('HGET', KEYS[2], 'status') or ''
local score = redis.call('HGET', KEYS[2], 'score')
if not score then
  score = args.fallback_score
  redis.call('HSET', KEYS[2], 'score', score, 'received_at', args.fallback_received_at, 'attempts', '1')
end
local plan = args.plan

local eprefix = args.entity_index_prefix
local touched = {}  -- entity index keys whose document count may change
local function touch(zkey)
  if string.sub(zkey, 1, #eprefix) == eprefix then touched[zkey] = true end
end

local aprefix, ofprefix = args.alias_prefix, args.aliases_of_prefix
-- one document's share of an alias registration: +1 / -1 on both directions, zero counts removed
local function alias_count(canonical, akey, delta)
  local short = string.sub(akey, #aprefix + 1)
  for _, kv in ipairs({{akey, canonical}, {ofprefix .. canonical, short}}) do
    if tonumber(redis.call('ZINCRBY', kv[1], delta, kv[2])) <= 0 then redis.call('ZREM', kv[1], kv[2]) end
  end
end

-- drop the previous save's index entries
local old = redis.call('SMEMBERS', KEYS[3])
for _, entry in ipairs(old) do
  -- entries are '<member>\t<zset key>': members (ids) never hold a tab, keys might
  local tab = string.find(entry, '\t', 1, true)
  if tab then
    local zkey = string.sub(entry, tab + 1)
    if string.sub(zkey, 1, #aprefix) == aprefix then
      alias_count(string.sub(entry, 1, tab - 1), zkey, -1)
    else
      redis.call('ZREM', zkey, string.sub(entry, 1, tab - 1))
      touch(zkey)
    end
  end
end
redis.call('DEL', KEYS[3], KEYS[4])

for _, s in ipairs({'queued', 'processing', 'done', 'failed'}) do
  redis.call('ZREM', args.status_prefix .. s, id)
end
redis.call('ZADD', args.status_prefix .. 'done', score, id)
redis.call('ZADD', KEYS[7], score, id)
redis.call('ZREM', KEYS[5], id)

for _, z in ipairs(plan.z) do
  redis.call('ZADD', z[1], score, z[2])
  redis.call('SADD', KEYS[3], z[2] .. '\t' .. z[1])
  touch(z[1])
end
-- entity document counts (for "most mentioned" listings), recomputed from the indexes: exact and idempotent
for zkey, _ in pairs(touched) do
  local n = redis.call('ZCARD', zkey)
  local ekey = string.sub(zkey, #eprefix + 1)
  if n > 0 then redis.call('ZADD', KEYS[8], n, ekey) else redis.call('ZREM', KEYS[8], ekey) end
end
for _, a in ipairs(plan.aliases) do
  local akey = aprefix .. a[2]
  if redis.call('SADD', KEYS[3], a[1] .. '\t' .. akey) == 1 then alias_count(a[1], akey, 1) end
end
for _, e in ipairs(plan.entities) do
  redis.call('HSET', args.entity_prefix .. e[1], 'name', e[2], 'label', e[3])
end
for _, n in ipairs(plan.names) do
  redis.call('ZADD', n[1], 0, n[2])
end
for _, c in ipairs(plan.claims) do
  redis.call('HSET', KEYS[4], c[1], c[2])
end

redis.call('SET', KEYS[1], args.document)
redis.call('HDEL', KEYS[2], 'error', 'retry_at')
redis.call('HSET', KEYS[2], 'status', 'done', 'finished_at', args.finished_at, 'processing_ms', args.processing_ms, unpack(plan.summary))

if redis.call('HSETNX', KEYS[2], 'counted', '1') == 1 then
  for _, b in ipairs(plan.buckets) do
    redis.call('HINCRBY', KEYS[6], b, 1)
  end
  redis.call('HINCRBY', KEYS[6], 'count', 1)
  redis.call('HINCRBYFLOAT', KEYS[6], 'sum_ms', args.processing_ms)
end
if args.event then
  redis.call('XADD', args.event.key, 'MAXLEN', '~', args.event.max_len, '*', unpack(args.event.fields))
end
return prev
