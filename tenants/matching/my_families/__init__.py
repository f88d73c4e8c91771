"""The volunteer's own families: their matches, the visits they log and their drafts."""
