import Foundation

/// Handles given to plugins as small integers, not object pointers: a buggy plugin that uses a
/// handle after releasing it (or a made-up one) reaches nothing instead of freed memory.
final class HandleTable<T: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var next: UInt = 1
    private var objects: [UInt: T] = [:]

    func insert(_ object: T) -> OpaquePointer {
        lock.lock(); defer { lock.unlock() }
        let id = next
        next += 1
        objects[id] = object
        return OpaquePointer(bitPattern: id)!
    }

    func get(_ handle: OpaquePointer?) -> T? {
        guard let handle else { return nil }
        lock.lock(); defer { lock.unlock() }
        return objects[UInt(bitPattern: handle)]
    }

    func remove(_ handle: OpaquePointer?) -> T? {
        guard let handle else { return nil }
        lock.lock(); defer { lock.unlock() }
        return objects.removeValue(forKey: UInt(bitPattern: handle))
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return objects.count }
}
