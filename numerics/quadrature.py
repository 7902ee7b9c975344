"""Exact 1-D mean exit times and exit probabilities by quadrature.

The formulas are the ones theory.diffusion1d derives from the generator (scale density s, speed
density m); this module only evaluates them. With a = sigma^2 and finite ends absorbing:

    natural lower end:  T(x0) = int_{x0}^{r} s(y) M(y) dy,  M(y) = int_{-oo}^{y} m(z) dz
    natural upper end:  T(x0) = int_{l}^{x0} s(y) int_{y}^{oo} m(z) dz dy
    two absorbing ends: T(x0) = C int_l^{x0} s - int_l^{x0} s M,  C = int_l^r s M / int_l^r s
    P(exit at r | x0)  = int_l^{x0} s / int_l^r s

Two methods, both in log space, since s and m are exponentially large or small (exp(Delta U / D)):

- ``"panel"`` (default, fast): composite Gauss-Legendre panels in float64 on densities scaled by
  their maximum (the offset is carried as a logarithm); the inner integral M is accumulated with
  a Legendre integration matrix, so the double integral costs one evaluation per node. Panels are
  doubled until two successive results agree; the error reported is the last change plus the
  truncation of natural ends (where the density has fallen by e^-60). Hand-written because no
  library routine integrates a nested, cumulative integrand without re-evaluating it per node.
- ``"mpmath"`` (reference, slow): nested tanh-sinh quadrature in arbitrary precision, error from
  mpmath's own estimates propagated through the nesting.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp
from numpy.polynomial import legendre

from theory import diffusion1d
from theory.domain import Interval
from theory.errors import ModelError
from theory.model import Model

METHODS = ("panel", "mpmath")
#: a natural end is cut where the integrand has fallen by this many e-folds below its peak
TRUNCATION_EFOLDS = 60.0


@dataclass(frozen=True)
class QuadratureResult:
    """A quadrature value kept as its logarithm (it may exceed any float), with its error estimate."""

    log_value: float
    relative_error: float
    method: str
    seconds: float
    evaluations: int = 0

    @property
    def value(self) -> mpmath.mpf:
        return mpmath.exp(mpmath.mpf(self.log_value))

    @property
    def error(self) -> mpmath.mpf:
        return self.value * self.relative_error

    def __float__(self) -> float:
        if self.log_value > 709:
            raise OverflowError(f"exp({self.log_value:.1f}) does not fit a float: use .log_value or .value")
        return math.exp(self.log_value)


# ------------------------------------------------------------------------------ set-up
@dataclass(frozen=True)
class _Problem:
    log_s: object  # numpy-vectorised functions of the state
    log_m: object
    log_s_mp: object
    log_m_mp: object
    lower: float
    upper: float
    x0: float
    breakpoints: tuple[float, ...]


def _drift_zeros(model: Model, lower: float, upper: float) -> tuple[float, ...]:
    """Zeros of the drift inside (lower, upper): where the scale and speed densities peak."""
    (x,) = model.state
    b = sp.simplify(model.drift[0])
    if not b.is_polynomial(x):
        return ()
    roots = [complex(r) for r in sp.Poly(b, x).nroots(n=30)] if sp.Poly(b, x).degree() > 0 else []
    return tuple(sorted(r.real for r in roots if abs(r.imag) < 1e-12 and lower < r.real < upper))


def _problem(model: Model, x0) -> _Problem:
    model.require_numeric()
    if not isinstance(model.domain, Interval) or model.dimension != 1:
        raise ModelError("quadrature exit times are for 1-D models on an interval")
    densities = diffusion1d.scale_and_speed(model)
    x = densities.variable
    lower, upper = (float(v) for v in (model.domain.lower, model.domain.upper))
    x0 = float(model.start[0] if x0 is None else x0)
    if not lower < x0 < upper:
        raise ModelError(f"the start {x0} is not inside the domain {model.domain}: move it inside")
    return _Problem(
        log_s=_vectorised(sp.lambdify(x, densities.log_scale, "numpy")),
        log_m=_vectorised(sp.lambdify(x, densities.log_speed, "numpy")),
        log_s_mp=sp.lambdify(x, densities.log_scale, "mpmath"),
        log_m_mp=sp.lambdify(x, densities.log_speed, "mpmath"),
        lower=lower, upper=upper, x0=x0, breakpoints=_drift_zeros(model, lower, upper),
    )


def _vectorised(f):
    def evaluate(y: np.ndarray) -> np.ndarray:
        out = np.broadcast_to(np.asarray(f(y), dtype=float), np.shape(y))
        if not np.all(np.isfinite(out)):
            bad = np.asarray(y)[~np.isfinite(out)][:3]
            raise ModelError(f"the density is not finite at x = {bad.tolist()}: the diffusion vanishes or "
                             "blows up inside the domain")
        return out
    return evaluate


def _natural_cutoff(log_density, reference: float, direction: int) -> float:
    """Where a density decaying towards a natural end has fallen TRUNCATION_EFOLDS below its peak."""
    peak = float(log_density(np.array([reference]))[0])
    for k in range(-4, 40):
        point = reference + direction * 2.0**k
        value = float(log_density(np.array([point]))[0])
        peak = max(peak, float(np.max(log_density(np.linspace(reference, point, 257)))))
        if value < peak - TRUNCATION_EFOLDS:
            return point
    raise ModelError("the speed density does not decay towards the natural end: the mean exit time is infinite "
                     "(the dynamic drifts away); give that end a finite, absorbing bound")


# ------------------------------------------------------------------------------ panel method
@lru_cache(maxsize=4)
def _legendre_rule(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes, weights and cumulative-integration matrix Q (Q f = int_{-1}^{node} f) on [-1, 1]."""
    nodes, weights = legendre.leggauss(n)
    basis_to_coeff = np.linalg.inv(legendre.legvander(nodes, n - 1))
    cumulative = np.zeros((n, n))
    for k in range(n):
        unit = np.zeros(n)
        unit[k] = 1.0
        cumulative += np.outer(legendre.legval(nodes, legendre.legint(unit, lbnd=-1)), basis_to_coeff[k])
    return nodes, weights, cumulative


