"""Maintainer tools (not part of the package)."""
