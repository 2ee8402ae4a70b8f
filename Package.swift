// swift-tools-version:6.0
import PackageDescription

// Drivers (ConformanceHTTP, ConformancePostgres, ConformanceCrypto) are the only modules that
// import a C library; the pipeline module `Conformance` sees Swift values only.
let package = Package(
    name: "conformance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "conformance", targets: ["conformance"]),
        .library(name: "Conformance", targets: ["Conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "ConformanceHTTP", dependencies: ["CCurl"]),
        .target(name: "ConformancePostgres", dependencies: ["CLibPQ"]),
        .target(name: "ConformanceCrypto", dependencies: ["COpenSSL"]),
        .target(name: "Conformance",
                dependencies: ["ConformanceHTTP", "ConformancePostgres", "ConformanceCrypto"]),
        .executableTarget(name: "conformance", dependencies: [
            "Conformance",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Process and PostgreSQL-cluster helpers shared by the test targets (Foundation only).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HTTPTests", dependencies: ["ConformanceHTTP"], exclude: ["edge_server.py"]),
        .testTarget(name: "PostgresTests", dependencies: ["ConformancePostgres", "TestSupport"]),
        .testTarget(name: "CryptoTests", dependencies: ["ConformanceCrypto"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance", "ConformanceHTTP", "ConformancePostgres", "ConformanceCrypto", "TestSupport"],
                    // Corpus/: the bad-input files BadInputCorpusTests reads from the source tree.
                    exclude: ["Corpus"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
