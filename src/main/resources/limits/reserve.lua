-- KEYS[1]: a budget account. ARGV: limit, amount, clamp ('1' or '0'), the spend to seed an unseen account
-- with, when to forget it (epoch milliseconds, '' for never). Grants when spent + reserved + amount <= limit;
-- clamped, reserves the room left when there is some. Returns {granted 1/0, reserved, spent before}.
local room, spent = budget_room(KEYS[1], ARGV[1], ARGV[4], ARGV[5])
local reserve = budget_reservation(room, ARGV[2], ARGV[3])
if reserve then
  budget_reserve(KEYS[1], reserve)
end
flush_accounts()
return {reserve and 1 or 0, reserve or '0', spent}
