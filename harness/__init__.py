"""Responsive layout testing for news pages: named breakpoints, screenshots, pixel diffs."""

__version__ = "0.1.0"
