import Foundation
import Testing
@testable import DataverseWebAPI

/// OData string literals: a single quote is doubled wherever it stands (also before a combining mark,
/// where a search by characters would not see it and the server would end the literal there), and
/// `In` values escape backslash and double quote (research/dataverse-webapi.md §2).
@Suite struct ODataQuotingTests {
    @Test func singleQuotesAreDoubledEverywhere() {
        #expect(ODataQueryEncoder.quote("") == "''")
        #expect(ODataQueryEncoder.quote("Home") == "'Home'")
        #expect(ODataQueryEncoder.quote("O'Brian") == "'O''Brian'")
        #expect(ODataQueryEncoder.quote("''") == "''''''")
        #expect(ODataQueryEncoder.quote("a'\u{301}b") == "'a''\u{301}b'")
        #expect(ODataQueryEncoder.quote("Grüße 'x' 日本") == "'Grüße ''x'' 日本'")
    }

    @Test func inValuesEscapeBackslashAndDoubleQuote() {
        #expect(ODataQueryEncoder.doubleQuoted("A") == #""A""#)
        #expect(ODataQueryEncoder.doubleQuoted(#"a\b"c"#) == #""a\\b\"c""#)
        #expect(ODataQueryEncoder.doubleQuoted(#"\""#) == #""\\\"""#)
        #expect(ODataQueryEncoder.doubleQuoted("\"\u{301}") == "\"\\\"\u{301}\"")
        #expect(ODataQueryEncoder.doubleQuoted("O'Brian") == #""O'Brian""#)
    }
}
