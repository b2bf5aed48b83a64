"""Render result objects: Rich tables on a terminal, CSV / JSON / JSON lines for scripts."""
