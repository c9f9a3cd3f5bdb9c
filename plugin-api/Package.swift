// swift-tools-version:6.0
// plugin-api: the Second Server plugin contract. Plugin authors depend on this package only:
//   - SecondPluginAPI: the C header `include/second_plugin.h` (the whole ABI; no code)
//   - SecondPluginKit: the Swift SDK that implements the ABI's exports for Swift plugins
//   - SecondRuntimeKit: helpers for runtime-driver authors (JSON lines, private env, cancel escalation, pricing, redaction)
import PackageDescription

let package = Package(
    name: "plugin-api",
    products: [
        .library(name: "SecondPluginAPI", targets: ["SecondPluginAPI"]),
        .library(name: "SecondPluginKit", targets: ["SecondPluginKit"]),
        .library(name: "SecondRuntimeKit", targets: ["SecondRuntimeKit"]),
    ],
    targets: [
        .target(name: "SecondPluginAPI", path: "include", publicHeadersPath: "."),
        .target(name: "SecondPluginKit", dependencies: ["SecondPluginAPI"], path: "Sources/SecondPluginKit"),
        .target(name: "SecondRuntimeKit", dependencies: ["SecondPluginKit"], path: "Sources/SecondRuntimeKit"),
    ]
)
