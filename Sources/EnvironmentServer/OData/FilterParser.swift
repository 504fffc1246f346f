import Foundation
import PortalModel

/// Parses an OData `$filter` into a `RecordFilter` for one table (research/dataverse-webapi.md §2.1,
/// §12.1 item 2): `eq ne gt ge lt le`, `and or not`, parentheses, `null`, `contains`/`startswith`/
/// `endswith`, `Microsoft.Dynamics.CRM.In`/`NotIn` (with `PropertyValues` as `['a','b']` or a JSON
/// array, or parameter aliases `@p1`), lookups as `_x_value`, unquoted or quoted GUIDs, numbers,
/// `true`/`false`, and dates (quoted or not).
///
/// Column names are checked against the table: an unknown name, or a lookup named without its
/// `_x_value` form, throws 400 `0x0` `Could not find a property named …` (§5). Literals are typed by
/// the column (a GUID for lookups and ids, a date for date columns, …); a literal of the wrong kind
/// throws 400 `0x0`.
public struct FilterParser {
    let table: TableDefinition
    let aliases: [String: String]
    var tokens: [FilterToken] = []
    var position = 0
    let text: String
    /// Open parentheses and `not`s around the current position.
    var depth = 0

    /// The deepest nesting of parentheses and `not` accepted: every walk over the parsed filter (matching,
    /// SQL translation) recurses once per level, so the depth a request can ask for is bounded here.
    public static let maximumDepth = 100

    /// - Parameters:
    ///   - table: the table the filter applies to.
    ///   - aliases: parameter alias values by name without `@` (`p1` → `'lastname'`), from the query string.
    public init(table: TableDefinition, aliases: [String: String] = [:], text: String) {
        self.table = table
        self.aliases = aliases
        self.text = text
    }

    /// Parses `text`. - Throws: `ODataError` 400 naming the problem and position.
    public static func parse(_ text: String, table: TableDefinition, aliases: [String: String] = [:]) throws -> RecordFilter {
        var p = FilterParser(table: table, aliases: aliases, text: text)
        p.tokens = try p.expandAliases(lexFilter(text))
        let f = try p.orExpression()
        guard p.position == p.tokens.count else { throw p.syntax("unexpected '\(p.describe(p.tokens[p.position]))'") }
        return f
    }

    private func expandAliases(_ tokens: [FilterToken]) throws -> [FilterToken] {
        var out: [FilterToken] = []
        for t in tokens {
            if case .alias(let name) = t {
                guard let v = aliases[name] else { throw ODataError.badRequest("The parameter alias '@\(name)' has no value.") }
                out.append(contentsOf: try lexFilter(v))
            } else {
                out.append(t)
            }
        }
        return out
    }

    // MARK: Grammar

