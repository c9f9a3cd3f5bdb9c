import Foundation
import SecondCore
import CSecondHTTP

// libmicrohttpd callbacks. They live outside main.swift on purpose: top-level code there is
// @MainActor and would trap when MHD calls it on its own threads.

private let YES = MHD_Result(rawValue: 1)!
private let NO = MHD_Result(rawValue: 0)!

/// MHD access handler. Two-phase: the first call only creates the exchange (answering in the first
/// call disables keep-alive); body chunks accumulate with a size limit; the last call dispatches.
let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let uploadSize else { return NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    if conCls.pointee == nil {
        let ex = HTTPServer.Exchange()
        conCls.pointee = Unmanaged.passRetained(ex).toOpaque()
        server.begin()
        server.startTrace(ex)
        if let len = MHD_lookup_connection_value(connection, MHD_ValueKind(rawValue: 1)!, "Content-Length").flatMap({ Int(String(cString: $0)) }),
           len > server.settings.maxBodyBytes {
            ex.tooLarge = true
        }
        return YES
    }
    let ex = Unmanaged<HTTPServer.Exchange>.fromOpaque(conCls.pointee!).takeUnretainedValue()
    if uploadSize.pointee > 0 {
        if !ex.tooLarge, let uploadData {
            if ex.body.count + uploadSize.pointee > server.settings.maxBodyBytes {
                ex.tooLarge = true
                ex.body = []
            } else {
                ex.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: uploadSize.pointee))
            }
        }
        uploadSize.pointee = 0
        return YES
    }
    if let ready = ex.response { return server.queue(connection, ex, ready) }
    if ex.dispatched { return YES }
    let path = url.map { String(cString: $0) } ?? "/"
    let verb = method.map { String(cString: $0) } ?? "GET"
    var request = server.makeRequest(connection, url: path, method: verb, body: ex.body)
    if ex.tooLarge {
        ex.request = request
        return server.queue(connection, ex, .error(413, "payload_too_large", "the body exceeds \(server.settings.maxBodyBytes) bytes"))
    }
    switch server.router.match(method: verb, path: path) {
    case .notFound:
        ex.request = request
        return server.queue(connection, ex, .error(404, "not_found", "no route for \(verb) \(path)"))
    case .methodNotAllowed(let allowed, let pattern):
        request.route = pattern
        ex.request = request
        var r = HTTPResponse.error(405, "method_not_allowed", "\(verb) is not allowed here (allowed: \(allowed.joined(separator: ", ")))")
        r.headers.append(("Allow", allowed.joined(separator: ", ")))
        return server.queue(connection, ex, r)
    case .found(let handler, let params, let pattern):
        request.params = params
        request.route = pattern
        ex.request = request
        switch handler {
        case .sync(let h):
            return server.queue(connection, ex, h(request))
        case .async(let h):
            ex.dispatched = true
            MHD_suspend_connection(connection)
            let conn = UncheckedPointer(connection)
            let exchange = UncheckedBox(ex)
            Task {
                let response = await h(request)
                exchange.value.response = response
                MHD_resume_connection(conn.pointer)
            }
            return YES
        }
    }
}

/// Releases the exchange when MHD is done with a request.
let completedHandler: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    Unmanaged<HTTPServer.Exchange>.fromOpaque(raw).release()
    conCls.pointee = nil
    Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().end()
}

struct UncheckedPointer: @unchecked Sendable { let pointer: OpaquePointer; init(_ p: OpaquePointer) { pointer = p } }
final class UncheckedBox<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }
