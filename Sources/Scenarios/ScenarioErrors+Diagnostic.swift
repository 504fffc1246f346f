import PortalModel

// The command line shows these like any library error (`DiagnosticConvertible`: message = description,
// exit 2); a setup step that fails is a failed check of the scenario, nothing of the user's is written.
extension CommandFailure: DiagnosticConvertible {}
extension ScenarioSetupError: DiagnosticConvertible {}