    private mutating func orExpression() throws -> RecordFilter {
        var parts = [try andExpression()]
        while peekKeyword("or") { position += 1; parts.append(try andExpression()) }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func andExpression() throws -> RecordFilter {
        var parts = [try unary()]
        while peekKeyword("and") { position += 1; parts.append(try unary()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func unary() throws -> RecordFilter {
        if peekKeyword("not") {
            position += 1
            try enter()
            defer { depth -= 1 }
            return .not(try unary())
        }
        return try primary()
    }

    /// Counts one more level of nesting. - Throws: `ODataError` 400 past `maximumDepth`.
    private mutating func enter() throws {
        depth += 1
        guard depth <= FilterParser.maximumDepth else {
            throw ODataError.badRequest(
                "The $filter is nested more than \(FilterParser.maximumDepth) levels deep "
                    + "(parentheses and 'not'; token \(position)); write it with fewer levels.")
        }
    }

    private mutating func primary() throws -> RecordFilter {
        guard position < tokens.count else { throw syntax("the expression ends too early") }
        let t = tokens[position]
        if t == .openParen {
            position += 1
            try enter()
            defer { depth -= 1 }
            let f = try orExpression()
            try expect(.closeParen)
            return f
        }
        guard case .word(let w) = t else { throw syntax("unexpected '\(describe(t))'") }
        let lower = w.lowercased()
        if position + 1 < tokens.count, tokens[position + 1] == .openParen {
            if let fn = RecordFilter.StringFunction(rawValue: lower) { return try stringFunction(fn) }
            if lower == "microsoft.dynamics.crm.in" || lower == "microsoft.dynamics.crm.notin" {
                return try inFunction(negated: lower.hasSuffix("notin"))
            }
            throw ODataError.badRequest("Unknown function '\(w)' in $filter.")
        }
        position += 1
        let column = try resolveColumn(w)
        guard position < tokens.count, case .word(let opWord) = tokens[position],
            let op = RecordFilter.Comparison(rawValue: opWord.lowercased())
        else {
            throw syntax("a comparison operator was expected after '\(w)'")
        }
        position += 1
        guard position < tokens.count else { throw syntax("a value was expected after '\(opWord)'") }
        let lit = tokens[position]
        position += 1
        if case .word(let v) = lit, v.lowercased() == "null" {
            switch op {
            case .eq: return .isNull(column.logicalName)
            case .ne: return .isNotNull(column.logicalName)
            default: return .compare(column.logicalName, op, .null)
            }
        }
        return .compare(column.logicalName, op, try literal(lit, for: column))
    }

    private mutating func stringFunction(_ fn: RecordFilter.StringFunction) throws -> RecordFilter {
        position += 2 // name, (
        guard position < tokens.count, case .word(let name) = tokens[position] else { throw syntax("a column name was expected in \(fn.rawValue)") }
        position += 1
        let column = try resolveColumn(name)
        try expect(.comma)
        guard position < tokens.count, case .string(let needle) = tokens[position] else {
            throw syntax("a string literal was expected in \(fn.rawValue)")
        }
        position += 1
        try expect(.closeParen)
        return .string(fn, column.logicalName, needle)
    }

    private mutating func inFunction(negated: Bool) throws -> RecordFilter {
        position += 2
        var propertyName: String?
        var values: [FilterToken] = []
        var sawValues = false
        while position < tokens.count, tokens[position] != .closeParen {
            guard case .word(let param) = tokens[position] else { throw syntax("a parameter name was expected") }
            position += 1
            try expect(.equals)
            switch param {
            case "PropertyName":
                guard position < tokens.count, case .string(let n) = tokens[position] else {
                    throw syntax("PropertyName must be a string literal")
                }
                propertyName = n
                position += 1
            case "PropertyValues":
                try expect(.openBracket)
                while position < tokens.count, tokens[position] != .closeBracket {
                    values.append(tokens[position])
                    position += 1
                    if position < tokens.count, tokens[position] == .comma { position += 1 }
                }
                try expect(.closeBracket)
                sawValues = true
            default:
                throw ODataError.badRequest("Unknown parameter '\(param)' of Microsoft.Dynamics.CRM.In.")
            }
            if position < tokens.count, tokens[position] == .comma { position += 1 }
        }
        try expect(.closeParen)
        guard let propertyName, sawValues else { throw ODataError.badRequest("Microsoft.Dynamics.CRM.In needs PropertyName and PropertyValues.") }
        let column = try resolveColumn(propertyName)
        let typed = try values.map { try literal($0, for: column, valuesAreStrings: true) }
        let f = RecordFilter.in(column.logicalName, typed)
        return negated ? .not(f) : f
    }

    // MARK: Columns and literals

    /// Resolves a property name: `_x_value` for a lookup `x`, the logical name for anything else,
    /// the primary id column. - Throws: 400 `0x0` for an unknown property.
    func resolveColumn(_ name: String) throws -> ColumnDefinition {
        try FilterParser.resolveProperty(name, in: table)
    }

    /// Resolves a property name of `$select`, `$filter` or `$orderby` to the table's column.
    /// - Throws: 400 `0x0` `Could not find a property named …` (research/dataverse-webapi.md §5).
    public static func resolveProperty(_ name: String, in table: TableDefinition) throws -> ColumnDefinition {
        if name.hasPrefix("_"), name.hasSuffix("_value"), name.count > 7 {
            let inner = String(name.dropFirst().dropLast(6))
            if let c = table.column(inner), c.isLookup { return c }
        } else if name == table.primaryIDColumn {
            return table.column(name) ?? ColumnDefinition(name, .uniqueIdentifier)
        } else if let c = table.column(name), !c.isLookup {
            return c
        }
        throw ODataError.propertyNotFound(name, table: table.logicalName)
    }

    /// Types a literal by its column. `valuesAreStrings`: `In`'s `PropertyValues` is a string
    /// collection, so quoted numbers and booleans are accepted there.
    private func literal(_ t: FilterToken, for column: ColumnDefinition, valuesAreStrings: Bool = false) throws -> FieldValue {
        let raw: String
        var quoted = false
        switch t {
        case .word(let w): raw = w
        case .string(let s): raw = s; quoted = true
        default: throw syntax("a literal was expected")
        }
        func incompatible() -> ODataError {
            ODataError.badRequest(
                "A binary operator with incompatible types was detected. Found operand types '\(column.type.webAPIAttributeType)' and the literal '\(raw)' in '\(text)'."
            )
        }
        switch column.type {
        case .string, .memo, .entityName:
            guard quoted else { throw incompatible() }
            return .string(raw)
        case .lookup, .owner, .uniqueIdentifier, .file, .image:
            guard let u = UUID(dataverse: raw) else { throw incompatible() }
            return .guid(u)
        case .dateTime:
            guard let d = DateTimeValue(iso8601: raw) else { throw incompatible() }
            return .dateTime(d)
        case .boolean:
            guard !quoted || valuesAreStrings else { throw incompatible() }
            switch raw.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw incompatible()
            }
        case .multiChoice:
            guard let v = Int(raw) else { throw incompatible() }
            return .multiChoice([v])
        case .integer, .bigInt, .decimal, .double, .money, .choice, .state, .status:
            guard !quoted || valuesAreStrings else { throw incompatible() }
            do { return try FieldValue.parse(raw, as: column.type) } catch { throw incompatible() }
        }
    }

    // MARK: Helpers

    private func peekKeyword(_ k: String) -> Bool {
        guard position < tokens.count, case .word(let w) = tokens[position] else { return false }
        return w.lowercased() == k
    }

    private mutating func expect(_ t: FilterToken) throws {
        guard position < tokens.count, tokens[position] == t else {
            throw syntax("'\(describe(t))' was expected")
        }
        position += 1
    }

    func describe(_ t: FilterToken) -> String {
        switch t {
        case .word(let w): return w
        case .string(let s): return "'\(s)'"
        case .openParen: return "("
        case .closeParen: return ")"
        case .comma: return ","
        case .equals: return "="
        case .openBracket: return "["
        case .closeBracket: return "]"
        case .alias(let a): return "@\(a)"
        }
    }

    private func syntax(_ detail: String) -> ODataError {
        ODataError.badRequest("Syntax error in $filter '\(text)': \(detail) (token \(position + 1)).")
    }
}
