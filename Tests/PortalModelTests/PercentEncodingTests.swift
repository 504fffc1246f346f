import Foundation
import PortalModel
import Testing

/// `PercentEncoding`: the presets encode every printable ASCII character exactly as the client's and
/// the server's former separate character sets did, and encode non-ASCII text as UTF-8 bytes.
@Suite struct PercentEncodingTests {
    /// The character sets the client (ODataQueryEncoder, FormEncoding) and the server (WebRequest) each
    /// built before they shared `PercentEncoding`.
    static func former(_ kept: String, unicodeLetters: Bool = false) -> CharacterSet {
        var s =
            unicodeLetters
            ? CharacterSet.alphanumerics
            : CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        s.insert(charactersIn: kept)
        return s
    }

    static let printableASCII = (0x20...0x7E).map { String(UnicodeScalar(UInt8($0))) }

    @Test(arguments: [
        (PercentEncoding.queryValue, former("-._~$(),'=:@/*!")),
        (PercentEncoding.pathComponent, former("-._~$(),':@*!")),
        (PercentEncoding.formComponent, former("-._~")),
        (PercentEncoding.queryComponent, former("-._~$,()'/:@", unicodeLetters: true)),
    ])
    func asciiIsEncodedAsBefore(encoding: PercentEncoding, former: CharacterSet) {
        for c in Self.printableASCII {
            #expect(encoding.encode(c) == c.addingPercentEncoding(withAllowedCharacters: former), "\(c)")
        }
        let sample = "adx_name eq 'O''Bryan & Co+1' and x=/y?#%"
        #expect(encoding.encode(sample) == sample.addingPercentEncoding(withAllowedCharacters: former))
    }

    @Test func examples() {
        #expect(PercentEncoding.queryValue.encode("adx_name eq 'a&b+c'") == "adx_name%20eq%20'a%26b%2Bc'")
        #expect(PercentEncoding.pathComponent.encode("a/b=c.png") == "a%2Fb%3Dc.png")
        #expect(PercentEncoding.formComponent.encode("x y+z~") == "x%20y%2Bz~")
        #expect(PercentEncoding.queryComponent.encode("$skiptoken") == "$skiptoken")
        #expect(PercentEncoding.queryComponent.encode("a=b&c") == "a%3Db%26c")
    }

    /// Non-ASCII letters become UTF-8 percent escapes in every preset (the server's former set kept them
    /// raw, which made `@odata.nextLink` URLs with, say, `Café` in a `$filter` invalid).
    @Test func nonASCIIIsEncodedAsUTF8() {
        for encoding in [PercentEncoding.queryValue, .pathComponent, .formComponent, .queryComponent] {
            #expect(encoding.encode("Café ü") == "Caf%C3%A9%20%C3%BC")
            #expect(encoding.encode("Café").removingPercentEncoding == "Café")
        }
    }
}
