-- One call's admission: its buckets are keys[first + 1 .. first + n], its budget accounts the keys after them
-- (n + 1 .. count); args[arg + 1] is how many buckets, then each bucket's limit and amount, then each
-- account's limit, amount, clamp, seed and forget-at (as reserve.lua). Takes from every bucket or none
-- (take_all); when it took, reserves from every account or none. Returns take_all's {0, index short, millis}
-- when a bucket is short, else {1, remaining of each bucket..., index of the first account short or -1,
-- then reserved and spent before of each account (0 and its spend when none was reserved)}. What it takes
-- and reserves is written by flush_buckets and flush_accounts.
local function admit_one(keys, first, count, args, arg)
  local buckets = tonumber(args[arg + 1])
  local reply = take_all(keys, first, args, arg + 1, buckets)
  if reply[1] == 0 then
    return reply
  end
  local base = arg + 1 + 2 * buckets
  local reserves, spents, refused = {}, {}, -1
  for i = buckets + 1, count do
    local at = base + 5 * (i - buckets - 1)
    local room, spent = budget_room(keys[first + i], args[at + 1], args[at + 4], args[at + 5])
    spents[i] = spent
    reserves[i] = budget_reservation(room, args[at + 2], args[at + 3])
    if reserves[i] == nil and refused < 0 then
      refused = i - buckets - 1
    end
  end
  reply[#reply + 1] = refused
  for i = buckets + 1, count do
    local reserve = refused < 0 and reserves[i] or '0'
    if refused < 0 then
      budget_reserve(keys[first + i], reserve)
    end
    reply[#reply + 1] = reserve
    reply[#reply + 1] = spents[i]
  end
  return reply
end
