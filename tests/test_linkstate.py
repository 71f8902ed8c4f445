"""URL fields: valid values round-trip exactly, hostile ones are refused with a reason."""

import math

import pytest

from core.settings.linkstate import Field, decode, encode, full_link, tidy_coordinate

FIELDS = [
    Field("steps", "int", 1, 5000),
    Field("lr", "float", 1e-6, 100.0),
    Field("fn", "choice", choices=("rosenbrock", "himmelblau")),
    Field("opts", "choices", choices=("sgd", "adam", "rmsprop")),
    Field("project", "bool"),
    Field("formula", "text", max_length=300),
    Field("grid", "int", allowed=(20, 40, 80)),
    Field("range", "pair", 1e-6, 100.0, allowed=(1e-4, 1e-3, 0.01, 1.0)),
]


def test_values_round_trip_exactly():
    values = {"steps": 123, "lr": 0.1 + 0.2, "fn": "himmelblau", "opts": ["adam", "sgd"],
              "project": True, "formula": "x^2 + sin(y)", "grid": 40,
              "range": (1e-4, 1.0)}  # fmt: skip
    params = encode(FIELDS, values, defaults={})
    decoded, refused = decode(FIELDS, params)
    assert decoded == values and not refused
    assert decoded["lr"] == 0.1 + 0.2  # repr keeps every bit of a float


def test_defaults_are_left_out_of_the_link():
    assert encode(FIELDS, {"steps": 300, "fn": "himmelblau"}, {"steps": 300}) == {
        "fn": "himmelblau"
    }


HOSTILE = [
    ("steps", "nan"), ("steps", "inf"), ("steps", "1e400"), ("steps", "-5"), ("steps", "2.5"),
    ("steps", "99999999999999999999"), ("steps", ""), ("steps", "1" * 10_000),
    ("lr", "NaN"), ("lr", "-inf"), ("lr", "1e400"), ("lr", "0"), ("lr", "0x10"), ("lr", "1e-7"),
    ("fn", "__import__('os')"), ("fn", "<script>alert(1)</script>"), ("fn", "Rosenbrock"),
    ("fn", "rosenbrock\x00"), ("opts", "sgd,evil"), ("opts", "sgd,sgd"), ("project", "yes"),
    ("project", "1"), ("formula", "x" * 301), ("formula", "y" * 10_000), ("grid", "30"),
    ("grid", "nan"), ("range", "0.001"), ("range", "0.001,0.01,1"), ("range", "0.002,1"),
    ("range", "nan,1"), ("range", "1e-4,1e400"), ("range", ","), ("range", "0.001;0.01"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "raw"), HOSTILE)
def test_hostile_values_are_refused_with_a_reason(key, raw):
    values, refused = decode(FIELDS, {key: raw})
    assert values == {}
    assert len(refused) == 1 and refused[0][0] == key and refused[0][1]


def test_unknown_parameters_are_ignored():
    values, refused = decode(FIELDS, {"evil": "1", "embed": "true"})
    assert values == {} and refused == []


def test_repeated_parameters_take_the_last_and_lists_join():
    values, _ = decode(FIELDS, {"steps": ["5", "7"], "opts": ["sgd", "adam"]})
    assert values == {"steps": 7, "opts": ["sgd", "adam"]}


def test_numbers_accept_what_floats_print():
    values, _ = decode(FIELDS, {"lr": repr(math.pi / 100)})
    assert values["lr"] == math.pi / 100


@pytest.mark.parametrize(
    ("value", "span", "tidy"),
    [
        (1.600000023841858, 4.0, 1.6),  # a float32 grid point clicked on Rosenbrock's map
        (-1.2345678, 8.0, -1.235),
        (431.99999237060547, 1024.0, 432.0),  # Eggholder's box: whole numbers
        (0.0123456, 0.05, 0.01235),  # a zoomed box keeps its digits
        (2.4000000000000004, 8.0, 2.4),
    ],
)
def test_a_coordinate_is_tidied_to_a_thousandth_of_its_box(value, span, tidy):
    assert tidy_coordinate(value, span) == tidy
    assert repr(tidy_coordinate(value, span)) == repr(tidy)  # what the link shows


@pytest.mark.parametrize(
    ("page_url", "link"),
    [
        ("http://127.0.0.1:8501/lessons", "http://127.0.0.1:8501/?fn=quadratic&steps=60"),
        (
            "https://class.example.org/app/lessons/",
            "https://class.example.org/app/?fn=quadratic&steps=60",
        ),
        ("http://localhost:8501/", "http://localhost:8501/?fn=quadratic&steps=60"),
        (None, "/?fn=quadratic&steps=60"),  # no browser, no address: a relative link
    ],
)
def test_a_shared_link_is_a_full_address_of_the_playground(page_url, link):
    assert full_link(page_url, "lessons", {"fn": "quadratic", "steps": "60"}) == link


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        (Field("n", "int", 1, 10), [1, 10], [0, 11, 2.5, True, "3", None]),
        (Field("x", "float", -1.0, 1.0), [0.5, -1.0, 1], [2.0, float("nan"), "0.5", [0.5]]),
        (Field("c", "choice", choices=("a", "b")), ["a"], ["c", 1, None]),
        (
            Field("cs", "choices", choices=("a", "b")),
            [["a"], ["a", "b"]],
            [["a", "a"], ["z"], "ab"],
        ),
        (Field("b", "bool"), [True, False], [1, "true", None]),
        (
            Field("r", "pair", allowed=(0.1, 1.0, 10.0)),
            [(0.1, 1.0), [1.0, 10.0]],
            [(0.2, 1.0), (1.0,)],
        ),
        (Field("g", "int", allowed=(20, 40)), [20], [30]),
        (Field("t", "text", max_length=3), ["abc"], ["abcd", 3]),
    ],
)
def test_a_session_value_is_accepted_by_the_same_rule_as_a_link(field, good, bad):
    assert all(field.accepts(value) for value in good), good
    assert not any(field.accepts(value) for value in bad), [v for v in bad if field.accepts(v)]
