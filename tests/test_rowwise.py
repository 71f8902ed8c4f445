"""Row-wise sweeps against torch.optim with one param group per setting: the same bits.

The param-group path (core.batched.sweeps.run_groups with method="param_groups") is torch.optim
itself, and tests/test_batched.py shows each of its groups is bitwise an independent single run.
Here every row-wise rule (core.optim.rowwise) must reproduce it bit for bit: end points, losses, the
last valid step, the minimum reached and the settling step, in float32 and float64, with default and
non-default hyper-parameters, over 200 steps and rates from crawling to diverging. No ulp bound is
needed: each rule performs torch's operations in torch's order, with per-row scalars rounded as
torch does.
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch

from core.batched import sweeps
from core.batched.outcomes import Finish
from core.batched.sweeps import log_rates, lr_sweep, momentum_map, not_sweepable_reason, run_groups
from core.optim.optimizers import OPTIMIZERS, HyperParam
from core.optim.rowwise import RULES, row_stepper
from core.problems.objectives import OBJECTIVES

SWEEPABLE = [oid for oid, spec in OPTIMIZERS.items() if not_sweepable_reason(spec) is None]
HIMMELBLAU = OBJECTIVES["himmelblau"]
QUADRATIC = OBJECTIVES["quadratic"]
STEPS = 200
# From crawling to diverging at the first step, for every optimizer on Himmelblau's function.
RATES = [float(r) for r in np.logspace(-4, 2, 16)]
DTYPES = [torch.float32, torch.float64]

# Every hyper-parameter the registry offers, away from its default: weight decay, AMSGrad,
# centered RMSprop with momentum, dampening, a learning-rate decay, a non-zero accumulator...
NON_DEFAULT = {
    "sgd": {"weight_decay": 0.1},
    "momentum": {"momentum": 0.8, "dampening": 0.3, "weight_decay": 0.05},
    "nesterov": {"momentum": 0.7, "weight_decay": 0.05},
    "adam": {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1, "amsgrad": True},
    "adamw": {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.2, "amsgrad": True},
    "rmsprop": {"alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True, "weight_decay": 0.05},
    "adagrad": {
        "lr_decay": 0.01,
        "eps": 1e-8,
        "initial_accumulator_value": 0.5,
        "weight_decay": 0.05,
    },
    "adadelta": {"rho": 0.8, "eps": 1e-2, "weight_decay": 0.05},  # diverges at the top rates
    "adamax": {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05},
    "nadam": {
        "beta1": 0.8,
        "beta2": 0.99,
        "eps": 1e-6,
        "weight_decay": 0.05,
        "momentum_decay": 0.01,
    },
    "radam": {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05},
    "asgd": {"lambd": 0.01, "alpha": 0.5, "weight_decay": 0.05},
    "rprop": {"etaminus": 0.3, "etaplus": 1.5},
}


def assert_same_bits(rows: Finish, groups: Finish) -> None:
    """Every number a view shows, compared as bytes: NaN where diverged, and the sign of zero."""
    for field in ("final", "final_loss", "last", "settled", "label"):
        mine, reference = getattr(rows, field), getattr(groups, field)
        assert mine.dtype == reference.dtype and mine.shape == reference.shape, field
        assert mine.tobytes() == reference.tobytes(), (field, mine, reference)


def both_ways(monkeypatch, *args, **kwargs) -> tuple[Finish, Finish]:
    """run_groups row-wise, and with one param group per setting. The row-wise run must not
    fall back to param groups, or the comparison would prove nothing."""
    groups = run_groups(*args, method="param_groups", **kwargs)

    def refuse(*_args, **_kwargs):
        raise AssertionError("the row-wise run fell back to param groups")

    with monkeypatch.context() as patch:
        patch.setattr(sweeps, "_GroupRuns", refuse)
        rows = run_groups(*args, method="rows", **kwargs)
    return rows, groups


def test_every_sweepable_optimizer_has_one_row_rule():
    assert set(NON_DEFAULT) == set(SWEEPABLE)
    for oid in SWEEPABLE:
        assert OPTIMIZERS[oid].cls in RULES, oid


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("oid", SWEEPABLE)
def test_rows_equal_param_groups_bitwise(monkeypatch, oid, dtype):
    groups = [{"lr": r} for r in RATES]
    seen = []
    for hyper in ({}, NON_DEFAULT[oid]):
        rows, reference = both_ways(
            monkeypatch, HIMMELBLAU, oid, HIMMELBLAU.start, STEPS, groups, dtype=dtype, **hyper
        )
        assert_same_bits(rows, reference)
        seen.append(reference)
    # The comparison covered rows that diverged and rows that settled at a minimum.
    assert any(end.diverged.any() for end in seen), oid
    assert any((end.label >= 0).any() and (end.settled > 0).any() for end in seen), oid


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_map_rows_equal_param_groups_bitwise(optimizer, dtype):
    rates = log_rates(1e-3, 0.1, 12)
    momenta = [0.0, 0.3, 0.6, 0.9, 0.99] if optimizer == "momentum" else [0.3, 0.6, 0.9, 0.99]
    shared = {"weight_decay": 0.01} | ({"dampening": 0.2} if optimizer == "momentum" else {})
    maps = [
        momentum_map(
            QUADRATIC,
            QUADRATIC.start,
            STEPS,
            rates,
            momenta,
            optimizer=optimizer,
            dtype=dtype,
            method=method,
            **shared,
        )
        for method in ("rows", "param_groups")
    ]
    pd.testing.assert_frame_equal(maps[0], maps[1], check_exact=True)
    for column in ("final_loss", "gap", "settled", "last"):
        assert maps[0][column].to_numpy().tobytes() == maps[1][column].to_numpy().tobytes()
    assert maps[0]["diverged"].any() and not maps[0]["diverged"].all()


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_rows_without_momentum_take_torchs_plain_steps_beside_rows_with_it(monkeypatch, dtype):
    """torch skips the momentum buffer of a group whose momentum is 0; so must its row."""
    groups = [{"lr": lr, "momentum": m} for lr in (0.003, 0.03) for m in (0.0, 0.5, 0.9)]
    for oid in ("momentum", "nesterov"):
        # torch takes a Nesterov group with momentum 0 (it checks only the defaults), which the
        # registry refuses for a whole run: the rows are compared on a spec that allows it.
        spec = OPTIMIZERS[oid]
        hyper = tuple(dataclasses.replace(h, above_low=False) for h in spec.hyper)
        rows, reference = both_ways(
            monkeypatch,
            HIMMELBLAU,
            dataclasses.replace(spec, hyper=hyper),
            (0.5, -1.0),
            STEPS,
            groups,
            dtype=dtype,
        )
        assert_same_bits(rows, reference)


def with_options(oid: str, *names: str) -> object:
    """The registry's optimizer plus boolean torch options it does not offer (off by default)."""
    spec = OPTIMIZERS[oid]
    extra = tuple(HyperParam(name, name, False, kind="bool") for name in names)
    return dataclasses.replace(spec, hyper=spec.hyper + extra)


