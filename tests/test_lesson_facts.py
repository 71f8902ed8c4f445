"""Every lesson's reveal is true to the runs of its link, in English and in Chinese.

Each claim is computed here from the run frames directly (not through core.tutorials.
lesson_facts), checked against the lesson's facts record, and looked for, as the prose writes
it, in the rendered reveal of both languages.
"""

from functools import cache

import numpy as np
import pytest
import torch

from core.batched.fair import FAIR_RATES
from core.optim.optimizers import OPTIMIZERS
from core.playground.link_race import link_race, link_runs
from core.problems.objectives import OBJECTIVES
from core.runs import engine
from core.runs.summary import arrival_radius
from core.text import prose_numbers
from core.tutorials import lesson_facts
from core.tutorials.lessons import LESSONS, facts_of, reveal_text


@cache
def race(lesson_id: str):
    """(objective, runs by optimizer id) of a lesson's link, once per test module."""
    return link_runs(LESSONS[lesson_id].params)


def runs(lesson_id: str):
    return race(lesson_id)[1]


def path(run) -> np.ndarray:
    return run.frame[["x", "y"]].to_numpy(np.float64)


def final_loss(run) -> float:
    return float(run.frame["loss"].iloc[-1])


def one_figure(value: float) -> float:
    """An estimate as prose rounds it: one significant figure."""
    return float(f"{value:.0e}")


def minus(text: str) -> str:
    """Prose writes a true minus sign."""
    return text.replace("-", "−")


def says(lesson_id: str, en: list[str], zh: list[str]) -> None:
    for lang, phrases in (("en", en), ("zh", zh)):
        shown = reveal_text(lesson_id, lang)
        missing = [phrase for phrase in phrases if phrase not in shown]
        assert not missing, f"{lang}: {missing} not in {shown!r}"


def hessian(objective_id_or_objective, point) -> np.ndarray:
    objective = OBJECTIVES.get(objective_id_or_objective, objective_id_or_objective)
    at = torch.tensor(point, dtype=torch.float64)
    return torch.autograd.functional.hessian(objective.fn, at).numpy()


def across(run) -> np.ndarray:
    """Offsets across the quadratic's ravine, along its steep eigenvector (1, −1)/√2."""
    xy = path(run)
    return (xy[:, 0] - xy[:, 1]) / np.sqrt(2)


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_every_reveal_is_filled_in_both_languages(lesson_id):
    for lang in ("en", "zh"):
        shown = reveal_text(lesson_id, lang)
        assert "{" not in shown.replace("{\\max}", "") and "}" not in shown.replace("\\max}", "")
        assert "-" not in shown.replace("zig-zag", "").replace("y-gradient", ""), shown


def test_lr_limit():
    race_runs = runs("lr_limit")
    sgd = race_runs["sgd"]
    lam = np.linalg.eigvalsh(hessian("quadratic", [0.3, -0.2]))
    np.testing.assert_allclose(lam, [1.0, 100.0])
    lr = float(sgd.frame["lr"].iloc[0])
    offsets = across(sgd)
    ratios = offsets[1:] / offsets[:-1]
    np.testing.assert_allclose(ratios, 1 - lr * lam[1], rtol=1e-5)  # −1.1: a zig-zag, 10% wider
    xy = path(sgd)
    leaves = int(np.flatnonzero(np.abs(xy).max(axis=1) > 2)[0])  # the plotted box is [−2, 2]²
    assert 0 < leaves < len(xy) - 1
    assert (sgd.stop.reason, sgd.stop.step) == ("escaped", len(xy))  # the first step not drawn
    facts = facts_of("lr_limit")
    assert facts.diverges and facts.zigzags and (facts.leaves_plot, facts.stopped) == (leaves, 25)
    limit = f"2/{lam[1]:.0f} = {2 / lam[1]:g}"
    factor = minus(f"1 − {lr:g} × {lam[1]:.0f} = {np.median(ratios):.1f}")
    growth = f"{100 * (abs(np.median(ratios)) - 1):.0f}%"
    says(
        "lr_limit",
        en=[
            "diverges",
            limit,
            factor,
            f"grows by {growth} per step",
            f"plot at step {leaves}",
            f"stops at step {sgd.stop.step}",
            "Try 0.019",
        ],
        zh=[
            "发散",
            limit,
            factor,
            f"振幅每步增大 {growth}",
            f"在第 {leaves} 步离开绘图范围",
            f"在第 {sgd.stop.step} 步停止",
            "试试 0.019",
        ],
    )
    safer = link_runs(dict(LESSONS["lr_limit"].params) | {"hp_sgd_lr": "0.019"})[1]["sgd"]
    assert safer.stop.reason == "completed"
    assert abs(across(safer)[-1]) < 1e-3 * abs(offsets[0])


