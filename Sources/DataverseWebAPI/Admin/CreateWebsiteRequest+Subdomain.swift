import Foundation
import PortalModel

extension CreateWebsiteRequest {
    /// Whether `subdomain` can be a site's web address (`https://SUBDOMAIN.powerappsportals.com`): 2 to 63
    /// lower-case letters, digits or hyphens, not starting or ending with a hyphen. Microsoft's client's
    /// rule (research/code-sites-and-admin-api.md §B.2, [V-code]); the service may refuse more (a taken name).
    /// The same rule as the embedded server's admin API: both ask `SiteHost.isValidSubdomain`.
    public static func isValidSubdomain(_ subdomain: String) -> Bool {
        SiteHost.isValidSubdomain(subdomain)
    }
}
