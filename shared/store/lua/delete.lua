-- Delete a finished (done or failed) article with its document, status, indexes and dedupe keys.
-- KEYS: 1 status hash, 2 article, 3 document, 4 docidx set, 5 claims hash, 6 failed set, 7 time index,
--       8 entity document-count zset, 9.. dedupe keys (deleted only while they still point at this id),
--       then args.n_plain keys deleted outright (revisions, earlier documents, urls)
-- ARGV[1]: JSON {id, status_prefix, entity_index_prefix, alias_prefix, aliases_of_prefix, n_plain,
--                nd: {sig_prefix, band_prefix, links_prefix, cluster_prefix, bands, rows, hex}}
-- The near-duplicate entries go too: LSH bands, signature, links (both ways), cluster membership
-- (the cluster keeps its id even when its first member is deleted).
-- Returns {1, previous status}, {0, current status} when queued/processing, {-1, ''} for an unknown id.
local args = cjson.decode(ARGV[1])
local id = args.id
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {-1, ''} end
if st ~= 'done' and st ~= 'failed' then return {0, st} end
local eprefix, aprefix, ofprefix = args.entity_index_prefix, args.alias_prefix, args.aliases_of_prefix
for _, entry in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  local tab = string.find(entry, '\t', 1, true)
  if tab then
    local zkey = string.sub(entry, tab + 1)
    local member = string.sub(entry, 1, tab - 1)
    if string.sub(zkey, 1, #aprefix) == aprefix then
      -- this document's alias registration: take back its count (both directions)
      local short = string.sub(zkey, #aprefix + 1)
      for _, kv in ipairs({{zkey, member}, {ofprefix .. member, short}}) do
        if tonumber(redis.call('ZINCRBY', kv[1], -1, kv[2])) <= 0 then redis.call('ZREM', kv[1], kv[2]) end
      end
    else
      redis.call('ZREM', zkey, member)
    end
    if string.sub(zkey, 1, #eprefix) == eprefix then
      local ekey = string.sub(zkey, #eprefix + 1)
      local n = redis.call('ZCARD', zkey)
      if n > 0 then redis.call('ZADD', KEYS[8], n, ekey) else redis.call('ZREM', KEYS[8], ekey) end
    end
  end
end
for _, s in ipairs({'queued', 'processing', 'done', 'failed'}) do
  redis.call('ZREM', args.status_prefix .. s, id)
end
redis.call('ZREM', KEYS[6], id)
redis.call('ZREM', KEYS[7], id)
local n_plain = tonumber(args.n_plain or 0)
for i = 9, #KEYS - n_plain do
  if redis.call('GET', KEYS[i]) == id then redis.call('DEL', KEYS[i]) end
end
for i = #KEYS - n_plain + 1, #KEYS do redis.call('DEL', KEYS[i]) end
local nd = args.nd
if nd then
  local w = tonumber(nd.rows) * tonumber(nd.hex)
  local sig = redis.call('GET', nd.sig_prefix .. id)
  if sig then
    for i = 0, tonumber(nd.bands) - 1 do
      redis.call('SREM', nd.band_prefix .. i .. ':' .. string.sub(sig, i * w + 1, (i + 1) * w), id)
    end
  end
  for _, other in ipairs(redis.call('ZRANGE', nd.links_prefix .. id, 0, -1)) do
    redis.call('ZREM', nd.links_prefix .. other, id)
  end
  local cluster = redis.call('HGET', KEYS[1], 'cluster')
  if cluster then redis.call('ZREM', nd.cluster_prefix .. cluster, id) end
  redis.call('DEL', nd.sig_prefix .. id, nd.links_prefix .. id)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return {1, st}
