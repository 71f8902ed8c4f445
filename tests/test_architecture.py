"""Core's sub-packages are layers: imports point down the list in core.LAYERS, never up."""

from __future__ import annotations

import ast
from pathlib import Path

import core

CORE = Path(core.__file__).parent


def core_imports(path: Path) -> set[str]:
    """The core sub-packages a module imports from (`from core.runs.engine import ...` -> runs;
    `from core.runs import budget` -> runs)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module == "core":  # from core import runs
            names = [f"core.{alias.name}" for alias in node.names if alias.name in core.LAYERS]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "core" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_every_core_module_lives_in_a_layer():
    packages = {p.name for p in CORE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(core.LAYERS)
    assert [p.name for p in CORE.glob("*.py")] == ["__init__.py"]  # no module outside a layer


def test_imports_point_down_the_layers():
    rank = {name: i for i, name in enumerate(core.LAYERS)}
    upward = []
    for path in sorted(CORE.rglob("*.py")):
        layer = path.relative_to(CORE).parts[0]
        if layer == "__init__.py":
            continue
        for imported in core_imports(path):
            if rank[imported] > rank[layer]:
                upward.append(f"{path.relative_to(CORE)} imports core.{imported}")
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from core.figures.race import race_figure\nfrom core.runs import budget\n")
    assert core_imports(module) == {"figures", "runs"}
