"""salestrack: keep your own sales score from the terminal."""

__version__ = "0.1.0"
