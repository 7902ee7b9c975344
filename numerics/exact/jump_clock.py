"""Exact numerics of the large-jump exit law (theory.levy.large_jump_exit_hazards): survival, mean exit time, exit
face and escape probability of a scheduled Lévy-driven Model, from its face hazards by one quadrature each.

The hazards are derived symbolically from the Model (its Lévy measure, diffusion, scheduler and box); here they
are integrated: the cumulative hazard Lambda(u) = int_0^u sum_faces h(t) dt in closed form by SymPy (it is a power
of t, or piecewise linear for a multistep scheduler), then
    P(sigma > u) = exp(-Lambda(u)),  E[sigma] = int_0^oo P(sigma > u) du,
    P(exit through face f) = int_0^oo h_f(t) P(sigma > t) dt,  P(sigma <= T) = 1 - exp(-Lambda(T)),
the laws of the first event of independent inhomogeneous Poisson streams. mpmath's tanh-sinh quadrature handles
the integrable singularity of t^(gamma-1)-type hazards at t = 0; every value carries mpmath's error estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import mpmath
import sympy as sp

from theory.errors import ModelError
from theory.levy import exit_hazards
from theory.model import TIME, Model


@dataclass(frozen=True)
class Estimate:
    """A quadrature value with its absolute error estimate."""

    value: float
    error: float

    def __float__(self) -> float:
        return self.value


class JumpClockLaw:
    """The large-jump exit law of one bound Model (no free parameters)."""

    def __init__(self, model: Model, dps: int = 20) -> None:
        model.require_numeric()
        self.model = model
        self.dps = dps
        self.hazards = exit_hazards(model)
        if not self.hazards:
            raise ModelError(f"{model.name!r} has no finite face to exit through")
        u = sp.Symbol("u", positive=True)
        total = sp.Add(*self.hazards.values())
        # each face's hazard integrated alone, coefficients as 30-digit floats: SymPy integrates a power of t (or a
        # piecewise constant) at once that way, where exact radicals slow it down
        cumulative = sp.Add(*[sp.integrate(h.evalf(30).subs(TIME, u), (u, 0, TIME)) for h in self.hazards.values()])
        if cumulative.has(sp.Integral) or not cumulative.is_finite and cumulative.is_finite is not None:
            raise ModelError(f"the cumulative exit hazard of {model.name!r} is not finite from t = 0 (hazard {total})")
        self.cumulative_hazard = sp.piecewise_fold(sp.simplify(cumulative))
        self._cumulative = sp.lambdify(TIME, self.cumulative_hazard, "mpmath")
        self._hazard = {side: sp.lambdify(TIME, h, "mpmath") for side, h in self.hazards.items()}
        self._faces: dict[str, Estimate] = {}
        self._escape_at_infinity: float | None = None
        # the switching times of a multistep scheduler: quadrature splits there
        switches = {v for p in sp.piecewise_fold(total).atoms(sp.Piecewise) for _, cond in p.args
                    for v in sp.sympify(cond).atoms(sp.Number)}
        switches |= {v for m in self.cumulative_hazard.atoms(sp.Min, sp.Max) for v in m.args if v.is_number}
        self.breakpoints = sorted(float(v) for v in switches if v > 0)

    def _quad(self, f, lower=0, upper=mpmath.inf) -> Estimate:
        with mpmath.workdps(self.dps):
            nodes = [mpmath.mpf(lower), *[mpmath.mpf(b) for b in self.breakpoints if lower < b < upper],
                     upper if upper == mpmath.inf else mpmath.mpf(upper)]
            value, error = mpmath.quad(f, nodes, error=True)
            return Estimate(float(value), float(error))

    def survival(self, u: float) -> float:
        """P(sigma > u) = exp(-Lambda(u))."""
        with mpmath.workdps(self.dps):
            return float(mpmath.exp(-self._cumulative(mpmath.mpf(u))))

    def escape_probability(self, horizon: float = float("inf")) -> float:
        """P(sigma <= T) = 1 - exp(-Lambda(T)); T = oo gives P(sigma < oo) (1 when Lambda diverges)."""
        if horizon == float("inf"):
            if self._escape_at_infinity is None:
                self._escape_at_infinity = self._escape_probability_at_infinity()
            return self._escape_at_infinity
        return 1.0 - self.survival(horizon)

    def _escape_probability_at_infinity(self) -> float:
        """Past the last switching time the total hazard is a sum of powers c t^k (the last branch of a multistep
        scheduler, or the power scheduler): its integral to oo diverges, and P(sigma < oo) = 1, when some k >= -1."""
        total = sp.piecewise_fold(sp.Add(*self.hazards.values()))
        tail = total.args[-1][0] if isinstance(total, sp.Piecewise) else total
        start = 1.0 + (max(self.breakpoints) if self.breakpoints else 0.0)
        remaining = 0.0
        for term in sp.Add.make_args(sp.expand(tail)):
            coefficient, power = term.as_coeff_exponent(TIME)
            if coefficient.has(TIME) or not power.is_number:
                raise ModelError(f"the exit hazard {tail} is not a sum of powers of t past the last switch")
            if power >= -1 and coefficient != 0:
                return 1.0
            remaining += float(coefficient) * start ** (float(power) + 1) / -(float(power) + 1)
        return 1.0 - self.survival(start) * float(mpmath.exp(-remaining))

    @cached_property
    def mean(self) -> Estimate:
        """E[sigma] = int_0^oo P(sigma > u) du."""
        return self._quad(lambda u: mpmath.exp(-self._cumulative(u)))

    def face_probability(self, side: str) -> Estimate:
        """P(exit through this face) = int_0^oo h_face(t) P(sigma > t) dt."""
        if side not in self._faces:
            self._faces[side] = self._face_probability(side)
        return self._faces[side]

    def _face_probability(self, side: str) -> Estimate:
        if side not in self._hazard:
            raise ModelError(f"no face {side!r}: the faces are {', '.join(self._hazard)}")
        h = self._hazard[side]
        return self._quad(lambda t: h(t) * mpmath.exp(-self._cumulative(t)))

    def face_probabilities(self) -> dict[str, Estimate]:
        return {side: self.face_probability(side) for side in self._hazard}
