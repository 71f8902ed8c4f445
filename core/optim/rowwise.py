"""torch.optim's updates for R runs in one `[R, 2]` tensor, each row with its own settings.

A learning-rate sweep or a momentum map gives every run its own learning rate (and momentum).
torch.optim takes one rate per param group and loops over the groups in Python, and a tensor rate
must have one element. These rules apply the same update to all rows at once: the settings that
differ between rows are `[R, 1]` tensors, the shared ones the Python numbers torch would use.

Each rule replicates torch 2.13's single-tensor implementation (torch.optim's
`_single_tensor_<name>` functions, the ones torch runs on the CPU: foreach=False,
capturable=False), operation by operation and in the same order, so every row is bitwise the run
torch makes with that row's settings (tests/test_rowwise.py checks each optimizer against one
param group per row). Where torch passes a per-row setting as a Python scalar, the rule uses the
tensor operation that rounds the same way:

- torch casts a scalar argument to the tensor's dtype: settings are kept in float64 and cast
  with `.to(dtype)` where torch casts (round to nearest, like the kernels' static_cast);
- `x.add_(y, alpha=a)` is one fused multiply-add (the CPU kernel computes fma(y, a, x)):
  `x.addcmul_(y, a)` rounds the same, `x + a * y` would round twice;
- `x.addcdiv_(y, z, value=v)` computes x + (v * y) / z left to right: `x.addcdiv_(y * v, z)`;
- the Python arithmetic on a rate (`lr / bias_correction1`) is done in float64 tensors, whose
  +, -, * and / round exactly as Python floats do; ASGD's power runs in Python, as in torch.

Rows never mix: every operation is elementwise or broadcasts a row's own `[R, 1]` setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

import torch
from torch.optim.optimizer import _get_scalar_dtype  # the dtype of torch's per-step scalars

Tensor = torch.Tensor
Settings = Mapping[str, Any]


class RowStepper(Protocol):
    """A rule's state for one `[R, 2]` tensor of runs."""

    def step(self, param: Tensor, grad: Tensor) -> None:
        """Update every row of `param` in place from its gradient, as torch.optim would."""


class _Rows:
    """What every rule shares: torch's param group, the per-row settings and the step count.

    `rows` maps a setting to its float64 `[R, 1]` values; the other settings are read from
    `group`, the param group torch builds for the first row (every row shares them).
    """

    def __init__(self, group: Settings, rows: Mapping[str, Tensor], params: Tensor) -> None:
        self.group, self.rows = group, rows
        self.dtype = params.dtype
        self.lr = rows["lr"]
        self.step_count = 0.0  # torch's state["step"], read back as a Python float
        self.setup(params)

    def setup(self, params: Tensor) -> None:
        """Create the optimizer's state for `params` (none by default)."""

    def cast(self, values: Tensor) -> Tensor:
        """Per-row float64 values as the dtype torch casts a Python scalar argument to."""
        return values.to(self.dtype)

    def gradient(self, param: Tensor, grad: Tensor) -> Tensor:
        """The sign flip of `maximize` and the weight decay, as torch applies them: added to the
        gradient, or (AdamW's decoupled decay) taken off the parameter itself."""
        grad = grad if not self.group["maximize"] else -grad
        if self.group["weight_decay"] != 0:
            if self.group.get("decoupled_weight_decay"):
                self.decay_weights(param)
            else:
                grad = grad.add(param, alpha=self.group["weight_decay"])
        return grad

    def decay_weights(self, param: Tensor) -> None:
        """Decoupled weight decay (AdamW): param.mul_(1 - lr * weight_decay)."""
        param.mul_(self.cast(1 - self.lr * self.group["weight_decay"]))


