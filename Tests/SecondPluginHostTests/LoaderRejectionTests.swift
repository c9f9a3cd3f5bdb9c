import Foundation
import Testing
@testable import SecondPluginHost
import SecondPluginAPI

/// Every way a plugin file is refused: the host names the file and the reason, and keeps running.
@Suite struct LoaderRejectionTests {
    func refusal(_ file: String, _ defines: [String]) throws -> PluginLoadError {
        let path = try Fixture.build(file, defines)
        do {
            _ = try PluginLoader.load(path: path)
            Issue.record("\(file) was loaded but should be refused")
            return PluginLoadError(path: path, message: "")
        } catch {
            #expect(error.path == path)
            return error
        }
    }

    @Test func notAPluginFile() throws {
        let e = try refusal("nomagic", ["FIXTURE_NO_MAGIC", #"FIXTURE_NAME="nomagic""#])
        #expect(e.message.contains("no second_plugin_magic_v1 symbol"))
    }

    @Test func missingEntry() throws {
        let e = try refusal("noentry", ["FIXTURE_NO_ENTRY", #"FIXTURE_NAME="noentry""#])
        #expect(e.message.contains("no second_plugin_entry_v1 symbol"))
    }

    @Test func abiMajorMismatch() throws {
        let e = try refusal("major2", ["FIXTURE_ABI_MAJOR=2", #"FIXTURE_NAME="major2""#])
        #expect(e.message.contains("plugin \"major2\" 0.0.1 was built for ABI 2.\(SECOND_PLUGIN_ABI_MINOR)"))
        #expect(e.message.contains("ABI major 2 differs"))
    }

    @Test func newerMinorIsRefused() throws {
        let e = try refusal("minor99", ["FIXTURE_ABI_MINOR=99", #"FIXTURE_NAME="minor99""#])
        #expect(e.message.contains("ABI 1.99"))
        #expect(e.message.contains("upgrade the server"))
    }

    @Test func swiftCompilerMismatch() throws {
        let e = try refusal("oldswift", [#"FIXTURE_SWIFT="6.0.3""#, #"FIXTURE_NAME="oldswift""#])
        #expect(e.message.contains("(Swift 6.0.3)"))
        #expect(e.message.contains("with Swift \(HostABI.current.swiftCompiler)"))
    }

    @Test func tooSmallMagic() throws {
        let e = try refusal("smallmagic", ["FIXTURE_SMALL_MAGIC", #"FIXTURE_NAME="smallmagic""#])
        #expect(e.message.contains("magic block is 8 bytes"))
    }

    @Test func tooSmallVTable() throws {
        let e = try refusal("smallvt", ["FIXTURE_SMALL_VTABLE", #"FIXTURE_NAME="smallvt""#])
        #expect(e.message.contains("vtable struct_size"))
        #expect(e.message.contains("smaller than ABI 1.0"))
    }

    @Test func tooSmallComponentDescriptor() throws {
        let e = try refusal("smallcomp", ["FIXTURE_SMALL_COMPONENT", #"FIXTURE_NAME="smallcomp""#])
        #expect(e.message.contains("second_component_desc.struct_size is 8"))
    }

    @Test func entryFailure() throws {
        let e = try refusal("entryfails", ["FIXTURE_ENTRY_FAILS", #"FIXTURE_NAME="entryfails""#])
        #expect(e.message.contains(#"plugin "entryfails" 0.0.1: entry failed (UNAVAILABLE): fixture entry refused: missing dependency libfoo"#))
    }

    @Test func missingFile() {
        #expect(throws: PluginLoadError.self) { try PluginLoader.load(path: "/nonexistent/libx.so") }
    }

    @Test func duplicatePluginNamesNameBothFiles() throws {
        let a = try Fixture.build("dupname-a", [#"FIXTURE_NAME="dupname""#, #"FIXTURE_TYPE="dup_a""#])
        let b = try Fixture.build("dupname-b", [#"FIXTURE_NAME="dupname""#, #"FIXTURE_TYPE="dup_b""#])
        var catalog = PluginCatalog()
        _ = try catalog.load(path: a)
        do {
            _ = try catalog.load(path: b)
            Issue.record("duplicate name accepted")
        } catch {
            #expect(error.path == b)
            #expect(error.message.contains("duplicate plugin name \"dupname\""))
            #expect(error.message.contains(a))
        }
    }

    @Test func duplicateComponentIdsNameBothFiles() throws {
        let a = try Fixture.build("dupid-a", [#"FIXTURE_NAME="dupid-a""#, #"FIXTURE_TYPE="same_type""#])
        let b = try Fixture.build("dupid-b", [#"FIXTURE_NAME="dupid-b""#, #"FIXTURE_TYPE="same_type""#])
        var catalog = PluginCatalog()
        _ = try catalog.load(path: a)
        do {
            _ = try catalog.load(path: b)
            Issue.record("duplicate component id accepted")
        } catch {
            #expect(error.message.contains("duplicate component id auth.same_type"))
            #expect(error.message.contains(a) && error.path == b)
        }
    }

    @Test func sameFileTwiceIsRecognised() throws {
        let a = try Fixture.build("twice", [#"FIXTURE_NAME="twice""#, #"FIXTURE_TYPE="twice""#])
        let link = Fixture.dir + "/twice-link.so"
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: a)
        var catalog = PluginCatalog()
        let first = try catalog.load(path: a)
        let second = try catalog.load(path: link)
        #expect(catalog.plugins.count == 1)
        #expect(first === second, "the same library object is reused, entry ran once")
        let otherPath = try PluginLoader.load(path: Fixture.dir + "/../" + (Fixture.dir as NSString).lastPathComponent + "/twice.so")
        #expect(otherPath === first)
    }
}

