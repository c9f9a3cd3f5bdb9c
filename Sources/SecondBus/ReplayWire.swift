import SecondCore
import Foundation

/// The §10 replay wire formats. Redis scripts splice pre-quoted strings into these shapes (seq is only known
/// inside the script), so the layouts here and in RedisScripts.swift must match:
///   list entry  {"seq":N,"chunk":"…","at":"…"}
///   terminal    {"status":"…","seq":N,"at":"…"}      (seq: the last chunk's seq, so readers can tell they missed none)
///   live        {"type":"chunk","seq":N,"chunk":"…"} / {"type":"terminal","status":"…","seq":N}
enum ReplayWire {
    private struct Entry: Decodable { var seq: UInt64; var chunk: String }
    private struct Terminal: Decodable { var status: String; var seq: UInt64? }
    private struct Live: Decodable { var type: String; var seq: UInt64?; var chunk: String?; var status: String? }

    static func entry(seq: UInt64, chunk: String, at: String) -> String {
        "{\"seq\":\(seq),\"chunk\":\(quote(chunk)),\"at\":\(quote(at))}"
    }
    static func terminal(status: String, seq: UInt64, at: String) -> String {
        "{\"status\":\(quote(status)),\"seq\":\(seq),\"at\":\(quote(at))}"
    }

    static func decodeEntry(_ text: String) -> ReplayChunk? {
        guard let e = try? JSONDecoder().decode(Entry.self, from: Data(text.utf8)) else { return nil }
        return ReplayChunk(seq: e.seq, data: e.chunk)
    }
    static func decodeTerminal(_ text: String) -> (status: String, seq: UInt64?)? {
        guard let t = try? JSONDecoder().decode(Terminal.self, from: Data(text.utf8)) else { return nil }
        return (t.status, t.seq)
    }
    static func decodeLive(_ text: String) -> ReplayMerge.LiveMessage? {
        guard let m = try? JSONDecoder().decode(Live.self, from: Data(text.utf8)) else { return nil }
        switch m.type {
        case "chunk": guard let seq = m.seq, let chunk = m.chunk else { return nil }; return .chunk(seq: seq, data: chunk)
        case "terminal": guard let status = m.status else { return nil }; return .terminal(status: status, lastSeq: m.seq)
        default: return nil
        }
    }

    /// A JSON string literal (RFC 8259), by the shared serializer.
    static func quote(_ s: String) -> String { JSON.quoted(s) }
}
