"""The DuckDB warehouse: versioned schema, idempotent loads, key checks, marts."""
