-- KEYS[1]: a budget account; ARGV: minus the reservation to release, the spend to add, when to forget the
-- account (epoch milliseconds, '' for never).
budget_settle(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
return 1
