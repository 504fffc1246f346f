import Foundation
import PortalModel
import Testing
@testable import EnvironmentServer

@Suite struct FilterParserTests {
    let page = TestTables.webpage

    @Test func comparisonsAndLogic() throws {
        let f = try FilterParser.parse("adx_displayorder ge 3 and (adx_name eq 'Home' or not adx_hiddenfromsitemap eq true)", table: page)
        #expect(
            f
                == .and([
                    .compare("adx_displayorder", .ge, .integer(3)),
                    .or([.compare("adx_name", .eq, .string("Home")), .not(.compare("adx_hiddenfromsitemap", .eq, .boolean(true)))]),
                ]))
        for op in RecordFilter.Comparison.allCases {
            #expect(try FilterParser.parse("adx_displayorder \(op.rawValue) 7", table: page) == .compare("adx_displayorder", op, .integer(7)))
        }
    }

    @Test func nullsLookupsGuidsAndDates() throws {
        let id = UUID()
        #expect(try FilterParser.parse("_adx_parentpageid_value eq null", table: page) == .isNull("adx_parentpageid"))
        #expect(try FilterParser.parse("_adx_parentpageid_value ne null", table: page) == .isNotNull("adx_parentpageid"))
        #expect(try FilterParser.parse("_adx_websiteid_value eq \(id.dataverseString)", table: page) == .equal("adx_websiteid", .guid(id)))
        #expect(try FilterParser.parse("_adx_websiteid_value eq '\(id.uuidString)'", table: page) == .equal("adx_websiteid", .guid(id)))
        #expect(try FilterParser.parse("adx_webpageid eq \(id.dataverseString)", table: page) == .equal("adx_webpageid", .guid(id)))
        let d = try #require(DateTimeValue(iso8601: "2024-01-05T00:00:00Z"))
        #expect(try FilterParser.parse("modifiedon gt 2024-01-05T00:00:00Z", table: page) == .compare("modifiedon", .gt, .dateTime(d)))
        #expect(try FilterParser.parse("modifiedon gt '2024-01-05T00:00:00Z'", table: page) == .compare("modifiedon", .gt, .dateTime(d)))
    }

    @Test func stringFunctionsQuotesAndIn() throws {
        #expect(try FilterParser.parse("contains(adx_name,'O''Bryan')", table: page) == .string(.contains, "adx_name", "O'Bryan"))
        #expect(try FilterParser.parse("startswith(adx_name, 'Pa')", table: page) == .string(.startswith, "adx_name", "Pa"))
        #expect(try FilterParser.parse("not endswith(adx_name,'1')", table: page) == .not(.string(.endswith, "adx_name", "1")))
        #expect(
            try FilterParser.parse("Microsoft.Dynamics.CRM.In(PropertyName='adx_name',PropertyValues=['A','B'])", table: page)
                == .in("adx_name", [.string("A"), .string("B")]))
        #expect(
            try FilterParser.parse("Microsoft.Dynamics.CRM.NotIn(PropertyName='adx_displayorder',PropertyValues=[\"1\",\"2\"])", table: page)
                == .not(.in("adx_displayorder", [.integer(1), .integer(2)])))
        #expect(
            try FilterParser.parse(
                "Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)", table: page,
                aliases: ["p1": "'adx_name'", "p2": "[\"OBrian\",\"O'Brian\"]"])
                == .in("adx_name", [.string("OBrian"), .string("O'Brian")]))
    }

    @Test func errorsNameTheProblem() throws {
        func code(_ text: String) -> (Int, String)? {
            do { _ = try FilterParser.parse(text, table: page); return nil } catch let e as ODataError { return (e.status, e.code) } catch {
                return nil
            }
        }
        #expect(code("adx_nosuch eq 1")! == (400, "0x0"))
        #expect(code("adx_websiteid eq 1")! == (400, "0x0")) // a lookup must be named _x_value
        #expect(code("adx_name eq 'unterminated")! == (400, "0x0"))
        #expect(code("adx_displayorder eq 'text'")! == (400, "0x0"))
        #expect(code("_adx_websiteid_value eq not-a-guid")! == (400, "0x0"))
        #expect(code("adx_name eq")! == (400, "0x0"))
        #expect(code("(adx_name eq 'a'")! == (400, "0x0"))
        do {
            _ = try FilterParser.parse("adx_nosuch eq 1", table: page)
        } catch let e as ODataError {
            #expect(e.message == "Could not find a property named 'adx_nosuch' on type 'Microsoft.Dynamics.CRM.adx_webpage'.")
        }
    }
}
