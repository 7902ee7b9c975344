"""PL-SGD: SGD with state-dependent plus constant Gaussian noise (seed 002, the power-law dynamic discretised).

Seed 002_0bd15634cbfb0ce4.txt writes the same update twice, with two conventions for its constants:

    w <- w - eta grad L(w) + eta lambda_1 |w - w*| ⊙ xi_1 + eta lambda_2 xi_2,  xi_i ~ N(0, I)
                                                            (sec. 5.2, eq. 12: lambda_i are standard deviations)
    w <- w - eta g(w) + eta |w| ⊙ xi_1 + eta xi_2,  xi_1 ~ N(0, lambda_1 I), xi_2 ~ N(0, lambda_2 I)
                                                            (sec. 5.3, eq. 13: lambda_i are variances)

Here both are one update with explicit standard deviations,

    w <- w - lr * grad + lr * state_std * |w - center| ⊙ xi_1 + lr * constant_std * xi_2,  xi_1, xi_2 ~ N(0, I),

so eq. 12 is ``state_std = lambda_1, constant_std = lambda_2, center = w*`` and eq. 13 is
``state_std = sqrt(lambda_1), constant_std = sqrt(lambda_2), center = 0`` (``PLSGD.from_eq12`` and
``PLSGD.from_eq13`` do the conversion). ``|w - center|`` is taken at the current iterate, before the step
(an Euler-Maruyama, i.e. Itô, discretisation of the power-law SDE of 002 eq. 7).
"""

from __future__ import annotations

import math

import torch

from theory.errors import ParameterError

SOURCE_EQ12 = "002_0bd15634cbfb0ce4.txt sec. 5.2, eq. 12"
SOURCE_EQ13 = "002_0bd15634cbfb0ce4.txt sec. 5.3, eq. 13"


def _nonnegative(name: str, value, meaning: str) -> None:
    """Scalars and tensors alike: every entry finite and >= 0 (a tensor lets one batch carry several settings)."""
    bad = (not torch.isfinite(value).all() or (value < 0).any()) if isinstance(value, torch.Tensor) \
        else (not math.isfinite(value) or value < 0)
    if bad:
        raise ParameterError(name, value, "[0, inf)", meaning)


def power_law_step(w: torch.Tensor, grad: torch.Tensor, lr: float, state_std=0.0, constant_std=0.0, center=0.0,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """One PL-SGD step, out of place: w - lr grad + lr state_std |w - center| ⊙ xi_1 + lr constant_std xi_2.

    The one definition of the update (002 sec. 5.2 eq. 12 with standard deviations; eq. 13 after
    ``sqrt`` of its variances). ``state_std``, ``constant_std`` and ``center`` broadcast against ``w``, so a
    batch of rows can carry one setting per row. A noise term whose standard deviation is the number 0 draws
    no random numbers (so eq. 12 with lambda_1 = 0, the Langevin discretisation, consumes one draw per step).
    """
    step = w - lr * grad
    if not (isinstance(state_std, (int, float)) and state_std == 0):
        xi_1 = torch.randn(w.shape, generator=generator, dtype=w.dtype, device=w.device)
        step = step + lr * state_std * (w - center).abs() * xi_1
    if not (isinstance(constant_std, (int, float)) and constant_std == 0):
        xi_2 = torch.randn(w.shape, generator=generator, dtype=w.dtype, device=w.device)
        step = step + lr * constant_std * xi_2
    return step


class PLSGD(torch.optim.Optimizer):
    """PL-SGD (002_0bd15634cbfb0ce4.txt sec. 5.3, eq. 13) with the noise given by its standard deviations.

    Each step does, for every parameter with a gradient (parameters without one are skipped, as in
    ``torch.optim.SGD``),

        w <- w - lr * grad + lr * state_std * |w - center| ⊙ xi_1 + lr * constant_std * xi_2,  xi_i ~ N(0, I).

    The paper's eq. 13 states xi_1 ~ N(0, lambda_1 I), xi_2 ~ N(0, lambda_2 I): lambda_1, lambda_2 are
    VARIANCES there, so ``state_std = sqrt(lambda_1)``, ``constant_std = sqrt(lambda_2)`` (use ``from_eq13``).
    Eq. 12 (sec. 5.2, the 2-D experiment) multiplies standard normals by lambda_1, lambda_2 and centres at the
    minimum w*: its lambdas are standard deviations (use ``from_eq12``). The covariance of one step's noise is
    lr^2 diag(state_std^2 (w - center)^2 + constant_std^2).

    ``center`` (a number or a tensor broadcasting against the parameter; per parameter group) is 0 in eq. 13
    and w* in eq. 12. ``generator`` (a ``torch.Generator`` on the parameters' device) makes runs reproducible.

    Example::

        opt = PLSGD.from_eq13(model.parameters(), lr=0.1, lambda1=0.02, lambda2=1e-4)  # 002 sec. 5.3's best
        loss.backward(); opt.step()
    """

    def __init__(self, params, lr: float, state_std=0.0, constant_std=0.0, *, center=0.0,
                 generator: torch.Generator | None = None) -> None:
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise ParameterError("lr", lr, "(0, inf)", "the learning rate eta must be positive")
        _nonnegative("state_std", state_std, "standard deviation of the state-dependent noise xi_1 "
                     "(eq. 13's lambda_1 is its variance: use PLSGD.from_eq13)")
        _nonnegative("constant_std", constant_std, "standard deviation of the constant noise xi_2 "
                     "(eq. 13's lambda_2 is its variance: use PLSGD.from_eq13)")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise ParameterError("generator", generator, "a torch.Generator or None")
        self.generator = generator
        super().__init__(params, {"lr": lr, "state_std": state_std, "constant_std": constant_std, "center": center})

    @classmethod
    def from_eq13(cls, params, lr: float, lambda1: float, lambda2: float, *, center=0.0,
                  generator: torch.Generator | None = None) -> PLSGD:
        """002 sec. 5.3 eq. 13: xi_1 ~ N(0, lambda1 I), xi_2 ~ N(0, lambda2 I); lambda1, lambda2 are variances."""
        _nonnegative("lambda1", lambda1, "variance of xi_1 in 002 eq. 13")
        _nonnegative("lambda2", lambda2, "variance of xi_2 in 002 eq. 13")
        return cls(params, lr, math.sqrt(lambda1), math.sqrt(lambda2), center=center, generator=generator)

    @classmethod
    def from_eq12(cls, params, lr: float, lambda1: float, lambda2: float, center, *,
                  generator: torch.Generator | None = None) -> PLSGD:
        """002 sec. 5.2 eq. 12: lambda1, lambda2 multiply standard normals (standard deviations); center = w*."""
        _nonnegative("lambda1", lambda1, "factor of |w - w*| ⊙ xi_1, xi_1 ~ N(0, I), in 002 eq. 12")
        _nonnegative("lambda2", lambda2, "factor of xi_2 ~ N(0, I) in 002 eq. 12")
        return cls(params, lr, lambda1, lambda2, center=center, generator=generator)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.copy_(power_law_step(p, p.grad, group["lr"], group["state_std"], group["constant_std"],
                                       group["center"], self.generator))
        return loss
