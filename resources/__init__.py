"""Shipped data: corpora and presets (read with importlib.resources)."""
