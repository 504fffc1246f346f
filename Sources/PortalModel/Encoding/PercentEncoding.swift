import Foundation

/// Percent-encoding of URL and form components (RFC 3986 §2.1), the one implementation the Web API
/// client (`DataverseWebAPI`) and the embedded server (`EnvironmentServer`) share.
///
/// A value keeps the ASCII letters and digits and the characters of its `kept` set; every other byte of
/// its UTF-8 form becomes `%XX` with upper-case hexadecimal digits (Foundation's
/// `addingPercentEncoding(withAllowedCharacters:)`). Non-ASCII letters are always encoded.
///
/// Example: `PercentEncoding.queryValue.encode("adx_name eq 'a&b'")` is `adx_name%20eq%20'a%26b'`.
public struct PercentEncoding: Sendable {
    /// The characters left as they are.
    public let allowed: CharacterSet

    /// An encoding that keeps ASCII letters, digits and the characters of `kept`.
    public init(keeping kept: String) {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: kept)
        allowed = set
    }

    /// `s` with every character outside `allowed` percent-encoded (as UTF-8 bytes).
    public func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// `application/x-www-form-urlencoded` names and values (OAuth token requests): only RFC 3986's
    /// unreserved characters `-._~` are kept, so `+`, `&`, `=` and spaces are encoded.
    public static let formComponent = PercentEncoding(keeping: "-._~")

    /// An OData query option value sent by the client (`$filter`, `$select`, …): keeps the characters
    /// OData expressions use literally (`$(),'=:@/*!`) so URLs stay readable; `&`, `+`, `#`, space are
    /// encoded (research/dataverse-webapi.md §2.1: send `%2B` for a plus).
    public static let queryValue = PercentEncoding(keeping: "-._~$(),'=:@/*!")

    /// A value inside a path segment or a single query value that must not split (alternate key values,
    /// `x-ms-file-name`): `queryValue` without `/` and `=`.
    public static let pathComponent = PercentEncoding(keeping: "-._~$(),':@*!")

    /// A query name or value written by the server (`@odata.nextLink` query strings, form bodies read
    /// back with `WebRequest.parseQuery`): keeps `-._~$,()'/:@`, so `=`, `&` and `+` are encoded.
    public static let queryComponent = PercentEncoding(keeping: "-._~$,()'/:@")
}
