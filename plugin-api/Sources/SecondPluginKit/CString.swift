import SecondPluginAPI

extension String {
    /// Decodes a borrowed second_str (UTF-8, not NUL-terminated). Invalid UTF-8 is repaired.
    init(_ s: second_str) {
        guard let p = s.ptr, s.len > 0 else { self = ""; return }
        self = String(decoding: UnsafeRawBufferPointer(start: p, count: s.len), as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    init(_ s: second_str) {
        guard let p = s.ptr, s.len > 0 else { self = []; return }
        self = Array(UnsafeRawBufferPointer(start: p, count: s.len))
    }
}

/// Calls `body` with a second_str borrowing the UTF-8 bytes of `string` for the duration of the call.
func withSecondStr<R>(_ string: String, _ body: (second_str) throws -> R) rethrows -> R {
    var copy = string
    return try copy.withUTF8 { buf in
        try buf.withMemoryRebound(to: CChar.self) { c in
            try body(second_str(ptr: c.baseAddress, len: c.count))
        }
    }
}

func withSecondStr<R>(bytes: [UInt8], _ body: (second_str) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { buf in
        try buf.withMemoryRebound(to: CChar.self) { c in
            try body(second_str(ptr: c.baseAddress, len: c.count))
        }
    }
}

/// A NUL-terminated copy that lives for the rest of the process (descriptor strings are static by contract).
func immortalCString(_ s: String) -> UnsafePointer<CChar> {
    let bytes = Array(s.utf8CString)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    p.initialize(from: bytes, count: bytes.count)
    return UnsafePointer(p)
}
