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
    }

    /// Parses `text`; `file` is the relative path used in errors.
    /// - Throws: `PortalFolderError.yamlSyntax` with the file, line and column of the problem.
    public static func parse(_ text: String, file: String) throws -> Document {
        // The parser is kept alive until the tree is converted: a node's `anchor` is a weak reference
        // that only the parser's anchor table holds, so with `Yams.compose` every anchor reads as nil.
        let parser: Parser
        let node: Node?
        do {
            parser = try Parser(yaml: text)
            node = try parser.singleRoot()
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw PortalFolderError.yamlSyntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
        let root = withExtendedLifetime(parser) { YAMLAnchorMarker.resolveRepeats(node.map(convert) ?? .null) }
        var lines: [Int] = []
        if case .sequence(let seq)? = node { lines = seq.map { $0.mark?.line ?? 0 } }
        return Document(root: root, itemLines: lines, usesCRLF: text.utf8.contains(13))
    }

    private static func convert(_ node: Node) -> YAMLValue {
        switch node {
        case .scalar(let s):
            if s.style == .plain && s.string.isEmpty { return .null }
            return .scalar(s.string)
        case .sequence(let seq):
            if seq.isEmpty, let anchor = seq.anchor { return .scalar(YAMLAnchorMarker.anchoredEmptySequence(anchor.rawValue)) }
            return .sequence(seq.map(convert))
        case .mapping(let map):
            return .mapping(map.map { YAMLPair($0.key.string ?? "", convert($0.value)) })
        case .alias(let alias):
            return .scalar(YAMLAnchorMarker.alias(alias.anchor.rawValue))
        }
    }

    private static func syntaxError(_ error: YamlError, file: String) -> PortalFolderError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) (\($0.text))" } ?? problem
            return .yamlSyntax(file: file, line: mark.line, column: mark.column, problem: text)
        case .reader(let problem, _, _, _):
            return .yamlSyntax(file: file, line: nil, column: nil, problem: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .yamlSyntax(file: file, line: context.mark.line, column: context.mark.column,
                               problem: "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return .yamlSyntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
    }
}
