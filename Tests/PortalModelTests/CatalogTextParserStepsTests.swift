import Foundation
import Testing
@testable import PortalModel

/// `CatalogTextParser.parse` as named steps (issue 19: it was the longest product function, 170
/// lines), each checked on hand-built lines: splitting a line (`Line`), reading its fields (sources,
/// portal types, flags), each record kind into the `Assembly`, and the two closing steps.
@Suite struct CatalogTextParserStepsTests {
    typealias Line = CatalogTextParser.Line
    typealias Assembly = CatalogTextParser.Assembly

    static func line(_ text: String, number: Int = 1) throws -> Line {
        try #require(try Line(Substring(text), block: "b", number: number))
    }

    /// An assembly that has read `lines` (one block), starting with the source `@s`.
    static func assembled(_ lines: [String]) throws -> Assembly {
        var a = Assembly()
        for (i, text) in (["S s|the source"] + lines).enumerated() { try a.read(line(text, number: i + 1)) }
        return a
    }

    /// The error `lines` end with, `nil` when they are read without one.
    static func failure(_ lines: [String]) -> CatalogTextError? {
        do {
            _ = try assembled(lines)
            return nil
        } catch {
            return error as? CatalogTextError
        }
    }

    static let tableX = "T adx_x|X|adx_xs|@s|adx_xid|adx_name|standard|cs|adx_websiteid,adx_name||@s"
    static let tableY = "T adx_y|Y|adx_ys|set source|adx_yid||standard|*|||"

    @Test("a line: blank and # lines are none; kind, body, fields (empty ones kept); a kind without its space is refused")
    func lines() throws {
        #expect(try Line("   ", block: "b", number: 1) == nil)
        #expect(try Line("  # comment", block: "b", number: 1) == nil)
        let l = try Self.line("  C a|string||-  ", number: 7)
        #expect(l.kind == "C" && l.body == "a|string||-" && l.fields == ["a", "string", "", "-"] && l.number == 7)
        #expect(l.field(2) == "" && l.optional(2) == nil && l.optional(1) == "string" && l.field(9) == "")
        #expect(try Self.line("O x|a,b,,c").list(1) == ["a", "b", "c"])
        do {
            _ = try Line("Cx|y", block: "blk", number: 4)
            Issue.record("a kind without a space was accepted")
        } catch let e as CatalogTextError {
            #expect(e.block == "blk" && e.line == 4 && e.message.hasPrefix("expected a one-letter record kind"))
        }
        #expect(throws: CatalogTextError.self) { try Line("X", block: "b", number: 1) }
    }

    @Test("fields: @sources, portal type sets, one portal type, table flags, column flags")
    func fields() throws {
        // 0 @s, 1 plain, 2 empty, 3 *, 4 -, 5 xs, 6 q, 7 uk, 8 table flags, 9 bad table flag, 10 p
        let l = try Self.line("C @s|plain||*|-|xs|q|uk|etc=8,plugins,skipupdate|etc=x|p")
        #expect(try l.source(0, ["s": "research note [V]"]) == "research note [V]")
        #expect(try l.source(1, [:]) == "plain")
        #expect(try l.source(2, [:]) == nil)
        #expect(throws: CatalogTextError.self) { try l.source(0, [:]) }
        #expect(try l.portalTypes(3) == Set(PortalType.allCases))
        #expect(try l.portalTypes(4).isEmpty && l.portalTypes(2).isEmpty)
        #expect(try l.portalTypes(5) == [.customerSelfService, .starter])
        #expect(throws: CatalogTextError.self) { try l.portalTypes(6) }
        #expect(try l.portalType(10) == .partner)
        #expect(throws: CatalogTextError.self) { try l.portalType(5) } // two letters
        #expect(throws: CatalogTextError.self) { try l.portalType(6) } // unknown letter
        #expect(try l.tableFlags(8) == CMTEntityInfo(objectTypeCode: 8, disablePlugins: true, skipUpdate: true))
        #expect(try l.tableFlags(2) == nil)
        #expect(throws: CatalogTextError.self) { try l.tableFlags(9) }
        #expect(try l.columnFlags(7) == CMTFieldInfo(updateCompare: true, primaryKey: true))
        #expect(try l.columnFlags(2) == nil)
        #expect(throws: CatalogTextError.self) { try l.columnFlags(1) } // "plain": p is no column flag
    }

