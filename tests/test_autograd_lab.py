"""The Autograd Lab: the tutorial's printed numbers, the shown code against what it prints, bad
inputs, torch's own error messages, and the page rendered by AppTest."""

import contextlib
import io
import json
import math
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
import torch  # imported before any AppTest script runs (see tests/conftest.py)
from streamlit.testing.v1 import AppTest

from core.figures import lab as figures
from core.optim.optimizers import OPTIMIZERS
from core.problems.parabola import PLOT_POINTS
from core.text.refusal import Refusal
from core.text.tables import table
from core.tutorials import autograd_lab as lab
from core.tutorials import lab_training
from core.tutorials.lab_inputs import LAB_OPTIMIZERS

LAB_TEXT = table("lab")
PAGE = "../app_pages/autograd_lab.py"


# ---------------------------------------------------------------------------------------------
# The tutorial's numbers, as torch prints them


def test_scalar_backward_gives_the_tutorial_gradient():
    result = lab.scalar_backward()  # f = x^2 - 2x + 1 at x = 0
    assert result.grad_repr == "tensor(-2.)"
    assert result.grad == -2.0
    assert result.f_repr == "tensor(1., grad_fn=<AddBackward0>)"


def test_nonscalar_backward_gives_the_tutorial_matrix():
    result = lab.nonscalar_backward()  # x = [[0, 0], [1, 2]], gradient = ones
    assert result.grad_repr == "tensor([[-2., -2.],\n        [ 0.,  2.]])"
    assert result.grad == [[-2.0, -2.0], [0.0, 2.0]]
    assert result.shape == (2, 2)


def test_higher_order_gives_the_tutorial_derivatives():
    result = lab.higher_order()
    assert result.first_repr == "tensor(-2., grad_fn=<AddBackward0>)"
    assert result.second_repr == "tensor(2.)"
    assert (result.first, result.second) == (-2.0, 2.0)


def test_several_inputs_give_the_tutorial_gradients():
    result = lab.several_inputs()  # x1 = 1, x2 = 2
    assert result.grad_y1 == "tensor(2.) tensor(1.)"
    assert result.grad_both == "tensor(3.) tensor(2.)"
    assert result.grad_sum == "(tensor(3.), tensor(2.))"  # the gradient of y1 + y2
    assert result.grad_y1_values == (2.0, 1.0)
    assert result.grad_both_values == (3.0, 2.0)
    assert result.retained == "tensor(4.) tensor(2.)"


def test_sgd_loop_gives_the_tutorial_result():
    result = lab.optimizer_loop()  # SGD, lr 0.01, 500 steps from 0
    assert result.x_repr == "tensor(1.0000)"
    assert result.f_repr == "tensor(0.)"
    assert result.f == 0.0  # float32 rounds a x^2 + b x + c to exactly 0 here...
    assert 0 < result.f_float64 < 1e-8  # ...while the float64 value at the same x is not 0
    assert result.x == pytest.approx(1.0, abs=1e-4)
    assert len(result.path) == 501
    assert not result.diverged and not result.notes and not result.runaway
    assert result.cells[0].output == "y= tensor(0.) ; x= tensor(1.0000)"


def test_the_loop_matches_a_hand_written_tutorial_loop():
    x = torch.tensor(0.0, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=0.01)
    for _ in range(500):
        optimizer.zero_grad()
        y = x**2 - 2 * x + 1
        y.backward()
        optimizer.step()
    assert lab.optimizer_loop().x == x.item()


# ---------------------------------------------------------------------------------------------
# The tutorial as it reads: its spellings and its print lines, printed as it prints them

# The print lines of the tutorial's cells, and the line each prints with the default inputs.
TUTORIAL_LINES = {
    "print(dy_dx)": "tensor(-2.)",  # part 1: backward() on a scalar
    "print(dy_dx.data)": "tensor(-2.)",  # part 2: torch.autograd.grad
    "print(dy2_dx2.data)": "tensor(2.)",
    "print(dy1_dx1,dy1_dx2)": "tensor(2.) tensor(1.)",
    "print(dy12_dx1,dy12_dx2)": "tensor(3.) tensor(2.)",
    'print("y=",f(x).data,";","x=",x.data)': "y= tensor(0.) ; x= tensor(1.0000)",  # part 3
}


def _tutorial_cells(lang="en"):
    """The first cell of every section that shows the tutorial's code, with the default inputs."""
    sections = (lab.scalar_backward, lab.higher_order, lab.several_inputs, lab.optimizer_loop)
    return [fn(lang=lang).cells[0] for fn in sections]


@pytest.mark.parametrize(("statement", "line"), list(TUTORIAL_LINES.items()))
def test_the_tutorials_print_lines_print_as_the_tutorial_prints_them(statement, line):
    (cell,) = [cell for cell in _tutorial_cells() if statement in cell.code.splitlines()]
    printed = [code for code in cell.code.splitlines() if code.startswith("print(")]
    assert cell.output.splitlines()[printed.index(statement)] == line


