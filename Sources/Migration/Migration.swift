// Placeholder: the Migration module's entry type arrives with its issue.
