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

            What works the same against a real tenant: the requests (paths, api-versions 2022-03-01-preview and \
            2024-10-01, the create body), the answers they expect (202 + Operation-Location, 200, the error \
            envelope) and the polling follow Microsoft's reference and Microsoft's own clients. Everything has \
            been run only against PortalMigrate's embedded imitation (`env serve`, `local:NAME`), never against a \
            real tenant. Open questions only a real tenant can answer (research note on code sites and the admin \
            API, §E):
              1. the body of the operation at Operation-Location, and whether its status says OperationComplete \
            or Succeeded (both are understood);
              2. the exact error codes and messages (subdomain taken, site already exists, missing role, unknown \
            template, unknown website record);
              3. whether creating with --existing-website keeps the record's name and language, and whether the \
            template matters then;
              4. whether the API still refuses service principals;
              5. whether restart is answered at once (assumed) or as an operation.
            Also assumed: the Power Platform environment id from RetrieveCurrentOrganization (else pass \
            --environment-id) and the cloud from the environment URL's domain (else pass --admin-api-url).

            Examples:
              portal-migrate site list --environment https://contoso.crm.dynamics.com
              portal-migrate site prepare-target --environment T --template BlankPage
              portal-migrate site create --environment T --existing-website 461a50ae-9496-419e-a58b-14d56165b009 --name Contoso --subdomain contoso --template BlankPage
              portal-migrate site restart --environment T --webSiteId 461a50ae-9496-419e-a58b-14d56165b009
            """,
        subcommands: [
            SiteListCommand.self, SiteCreateCommand.self, SiteDeleteCommand.self, SiteRestartCommand.self,
            SitePrepareTargetCommand.self,
        ])
}