@pytest.mark.parametrize(
    "spelling",
    [
        "y = a*torch.pow(x,2) + b*x + c",
        "y.backward(gradient = gradient)",
        "z = torch.sum(y*gradient)",
        "dy_dx = torch.autograd.grad(y,x,create_graph=True)[0]",
        "dy2_dx2 = torch.autograd.grad(dy_dx,x)[0]",
        "(dy1_dx1,dy1_dx2) = torch.autograd.grad(outputs=y1,inputs = [x1,x2],retain_graph = True)",
        "(dy12_dx1,dy12_dx2) = torch.autograd.grad(outputs=[y1,y2],inputs = [x1,x2])",
        "optimizer = torch.optim.SGD(params=[x],lr = 0.01)",
        "    result = a*torch.pow(x,2) + b*x + c",
        "x = torch.tensor(0.0,requires_grad = True) # x需要被求导",
        "a = torch.tensor(1.0)",
    ],
)
def test_the_chinese_page_shows_the_tutorials_own_lines(spelling):
    sections = (lab.scalar_backward, lab.nonscalar_backward, lab.higher_order, lab.optimizer_loop)
    codes = [cell.code for fn in (*sections, lab.several_inputs) for cell in fn(lang="zh").cells]
    assert any(spelling in code.splitlines() for code in codes), spelling


def _same_iterates(one, other):
    """Equal paths, NaN equal to NaN (a diverged run's x is NaN in both)."""
    return len(one) == len(other) and all(
        u == v or (math.isnan(u) and math.isnan(v)) for u, v in zip(one, other, strict=True)
    )


@pytest.mark.parametrize("oid", ["sgd", "momentum", "adam", "lbfgs"])
def test_model_parameters_feed_the_same_loop(oid):
    """torch.optim.XXX(model.parameters(), lr=learning_rate) over a model holding x, whose
    forward is f, moves x exactly as the tutorial's loop over [x] does."""
    result = lab.optimizer_loop(optimizer=oid, lr=0.05, steps=30, x0=-1.5)
    assert _same_iterates(result.model_path, result.path) and len(result.path) == 31

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.x = torch.nn.Parameter(torch.tensor(-1.5))

        def forward(self):
            return self.x**2 - 2 * self.x + 1

    model = Model()
    spec = OPTIMIZERS[oid]
    optimizer = spec.cls(model.parameters(), **spec.torch_kwargs(lr=0.05))
    path = [model.x.item()]

    def closure():
        optimizer.zero_grad()
        y = model()
        y.backward()
        return y

    for _ in range(30):
        optimizer.step(closure)
        path.append(model.x.item())
    assert path == list(result.model_path)
    tutorial, model_cell, _ = result.cells
    assert model_cell.output == tutorial.output  # the closing line, the same


def test_a_diverged_model_loop_diverges_alike():
    result = lab.optimizer_loop(lr=2.0, steps=200)
    assert result.diverged and math.isnan(result.path[-1])
    assert _same_iterates(result.model_path, result.path)


def test_autograd_grad_leaves_grad_alone_while_backward_adds_up():
    result = lab.accumulation()
    adds_up, leaves_grad = result.cells[:2]
    assert adds_up.output.splitlines() == ["tensor(-2.)", "tensor(-4.)"]
    assert leaves_grad.output.splitlines() == ["tensor(-2.) None", "tensor(-2.) None"]
    assert result.grad_left_alone == "None"
    # What the cell shows, by hand: autograd.grad twice, .grad untouched; backward() twice, summed.
    x = torch.tensor(0.0, requires_grad=True)
    y = x**2 - 2 * x + 1
    torch.autograd.grad(y, x, retain_graph=True)
    torch.autograd.grad(y, x, retain_graph=True)
    assert x.grad is None
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 2 * result.grad_once_value


WORD = re.compile(r"[A-Za-z]{2,}")  # a comment with no word of two letters is math, f(x) = a*x**2


def _comments(code):
    return [tok.string for tok in _tokens(code) if tok.type == tokenize.COMMENT]


def _tokens(code):
    return list(tokenize.generate_tokens(io.StringIO(code).readline))


def _code_alone(code):
    """The code without its comments (and the blank lines they leave), token by token."""
    ignored = {tokenize.COMMENT, tokenize.NL}
    return [(tok.type, tok.string) for tok in _tokens(code) if tok.type not in ignored]


def test_the_check_on_code_without_comments_sees_a_change_of_code():
    assert _code_alone("x = 1  # one\n# two\n") == _code_alone("x = 1  # 一\n# 二\n")
    assert _code_alone("x = 1\n") != _code_alone("x = 2\n")
    assert _comments("x = 1  # one\ny = '# not a comment'\n") == ["# one"]


# ---------------------------------------------------------------------------------------------
# The code shown prints what the page shows


def _printed(cells):
    """Execute each cell's code in one namespace and collect what each cell prints.

    Only the tests execute generated code; the app never does.
    """
    namespace = {}
    outputs = []
    for cell in cells:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(cell.code, namespace)
        outputs.append(buffer.getvalue().rstrip("\n"))
    return outputs


def _mask(text):
    return re.sub(r"0x[0-9a-fA-F]+", "0x…", text)  # grad_fn objects print their address


HUGE_LBFGS = {"optimizer": "lbfgs", "a": 1e6, "b": 1e6, "c": 0, "x0": 1e6, "lr": 1e-6}