def test_ravine():
    sgd, momentum = runs("ravine")["sgd"], runs("ravine")["momentum"]
    ratio = final_loss(sgd) / final_loss(momentum)
    assert 1_000 < ratio < 10_000  # "by far"

    def last_bounce(run) -> int:
        offsets = np.abs(across(run))
        return int(np.flatnonzero(offsets > 0.01 * offsets[0])[-1])

    bounces = {name: last_bounce(run) for name, run in runs("ravine").items()}
    xy = path(sgd)
    left = np.hypot(*xy[-1]) / np.hypot(*xy[0])
    along = {
        name: path(run) @ np.array([1.0, 1.0]) / np.sqrt(2) for name, run in runs("ravine").items()
    }
    assert np.all(np.sign(along["sgd"]) == np.sign(along["sgd"][0]))  # SGD creeps, never overshoots
    assert np.any(np.sign(along["momentum"]) != np.sign(along["momentum"][0]))  # Momentum does
    assert abs(along["momentum"][-1]) < 1e-3 * abs(along["momentum"][0])  # ... and settles
    facts = facts_of("ravine")
    assert (facts.winner, facts.sgd_bounces, facts.momentum_bounces) == (
        "momentum",
        bounces["sgd"],
        bounces["momentum"],
    )
    assert facts.momentum_overshoots and facts.momentum_settles and facts.sgd_creeps
    steps, times, about_left = len(xy) - 1, one_figure(ratio), one_figure(100 * left)
    assert (steps, bounces["sgd"], one_figure(bounces["momentum"]), about_left) == (150, 6, 90, 10)
    says(
        "ravine",
        en=[
            "Momentum, by far",
            f"about {times:,.0f} times smaller than SGD's",
            f"for about {one_figure(bounces['momentum']):.0f} steps",
            f"die out after {bounces['sgd']}.",
            f"after {steps} steps it is still about",
            f"{about_left:.0f}% of its starting distance",
        ],
        zh=[
            "Momentum，而且遥遥领先",
            f"SGD 的最终损失约为它的 {times:.0f} 倍",
            f"大约 {one_figure(bounces['momentum']):.0f} 步",
            f"反弹 {bounces['sgd']} 步之后",
            f"{steps} 步之后",
            f"距离仍约为出发时的 {about_left:.0f}%",
        ],
    )


def test_adam_rosenbrock():
    objective, race_runs = race("adam_rosenbrock")
    sgd = race_runs["sgd"]
    losses = {name: final_loss(run) for name, run in race_runs.items()}
    assert losses["adam"] < losses["sgd"]
    ends = {name: np.hypot(*(path(run)[-1] - 1)) for name, run in race_runs.items()}
    assert arrival_radius(objective) < ends["adam"] < ends["sgd"]  # nearer (1, 1), not there
    grad = sgd.frame["grad_norm"].to_numpy()
    grad_drop = one_figure(grad[0] / np.median(grad[-100:]))
    steps = {
        name: np.linalg.norm(np.diff(path(r), axis=0), axis=1) for name, r in race_runs.items()
    }
    assert one_figure(steps["sgd"][0] / np.median(steps["sgd"][-100:])) == grad_drop  # so its steps
    step_ratio = one_figure(np.median(steps["adam"][-100:]) / np.median(steps["sgd"][-100:]))
    assert (grad_drop, step_ratio) == (100, 2)
    facts = facts_of("adam_rosenbrock")
    assert facts.nearer == "adam" and facts.neither_arrives
    assert one_figure(facts.grad_drop) == grad_drop and one_figure(facts.step_ratio) == step_ratio
    adam_loss, sgd_loss, n = f"{losses['adam']:.1f}", f"{losses['sgd']:.1f}", len(grad) - 1
    says(
        "adam_rosenbrock",
        en=[
            f"Adam ends lower (loss {adam_loss} against {sgd_loss})",
            f"in {n} steps",
            f"about {grad_drop:.0f} times smaller",
            "over the last 100 steps",
            "about twice as long as SGD's",
        ],
        zh=[
            f"Adam 的终点更低（损失 {adam_loss}，SGD 是 {sgd_loss}）",
            f"{n} 步内",
            f"起点处的梯度约是平坦谷底处的 {grad_drop:.0f} 倍",
            "最后 100 步",
            "约为 SGD 的两倍",
        ],
    )
    # "The rates matter too": with the rate the reveal suggests, SGD ends below Adam.
    faster = link_runs(dict(LESSONS["adam_rosenbrock"].params) | {"hp_sgd_lr": "0.003"})[1]
    assert final_loss(faster["sgd"]) < losses["adam"]


