"""The seeded slices of `make stress` that the regular test suite runs."""