class _SGD(_Rows):
    """torch.optim.SGD with a per-row rate and momentum (heavy ball or Nesterov).

    A row whose momentum is 0 takes plain gradient steps, as torch skips the buffer for such a
    group; its buffer is still updated here, but never read.
    """

    def setup(self, params: Tensor) -> None:
        self.neg_lr = self.cast(-self.lr)
        momentum = self.rows["momentum"]
        self.momentum = self.cast(momentum)
        self.heavy = momentum != 0
        self.every_row_heavy = bool(self.heavy.all())
        self.any_row_heavy = bool(self.heavy.any())
        self.buf: Tensor | None = None

    def step(self, param: Tensor, grad: Tensor) -> None:
        grad = self.gradient(param, grad)
        if self.any_row_heavy:
            if self.buf is None:
                self.buf = grad.detach().clone()
            else:
                self.buf.mul_(self.momentum).add_(grad, alpha=1 - self.group["dampening"])
            if self.group["nesterov"]:
                direction = torch.addcmul(grad, self.buf, self.momentum)
            else:
                direction = self.buf
            grad = direction if self.every_row_heavy else torch.where(self.heavy, direction, grad)
        param.addcmul_(grad, self.neg_lr)


class _FirstMoment(_Rows):
    """Optimizers that keep torch's running mean of the gradient, exp_avg (Adam's family)."""

    def setup(self, params: Tensor) -> None:
        self.exp_avg = torch.zeros_like(params)

    def advance(self, param: Tensor, grad: Tensor) -> Tensor:
        """What every step of the family begins with: count the step, apply maximize and the
        weight decay, and move the mean towards the gradient (returned)."""
        self.step_count += 1
        grad = self.gradient(param, grad)
        self.exp_avg.lerp_(grad, 1 - self.group["betas"][0])
        return grad


class _Moments(_FirstMoment):
    """... and its running mean of the squared gradient, exp_avg_sq (Adam, NAdam, RAdam)."""

    def setup(self, params: Tensor) -> None:
        super().setup(params)
        self.exp_avg_sq = torch.zeros_like(params)

    def advance(self, param: Tensor, grad: Tensor) -> Tensor:
        grad = super().advance(param, grad)
        beta2 = self.group["betas"][1]
        self.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        return grad

    def bias_corrections(self) -> tuple[float, float]:
        """1 − β₁ᵗ and 1 − β₂ᵗ at this step, as Python floats (as torch computes them)."""
        beta1, beta2 = self.group["betas"]
        return 1 - beta1**self.step_count, 1 - beta2**self.step_count


class _Adam(_Moments):
    """torch.optim.Adam, and AdamW (the same function with decoupled weight decay)."""

    def setup(self, params: Tensor) -> None:
        super().setup(params)
        self.max_exp_avg_sq = torch.zeros_like(params) if self.group["amsgrad"] else None

    def step(self, param: Tensor, grad: Tensor) -> None:
        self.advance(param, grad)
        bias_correction1, bias_correction2 = self.bias_corrections()
        step_size = self.lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        second = self.exp_avg_sq
        if self.max_exp_avg_sq is not None:
            torch.maximum(self.max_exp_avg_sq, self.exp_avg_sq, out=self.max_exp_avg_sq)
            second = self.max_exp_avg_sq
        denom = (second.sqrt() / bias_correction2_sqrt).add_(self.group["eps"])
        param.addcdiv_(self.exp_avg * self.cast(-step_size), denom)


class _RMSprop(_Rows):
    def setup(self, params: Tensor) -> None:
        self.neg_lr = self.cast(-self.lr)
        self.square_avg = torch.zeros_like(params)
        self.buf = torch.zeros_like(params) if self.group["momentum"] > 0 else None
        self.grad_avg = torch.zeros_like(params) if self.group["centered"] else None

    def step(self, param: Tensor, grad: Tensor) -> None:
        alpha = self.group["alpha"]
        self.step_count += 1
        grad = self.gradient(param, grad)
        self.square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if self.grad_avg is not None:
            self.grad_avg.lerp_(grad, 1 - alpha)
            avg = self.square_avg.addcmul(self.grad_avg, self.grad_avg, value=-1).sqrt_()
        else:
            avg = self.square_avg.sqrt()
        avg = avg.add_(self.group["eps"])
        if self.buf is not None:
            self.buf.mul_(self.group["momentum"]).addcdiv_(grad, avg)
            param.addcmul_(self.buf, self.neg_lr)
        else:
            param.addcdiv_(grad * self.neg_lr, avg)


