import Foundation

/// A YAML node as pac's files use them, kept losslessly as text: no YAML type resolution is applied,
/// so `No`, `True` and `00:03:00` stay the strings they are (research/pac-portal-format.md §2,
/// "Typing trap").
///
/// - `null`: an empty plain scalar (`key: `), distinct from `scalar("")` (`key: ''`).
/// - `scalar`: the decoded text of a plain, quoted or block scalar.
/// - `sequence`: items in file order.
/// - `mapping`: key/value pairs in file order (the emitter decides the written order).
/// - `anchoredEmptySequence` / `alias`: pac's `&o0 []` and `*o0` of v2 `adx_settingsDetails`
///   (research/pac-yaml-emission.md §5.5), kept as their own cases so that no scalar, whatever text a
///   record holds, is ever written as raw YAML (issue 17 "YAML injection").
public indirect enum YAMLValue: Hashable, Sendable {
    case null
    case scalar(String)
    case sequence([YAMLValue])
    case mapping([YAMLPair])
    /// `&name []`: an empty sequence carrying the anchor `name`.
    case anchoredEmptySequence(String)
    /// `*name`: an alias of the anchor `name`.
    case alias(String)

    /// The scalar text, `nil` for other kinds.
    public var text: String? { if case .scalar(let s) = self { return s }; return nil }

    /// The pairs of a mapping, `nil` for other kinds.
    public var pairs: [YAMLPair]? { if case .mapping(let p) = self { return p }; return nil }

    /// The items of a sequence, `nil` for other kinds.
    public var items: [YAMLValue]? { if case .sequence(let i) = self { return i }; return nil }

    /// The value of the first pair with `key` in a mapping.
    public subscript(key: String) -> YAMLValue? {
        pairs?.first { $0.key == key }?.value
    }
}

/// One `key: value` entry of a YAML mapping.
public struct YAMLPair: Hashable, Sendable {
    public var key: String
    public var value: YAMLValue

    public init(_ key: String, _ value: YAMLValue) {
        self.key = key
        self.value = value
    }
}

extension YAMLPair {
    /// pac's key order: ordinal comparison of the lower-cased keys, so `_` sorts before letters
    /// (`adx_website_language` < `adx_websiteid`) and `adx_emptylisttext` < `adx_emptyListTextMessage`
    /// (research/pac-yaml-emission.md §3).
    public static func pacKeyPrecedes(_ a: String, _ b: String) -> Bool {
        let la = Array(a.lowercased().utf16), lb = Array(b.lowercased().utf16)
        return la.lexicographicallyPrecedes(lb)
    }

    /// The pairs sorted in pac's key order (stable for equal keys).
    public static func pacSorted(_ pairs: [YAMLPair]) -> [YAMLPair] {
        pairs.enumerated().sorted { x, y in
            if pacKeyPrecedes(x.element.key, y.element.key) { return true }
            if pacKeyPrecedes(y.element.key, x.element.key) { return false }
            return x.offset < y.offset
        }.map(\.element)
    }
}
