-- Write an analysed document, mark it done and rebuild all its indexes, atomically.
-- Idempotent: the entries a previous save made (recorded in the docidx set) are removed first,
-- and the processing and wait histograms count each document once (the 'counted' flag in its status hash).
-- KEYS: 1 document, 2 status hash, 3 docidx set, 4 claims hash, 5 failed set, 6 metrics hash (processing_ms),
--       7 time index, 8 entity document-count zset, 11 wait metrics hash (wait_ms)
-- ARGV[1]: JSON {id, document (json text), finished_at, processing_ms, wait_ms ('' = not known), status_prefix,
--                entity_prefix (registry hashes), entity_index_prefix, alias_prefix, aliases_of_prefix,
--                fallback_score (µs), fallback_received_at (both for an article never submitted),
--                plan: {z: [[key, member]...], entities: [[key, name, label]...],
--                       names: [[names zset key, member]...], claims: [[field, json]...],
--                       aliases: [[canonical key, short-form key]...], buckets: [...],
--                       wait_buckets: [...] (empty when wait_ms is not known),
--                       summary: [status hash field, value, ...]}}
-- plan.aliases are registered in the alias store with document counts (recorded in the docidx set as
-- '<canonical>\t<alias key>' so a re-save or delete takes back exactly its own)
-- Revisions (KEYS 9 revisions list, 10 earlier documents hash): args.revision is the revision analysed,
-- args.text_sha the hash of its title + text, args.keep the revisions kept. An older revision than the
-- current document's is dropped ('stale'); the same text as the current document's is recorded as
-- unchanged (the analysis is kept: 'unchanged'); otherwise the current document moves to KEYS[10]
-- and the new one replaces it with every index, in this one step. The status becomes done only for
-- the latest revision. Near-duplicates (args.nd, optional): see near_dups below.
-- args.event (optional): {key, max_len, fields} XADDed when this save makes the article done (the latest
-- revision, unchanged or not); a stale save or an earlier revision adds none.
-- Returns the previous status ('' if the article was never submitted), or 'stale' / 'unchanged'.
local args = cjson.decode(ARGV[1])
local id = args.id
local prev = redis.call('HGET', KEYS[2], 'status') or ''
local score = redis.call('HGET', KEYS[2], 'score')
if not score then
  score = args.fallback_score
  redis.call('HSET', KEYS[2], 'score', score, 'received_at', args.fallback_received_at, 'attempts', '1')
end
local plan = args.plan
local rev = tonumber(args.revision)
local latest = tonumber(redis.call('HGET', KEYS[2], 'revision') or '0')
if latest < rev then latest = rev; redis.call('HSET', KEYS[2], 'revision', tostring(rev)) end
local doc_rev = tonumber(redis.call('HGET', KEYS[2], 'doc_revision') or '0')
local finished = rev >= latest
local function finish()
  if not finished then return end
  for _, s in ipairs({'queued', 'processing', 'done', 'failed'}) do redis.call('ZREM', args.status_prefix .. s, id) end
  redis.call('ZADD', args.status_prefix .. 'done', score, id)
  redis.call('ZREM', KEYS[5], id)
  redis.call('HDEL', KEYS[2], 'error', 'retry_at')
  redis.call('HSET', KEYS[2], 'status', 'done', 'finished_at', args.finished_at, 'processing_ms', args.processing_ms)
  if args.wait_ms and args.wait_ms ~= '' then
    redis.call('HSET', KEYS[2], 'wait_ms', args.wait_ms)
  else
    redis.call('HDEL', KEYS[2], 'wait_ms')
  end
  -- the article.done event (args.event, optional): only for the revision that made the article done
  if args.event and args.event ~= cjson.null then
    redis.call('XADD', args.event.key, 'MAXLEN', '~', args.event.max_len, '*', unpack(args.event.fields))
  end
end
if rev < doc_rev then
  return 'stale'
end
if rev > doc_rev and doc_rev > 0 and redis.call('HGET', KEYS[2], 'text_sha') == args.text_sha
    and redis.call('EXISTS', KEYS[1]) == 1 then
  -- a re-crawl whose main text did not change: keep the analysis, record the revision as unchanged
  local entries = redis.call('LRANGE', KEYS[9], 0, -1)
  for i, e in ipairs(entries) do
    local entry = cjson.decode(e)
    if tonumber(entry.revision) == rev then
      entry.unchanged = true
      entry.same_as = doc_rev
      redis.call('LSET', KEYS[9], i - 1, cjson.encode(entry))
    end
  end
  finish()
  return 'unchanged'
