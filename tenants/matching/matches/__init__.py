"""The matches: proposing, the steps, agreements, the interim evaluation, ending; the matching policy."""
