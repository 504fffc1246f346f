// Placeholder: the LocalEnvironment module's entry type arrives with its issue.
