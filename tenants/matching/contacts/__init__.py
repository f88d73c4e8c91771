"""Contact moments: the visits volunteers log, staff contacts, drafts and the flags that need handling."""
