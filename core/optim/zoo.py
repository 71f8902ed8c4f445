"""The pytorch-optimizer package's optimizers, as typed records read from zoo.toml.

Reading the records imports nothing of the package: importing it costs seconds, which a visit that
races only torch.optim must not pay. `load_class` imports it when a run first needs one of its
classes.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import torch

ZOO_FILE = Path(__file__).with_name("zoo.toml")
RATES_FILE = Path(__file__).with_name("zoo_rates.toml")  # written by bench/tune_zoo_rates.py
PACKAGE = "pytorch_optimizer"

# The families the picker groups by, in its order (torch.optim's optimizers have one too).
FAMILIES = (
    "sgd",
    "adaptive",
    "sign",
    "normalised",
    "second_order",
    "schedule_free",
    "parameter_free",
    "memory",
)
LrFamily = Literal["gradient", "step"] | None


@dataclass(frozen=True, slots=True)
class Paper:
    """Where an optimizer was introduced."""

    year: int | None
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class ZooRecord:
    """One [[optimizer]] record of zoo.toml (its header says what each field means)."""

    id: str
    class_name: str
    family: str
    paper: Paper | None
    lr: float
    lr_family: LrFamily
    elementwise: bool
    eval_point: bool = False
    second_order: bool = False
    lr_factor: float = 1.0  # tuned (zoo_rates.toml): on the family rate, or on `lr` (family none)


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Optimizers of the package the registry leaves out, and why (in English, for the README)."""

    ids: tuple[str, ...]
    why: str


class ZooFileError(Exception):
    """zoo.toml broken by an edit: a programming mistake, caught by every test run."""


def _record(entry: dict, factors: dict[str, float]) -> ZooRecord:
    family = entry["family"]
    if family not in FAMILIES:
        raise ZooFileError(f"{ZOO_FILE.name}: {entry['id']} has the unknown family {family!r}")
    lr_family = entry.get("lr_family", "step")
    paper = None
    if "title" in entry:
        paper = Paper(entry.get("year"), entry["title"], entry.get("paper", ""))
    return ZooRecord(
        id=entry["id"],
        class_name=entry["class"],
        family=family,
        paper=paper,
        lr=float(entry.get("lr", 1e-3)),
        lr_family=None if lr_family == "none" else lr_family,
        elementwise=bool(entry.get("elementwise", True)),
        eval_point=bool(entry.get("eval_point", False)),
        second_order=bool(entry.get("second_order", False)),
        lr_factor=float(factors.get(entry["id"], 1.0)),
    )


@cache
def _zoo_file() -> dict:
    return tomllib.loads(ZOO_FILE.read_text(encoding="utf-8"))


@cache
def zoo_records() -> tuple[ZooRecord, ...]:
    """The records of zoo.toml, in its order."""
    data = _zoo_file()
    factors = {}
    if RATES_FILE.exists():
        factors = tomllib.loads(RATES_FILE.read_text(encoding="utf-8"))["lr_factor"]
    return tuple(_record(entry, factors) for entry in data["optimizer"])


@cache
def exclusions() -> tuple[Exclusion, ...]:
    """The package's optimizers left out, with why."""
    return tuple(Exclusion(tuple(e["ids"]), e["why"]) for e in _zoo_file()["excluded"])


@cache
def load_class(name: str) -> type[torch.optim.Optimizer]:
    """The class `name` of pytorch-optimizer (the package is imported on first use)."""
    return getattr(importlib.import_module(PACKAGE), name)
