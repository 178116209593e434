"""Helpers shared by several test modules and by scripts/screenshots*.py (never test modules)."""