def test_saddle():
    race_runs = runs("saddle")
    escape = {
        name: int(np.flatnonzero(np.abs(run.frame["y"].to_numpy()) > 1)[0])
        for name, run in race_runs.items()
    }
    assert escape["adam"] < escape["sgd"]
    adam_y, sgd_y = (race_runs[name].frame["y"].to_numpy() for name in ("adam", "sgd"))
    adam_lr = float(race_runs["adam"].frame["lr"].iloc[0])
    assert adam_y[1] - adam_y[0] == pytest.approx(adam_lr, rel=1e-3)  # a first step of lr along y
    sgd_lr = float(race_runs["sgd"].frame["lr"].iloc[0])
    curvature = -hessian("saddle", [-1.8, 0.001])[1, 1]
    factor = sgd_y[1 : escape["sgd"]] / sgd_y[: escape["sgd"] - 1]
    np.testing.assert_allclose(factor, 1 + curvature * sgd_lr, rtol=1e-5)
    facts = facts_of("saddle")
    assert (facts.first, facts.first_step, facts.second, facts.second_step) == (
        "adam",
        escape["adam"],
        "sgd",
        escape["sgd"],
    )
    growth = f"{100 * (1 + curvature * sgd_lr - 1):.0f}%"
    factor_text = f"1 + {curvature:.0f} × {sgd_lr:g} = {1 + curvature * sgd_lr:.1f}"
    says(
        "saddle",
        en=[
            f"Adam, at step {escape['adam']}; SGD needs {escape['sgd']} steps",
            f"lr = {adam_lr:g} along y",
            f"grows by {growth} per step",
            factor_text,
        ],
        zh=[
            f"Adam，在第 {escape['adam']} 步；SGD 要到第 {escape['sgd']} 步",
            f"lr = {adam_lr:g}",
            factor_text,
            f"每步只增大 {growth}",
        ],
    )


# Where a plane vector points, by the signs of its components, in each language's words.
DIRECTIONS = {
    (1, -1): ("down and to the right", "右下方"),
    (-1, 1): ("up and to the left", "左上方"),
    (1, 1): ("up and to the right", "右上方"),
    (-1, -1): ("down and to the left", "左下方"),
}


def test_which_basin():
    sgd = runs("which_basin")["sgd"]
    gradient = sgd.frame[["grad_x", "grad_y"]].to_numpy(np.float64)[0]
    np.testing.assert_allclose(gradient, [6.5, -21.5], rtol=1e-5)
    step = path(sgd)[1] - path(sgd)[0]
    np.testing.assert_allclose(step, -0.01 * gradient, rtol=1e-5)  # along −∇f
    minima = np.asarray(OBJECTIVES["himmelblau"].minima)
    nearest = np.argmin(np.linalg.norm(path(sgd)[:, None] - minima, axis=-1), axis=1)
    assert set(nearest) == {1}  # no point of the path is nearer to another minimum
    facts = facts_of("which_basin")
    assert facts.basin == 1 and facts.stays
    up_hill = DIRECTIONS[tuple(int(v) for v in np.sign(gradient))]
    down_hill = DIRECTIONS[tuple(int(v) for v in np.sign(step))]
    assert (up_hill[0], down_hill[0]) == ("down and to the right", "up and to the left")
    grad_text = minus("({:g}, {:g})".format(*gradient))
    descent = minus("({:g}, {:g})".format(*-gradient))
    minimum = minus("({:.2f}, {:.2f})".format(*minima[1]))
    says(
        "which_basin",
        en=[
            f"{minimum}.",
            f"∇f = {grad_text} points {up_hill[0]}, uphill",
            f"−∇f = {descent}: {down_hill[0]}",
        ],
        zh=[
            f"点 {minimum}",
            f"∇f = {grad_text} 指向{up_hill[1]}",
            f"−∇f = {descent} 走，即朝{down_hill[1]}",
        ],
    )


