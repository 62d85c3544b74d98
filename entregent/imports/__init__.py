"""Bringing a network in and out: parsers (pure functions, one module per format), duplicate
detection, the import flow and the exports."""
