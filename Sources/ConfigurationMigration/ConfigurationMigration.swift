// Placeholder: the ConfigurationMigration module's entry type arrives with its issue.
