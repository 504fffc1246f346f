import Foundation

/// What an HTML report shows, independent of where it came from (a drift comparison or a plan): the
/// view model the template renders (`HTMLReport`). Every member is plain text; the template escapes it.
/// Optional values are given as empty strings (the template tests them with `empty(…)`), so a lookup
/// never falls through to an enclosing section's member of the same name. Only stored properties are
/// seen by the template (it reads members through `Mirror`).
///
/// - `title`, `subtitle`: the page heading; `sourceLabel`, `targetLabel`: the two sides' names.
/// - `verdict`, `verdictClass`: one sentence and `ok` / `bad` (colour of the banner).
/// - `counts`: the summary cards; `legend`: what added / removed / changed mean here.
/// - `siteMap`: the pages tree; `tables`: per table the records that differ with their columns.
/// - `links`, `webFiles`, `expected`, `notes`: the N:N links, web files, values expected to differ, and
///   lines about what was left out or could not be paired.
public struct ReportDocument: Sendable {
    public var title: String
    public var subtitle: String
    public var sourceLabel: String
    public var targetLabel: String
    public var generated: String
    public var verdict: String
    public var verdictClass: String
    public var counts: [ReportCount] = []
    public var legend: [ReportLegend] = []
    public var siteMap: [ReportNode] = []
    public var tables: [ReportTable] = []
    public var links: [ReportLink] = []
    public var webFiles: [ReportWebFile] = []
    public var sameWebFiles: [ReportWebFile] = []
    public var expected: [ReportExpected] = []
    public var notes: [String] = []
    public var problems: [String] = []
    /// True when the page has an "Expected to differ" section (a drift report; a plan has none).
    public var showExpected = true

    public init(
        title: String, subtitle: String, sourceLabel: String, targetLabel: String, verdict: String, verdictClass: String,
        generated: Date = Date()
    ) {
        self.title = title
        self.subtitle = subtitle
        self.sourceLabel = sourceLabel
        self.targetLabel = targetLabel
        self.verdict = verdict
        self.verdictClass = verdictClass
        self.generated = ISO8601DateFormatter().string(from: generated)
    }
}

/// A summary card: `value` records `label`; `cls` is a status class (`added`, `removed`, `changed`, `same`, `info`).
public struct ReportCount: Sendable { public var label: String; public var value: Int; public var cls: String; public var key: String }

/// A legend entry: `cls` and what it means in this report.
public struct ReportLegend: Sendable { public var cls: String; public var text: String }

/// A page of the site map with its content pages and child pages.
public struct ReportNode: Sendable {
    public var name: String
    public var path: String
    public var status: String
    public var contentPages: [ReportContentPage]
    public var children: [ReportNode]

    public init(name: String, path: String, status: String, contentPages: [ReportContentPage], children: [ReportNode]) {
        self.name = name
        self.path = path
        self.status = status
        self.contentPages = contentPages
        self.children = children
    }
}

/// A content page (one language) of a site-map page.
public struct ReportContentPage: Sendable {
    public var language: String
    public var title: String
    public var status: String
    public init(language: String, title: String, status: String) { self.language = language; self.title = title; self.status = status }
}

/// A table's records that differ, with its counts.
public struct ReportTable: Sendable {
    public var table: String
    public var summary: String
    public var records: [ReportRecord]
}

/// A record that differs: its natural-key label, status and the columns that differ.
public struct ReportRecord: Sendable {
    public var key: String
    public var name: String
    public var ids: String
    public var status: String
    public var statusText: String
    public var columns: [ReportColumn]
}

/// One changed column: both values, or a line diff for long values.
public struct ReportColumn: Sendable {
    public var column: String
    public var source: String
    public var target: String
    public var sourceEmpty: Bool
    public var targetEmpty: Bool
    public var lines: [ReportDiffLine]
}

/// A line of a line diff: `cls` is `context`, `removed`, `added` or `gap`; numbers empty where a side has no line.
public struct ReportDiffLine: Sendable {
    public var cls: String; public var sourceNumber: String; public var targetNumber: String; public var text: String
}

/// An N:N link only one side has (or a plan adds or removes).
public struct ReportLink: Sendable {
    public var relationship: String; public var first: String; public var second: String; public var status: String; public var statusText: String
}

/// A web file with its body's size and SHA-256 on each side and thumbnails (`data:` URIs) for images.
public struct ReportWebFile: Sendable {
    public var name: String
    public var path: String
    public var status: String
    public var sourceSize: String
    public var sourceHash: String
    public var targetSize: String
    public var targetHash: String
    public var sourceThumbnail: String
    public var targetThumbnail: String
}

/// A value expected to differ, with the reason.
public struct ReportExpected: Sendable {
    public var reason: String; public var table: String; public var name: String; public var column: String; public var source: String;
    public var target: String
}
