import ArgumentParser
import Dispatch
import Foundation
import Migration
import Terminal

/// Ctrl-C (SIGINT) during a journalled write (upload, migrate, data import): says that the same
/// command resumes the run, then exits 130 (issue 24: every failure ends with what to do next).
///
/// The signal itself is ignored and delivered to a `DispatchSource` instead, so the message is written
/// on a dispatch queue, outside signal context (no async-unsafe work in a signal handler). The process
/// ends with `_exit`: like the default action of SIGINT, it does not run exit handlers while the
/// run's tasks are still working; the journal is written as records complete, so a rerun resumes.
enum InterruptHandler {
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    /// Installs the handler once for `command` when its run is journalled (`RunKind.isJournalled`: the
    /// same command resumes it); other commands keep the default action.
    static func install(for command: ParsableCommand) {
        guard (command as? any RunCommand).map({ type(of: $0).runKind.isJournalled }) == true, source == nil else { return }
        installHandler(resuming: true)
    }

    /// For a command without the resume message that draws a live progress line: Ctrl-C erases the
    /// line (no half-drawn progress left on the terminal) and exits 130, as the default action would.
    static func installErasing() {
        guard source == nil else { return }
        installHandler(resuming: false)
    }

    private static func installHandler(resuming: Bool) {
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "portal-migrate.sigint"))
        s.setEventHandler {
            ProgressDisplay.active?.finish()
            if resuming {
                let text = "interrupted; rerun the same command to resume (the run is journalled: what was written is kept and not written twice)\n"
                Console.writeAll(2, ProgressDisplay.active == nil ? "\n" + text : text)
            }
            _exit(130)
        }
        s.resume()
        source = s
    }
}

/// A command that prepares one kind of run (`MigrationUseCases.prepare`): the kind says whether the run
/// is journalled, so whether Ctrl-C tells the user that the same command resumes it.
protocol RunCommand {
    /// The run this command prepares.
    static var runKind: RunKind { get }
}

extension UploadCommand: RunCommand { static var runKind: RunKind { .upload } }
extension MigrateCommand: RunCommand { static var runKind: RunKind { .migrate } }
extension DataImportCommand: RunCommand { static var runKind: RunKind { .dataImport } }
extension PlanCommand: RunCommand { static var runKind: RunKind { .plan } }
extension VerifyCommand: RunCommand { static var runKind: RunKind { .verify } }
