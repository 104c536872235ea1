-- Authenticate one API request and charge its key's token bucket, in one round trip.
-- KEYS: 1 nf:apikey:hash:<sha256 of the presented key>
-- ARGV[1]: JSON {key_prefix (nf:apikey:), bucket_prefix (nf:ratelimit:), rate (tokens/s, text; "0" = no limit),
--                burst (bucket size, text)}
-- Returns {0} for an unknown or revoked key, else {1, id, name, scopes, allowed (1|0), retry_after_ms}.
-- The bucket uses the server's clock (TIME), so API instances with skewed clocks share one bucket fairly.
local args = cjson.decode(ARGV[1])
local id = redis.call('GET', KEYS[1])
if not id then return {0} end
local rec = redis.call('HMGET', args.key_prefix .. id, 'name', 'scopes', 'revoked')
if not rec[2] or rec[3] == '1' then return {0} end
local rate = tonumber(args.rate)
local burst = tonumber(args.burst)
if rate <= 0 then return {1, id, rec[1] or '', rec[2], 1, 0} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket = args.bucket_prefix .. id
local state = redis.call('HMGET', bucket, 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local allowed, retry_ms = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry_ms = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', bucket, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', bucket, math.ceil(burst * 1000 / rate) + 1000)
return {1, id, rec[1] or '', rec[2], allowed, retry_ms}
