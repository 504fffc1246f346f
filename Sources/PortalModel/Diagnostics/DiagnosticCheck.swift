import Foundation

/// Which check or reader found a problem: `Diagnostic.check`. One case per check the code emits, and
/// `rule(_:)` for a portal rule's id; no module spells a check id as a free string (issue 19 "One
/// Diagnostic": check as an enum).
///
/// `rawValue` is the stable public id, in kebab-case (`schema-drift`, `folder-yaml-syntax`,
/// `duplicate-root-partial-url`): what text output prints before the message, what `--json` carries
/// as `"check"`, what scripts match on and what `--skip-check` takes for a rule. `description` is the
/// raw value, so `"\(check)"` prints the id.
///
/// Adding a check: add the case, its id in `rawValue` (the compiler asks for it) and the case in
/// `emitted` (`DiagnosticCheckTests` asserts every id is unique, kebab-case and parses back).
///
/// Example:
/// ```swift
/// Diagnostic(check: .schemaDrift, message: "the target has no table adx_webpage", table: "adx_webpage")
/// Diagnostic(check: .rule(.homeSiteMarker), severity: .warning, message: "…")
/// ```
public enum DiagnosticCheck: Hashable, Sendable {
    // MARK: Any command: input, usage, environments, runs
    /// Bad input with no more specific check (a library error's default, `DiagnosticConvertible`).
    case input
    /// A misused option or argument (exit 64).
    case usage
    /// A failure the command line knows only by its message (`--json` error object without diagnostics).
    case error
    /// A run that failed after accepting work (exit 1).
    case runFailed
    /// The environment refused a request (`DataverseError`).
    case environment
    /// The environment did not answer after the client's retries (exit 1, run again).
    case environmentDidNotAnswer
    /// The environment stopped answering while a run was writing (`ApplyStopped`; exit 1, resumes).
    case environmentStoppedAnswering
    /// A procedure of several steps stopped after changing the environment (`MigrationError.stoppedPartway`).
    case stoppedPartway
    /// The run's journal could not be read or written.
    case journal
    /// A deployment profile could not be read or applied.
    case deploymentProfile
    /// The folder, project or website holds the other data model than the one asked for.
    case dataModelMismatch
    /// An enhanced-model component could not be mapped to its standard table (`EnhancedComponentMapping`).
    case enhancedMapping

    // MARK: pac folder (PortalFolder)
    /// A note about the folder (an ignored file, an unreadable manifest entry); a warning.
    case folder
    /// `.portalconfig/manifest.yml` marks a record deleted that the folder still holds.
    case manifestContradiction
    /// Two files of the folder hold the same record id.
    case folderDuplicateRecord
    /// More folder problems were found than are listed (`ProblemCollector`'s limit).
    case folderProblemsNotListed
    /// The path is not a pac site folder (no `website.yml`).
    case folderNotASiteFolder
    /// The folder is of the enhanced data model where the standard one was asked for (or the reverse).
    case folderEnhancedDataModelFolder
    /// A YAML file does not parse.
    case folderYAMLSyntax
    /// A YAML file parses but not to the shape its table's files have.
    case folderUnexpectedShape
    /// A record's YAML has no (or no valid) id.
    case folderMissingRecordID
    /// A value in a YAML file does not fit its column's type.
    case folderValueDoesNotFitColumn
    /// A content file (`.copy.html`, `.customcss.css`, …) has no YAML file beside it.
    case folderContentFileWithoutYAML
    /// A content file is not UTF-8.
    case folderContentNotUTF8
    /// A YAML file is not UTF-8.
    case folderYAMLNotUTF8
    /// A web file's YAML names a body file that is not there.
    case folderWebFileBodyMissing
    /// A symbolic link points outside the folder.
    case folderLinkOutsideFolder
    /// A file could not be read or written.
    case folderIO
    /// Writes the folder writer refused (outside the destination, through a link).
    case folderRefusedWrites
    /// A path is not a regular file (a device, a socket, a directory where a file belongs).
    case folderNotARegularFile
    /// The destination folder is not empty (download without `--overwrite`).
    case folderFolderNotEmpty
    /// The folder has no website record.
    case folderNoWebsite

