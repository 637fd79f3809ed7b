"""Maintainer tools for the book (not part of the reader-facing ``helpers`` package)."""