class _Adagrad(_Rows):
    def setup(self, params: Tensor) -> None:
        # torch fills the sum from the optimizer's defaults, not the group's value.
        self.state_sum = torch.full_like(params, self.group["initial_accumulator_value"])

    def step(self, param: Tensor, grad: Tensor) -> None:
        self.step_count += 1
        step = self.step_count
        grad = self.gradient(param, grad)
        clr = self.lr / (1 + (step - 1) * self.group["lr_decay"])
        self.state_sum.addcmul_(grad, grad, value=1)
        std = self.state_sum.sqrt().add_(self.group["eps"])
        param.addcdiv_(grad * self.cast(-clr), std)


class _Adadelta(_Rows):
    def setup(self, params: Tensor) -> None:
        self.neg_lr = self.cast(-self.lr)
        self.square_avg = torch.zeros_like(params)
        self.acc_delta = torch.zeros_like(params)

    def step(self, param: Tensor, grad: Tensor) -> None:
        rho, eps = self.group["rho"], self.group["eps"]
        self.step_count += 1
        grad = self.gradient(param, grad)
        self.square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = self.square_avg.add(eps).sqrt_()
        delta = self.acc_delta.add(eps).sqrt_()
        delta.div_(std).mul_(grad)
        self.acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        param.addcmul_(delta, self.neg_lr)


class _Adamax(_FirstMoment):
    def setup(self, params: Tensor) -> None:
        super().setup(params)
        self.exp_inf = torch.zeros_like(params)

    def step(self, param: Tensor, grad: Tensor) -> None:
        beta1, beta2 = self.group["betas"]
        grad = self.advance(param, grad)
        torch.maximum(
            self.exp_inf.mul_(beta2), grad.abs().add_(self.group["eps"]), out=self.exp_inf
        )
        clr = self.lr / (1 - beta1**self.step_count)
        param.addcdiv_(self.exp_avg * self.cast(-clr), self.exp_inf)


class _NAdam(_Moments):
    def setup(self, params: Tensor) -> None:
        super().setup(params)
        self.mu_product = torch.tensor(1.0, dtype=_get_scalar_dtype())  # shared by every row

    def step(self, param: Tensor, grad: Tensor) -> None:
        group, (beta1, beta2) = self.group, self.group["betas"]
        grad = self.advance(param, grad)
        step, decay = self.step_count, group["momentum_decay"]
        bias_correction2 = 1 - beta2**step
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * decay)))
        self.mu_product *= mu
        denom = self.exp_avg_sq.div(bias_correction2).sqrt()
        mu_product = self.mu_product.item()
        mu_product_next = mu_product * mu_next
        denom.add_(group["eps"])
        param.addcdiv_(grad * self.cast(-self.lr * (1.0 - mu) / (1.0 - mu_product)), denom)
        param.addcdiv_(
            self.exp_avg * self.cast(-self.lr * mu_next / (1.0 - mu_product_next)), denom
        )


class _RAdam(_Moments):
    def setup(self, params: Tensor) -> None:
        super().setup(params)
        self.lr_cast = self.cast(self.lr)

    def step(self, param: Tensor, grad: Tensor) -> None:
        group, beta2 = self.group, self.group["betas"][1]
        self.advance(param, grad)
        step = self.step_count
        bias_correction1, bias_correction2 = self.bias_corrections()
        bias_corrected_exp_avg = self.exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            adaptive_lr = (bias_correction2**0.5) / self.exp_avg_sq.sqrt().add_(group["eps"])
            param.add_(bias_corrected_exp_avg * self.lr_cast * adaptive_lr * rect, alpha=-1.0)
        else:
            param.add_(bias_corrected_exp_avg * self.lr_cast, alpha=-1.0)


class _ASGD(_Rows):
    """torch.optim.ASGD. torch also keeps the averaged iterate `ax`, which never feeds back into
    the update (nor into what a sweep reports), so it is not computed here."""

    def setup(self, params: Tensor) -> None:
        self.rates = self.lr[:, 0].tolist()
        # torch keeps eta as a tensor of its scalar dtype: the rate, rounded to it.
        self.eta = self.lr.to(_get_scalar_dtype()).double()

    def step(self, param: Tensor, grad: Tensor) -> None:
        lambd, alpha = self.group["lambd"], self.group["alpha"]
        self.step_count += 1
        grad = self.gradient(param, grad)
        param.mul_(self.cast(1 - lambd * self.eta))
        param.addcmul_(grad, self.cast(-self.eta))
        step = self.step_count
        # Python floats, as in torch: a float64 tensor power may round differently from C's pow.
        eta = [lr / ((1 + lambd * lr * step) ** alpha) for lr in self.rates]
        self.eta = torch.tensor(eta, dtype=_get_scalar_dtype())[:, None].double()


