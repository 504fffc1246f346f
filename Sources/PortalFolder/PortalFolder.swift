// Placeholder: the PortalFolder module's entry type arrives with its issue.
