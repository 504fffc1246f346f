import Foundation
import Mustache

/// Renders a `ReportDocument` as one self-contained HTML page with swift-mustache
/// (hummingbird-project/swift-mustache 2.1.1): inline CSS, no script, images as `data:` URIs, and a
/// Content-Security-Policy that forbids network fetches. Every value goes through the engine's HTML
/// escaping (`&`, `<`, `>`, `"`, `'`); record values are hostile input and are never part of a template.
///
/// Example:
/// ```swift
/// let html = try HTMLReport.render(.drift(result))
/// try SafeFileWriter.write(Data(html.utf8), to: url)
/// ```
public enum HTMLReport {
    /// The page for `document`.
    /// - Throws: `HTMLReportError` when a template does not parse (a bug, not bad input).
    public static func render(_ document: ReportDocument) throws -> String {
        var library = MustacheLibrary()
        do {
            try library.register(HTMLReportTemplate.node, named: "node")
            try library.register(HTMLReportTemplate.webfile, named: "webfile")
            try library.register(HTMLReportTemplate.page, named: "page")
        } catch {
            throw HTMLReportError(message: "the report template does not parse: \(error)")
        }
        guard let html = library.render(document, withTemplate: "page") else {
            throw HTMLReportError(message: "the report template 'page' is missing")
        }
        return html
    }
}

/// A report template that could not be used.
public struct HTMLReportError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