    // MARK: CMT package (ConfigurationMigration)
    /// A note about the package; a warning.
    case package
    /// More package problems were found than are listed (`ProblemCollector`'s limit).
    case cmtProblemsNotListed
    /// The bytes are not well-formed XML, or not in a supported encoding.
    case cmtMalformedXML
    /// The XML is well formed but does not have CMT's shape.
    case cmtInvalidSchema
    /// A value in `data.xml` does not fit its column's type.
    case cmtInvalidValue
    /// Something the reader refuses for safety (a DTD, a zip entry outside the package, a huge entry).
    case cmtUnsafeInput
    /// A file the package needs is missing.
    case cmtMissingFile
    /// A FetchXML element, attribute or operator outside the supported subset.
    case cmtUnsupportedFetchXML
    /// A value type the adapter does not carry (`partylist`).
    case cmtUnsupportedValue
    /// Writing the package failed.
    case cmtWriteFailed

    // MARK: code site (CodeSite)
    /// A source file of a code site could not be carried.
    case sourceFile

    // MARK: checks before writing (Migration)
    /// The target lacks a table, column or N:N relationship the source writes.
    case schemaDrift
    /// A file's extension is blocked by the target's organization settings.
    case blockedExtension
    /// A file is larger than the target's maximum upload size.
    case fileTooLarge
    /// Source and target base languages differ.
    case languageMismatch
    /// The source or target website does not exist.
    case websiteNotFound
    /// Records the target has (same ids) belong to another website.
    case otherSiteRecords
    /// A lookup names a record of another table than the column's target.
    case lookupWrongTable
    /// An N:N link names a record neither side has.
    case missingLinkRecord
    /// A lookup names a record neither the source nor the target has.
    case missingLookup
    /// A record's id is the all-zero GUID.
    case emptyID
    /// A text value holds U+0000.
    case nulInText
    /// A choice value is not one of the column's options.
    case optionOutOfRange
    /// `statecode` and `statuscode` do not go together.
    case stateStatusMismatch
    /// A text value is longer than its column allows.
    case valueTooLong
    /// A record matches several target records by its natural key.
    case ambiguousMatch
    /// A deletion names a record of another website.
    case deletionOutsideSite
    /// A website the plan creates exists in the target under the other data model.
    case websiteInBothModels
    /// A website the plan creates has the name of another target website.
    case websiteSameName
    /// A code site's source files or server-logic code that `migrate` does not carry.
    case codeSiteContentNotCarried
    /// The plan deletes more than the limits allow (`MassDeleteCheck`).
    case massDelete

    // MARK: portal rules (Migration's PortalRules)
    /// A portal rule (`check`, and the error rules before writing); `--skip-check` takes its id.
    case rule(PortalRuleID)
}

extension DiagnosticCheck: RawRepresentable, CaseIterable, Comparable, Codable, CustomStringConvertible {
    /// The stable public id, kebab-case.
    public var rawValue: String {
        switch self {
        case .input: "input"
        case .usage: "usage"
        case .error: "error"
        case .runFailed: "run-failed"
        case .environment: "environment"
        case .environmentDidNotAnswer: "environment-did-not-answer"
        case .environmentStoppedAnswering: "environment-stopped-answering"
        case .stoppedPartway: "stopped-partway"
        case .journal: "journal"
        case .deploymentProfile: "deployment-profile"
        case .dataModelMismatch: "data-model-mismatch"
        case .enhancedMapping: "enhanced-mapping"
        case .folder: "folder"
        case .manifestContradiction: "manifest-contradiction"
        case .folderDuplicateRecord: "folder-duplicate-record"
        case .folderProblemsNotListed: "folder-problems-not-listed"
        case .folderNotASiteFolder: "folder-not-a-site-folder"
        case .folderEnhancedDataModelFolder: "folder-enhanced-data-model-folder"
        case .folderYAMLSyntax: "folder-yaml-syntax"
        case .folderUnexpectedShape: "folder-unexpected-shape"
        case .folderMissingRecordID: "folder-missing-record-id"
        case .folderValueDoesNotFitColumn: "folder-value-does-not-fit-column"
        case .folderContentFileWithoutYAML: "folder-content-file-without-yaml"
        case .folderContentNotUTF8: "folder-content-not-utf8"
        case .folderYAMLNotUTF8: "folder-yaml-not-utf8"
        case .folderWebFileBodyMissing: "folder-web-file-body-missing"
        case .folderLinkOutsideFolder: "folder-link-outside-folder"
        case .folderIO: "folder-io"
        case .folderRefusedWrites: "folder-refused-writes"
        case .folderNotARegularFile: "folder-not-a-regular-file"
        case .folderFolderNotEmpty: "folder-folder-not-empty"
        case .folderNoWebsite: "folder-no-website"
        case .package: "package"
        case .cmtProblemsNotListed: "cmt-problems-not-listed"
        case .cmtMalformedXML: "cmt-malformed-xml"
        case .cmtInvalidSchema: "cmt-invalid-schema"
        case .cmtInvalidValue: "cmt-invalid-value"
        case .cmtUnsafeInput: "cmt-unsafe-input"
        case .cmtMissingFile: "cmt-missing-file"
        case .cmtUnsupportedFetchXML: "cmt-unsupported-fetchxml"
        case .cmtUnsupportedValue: "cmt-unsupported-value"
        case .cmtWriteFailed: "cmt-write-failed"
        case .sourceFile: "source-file"
        case .schemaDrift: "schema-drift"
        case .blockedExtension: "blocked-extension"
        case .fileTooLarge: "file-too-large"
        case .languageMismatch: "language-mismatch"
        case .websiteNotFound: "website-not-found"
        case .otherSiteRecords: "other-site-records"
        case .lookupWrongTable: "lookup-wrong-table"
        case .missingLinkRecord: "missing-link-record"
        case .missingLookup: "missing-lookup"
        case .emptyID: "empty-id"
        case .nulInText: "nul-in-text"
        case .optionOutOfRange: "option-out-of-range"
        case .stateStatusMismatch: "state-status-mismatch"
        case .valueTooLong: "value-too-long"
        case .ambiguousMatch: "ambiguous-match"
        case .deletionOutsideSite: "deletion-outside-site"
        case .websiteInBothModels: "website-in-both-models"
        case .websiteSameName: "website-same-name"
        case .codeSiteContentNotCarried: "code-site-content-not-carried"
        case .massDelete: "mass-delete"
        case .rule(let id): id.rawValue
        }
    }

