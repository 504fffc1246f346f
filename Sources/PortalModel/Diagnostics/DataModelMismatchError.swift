import Foundation

extension DataModel {
    /// The `--modelVersion` value naming this model (`1` standard, `2` enhanced).
    public var modelVersionArgument: String { self == .enhanced ? "2" : "1" }

    /// A human name: "standard data model (v1)" / "enhanced data model (v2)".
    public var displayName: String { self == .enhanced ? "enhanced data model (v2)" : "standard data model (v1)" }

    /// Parses a `--modelVersion` value: `1`/`Standard` or `2`/`Enhanced` (case-insensitive; pac
    /// accepts `Enhanced`, research/pac-portal-format.md §5). `nil` for anything else.
    public init?(modelVersionArgument text: String) {
        switch text.lowercased() {
        case "1", "standard", "v1": self = .standard
        case "2", "enhanced", "v2": self = .enhanced
        default: return nil
        }
    }
}

/// A folder, project or website holds a site of one data model and the user asked for the other
/// (`--modelVersion`, `--targetModelVersion`). The one error for it, whoever finds it (a folder
/// reader, `DataModelPolicy` for an environment's website); exit 2, nothing read or written.
public struct DataModelMismatchError: DiagnosticConvertible, Sendable {
    /// The folder path, or the environment and website (`local:dev website 6f0c…`).
    public var path: String
    /// The model found there.
    public var found: DataModel
    /// The model asked for.
    public var requested: DataModel
    /// The option that asked (`--modelVersion` or `--targetModelVersion`).
    public var option: String

    public init(path: String, found: DataModel, requested: DataModel, option: String = "--modelVersion") {
        self.path = path
        self.found = found
        self.requested = requested
        self.option = option
    }

    public var description: String {
        "\(path) holds a site of the \(found.displayName), but \(option) \(requested.modelVersionArgument) (\(requested.displayName)) was given; "
            + "pass \(option) \(found.modelVersionArgument) or leave it out to detect the model"
    }

    /// One `data-model-mismatch` diagnostic naming the folder or website.
    public var diagnostics: [Diagnostic] {
        [Diagnostic(check: .dataModelMismatch, message: description, context: ["path": path])]
    }
}
