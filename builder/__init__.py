"""factsheet: a static site generator for fact-comparison pages."""

__version__ = "0.1.0"
