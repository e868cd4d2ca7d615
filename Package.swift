// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "RentalKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RentalKit", targets: ["RentalKit"]),
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
        .testTarget(
            name: "RentalKitTests",
            dependencies: ["RentalKit"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
