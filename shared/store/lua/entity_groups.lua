-- Read-only: resolve entity keys through the alias store (see shared/entity_links.py) in one round trip.
-- A key links to a canonical key when exactly one canonical key has it as an alias (one hop only),
-- not counting claimants that only add words to another claimant; a key that is itself the full
-- form of some alias is never linked, nor a key of several words to a name that has all its words.
-- ARGV[1]: JSON {alias_prefix, aliases_of_prefix, entity_index_prefix, entity_prefix (registry hashes),
--                details (true: registry name/label and merged document count), keys: [entity keys...]}
-- Returns, per distinct canonical key in order of first appearance:
--   {canonical, {asked keys resolved to it...}, {linked short-form keys that have documents...},
--    name or '', label or '', merged document count or -1 (without details)}
local args = cjson.decode(ARGV[1])
local aprefix, ofprefix, iprefix, hprefix = args.alias_prefix, args.aliases_of_prefix, args.entity_index_prefix, args.entity_prefix
local details = args.details == true

local MAX_CLAIMANTS = 64

-- 'person:crooked-hillary-clinton' extends 'person:hillary-clinton' (whole words, same kind)
local function extends(long, short)
  if long == short or #long <= #short then return false end
  local kl, sl = string.match(long, '^([^:]*):(.*)$')
  local ks, ss = string.match(short, '^([^:]*):(.*)$')
  if not kl or not ks or kl ~= ks then return false end
  return string.find('-' .. sl .. '-', '-' .. ss .. '-', 1, true) ~= nil
end

-- every word of key 'short' occurs in key 'long' in the same order (same kind)
local function words_within(short, long)
  local ks, ss = string.match(short, '^([^:]*):(.*)$')
  local kl, sl = string.match(long, '^([^:]*):(.*)$')
  if not ks or not kl or ks ~= kl then return false end
  local pos = 1
  local padded = '-' .. sl .. '-'
  for w in string.gmatch(ss, '[^-]+') do
    local i = string.find(padded, '-' .. w .. '-', pos, true)
    if not i then return false end
    pos = i + #w + 1
  end
  return true
end

local resolved = {}
local function resolve(key)
  if resolved[key] then return resolved[key] end
  local out = key
  -- a key some document uses as the full form of an alias is canonical itself, never linked
  if redis.call('EXISTS', ofprefix .. key) == 0 then
    local m = redis.call('ZRANGE', aprefix .. key, 0, MAX_CLAIMANTS - 1)
    -- claimants that merely extend another claimant with extra words (the entity stage's leftovers:
    -- 'Crooked Hillary Clinton', 'Sen Bernie Sanders') do not make an alias ambiguous
    local kept = {}
    for _, x in ipairs(m) do
      local extra = false
      for _, y in ipairs(m) do
        if extends(x, y) then extra = true; break end
      end
      if not extra then kept[#kept + 1] = x end
    end
    if #m < MAX_CLAIMANTS and #kept == 1 and kept[1] ~= key then out = kept[1] end
    -- a name of several words whose words all recur, in order, in a longer one is more often a
    -- different thing or a mis-cut ('Chelsea Clinton' in 'Hillary and Chelsea Clinton Foundation',
    -- 'George Bush' in 'George W Bush Presidential Center') than its short form: not linked
    if out ~= key and string.find(key, '-', 1, true) and words_within(key, out) then out = key end
  end
  resolved[key] = out
  return out
end

local order, asked = {}, {}
for _, key in ipairs(args.keys) do
  local c = resolve(key)
  if not asked[c] then
    asked[c] = {}
    order[#order + 1] = c
  end
  table.insert(asked[c], key)
end

local out = {}
for _, c in ipairs(order) do
  local linked = {}
  for _, s in ipairs(redis.call('ZRANGE', ofprefix .. c, 0, -1)) do
    if s ~= c and resolve(s) == c and redis.call('EXISTS', iprefix .. s) == 1 then
      linked[#linked + 1] = s
    end
  end
  local name, label, count = '', '', -1
  if details then
    local h = redis.call('HMGET', hprefix .. c, 'name', 'label')
    name, label = h[1] or '', h[2] or ''
    -- union size: the biggest set by ZCARD, the others member by member against the sets before them
    local sets = {}
    local members = {c}
    for _, s in ipairs(linked) do members[#members + 1] = s end
    for _, k in ipairs(members) do
      local n = redis.call('ZCARD', iprefix .. k)
      if n > 0 then sets[#sets + 1] = {n, iprefix .. k} end
    end
    table.sort(sets, function(a, b) return a[1] > b[1] end)
    count = 0
    if #sets > 0 then count = sets[1][1] end
    for j = 2, #sets do
      for _, m in ipairs(redis.call('ZRANGE', sets[j][2], 0, -1)) do
        local seen = false
        for p = 1, j - 1 do
          if redis.call('ZSCORE', sets[p][2], m) then seen = true; break end
        end
        if not seen then count = count + 1 end
      end
    end
  end
  out[#out + 1] = {c, asked[c], linked, name, label, count}
end
return out
