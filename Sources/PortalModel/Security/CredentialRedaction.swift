import Foundation

/// Removes credentials carried in URLs (`scheme://user:password@host`) from text before it is printed
/// or logged.
///
/// A password typed into a URL (`http://user:pass@host`) used to come back in error messages; every
/// message that names a URL, and the CLI's output funnel, passes through here (issue 17).
public enum CredentialRedaction {
    /// `text` with the user-information part of every `scheme://…@` URL replaced by `***`
    /// (`https://***@host/…`); text without such a URL is returned unchanged.
    public static func redact(_ text: String) -> String {
        guard text.contains("@"), text.contains("://") else { return text }
        return text.replacing(pattern) { match in "\(match.output.1)***@" }
    }

    /// True when `url` carries a user name or password.
    public static func hasCredentials(_ url: URL) -> Bool { url.user != nil || url.password != nil }

    /// A URL's text without its user information.
    public static func redact(_ url: URL) -> String { redact(url.absoluteString) }

    /// `scheme://` followed by user information (no `/`, white space, quote or `@`) and `@`.
    nonisolated(unsafe) private static let pattern = #/([A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@'"<>]+@/#
}
