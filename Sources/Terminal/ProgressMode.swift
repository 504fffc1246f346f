import Foundation

/// `--progress auto|plain|json|none`: how a long command shows its progress on standard error.
///
/// - `auto` (default): a live line on a terminal, plain lines when standard error is not a terminal
///   (or `TERM=dumb`), nothing with `--json`;
/// - `plain`: plain lines (a stage summary, a line every few seconds, retry waits);
/// - `json`: one JSON object per progress event, a line each (`ProgressJSON`), also with `--json`;
/// - `none`: nothing.
/// (The command line declares it `ExpressibleByArgument`; this module has no ArgumentParser.)
public enum ProgressMode: String, CaseIterable, Sendable {
    case auto, plain, json, none

    /// What a command shows.
    public enum Style: Equatable, Sendable {
        /// One line redrawn in place on a terminal (`ProgressLine`).
        case live
        /// Plain lines: a stage's summary, a running count every few seconds, retry waits (`PlainProgress`).
        case plain
        /// One JSON object per event, a line each (`ProgressJSON`).
        case jsonLines
        /// Nothing.
        case off
    }

    /// The style for this mode.
    /// - Parameters:
    ///   - json: `--json` was given (its stdout is one object; progress only when asked for as JSON lines).
    ///   - terminal: standard error is a terminal.
    ///   - term: the `TERM` variable.
    public func style(json: Bool, terminal: Bool, term: String?) -> Style {
        switch self {
        case .none: return .off
        case .json: return .jsonLines
        case .plain: return .plain
        case .auto:
            if json { return .off }
            return terminal && term != "dumb" ? .live : .plain
        }
    }
}
