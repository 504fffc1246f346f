import Foundation
import PortalModel

/// A condition operator of the FetchXML subset real portal schemas use (research/cmt-format.md §1.6).
public enum FetchOperator: String, Hashable, Sendable, CaseIterable {
    case eq, ne, null
    case notNull = "not-null"
    case `in`, like
    case onOrAfter = "on-or-after"
    case onOrBefore = "on-or-before"
}

/// One `<condition attribute operator value>`; `values` holds `value` or the `<value>` children of `in`.
public struct FetchCondition: Hashable, Sendable {
    public var attribute: String
    public var op: FetchOperator
    public var values: [String]

    public init(attribute: String, op: FetchOperator, values: [String] = []) {
        self.attribute = attribute
        self.op = op
        self.values = values
    }
}

/// A `<filter type="and|or">` tree.
public indirect enum FetchFilterNode: Hashable, Sendable {
    case and([FetchFilterNode])
    case or([FetchFilterNode])
    case condition(FetchCondition)
}

/// A `<link-entity name from to link-type alias>`: records of `name` whose `from` column equals the
/// parent's `to` column, with their own filter and nested links. An inner link keeps only parents with
/// at least one matching linked record; an outer link does not restrict the parent.
public struct FetchLinkEntity: Hashable, Sendable {
    public var name: String
    public var from: String
    public var to: String
    public var isOuter: Bool
    public var alias: String?
    public var filter: FetchFilterNode?
    public var links: [FetchLinkEntity]

    public init(
        name: String, from: String, to: String, isOuter: Bool = false, alias: String? = nil,
        filter: FetchFilterNode? = nil, links: [FetchLinkEntity] = []
    ) {
        self.name = name
        self.from = from
        self.to = to
        self.isOuter = isOuter
        self.alias = alias
        self.filter = filter
        self.links = links
    }
}

/// Where linked records come from when a filter is evaluated locally: records by table and each
/// table's primary id column.
public struct FetchRecordSource: Sendable {
    public var records: @Sendable (String) -> [EntityRecord]
    public var primaryIDColumn: @Sendable (String) -> String

    public init(records: @escaping @Sendable (String) -> [EntityRecord], primaryIDColumn: @escaping @Sendable (String) -> String) {
        self.records = records
        self.primaryIDColumn = primaryIDColumn
    }

    /// Linked records from a snapshot; primary id columns from the schema (or `<table>id`).
    public init(snapshot: PortalSnapshot, schema: CMTSchema? = nil) {
        let records = snapshot.records
        let ids = Dictionary((schema?.entities ?? []).map { ($0.name, $0.primaryIDField) }, uniquingKeysWith: { a, _ in a })
        self.init(records: { records[$0] ?? [] }, primaryIDColumn: { ids[$0] ?? "\($0)id" })
    }
}

/// The FetchXML of a schema entity's `<filter>`: a full `<fetch><entity>…</entity></fetch>` or a bare
/// `<filter>` fragment (which CMT wraps in a fetch of the schema entity), research/cmt-format.md §1.6.
///
/// Supported: `fetch`, `entity`, `attribute`, `all-attributes`, `order` (ignored: they select and sort,
/// not filter), `filter` (`and`/`or`), `condition` with `eq`, `ne`, `null`, `not-null`, `in` (with
/// `<value>` children), `like` (`%` and `_` wildcards), `on-or-after`, `on-or-before`, and nested
/// `link-entity` (inner or outer). Anything else is an error naming the element or operator.
public struct FetchXMLFilter: Hashable, Sendable {
    /// The `<entity name>` of a full fetch; `nil` for a bare filter fragment.
    public var entityName: String?
    /// The conditions on the entity's own columns.
    public var filter: FetchFilterNode?
    /// Linked-entity conditions.
    public var links: [FetchLinkEntity]

    public init(entityName: String? = nil, filter: FetchFilterNode? = nil, links: [FetchLinkEntity] = []) {
        self.entityName = entityName
        self.filter = filter
        self.links = links
    }

