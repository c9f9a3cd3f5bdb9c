/// Lua scripts (EVAL; Redis caches them by SHA, and EVAL keeps working after a restart empties that cache).
/// Each replay script is atomic, which is what makes the reader's subscribe-then-read merge exact: a chunk is
/// either in the list when the history read runs or published after the reader subscribed.
/// Entry and message shapes must match ReplayWire.swift; strings arrive pre-quoted as JSON literals.
enum RedisScripts {
    /// KEYS chunks, seq, terminal. ARGV quoted chunk, quoted at, ttl s, cap, seq floor, live channel.
    /// Returns the new seq, or -1 after the terminal marker. The floor restores the counter after Redis lost it.
    static let append = """
    if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
    local floor = tonumber(ARGV[5])
    if floor > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') < floor then redis.call('SET', KEYS[2], ARGV[5]) end
    local seq = redis.call('INCR', KEYS[2])
    redis.call('RPUSH', KEYS[1], '{"seq":' .. seq .. ',"chunk":' .. ARGV[1] .. ',"at":' .. ARGV[2] .. '}')
    redis.call('LTRIM', KEYS[1], -tonumber(ARGV[4]), -1)
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    redis.call('EXPIRE', KEYS[2], ARGV[3])
    redis.call('PUBLISH', ARGV[6], '{"type":"chunk","seq":' .. seq .. ',"chunk":' .. ARGV[1] .. '}')
    return seq
    """

    /// KEYS chunks, seq, terminal. ARGV quoted at, ttl s, cap, seq floor, live channel, then one quoted chunk
    /// per argument. Appends and publishes each in order; returns the last seq, or -1 when terminated.
    static let appendMany = """
    if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
    local floor = tonumber(ARGV[4])
    if floor > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') < floor then redis.call('SET', KEYS[2], ARGV[4]) end
    local seq = 0
    for i = 6, #ARGV do
      seq = redis.call('INCR', KEYS[2])
      redis.call('RPUSH', KEYS[1], '{"seq":' .. seq .. ',"chunk":' .. ARGV[i] .. ',"at":' .. ARGV[1] .. '}')
      redis.call('PUBLISH', ARGV[5], '{"type":"chunk","seq":' .. seq .. ',"chunk":' .. ARGV[i] .. '}')
    end
    redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    redis.call('EXPIRE', KEYS[2], ARGV[2])
    return seq
    """

    /// KEYS chunks, seq, terminal. ARGV quoted status, quoted at, ttl s, seq floor, live channel.
    /// Returns 1, or 0 when already finished (the first status stays).
    static let finish = """
    if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
    local last = tonumber(redis.call('GET', KEYS[2]) or '0')
    if last < tonumber(ARGV[4]) then last = tonumber(ARGV[4]); redis.call('SET', KEYS[2], ARGV[4]) end
    redis.call('SET', KEYS[3], '{"status":' .. ARGV[1] .. ',"seq":' .. last .. ',"at":' .. ARGV[2] .. '}', 'EX', ARGV[3])
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    redis.call('EXPIRE', KEYS[2], ARGV[3])
    redis.call('PUBLISH', ARGV[5], '{"type":"terminal","status":' .. ARGV[1] .. ',"seq":' .. last .. '}')
    return 1
    """

    /// KEYS chunks, terminal. ARGV cursor, limit. Returns {terminal or nil, first retained seq or 0, entries with
    /// seq > cursor (at most limit)...}. Seqs in the list are contiguous, so the start index is computed, not searched.
    static let read = """
    local out = {redis.call('GET', KEYS[2]), 0}
    local first = redis.call('LINDEX', KEYS[1], 0)
    if not first then return out end
    local firstSeq = tonumber(string.match(first, '^{"seq":(%d+)'))
    out[2] = firstSeq
    local start = tonumber(ARGV[1]) - firstSeq + 1
    if start < 0 then start = 0 end
    local entries = redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
    for i = 1, #entries do out[#out + 1] = entries[i] end
    return out
    """

    /// KEYS key. GET then DEL, atomically (works on Redis < 6.2, which lacks GETDEL).
    static let take = """
    local v = redis.call('GET', KEYS[1])
    if v then redis.call('DEL', KEYS[1]) end
    return v
    """

    /// KEYS key. ARGV token. Compare-and-delete: 1 when released, 0 when not the owner or expired.
    static let release = """
    if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
    return 0
    """

    static func eval(_ script: String, keys: [String], args: [String]) -> [String] {
        ["EVAL", script, String(keys.count)] + keys + args
    }
}
