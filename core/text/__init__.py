"""Words: every string the app shows, in English and Chinese, and the helpers that fill them in.

The lowest layer: it imports nothing else of core. See docs/architecture.md.
"""