    /// Parses the unescaped `<filter>` text of a schema entity.
    /// - Parameters:
    ///   - text: FetchXML (`CMTEntity.filter`).
    ///   - entity: the schema entity, used in errors.
    /// - Throws: `CMTError.unsupportedFetchXML` naming the element, attribute or operator outside the
    ///   subset; `CMTError.malformedXML` when the text is not XML.
    public init(text: String, entity: String? = nil) throws {
        let file = entity.map { "<filter> of entity \($0)" } ?? "<filter>"
        let root: XMLNode
        do {
            root = try SafeXMLReader.parse(text: text, file: file)
        } catch var e as CMTError {
            e.entity = entity
            throw e
        }
        func unsupported(_ node: XMLNode, _ what: String) -> CMTError {
            CMTError(.unsupportedFetchXML, what, file: file, line: node.line, entity: entity)
        }
        func condition(_ node: XMLNode) throws -> FetchFilterNode {
            guard let attribute = node["attribute"], let rawOp = node["operator"] else {
                throw unsupported(node, "<condition> needs attribute and operator")
            }
            guard let op = FetchOperator(rawValue: rawOp) else {
                throw unsupported(
                    node,
                    "condition operator '\(rawOp)' is not supported (supported: "
                        + FetchOperator.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            if node["entityname"] != nil { throw unsupported(node, "condition attribute 'entityname' is not supported") }
            var values = node["value"].map { [$0] } ?? []
            for v in node.children {
                guard v.name == "value" else { throw unsupported(v, "element <\(v.name)> inside <condition> is not supported") }
                values.append(v.text)
            }
            switch op {
            case .null, .notNull: break
            case .in: if values.isEmpty { throw unsupported(node, "condition 'in' needs <value> elements") }
            default: if values.count != 1 { throw unsupported(node, "condition '\(rawOp)' needs exactly one value") }
            }
            return .condition(FetchCondition(attribute: attribute, op: op, values: values))
        }
        func filter(_ node: XMLNode) throws -> FetchFilterNode {
            let type = (node["type"] ?? "and").lowercased()
            guard type == "and" || type == "or" else { throw unsupported(node, "filter type '\(type)' is not supported") }
            var parts: [FetchFilterNode] = []
            for c in node.children {
                switch c.name {
                case "condition": parts.append(try condition(c))
                case "filter": parts.append(try filter(c))
                default: throw unsupported(c, "element <\(c.name)> inside <filter> is not supported")
                }
            }
            return type == "and" ? .and(parts) : .or(parts)
        }
        func body(_ node: XMLNode) throws -> (FetchFilterNode?, [FetchLinkEntity]) {
            var filters: [FetchFilterNode] = []
            var links: [FetchLinkEntity] = []
            for c in node.children {
                switch c.name {
                case "attribute", "all-attributes", "order": continue
                case "filter": filters.append(try filter(c))
                case "link-entity":
                    guard let name = c["name"], let from = c["from"], let to = c["to"] else {
                        throw unsupported(c, "<link-entity> needs name, from and to")
                    }
                    let linkType = (c["link-type"] ?? "inner").lowercased()
                    guard linkType == "inner" || linkType == "outer" else {
                        throw unsupported(c, "link-type '\(linkType)' is not supported")
                    }
                    if c["intersect"]?.lowercased() == "true" { throw unsupported(c, "intersect link-entities are not supported") }
                    let (f, l) = try body(c)
                    links.append(
                        FetchLinkEntity(
                            name: name, from: from, to: to, isOuter: linkType == "outer",
                            alias: c["alias"], filter: f, links: l))
                default:
                    throw unsupported(c, "element <\(c.name)> inside <\(node.name)> is not supported")
                }
            }
            let combined: FetchFilterNode? = filters.isEmpty ? nil : (filters.count == 1 ? filters[0] : .and(filters))
            return (combined, links)
        }
        switch root.name {
        case "filter":
            self.init(filter: try filter(root))
        case "fetch":
            if let agg = root["aggregate"], agg.lowercased() == "true" { throw unsupported(root, "aggregate fetches are not supported") }
            let entities = root.children("entity")
            guard entities.count == 1, root.children.count == 1 else {
                throw unsupported(root, "<fetch> must hold exactly one <entity>")
            }
            let e = entities[0]
            let (f, l) = try body(e)
            self.init(entityName: e["name"], filter: f, links: l)
        default:
            throw unsupported(root, "element <\(root.name)> is not a FetchXML <fetch> or <filter>")
        }
    }

    /// The filter as a `RecordFilter` on the entity's own columns, for a Web API `$filter` or a local query.
    ///
    /// `columnType` gives a column's type (for example from the schema) so condition values become typed
    /// values; lookups compare by GUID. Link-entities cannot be expressed there: they are evaluated with
    /// `filter(_:table:source:)` instead.
    /// - Returns: `nil` when there are no conditions.
    /// - Throws: `CMTError.unsupportedFetchXML` when the filter has link-entities or a `like` pattern
    ///   other than `x`, `x%`, `%x`, `%x%` without `_`; `CMTError.invalidValue` for a value that does not
    ///   fit its column's type.
    public func recordFilter(columnType: (String) -> AttributeType?) throws -> RecordFilter? {
        if !links.isEmpty {
            throw CMTError(
                .unsupportedFetchXML, "a <link-entity> condition cannot be expressed as a record filter; evaluate it locally",
                entity: entityName)
        }
        guard let f = filter else { return nil }
        return try FetchXMLFilter.translate(f, columnType: columnType)
    }

    /// Keeps the records of `table` the filter selects, following link-entities through `source`.
    /// Values are compared by the record's own value type: lookups and GUIDs by id, numbers as numbers,
    /// strings and `like` without regard to case (Dataverse's default collation), dates by instant
    /// (`on-or-after`/`on-or-before` by UTC day [INF]). As in Dataverse, `eq`, `ne`, `in` and `like` never
    /// select a record whose column is null.
    public func filter(_ records: [EntityRecord], table: String, source: FetchRecordSource) -> [EntityRecord] {
        let idColumn = source.primaryIDColumn(table)
        let linkKeys = links.map { FetchXMLFilter.matchingKeys($0, source: source) }
        return records.filter { record in
            if let f = filter, !FetchXMLFilter.evaluate(f, record, idColumn: idColumn) { return false }
            for (link, keys) in zip(links, linkKeys) where !link.isOuter {
                guard let key = FetchXMLFilter.key(FetchXMLFilter.value(record, link.to, idColumn: idColumn)),
                    keys.contains(key)
                else { return false }
            }
            return true
        }
    }

    // MARK: - Evaluation

    /// The keys (`from` column values) of the linked table's records that pass the link's filter and
    /// its own inner links.
    static func matchingKeys(_ link: FetchLinkEntity, source: FetchRecordSource) -> Set<String> {
        let nested = FetchXMLFilter(entityName: link.name, filter: link.filter, links: link.links)
        let passing = nested.filter(source.records(link.name), table: link.name, source: source)
        let idColumn = source.primaryIDColumn(link.name)
        return Set(passing.compactMap { key(value($0, link.from, idColumn: idColumn)) })
    }

    static func value(_ record: EntityRecord, _ column: String, idColumn: String) -> FieldValue {
        column == idColumn ? .guid(record.id) : (record.columns[column] ?? .null)
    }

    static func key(_ v: FieldValue) -> String? {
        switch v {
        case .null: return nil
        case .guid(let u): return u.dataverseString
        case .lookup(let r), .owner(let r): return r.id.dataverseString
        default: return v.text?.lowercased()
        }
    }

    static func evaluate(_ node: FetchFilterNode, _ record: EntityRecord, idColumn: String) -> Bool {
        switch node {
        case .and(let parts): return parts.allSatisfy { evaluate($0, record, idColumn: idColumn) }
        case .or(let parts): return parts.contains { evaluate($0, record, idColumn: idColumn) }
        case .condition(let c):
            let v = value(record, c.attribute, idColumn: idColumn)
            switch c.op {
            case .null: return v.isNull
            case .notNull: return !v.isNull
            case .eq: return !v.isNull && compare(v, c.values[0]) == 0
            case .ne: return !v.isNull && compare(v, c.values[0]) != 0
            case .in: return !v.isNull && c.values.contains { compare(v, $0) == 0 }
            case .like:
                guard let text = v.text else { return false }
                return like(text, c.values[0])
            case .onOrAfter, .onOrBefore:
                guard case .dateTime(let d) = v, let (start, end) = day(c.values[0]) else { return false }
                return c.op == .onOrAfter ? d >= start : d < end
            }
        }
    }

    /// Compares a record value with condition text interpreted in the value's type.
    static func compare(_ v: FieldValue, _ text: String) -> Int? {
        let typed: FieldValue
        switch v {
        case .guid, .lookup, .owner:
            guard let u = UUID(dataverse: text) else { return nil }
            typed = .guid(u)
        case .dateTime:
            guard let d = DateTimeValue(iso8601: text) else { return nil }
            typed = .dateTime(d)
        case .boolean:
            guard let b = try? FieldValue.parse(text, as: .boolean) else { return nil }
            typed = b
        case .integer, .bigInt, .decimal, .double, .money, .choice, .state, .status:
            guard let d = ExactDecimal(text) else { return nil }
            typed = .decimal(d)
        default:
            typed = .string(text)
        }
        return RecordFilter.compare(v, typed)
    }

    /// The UTC day `[start, end)` of a date condition value (`2024-01-31` or a full ISO date-time).
    static func day(_ text: String) -> (DateTimeValue, DateTimeValue)? {
        guard let d = DateTimeValue(iso8601: String(text.prefix(10))) else { return nil }
        return (d, DateTimeValue(ticks: d.ticks + 86_400 * DateTimeValue.ticksPerSecond))
    }

    /// SQL `LIKE` without regard to case: `%` any run, `_` one character.
    static func like(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text.lowercased()), p = Array(pattern.lowercased())
        var dp = [Bool](repeating: false, count: t.count + 1)
        dp[0] = true
        for pc in p {
            var next = [Bool](repeating: false, count: t.count + 1)
            if pc == "%" {
                var any = false
                for i in 0...t.count { any = any || dp[i]; next[i] = any }
            } else {
                for i in 0..<t.count where dp[i] && (pc == "_" || t[i] == pc) { next[i + 1] = true }
            }
            dp = next
        }
        return dp[t.count]
    }

    // MARK: - Translation

    static func translate(_ node: FetchFilterNode, columnType: (String) -> AttributeType?) throws -> RecordFilter {
        switch node {
        case .and(let parts): return .and(try parts.map { try translate($0, columnType: columnType) })
        case .or(let parts): return .or(try parts.map { try translate($0, columnType: columnType) })
        case .condition(let c):
            func typed(_ text: String) throws -> FieldValue {
                let type = columnType(c.attribute)
                switch type {
                case .lookup?, .owner?, .uniqueIdentifier?:
                    guard let u = UUID(dataverse: text) else {
                        throw CMTError(.invalidValue, "'\(text)' is not a GUID", field: c.attribute)
                    }
                    return .guid(u)
                case let t?:
                    do { return try FieldValue.parse(text, as: t) } catch {
                        throw CMTError(.invalidValue, "'\(text)' is not a valid \(t.rawValue) value", field: c.attribute)
                    }
                case nil:
                    return UUID(dataverse: text).map(FieldValue.guid) ?? .string(text)
                }
            }
            switch c.op {
            case .null: return .isNull(c.attribute)
            case .notNull: return .isNotNull(c.attribute)
            case .eq: return .compare(c.attribute, .eq, try typed(c.values[0]))
            case .ne: return .and([.isNotNull(c.attribute), .compare(c.attribute, .ne, try typed(c.values[0]))])
            case .in: return .in(c.attribute, try c.values.map(typed))
            case .onOrAfter, .onOrBefore:
                guard let (start, end) = day(c.values[0]) else {
                    throw CMTError(.invalidValue, "'\(c.values[0])' is not a date", field: c.attribute)
                }
                return c.op == .onOrAfter ? .compare(c.attribute, .ge, .dateTime(start)) : .compare(c.attribute, .lt, .dateTime(end))
            case .like:
                let p = c.values[0]
                let core = p.trimmingCharacters(in: CharacterSet(charactersIn: "%"))
                let lead = p.hasPrefix("%"), trail = p.hasSuffix("%") && p.count > 1
                guard !core.contains("%"), !core.contains("_") else {
                    throw CMTError(
                        .unsupportedFetchXML, "like pattern '\(p)' cannot be expressed as a record filter; evaluate it locally",
                        field: c.attribute)
                }
                switch (lead, trail) {
                case (true, true): return .string(.contains, c.attribute, core)
                case (false, true): return .string(.startswith, c.attribute, core)
                case (true, false): return .string(.endswith, c.attribute, core)
                case (false, false): return .compare(c.attribute, .eq, .string(core))
                }
            }
        }
    }
}

extension CMTEntity {
    /// The entity's `<filter>` parsed as FetchXML; `nil` when the entity has no filter.
    /// - Throws: `CMTError` from `FetchXMLFilter(text:entity:)`, and `CMTError.unsupportedFetchXML` when a
    ///   full fetch names another entity.
    public func fetchFilter() throws -> FetchXMLFilter? {
        guard let text = filter, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        // Errors name the schema file and its line (they named "<filter> of entity X:2" before, red team F10a):
        // line N of the filter text is line (filter start + N - 1) of the schema.
        let f: FetchXMLFilter
        do { f = try FetchXMLFilter(text: text, entity: name) } catch var e as CMTError {
            if let file = filterSource.file, let line = filterSource.line {
                e.message = "<filter> of entity \(name): " + e.message
                e.line = line + max((e.line ?? 1) - 1, 0)
                e.file = file
            }
            throw e
        }
        if let e = f.entityName, e != name {
            throw CMTError(
                .unsupportedFetchXML, "the filter's <entity name=\"\(e)\"> is not the schema entity",
                file: filterSource.file, line: filterSource.line, entity: name)
        }
        return f
    }
}
