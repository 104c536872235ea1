-- Atomically accept one article (or a new revision of it), or recognise it as a duplicate.
-- KEYS: 1 article, 2 status hash, 3 arq queue, 4 time index, 5 identity key (the strongest dedupe key),
--       6 content key, 7 revisions list, 8 urls hash,
--       9 (optional) the submitting API key's record (nf:apikey:<id>): the write is refused unless it is
--         still there and not revoked, so a key revoked after the request's authentication (while its body
--         was read) stores nothing
-- ARGV: positional (the intake's hot path: nothing to decode; the order is SUBMIT's ``argv`` in
--       shared/store/scripts.py):
--   id, article (json text), job (the queued job record, json text), queue_score (ms), score (received, µs),
--   max_depth (0 = unbounded), received_at, content (16 hex), content_sha256, keep (revisions listed),
--   url_key ('' = none), url_digest, url_entry (json {url, first_seen}), meta (json {title, url, ...}, '' = none),
--   then the fields of a run's end a new revision drops (RUN_FIELDS of shared/store/status.py), one per ARGV
-- The key prefixes and the wake channel are constants that shared/store/scripts.py puts before this
-- text (``local job_prefix, sp, ip, failed_key, urls_prefix, wake = ...``, from shared/keys.py).
-- Identity: KEYS[5] names the article (external_id, else url, else content). Same identity and the
-- same content: a duplicate. Same identity, new content: a new revision, queued. A new identity whose
-- content is already known under another: a duplicate of that article, and the url joins its urls.
-- Returns {code, id, status, revision}: 0 accepted, 1 duplicate (id = existing id), 2 queue full,
-- 3 the identity key names another id (the caller retries with that id), 4 the API key is revoked.
local id, article, job, queue_score, score, max_depth, received_at, content, content_sha256, keep,
      url_key, url_digest, url_entry, meta = unpack(ARGV, 1, 14)
local run_fields = {unpack(ARGV, 15)}

local function provenance(target)
  if url_key ~= '' then
    redis.call('SET', url_key, target, 'NX')
    redis.call('HSETNX', KEYS[8], url_digest, url_entry)
  end
end
local function queue_full()
  local depth = tonumber(max_depth)
  return depth > 0 and redis.call('ZCARD', KEYS[3]) >= depth
end
local function enqueue(rev)
  local job_id = id
  if rev > 1 then job_id = id .. ':r' .. rev end  -- a job per revision: a running one never swallows it
  redis.call('SET', job_prefix .. job_id, job)
  redis.call('ZADD', KEYS[3], queue_score, job_id)
  redis.call('PUBLISH', wake, '1')  -- wakes an idle worker now instead of at its next poll
end
local function add_revision(rev)
  local n = redis.call('RPUSH', KEYS[7], cjson.encode({revision = rev, received_at = received_at,
                                                      content_sha256 = content_sha256}))
  if n > tonumber(keep) then redis.call('LTRIM', KEYS[7], -tonumber(keep), -1) end
end
-- the identity and content keys point at this id; the content key only when it is free
-- (``known``: what it held when read, false = absent: then one MSET sets both)
local function claim_keys(known)
  if KEYS[6] ~= KEYS[5] and not known then
    redis.call('MSET', KEYS[5], id, KEYS[6], id)
  else
    redis.call('SET', KEYS[5], id)
  end
end

if KEYS[9] then  -- the rule of authenticate.lua: a key with no record or no scopes, or revoked, is refused
  local key = redis.call('HMGET', KEYS[9], 'scopes', 'revoked')
  if not key[1] or key[2] == '1' then return {4, id, 'unauthorized', 0} end
end

local held = redis.call('MGET', KEYS[5], KEYS[6])  -- identity owner, content owner (read together)
local owner = held[1]
if owner and owner ~= id then return {3, owner, '', 0} end
if redis.call('EXISTS', KEYS[2]) == 1 then
  -- the same identity
  local st = redis.call('HGET', KEYS[2], 'status') or 'unknown'
  local rev = tonumber(redis.call('HGET', KEYS[2], 'revision') or '1')
  if redis.call('HGET', KEYS[2], 'content') == content then
    provenance(id)
    return {1, id, st, rev}
  end
  if queue_full() then return {2, id, 'rejected', rev} end
  rev = rev + 1
  redis.call('SET', KEYS[1], article)
  for _, s in ipairs({'queued', 'processing', 'done', 'failed'}) do redis.call('ZREM', ip .. s, id) end
  local first = redis.call('HGET', KEYS[2], 'score') or score
  redis.call('ZADD', ip .. 'queued', first, id)
  redis.call('ZREM', failed_key, id)
  -- a new run: the previous run's times go with its error (run_fields: RUN_FIELDS in shared/store/status.py)
  redis.call('HDEL', KEYS[2], 'error', 'last_error', 'retry_at', 'started_at', unpack(run_fields))
  redis.call('HSET', KEYS[2], 'status', 'queued', 'attempts', '0', 'revision', tostring(rev),
             'content', content, 'revision_received_at', received_at)
  claim_keys(held[2])
  add_revision(rev)
  provenance(id)
  enqueue(rev)
  return {0, id, 'queued', rev}
end
if KEYS[6] ~= KEYS[5] then
  local other = held[2]
  if other and redis.call('EXISTS', sp .. other) == 0 then other = nil end
  if other then
    -- the same content under another identity: a duplicate of that article, one more url of it
    local ost = redis.call('HGET', sp .. other, 'status') or 'unknown'
    local orev = tonumber(redis.call('HGET', sp .. other, 'revision') or '1')
    if url_key ~= '' then
      redis.call('SET', url_key, other, 'NX')
      redis.call('HSETNX', urls_prefix .. other, url_digest, url_entry)
    end
    return {1, other, ost, orev}
  end
end
if queue_full() then return {2, id, 'rejected', 0} end
redis.call('SET', KEYS[1], article)
if meta ~= '' then
  redis.call('HSET', KEYS[2], 'status', 'queued', 'attempts', '0', 'received_at', received_at, 'score', score,
             'meta', meta, 'revision', '1', 'content', content)
else
  redis.call('HSET', KEYS[2], 'status', 'queued', 'attempts', '0', 'received_at', received_at, 'score', score,
             'revision', '1', 'content', content)
end
redis.call('ZADD', KEYS[4], score, id)
redis.call('ZADD', ip .. 'queued', score, id)
claim_keys(held[2])
add_revision(1)
provenance(id)
enqueue(1)
return {0, id, 'queued', 1}
