import Foundation

/// A reference to one Dataverse record: the value of a lookup, owner or customer column, and one end
/// of an N:N link.
///
/// `logicalName` is the target table's logical name (`adx_website`); `name` is the target's primary
/// name when a source supplied it (CMT's `lookupentityname`, the Web API's formatted value). Equality
/// and hashing ignore `name`: two references to the same record are equal whatever label they carry.
public struct EntityReference: Hashable, Sendable, Codable, CustomStringConvertible {
    public var logicalName: String
    public var id: UUID
    public var name: String?

    public init(_ logicalName: String, _ id: UUID, name: String? = nil) {
        self.logicalName = logicalName
        self.id = id
        self.name = name
    }

    public static func == (lhs: EntityReference, rhs: EntityReference) -> Bool {
        lhs.logicalName == rhs.logicalName && lhs.id == rhs.id
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(logicalName)
        hasher.combine(id)
    }

    /// `logicalname(guid)` with the GUID in Dataverse's lowercase form.
    public var description: String { "\(logicalName)(\(id.dataverseString))" }
}

extension UUID {
    /// The lowercase hyphenated form Dataverse writes (`70bf4d48-34cb-ed11-b596-0022481d68cd`).
    /// Formatted here byte by byte: `uuidString` goes through `sprintf`, which was a tenth of the Web API
    /// server's time and is called on every comparison when records are sorted by id (issue 11).
    public var dataverseString: String {
        let u = uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a GUID in any case, with or without braces (`{...}`), as Dataverse and CMT accept it.
    /// Returns `nil` for anything else.
    public init?(dataverse text: String) {
        // The common case, a bare 36-character GUID, without Foundation's character-set trimming
        // (which was ~5% of the embedded server's time; performance only).
        if text.utf8.count == 36, let first = text.utf8.first, let last = text.utf8.last,
            first != 0x20, first != 0x09, first != 0x7B, last != 0x20, last != 0x09
        {
            guard let u = UUID(uuidString: text) else { return nil }
            self = u
            return
        }
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("{") && t.hasSuffix("}") { t = String(t.dropFirst().dropLast()) }
        guard t.count == 36, let u = UUID(uuidString: t) else { return nil }
        self = u
    }
}
