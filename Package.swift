// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "PortalMigrate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "portal-migrate", targets: ["portal-migrate"]),
        .library(name: "PortalModel", targets: ["PortalModel"]),
        .library(name: "Migration", targets: ["Migration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Typed values, records, snapshots, the table catalog and the DataverseService protocol.
        .target(name: "PortalModel", exclude: ["Catalog/CATALOG.md"]),
        // HTTP client for the Dataverse Web API v9.2, OAuth token providers, auth profiles.
        .target(
            name: "DataverseWebAPI",
            dependencies: [
                "PortalModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Embedded Dataverse-compatible environment in one SQLite file.
        .target(
            name: "LocalEnvironment",
            dependencies: [
                "PortalModel", "ConfigurationMigration",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // Serves any DataverseService (the embedded environment) over the Web API on 127.0.0.1; the
        // embedded environment's extras (file names, site hosts) through PortalModel's service capabilities.
        .target(
            name: "EnvironmentServer",
            dependencies: [
                "PortalModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // pac paportal site folders <-> PortalSnapshot.
        .target(
            name: "PortalFolder",
            dependencies: [
                "PortalModel",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Configuration Migration Tool schema files and data packages <-> PortalSnapshot.
        .target(
            name: "ConfigurationMigration",
            dependencies: [
                "PortalModel",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        // Plan, checks, apply, journal, verify, deployment profiles.
        .target(
            name: "Migration",
            dependencies: [
                "PortalModel",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // HTML (swift-mustache) and JUnit renderings of drift comparisons and plans (issue 21).
        .target(
            name: "Reports",
            dependencies: [
                "PortalModel", "Migration",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Runs child processes and collects their output (tests, quickstart, benchmark); no business logic.
        .target(name: "ChildProcesses"),
        // Code sites (single-page-application sites): powerpages.config.json, both .powerpages-site layouts, build output (issue 23).
        .target(name: "CodeSite", dependencies: ["PortalModel", "PortalFolder", "Migration"]),
        // The process's terminal: console output shared with the live progress line, progress display
        // (live line, plain lines, JSON lines), the log handler; no ArgumentParser (issue 19).
        .target(
            name: "Terminal",
            dependencies: [
                "PortalModel",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Environments set up with real commands (create, provision, upload, serve) in a workspace of their
        // own, and the quickstart procedure; shared by the quickstart command, TestSupport and the benchmark
        // (issue 19). No ArgumentParser.
        .target(
            name: "Scenarios",
            dependencies: [
                "PortalModel", "LocalEnvironment", "EnvironmentServer", "DataverseWebAPI", "Migration", "ChildProcesses",
            ]),
        // Opening the environment a user names (local:NAME, an auth profile or index, a URL) the way the
        // command line does, and its Power Pages sites through the admin API (issue 19). No ArgumentParser.
        .target(
            name: "Environments",
            dependencies: [
                "PortalModel", "DataverseWebAPI", "LocalEnvironment", "EnvironmentServer", "Migration",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The file formats wired to the use cases (issue 19): which adapter reads a path (the source
        // factory: a new format is its module plus one line in SourceFactory.formats), a CMT schema file
        // as a verify scope, check of a file source, download into a pac folder, export into a CMT package.
        .target(name: "FileFormats", dependencies: ["PortalModel", "Migration", "PortalFolder", "ConfigurationMigration", "CodeSite"]),
        // Command types (parsing, output); no business logic.
        .target(
            name: "PortalMigrateCLI",
            dependencies: [
                "PortalModel", "DataverseWebAPI", "LocalEnvironment", "EnvironmentServer",
                "PortalFolder", "ConfigurationMigration", "Migration", "ChildProcesses", "Reports", "CodeSite", "Terminal", "Scenarios",
                "Environments", "FileFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "portal-migrate", dependencies: ["PortalMigrateCLI"]),
        // Benchmark (issue 11): scenarios and baselines over HTTP against EnvironmentServer on 127.0.0.1.
        .executableTarget(
            name: "portal-migrate-bench",
            dependencies: [
                "PortalModel", "LocalEnvironment", "EnvironmentServer", "DataverseWebAPI", "Migration", "TestSupport", "ChildProcesses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Shared by test targets: corpus paths, temporary directories, environments and servers.
        .target(
            name: "TestSupport",
            dependencies: [
                "PortalModel", "LocalEnvironment", "EnvironmentServer", "ChildProcesses", "PortalMigrateCLI", "Scenarios",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "PortalModelTests", dependencies: ["PortalModel", "TestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "DataverseWebAPITests", dependencies: ["DataverseWebAPI", "TestSupport", "LocalEnvironment", "EnvironmentServer"]),
        .testTarget(name: "LocalEnvironmentTests", dependencies: ["LocalEnvironment", "ConfigurationMigration", "TestSupport"]),
        .testTarget(name: "EnvironmentServerTests", dependencies: ["EnvironmentServer", "DataverseWebAPI", "TestSupport"]),
        .testTarget(name: "PortalFolderTests", dependencies: ["PortalFolder", "TestSupport"]),
        .testTarget(name: "ConfigurationMigrationTests", dependencies: ["ConfigurationMigration", "TestSupport"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration", "LocalEnvironment", "TestSupport"]),
        .testTarget(name: "CodeSiteTests", dependencies: ["CodeSite", "PortalFolder", "Migration", "LocalEnvironment", "TestSupport"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "TestSupport", "LocalEnvironment", "PortalModel"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "TestSupport", "LocalEnvironment", "DataverseWebAPI", "PortalModel"]),
        .testTarget(
            name: "FileFormatsTests",
            dependencies: ["FileFormats", "TestSupport", "Migration", "PortalFolder", "ConfigurationMigration", "CodeSite", "LocalEnvironment", "PortalModel"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "PortalModel", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "PortalMigrateTests", dependencies: ["PortalMigrateCLI", "TestSupport", "Reports", "Migration"]),
    ]
)
