"""Capture: log a touch, correct or undo it, prospects and their stages, the call block."""
