"""The glossary: one Chinese word for each English term the app teaches with.

The source tutorial is the Chinese chapter "2-2 自动微分机制" of eat_pytorch_in_20_days; where it
has a word for a concept (自变量, 叶子节点, 计算图, 求导 ...), the app uses that word, so a student
moving between the two reads the same Chinese. Terms it does not cover (the optimizers' vocabulary)
take the word a Chinese course on optimisation uses.

The glossary is data that tests read (tests/test_glossary.py): no Chinese string of the tables
uses a forbidden variant, and where an English string uses a term, its Chinese uses the term's
Chinese. The app itself does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    """One entry.

    Attributes:
        english: the English forms, matched as whole words (case-insensitive unless
            `case_sensitive`); a hyphen or a space inside a form matches either.
        chinese: the Chinese term a translation of any of those forms contains.
        tutorial: the source tutorial's own word.
        forbidden: Chinese variants no string may use (synonyms that would make two words for
            one thing, and wrong words).
        case_sensitive: match `english` as written (lowercase "momentum" is the concept;
            "Momentum" is the optimizer's name and stays a name).
        note: why this word, where the choice needs saying.
    """

    english: tuple[str, ...]
    chinese: str
    tutorial: bool = False
    forbidden: tuple[str, ...] = ()
    case_sensitive: bool = False
    note: str = ""


GLOSSARY: tuple[Term, ...] = (
    # ---- The tutorial's own words -------------------------------------------------------------
    Term(
        ("autograd", "automatic differentiation"),
        "自动微分",
        tutorial=True,
        forbidden=("自动求导",),
        note="The tutorial's chapter is 自动微分机制 (the autograd mechanism); the Autograd Lab "
        "page is 自动微分实验室. 求导 is the tutorial's verb for 'differentiate', not a name.",
    ),
    Term(("autograd mechanism",), "自动微分机制", tutorial=True),
    Term(("Autograd Lab",), "自动微分实验室", case_sensitive=True, note="The page's name."),
    Term(("differentiate", "differentiates", "differentiating"), "求导", tutorial=True),
    Term(("derivative", "derivatives"), "导数", tutorial=True),
    Term(("gradient", "gradients"), "梯度", tutorial=True),
    Term(("independent variable", "independent variables"), "自变量", tutorial=True),
    Term(("dependent variable", "dependent variables"), "因变量", tutorial=True),
    Term(
        ("leaf", "leaf node", "leaf tensor"),
        "叶子节点",
        tutorial=True,
        forbidden=("叶子张量", "叶节点"),
    ),
    Term(("computational graph", "computation graph", "graph"), "计算图", tutorial=True),
    Term(("backpropagation", "back-propagation", "backpropagate"), "反向传播", tutorial=True),
    Term(("tensor", "tensors"), "张量", tutorial=True),
    Term(("scalar", "scalars"), "标量", tutorial=True),
    Term(("chain rule",), "链式法则", tutorial=True),
    Term(("optimizer", "optimizers", "optimiser", "optimisers"), "优化器", tutorial=True),
    # ---- Optimisation ---------------------------------------------------------------------------
    Term(("learning rate", "learning rates"), "学习率", note="lr stays lr in code and maths."),
    Term(
        ("momentum",),
        "动量",
        case_sensitive=True,
        note="Momentum, capitalised, is the optimizer's name and stays a name.",
    ),
    Term(("loss", "losses"), "损失"),
    Term(("step size",), "步长", note="The length of a step, never 'remove' (去除)."),
    Term(("step", "steps"), "步", note="第 25 步, 步数; an optimizer-step is 优化器步."),
    Term(("iterate", "iterates", "iteration", "iterations"), "迭代", note="An iterate: 迭代点."),
    Term(
        ("diverge", "diverges", "diverged", "diverging", "divergence"),
        "发散",
        forbidden=("失控", "爆炸"),
    ),
    Term(("converge", "converges", "converged", "convergence"), "收敛"),
    Term(
        ("race", "races", "racing"),
        "竞速",
        forbidden=("比赛", "参赛"),
        note="Optimizers racing from one start; not a contest with a prize.",
    ),
    Term(("saddle", "saddle point", "saddles"), "鞍点"),
    Term(
        ("minimum", "minima"),
        "最小值",
        forbidden=("极小值", "极小点", "最低点"),
        note="Global minimum 全局最小值, local minimum 局部最小值: one word for both kinds.",
    ),
    Term(("local minimum", "local minima"), "局部最小值"),
    Term(("global minimum", "global minima"), "全局最小值"),
    Term(
        ("basin", "basins", "basin of attraction", "basins of attraction"),
        "吸引盆",
        forbidden=("盆地", "吸引域"),
    ),
    Term(("hyper-parameter", "hyper-parameters", "hyperparameter"), "超参数"),
    Term(
        ("schedule", "schedules"),
        "学习率调度",
        note="A learning-rate schedule (torch.optim.lr_scheduler).",
    ),
    Term(
        ("zig-zag", "zig-zags", "oscillate", "oscillates"),
        "振荡",
        forbidden=("震荡",),
        note="振荡 is oscillation; 震荡 is a shock.",
    ),
    Term(("weight decay",), "权重衰减"),
    Term(("update", "updates"), "更新"),
    Term(("Hessian",), "Hessian", forbidden=("海森", "黑塞"), note="Kept as the name."),
    Term(("eigenvalue", "eigenvalues"), "特征值"),
    Term(("condition number",), "条件数"),
    Term(("ravine", "valley"), "谷", note="A ravine is 峡谷; its floor 谷底."),
    Term(("elementwise",), "逐元素"),
    Term(("param group", "param groups"), "参数组"),
    Term(("line search", "line searches"), "线搜索"),
    Term(("sweep", "swept"), "扫描"),
    Term(("batch", "batched"), "批"),
    Term(("tolerance",), "容差"),
    Term(("box", "plot box"), "范围", forbidden=("绘图区域",), note="The plotted box: 绘图范围."),
    Term(("first moment",), "一阶矩"),
    Term(("second moment",), "二阶矩"),
    Term(("running mean",), "滑动平均"),
    Term(("bias correction",), "偏差修正"),
    Term(("effective learning rate",), "有效学习率"),
)
"""Every term, the tutorial's first."""