    /// Every check but the rules, in the order declared. A case missing here is still a valid check
    /// (its `rawValue` is required by the compiler) but would not parse back from its id.
    static let emitted: [DiagnosticCheck] = [
        .input, .usage, .error, .runFailed, .environment, .environmentDidNotAnswer, .environmentStoppedAnswering,
        .stoppedPartway, .journal, .deploymentProfile, .dataModelMismatch, .enhancedMapping,
        .folder, .manifestContradiction, .folderDuplicateRecord, .folderProblemsNotListed, .folderNotASiteFolder,
        .folderEnhancedDataModelFolder, .folderYAMLSyntax, .folderUnexpectedShape, .folderMissingRecordID,
        .folderValueDoesNotFitColumn, .folderContentFileWithoutYAML, .folderContentNotUTF8, .folderYAMLNotUTF8,
        .folderWebFileBodyMissing, .folderLinkOutsideFolder, .folderIO, .folderRefusedWrites, .folderNotARegularFile,
        .folderFolderNotEmpty, .folderNoWebsite,
        .package, .cmtProblemsNotListed, .cmtMalformedXML, .cmtInvalidSchema, .cmtInvalidValue, .cmtUnsafeInput,
        .cmtMissingFile, .cmtUnsupportedFetchXML, .cmtUnsupportedValue, .cmtWriteFailed,
        .sourceFile,
        .schemaDrift, .blockedExtension, .fileTooLarge, .languageMismatch, .websiteNotFound, .otherSiteRecords,
        .lookupWrongTable, .missingLinkRecord, .missingLookup, .emptyID, .nulInText, .optionOutOfRange,
        .stateStatusMismatch, .valueTooLong, .ambiguousMatch, .deletionOutsideSite, .websiteInBothModels,
        .websiteSameName, .codeSiteContentNotCarried, .massDelete,
    ]

    /// Every check: the ones above, then one `rule` per portal rule id.
    public static let allCases: [DiagnosticCheck] = emitted + PortalRuleID.allCases.map(DiagnosticCheck.rule)

    private static let byRawValue: [String: DiagnosticCheck] = Dictionary(
        allCases.map { ($0.rawValue, $0) }, uniquingKeysWith: { first, _ in first })

    /// The check with the public id `rawValue`; `nil` for an unknown id.
    public init?(rawValue: String) {
        guard let check = Self.byRawValue[rawValue] else { return nil }
        self = check
    }

    /// Ordered by public id (how diagnostics are sorted: `Diagnostic.displayOrder`).
    public static func < (a: DiagnosticCheck, b: DiagnosticCheck) -> Bool { a.rawValue < b.rawValue }

    /// The public id, as `--json` carries it.
    public var description: String { rawValue }

    /// Encoded as its public id (a string).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// Decoded from its public id.
    /// - Throws: `DecodingError.dataCorrupted` for an id no check has.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let id = try c.decode(String.self)
        guard let check = Self(rawValue: id) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "no check has the id '\(id)'")
        }
        self = check
    }
}
