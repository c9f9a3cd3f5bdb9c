import CMongoc
import SecondCore

/// An owned `bson_t` (heap, from bson_new). `bson_t *` imports as OpaquePointer because of its 128-byte alignment
/// attribute, so documents are only ever created by libbson, never through the Swift struct.
/// Built by direct appends (not bson_new_from_json) so `.int` is always int64 and `.double` always double.
///
/// Swift may release an object right after its last use, which for `doc.pointer` is *before* the C call that reads
/// it. So the pointer is only reachable through `use`, which keeps the document alive for the whole call.
final class BSONDocument {
    private let pointer: OpaquePointer

    init() { pointer = bson_new() }
    convenience init(_ doc: Document) {
        self.init()
        for (key, value) in doc { append(key, value) }
    }
    deinit { bson_destroy(pointer) }

    func use<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    /// Encoded size in bytes (`bson_t.len`, the second uint32 of the struct).
    var byteCount: Int { Int(UnsafeRawPointer(pointer).load(fromByteOffset: 4, as: UInt32.self)) }

    func append(_ key: String, _ value: JSON) {
        switch value {
        case .null: bson_append_null(pointer, key, -1)
        case .bool(let b): bson_append_bool(pointer, key, -1, b)
        case .int(let i): bson_append_int64(pointer, key, -1, i)
        case .double(let d): bson_append_double(pointer, key, -1, d)
        case .string(var s):
            // Explicit length: BSON strings may contain NUL.
            s.withUTF8 { buf in
                guard let base = buf.baseAddress, buf.count > 0 else { bson_append_utf8(pointer, key, -1, "", 0); return }
                base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                    _ = bson_append_utf8(pointer, key, -1, $0, Int32(buf.count))
                }
            }
        case .object(let o): append(key, document: BSONDocument(o))
        case .array(let a):
            let child = BSONDocument()
            for (i, item) in a.enumerated() { child.append(String(i), item) }
            child.use { _ = bson_append_array(pointer, key, -1, $0) }
        }
    }

    func append(_ key: String, document child: BSONDocument) { child.use { _ = bson_append_document(pointer, key, -1, $0) } }

    func append(_ key: String, int32 value: Int32) { bson_append_int32(pointer, key, -1, value) }

    /// An array of documents (keys "0", "1", …), e.g. a pipeline or an index list.
    func append(_ key: String, documents: [BSONDocument]) {
        let child = BSONDocument()
        for (i, d) in documents.enumerated() { child.append(String(i), document: d) }
        child.use { _ = bson_append_array(pointer, key, -1, $0) }
    }

    /// This document as JSON (see `BSONReader`).
    var json: Document { BSONReader.document(pointer) }
}

/// Out-parameter `bson_t` (replies): 128-aligned raw storage. It is bson_init'ed here too, so destroying it is safe
/// even if a failing call never wrote it (libmongoc re-initialises it without allocating).
final class BSONReply {
    private let pointer: OpaquePointer
    init() {
        pointer = OpaquePointer(UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128))
        bson_init(pointer)
    }
    deinit {
        bson_destroy(pointer)
        UnsafeMutableRawPointer(pointer).deallocate()
    }
    var json: Document { BSONReader.document(pointer) }

    func use<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(pointer) }
    }
}

/// Reads BSON into JSON with bson_iter. Numbers follow the JSON round trip (integral doubles → .int), ObjectIds
/// become hex strings, dates become milliseconds; other BSON types (never written by this store) read as null.
enum BSONReader {
    static func document(_ bson: OpaquePointer) -> Document {
        withIterator { it in
            guard bson_iter_init(it, bson) else { return [:] }
            return readObject(it)
        }
    }

    /// bson_iter_t carries the same 128-byte alignment attribute, so it also lives in raw storage.
    private static func withIterator<T>(_ body: (OpaquePointer) -> T) -> T {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 128)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        defer { raw.deallocate() }
        return body(OpaquePointer(raw))
    }

    private static func readObject(_ it: OpaquePointer) -> Document {
        var out: Document = [:]
        while bson_iter_next(it) { out[String(cString: bson_iter_key(it))] = readValue(it) }
        return out
    }

    private static func readValue(_ it: OpaquePointer) -> JSON {
        let type = bson_iter_type(it)
        switch type {
        case BSON_TYPE_DOUBLE: return JSON.double(bson_iter_double(it)).normalizedNumber
        case BSON_TYPE_INT32: return .int(Int64(bson_iter_int32(it)))
        case BSON_TYPE_INT64: return .int(bson_iter_int64(it))
        case BSON_TYPE_BOOL: return .bool(bson_iter_bool(it))
        case BSON_TYPE_DATE_TIME: return .int(bson_iter_date_time(it))
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            guard let p = bson_iter_utf8(it, &length) else { return .null }
            return .string(String(decoding: UnsafeRawBufferPointer(start: p, count: Int(length)), as: UTF8.self))
        case BSON_TYPE_OID:
            var hex = [CChar](repeating: 0, count: 25)
            bson_oid_to_string(bson_iter_oid(it), &hex)
            return .string(String(decoding: hex.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        case BSON_TYPE_DOCUMENT, BSON_TYPE_ARRAY:
            return withIterator { child in
                guard bson_iter_recurse(it, child) else { return .null }
                if type == BSON_TYPE_DOCUMENT { return .object(readObject(child)) }
                var items: [JSON] = []
                while bson_iter_next(child) { items.append(readValue(child)) }
                return .array(items)
            }
        default: return .null
        }
    }
}

extension bson_error_t {
    var text: String {
        withUnsafeBytes(of: message) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    }
}
