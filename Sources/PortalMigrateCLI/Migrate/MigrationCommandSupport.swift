import ArgumentParser
import Foundation
import Migration
import PortalModel

/// How a writing migration command (`migrate`, `upload`) runs the engine: the switches every such
/// command shares.
///
/// - `verbose`: print the plan even when it has no deletions.
/// - `dryRun`: plan and check, print the plan report, write nothing.
/// - `yes`: delete without asking.
/// - `force`: with failed checks, write everything else and exit 1 instead of stopping with exit 2.
/// - `json`: the JSON report owns stdout; human text goes to stderr.
/// - `verify`: read the target back after writing and compare (`--no-verify` turns it off).
struct MigrationRunSettings {
    var verbose: Bool
    var dryRun: Bool
    var yes: Bool
    var force: Bool
    var json: Bool
    var verify: Bool = true
}

extension MigrationCommandSupport {
    /// The one prepare → show → confirm → apply → report flow of `migrate` and `upload`.
    ///
    /// 1. `engine.prepare` plans and checks (writes nothing);
    /// 2. the plan is printed when verbose, for a dry run, or when it deletes records; otherwise the records
    ///    it skips (environment-specific tables, deletions already done) are;
    /// 3. failed checks stop the run (`MigrationError.checksFailed`, exit 2) unless `force`;
    /// 4. a dry run prints the plan report and returns;
    /// 5. deletions need `--yes`, or a "y" typed on a terminal (no terminal: a `UserFacingError`);
    /// 6. `engine.migrate` applies (journalled, blocked list restored), reads the target back and compares
    ///    (unless `--no-verify`), and the result report is printed.
    ///
    /// - Throws: `MigrationError.checksFailed`; `UserFacingError` when deletions are not confirmed;
    ///   `ExitCode(1)` when records failed, `--force` left records out, or the read-back found a discrepancy; `ApplyStopped` naming the target's
    ///   URL when it stopped answering; what the engine throws.
    static func prepareConfirmApply(engine: MigrationEngine, source: MigrationSource, target: any DataverseService,
                                    options: MigrationOptions, settings: MigrationRunSettings) async throws {
        let json = settings.json
        var options = options
        options.force = settings.force
        options.dryRun = settings.dryRun
        options.verifyAfterWrite = settings.verify
        let prepared = try await engine.prepare(source: source, target: target, options: options)
        let plan = prepared.plan
        if settings.verbose || settings.dryRun || !plan.deletions.isEmpty {
            let lines = PlanRenderer.lines(plan) + skippedLines(plan)
            say(lines.isEmpty ? "No changes." : lines.joined(separator: "\n"), json: json)
        } else if !plan.skipped.isEmpty {
            say(skippedLines(plan).joined(separator: "\n"), json: json)
        }
        if !prepared.errors.isEmpty && !settings.force { throw MigrationError.checksFailed(prepared.checks) }
        if settings.dryRun {
            var report = prepared.report
            report.dryRun = true
            report.forced = !prepared.errors.isEmpty
            say(report.humanSummary(), json: json)
            if json { printOut(report.jsonText()) }
            return
        }
        // Warnings of planning and checks are said before anything is written (the folder's own were
        // printed as it was read).
        for w in prepared.checks where w.severity == .warning && w.check != "folder" { printErr("warning: \(w)") }
        if !plan.deletions.isEmpty && !settings.yes {
            guard isatty(0) != 0 else {
                throw UserFacingError("\(plan.deletions.count) record(s) would be deleted; pass --yes to confirm")
            }
            FileHandle.standardError.write(Data("Delete \(plan.deletions.count) record(s) in the target? [y/N] ".utf8))
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                throw UserFacingError("nothing written: deletions not confirmed")
            }
        }
        if !options.unblockExtensions.isEmpty {
            say("The target's blocked attachment list will be changed for this run (allowing \(options.unblockExtensions.sorted().joined(separator: ", "))) and restored at the end.", json: json)
        }
        let report = try await migrate(engine: engine, source: source, target: target, options: options, prepared: prepared, json: json)
        say(report.humanSummary(), json: json)
        if json { printOut(report.jsonText()) }
        if !report.failures.isEmpty || report.forced || !(report.verification?.passed ?? true) {
            throw ExitCode(PortalMigrateExit.recordsFailed.rawValue)
        }
    }

    /// `engine.migrate` with its progress lines said; an `ApplyStopped` names the target's environment URL.
    static func migrate(engine: MigrationEngine, source: MigrationSource, target: any DataverseService, options: MigrationOptions,
                        prepared: PreparedMigration? = nil, json: Bool) async throws -> MigrationReport {
        do {
            return try await engine.migrate(source: source, target: target, options: options, prepared: prepared) { line in
                say(line, json: json)
            }
        } catch var stopped as ApplyStopped {
            stopped.target = environmentURL(target) ?? stopped.target
            throw stopped
        } catch let e as DataverseError where e.environmentDidNotAnswer {
            // After writing began "nothing was written" (the planning-time wording) would be false.
            throw UserFacingError("the environment did not answer after writing began: \(e.userText); "
                                  + "rerun the same command to resume", exitCode: PortalMigrateExit.recordsFailed)
        }
    }

    /// The plan's records left out on purpose (environment-specific tables, deletions of records the
    /// target does not have), one line each, under a heading.
    static func skippedLines(_ plan: MigrationPlan) -> [String] {
        guard !plan.skipped.isEmpty else { return [] }
        return ["Skipped (\(plan.skipped.count)):"] + plan.skipped.map { s in
            "  · skip \(s.table) \(s.id.dataverseString)\(s.name.map { " \"\($0)\"" } ?? ""): \(s.reason)"
        }
    }

    /// The `--unblock-extensions` list: comma-separated, trimmed, lower-cased, empty entries dropped.
    static func extensions(_ list: String?) -> Set<String> {
        Set((list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
    }
}
