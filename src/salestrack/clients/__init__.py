"""Clients: promises, successes, lessons, initiatives, the scorecard and the report card."""