def _panels(segments: list[float], per_segment: int, n: int):
    """Nodes (P, n), weights (P, n), cumulative matrices scaled per panel, and panel left ends."""
    nodes, weights, cumulative = _legendre_rule(n)
    edges = np.concatenate([np.linspace(a, b, per_segment + 1)[:-1] for a, b in zip(segments, segments[1:])]
                           + [np.array([segments[-1]])])
    left, right = edges[:-1], edges[1:]
    half = (right - left)[:, None] / 2
    y = left[:, None] + half * (nodes[None, :] + 1)
    return y, half * weights[None, :], half, cumulative, left


def _cumulative(values: np.ndarray, w: np.ndarray, half: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """int from the first panel's left end to each node of values (P, n), panel by panel."""
    within = half * (values @ cumulative.T)
    before = np.concatenate([[0.0], np.cumsum(np.sum(values * w, axis=1))[:-1]])
    return before[:, None] + within


def _panel_log_mfpt(problem: _Problem, per_segment: int, n: int = 20) -> tuple[float, int]:
    lo, hi, x0 = problem.lower, problem.upper, problem.x0
    natural_lower, natural_upper = math.isinf(lo), math.isinf(hi)
    anchors = sorted({x0, *problem.breakpoints})
    if natural_lower:
        lo = _natural_cutoff(problem.log_m, anchors[0], -1)
    if natural_upper:
        hi = _natural_cutoff(problem.log_m, anchors[-1], +1)
    segments = sorted({lo, hi, *anchors})
    y, w, half, cumulative, _ = _panels(segments, per_segment, n)
    log_s, log_m = problem.log_s(y), problem.log_m(y)
    cs, cm = float(np.max(log_s)), float(np.max(log_m))
    s, m = np.exp(log_s - cs), np.exp(log_m - cm)
    M = _cumulative(m, w, half, cumulative)            # int_lo^y m, scaled by e^-cm
    if natural_upper:
        M = float(np.sum(m * w)) - M                    # int_y^hi m
    left_of_x0 = y < x0
    if natural_lower:
        scaled = float(np.sum((s * M * w)[~left_of_x0]))
    elif natural_upper:
        scaled = float(np.sum((s * M * w)[left_of_x0]))
    else:
        whole_sM, whole_s = float(np.sum(s * M * w)), float(np.sum(s * w))
        part_sM, part_s = float(np.sum((s * M * w)[left_of_x0])), float(np.sum((s * w)[left_of_x0]))
        scaled = whole_sM / whole_s * part_s - part_sM
    if not scaled > 0:
        raise ArithmeticError(f"panel quadrature lost the mean exit time to cancellation ({scaled}); "
                              "use method='mpmath'")
    return math.log(scaled) + cs + cm, y.size


def _refine(evaluate, rtol: float, start: int = 8, max_panels: int = 4096) -> tuple[float, float, int]:
    """Double the panels until the log-value changes by less than rtol; return (log, rel. error, evals)."""
    previous, evaluations = None, 0
    per_segment = start
    while per_segment <= max_panels:
        current, count = evaluate(per_segment)
        evaluations += count
        if previous is not None:
            change = abs(math.expm1(current - previous))
            if change < rtol:
                # floor: float64 round-off of a sum of `count` terms; plus the natural-end truncation
                return current, max(change, 1e-15 * math.sqrt(count)) + math.exp(-TRUNCATION_EFOLDS), evaluations
        previous, per_segment = current, per_segment * 2
    return current, change, evaluations


# ------------------------------------------------------------------------------ mpmath reference
def _mpmath_log_mfpt(problem: _Problem, dps: int) -> tuple[float, float]:
    with mpmath.workdps(dps):
        lo = -mpmath.inf if math.isinf(problem.lower) else mpmath.mpf(problem.lower)
        hi = mpmath.inf if math.isinf(problem.upper) else mpmath.mpf(problem.upper)
        x0 = mpmath.mpf(problem.x0)
        points = [mpmath.mpf(p) for p in problem.breakpoints]
        s = lambda y: mpmath.exp(problem.log_s_mp(y))  # noqa: E731
        m = lambda z: mpmath.exp(problem.log_m_mp(z))  # noqa: E731
        worst_inner = [mpmath.mpf(0)]

        def quad(f, a, b):
            nodes = [a] + [p for p in points if a < p < b] + [b]
            return mpmath.quad(f, nodes, error=True)

        def inner(a, b):
            value, error = quad(m, a, b)
            worst_inner[0] = max(worst_inner[0], error / value)
            return value

        if mpmath.isinf(lo) and not mpmath.isinf(hi):
            value, error = quad(lambda y: s(y) * inner(lo, y), x0, hi)
        elif mpmath.isinf(hi) and not mpmath.isinf(lo):
            value, error = quad(lambda y: s(y) * inner(y, hi), lo, x0)
        else:
            sM = lambda y: s(y) * inner(lo, y)  # noqa: E731
            (whole, e1), (total, e2) = quad(sM, lo, hi), quad(s, lo, hi)
            (part_sM, e3), (part_s, e4) = quad(sM, lo, x0), quad(s, lo, x0)
            value = whole / total * part_s - part_sM
            error = (e1 / total + whole * e2 / total**2) * part_s + whole / total * e4 + e3
        return float(mpmath.log(value)), float(error / value + worst_inner[0])


# ------------------------------------------------------------------------------ public API
def mean_exit_time(model: Model, x0=None, method: str = "panel", rtol: float = 1e-12,
                   dps: int = 25) -> QuadratureResult:
    """E[exit time | X_0 = x0] for a bound (numeric) 1-D model; x0 defaults to the model's start.

    Finite ends absorb, infinite ends are natural (see theory.diffusion1d.mean_exit_time).
    """
    if method not in METHODS:
        raise ModelError(f"unknown quadrature method {method!r}: use one of {', '.join(METHODS)}")
    started = time.perf_counter()
    problem = _problem(model, x0)
    if method == "panel":
        log_value, error, evaluations = _refine(lambda k: _panel_log_mfpt(problem, k), rtol)
        label = "Gauss-Legendre panels (float64, log-scaled), doubled to convergence"
    else:
        (log_value, error), evaluations = _mpmath_log_mfpt(problem, dps), 0
        label = f"nested tanh-sinh (mpmath, {dps} digits)"
    return QuadratureResult(log_value, error, label, time.perf_counter() - started, evaluations)


def exit_probability(model: Model, x0=None, rtol: float = 1e-12) -> QuadratureResult:
    """P(the path leaves through the upper end | X_0 = x0); both ends must be finite."""
    started = time.perf_counter()
    problem = _problem(model, x0)
    if math.isinf(problem.lower) or math.isinf(problem.upper):
        raise ModelError("exit probabilities need two finite (absorbing) ends")
    segments = sorted({problem.lower, problem.upper, problem.x0, *problem.breakpoints})

    def evaluate(per_segment: int) -> tuple[float, int]:
        y, w, *_ = _panels(segments, per_segment, 20)
        log_s = problem.log_s(y)
        s = np.exp(log_s - np.max(log_s))
        return math.log(np.sum((s * w)[y < problem.x0]) / np.sum(s * w)), y.size

    log_value, error, evaluations = _refine(evaluate, rtol)
    return QuadratureResult(log_value, error, "Gauss-Legendre panels (float64, log-scaled)",
                            time.perf_counter() - started, evaluations)
