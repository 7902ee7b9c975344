"""The predicted first-order Euler exit bias of a 1-D Brownian Model (issue 15: one shifted-boundary bias model).

Euler-Maruyama with discrete monitoring exits late: to first order it behaves like the continuous dynamic with each
absorbing end moved outward by beta sigma sqrt(dt), beta = -zeta(1/2)/sqrt(2 pi) (Broadie, Glasserman & Kou 1997;
Gobet 2000; numerics.sde.engine.boundary_shift), sigma the diffusion coefficient at that end. The predicted bias of
an exit quantity (the mean exit time, an exit probability) is that quantity, computed exactly by quadrature
(numerics.exact.quadrature), on the shifted domain minus its value on the model's own domain."""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Callable

from theory.domain import Interval
from theory.errors import ModelError
from theory.model import Brownian, Model

from .engine import boundary_shift


def shifted_boundary(model: Model, dt: float) -> Model:
    """The same bound 1-D Brownian Model with each finite end moved outward by boundary_shift(sigma(end), dt)
    (sigma(end) = |diffusion| at that end; Broadie, Glasserman & Kou 1997). Raises ModelError where the shift is not
    defined: a model that is not 1-D, not Brownian, or has a scheduler."""
    if model.dimension != 1 or not isinstance(model.noise, Brownian) or model.scheduler is not None:
        raise ModelError("the boundary shift is only defined for 1-D Brownian models without a scheduler")
    (x,) = model.state

    def moved(end, outward: int):
        if not end.is_finite:
            return end
        return end + outward * boundary_shift(abs(float(model.diffusion[0, 0].subs(x, end))), dt)

    return replace(model, domain=Interval(moved(model.domain.lower, -1), moved(model.domain.upper, +1)))


def predicted_euler_bias(model: Model, dt: float, quantity: Callable | None = None,
                         exact: float | None = None) -> float:
    """First-order Euler bias of `quantity` (default: numerics.exact.quadrature.mean_exit_time; any function of a
    Model returning a number, e.g. exit_probability): quantity(shifted_boundary(model, dt)) - quantity(model), the
    exact value on the model's own domain passed as `exact` where the caller has it already."""
    if quantity is None:
        from ..exact.quadrature import mean_exit_time as quantity
    shifted = float(quantity(shifted_boundary(model, dt)))
    return shifted - (float(quantity(model)) if exact is None else exact)
