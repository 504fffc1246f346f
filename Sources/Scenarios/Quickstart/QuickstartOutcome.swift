import Foundation

/// What a quickstart run leaves: its steps, and its directory, kept or removed.
public struct QuickstartOutcome: Sendable {
    /// The six steps, in order (a failed step is recorded, not thrown).
    public var steps: [QuickstartStep]
    /// The quickstart's directory (environments in `home/environments`, the site folder, the package, `logs/`).
    public var directory: URL
    /// The directory was left in place: asked for, or a step was not verified (nothing of a failed run is
    /// deleted, so it can be looked at).
    public var kept: Bool

    /// Every one of the six steps was verified.
    public var allVerified: Bool { steps.count == 6 && steps.allSatisfy(\.verified) }
    /// The numbers of the steps not verified.
    public var failedSteps: [Int] { steps.filter { !$0.verified }.map(\.number) }
}

extension QuickstartProcedure {
    /// A procedure in a new directory `portal-migrate-quickstart-XXXXXXXX` under `parent` (the system's
    /// temporary directory for the command), created here with its `home/` and `config/`.
    /// - Parameters: as `init(executable:directory:template:overHTTP:verbose:say:)`.
    /// - Throws: `ScenarioSetupError` naming the directory when it cannot be created.
    public convenience init(
        inNewDirectoryUnder parent: URL, executable: URL, template: String, overHTTP: Bool, verbose: Bool,
        say: @escaping @Sendable (String) -> Void
    ) throws {
        let directory = parent.appendingPathComponent(
            "portal-migrate-quickstart-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
        do {
            for sub in ["home", "config"] {
                try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        } catch {
            throw ScenarioSetupError(
                "cannot create the quickstart directory \(directory.path): \(Self.reason(error)); "
                    + "set TMPDIR to a directory you can write to")
        }
        self.init(executable: executable, directory: directory, template: template, overHTTP: overHTTP, verbose: verbose, say: say)
    }

    /// The system's words for a file error (`Not a directory`, `Permission denied`), else its description.
    static func reason(_ error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        }
        return "\(error)"
    }

    /// Runs the six steps (`run()`), then removes the directory unless `keep` or a step was not verified.
    public func run(keep: Bool) async -> QuickstartOutcome {
        let steps = await run()
        var outcome = QuickstartOutcome(steps: steps, directory: workspace.work, kept: true)
        if !keep && outcome.allVerified {
            try? FileManager.default.removeItem(at: workspace.work)
            outcome.kept = false
        }
        return outcome
    }
}
