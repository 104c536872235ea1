-- Read-only: resolve entity keys through the alias store (see shared/entity_links.py) in one round trip.
-- A key links to a canonical key when exactly one canonical key has it as an alias (one hop only).
-- ARGV: 1 alias-store prefix, 2 aliases-of prefix, 3 entity-index prefix, 4 entity-hash prefix,
--       5 want details ('1': registry name/label and merged document count), 6.. keys
-- Returns, per distinct canonical key in order of first appearance:
--   {canonical, {asked keys resolved to it...}, {linked short-form keys that have documents...},
--    name or '', label or '', merged document count or -1 (without details)}
local aprefix, ofprefix, iprefix, hprefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local details = ARGV[5] == '1'

local function resolve(key)
  local m = redis.call('ZRANGE', aprefix .. key, 0, 1)
  if #m == 1 and m[1] ~= key then return m[1] end
  return key
end

local order, asked = {}, {}
for i = 6, #ARGV do
  local c = resolve(ARGV[i])
  if not asked[c] then
    asked[c] = {}
    order[#order + 1] = c
  end
  table.insert(asked[c], ARGV[i])
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
