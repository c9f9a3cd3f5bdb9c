import Foundation
import SecondPluginAPI

/// A runtime session handed to the host as `void *session`; retained until close_session.
final class SessionBox: @unchecked Sendable {
    let session: any RuntimeSession
    init(_ s: any RuntimeSession) { session = s }
    static func from(_ p: UnsafeMutableRawPointer?) -> SessionBox? {
        p.map { Unmanaged<SessionBox>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// The C function tables. One table per kind, allocated once and never freed (the ABI requires
/// vtables to outlive every call). Every function catches Swift errors and returns a status.
enum VTables {
    static func allocate<T>(_ value: T) -> UnsafePointer<second_vtable_base> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: 1)
        p.initialize(to: value)
        return UnsafeRawPointer(p).assumingMemoryBound(to: second_vtable_base.self)
    }

    static func base(size: Int) -> second_vtable_base {
        second_vtable_base(
            struct_size: UInt32(size),
            create: { ctx, config, out, err in
                let context = InstanceContext(ctx)
                guard let reg = Registry.lookup(context) else {
                    Boundary.setError(err, PluginError(.internal, "no component \"\(context.type)\" of this kind in this plugin"))
                    return PluginStatus.internal.c
                }
                do {
                    let box = try reg.create(context, config)
                    out?.pointee = Unmanaged.passRetained(box).toOpaque()
                    return PluginStatus.ok.c
                } catch {
                    return Boundary.fail(err, error, decodingStatus: .invalidConfig)
                }
            },
            validate: { ctx, config, err in
                let context = InstanceContext(ctx)
                guard let reg = Registry.lookup(context) else { return PluginStatus.internal.c }
                do { try reg.validate(context, config); return PluginStatus.ok.c }
                catch { return Boundary.fail(err, error, decodingStatus: .invalidConfig) }
            },
            start: { instance, err in
                guard let box = InstanceBox.from(instance) else { return PluginStatus.invalidArgument.c }
                do { try box.component.start(); return PluginStatus.ok.c }
                catch { return Boundary.fail(err, error, decodingStatus: .invalidConfig) }
            },
            stop: { instance, deadline in
                InstanceBox.from(instance)?.component.stop(deadlineMilliseconds: deadline)
            },
            destroy: { instance in
                guard let instance else { return }
                Unmanaged<InstanceBox>.fromOpaque(instance).release()
            })
    }

    nonisolated(unsafe) static let auth: UnsafePointer<second_vtable_base> = allocate(second_auth_provider_vtable(
        base: base(size: MemoryLayout<second_auth_provider_vtable>.size),
        authenticate: { instance, request, done in
            let completion = Completion(c: done)
            guard let box = InstanceBox.from(instance), let call = box.authenticate else {
                return completion.send(.invalidArgument, payload: "", message: "no instance")
            }
            let req: AuthRequest
            do { req = try Boundary.decode(AuthRequest.self, request) } catch { return completion.fail(error) }
            Task {
                do {
                    switch try await call(req) {
                    case .authenticated(let p):
                        completion.ok(try PluginJSON.encodeString(PrincipalPayload(p)))
                    case .denied(let reason):
                        completion.send(.denied, payload: #"{"v":1,"reason":\#(jsonQuoted(reason))}"#, message: reason)
                    case .notHandled:
                        completion.send(.notHandled, payload: "", message: "")
                    }
                } catch { completion.fail(error) }
            }
        },
        control: { instance, request, done in
            let completion = Completion(c: done)
            guard let box = InstanceBox.from(instance), let call = box.control else {
                return completion.send(.invalidArgument, payload: "", message: "no instance")
            }
            let req: JSONValue
            do { req = try Boundary.decode(JSONValue.self, request) } catch { return completion.fail(error) }
            Task {
                do { completion.ok(try PluginJSON.encodeString(try await call(req))) } catch { completion.fail(error) }
            }
        }))

    private static func oauthTable(hook: Bool) -> UnsafePointer<second_vtable_base> {
        allocate(second_oauth_provider_vtable(
            base: base(size: MemoryLayout<second_oauth_provider_vtable>.size),
            describe: { instance, out, err in
                guard let box = InstanceBox.from(instance), let call = box.describe else { return PluginStatus.invalidArgument.c }
                do { return Boundary.write(out, try PluginJSON.encodeString(try call())) }
                catch { return Boundary.fail(err, error) }
            },
            normalize_token_response: hook ? { instance, raw, out, err in
                guard let box = InstanceBox.from(instance), let call = box.normalize else { return PluginStatus.invalidArgument.c }
                do { return Boundary.write(out, try PluginJSON.encodeString(try call(try Boundary.decode(RawTokenResponse.self, raw)))) }
                catch { return Boundary.fail(err, error) }
            } : nil))
    }
    nonisolated(unsafe) static let oauth = oauthTable(hook: false)
    nonisolated(unsafe) static let oauthWithHook = oauthTable(hook: true)

    nonisolated(unsafe) static let runtime: UnsafePointer<second_vtable_base> = allocate(second_runtime_driver_vtable(
        base: base(size: MemoryLayout<second_runtime_driver_vtable>.size),
        detect: { instance, timeout, out, err in
            guard let box = InstanceBox.from(instance), let call = box.detect else { return PluginStatus.invalidArgument.c }
            do { return Boundary.write(out, try PluginJSON.encodeString(try call(timeout))) }
            catch { return Boundary.fail(err, error) }
        },
        start_session: { instance, spec, sink, out, err in
            guard let box = InstanceBox.from(instance), let call = box.startSession else { return PluginStatus.invalidArgument.c }
            do {
                let session = try call(try Boundary.decode(SessionSpec.self, spec), EventSink(sink))
                out?.pointee = Unmanaged.passRetained(SessionBox(session)).toOpaque()
                return PluginStatus.ok.c
            } catch { return Boundary.fail(err, error) }
        },
        write_input: { session, data, err in
            guard let box = SessionBox.from(session) else { return PluginStatus.invalidArgument.c }
            do { try box.session.writeInput([UInt8](data)); return PluginStatus.ok.c }
            catch { return Boundary.fail(err, error) }
        },
        cancel: { session in SessionBox.from(session)?.session.cancel() },
        close_session: { session in
            guard let session else { return }
            let box = Unmanaged<SessionBox>.fromOpaque(session).takeRetainedValue()
            box.session.close()
        }))

    nonisolated(unsafe) static let telemetry: UnsafePointer<second_vtable_base> = allocate(second_telemetry_sink_vtable(
        base: base(size: MemoryLayout<second_telemetry_sink_vtable>.size),
        submit: { instance, batch, done in
            let completion = Completion(c: done)
            guard let box = InstanceBox.from(instance), let call = box.submit else {
                return completion.send(.invalidArgument, payload: "", message: "no instance")
            }
            let b: TelemetryBatch
            do { b = try Boundary.decode(TelemetryBatch.self, batch) } catch { return completion.fail(error) }
            Task { do { try await call(b); completion.ok(#"{"v":1}"#) } catch { completion.fail(error) } }
        },
        flush: { instance, deadline, done in
            let completion = Completion(c: done)
            guard let box = InstanceBox.from(instance), let call = box.flush else {
                return completion.send(.invalidArgument, payload: "", message: "no instance")
            }
            Task { do { try await call(deadline); completion.ok(#"{"v":1}"#) } catch { completion.fail(error) } }
        }))
}

/// The principal with the payload version field.
struct PrincipalPayload: Encodable {
    let v = 1
    let p: Principal
    init(_ p: Principal) { self.p = p }
    func encode(to encoder: any Encoder) throws {
        try p.encode(to: encoder)
        var c = encoder.container(keyedBy: K.self)
        try c.encode(v, forKey: .v)
    }
    enum K: String, CodingKey { case v }
}