@pytest.mark.parametrize("oid", SWEEPABLE)
def test_options_beyond_the_registry_are_replicated_too(monkeypatch, oid):
    """maximize (every optimizer) and decoupled weight decay (NAdam, RAdam) are torch options the
    playground does not offer; the rules follow torch there as well."""
    decoupled = oid in ("nadam", "radam")
    spec = with_options(oid, "maximize", *(["decoupled_weight_decay"] if decoupled else []))
    hyper = {"maximize": True} | (
        {"decoupled_weight_decay": True, "weight_decay": 0.1} if decoupled else {}
    )
    groups = [{"lr": r} for r in RATES[::3]]
    rows, reference = both_ways(
        monkeypatch, HIMMELBLAU, spec, (-0.2, -0.9), 100, groups, dtype=torch.float32, **hyper
    )
    assert_same_bits(rows, reference)


def test_lr_sweep_is_the_same_table_either_way():
    optimizers = [("adam", {"amsgrad": True}), "rmsprop", ("momentum", {"momentum": 0.5})]
    tables = [
        lr_sweep(HIMMELBLAU, optimizers, HIMMELBLAU.start, STEPS, RATES, method=method)
        for method in ("rows", "param_groups")
    ]
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)
    assert tables[0]["diverged"].any() and (tables[0]["settled"] >= 0).any()


def test_settings_without_a_row_rule_run_as_param_groups():
    params = torch.zeros(2, 2)
    adam = {"lr": 1e-3}
    lbfgs = torch.optim.LBFGS
    assert row_stepper(lbfgs, {"lr": 1.0}, [{"lr": 1.0}] * 2, params) is None
    # A setting other than the rate differs between rows: not in Adam's per_row.
    betas = [{"betas": (0.9, b)} for b in (0.9, 0.99)]
    assert row_stepper(torch.optim.Adam, adam, betas, params) is None
    assert (
        row_stepper(
            torch.optim.Adam, adam, [{"lr": 1e-3, "weight_decay": w} for w in (0.0, 0.1)], params
        )
        is None
    )
    # Another implementation than torch's single-tensor one.
    assert row_stepper(torch.optim.Adam, adam | {"foreach": True}, [adam] * 2, params) is None
    # Still exact: run_groups falls back to param groups.
    groups = [{"lr": 0.01, "weight_decay": w} for w in (0.0, 0.1)]
    rows = run_groups(HIMMELBLAU, "adam", HIMMELBLAU.start, 50, groups)
    reference = run_groups(HIMMELBLAU, "adam", HIMMELBLAU.start, 50, groups, method="param_groups")
    assert_same_bits(rows, reference)


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        run_groups(HIMMELBLAU, "sgd", HIMMELBLAU.start, 5, [{"lr": 0.01}], method="param-groups")
