// swift-tools-version:6.0
// Second Server: a plugin host for AI agents in workspace apps. Core targets never import a plugin;
// plugins (Plugins/*) depend only on plugin-api (the C header and the Swift SDK).
import PackageDescription

/// A first-party plugin: a dynamic library built only against plugin-api.
/// `cDependencies`: Debian C libraries a plugin links itself (never a core target).
/// Runtime drivers also use SecondRuntimeKit (the SDK's helpers for driving agent CLIs).
func plugin(_ target: String, product: String, cDependencies: [Target.Dependency] = [], runtimeKit: Bool = false) -> (Product, Target) {
    let kit: [Target.Dependency] = runtimeKit ? [.product(name: "SecondRuntimeKit", package: "plugin-api")] : []
    return (.library(name: product, type: .dynamic, targets: [target]),
            .target(name: target, dependencies: [.product(name: "SecondPluginKit", package: "plugin-api")] + kit + cDependencies,
                    path: "Plugins/\(target)"))
}

let plugins = [
    plugin("StaticTokensAuth", product: "second-auth-static-tokens"),
    plugin("TrustedHeaderAuth", product: "second-auth-trusted-header"),
    plugin("OIDCAuth", product: "second-auth-oidc", cDependencies: ["COpenSSL"]),
    plugin("GenericOAuth", product: "second-oauth-generic"),
    plugin("CommandRuntime", product: "second-runtime-command"),
    plugin("JSONLinesTelemetry", product: "second-telemetry-jsonl"),
    plugin("ClaudeRuntime", product: "second-runtime-claude", runtimeKit: true),
    plugin("CodexRuntime", product: "second-runtime-codex", runtimeKit: true),
    plugin("OpenCodeRuntime", product: "second-runtime-opencode", runtimeKit: true),
]

let package = Package(
    name: "second-server",
    products: [
        .executable(name: "second", targets: ["second"]),
    ] + plugins.map(\.0),
    dependencies: [
        .package(path: "plugin-api"),
    ],
    targets: [
        .systemLibrary(name: "CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "SecondConfig", dependencies: ["CYaml"]),
        .target(name: "CSecondSys"),
        .target(name: "SecondCore"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "SecondCrypto", dependencies: ["SecondCore", "COpenSSL"]),
        .target(name: "CSecondHTTP", linkerSettings: [.linkedLibrary("microhttpd")]),
        .target(name: "SecondHTTP", dependencies: ["SecondCore", "CSecondHTTP"]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMongoc", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev"])]),
        .target(name: "SecondStore", dependencies: ["SecondCore", "CSQLite", "CMongoc"]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(name: "SecondBus", dependencies: ["SecondCore", "CHiredis"]),
        .target(name: "SecondApps", dependencies: ["SecondCore", "SecondCrypto"]),
        .target(name: "SecondServer", dependencies: [
            "SecondCore", "SecondHTTP", "SecondPluginHost", "SecondDeployment", "SecondStore", "SecondBus", "SecondCrypto", "SecondApps",
        ]),
        .target(name: "SecondPluginHost", dependencies: [
            "SecondConfig", "SecondCore", "CSecondSys", .product(name: "SecondPluginAPI", package: "plugin-api"),
        ]),
        .target(name: "SecondDeployment", dependencies: ["SecondConfig", "SecondPluginHost"]),
        .target(name: "SecondCLI", dependencies: ["SecondConfig", "SecondPluginHost", "SecondDeployment", "SecondServer"]),
        .executableTarget(name: "second", dependencies: ["SecondCLI"]),
        .testTarget(name: "SecondConfigTests", dependencies: ["SecondConfig"]),
        .testTarget(name: "SecondPluginHostTests", dependencies: [
            "SecondPluginHost", "SecondConfig", "COpenSSL", .product(name: "SecondPluginAPI", package: "plugin-api"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "SecondHTTPTests", dependencies: ["SecondHTTP", "SecondCore"]),
        .testTarget(name: "SecondStoreTests", dependencies: ["SecondStore", "SecondCore"]),
        .testTarget(name: "SecondBusTests", dependencies: ["SecondBus", "SecondCore"]),
        .testTarget(name: "SecondServerTests", dependencies: ["SecondCore", "SecondServer", "SecondStore", "SecondPluginHost", "SecondBus", "SecondApps", "SecondHTTP"]),
        // Each plugin exports the same two C symbols; only this test binary links several plugins at once.
        .testTarget(name: "RuntimeDriverTests", dependencies: [
            "ClaudeRuntime", "CodexRuntime", "OpenCodeRuntime",
            .product(name: "SecondRuntimeKit", package: "plugin-api"), .product(name: "SecondPluginKit", package: "plugin-api"),
        ], linkerSettings: [.unsafeFlags(["-Xlinker", "--allow-multiple-definition"])]),
        .testTarget(name: "SecondAppsTests", dependencies: ["SecondApps", "SecondCore", "SecondCrypto"]),
        .testTarget(name: "SecondGovernanceTests", dependencies: ["SecondCore", "SecondCrypto"]),
        .testTarget(name: "SecondDeploymentTests", dependencies: ["SecondDeployment", "SecondCLI"]),
    ] + plugins.map(\.1)
)
