import Foundation
import Migration
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A drift comparison as a JUnit XML file (`portal-migrate diff --junit FILE`), the format CI dashboards
/// read (GitHub Actions test reporters, Azure DevOps `PublishTestResults@2` with `testResultsFormat: JUnit`).
///
/// Shape: one `<testsuite>` named after the two sides; one `<testcase>` per table (and per N:N
/// relationship) compared, `classname` `portal-migrate.diff`; a `<failure>` per difference in it
/// (`message` = the difference's line, `type` = its kind, body = the JSON of the difference); a
/// passing test case for a table with no difference. Values expected to differ are listed in the
/// suite's `<system-out>`, never as failures. Built with FoundationXML, which escapes every value.
public enum JUnitReport {
    /// The XML text (UTF-8, with declaration).
    public static func drift(_ r: DriftResult) -> String {
        let suite = XMLElement(name: "testsuite")
        var tables = Set(r.tables.map(\.table))
        for d in r.differences { tables.insert(d.item.table) }
        for rel in Set(r.source.snapshot.links.keys).union(r.target.snapshot.links.keys) where r.scope.includes(relationship: rel) {
            tables.insert(rel)
        }
        var failures = 0
        for table in tables.sorted() {
            let testcase = XMLElement(name: "testcase")
            testcase.addAttribute(attribute("classname", "portal-migrate.diff"))
            testcase.addAttribute(attribute("name", table))
            for d in r.differences where d.item.table == table {
                failures += 1
                let f = XMLElement(name: "failure", stringValue: clean(d.json.serialized))
                f.addAttribute(attribute("message", d.line(source: r.source.label, target: r.target.label)))
                f.addAttribute(attribute("type", d.item.kind.rawValue))
                testcase.addChild(f)
            }
            suite.addChild(testcase)
        }
        suite.addAttribute(attribute("name", "diff \(r.source.label) → \(r.target.label)"))
        suite.addAttribute(attribute("tests", String(tables.count)))
        suite.addAttribute(attribute("failures", String(failures)))
        suite.addAttribute(attribute("errors", "0"))
        suite.addAttribute(attribute("timestamp", ISO8601DateFormatter().string(from: Date())))
        let out =
            ["Expected to differ (\(r.expected.count)):"] + r.expected.map { "  " + $0.line } + ["Not compared:"] + r.notCompared.map { "  - " + $0 }
        suite.addChild(XMLElement(name: "system-out", stringValue: clean(out.joined(separator: "\n"))))
        let root = XMLElement(name: "testsuites")
        root.addAttribute(attribute("name", "portal-migrate diff"))
        root.addAttribute(attribute("tests", String(tables.count)))
        root.addAttribute(attribute("failures", String(failures)))
        root.addChild(suite)
        let doc = XMLDocument(rootElement: root)
        doc.version = "1.0"
        doc.characterEncoding = "UTF-8"
        return String(decoding: doc.xmlData(options: [.nodePrettyPrint]), as: UTF8.self) + "\n"
    }

    private static func attribute(_ name: String, _ value: String) -> XMLNode {
        XMLNode.attribute(withName: name, stringValue: clean(value)) as! XMLNode
    }

    /// XML 1.0 cannot hold most control characters even escaped: they are shown as U+FFFD.
    static func clean(_ value: String) -> String {
        String(
            String.UnicodeScalarView(
                value.unicodeScalars.map { s in
                    s.value < 0x20 && s != "\n" && s != "\t" && s != "\r" ? "\u{FFFD}" : s
                }))
    }
}
