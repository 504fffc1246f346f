// Placeholder: the DataverseWebAPI module's entry type arrives with its issue.
