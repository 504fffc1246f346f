import Foundation
import Yams

/// Reads a YAML file into `YAMLValue` without type resolution, using Yams' node API (not `Codable`),
/// so every scalar stays its exact decoded text (research/pac-portal-format.md §2).
///
/// An empty plain scalar becomes `.null`; a quoted or block empty scalar becomes `.scalar("")`.
public enum PacYAMLReader {
    /// A parsed file with the 1-based line of every sequence item at the root (for messages).
    public struct Document: Sendable {
        public var root: YAMLValue
        /// For a root sequence, the line on which each item starts.
        public var itemLines: [Int]
        /// True when the file uses CR LF line breaks.
        public var usesCRLF: Bool
        /// For a root mapping, the 1-based line of each key (for messages naming a key).
        public var keyLines: [String: Int] = [:]
        /// For a root sequence of mappings, the 1-based line of each key of each item.
        public var itemKeyLines: [[String: Int]] = []
    }

    /// The line of each key of a mapping node (empty for other nodes).
    private static func keyLines(_ node: Node?) -> [String: Int] {
        guard case .mapping(let map)? = node else { return [:] }
        var out: [String: Int] = [:]
        for (key, _) in map { if let k = key.string, out[k] == nil, let l = key.mark?.line { out[k] = l } }
        return out
    }