class _Rprop(_Rows):
    """torch.optim.Rprop: the rate only sets each row's initial step size."""

    def setup(self, params: Tensor) -> None:
        self.prev = torch.zeros_like(params)
        self.step_size = self.cast(self.lr).expand_as(params).clone()

    def step(self, param: Tensor, grad: Tensor) -> None:
        etaminus, etaplus = self.group["etas"]
        step_size_min, step_size_max = self.group["step_sizes"]
        grad = grad if not self.group["maximize"] else -grad
        self.step_count += 1
        sign = grad.mul(self.prev).sign()
        sign[sign.gt(0)] = etaplus
        sign[sign.lt(0)] = etaminus
        sign[sign.eq(0)] = 1
        self.step_size.mul_(sign).clamp_(step_size_min, step_size_max)
        grad = grad.clone(memory_format=torch.preserve_format)
        grad[sign.eq(etaminus)] = 0
        param.addcmul_(grad.sign(), self.step_size, value=-1)
        self.prev.copy_(grad)


@dataclass(frozen=True, slots=True)
class RowRule:
    """One optimizer's row-wise update.

    Attributes:
        make: builds the rule's state for `[R, 2]` params from torch's param group and the
            per-row settings; the result's `step(param, grad)` updates param in place.
        per_row: the settings that may differ between rows.
    """

    make: Callable[[Settings, Mapping[str, Tensor], Tensor], RowStepper]
    per_row: frozenset[str] = frozenset({"lr"})


RULES: Mapping[type[torch.optim.Optimizer], RowRule] = MappingProxyType(
    {
        torch.optim.SGD: RowRule(_SGD, frozenset({"lr", "momentum"})),
        torch.optim.Adam: RowRule(_Adam),
        torch.optim.AdamW: RowRule(_Adam),  # torch's Adam with decoupled_weight_decay=True
        torch.optim.RMSprop: RowRule(_RMSprop),
        torch.optim.Adagrad: RowRule(_Adagrad),
        torch.optim.Adadelta: RowRule(_Adadelta),
        torch.optim.Adamax: RowRule(_Adamax),
        torch.optim.NAdam: RowRule(_NAdam),
        torch.optim.RAdam: RowRule(_RAdam),
        torch.optim.ASGD: RowRule(_ASGD),
        torch.optim.Rprop: RowRule(_Rprop),
    }
)

# Options under which torch runs another implementation than the single-tensor one replicated.
_OTHER_IMPLEMENTATIONS = ("foreach", "fused", "capturable", "differentiable")


def row_stepper(
    cls: type[torch.optim.Optimizer],
    defaults: Settings,
    settings: Sequence[Settings],
    params: Tensor,
) -> RowStepper | None:
    """The row-wise rule that moves `params` `[R, 2]` exactly as `cls` would with one param
    group per row (group i: `defaults` overridden by `settings[i]`), or None when there is none:
    no rule for `cls`, a setting that differs between rows but is not in the rule's `per_row`,
    or an option that makes torch run another implementation.
    """
    rule = RULES.get(cls)
    if rule is None or len(settings) != params.shape[0] or params.device.type != "cpu":
        return None
    first = settings[0]
    differ = {k for s in settings for k, v in s.items() if first.get(k) != v}
    if not differ <= rule.per_row or any(set(s) != set(first) for s in settings):
        return None
    # The group torch would build for row 0: its defaults fill every setting not passed.
    probe = cls([{"params": [torch.zeros(1)], **first}], **defaults)
    group = {k: v for k, v in probe.param_groups[0].items() if k != "params"}
    if any(group.get(option) for option in _OTHER_IMPLEMENTATIONS):
        return None
    if "initial_accumulator_value" in probe.defaults:  # Adagrad reads it from its defaults
        group["initial_accumulator_value"] = probe.defaults["initial_accumulator_value"]
    rows = {
        name: torch.tensor(
            [float(s.get(name, group[name])) for s in settings], dtype=torch.float64
        )[:, None]
        for name in rule.per_row
        if name in group
    }
    return rule.make(group, rows, params)