    @Test("S: a source whose text may hold |; T: a table, the current one, in order; + makes an earlier table current")
    func sourcesAndTables() throws {
        let a = try Self.assembled(["S t|a|b", Self.tableX, Self.tableY, "+ adx_x"])
        #expect(a.sources == ["s": "the source", "t": "a|b"])
        #expect(a.order == ["adx_x", "adx_y"] && a.current == "adx_x" && a.lastColumn == nil)
        let x = try #require(a.tables["adx_x"])
        #expect(x.displayName == "X" && x.entitySetName == "adx_xs" && x.entitySetNameSource == "the source" && x.source == "the source")
        #expect(x.primaryIDColumn == "adx_xid" && x.primaryNameColumn == "adx_name" && x.dataModel == .standard)
        #expect(x.portalTypes == [.custom, .starter] && x.naturalKey == ["adx_websiteid", "adx_name"] && x.cmt == nil)
        let y = try #require(a.tables["adx_y"])
        #expect(y.primaryNameColumn == nil && y.entitySetNameSource == "set source" && y.source == nil)
        #expect(Self.failure(["S |x"])?.message == "source needs key|text")
        #expect(Self.failure([Self.tableX, Self.tableX])?.message == "table adx_x defined twice")
        #expect(Self.failure([Self.tableX, Self.tableX])?.line == 3)
        #expect(Self.failure(["T a|b|c"])?.message == "table needs 11 fields, has 3")
        #expect(Self.failure(["T a|A|as|@s|aid||classic|-|||"])?.message == "unknown data model classic")
        #expect(Self.failure(["T a|A|as|@s|aid||standard|-||nope|"])?.message == "unknown table flag nope")
        #expect(Self.failure(["+ adx_nope"])?.message == "+ names unknown table adx_nope")
    }

    @Test("C: a column of the current table; its CMT info from flags, empty for a CMT table's carried column; source defaults to the table's")
    func columns() throws {
        let cmtTable = "T adx_c|C|adx_cs|@s|adx_cid||standard|*|||@s"
        let a = try Self.assembled([
            Self.tableX, "C adx_xid|uniqueIdentifier|X|-||||", "C adx_websiteid|lookup|Website|x|adx_website|adx_websiteid|nav src|k|own",
            "T adx_c|C|adx_cs|@s|adx_cid||standard|*||etc=9|@s", "C adx_a|string|A|x||||", "C adx_b|string|B|-||||",
        ])
        let x = try #require(a.tables["adx_x"])
        #expect(x.columns.map(\.logicalName) == ["adx_xid", "adx_websiteid"])
        let lookup = try #require(x.column("adx_websiteid"))
        #expect(lookup.type == .lookup && lookup.targets == ["adx_website"] && lookup.navigationProperty == "adx_websiteid")
        #expect(lookup.navigationPropertySource == "nav src" && lookup.source == "own" && lookup.portalTypes == [.customerSelfService])
        #expect(lookup.cmt == CMTFieldInfo(primaryKey: true))
        #expect(x.column("adx_xid")?.source == "the source" && x.column("adx_xid")?.cmt == nil)
        let c = try #require(a.tables["adx_c"])
        #expect(c.column("adx_a")?.cmt == CMTFieldInfo(), "a CMT table's column some portal type carries")
        #expect(c.column("adx_b")?.cmt == nil, "a column no portal type carries")
        #expect(a.current == "adx_c" && a.lastColumn == 1)
        #expect(Self.failure(["C a|string|A|-||||"])?.message == "column outside a table")
        #expect(Self.failure([cmtTable, "C a|string|A"])?.message == "column needs at least 4 fields, has 3")
        #expect(Self.failure([cmtTable, "C a|nosuchtype|A|-||||"])?.message == "unknown type nosuchtype")
        #expect(Self.failure([cmtTable, "C a|string|A|-||||", "C a|memo|A|-||||"])?.message == "column adx_c.a defined twice")
        #expect(Self.failure([cmtTable, "C a|string|A|-||||z"])?.message == "unknown column flag z")
    }

