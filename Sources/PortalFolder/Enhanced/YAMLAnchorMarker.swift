import Foundation

/// Keeps the anchors and aliases of v2 list files (`adx_settingsDetails`) through a read → write.
///
/// pac writes that nested mapping's leaves as `[]` and joins equal leaves with `&oN` / `*oN`; the
/// values that decided the grouping are not in the file, so the anchors must be taken from it
/// (research/pac-yaml-emission.md §5.5 and §9). `PacYAMLReader` turns an anchored empty sequence or
/// an alias into a scalar carrying this marker; `PacYAMLEmitter` writes it back as the YAML text.
/// The anchor and alias are their own `YAMLValue` cases, never scalar text: a record value that looks
/// like a marker (U+F8FF followed by `yaml:`, the old encoding) is written as the string it is
/// (issue 17 "YAML injection").
enum YAMLAnchorMarker {
    /// The node standing for `&name []`.
    static func anchoredEmptySequence(_ name: String) -> YAMLValue { .anchoredEmptySequence(name) }

    /// The node standing for `*name`.
    static func alias(_ name: String) -> YAMLValue { .alias(name) }
}

extension YAMLAnchorMarker {
    /// Yams resolves an alias to its anchored node, so every occurrence arrives as `&name []`: in
    /// document order, the first one stays the anchor and the later ones become aliases.
    static func resolveRepeats(_ value: YAMLValue) -> YAMLValue {
        var seen: Set<String> = []
        return resolve(value, &seen)
    }

    private static func resolve(_ value: YAMLValue, _ seen: inout Set<String>) -> YAMLValue {
        switch value {
        case .null, .scalar, .alias: return value
        case .anchoredEmptySequence(let name):
            if seen.insert(name).inserted { return value }
            return alias(name)
        case .sequence(let items):
            var out: [YAMLValue] = []
            for i in items { out.append(resolve(i, &seen)) }
            return .sequence(out)
        case .mapping(let pairs):
            var out: [YAMLPair] = []
            for p in pairs { out.append(YAMLPair(p.key, resolve(p.value, &seen))) }
            return .mapping(out)
        }
    }
}
