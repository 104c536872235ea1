-- Atomically accept one article (or a new revision of it), or recognise it as a duplicate.
-- KEYS: 1 article, 2 status hash, 3 arq queue, 4 time index, 5 identity key (the strongest dedupe key),
--       6 content key, 7 revisions list, 8 urls hash
-- ARGV[1]: JSON {id, article (json text), job (the queued job record, json text), queue_score (ms), wake (channel), job_prefix,
--                score (received, µs), max_depth (0 = unbounded), status_prefix (hashes), index_prefix (status
--                indexes), failed_key, urls_prefix, received_at,
--                content (16 hex), content_sha256, keep (revisions listed), url_key ('' = none),
--                url_digest, url_entry (json {url, first_seen}), fields: [status hash field, value, ...]}
-- Identity: KEYS[5] names the article (external_id, else url, else content). Same identity and the
-- same content: a duplicate. Same identity, new content: a new revision, queued. A new identity whose
-- content is already known under another: a duplicate of that article, and the url joins its urls.
-- Returns {code, id, status, revision}: 0 accepted, 1 duplicate (id = existing id), 2 queue full,
-- 3 the identity key names another id (the caller retries with that id).
local args = cjson.decode(ARGV[1])
local id = args.id
local sp = args.status_prefix
local ip = args.index_prefix

local function provenance(target)
  if args.url_key ~= '' then
    redis.call('SET', args.url_key, target, 'NX')
    redis.call('HSETNX', KEYS[8], args.url_digest, args.url_entry)
  end
end
local function queue_full()
  local max_depth = tonumber(args.max_depth)
  return max_depth > 0 and redis.call('ZCARD', KEYS[3]) >= max_depth
end
local function enqueue(rev)
  local job_id = id
  if rev > 1 then job_id = id .. ':r' .. rev end  -- a job per revision: a running one never swallows it
  redis.call('SET', args.job_prefix .. job_id, args.job)
  redis.call('ZADD', KEYS[3], args.queue_score, job_id)
  redis.call('PUBLISH', args.wake, '1')  -- wakes an idle worker now instead of at its next poll
end
local function add_revision(rev)
  redis.call('RPUSH', KEYS[7], cjson.encode({revision = rev, received_at = args.received_at,
                                             content_sha256 = args.content_sha256}))
  redis.call('LTRIM', KEYS[7], -tonumber(args.keep), -1)
end

local owner = redis.call('GET', KEYS[5])
if owner and owner ~= id then return {3, owner, '', 0} end
if redis.call('EXISTS', KEYS[2]) == 1 then
  -- the same identity
  local st = redis.call('HGET', KEYS[2], 'status') or 'unknown'
  local rev = tonumber(redis.call('HGET', KEYS[2], 'revision') or '1')
  if redis.call('HGET', KEYS[2], 'content') == args.content then
    provenance(id)
    return {1, id, st, rev}
  end
  if queue_full() then return {2, id, 'rejected', rev} end
  rev = rev + 1
  redis.call('SET', KEYS[1], args.article)
  for _, s in ipairs({'queued', 'processing', 'done', 'failed'}) do redis.call('ZREM', ip .. s, id) end
  local score = redis.call('HGET', KEYS[2], 'score') or args.score
  redis.call('ZADD', ip .. 'queued', score, id)
  redis.call('ZREM', args.failed_key, id)
  redis.call('HDEL', KEYS[2], 'error', 'last_error', 'retry_at', 'started_at', 'finished_at')
  redis.call('HSET', KEYS[2], 'status', 'queued', 'attempts', '0', 'revision', tostring(rev),
             'content', args.content, 'revision_received_at', args.received_at)
  redis.call('SET', KEYS[5], id)
  redis.call('SET', KEYS[6], id, 'NX')
  add_revision(rev)
  provenance(id)
  enqueue(rev)
  return {0, id, 'queued', rev}
end
if KEYS[6] ~= KEYS[5] then
  local other = redis.call('GET', KEYS[6])
  if other and redis.call('EXISTS', sp .. other) == 0 then other = nil end
  if other then
    -- the same content under another identity: a duplicate of that article, one more url of it
    local ost = redis.call('HGET', sp .. other, 'status') or 'unknown'
    local orev = tonumber(redis.call('HGET', sp .. other, 'revision') or '1')
    if args.url_key ~= '' then
      redis.call('SET', args.url_key, other, 'NX')
      redis.call('HSETNX', args.urls_prefix .. other, args.url_digest, args.url_entry)
    end
    return {1, other, ost, orev}
  end
end
if queue_full() then return {2, id, 'rejected', 0} end
redis.call('SET', KEYS[1], args.article)
redis.call('HSET', KEYS[2], unpack(args.fields))
redis.call('HSET', KEYS[2], 'revision', '1', 'content', args.content)
redis.call('ZADD', KEYS[4], args.score, id)
redis.call('ZADD', ip .. 'queued', args.score, id)
redis.call('SET', KEYS[5], id)
redis.call('SET', KEYS[6], id, 'NX')
add_revision(1)
provenance(id)
enqueue(1)
return {0, id, 'queued', 1}
