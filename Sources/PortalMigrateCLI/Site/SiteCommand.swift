import ArgumentParser

/// `portal-migrate site …`: sites through the Power Pages admin API (issue 22;
/// research/code-sites-and-admin-api.md Part B).
struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "List, create, delete and restart Power Pages sites through the Power Pages admin API.",
        discussion: """
        A site is a host (what the admin API calls a website, with its own id and web address) serving a \
        website record (adx_website or powerpagesite) of the environment. Deleting a site keeps the website \
        record and its configuration: the site shows as inactive until `site create --existing-website ID` \
        gives it a host again (the last step of Microsoft's migration procedure, also called reactivation).

        Against a real tenant: the commands call https://api.powerplatform.com (or the cloud of the \
        environment URL; --admin-api-url overrides) with a user's token for that API, from a device code \
        sign-in (`auth create --deviceCode`) or --admin-token-env VAR. The API does not accept service \
        principals according to Microsoft's docs; the error then says what works instead. Pass \
        --environment-id when the Power Platform environment id cannot be found from the environment.

        Checked only against PortalMigrate's embedded imitation (`env serve`, `local:NAME`), not against a \
        real tenant: the body of the operation the service points to (Operation-Location), the exact error \
        codes and messages, whether creating with --existing-website keeps the record's name and language, \
        whether the template matters when binding, whether service principals are still refused, the \
        Power Platform environment id lookup, and the Dataverse domain → cloud mapping. The request shapes, \
        paths, api-versions, statuses (202 + Operation-Location, 200, 400/401/403/404/409) and polling \
        follow Microsoft's reference and Microsoft's own clients.

        Examples:
          portal-migrate site list --environment https://contoso.crm.dynamics.com
          portal-migrate site prepare-target --environment TARGET --template DefaultPortalTemplate
          portal-migrate site create --environment TARGET --existing-website 461a50ae-… --name Contoso --subdomain contoso --template DefaultPortalTemplate
          portal-migrate site restart --environment TARGET --webSiteId 461a50ae-…
        """,
        subcommands: [SiteListCommand.self, SiteCreateCommand.self, SiteDeleteCommand.self, SiteRestartCommand.self,
                      SitePrepareTargetCommand.self])
}
