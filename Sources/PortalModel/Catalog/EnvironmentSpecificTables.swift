import Foundation

extension TableCatalog {
    /// Portal tables whose records belong to one environment and never move between environments:
    /// `adx_websitebinding` ties a website record to the portal host provisioned in that environment.
    ///
    /// The one documented list of them. pac downloads website bindings but never uploads them
    /// (research/pac-portal-format.md, `.portalconfig/websitebinding.yml` "download only";
    /// research/peers-and-pain.md row 6), and no Configuration Migration Tool portal schema carries them
    /// (`../shared/corpus/cmt/schemas/microsoft`). `verify` leaves these tables out of its comparison
    /// and says so; uploads skip them.
    public static let environmentSpecificTables: Set<String> = ["adx_websitebinding"]

    /// Columns bound to one environment, by table logical name: the website's domain
    /// (`adx_primarydomainname`, enhanced `primarydomainname`) names the portal host provisioned in that
    /// environment (research/pac-portal-format.md, `.portalconfig/websitebinding.yml`; a provisioned
    /// site gets `<id>.portal.local` locally, `<name>.powerappsportals.com` in Dataverse). `verify` leaves
    /// them out of its comparison and says so.
    public static let environmentSpecificColumns: [String: Set<String>] = [
        "adx_website": ["adx_primarydomainname"], "powerpagesite": ["primarydomainname"],
    ]

    /// True when `logicalName` is in `environmentSpecificTables`.
    public static func isEnvironmentSpecific(_ logicalName: String) -> Bool {
        environmentSpecificTables.contains(logicalName)
    }
}