SECTIONS = [
    (lab.tensor_basics, {}),
    (lab.tensor_basics, {"values": "2.5", "operation": "x.exp()"}),
    (lab.tensor_basics, {"values": "[[1, -2], [3e-3, 4]]", "operation": "x.sum()"}),
    (lab.scalar_backward, {}),
    (lab.scalar_backward, {"a": -0.5, "b": 3.25, "c": 7, "x": 1.1}),
    (lab.nonscalar_backward, {}),
    (lab.nonscalar_backward, {"a": 2.5, "x": "[1, 2, 3.5]", "weights": "[0.1, -2, 3]"}),
    (lab.higher_order, {}),
    (lab.higher_order, {"a": 0, "b": 3, "x": -1.5, "lo": -1, "hi": 1}),
    (lab.several_inputs, {}),
    (lab.several_inputs, {"x1": -0.3, "x2": 7.25}),
    (lab.accumulation, {}),
    (lab.accumulation, {"a": 3, "b": 1, "x0": 2, "lr": 0.05, "steps": 37}),
    (lab.optimizer_loop, {}),
    (lab.optimizer_loop, {"a": 1, "lr": 2.0, "steps": 200}),  # diverges: prints nan
    (lab.optimizer_loop, {"a": -1, "steps": 30}),
    # L-BFGS turns NaN at step 2; the steps after it are filled in, not run: the same output.
    (lab.optimizer_loop, {**HUGE_LBFGS, "steps": 40}),
]


@pytest.mark.parametrize(("fn", "kwargs"), SECTIONS, ids=lambda v: getattr(v, "__name__", None))
def test_shown_code_prints_the_shown_output(fn, kwargs):
    cells = fn(**kwargs).cells
    assert cells
    assert [_mask(out) for out in _printed(cells)] == [_mask(cell.output) for cell in cells]


@pytest.mark.parametrize("oid", list(LAB_OPTIMIZERS))
def test_every_optimizer_runs_the_code_it_shows(oid):
    result = lab.optimizer_loop(optimizer=oid, lr=0.05, steps=20)
    assert result.name == OPTIMIZERS[oid].name
    name = OPTIMIZERS[oid].cls.__name__
    assert f"torch.optim.{name}(params=[x],lr = 0.05" in result.cells[0].code
    assert f"torch.optim.{name}(model.parameters(), lr=learning_rate" in result.cells[1].code
    assert _printed(result.cells) == [cell.output for cell in result.cells]
    assert len(result.path) == 21
    assert _same_iterates(result.model_path, result.path)


def test_optimizer_code_writes_the_registry_settings_that_differ_from_torch():
    tutorial, model, _ = lab.optimizer_loop(optimizer="nesterov", steps=1).cells
    assert "torch.optim.SGD(params=[x],lr = 0.01,momentum = 0.9,nesterov = True)\n" in tutorial.code
    assert "learning_rate = 0.01\n" in model.code
    assert (
        "torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9, nesterov=True)\n"
        in model.code
    )
    code = lab.optimizer_loop(optimizer="sgd", steps=1).cells[0].code
    assert "torch.optim.SGD(params=[x],lr = 0.01)\n" in code  # weight_decay=0.0 is torch's default


def test_operations_table_matches_its_code():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    for code, op in lab.OPERATIONS.items():
        expected = eval(code, {"torch": torch, "x": x})  # fixed table text, not user input
        assert torch.equal(op(x), expected), code


# ---------------------------------------------------------------------------------------------
# What the sections teach


@pytest.mark.parametrize(
    ("x", "weights"),
    [
        ("[[0, 0], [1, 2]]", "[[1, 1], [1, 1]]"),
        ("[[0, 0], [1, 2]]", "[[0.5, -3], [2, 0.1]]"),
        ("[1.5, -2.25, 3, 4]", "[1, 2, 3, 4]"),
        ("[[1, 2, 3], [4, 5, 6]]", "[[-1, 0, 1], [0.25, 1e3, -7]]"),
    ],
)
def test_nonscalar_backward_is_the_weighted_sum_backward(x, weights):
    a, b, c = 1.5, -2.0, 0.5
    result = lab.nonscalar_backward(a, b, c, x, weights)
    assert result.equal
    assert result.grad_repr == result.weighted_grad_repr
    # The Jacobian of an elementwise f is diagonal: w J = w * f'(x) (up to float32 rounding:
    # autograd multiplies the factors in another order).
    xt = torch.tensor(json.loads(x), dtype=torch.float64)
    wt = torch.tensor(json.loads(weights), dtype=torch.float64)
    expected = (wt * (2 * a * xt + b)).float()
    torch.testing.assert_close(torch.tensor(result.grad), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("a", "b", "x"), [(1.0, -2.0, 0.0), (0.5, 3.0, -1.25), (-2.0, 0.0, 4.0)])
def test_a_second_backward_doubles_the_gradient(a, b, x):
    result = lab.accumulation(a, b, 0.0, x, 0.01, 5)
    assert result.grad_twice_value == 2 * result.grad_once_value
    assert result.grad_once_value == 2 * a * x + b


