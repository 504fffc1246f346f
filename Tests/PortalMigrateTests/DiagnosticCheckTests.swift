import ConfigurationMigration
import Foundation
import Migration
import PortalFolder
import PortalModel
import Testing
import TestSupport

/// Issue 19 "One Diagnostic": a diagnostic's check is a type (`DiagnosticCheck`), and its kebab-case id
/// is the stable public name (text output, `--json`'s `"check"`, `--skip-check`).
@Suite struct DiagnosticCheckTests {
    /// Every public check id. Changing one is a change scripts see: this list changes with it, on purpose.
    static let publicIDs: [String] = [
        "input", "usage", "error", "run-failed", "environment", "environment-did-not-answer",
        "environment-stopped-answering", "stopped-partway", "journal", "deployment-profile", "data-model-mismatch",
        "enhanced-mapping",
        "folder", "manifest-contradiction", "folder-duplicate-record", "folder-problems-not-listed",
        "folder-not-a-site-folder", "folder-enhanced-data-model-folder", "folder-yaml-syntax", "folder-unexpected-shape",
        "folder-missing-record-id", "folder-value-does-not-fit-column", "folder-content-file-without-yaml",
        "folder-content-not-utf8", "folder-yaml-not-utf8", "folder-web-file-body-missing", "folder-link-outside-folder",
        "folder-io", "folder-refused-writes", "folder-not-a-regular-file", "folder-folder-not-empty", "folder-no-website",
        "package", "cmt-problems-not-listed", "cmt-malformed-xml", "cmt-invalid-schema", "cmt-invalid-value",
        "cmt-unsafe-input", "cmt-missing-file", "cmt-unsupported-fetchxml", "cmt-unsupported-value", "cmt-write-failed",
        "source-file",
        "schema-drift", "blocked-extension", "file-too-large", "language-mismatch", "website-not-found",
        "other-site-records", "lookup-wrong-table", "missing-link-record", "missing-lookup", "empty-id", "nul-in-text",
        "option-out-of-range", "state-status-mismatch", "value-too-long", "ambiguous-match", "deletion-outside-site",
        "website-in-both-models", "website-same-name", "code-site-content-not-carried", "mass-delete",
        "duplicate-root-partial-url", "home-site-marker", "content-page-without-root", "content-page-language",
        "parent-page-other-website", "missing-page-template", "missing-web-template", "liquid-missing-web-template",
        "missing-snippet", "duplicate-site-setting", "web-file-without-content", "anonymous-global-write",
        "anonymous-global-access", "webapi-without-permission", "secret-in-plain-text",
    ]

    @Test("every check id is listed, unique, kebab-case, and parses back to its check")
    func idsAreUniqueKebabCaseAndParseBack() throws {
        let ids = DiagnosticCheck.allCases.map(\.rawValue)
        #expect(ids == Self.publicIDs)
        #expect(Set(ids).count == ids.count, "duplicated: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys)")
        let kebab = try Regex("^[a-z0-9]+(-[a-z0-9]+)*$")
        for check in DiagnosticCheck.allCases {
            #expect(check.rawValue.wholeMatch(of: kebab) != nil, "\(check.rawValue) is not kebab-case")
            #expect(DiagnosticCheck(rawValue: check.rawValue) == check)
            #expect("\(check)" == check.rawValue, "interpolation prints the id")
        }
        #expect(DiagnosticCheck(rawValue: "Schema-Drift") == nil && DiagnosticCheck(rawValue: "") == nil)
    }

    @Test("every case declared in DiagnosticCheck.swift is in allCases (so it parses back from its id)")
    func everyDeclaredCaseIsListed() throws {
        // `allCases` is written by hand (a case with a value cannot be synthesized): count the declarations.
        let file = TestPaths.repositoryRoot.appendingPathComponent("Sources/PortalModel/Diagnostics/DiagnosticCheck.swift")
        let text = try String(contentsOf: file, encoding: .utf8)
        let declared = text.split(separator: "\n").filter { $0.hasPrefix("    case ") && !$0.contains(":") }
        #expect(declared.count == DiagnosticCheck.allCases.count - PortalRuleID.allCases.count + 1, "\(declared.count) cases declared")
    }

