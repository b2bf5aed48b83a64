"""The demo and benchmark data generator."""
