"""Per-company concerns ranked from the warehouse, turned into reverse-interview questions with evidence."""
