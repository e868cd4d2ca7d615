// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "RentalKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RentalKit", targets: ["RentalKit"]),
        .library(name: "RentalProtocol", targets: ["RentalProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "RentalModel"),
        .target(
            name: "RentalKit",
            dependencies: [
                "RentalModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "RentalProtocol", dependencies: ["RentalModel"]),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(name: "Systemd", dependencies: ["CSystemd"]),
        // Test helpers: a journal sender for Tests/system/journal-test.sh and a socket-activation probe.
        .executableTarget(name: "journal-probe", dependencies: ["Systemd"]),
        .executableTarget(name: "listen-fds-probe", dependencies: ["Systemd"]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"]),
        .testTarget(
            name: "RentalKitTests",
            dependencies: ["RentalKit"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
