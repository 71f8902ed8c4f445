"""The Playground's settings as data: defaults, URL fields, and the typed records of a race.

Above formulas (a scene may be a typed formula), below the figures and pages that read it.
See docs/architecture.md.
"""
