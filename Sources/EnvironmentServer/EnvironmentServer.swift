// Placeholder: the EnvironmentServer module's entry type arrives with its issue.
