import Foundation
import Testing
@testable import PortalModel

@Suite struct FieldValueTests {
    @Test func dateTimeRoundTripsSevenDigits() throws {
        let text = "2023-04-17T06:26:17.1234567Z"
        let d = try #require(DateTimeValue(iso8601: text))
        #expect(d.iso8601Ticks == text)
        #expect(d.iso8601 == "2023-04-17T06:26:17.1234567Z")
        let whole = try #require(DateTimeValue(iso8601: "2023-04-07T21:59:01Z"))
        #expect(whole.iso8601 == "2023-04-07T21:59:01Z")
        #expect(whole.iso8601Ticks == "2023-04-07T21:59:01.0000000Z")
        let offset = try #require(DateTimeValue(iso8601: "2023-04-07T23:59:01+02:00"))
        #expect(offset == whole)
        #expect(DateTimeValue(iso8601: "2023-13-07T21:59:01Z") == nil)
        #expect(DateTimeValue(iso8601: "07/04/2023") == nil)
        let before1970 = try #require(DateTimeValue(iso8601: "1900-01-01T00:00:00.5Z"))
        #expect(before1970.iso8601Ticks == "1900-01-01T00:00:00.5000000Z")
    }

    @Test func textConversionsByType() throws {
        #expect(try FieldValue.parse("No", as: .string) == .string("No"))
        #expect(try FieldValue.parse("True", as: .boolean) == .boolean(true))
        #expect(try FieldValue.parse("false", as: .boolean) == .boolean(false))
        #expect(try FieldValue.parse("100.0000", as: .money).text == "100.0000")
        #expect(try FieldValue.parse("100.0000", as: .money) == FieldValue.parse("100", as: .money))
        #expect(try FieldValue.parse("", as: .integer) == .null)
        #expect(throws: FieldValueError.self) { try FieldValue.parse("3000000000", as: .integer) }
        #expect(try FieldValue.parse("3000000000", as: .bigInt) == .bigInt(3_000_000_000))
        #expect(throws: FieldValueError.self) { try FieldValue.parse("abc", as: .decimal) }
        #expect(try FieldValue.parse("1,3,5", as: .multiChoice) == .multiChoice([1, 3, 5]))
        let id = UUID()
        #expect(
            try FieldValue.parse("{\(id.uuidString)}", as: .lookup, lookupTarget: "adx_website")
                == .lookup(EntityReference("adx_website", id)))
        #expect(throws: FieldValueError.self) { try FieldValue.parse(id.uuidString, as: .lookup) }
        #expect(FieldValue.lookup(EntityReference("adx_website", id)).text == id.uuidString.lowercased())
    }

    @Test func jsonConversionsAreExact() throws {
        let json = try JSONValue.parse(#"{"a":20000.0000,"b":"x\u00e9\"","c":[true,null],"d":12345678901234567}"#)
        #expect(json["a"] == .number("20000.0000"))
        #expect(json["b"] == .string("xé\""))
        #expect(try FieldValue(json: json["a"]!, as: .money).text == "20000.0000")
        #expect(try FieldValue(json: json["d"]!, as: .bigInt) == .bigInt(12_345_678_901_234_567))
        #expect(try JSONValue.parse(json.serialized) == json)
        #expect(throws: FieldValueError.self) { try FieldValue(json: .string("5"), as: .integer) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\":}") }
        #expect(FieldValue.dateTime(DateTimeValue(iso8601: "2023-04-07T21:59:01Z")!).json == .string("2023-04-07T21:59:01Z"))
    }

    @Test func filterEvaluation() {
        let site = UUID()
        let r = EntityRecord(
            "adx_webpage", id: UUID(),
            columns: [
                "adx_name": .string("Home"), "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                "adx_displayorder": .integer(3), "adx_parentpageid": .null,
            ])
        #expect(RecordFilter.equal("adx_name", .string("home")).matches(r))
        #expect(RecordFilter.equal("adx_websiteid", .guid(site)).matches(r))
        #expect(RecordFilter.isNull("adx_parentpageid").matches(r))
        #expect(RecordFilter.compare("adx_displayorder", .gt, .integer(2)).matches(r))
        #expect(!RecordFilter.and([.compare("adx_displayorder", .gt, .integer(2)), .string(.startswith, "adx_name", "x")]).matches(r))
        #expect(RecordFilter.in("adx_displayorder", [.integer(1), .integer(3)]).matches(r))
        #expect(RecordFilter.not(.isNotNull("adx_parentpageid")).matches(r))
    }
}
