"""Settings as plain, validated values: URL query fields and their parsing.

Imports only core.text. See docs/architecture.md.
"""
