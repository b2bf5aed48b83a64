"""Interchange: export and import of every entity as CSV, JSON and JSON lines."""
