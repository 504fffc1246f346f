import Foundation

extension Workspace {
    /// How a person should type the tool's name to rerun what `executable` did: `portal-migrate` when the
    /// first `portal-migrate` on `searchPath` is `executable` (symbolic links resolved on both sides),
    /// otherwise the executable's full path (a fresh clone runs it as `.build/debug/portal-migrate` or
    /// through `swift run`, and a bare name would be "command not found"; see the README's Install section).
    ///
    /// Used by `portal-migrate quickstart` for the commands it tells a person to run next.
    /// - Parameters:
    ///   - executable: the running `portal-migrate` binary (`currentExecutable()`).
    ///   - searchPath: a `PATH` value, `:`-separated (empty entries skipped); the process's `PATH` by default.
    /// - Returns: `"portal-migrate"` or `executable.path`.
    public static func commandName(
        for executable: URL, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? ""
    ) -> String {
        let own = executable.resolvingSymlinksInPath().standardizedFileURL.path
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("portal-migrate")
            guard FileManager.default.isExecutableFile(atPath: candidate.path) else { continue }
            return candidate.resolvingSymlinksInPath().standardizedFileURL.path == own ? "portal-migrate" : executable.path
        }
        return executable.path
    }
}
