import Testing
@testable import SecondPluginHost

@Suite struct CompatibilityTests {
    let host = HostABI(major: 1, minor: 4, swiftCompiler: "6.3.1", targetFlags: 1)
    func magic(major: UInt16 = 1, minor: UInt16 = 4, swift: String = "6.3.1", flags: UInt32 = 1, size: UInt32 = Compatibility.minimumMagicSize) -> PluginMagic {
        PluginMagic(structSize: size, abiMajor: major, abiMinor: minor, name: "acme-auth", version: "1.2.0", sdkVersion: "swift-kit 1.0.0", swiftCompiler: swift, targetFlags: flags)
    }

    @Test func equalVersionsAreCompatible() {
        #expect(Compatibility.mismatches(magic(), host: host).isEmpty)
        #expect(Compatibility.mismatches(magic(minor: 0), host: host).isEmpty, "an older minor is fine")
        #expect(Compatibility.mismatches(magic(swift: ""), host: host).isEmpty, "C plugins carry no Swift version")
    }

    @Test func everyMismatchIsNamedInOneMessage() {
        let m = magic(minor: 5, swift: "6.2.0")
        let found = Compatibility.mismatches(m, host: host)
        #expect(found == [.abiMinorNewer(plugin: 5, host: 4), .swiftCompiler(plugin: "6.2.0", host: "6.3.1")])
        let text = Compatibility.message(m, found, host: host)
        #expect(text.hasPrefix(#"plugin "acme-auth" 1.2.0 was built for ABI 1.5 (Swift 6.2.0); this server provides ABI 1.4 (Swift 6.3.1): rebuild it against plugin-api 1.4 with Swift 6.3.1"#))
        #expect(text.contains("ABI minor 5 is newer"))
        #expect(text.contains("Swift 6.2.0 differs"))
    }

    @Test func majorMismatchAndTarget() {
        let found = Compatibility.mismatches(magic(major: 2, flags: 0), host: host)
        #expect(found == [.abiMajor(plugin: 2, host: 1), .target(plugin: 0, host: 1)])
    }

    @Test func tooSmallMagicIsRefused() {
        let m = magic(size: 8)
        let found = Compatibility.mismatches(m, host: host)
        #expect(found.first == .magicTooSmall(8))
        #expect(Compatibility.message(m, found, host: host).contains("not built with second_plugin.h"))
    }
}