def test_per_coordinate():
    objective, race_runs = race("per_coordinate")
    sgd, rmsprop = race_runs["sgd"], race_runs["rmsprop"]
    near = np.linalg.norm(path(rmsprop), axis=1) <= 0.01
    arrival = int(np.flatnonzero(~near)[-1]) + 1
    assert near[arrival:].all() and arrival < len(near)
    assert np.linalg.norm(path(sgd)[-1]) > 0.01  # SGD is not there: RMSprop alone
    first = np.abs(path(rmsprop)[1] - path(rmsprop)[0])
    np.testing.assert_allclose(first, [0.5, 0.5], rtol=1e-5)
    h = hessian(objective, [0.2, -0.1])
    np.testing.assert_allclose(h, [[2, 0], [0, 200]], rtol=1e-9)
    xy = path(sgd)
    assert np.all(np.sign(xy[1:, 1]) == -np.sign(xy[:-1, 1]))  # zig-zags in y at every step
    shrink = 1 - xy[1:, 0] / xy[:-1, 0]
    np.testing.assert_allclose(shrink, shrink[0], rtol=1e-4)
    lr = float(sgd.frame["lr"].iloc[0])
    facts = facts_of("per_coordinate")
    assert (facts.arrived, facts.arrival_step, facts.at_minimum) == (
        "rmsprop",
        arrival,
        ("rmsprop",),
    )
    assert facts.even_first_step and facts.sgd_zigzags_y
    limit = f"2/{h[1, 1]:.0f} = {2 / h[1, 1]:g}"
    x_end = minus(f"x = {xy[-1, 0]:.2f}")
    says(
        "per_coordinate",
        en=[
            f"RMSprop, from step {arrival} on",
            f"first step is {first[0]:g} in x and in y",
            limit,
            f"with {lr:g} it zig-zags",
            f"shrinks by only {100 * shrink[0]:.1f}% per step",
            f"to {x_end} after {len(xy) - 1} steps",
        ],
        zh=[
            f"RMSprop，从第 {arrival} 步起",
            f"都是 {first[0]:g}",
            limit,
            f"取 {lr:g} 时",
            f"每步只缩小 {100 * shrink[0]:.1f}%",
            f"{len(xy) - 1} 步后还在 {x_end}",
        ],
    )
    # 2/200 = 0.01 is SGD's limit for the steep y: above it, y's zig-zag grows.
    faster = link_runs(dict(LESSONS["per_coordinate"].params) | {"hp_sgd_lr": "0.011"})[1]["sgd"]
    assert abs(faster.frame["y"].iloc[-1]) > 1


def test_local_minima():
    race_runs = runs("local_minima")
    for run in race_runs.values():
        start, end = path(run)[0], path(run)[-1]
        np.testing.assert_allclose(end, np.round(start), atol=0.05)  # the dip nearest the start
        assert np.linalg.norm(end) > 1  # not the global minimum
    dip = np.round(path(race_runs["sgd"])[-1])
    loss = one_figure(np.mean([final_loss(run) for run in race_runs.values()]))
    assert (len(race_runs), tuple(dip), loss) == (3, (2.0, 4.0), 20)
    facts = facts_of("local_minima")
    assert facts.arrivals == 0 and facts.same_dip and facts.nearest_start
    where = "({:.0f}, {:.0f})".format(*dip)
    says(
        "local_minima",
        en=["None: all three settle", f"about {where}, with loss about {loss:.0f}"],
        zh=["三个优化器都停在", f"约在 {where} 处，损失约为 {loss:.0f}"],
    )


def test_the_facts_follow_the_runs():
    """Other runs, other facts: each judge reads the facts, not a stored answer."""
    params = dict(LESSONS["lr_limit"].params) | {"hp_sgd_lr": "0.019"}
    calmer = lesson_facts.lr_limit_facts(*link_runs(params))
    assert not calmer.diverges and calmer.zigzags and LESSONS["lr_limit"].judge(calmer) == 1
    params = dict(LESSONS["which_basin"].params) | {"start_x": "1.0", "start_y": "1.0"}
    elsewhere = lesson_facts.which_basin_facts(*link_runs(params))
    assert LESSONS["which_basin"].judge(elsewhere) == 0 and elsewhere.minimum == (3.0, 2.0)


