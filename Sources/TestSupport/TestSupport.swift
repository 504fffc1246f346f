import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Paths shared by every test suite: the repository, the shared corpus, the built binaries, and
/// temporary directories.
public enum TestPaths {
    /// The repository root (found from this source file's location).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() } // TestSupport.swift, TestSupport, Sources
        return url
    }()

    /// `../shared/corpus` relative to the repository root: Microsoft's real files (never written to).
    public static let corpus: URL = repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/corpus", isDirectory: true).standardizedFileURL

    /// `../shared/corpus/pac/<name>`.
    public static func pacFolder(_ name: String) -> URL { corpus.appendingPathComponent("pac/\(name)", isDirectory: true) }

    /// The standard-model pac folders of the corpus.
    public static let standardPacFolders = [
        "book-multilang-2023", "comet-selfservice-2023", "ejada-starter-2022",
        "medical-webfiles-2023",
    ]

    /// `../shared/corpus/cmt/<path>`.
    public static func cmt(_ path: String) -> URL { corpus.appendingPathComponent("cmt/\(path)") }

    /// The folder holding the built products (`.build/debug`), found from the running test bundle.
    public static let productsDirectory: URL = {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // On macOS the test bundle is X.xctest/Contents/MacOS/X.
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir.deleteLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("portal-migrate").path) { return dir }
        return repositoryRoot.appendingPathComponent(".build/debug", isDirectory: true)
    }()

    /// The built `portal-migrate` executable used by end-to-end tests: `$PM_BINARY` when set (for a copied
    /// test bundle, or another build), else `portal-migrate` in `productsDirectory`.
    public static var portalMigrateBinary: URL {
        if let path = ProcessInfo.processInfo.environment["PM_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return productsDirectory.appendingPathComponent("portal-migrate")
    }

    /// A new empty temporary directory, unique per call, under `temporaryRoot`. The caller may remove it;
    /// whatever is left goes when the test process exits.
    public static func temporaryDirectory(_ label: String = "pm-test") throws -> URL {
        let url = temporaryRoot.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `$TMPDIR/pm-tests-PID`: every temporary directory and shared fixture of this test process, removed
    /// when the process exits normally (kept with `PM_KEEP=1`, to look at after a failure). Before, tests
    /// left their directories behind: 62 GB under /tmp on this machine, a full disk, and writes failing
    /// as "target unreachable: local:NAME" (issue 19).
    public static let temporaryRoot: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("pm-tests-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if ProcessInfo.processInfo.environment["PM_KEEP"] == nil {
            atexit { try? FileManager.default.removeItem(at: TestPaths.temporaryRoot) }
        }
        return url
    }()

    /// True when `PM_LONG_TESTS=1`: longer trials run.
    public static var longTests: Bool { ProcessInfo.processInfo.environment["PM_LONG_TESTS"] == "1" }
}
