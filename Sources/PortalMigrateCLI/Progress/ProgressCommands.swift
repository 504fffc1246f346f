import ArgumentParser
import Foundation
import PortalModel
import Terminal

/// A command whose run shows progress (`--progress`, `ProgressDisplay`): the long ones that read an
/// environment, a folder or a package, or write to a target.
protocol ShowsProgress {
    var global: GlobalOptions { get }
}

extension UploadCommand: ShowsProgress {}
extension DownloadCommand: ShowsProgress {}
extension MigrateCommand: ShowsProgress {}
extension PlanCommand: ShowsProgress {}
extension VerifyCommand: ShowsProgress {}
extension DataImportCommand: ShowsProgress {}
extension DataExportCommand: ShowsProgress {}
extension DiffCommand: ShowsProgress {}

extension ProgressDisplay {
    /// Runs `body` with the progress display `command` asks for (none for a command that shows no
    /// progress, or with `--progress none`, or `--json` without `--progress json`): the display's sink is
    /// the task-local `ProgressSink.current` of the run, and the live line is erased when it ends,
    /// however it ends.
    static func run<R>(for command: any ParsableCommand, _ body: () async throws -> R) async throws -> R {
        guard let options = (command as? ShowsProgress)?.global else { return try await body() }
        let style = options.progress.style(
            json: options.json, terminal: isatty(2) != 0,
            term: ProcessInfo.processInfo.environment["TERM"])
        guard style != .off else { return try await body() }
        let display = ProgressDisplay(style: style)
        active = display
        if style == .live { InterruptHandler.installErasing() }
        display.start()
        defer {
            display.finish()
            active = nil
        }
        return try await ProgressSink.$current.withValue(display.sink) { try await body() }
    }
}

/// `--progress auto|plain|json|none` is parsed by its raw value (`ProgressMode` lives in `Terminal`,
/// which has no ArgumentParser).
extension ProgressMode: ExpressibleByArgument {}
