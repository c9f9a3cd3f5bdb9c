/// Compares secrets (tokens, shared secrets) without an early exit: the time depends only on the
/// longer input's length, never on where the inputs differ. Use it for every credential check.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let n = max(a.count, b.count)
    var diff = UInt8(a.count == b.count ? 0 : 1)
    for i in 0..<n { diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
    return diff == 0
}
