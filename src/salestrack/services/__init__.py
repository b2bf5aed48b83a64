"""Use cases: take a store and a clock, return result objects; never print."""
