"""Warehouse and insights (the load and report stages), and what wires the stages together: the stages as
plain functions (stages.py), Prefect flows, imports, training, retagging, erasure and the `revint` command line."""
