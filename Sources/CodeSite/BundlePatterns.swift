import Foundation

/// The wildcard patterns naming a build's bundles (`bundleFilePatterns`, research/code-sites-and-admin-api.md §A.1.2, §A.2 step 4).
///
/// A pattern is matched against a web file's **name** (not its path), whole, ignoring case: `*`
/// stands for any run of characters, `?` for one; every other character is itself (the dots of
/// `main.*.js` are literal). Assumption: pac's matcher is not public; this is the common wildcard
/// reading that matches every pattern of the samples ([V-files] PPS configs, DMV tombstones).
public struct BundlePatterns: Sendable, Equatable {
    /// The patterns in use.
    public var patterns: [String]
    /// True when they are pac's defaults (no `bundleFilePatterns` in the config).
    public var isDefault: Bool

    /// pac's ten built-in patterns when the config has none ([T] power-pages-samples#72 console output).
    /// Note the dot after `main`/`vendor`/`bundle` and the hyphen after `chunk`/`index`: Vite's
    /// `vendor-<hash>.js` and named lazy chunks are never matched by default (§A.3 F2).
    public static let defaults = [
        "main.*.js", "main.*.css", "vendor.*.js", "vendor.*.css", "chunk-*.js", "chunk-*.css",
        "bundle.*.js", "bundle.*.css", "index-*.js", "index-*.css",
    ]

    /// The config's patterns, or the defaults.
    public init(_ configured: [String]?) {
        if let configured, !configured.isEmpty {
            patterns = configured
            isDefault = false
        } else {
            patterns = Self.defaults
            isDefault = true
        }
    }

    /// The first pattern matching `fileName`, `nil` when none does.
    public func match(_ fileName: String) -> String? {
        patterns.first { Self.wildcard($0, matches: fileName) }
    }

    /// Whole-string wildcard match, case-insensitive, iterative (no recursion on input length).
    public static func wildcard(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.lowercased()), t = Array(text.lowercased())
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
