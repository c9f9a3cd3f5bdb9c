// swift-tools-version:6.0
// An outside vendor's plugin for Second Server, built as its own package. It depends on the
// plugin contract (plugin-api) only, never on the server itself.
import PackageDescription

let package = Package(
    name: "acme-auth",
    products: [
        // A dynamic library: .build/<config>/libacme-auth.so, loaded by the server with dlopen.
        .library(name: "acme-auth", type: .dynamic, targets: ["AcmeAuth"]),
    ],
    dependencies: [
        .package(path: "../../plugin-api"),
    ],
    targets: [
        .target(
            name: "AcmeAuth",
            dependencies: [.product(name: "SecondPluginKit", package: "plugin-api")]
        ),
    ]
)
