import PortalMigrateCLI

await PortalMigrateCommand.runMain()
