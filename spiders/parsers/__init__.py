"""Pure functions from a fetched page to review records: shared by spiders, `revint parse` and tests."""
