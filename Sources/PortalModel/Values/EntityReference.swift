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
    public var dataverseString: String { uuidString.lowercased() }

    /// Parses a GUID in any case, with or without braces (`{...}`), as Dataverse and CMT accept it.
    /// Returns `nil` for anything else.
    public init?(dataverse text: String) {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("{") && t.hasSuffix("}") { t = String(t.dropFirst().dropLast()) }
        guard t.count == 36, let u = UUID(uuidString: t) else { return nil }
        self = u
    }
}
