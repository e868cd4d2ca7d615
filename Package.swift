// swift-tools-version:6.1
import PackageDescription

/// Release links of the two installed programs use lld with packed relative relocations (DT_RELR, glibc
/// 2.36+): the position-independent executable keeps its address randomisation, but the dynamic loader
/// no longer reads 2.4 MB of relocation records at every start (rentald idle RSS −2.5 MB; BENCHMARKS.md).
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                 .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "RentalKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RentalKit", targets: ["RentalKit"]),
        .library(name: "RentalProtocol", targets: ["RentalProtocol"]),
        .library(name: "RentalClient", targets: ["RentalClient"]),
        .executable(name: "rentald", targets: ["rentald"]),
        .executable(name: "rentalctl", targets: ["rentalctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "RentalModel"),
        .target(
            name: "RentalKit",
            dependencies: [
                "RentalModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "RentalProtocol", dependencies: ["RentalModel"]),
        // What a person reads: HTML pages rendered from Mustache templates (papers at the desk, labels, the
        // report page) and report CSV for spreadsheets. Report code under Report/, templates under Templates/.
        .target(
            name: "RentalPages",
            dependencies: ["RentalModel", "CQRencode", .product(name: "Mustache", package: "swift-mustache"),
                           .product(name: "CSV", package: "CSV.swift")],
            resources: [.copy("Templates")]
        ),
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(
            name: "RentalClient",
            dependencies: [
                "RentalProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "rentald",
            dependencies: [
                "RentalKit", "RentalProtocol", "RentalPages", "Systemd", "CMalloc",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: releaseLinking
        ),
        .executableTarget(
            name: "rentalctl",
            dependencies: [
                "RentalClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: releaseLinking
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(name: "Systemd", dependencies: ["CSystemd"]),
        .systemLibrary(name: "CMalloc"),
        // Test helpers: a journal sender for Tests/system/journal-test.sh and a socket-activation probe.
        .executableTarget(name: "journal-probe", dependencies: ["Systemd"]),
        .executableTarget(name: "listen-fds-probe", dependencies: ["Systemd"]),
        // Benchmarks against the physical limits (benchmarks/run.sh): RentalKit, and SQLite's C API for the
        // raw baselines; nothing of the daemon's code.
        .executableTarget(
            name: "rental-bench",
            dependencies: ["RentalKit", "RentalProtocol", .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"]),
        .testTarget(
            name: "RentaldTests",
            dependencies: ["RentalClient", "RentalKit", "RentalProtocol", "RentalPages", .product(name: "Yams", package: "Yams")],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "RentalKitTests",
            dependencies: ["RentalKit"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
