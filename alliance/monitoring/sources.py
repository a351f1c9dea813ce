"""Each indicator's computation from the person-level records (written by the indicators work)."""