def test_numbers_in_prose():
    number, about, times = prose_numbers.number, prose_numbers.about, prose_numbers.times
    assert (number(3000.0, "en", 0), number(3000.0, "zh", 0)) == ("3,000", "3000")
    assert (number(-0.4065, "en"), number(-1.0999, "zh"), number(-0.0001, "en")) == (
        "−0.41",
        "−1.1",
        "0",
    )
    assert (about(92, "en"), about(3473, "en"), about(0.097, "en"), about(19.9, "zh")) == (
        "90",
        "3,000",
        "0.1",
        "20",
    )
    assert (times(2.12, "en"), times(2.12, "zh")) == ("twice", "两倍")
    assert (times(3473, "en"), times(3473, "zh")) == ("3,000 times", "3000 倍")
    assert prose_numbers.percent(0.018, "en") == "1.8%"
    assert prose_numbers.about_percent(0.0967, "zh") == "10%"
    assert prose_numbers.point((6.5, -21.5), "en") == "(6.5, −21.5)"
    assert prose_numbers.direction(-0.1, 0.2, "zh") == "左上方"
    with pytest.raises(ValueError):
        prose_numbers.direction(0.0, 1.0, "en")


def test_fair_race():
    """Every stated band and rate is recomputed from single runs of the grid's rates."""
    objective, race_runs = race("fair_race")
    facts = facts_of("fair_race")
    tuning = link_race(LESSONS["fair_race"].params).tuning
    assert facts.all_tuned and [t.entry.optimizer for t in tuning.rates] == list(race_runs)
    # The rates the race ran at are the tuned ones.
    for tuned in tuning.rates:
        assert float(race_runs[tuned.entry.optimizer].frame["lr"].iloc[0]) == pytest.approx(
            tuned.rate
        )
    sgd = next(t for t in tuning.rates if t.entry.optimizer == "sgd")
    assert (facts.sgd_rate, facts.sgd_low, facts.sgd_high) == (sgd.rate, sgd.low, sgd.high)
    widths = {t.entry.optimizer: t.high / t.low for t in tuning.rates}
    assert facts.narrowest == min(widths, key=widths.get) == "sgd"
    # The quadratic's curvatures are 1 and 100: SGD is stable below 2/100, and its band's top is
    # the last grid rate under that; one grid rate above, a single run leaves the plot.
    lam = np.linalg.eigvalsh(hessian(objective, [0.3, -0.2]))
    np.testing.assert_allclose(lam, [1, 100], rtol=1e-9)
    assert facts.limit == pytest.approx(2 / lam[1]) and facts.ratio == pytest.approx(100)
    above = FAIR_RATES[list(FAIR_RATES).index(sgd.high) + 1]
    assert sgd.high < 2 / lam[1] < above == facts.next_rate
    single = engine.run(objective, "sgd", path(race_runs["sgd"])[0], tuning.steps, lr=float(above))
    assert single.stop.reason in {"diverged", "escaped"} and facts.next_diverges
    ends = {
        name: np.linalg.norm(path(r)[-1] - objective.minima[0]) for name, r in race_runs.items()
    }
    assert facts.winner == min(ends, key=ends.get)
    says(
        "fair_race",
        en=[
            f"SGD: only rates from {sgd.low:.2g} to {sgd.high:.3g}",
            f"a factor of {sgd.high / sgd.low:.1f}",
            f"Momentum's band spans a factor of {widths['momentum']:.1f}",
            f"Adam's {widths['adam']:.1f}",
            "2 / λ_max = 0.02",
            f"at {above:.3g}, SGD diverges",
            "100 times as curved",
            f"{OPTIMIZERS[facts.winner].name} ends nearest",
        ],
        zh=[
            f"SGD：只有 {sgd.low:.2g} 到 {sgd.high:.3g} 之间",
            f"上限是下限的 {sgd.high / sgd.low:.1f} 倍",
            f"Momentum 的区间上限是下限的 {widths['momentum']:.1f} 倍",
            f"Adam 的是 {widths['adam']:.1f} 倍",
            "2 / λ_max = 0.02",
            f"（{above:.3g}），SGD 就发散了",
            "平缓方向的 100 倍",
            f"{OPTIMIZERS[facts.winner].name} 最终离最小值最近",
        ],
    )