    @Test("L: lookup types of the last column; R: a relationship; F: a field order; O: an entity order")
    func lookupTypesRelationshipsAndOrders() throws {
        let a = try Self.assembled([
            Self.tableX, "C adx_parentid|lookup|Parent|*|adx_x,adx_y||||", "L c|adx_x", "L p|adx_x,adx_y",
            "R adx_x_y|adx_x|adx_y|adx_x_y|adx_xid|adx_yid|nx|ny|cs|@s", "F m|adx_xid,adx_name", "O e|adx_x,adx_y",
        ])
        let x = try #require(a.tables["adx_x"])
        #expect(x.column("adx_parentid")?.cmt?.lookupTypes == [.custom: ["adx_x"], .partner: ["adx_x", "adx_y"]])
        let r = try #require(x.relationships.first)
        #expect(x.relationships.count == 1 && r.name == "adx_x_y" && r.entity1 == "adx_x" && r.entity2 == "adx_y")
        #expect(r.intersectEntity == "adx_x_y" && r.entity1IDColumn == "adx_xid" && r.entity2IDColumn == "adx_yid")
        #expect(r.entity1NavigationProperty == "nx" && r.entity2NavigationProperty == "ny" && r.source == "the source")
        #expect(r.portalTypes == [.custom, .starter])
        #expect(x.cmt?.fieldOrder == [.community: ["adx_xid", "adx_name"]])
        #expect(a.entityOrders == [.employeeSelfService: ["adx_x", "adx_y"]])
        #expect(Self.failure([Self.tableX, "L c|adx_x"])?.message == "L must follow a column")
        #expect(Self.failure([Self.tableX, "R a|b|c"])?.message == "relationship needs 10 fields, has 3")
        #expect(Self.failure(["R a|b|c|d|e|f|g|h|i|j"])?.message == "relationship outside a table")
        #expect(Self.failure(["F c|a"])?.message == "field order outside a table")
        #expect(Self.failure(["O q|a"])?.message == "unknown portal type code q")
        #expect(Self.failure(["Z a"])?.message == "unknown record kind Z")
    }

    @Test("a new block has no current table")
    func blocks() throws {
        var a = try Self.assembled([Self.tableX])
        a.startBlock()
        #expect(a.current == nil && a.lastColumn == nil)
        do {
            try a.read(Self.line("C a|string|A|-||||"))
            Issue.record("a column was read with no current table")
        } catch {
            #expect((error as? CatalogTextError)?.message == "column outside a table")
        }
        try a.read(Self.line("+ adx_x"))
        try a.read(Self.line("C a|string|A|-||||"))
        #expect(a.tables["adx_x"]?.column("a") != nil)
    }

    @Test("closing steps: entity orders become import positions; each N:N relationship is added to its second table once")
    func closingSteps() throws {
        var a = try Self.assembled([
            Self.tableX, "R adx_x_y|adx_x|adx_y|adx_x_y|adx_xid|adx_yid|||*|", "R adx_x_x|adx_x|adx_x|adx_x_x|a|b|||*|",
            Self.tableY, "O c|adx_y,adx_x", "O s|adx_x",
        ])
        try a.applyEntityOrders()
        #expect(a.tables["adx_x"]?.cmt?.importOrder == [.custom: 1, .starter: 0])
        #expect(a.tables["adx_y"]?.cmt?.importOrder == [.custom: 0])
        a.attachRelationshipsToSecondTables()
        a.attachRelationshipsToSecondTables()
        #expect(a.tables["adx_y"]?.relationships.map(\.name) == ["adx_x_y"])
        #expect(a.tables["adx_x"]?.relationships.map(\.name) == ["adx_x_y", "adx_x_x"], "a relationship with itself stays single")
        #expect(a.orderedTables.map(\.logicalName) == ["adx_x", "adx_y"])

        var unknown = try Self.assembled([Self.tableX, "O x|adx_x,adx_nope"])
        do {
            try unknown.applyEntityOrders()
            Issue.record("an unknown table in an entity order was accepted")
        } catch let e as CatalogTextError {
            #expect(e.block == "entity order" && e.line == 2 && e.message.hasPrefix("unknown table adx_nope"))
        }
    }

    @Test("parse: blocks in order, a later block extending an earlier table, relationships on both tables")
    func parseBlocks() throws {
        let first = "S s|the source\n\n# tables\n" + Self.tableX + "\nC adx_xid|uniqueIdentifier|X|-||||\n" + Self.tableY
        let second = "+ adx_x\nC adx_extra|string|Extra|-||||\nR adx_x_y|adx_x|adx_y|adx_x_y|adx_xid|adx_yid|||*|"
        let tables = try CatalogTextParser.parse([("first", first), ("second", second)])
        #expect(tables.map(\.logicalName) == ["adx_x", "adx_y"])
        #expect(tables[0].columns.map(\.logicalName) == ["adx_xid", "adx_extra"])
        #expect(tables[1].relationships.map(\.name) == ["adx_x_y"])
        do {
            _ = try CatalogTextParser.parse([("first", first), ("second", "C a|string|A|-||||")])
            Issue.record("a column at the start of a block was accepted")
        } catch let e as CatalogTextError {
            #expect(e.block == "second" && e.line == 1 && e.message == "column outside a table")
        }
    }
}
