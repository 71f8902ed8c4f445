"""The optimizer registry: real torch.optim classes, exactly the hyper-parameters shown."""

import pytest
import torch

from core.optim.optimizers import OPTIMIZERS, TORCH_OPTIMIZERS, HyperParam
from core.problems.objectives import OBJECTIVES
from core.problems.registry import registry

IDS = list(TORCH_OPTIMIZERS)  # pytorch-optimizer's: tests/test_zoo.py


def test_registry_offers_the_classic_baselines_and_the_rest_of_torch_optim():
    assert {
        "sgd",
        "momentum",
        "nesterov",
        "adam",
        "adamw",
        "rmsprop",
        "adagrad",
        "adadelta",
        "adamax",
        "nadam",
        "radam",
        "lbfgs",
    } <= set(OPTIMIZERS)


@pytest.mark.parametrize("oid", IDS)
def test_builds_from_its_defaults_with_exactly_those_values(oid):
    spec = OPTIMIZERS[oid]
    p = torch.zeros(2, requires_grad=True)
    opt = spec.make([p])
    assert isinstance(opt, spec.cls)
    group = opt.param_groups[0]
    for key, value in spec.torch_kwargs().items():
        assert group[key] == value, key


@pytest.mark.parametrize("oid", IDS)
def test_every_default_lies_in_its_range_and_defaults_for_every_objective_validate(oid):
    spec = OPTIMIZERS[oid]
    for h in spec.hyper:
        assert h.validate(h.default) == h.default
    for obj in OBJECTIVES.values():
        spec.validate(**spec.defaults_for(obj))


@pytest.mark.parametrize("oid", IDS)
def test_out_of_range_values_are_refused_before_torch_sees_them(oid):
    spec = OPTIMIZERS[oid]
    lr = spec.param("lr")
    for bad in (lr.low / 10, lr.high * 10, float("nan"), float("inf"), "0.1", True, None):
        with pytest.raises(ValueError, match="learning rate"):
            spec.make([torch.zeros(2, requires_grad=True)], lr=bad)


def test_momentum_and_nesterov_are_sgd_with_their_switches():
    momentum, nesterov = OPTIMIZERS["momentum"], OPTIMIZERS["nesterov"]
    assert momentum.cls is nesterov.cls is torch.optim.SGD
    assert momentum.defaults["momentum"] == 0.9
    assert nesterov.torch_kwargs()["nesterov"] is True
    assert "nesterov" not in momentum.torch_kwargs()


def test_pairs_are_passed_as_torch_tuples():
    assert OPTIMIZERS["adam"].torch_kwargs(beta1=0.8)["betas"] == (0.8, 0.999)
    assert OPTIMIZERS["rprop"].torch_kwargs()["etas"] == (0.5, 1.2)
    assert OPTIMIZERS["lbfgs"].torch_kwargs(line_search_fn="none")["line_search_fn"] is None


def test_capability_flags():
    assert OPTIMIZERS["lbfgs"].needs_closure and not OPTIMIZERS["lbfgs"].elementwise
    # Adafactor scales each step by the RMS of the whole parameter: a batch's rows would share it.
    assert not OPTIMIZERS["adafactor"].elementwise and not OPTIMIZERS["adafactor"].needs_closure
    # Muon orthogonalises the whole matrix it holds (the point, as one row).
    assert not OPTIMIZERS["muon"].elementwise and OPTIMIZERS["muon"].holds == "row"
    coupled = {"lbfgs", "adafactor", "muon"}
    assert all(
        s.elementwise and not s.needs_closure
        for i, s in TORCH_OPTIMIZERS.items()
        if i not in coupled
    )


def test_kinds_validate_their_values():
    flag = HyperParam("amsgrad", "AMSGrad", False, kind="bool")
    choice = HyperParam("line_search_fn", "line search", "a", kind="choice", choices=("a", "b"))
    count = HyperParam("max_iter", "iterations per step", 1, 1, 5, kind="int")
    assert flag.validate(True) is True
    assert count.validate(3) == 3
    for param, bad in ((flag, 1), (choice, "c"), (count, 6), (count, 2.5)):
        with pytest.raises(ValueError):
            param.validate(bad)


def test_registry_rejects_duplicate_ids():
    spec = OPTIMIZERS["sgd"]
    with pytest.raises(ValueError, match="duplicate"):
        registry((spec, spec))
    with pytest.raises(TypeError):
        OPTIMIZERS["x"] = spec  # read-only mapping
