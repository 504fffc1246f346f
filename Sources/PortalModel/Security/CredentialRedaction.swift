import Foundation

/// Removes credentials carried in URLs (`scheme://user:password@host`) from text before it is printed
/// or logged.
///
/// A password typed into a URL (`http://user:pass@host`) used to come back in error messages; every
/// message that names a URL, and the CLI's output funnel, passes through here (issue 17).
public enum CredentialRedaction {
    /// `text` with the user-information part of every `scheme://…@` URL replaced by `***`
    /// (`https://***@host/…`); text without such a URL is returned unchanged.
    ///
    /// The user information runs to the LAST `@` before the host (a password may itself hold an `@`:
    /// `http://u:SEC@RET@host` is `http://***@host`, never `http://***@RET@host`). Also covered: a URL
    /// without a scheme (`//u:p@host`, `u:p@host` as a word of its own — an environment argument that
    /// is taken for a profile name is echoed back), percent-encoded user information, IPv6 hosts.
    public static func redact(_ text: String) -> String {
        guard text.contains("@") else { return text }
        var out = text
        if out.contains("//") {
            out = out.replacing(pattern) { match in "\(match.output.1)//***@" }
        }
        if out.contains(":") {
            out = out.replacing(schemeless) { match in "\(match.output.1)***@" }
        }
        return out
    }

    /// One argument as a user typed it (`--environment`, `--url`: a URL or an auth profile name), for
    /// an error that echoes it. When it carries user information — `://` before its last `@`, or a `:`
    /// before its last `@` (`user:pass@host` typed without a scheme, taken for a profile name) —
    /// everything between `://` (or its start) and that last `@` becomes `***`, whatever characters it
    /// holds; then `redact`. Free text ends user information at a space, a quote, `<`, `#` or `/`; one
    /// argument does not, so `http://u:pa ss@host` is `http://***@host`, never `…ss@host`. An argument
    /// whose path holds an `@` is shown with more hidden than needed.
    public static func redactArgument(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@") else { return value }
        let start = value.range(of: "://").map(\.upperBound)
        if let start, start <= at { return redact(String(value[..<start]) + "***" + String(value[at...])) }
        guard value[..<at].contains(":") else { return redact(value) }
        return redact("***" + String(value[at...]))
    }

    /// True when `url` carries a user name or password.
    public static func hasCredentials(_ url: URL) -> Bool { url.user != nil || url.password != nil }

    /// A URL's text without its user information.
    public static func redact(_ url: URL) -> String { redact(url.absoluteString) }

    /// `scheme://` (or a bare `//`) followed by user information up to the last `@` before
    /// the host: the authority ends at `/`, `?`, `#`, white space, a quote or `<>`, so the greedy run
    /// takes every `@` inside it.
    nonisolated(unsafe) private static let pattern = #/((?:[A-Za-z][A-Za-z0-9+.\-]*:)?)//[^/?#\s'"<>]+@/#

    /// `user:password@` starting a word (no scheme): a word with a `:` before its last `@`, where
    /// the part before the colon has no `/`; `a@b.c` (no colon) is left alone.
    nonisolated(unsafe) private static let schemeless = #/(^|[\s'"(<=,])[^\s/?#:'"<>]+:[^\s/?#'"<>]*@(?=[A-Za-z0-9\[])/#
}
