"""The Summary table: every cell means something ("—", never "None"), stop texts fit a narrow
column in both languages, and the page shows them with their explanations."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.formulas.custom import custom_objective
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES
from core.runs.engine import Stop, run
from core.runs.summary import MISSING, arrival_radius, short_stop, summary_table
from core.text.i18n import STRINGS

APP = str(Path(__file__).parent.parent / "app.py")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_run_that_never_comes_near_a_minimum_has_a_missing_step_not_none():
    objective = OBJECTIVES["rosenbrock"]
    runs = [
        run(objective, oid, objective.start, 300, **OPTIMIZERS[oid].defaults_for(objective))
        for oid in ("sgd", "momentum")
    ]
    table = summary_table(objective, runs, ["SGD", "Momentum"])
    assert str(table["first_near"].dtype) == "Int64"
    assert table["first_near"].isna().tolist() == [True, False]  # SGD never gets there
    assert None not in table.to_numpy().tolist()[0]
    momentum = runs[1].frame
    near = np.hypot(momentum["x"] - 1, momentum["y"] - 1) <= arrival_radius(objective)
    assert table["first_near"][1] == momentum["t"][near].iloc[0]


def test_without_a_known_minimum_gap_and_distance_are_missing():
    saddle = OBJECTIVES["saddle"]
    assert saddle.f_min is None and not saddle.minima
    table = summary_table(saddle, [run(saddle, "sgd", (-1.8, 0.01), 10)], ["SGD"])
    assert table[["gap", "distance"]].isna().all(axis=None)
    assert table["first_near"].isna().all()


def test_a_run_with_no_iterate_gets_a_row_of_missing_values():
    objective = custom_objective("log(x)", ((-2.0, 2.0), (-2.0, 2.0)))
    empty = run(objective, "sgd", (0.0, 0.0), 10)
    assert empty.frame.empty
    table = summary_table(objective, [empty], ["SGD"])
    assert table[["final_x", "final_y", "final_loss", "distance"]].isna().all(axis=None)
    assert table["stop"][0] == "diverged at step 0"


@pytest.mark.parametrize(
    ("stop", "en", "zh"),
    [
        (Stop("completed", 301), "completed 300 steps", "跑完 300 步"),
        (Stop("diverged", 37, "loss", float("inf")), "diverged at step 37", "第 37 步发散"),
        (Stop("escaped", 25), "left the plot at step 25", "第 25 步出界"),
    ],
)
def test_short_stop_texts_in_both_languages(stop, en, zh):
    assert short_stop(stop) == en and short_stop(stop, "zh") == zh


def summary_of(lang: str, **params) -> tuple[pd.DataFrame, dict, str]:
    """The Playground's Summary as shown: its data, its column config and its placeholder."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    shown = at.dataframe[-1]
    return shown.value, json.loads(shown.proto.columns), shown.proto.placeholder


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_shows_a_dash_with_its_meaning_and_short_stop_texts(lang):
    table, columns, placeholder = summary_of(lang, fn="quadratic", hp_sgd_lr="0.021")
    assert placeholder == MISSING == "—"
    first_near = STRINGS["col_first_near"][lang]
    assert table[first_near].isna().any()  # SGD diverges: shown as "—"
    radius = f"{arrival_radius(OBJECTIVES['quadratic']):.3g}"
    assert radius in columns[first_near]["help"] and "—" in columns[first_near]["help"]
    stops = list(table[STRINGS["col_stop"][lang]])
    assert stops[0] == STRINGS["stop_short_escaped"][lang].format(step=25)
    assert all(len(stop) <= 26 for stop in stops), stops  # fits the column at 1280 px
    if lang == "zh":
        assert all(CJK.search(stop) for stop in stops)
        assert all(CJK.search(spec["help"]) for spec in columns.values() if "help" in spec)
