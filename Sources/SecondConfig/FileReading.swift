import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file as UTF-8 with a short, human reason on failure
/// ("No such file or directory", "Is a directory", "not valid UTF-8 text").
/// POSIX calls instead of Foundation so the reason is the plain errno text.
enum FileReading {
    static func readBytes(_ path: String) -> Result<[UInt8], ReadError> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(ReadError(errnoReason())) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure(ReadError("is a directory"))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(errnoReason()))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return .success(bytes)
    }

    static func readText(_ path: String) -> Result<String, ReadError> {
        switch readBytes(path) {
        case .failure(let e): return .failure(e)
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .failure(ReadError("not valid UTF-8 text"))
            }
            return .success(text)
        }
    }

    struct ReadError: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static func errnoReason() -> String {
        guard let cString = strerror(errno) else { return "error \(errno)" }
        return String(cString: cString)
    }
}