def test_without_zero_grad_the_loop_misses_the_minimum():
    result = lab.accumulation()  # SGD, lr 0.01, 200 steps on (x - 1)^2 from 0
    assert result.minimum == 1.0
    assert abs(result.with_zero[-1] - 1) < 0.02
    assert abs(result.without_zero[-1] - 1) > 0.5  # swings between about 0 and 2
    assert max(result.without_zero) > 1.9  # overshoots far past the minimum
    assert result.with_zero_repr == "tensor(0.9824)"
    assert not result.notes


def test_second_derivative_with_a_zero_is_zero_not_an_error():
    result = lab.higher_order(a=0.0, b=3.0, c=1.0)
    assert (result.first, result.second) == (3.0, 0.0)


def test_plot_curves_are_autograd_derivatives():
    result = lab.higher_order(a=0.5, b=1.0, c=-1.0, lo=-3, hi=3)
    assert len(result.grid) == PLOT_POINTS
    for x, df, d2f in zip(result.grid, result.df, result.d2f, strict=True):
        assert df == pytest.approx(2 * 0.5 * x + 1.0, abs=1e-5)
        assert d2f == 1.0


def test_tensor_basics_reports_leaf_and_computed_tensors():
    result = lab.tensor_basics("[1.0, 2.0, 3.0]", "x * 2")
    assert result.x_repr == "tensor([1., 2., 3.], requires_grad=True)"
    assert result.x_is_leaf and not result.y_is_leaf
    assert result.y_repr == "tensor([2., 4., 6.], grad_fn=<MulBackward0>)"
    assert result.y_grad_fn == "MulBackward0"
    assert lab.tensor_basics("1", "x.exp()").y_grad_fn == "ExpBackward0"
    assert lab.tensor_basics("[1, 2]", "x.sum()").y_grad_fn == "SumBackward0"


# ---------------------------------------------------------------------------------------------
# The caught errors are torch's own


def _torch_message(fn):
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


def test_caught_errors_are_torchs_real_messages():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    nonscalar = _torch_message(lambda: (x * 2).backward())
    assert lab.nonscalar_backward().error == nonscalar
    assert "grad can be implicitly created only for scalar outputs" in nonscalar

    def twice():
        y = x.prod()
        y.backward()
        y.backward()

    second = _torch_message(twice)
    assert lab.several_inputs().error == second
    assert second.startswith("Trying to backward through the graph a second time")

    integer = _torch_message(lambda: torch.tensor([1, 2], requires_grad=True))
    assert lab.tensor_basics().int_error == integer


# ---------------------------------------------------------------------------------------------
# Bad inputs raise ValueError with a message the page can show


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("[[0, 0], [1, 2]", "does not parse"),
        ("[[0, 0], [1, 2, 3]]", "not rectangular"),
        ("[[1, 2], [3, 4]] + [1]", "does not parse"),
        ("__import__('os')", "only numbers"),
        ("[1, nan]", "only numbers"),
        ("[1j, 2]", "only numbers"),
        ("[1e999, 2]", "finite"),
        ("[1e7, 2]", "too large"),
        ("[" + "9" * 400 + ", 1]", "too large"),
        ("1, 2", "square brackets"),
        ("[]", "empty list"),
        ("[[[1, 2]], [[3, 4]]]", "more than 2 dimensions"),
        ("[" * 300 + "]" * 300, "does not parse"),
        ("[" + ", ".join(["1"] * 65) + "]", "at most 64"),
        ("[0] " * 400, "too long"),
        ("5", "list of numbers"),
        ("[5]", "at least 2"),
    ],
)
def test_bad_matrix_text_raises_a_clear_value_error(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        lab.nonscalar_backward(x=text)


@pytest.mark.parametrize(
    ("text", "lang", "shown"),
    [
        ("[1e300, 2]", "en", "every number in x = 1e+300 is too large"),
        ("[1.7e308, 2]", "en", "every number in x = 1.7e+308 is too large"),
        ("[1e300, 2]", "zh", "x 中的每个数 = 1e+300 太大了"),
        ("[" + "9" * 400 + ", 1]", "en", "a 400-digit number"),  # an int: counted in digits
    ],
)
def test_a_huge_float_is_shown_as_a_number_not_counted_in_digits(text, lang, shown):
    # 1e300 was called "a 6-digit number": the length of str(1e300), "1e+300".
    with pytest.raises(Refusal) as info:
        lab.parse_tensor_text(text)
    message = info.value.message(lang)
    assert shown in message and "6-digit" not in message and "6 位" not in message


def test_weights_must_match_the_shape_of_x():
    with pytest.raises(ValueError, match=r"shape of x \(2×2\), not 3"):
        lab.nonscalar_backward(weights="[1, 2, 3]")


def test_parse_reads_numbers_and_lists():
    assert lab.parse_tensor_text("[[0, 0], [1, 2]]") == ([[0.0, 0.0], [1.0, 2.0]], (2, 2))
    assert lab.parse_tensor_text(" -2.5 ") == (-2.5, ())
    assert lab.parse_tensor_text("[1e-3, +4]") == ([0.001, 4.0], (2,))
    values, _ = lab.parse_tensor_text("[1, 2]")
    assert all(type(v) is float for v in values)  # an int list would make an int64 tensor


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lab.scalar_backward(x=math.nan), "x must be a finite number"),
        (lambda: lab.scalar_backward(a=math.inf), "a must be a finite number"),
        (lambda: lab.scalar_backward(b=1e9), "b = 1e+09 is too large"),
        (lambda: lab.scalar_backward(c="1"), "c must be a number"),
        (lambda: lab.scalar_backward(x=True), "x must be a number"),
        (lambda: lab.higher_order(lo=2, hi=1), "from < to"),
        (lambda: lab.several_inputs(x2=-math.inf), "x2 must be a finite number"),
        (lambda: lab.optimizer_loop(steps=lab.MAX_STEPS + 1), "choose 1 to 10,000"),
        (lambda: lab.optimizer_loop(steps=0), "choose 1 to 10,000"),
        (lambda: lab.optimizer_loop(steps=2.5), "whole number"),
        (lambda: lab.optimizer_loop(lr=0.0), "learning rate"),
        (lambda: lab.optimizer_loop(lr=math.nan), "learning rate"),
        (lambda: lab.optimizer_loop(optimizer="magic"), "Unknown optimizer 'magic'"),
        (lambda: lab.accumulation(steps=10**6), "choose 1 to 10,000"),
        (lambda: lab.accumulation(lr=1e3), "learning rate"),
        (lambda: lab.tensor_basics(operation="x.__class__"), "Unknown operation"),
        (lambda: lab.tensor_basics(values="[1, 2"), "does not parse"),
    ],
)
def test_bad_inputs_raise_value_error(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# ---------------------------------------------------------------------------------------------
# Runs without a minimum and runs that diverge


def test_a_learning_rate_too_large_is_reported_not_raised():
    result = lab.optimizer_loop(a=1.0, lr=2.0, steps=500)
    assert result.diverged
    assert "ran away" in result.runaway and "lr < 1/a = 1" in result.runaway
    assert not math.isfinite(result.x)
    assert result.x_repr == "tensor(nan)"
    fig = figures.descent_figure(result)
    assert "NaN" not in fig.to_json() and "Infinity" not in fig.to_json()


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [(-1.0, 0.0, "no minimum"), (0.0, 1.0, "straight line"), (0.0, 0.0, "constant")],
)
def test_a_parabola_without_minimum_says_so(a, b, message):
    result = lab.optimizer_loop(a=a, b=b, steps=50)
    assert any(message in note for note in result.notes)
    assert result.minimum is None
    figures.descent_figure(result)  # still plots