    /// Parses `text`; `file` is the relative path used in errors.
    /// - Throws: `PortalFolderError.yamlSyntax` with the file, line and column of the problem.
    public static func parse(_ text: String, file: String) throws -> Document {
        // The parser is kept alive until the tree is converted: a node's `anchor` is a weak reference
        // that only the parser's anchor table holds, so with `Yams.compose` every anchor reads as nil.
        let parser: Parser
        let node: Node?
        do {
            // No implicit tag resolution (`Resolver.basic`): every scalar is read as text anyway, and
            // Yams' default resolver runs up to seven regular expressions over every mapping key while
            // checking for duplicate keys (about a tenth of an upload's CPU, issue 20). Duplicate keys
            // are still found: Yams compares keys by text and tag, and `convert` by text alone.
            // The encoding is given: Yams' default reads the whole process environment on every call
            // (`YAMS_DEFAULT_ENCODING`), about 2 % of an upload's CPU with one call per pac file.
            parser = try Parser(yaml: text, resolver: .basic, encoding: .utf8)
            node = try parser.singleRoot()
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw PortalFolderError.yamlSyntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
        // Aliases are expanded while converting; a file cannot hold more nodes than it has bytes unless
        // aliases repeat subtrees, which pac never writes beyond `*o0` for an empty list. The budget
        // stops alias bombs (a dozen lines expanding to billions of nodes) with a clear error.
        var budget = text.utf8.count + 1_000
        let bom = LeadingBOM(text)
        let converted = try withExtendedLifetime(parser) { try node.map { try convert($0, budget: &budget, file: file, bom: bom) } }
        let root = YAMLAnchorMarker.resolveRepeats(converted ?? .null)
        var lines: [Int] = []
        var itemKeys: [[String: Int]] = []
        if case .sequence(let seq)? = node {
            lines = seq.map { $0.mark?.line ?? 0 }
            itemKeys = seq.map { keyLines($0) }
        }
        return Document(root: root, itemLines: lines, usesCRLF: text.utf8.contains(13), keyLines: keyLines(node), itemKeyLines: itemKeys)
    }

    /// Converts one node, spending one unit of `budget` per node visited.
    /// - Throws: `PortalFolderError.yamlSyntax` at the node's line when the budget runs out.
    private static func convert(_ node: Node, budget: inout Int, file: String, bom: LeadingBOM? = nil) throws -> YAMLValue {
        budget -= 1
        guard budget >= 0 else {
            throw PortalFolderError.yamlSyntax(
                file: file, line: node.mark?.line, column: node.mark?.column,
                problem: "aliases expand to more YAML nodes than the file has bytes (an alias bomb?); pac never writes such files")
        }
        switch node {
        case .scalar(let s):
            if s.style == .plain && s.string.isEmpty { return .null }
            if let bom, let mark = s.mark, bom.startsScalar(at: mark) { return .scalar("\u{FEFF}" + s.string) }
            return .scalar(s.string)
        case .sequence(let seq):
            if seq.isEmpty, let anchor = seq.anchor { return YAMLAnchorMarker.anchoredEmptySequence(anchor.rawValue) }
            var items: [YAMLValue] = []
            items.reserveCapacity(seq.count)
            for item in seq { items.append(try convert(item, budget: &budget, file: file, bom: bom)) }
            return .sequence(items)
        case .mapping(let map):
            var pairs: [YAMLPair] = []
            pairs.reserveCapacity(map.count)
            // Keys equal as text but not to Yams (one carries a tag, `!!str a` beside `a`) would become
            // two pairs with one key: the same error as Yams' own duplicate check, at the second key.
            var seen = Set<String>(minimumCapacity: map.count)
            for (key, value) in map {
                let name = key.string ?? ""
                if case .scalar = key, !seen.insert(name).inserted {
                    throw PortalFolderError.yamlSyntax(
                        file: file, line: key.mark?.line, column: key.mark?.column, problem: "duplicate keys \(name)")
                }
                pairs.append(YAMLPair(name, try convert(value, budget: &budget, file: file, bom: bom)))
            }
            return .mapping(pairs)
        case .alias(let alias):
            return YAMLAnchorMarker.alias(alias.anchor.rawValue)
        }
    }

    /// Yams decodes each scalar with Foundation's UTF-8 decoding, which drops one leading U+FEFF (byte
    /// order mark): a value starting with it would lose it. The source text says whether a scalar
    /// starts with one (raw, or escaped in a double-quoted scalar); only files holding a BOM or its
    /// escape are looked at (issue 17: every string round-trips).
    struct LeadingBOM {
        /// The lines of the file as libyaml counts them (CR LF, CR, LF, U+0085, U+2028, U+2029 end a line).
        let lines: [[Unicode.Scalar]]

        init?(_ text: String) {
            guard Self.mayHoldBOM(text) else { return nil }
            var lines: [[Unicode.Scalar]] = [], line: [Unicode.Scalar] = []
            let u = Array(text.unicodeScalars)
            var i = 0
            while i < u.count {
                let c = u[i]
                if c == "\r" || c == "\n" || c.value == 0x85 || c.value == 0x2028 || c.value == 0x2029 {
                    if c == "\r", i + 1 < u.count, u[i + 1] == "\n" { i += 1 }
                    lines.append(line); line = []
                } else {
                    line.append(c)
                }
                i += 1
            }
            lines.append(line)
            self.lines = lines
        }

        /// A quick scan of the bytes: the BOM itself (EF BB BF), or `\\u`/`\\U` followed by `FE`/`fe`
        /// or `0000` (its escapes).
        static func mayHoldBOM(_ text: String) -> Bool {
            var p0: UInt8 = 0, p1: UInt8 = 0
            for b in text.utf8 {
                if p0 == 0xEF && p1 == 0xBB && b == 0xBF { return true }
                if p0 == UInt8(ascii: "\\") && (p1 == UInt8(ascii: "u") || p1 == UInt8(ascii: "U"))
                    && (b == UInt8(ascii: "f") || b == UInt8(ascii: "F") || b == UInt8(ascii: "0"))
                {
                    return true
                }
                p0 = p1; p1 = b
            }
            return false
        }

        /// True when the scalar whose event starts at `mark` (1-based line and column, in scalars)
        /// begins with U+FEFF.
        func startsScalar(at mark: Mark) -> Bool {
            guard mark.line >= 1, mark.line <= lines.count else { return false }
            let line = lines[mark.line - 1]
            guard mark.column >= 1, mark.column <= line.count else { return false }
            var rest = line[(mark.column - 1)...]
            switch rest.first {
            case "\"":
                rest = rest.dropFirst()
                if rest.first == "\u{FEFF}" { return true }
                let head = String(String.UnicodeScalarView(rest.prefix(10))).lowercased()
                return head.hasPrefix("\\ufeff") || head.hasPrefix("\\u0000feff")
            case "'":
                return rest.dropFirst().first == "\u{FEFF}"
            default:
                return rest.first == "\u{FEFF}"
            }
        }
    }

    /// libyaml's problem text in our words where it names libyaml's own API (e.g. "Maximum nesting
    /// level reached, set with yaml_set_max_nest_level()"), which a user cannot act on.
    static func ownWording(_ problem: String) -> String {
        if problem.lowercased().contains("nesting level") {
            return "the YAML nests deeper than the reader allows (pac never writes more than a few levels)"
        }
        guard problem.contains("yaml_") else { return problem }
        return problem.replacingOccurrences(of: #",? *(set )?with yaml_[a-z_]+\(\)\)?"#, with: "", options: .regularExpression)
    }

    private static func syntaxError(_ error: YamlError, file: String) -> PortalFolderError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) (\($0.text))" } ?? problem
            return .yamlSyntax(file: file, line: mark.line, column: mark.column, problem: ownWording(text))
        case .reader(let problem, _, _, _):
            return .yamlSyntax(file: file, line: nil, column: nil, problem: ownWording(problem))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .yamlSyntax(
                file: file, line: context.mark.line, column: context.mark.column,
                problem: "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return .yamlSyntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
    }
}
