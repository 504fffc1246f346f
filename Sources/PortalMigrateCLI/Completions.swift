import ArgumentParser
import DataverseWebAPI
import LocalEnvironment
import PortalModel

/// Shell completion values for options whose values are a closed list or live on this machine
/// (issue 24 item 8): built-in templates, portal types, data model versions, embedded environment names
/// and auth profile names. `portal-migrate --generate-completion-script bash|zsh|fish` writes the script;
/// the custom lists are computed when the shell asks (the script calls `portal-migrate ---completion`).
enum Completions {
    /// `--template`: the built-in templates (`PortalTemplate.all`).
    static let templates = CompletionKind.list(PortalTemplate.all.keys.sorted())

    /// `--portalType` of `data schema`.
    static let portalTypes = CompletionKind.list(PortalType.allCases.map(\.rawValue))

    /// `--modelVersion`: pac's values (1/2) and their names.
    static let modelVersions = CompletionKind.list(["1", "2", "standard", "enhanced"])

    /// An embedded environment's name (`env … NAME`): the files in `$PORTAL_MIGRATE_HOME/environments`.
    static let localEnvironmentNames = CompletionKind.custom { _, _, _ in localNames() }

    /// `--environment`, `--from`, `--to`: `local:NAME` for each embedded environment, then the auth
    /// profiles' names (never their URLs' credentials or secrets).
    static let environments = CompletionKind.custom { _, _, _ in
        localNames().map { "local:\($0)" } + ((try? AuthProfileStore.default().load().profiles.map(\.name)) ?? [])
    }

    static func localNames() -> [String] { DataDirectory.current().environmentNames() }
}
