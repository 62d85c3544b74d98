"""Benchmarks run by `make bench`: informational measurements, not tests.

See docs/benchmarks.md.
"""