end
if rev > doc_rev and doc_rev > 0 then
  local old = redis.call('GET', KEYS[1])
  if old then redis.call('HSET', KEYS[10], tostring(doc_rev), old) end
  for _, f in ipairs(redis.call('HKEYS', KEYS[10])) do
    if tonumber(f) <= rev - tonumber(args.keep) then redis.call('HDEL', KEYS[10], f) end
  end
end
redis.call('HSET', KEYS[2], 'doc_revision', tostring(rev), 'text_sha', args.text_sha)

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

redis.call('ZADD', KEYS[7], score, id)

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
redis.call('HSET', KEYS[2], unpack(plan.summary))
finish()

if redis.call('HSETNX', KEYS[2], 'counted', '1') == 1 then
  for _, b in ipairs(plan.buckets) do
    redis.call('HINCRBY', KEYS[6], b, 1)
  end
  redis.call('HINCRBY', KEYS[6], 'count', 1)
  redis.call('HINCRBYFLOAT', KEYS[6], 'sum_ms', args.processing_ms)
  if args.wait_ms and args.wait_ms ~= '' then  -- the same run's wait, when the save knows it
    for _, b in ipairs(plan.wait_buckets) do
      redis.call('HINCRBY', KEYS[11], b, 1)
    end
    redis.call('HINCRBY', KEYS[11], 'count', 1)
    redis.call('HINCRBYFLOAT', KEYS[11], 'sum_ms', args.wait_ms)
  end
end
-- near_dups: args.nd = {sig (hex), bands, rows, hex (digits per hash), threshold, sig_prefix, band_prefix,
-- links_prefix, cluster_prefix, hash_prefix (status hashes)}. The document's previous bands and links
-- are taken back, its LSH bands looked up (candidates = ids sharing a band), candidates whose estimated
-- Jaccard similarity (equal signature positions / all) reaches the threshold are linked both ways, and
-- a document without a cluster joins the earliest cluster among its matches (else founds its own).
-- Cluster membership is kept once given, so cluster ids never change and a re-run adds no member twice.
local nd = args.nd
if nd and nd ~= cjson.null then
  local sigkey = nd.sig_prefix .. id
  nd.bands, nd.rows, nd.hex = tonumber(nd.bands), tonumber(nd.rows), tonumber(nd.hex)
  local w = nd.rows * nd.hex
  local function band_key(sig, i) return nd.band_prefix .. i .. ':' .. string.sub(sig, i * w + 1, (i + 1) * w) end
  local old = redis.call('GET', sigkey)
  if old then for i = 0, nd.bands - 1 do redis.call('SREM', band_key(old, i), id) end end
  local lkey = nd.links_prefix .. id
  for _, other in ipairs(redis.call('ZRANGE', lkey, 0, -1)) do redis.call('ZREM', nd.links_prefix .. other, id) end
  redis.call('DEL', lkey)
  local seen, best, best_score = {}, nil, nil
  local n = #nd.sig / nd.hex
  local threshold = tonumber(nd.threshold)
  for i = 0, nd.bands - 1 do
    for _, m in ipairs(redis.call('SMEMBERS', band_key(nd.sig, i))) do
      if m ~= id and not seen[m] then
        seen[m] = true
        local osig = redis.call('GET', nd.sig_prefix .. m)
        if osig and #osig == #nd.sig then
          local eq = 0
          for j = 0, n - 1 do
            local a = j * nd.hex + 1
            if string.sub(osig, a, a + nd.hex - 1) == string.sub(nd.sig, a, a + nd.hex - 1) then eq = eq + 1 end
          end
          if eq / n >= threshold then
            local sim = string.format('%.4f', eq / n)
            redis.call('ZADD', lkey, sim, m)
            redis.call('ZADD', nd.links_prefix .. m, sim, id)
            local cl = redis.call('HGET', nd.hash_prefix .. m, 'cluster')
            if cl then
              local cs = tonumber(redis.call('ZSCORE', nd.cluster_prefix .. cl, cl) or '0')
              if not best or cs < best_score or (cs == best_score and cl < best) then best, best_score = cl, cs end
            end
          end
        end
      end
    end
  end
  redis.call('SET', sigkey, nd.sig)
  for i = 0, nd.bands - 1 do redis.call('SADD', band_key(nd.sig, i), id) end
  local mine = redis.call('HGET', KEYS[2], 'cluster')
  if not mine then
    mine = best or id
    redis.call('HSET', KEYS[2], 'cluster', mine)
  end
  redis.call('ZADD', nd.cluster_prefix .. mine, score, id)
end
return prev