def test_descent_animation_is_subsampled():
    fig = figures.descent_figure(lab.optimizer_loop(steps=1800))
    assert len(fig.frames) == figures.MAX_FRAMES
    assert fig.frames[0].name == "0" and fig.frames[-1].name == "1800"
    assert len(fig.layout.sliders[0].steps) == figures.MAX_FRAMES
    short = figures.descent_figure(lab.optimizer_loop(steps=10))
    assert [f.name for f in short.frames] == [str(t) for t in range(11)]


def test_figures_build():
    assert len(figures.tangent_figure(lab.scalar_backward()).data) == 3
    assert len(figures.derivatives_figure(lab.higher_order()).data) == 5
    assert len(figures.accumulation_figure(lab.accumulation()).data) == 2


@pytest.mark.parametrize(
    ("coefficients", "plain", "latex"),
    [
        ((1, -2, 1), "x² - 2x + 1", "x^2 - 2x + 1"),
        ((-1, 0, 0.5), "-x² + 0.5", "-x^2 + 0.5"),
        ((0, 0, 0), "0", "0"),
        ((2e6, -1, 0), "2e+06x² - x", r"2 \cdot 10^{6}x^2 - x"),
    ],
)
def test_formula(coefficients, plain, latex):
    assert lab.formula(*coefficients) == plain
    assert lab.formula(*coefficients, latex=True) == latex


