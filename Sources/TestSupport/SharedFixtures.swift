import ChildProcesses
import Foundation

/// Setup results made once per test process, with the built binary like any scenario step, and
/// shared by every test that needs the same starting point and only reads it: a test copies what it
/// will change into its own directory (`copy(_:to:)`). A fixture is made by the first test that asks
/// for it, while the others that ask wait for it; a failed setup fails each of them with the same error.
///
/// Why: the same setup repeated in many tests was a large share of the suite's CPU (issue 19): the
/// ejada-starter-2022 CMT package, for example, was made ten times (create, upload, schema, export,
/// unzip: about 2.3 s of CPU each) by tests that each edit one line of its `data.xml`.
///
/// Fixtures live under the test process's temporary directory (`TestPaths.temporaryRoot/shared`),
/// removed with it when the process exits; nothing in them is written after they are made.
///
/// Example:
/// ```
/// let shared = try await SharedFixtures.exportedPackage(of: "ejada-starter-2022", portalType: "starter")
/// let dir = try SharedFixtures.copy(shared.unzipped, to: home.appendingPathComponent("pkg"))
/// ```
public enum SharedFixtures {
    /// The made fixtures, by key.
    private actor Store {
        var made: [String: Task<URL, any Error>] = [:]

        func directory(_ key: String, make: @escaping @Sendable (URL) async throws -> Void) async throws -> URL {
            if let task = made[key] { return try await task.value }
            let task = Task<URL, any Error>.detached {
                let dir = SharedFixtures.root.appendingPathComponent(key, isDirectory: true)
                try? FileManager.default.removeItem(at: dir)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try await make(dir)
                return dir
            }
            made[key] = task
            return try await task.value
        }
    }

    private static let store = Store()

    /// `TestPaths.temporaryRoot/shared`: every fixture of this test process.
    static let root = TestPaths.temporaryRoot.appendingPathComponent("shared", isDirectory: true)

    /// A directory made once per test process by `make` (given the empty directory to fill), by `key`
    /// (a file name: letters, digits, `-`). Callers must not write into it.
    /// - Throws: what `make` throws (to every caller of the key).
    public static func directory(_ key: String, make: @escaping @Sendable (URL) async throws -> Void) async throws -> URL {
        try await store.directory(key, make: make)
    }

    /// Copies a shared file or directory to `destination` (which must not exist), for a test to change.
    /// - Returns: `destination`.
    /// - Throws: when the copy fails.
    @discardableResult
    public static func copy(_ shared: URL, to destination: URL) throws -> URL {
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: shared, to: destination)
        return destination
    }

    /// A CMT package exported from a corpus pac folder, as `data export` writes it and unpacked.
    public struct ExportedPackage: Sendable {
        /// The package (`data.zip`).
        public let zip: URL
        /// The package unpacked (`data.xml`, `data_schema.xml`, `[Content_Types].xml`).
        public let unzipped: URL
        /// The schema it was exported with (`data schema --portalType T`).
        public let schema: URL
    }

    /// The corpus pac folder `corpusName` uploaded into a new embedded environment (`env create src`,
    /// `upload --yes`), exported with `data schema --portalType portalType` (`data export`), and
    /// unpacked: made once per process.
    /// - Throws: `ScenarioError` naming the command that failed.
    public static func exportedPackage(of corpusName: String, portalType: String) async throws -> ExportedPackage {
        let dir = try await directory("package-\(corpusName)-\(portalType)") { dir in
            let home = dir.appendingPathComponent("home", isDirectory: true)
            func ok(_ arguments: [String]) async throws {
                let r = try await CLI.run(arguments, home: home)
                guard r.exitCode == 0 else {
                    throw ScenarioError(
                        message: "`portal-migrate \(arguments.joined(separator: " "))` exited with \(r.exitCode): \(r.stderr.suffix(1500))")
                }
            }
            try await ok(["env", "create", "src"])
            try await ok(["upload", "--path", TestPaths.pacFolder(corpusName).path, "--environment", "local:src", "--yes"])
            let schema = dir.appendingPathComponent("schema.xml")
            try await ok(["data", "schema", "--portalType", portalType, "--output", schema.path])
            let zip = dir.appendingPathComponent("data.zip")
            try await ok(["data", "export", "--schemaFile", schema.path, "--dataFile", zip.path, "--environment", "local:src"])
            let unzip = try await ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/unzip"), ["-q", zip.path, "-d", dir.appendingPathComponent("unzipped").path])
            guard unzip.exitCode == 0 else { throw ScenarioError(message: "unzip \(zip.path): \(unzip.stderr)") }
        }
        return ExportedPackage(
            zip: dir.appendingPathComponent("data.zip"), unzipped: dir.appendingPathComponent("unzipped", isDirectory: true),
            schema: dir.appendingPathComponent("schema.xml"))
    }

    /// Copies into `home` the embedded environment `name` holding the corpus pac folder `corpusName` as
    /// `env create NAME` (then `env settings NAME --blockedattachments LIST` when given) and `upload --yes`
    /// leave it: made once per process for each (corpus, name, list), then copied (`NAME.sqlite` and its
    /// SQLite side files) into `home/environments/`, which must not hold `NAME` yet.
    ///
    /// Every copy is the same environment: the same organization id and portal language ids, which two
    /// environments made apart never share. Use it for one environment of a test (or ones the test never
    /// compares); make the others with the commands.
    /// - Returns: the environment's `--environment` value, `local:NAME`.
    /// - Throws: `ScenarioError` naming the setup command that failed; when the copy fails.
    @discardableResult
    public static func uploadedEnvironment(
        _ corpusName: String, as name: String, blockedAttachments: String? = nil, into home: URL
    ) async throws -> String {
        let key = "env-\(corpusName)-\(name)-\((blockedAttachments ?? "default").filter { $0.isLetter || $0.isNumber })"
        let template = try await directory(key) { dir in
            let home = dir.appendingPathComponent("home", isDirectory: true)
            var steps = [["env", "create", name]]
            if let blockedAttachments { steps.append(["env", "settings", name, "--blockedattachments", blockedAttachments]) }
            steps.append(["upload", "--path", TestPaths.pacFolder(corpusName).path, "--environment", "local:\(name)", "--yes"])
            for arguments in steps {
                let r = try await CLI.run(arguments, home: home)
                guard r.exitCode == 0 else {
                    throw ScenarioError(
                        message: "`portal-migrate \(arguments.joined(separator: " "))` exited with \(r.exitCode): \(r.stderr.suffix(1500))")
                }
            }
        }
        let from = template.appendingPathComponent("home/environments", isDirectory: true)
        let to = home.appendingPathComponent("environments", isDirectory: true)
        try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: from.path)
        where file == "\(name).sqlite" || file == "\(name).sqlite-wal" || file == "\(name).sqlite-shm" {
            try FileManager.default.copyItem(at: from.appendingPathComponent(file), to: to.appendingPathComponent(file))
        }
        return "local:\(name)"
    }
}