    @Test("a portal rule's check is its rule id; the rules and the other checks share no id")
    func rulesAreChecks() {
        for id in PortalRuleID.allCases {
            #expect(DiagnosticCheck.rule(id).rawValue == id.rawValue)
            #expect(DiagnosticCheck(rawValue: id.rawValue) == .rule(id))
        }
        // Each rule's own diagnostics carry `.rule(its id)`: PortalRulesTests.triggers.
        #expect(Set(PortalRules.all.map(\.id)) == Set(PortalRuleID.allCases))
    }

    @Test("text, --json and Codable carry the id, unchanged in shape")
    func renderedAsTheID() throws {
        let d = Diagnostic(check: .schemaDrift, message: "the target has no table adx_x", table: "adx_x")
        #expect(d.description == "schema-drift: the target has no table adx_x [adx_x]")
        #expect(DiagnosticRenderer.text([d]) == ["error: schema-drift: the target has no table adx_x [adx_x]"])
        guard case .object(let fields) = DiagnosticRenderer.jsonValue(d) else { Issue.record("not an object"); return }
        #expect(fields.first?.0 == "check" && fields.first?.1 == .string("schema-drift"))
        let rule = Diagnostic(check: .rule(.homeSiteMarker), severity: .warning, message: "m")
        let data = try JSONEncoder().encode([d, rule])
        #expect(String(decoding: data, as: UTF8.self).contains(#""check":"home-site-marker""#))
        #expect(try JSONDecoder().decode([Diagnostic].self, from: data) == [d, rule])
        let unknown = Data(#"{"check":"no-such-check","severity":"error","message":"m"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Diagnostic.self, from: unknown) }
    }

    @Test("each reader problem has its own check: every CMT kind and every folder problem")
    func readerProblemsHaveDistinctChecks() {
        let kinds: [CMTError.Kind] = [
            .malformedXML, .invalidSchema, .invalidValue, .unsafeInput, .missingFile, .unsupportedFetchXML, .unsupportedValue,
            .writeFailed,
        ]
        let cmt = kinds.map(\.check)
        #expect(Set(cmt).count == kinds.count && cmt.allSatisfy { $0.rawValue.hasPrefix("cmt-") })
        #expect(CMTError(.malformedXML, "not XML", file: "data.xml", line: 7).diagnostics.map(\.check) == [.cmtMalformedXML])
        let folder: [PortalFolderError] = [
            .notASiteFolder(path: "p"), .enhancedDataModelFolder(path: "p", reason: "r"),
            .yamlSyntax(file: "f", line: 1, column: 1, problem: "p"), .unexpectedShape(file: "f", line: 1, expected: "e"),
            .missingRecordID(file: "f", line: 1, key: "k", value: nil), .duplicateRecordIDs([]),
            .valueDoesNotFitColumn(file: "f", line: 1, key: "k", value: "v", type: "t"),
            .contentFileWithoutYAML(file: "f", expectedYAML: "y"), .contentNotUTF8(file: "f"),
            .yamlNotUTF8(file: "f", line: 1, offset: 0), .webFileBodyMissing(file: "f", expectedFile: "e"),
            .linkOutsideFolder(file: "f"), .io(file: "f", message: "m"), .refusedWrites([]),
            .notARegularFile(file: "f", what: "w"), .folderNotEmpty(path: "p"), .noWebsite, .several([], notListed: 1),
        ]
        let checks = folder.map(\.check)
        #expect(Set(checks).count == folder.count && checks.allSatisfy { $0.rawValue.hasPrefix("folder-") })
        #expect(
            PortalFolderError.missingRecordID(file: "a.yml", line: 2, key: "adx_webpageid", value: nil).diagnostics.map(\.check) == [
                .folderMissingRecordID
            ])
    }

    @Test("--skip-check rejects an unknown id and a check that is not a rule, listing the rules (exit 64)")
    func skipCheckRejectsUnknownIDs() {
        for (given, says) in [("nope", "no such rule"), ("schema-drift", "not a portal rule")] {
            guard case .failure(let message, let code) = CLI.parse(["check", "--path", ".", "--skip-check", given]) else {
                Issue.record("--skip-check \(given) was accepted")
                continue
            }
            #expect(code == 64 && message.contains("--skip-check \(given): ") && message.contains(says), "\(message)")
            for id in PortalRuleID.allCases { #expect(message.contains(id.rawValue), "\(id.rawValue) not listed: \(message)") }
        }
        #expect(CLI.parse(["check", "--path", ".", "--skip-check", "home-site-marker,missing-snippet"]).command != nil)
    }
}