def test_core_module_does_not_import_streamlit():
    code = (
        "import sys, core.tutorials.autograd_lab, core.figures.lab;"
        " sys.exit('streamlit' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


# ---------------------------------------------------------------------------------------------
# The page


def _page(at):
    """Everything the page shows as code or text, joined."""
    return "\n".join(element.value for element in [*at.code, *at.markdown, *at.latex])


@pytest.fixture
def page():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def test_page_shows_the_tutorial_numbers(page):
    outputs = [element.value for element in page.code if element.language == "text"]
    text = "\n".join(outputs)
    for expected in (
        "tensor(-2.)",
        "tensor([[-2., -2.],\n        [ 0.,  2.]])",
        "RuntimeError: grad can be implicitly created only for scalar outputs",
        "tensor(2.)",
        "RuntimeError: Trying to backward through the graph a second time",
    ):
        assert expected in text, expected
    lines = text.splitlines()
    for line in TUTORIAL_LINES.values():
        assert line in lines, line  # the tutorial's print lines, as whole lines
    assert not page.error
    assert len(page.get("plotly_chart")) == 4
    assert "x = torch.tensor(0.0,requires_grad = True)" in _page(page)


def test_page_recomputes_when_x_changes(page):
    page.number_input(key="lab_x").set_value(3).run()
    assert not page.exception
    scalar = [c.value for c in page.code if "y.backward()\ndy_dx = x.grad\nprint(dy_dx)" in c.value]
    assert scalar  # the code follows the input...
    assert "x = torch.tensor(3.0,requires_grad = True)" in scalar[0]
    outputs = [c.value for c in page.code if c.language == "text"]
    assert "tensor(4.)" in outputs  # ...and so does the result: 2·3 - 2


def test_page_coefficients_feed_the_sections(page):
    page.number_input(key="lab_a").set_value(2).run()
    assert not page.exception
    assert "a = torch.tensor(2.0)\nb = torch.tensor(-2.0)\nc = torch.tensor(1.0)" in _page(page)
    # f' = 4x - 2: x.grad at x = 0 stays -2, f'' becomes 4.
    lines = "\n".join(c.value for c in page.code if c.language == "text").splitlines()
    assert "tensor(4.)" in lines
    assert "2x^2 - 2x + 1" in _page(page)


def test_page_shows_bad_matrix_as_an_error(page):
    page.text_input(key="lab_matrix").input("[[0, 0], [1, 2").run()
    assert not page.exception
    assert any("does not parse" in e.value for e in page.error)
    assert "y= tensor(0.) ; x= tensor(1.0000)" in _page(page)  # the other sections still render


def test_page_shows_divergence_as_a_message(page):
    page.number_input(key="lab_lr").set_value(2.0).run()
    assert not page.exception
    assert any("ran away" in e.value for e in page.error)
    page.number_input(key="lab_a").set_value(-1.0).run()
    assert not page.exception
    assert any("no minimum" in w.value for w in page.warning)


def test_page_runs_another_optimizer(page):
    page.selectbox(key="lab_optimizer").set_value("adam").run()
    assert not page.exception
    assert "torch.optim.Adam(params=[x],lr = 0.01)" in _page(page)
    assert "torch.optim.Adam(model.parameters(), lr=learning_rate)" in _page(page)


# ---------------------------------------------------------------------------------------------
# Chinese: every word from the string tables, code and torch's output unchanged

CJK = re.compile(r"[\u4e00-\u9fff]")
SYMBOL = re.compile(r"[a-z]\d?")  # a, b, c, x, x1, x2: variable names read the same in both
MATH = re.compile(r"f'*\(x\)|x = \S+")  # legend names that are pure math: f(x), f''(x), x = 0


@pytest.mark.parametrize(("fn", "kwargs"), SECTIONS, ids=lambda v: getattr(v, "__name__", None))
def test_chinese_changes_the_captions_and_comments_only(fn, kwargs):
    en, zh = fn(**kwargs).cells, fn(**kwargs, lang="zh").cells
    assert [_code_alone(c.code) for c in zh] == [_code_alone(c.code) for c in en]
    assert [_mask(c.output) for c in zh] == [_mask(c.output) for c in en]
    for cell in zh:
        assert CJK.search(cell.caption), cell.caption
        for remark in _comments(cell.code):  # Chinese, or pure math such as f(x) = a*x**2
            assert CJK.search(remark) or not WORD.search(remark), remark
    for cell in en:
        assert not CJK.search(cell.caption), cell.caption
        assert not any(CJK.search(remark) for remark in _comments(cell.code)), cell.code


# ASCII punctuation against a Chinese character, or ASCII brackets around Chinese words.
ASCII_IN_CHINESE = re.compile(
    r"[\u4e00-\u9fff] ?[:;,!?]|[:;,!?] ?[\u4e00-\u9fff]|\([^)]*[\u4e00-\u9fff]"
)
# Terms the tutorial does not use for what it names: 自动微分机制 is the mechanism, 叶子节点
# the leaf, 发散 a run that runs away.
NOT_THE_TUTORIALS = ("自动求导", "叶子张量", "失控")


@pytest.mark.parametrize("key", sorted(LAB_TEXT))
def test_the_labs_chinese_is_punctuated_and_worded_as_the_tutorial_writes(key):
    zh = LAB_TEXT[key][1]
    assert not ASCII_IN_CHINESE.search(zh), zh
    assert not any(term in zh for term in NOT_THE_TUTORIALS), zh
    assert not CJK.search(LAB_TEXT[key][0]), LAB_TEXT[key][0]


def test_the_check_on_chinese_punctuation_sees_ascii_punctuation():
    for bad in ("x 太大了: 请", "梯度,然后", "见下一节(第 6 节)"):
        assert ASCII_IN_CHINESE.search(bad), bad
    assert not ASCII_IN_CHINESE.search("torch.autograd.grad(outputs, inputs) 直接返回梯度")


def test_chinese_captions_keep_their_numbers():
    assert "2·a·x + b = 4" in lab.scalar_backward(x=3, lang="zh").cells[0].caption
    assert "Adam" in lab.optimizer_loop(optimizer="adam", steps=5, lang="zh").cells[0].caption


@pytest.mark.parametrize(
    "call",
    [
        lambda: lab.nonscalar_backward(x="[[0, 0], [1, 2]"),
        lambda: lab.nonscalar_backward(x="[[0, 0], [1, 2, 3]]"),
        lambda: lab.nonscalar_backward(x="__import__('os')"),
        lambda: lab.nonscalar_backward(x="[1e7, 2]"),
        lambda: lab.nonscalar_backward(x="[" + "9" * 400 + ", 1]"),
        lambda: lab.nonscalar_backward(x=""),
        lambda: lab.nonscalar_backward(x="1, 2"),
        lambda: lab.nonscalar_backward(x="[]"),
        lambda: lab.nonscalar_backward(x="[[[1, 2]], [[3, 4]]]"),
        lambda: lab.nonscalar_backward(x="[0] " * 400),
        lambda: lab.nonscalar_backward(x="5"),
        lambda: lab.nonscalar_backward(x="[5]"),
        lambda: lab.nonscalar_backward(x="[" + ", ".join(["1"] * 65) + "]"),
        lambda: lab.nonscalar_backward(weights="[1, 2, 3]"),
        lambda: lab.nonscalar_backward(weights="[1, 2"),
        lambda: lab.scalar_backward(x=math.nan),
        lambda: lab.scalar_backward(b=1e9),
        lambda: lab.scalar_backward(c="1"),
        lambda: lab.higher_order(lo=2, hi=1),
        lambda: lab.higher_order(lo=math.inf),
        lambda: lab.several_inputs(x2=-math.inf),
        lambda: lab.optimizer_loop(steps=0),
        lambda: lab.optimizer_loop(steps=2.5),
        lambda: lab.optimizer_loop(lr=0.0),
        lambda: lab.optimizer_loop(lr=math.nan),
        lambda: lab.optimizer_loop(lr="fast"),
        lambda: lab.optimizer_loop(x0=math.inf),
        lambda: lab.optimizer_loop(optimizer="magic"),
        lambda: lab.accumulation(steps=10**6),
        lambda: lab.accumulation(lr=1e3),
        lambda: lab.tensor_basics(operation="x.__class__"),
        lambda: lab.tensor_basics(values="[1, 2"),
        lambda: lab.tensor_basics(values="[1, [2]]"),
        lambda: lab.tensor_basics(values="(1, 2)"),
    ],
)
def test_bad_input_messages_are_translated(call):
    with pytest.raises(Refusal) as info:
        call()
    en, zh = info.value.message("en"), info.value.message("zh")
    assert str(info.value) == en  # logs and tracebacks read English
    assert not CJK.search(en), en
    assert CJK.search(zh), zh


def _said(call, lang):
    with pytest.raises(Refusal) as info:
        call()
    return info.value.message(lang)


@pytest.mark.parametrize(
    ("call", "en", "zh"),
    [
        (
            lambda: lab.nonscalar_backward(x="[[0, 0], [1, 2]"),
            "x does not parse: write numbers in square brackets, e.g. [[0, 0], [1, 2]]",
            "无法解析 x，请把数字写在方括号中，例如 [[0, 0], [1, 2]]",
        ),
        (
            lambda: lab.nonscalar_backward(weights="[1, 2, 3]"),
            "the `gradient` weights must have the shape of x (2×2), not 3",
            "`gradient` 参数的形状必须与 x 相同（2×2），而不是 3",
        ),
        # A Chinese name fills a placeholder written for x: no space is left before the Chinese.
        (
            lambda: lab.nonscalar_backward(weights="7"),
            "the `gradient` weights must be a list of numbers, e.g. [[0, 0], [1, 2]]",
            "`gradient` 参数必须是数字列表，例如 [[0, 0], [1, 2]]",
        ),
        (
            lambda: lab.higher_order(lo=1e7),
            "from = 1e+07 is too large: keep |from| ≤ 1e+06",
            "绘图起点 = 1e+07 太大了，请保证 |绘图起点| ≤ 1e+06",
        ),
        (
            lambda: lab.scalar_backward(x=math.nan),
            "x must be a finite number, not nan",
            "x 必须是有限的数，不能是 nan",
        ),
        (
            lambda: lab.optimizer_loop(steps=0),
            "steps = 0 is out of range: choose 1 to 10,000",
            "迭代步数 0 超出范围，应在 1 到 10,000 之间",
        ),
        (
            lambda: lab.accumulation(x0=math.nan),
            "start x must be a finite number, not nan",
            "x 的初始值必须是有限的数，不能是 nan",
        ),
        (
            lambda: lab.tensor_basics(values="[1e400, 2]"),
            "every number in x must be a finite number, not inf",
            "x 中的每个数必须是有限的数，不能是 inf",
        ),
    ],
)
def test_a_refusal_is_said_in_either_language(call, en, zh):
    assert (_said(call, "en"), _said(call, "zh")) == (en, zh)


def test_notes_and_runaway_are_translated():
    run = lab.optimizer_loop(a=1.0, lr=2.0, steps=500, lang="zh")
    assert CJK.search(run.runaway) and "lr < 1/a = 1" in run.runaway
    assert "  " not in run.runaway  # Chinese sentences are joined without spaces
    english = lab.optimizer_loop(a=1.0, lr=2.0, steps=500)
    assert english.runaway.count(". ") >= 2  # English sentences keep theirs
    for a, b in ((-1.0, 0.0), (0.0, 1.0), (0.0, 0.0)):
        notes = lab.optimizer_loop(a=a, b=b, steps=50, lang="zh").notes
        assert notes and all(CJK.search(note) for note in notes)
    acc = lab.accumulation(lr=50.0, steps=100, lang="zh")
    assert acc.notes and all(CJK.search(note) for note in acc.notes)
    assert any(note.startswith("不调用 zero_grad() 时，x 发散了") for note in acc.notes)


def _figure_words(fig):
    """Title, axis titles, legend names, marker labels, annotations and buttons of a figure."""
    spec = json.loads(fig.to_json())
    layout = spec["layout"]
    words = [layout["title"]["text"]]
    words += [layout[axis]["title"]["text"] for axis in ("xaxis", "yaxis")]
    words += [trace["name"] for trace in spec["data"]]
    words += [label for trace in spec["data"] for label in trace.get("text", [])]
    words += [note["text"] for note in layout.get("annotations", [])]
    words += [b["label"] for menu in layout.get("updatemenus", []) for b in menu["buttons"]]
    return words


@pytest.mark.parametrize(
    "build",
    [
        lambda lang: figures.tangent_figure(lab.scalar_backward(), lang),
        lambda lang: figures.derivatives_figure(lab.higher_order(), lang),
        lambda lang: figures.accumulation_figure(lab.accumulation(), lang),
        lambda lang: figures.descent_figure(lab.optimizer_loop(steps=20), lang),
    ],
)
def test_figures_speak_chinese(build):
    words = _figure_words(build("zh"))
    assert CJK.search(words[0]), words[0]  # the title
    for word in words[1:]:
        assert CJK.search(word) or SYMBOL.fullmatch(word) or MATH.fullmatch(word), word
    assert not any(CJK.search(word) for word in _figure_words(build("en")))


def _prose(at):
    """The page's words that are prose: headings, text, captions, labels, messages."""
    shown = [*at.title, *at.header, *at.subheader, *at.caption, *at.markdown]
    shown += [*at.error, *at.warning, *at.info, *at.success]
    texts = [element.value for element in shown]
    widgets = [*at.text_input, *at.number_input, *at.selectbox, *at.button]
    labels = [w.label for w in widgets if not SYMBOL.fullmatch(w.label)]
    return texts, labels


def _chinese_page():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    return at


def test_page_in_chinese_has_chinese_in_every_word(page):
    at = _chinese_page()
    texts, labels = _prose(at)
    assert len(texts) > 30 and len(labels) >= 8
    for shown in [*texts, *labels]:
        assert CJK.search(shown), shown
    english = [shown for words in _prose(page) for shown in words]
    assert not any(CJK.search(shown) for shown in english)
    # Nothing is left as it reads in English.
    assert not set(texts + labels) & set(english)
    # The numbers and the code are the same in both languages; only the comments differ.
    assert [_code_alone(c.value) for c in at.code if c.language == "python"] == [
        _code_alone(c.value) for c in page.code if c.language == "python"
    ]
    outputs = [[_mask(c.value) for c in app.code if c.language == "text"] for app in (at, page)]
    assert outputs[0] == outputs[1]
    assert at.title[0].value == "自动微分实验室"
    for spec in (json.loads(chart.proto.spec) for chart in at.get("plotly_chart")):
        assert CJK.search(spec["layout"]["title"]["text"])


def test_page_in_chinese_shows_errors_in_chinese():
    at = _chinese_page()
    at.text_input(key="lab_matrix").input("[[0, 0], [1, 2").run()
    assert not at.exception
    assert any("无法解析 x" in e.value for e in at.error)
    assert all(CJK.search(e.value) for e in at.error)
    at.number_input(key="lab_lr").set_value(2.0).run()
    assert any("发散" in e.value for e in at.error)
    at.number_input(key="lab_a").set_value(-1.0).run()
    assert at.warning and all(CJK.search(w.value) for w in at.warning)
    assert any("没有最小值" in w.value for w in at.warning)


def test_a_link_sets_the_labs_inputs_and_bad_values_fall_back():
    at = AppTest.from_file("../app_pages/autograd_lab.py", default_timeout=30)
    at.query_params["lab_x"] = "3"
    at.query_params["lab_optimizer"] = "adam"
    at.query_params["lab_steps"] = "1e400"
    at.run()
    assert not at.exception
    assert at.number_input(key="lab_x").value == 3.0
    assert at.selectbox(key="lab_optimizer").value == "adam"
    assert at.number_input(key="lab_steps").value == 500
    assert any("'lab_steps'" in w.value for w in at.warning)  # the refused value is announced
    assert any("tensor(4.)" in c.value for c in at.code)  # f'(3) = 2 * 3 - 2
    assert at.query_params["lab_x"] == "3.0" and "lab_steps" not in at.query_params


def test_a_run_that_turns_nan_stops_computing(monkeypatch):
    """NaN is absorbing (every update adds to x), so the Lab stops running a loop once x is NaN:
    a diverged L-BFGS once ran a full line search on every one of thousands of NaN steps."""
    evaluations = []
    quadratic = lab_training.quadratic
    monkeypatch.setattr(
        lab_training, "quadratic", lambda *a: evaluations.append(1) or quadratic(*a)
    )
    result = lab.optimizer_loop(**HUGE_LBFGS, steps=80)  # the most the work budget allows
    assert len(result.path) == 81 and math.isnan(result.path[2]) and math.isnan(result.path[-1])
    assert _same_iterates(result.model_path, result.path)
    assert "nan" in result.runaway
    # Two loops (over x and over the model), each 2 real steps of 25 evaluations at most, not 80.
    assert len(evaluations) < 2 * 2 * 25 + 10
