import ArgumentParser
import Terminal

/// Options every command shares (DESIGN.md, "Commands"): where to act, output form and verbosity.
///
/// `--environment` takes an auth profile name or index, an environment URL (`https://org.crm.dynamics.com`,
/// `http://127.0.0.1:5555`), or `local:NAME` for an embedded environment; without it the selected auth
/// profile is used. `--json` prints one machine-readable object on stdout and human text on stderr.
/// `--progress` picks how long commands show progress on stderr (`ProgressMode`).
public struct GlobalOptions: ParsableArguments {
    @OptionGroup public var target: EnvironmentOption
    @OptionGroup public var output: OutputOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Progress on stderr. auto: a live line on a terminal, plain lines otherwise, nothing with --json; json: one JSON object per event.",
            valueName: "mode"))
    public var progress: ProgressMode = .auto

    /// `--environment`: auth profile name or index, environment URL, or `local:NAME` (`nil`: the selected profile).
    public var environment: String? { target.environment }
    /// `--json`: one machine-readable object on stdout; human text on stderr.
    public var json: Bool { output.json }
    /// `--verbose`: debug detail on stderr (never secrets).
    public var verbose: Bool { output.verbose }

    public init() {}
}

/// `--environment` (`-env`): where a command acts (an auth profile name or index, an environment URL,
/// or `local:NAME`), with shell completion of embedded environments and profile names.
public struct EnvironmentOption: ParsableArguments {
    @Option(
        name: [.customLong("environment"), .customLong("env", withSingleDash: true)],
        help: "Auth profile name or index, environment URL, or local:NAME for an embedded environment.",
        completion: Completions.environments)
    public var environment: String?

    public init() {}
}

/// The `--dry-run` flag of every command that writes: plan and check, write nothing.
public struct WriteOptions: ParsableArguments {
    @Flag(name: .long, help: "Plan and check only; write nothing.")
    public var dryRun = false

    @Flag(
        name: .customLong("no-verify"),
        help: "Do not read the target back after writing (exit 0 then only means every write was answered with success).")
    public var noVerify = false

    public init() {}
}

/// The output options of commands that act on no `--environment` (for example `env create`, which
/// names its embedded environment as an argument): `--json` and `--verbose` only, so their `--help`
/// lists no option they would ignore.
public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON on stdout; human text goes to stderr.")
    public var json = false

    @Flag(name: [.long, .customShort("v")], help: "Print debug detail (never secrets).")
    public var verbose = false

    public init() {}
}
