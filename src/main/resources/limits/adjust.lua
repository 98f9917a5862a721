-- KEYS[1]: a bucket; ARGV: its limit, and the correction (see adjust).
adjust(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
flush_buckets()
return 1
