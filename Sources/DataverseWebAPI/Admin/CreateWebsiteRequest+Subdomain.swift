import Foundation

extension CreateWebsiteRequest {
    /// Whether `subdomain` can be a site's web address (`https://SUBDOMAIN.powerappsportals.com`): 2 to 63
    /// lower-case letters, digits or hyphens, not starting or ending with a hyphen. Microsoft's client's
    /// rule (research/code-sites-and-admin-api.md §B.2, [V-code]); the service may refuse more (a taken name).
    public static func isValidSubdomain(_ subdomain: String) -> Bool {
        subdomain.range(of: "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$", options: .regularExpression) != nil
    }
}
