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
  doubled until two successive results agree; the error reported is the last change (at least the
  float64 round-off, amplified where the formula subtracts) plus the truncation of natural ends (where
  the density has fallen by e^-60; a far cutoff, as for power-law tails, gets geometrically graded
  segments). A result still changing by more than 1e-6 at 4096 panels per segment is refused, not
  returned. Hand-written because no library routine integrates a nested, cumulative integrand without
  re-evaluating it per node.
- ``"mpmath"`` (reference, slow): nested tanh-sinh quadrature in arbitrary precision, error from
  mpmath's own estimates propagated through the nesting (weighted as they enter the outer integral),
  never below the rounding of the working precision and of the float64 log.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp
from mpmath.libmp import NoConvergence
from numpy.polynomial import legendre

from theory import diffusion1d
from theory.domain import Interval
from theory.errors import ModelError, ParameterError
from theory.model import Brownian, Model

METHODS = ("panel", "mpmath")
#: a natural end is cut where the integrand has fallen by this many e-folds below its peak
TRUNCATION_EFOLDS = 60.0
#: a natural-end segment longer than this is split geometrically (see _graded)
GRADED_BEYOND = 64.0
#: the largest last change the panel method returns as its error when rtol was not met; beyond it, it refuses
NOT_CONVERGED = 1e-6


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
    polynomial = sp.Poly(b, x)
    try:
        roots = [complex(r) for r in polynomial.nroots(n=30)] if polynomial.degree() > 0 else []
    except NoConvergence:   # multiple roots (b = -x^3): the square-free part has the same zeros, simple
        roots = [complex(r) for r in polynomial.sqf_part().nroots(n=30)]
    return tuple(sorted(r.real for r in roots if abs(r.imag) < 1e-12 and lower < r.real < upper))


def _polynomial_zeros(expr: sp.Expr, x: sp.Symbol, domain: Interval) -> list[float]:
    """Real zeros of a polynomial expr strictly inside the domain ([] when expr is not a polynomial in x)."""
    if not expr.is_polynomial(x) or sp.Poly(expr, x).degree() < 1:
        return []
    try:   # square-free: nroots does not converge on multiple roots
        roots = [complex(r) for r in sp.Poly(expr, x).sqf_part().nroots(n=30)]
    except NoConvergence:
        return []
    return sorted(r.real for r in roots if abs(r.imag) < 1e-12 and domain.lower < r.real < domain.upper)


def _problem(model: Model, x0) -> _Problem:
    if not isinstance(model, Model):
        raise ModelError(f"quadrature needs a theory.model.Model, got {type(model).__name__}")
    if not isinstance(model.noise, Brownian):
        raise ModelError(f"quadrature solves the Brownian generator; {model.name!r} has alpha-stable (Lévy) noise, "
                         "whose generator is nonlocal: use Monte Carlo (numerics.simulate_exit)")
    if not isinstance(model.domain, Interval) or model.dimension != 1:
        raise ModelError("quadrature exit times are for 1-D models on an interval: use Monte Carlo "
                         "(numerics.simulate_exit)")
    model.require_numeric()
    variance = model.covariance[0, 0]
    if variance == 0:
        raise ModelError("no noise: sigma = 0, so the exit time or exit side of a deterministic flow is not a "
                         "quadrature question; integrate dx/dt = b(x) (or use simulate_exit)")
    inside = _polynomial_zeros(variance, model.state[0], model.domain)
    if inside:
        raise ModelError(f"the variance sigma(x)^2 vanishes at x = {inside[0]:.6g} inside the domain: the densities "
                         "(1/sigma^2) blow up there, which this quadrature does not treat; split the domain there or "
                         "use simulate_exit")
    for end in (model.domain.lower, model.domain.upper):
        if end.is_finite and sp.simplify(variance.subs(model.state[0], end)) == 0:
            raise ModelError(f"the variance sigma(x)^2 vanishes at the absorbing end x = {end}: whether paths reach "
                             "it (Feller's boundary classification) is not decided here; move the end inside or use "
                             "simulate_exit")
    lower, upper = (float(v) for v in (model.domain.lower, model.domain.upper))
    if x0 is not None:
        try:
            x0 = sp.sympify(x0, strict=True)
        except (sp.SympifyError, TypeError):
            raise ModelError(f"x0 must be a real number, got {x0!r}") from None
        if not (isinstance(x0, sp.Expr) and x0.is_number and x0.is_extended_real):
            raise ModelError(f"x0 must be a real number, got {x0!r}")
    x0 = float(model.start[0] if x0 is None else x0)
    if not lower < x0 < upper:
        raise ModelError(f"the start {x0} is not inside the domain {model.domain}: move it inside")
    densities = diffusion1d.scale_and_speed(model)
    x = densities.variable
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
    evaluate.raw = f
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


def _graded(anchor: float, cutoff: float) -> list[float]:
    """Breakpoints anchor +- 2^k towards a far natural-end cutoff: a power-law tail (sigma^2 ~ x^2 against a linear
    drift gives m ~ |x|^-4) is cut e^60 below its peak only at |x| ~ 1e6, where equal panels could not resolve the
    peak. Cutoffs within GRADED_BEYOND of the anchor (light tails) keep their single segment."""
    distance = abs(cutoff - anchor)
    if not math.isfinite(distance) or distance <= GRADED_BEYOND:
        return []
    direction = 1.0 if cutoff > anchor else -1.0
    return [anchor + direction * 2.0**k for k in range(int(math.log2(distance)))]


def _panel_log_mfpt(problem: _Problem, per_segment: int, n: int = 20) -> tuple[float, int]:
    lo, hi, x0 = problem.lower, problem.upper, problem.x0
    natural_lower, natural_upper = math.isinf(lo), math.isinf(hi)
    anchors = sorted({x0, *problem.breakpoints})
    if natural_lower:
        lo = _natural_cutoff(problem.log_m, anchors[0], -1)
    if natural_upper:
        hi = _natural_cutoff(problem.log_m, anchors[-1], +1)
    segments = sorted({lo, hi, *anchors, *_graded(anchors[0], lo), *_graded(anchors[-1], hi)})
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
    # round-off grows where a subtraction cancels: the two-ended formula subtracts terms larger than T (near an end,
    # by 1/T); with a natural upper end M = int m - int_lo^y m carries the round-off of the whole int m
    if natural_lower:
        amplification = 1.0
    elif natural_upper:
        amplification = max(1.0, float(np.sum(m * w)) * float(np.sum((s * w)[left_of_x0])) / scaled)
    else:
        amplification = (whole_sM / whole_s * part_s + part_sM) / scaled
    return math.log(scaled) + cs + cm, y.size, amplification


def _refine(evaluate, rtol: float, start: int = 8, max_panels: int = 4096) -> tuple[float, float, int]:
    """Double the panels until the log-value changes by less than rtol; return (log, rel. error, evals).

    Not converged at max_panels: the last change is the error when it is at most NOT_CONVERGED; beyond that the
    densities are too sharply peaked for the panels and no number is returned."""
    previous, evaluations = None, 0
    per_segment = start
    while per_segment <= max_panels:
        current, count, *amplification = evaluate(per_segment)
        evaluations += count
        if previous is not None:
            # logs beyond ~1e15 differ by whole ulps of thousands: the change of T overflows rather than raise
            change = abs(math.expm1(current - previous)) if abs(current - previous) < 700 else math.inf
            if change < rtol:
                # floor: float64 round-off of a sum of `count` terms, times what a final subtraction amplifies it
                # by, and the rounding of the float log itself (half an ulp); plus the natural-end truncation
                floor = max(1e-15 * math.sqrt(count) * (amplification or [1.0])[0], math.ulp(current) / 2)
                return current, max(change, floor) + math.exp(-TRUNCATION_EFOLDS), evaluations
        previous, per_segment = current, per_segment * 2
    if not change <= NOT_CONVERGED:
        raise ModelError(f"panel quadrature did not converge: {max_panels} panels per segment still change the result "
                         f"by {change:.2g} (densities too sharply peaked, e.g. too little noise); use method='mpmath'")
    return current, change, evaluations


# ------------------------------------------------------------------------------ mpmath reference
def _log_peaks(problem: _Problem) -> tuple[float, float]:
    """Largest log s and log m over the finite ends, the start and the drift zeros (where 1-D densities peak)."""
    anchors = np.array([v for v in (problem.lower, problem.upper, problem.x0, *problem.breakpoints)
                        if math.isfinite(v)])
    peaks = []
    for log_density in (problem.log_s, problem.log_m):
        with np.errstate(all="ignore"):
            values = [float(np.asarray(log_density.raw(v), dtype=float)) for v in anchors]
        finite = [v for v in values if math.isfinite(v)]
        peaks.append(max(finite) if finite else 0.0)
    return peaks[0], peaks[1]


def _mpmath_log_mfpt(problem: _Problem, dps: int) -> tuple[float, float]:
    """(log T, relative error) by nested tanh-sinh.

    The error is mpmath's estimate for every outer integral, plus the inner integrals' errors weighted as they
    enter the outer one, plus the rounding floor. The inner error travels as the imaginary part of the outer
    integrand, s(y) (M(y) + i E(y)), so the outer rule integrates int s E with the nodes and weights of int s M
    at no extra evaluation (first-order propagation: the outer value moves by int s dM). Taking the largest
    relative inner error instead (as before) reported ~3e-6 on every two-absorbing-end problem: outer nodes come
    within 2^-(prec+20) of the lower end (mpmath adds 20 guard bits per level), where the inner rule resolves its
    interval only to ~2^-20 of its width, whatever dps; those nodes weigh ~1e-29 in the outer sum.
    """
    with mpmath.workdps(dps):
        lo = -mpmath.inf if math.isinf(problem.lower) else mpmath.mpf(problem.lower)
        hi = mpmath.inf if math.isinf(problem.upper) else mpmath.mpf(problem.upper)
        x0 = mpmath.mpf(problem.x0)
        points = [mpmath.mpf(p) for p in problem.breakpoints]
        # densities scaled to about 1 at their peaks (offsets carried as logs, as in the panel method): mpmath's
        # tolerance and error estimate are absolute, and at e^126 its extrapolation can divide by log10(1) = 0
        cs, cm = _log_peaks(problem)
        s = lambda y: mpmath.exp(problem.log_s_mp(y) - cs)  # noqa: E731
        m = lambda z: mpmath.exp(problem.log_m_mp(z) - cm)  # noqa: E731

        def quad(f, a, b):
            nodes = [a] + [p for p in points if a < p < b] + [b]
            return mpmath.quad(f, nodes, error=True)

        def inner(a, b):
            value, error = quad(m, a, b)
            return mpmath.mpc(value, error)

        def split(result):
            """(value, its error) of an outer integral of s (M + i E): int s M, mpmath's error + int s E."""
            (value, error) = result
            return mpmath.re(value), error + abs(mpmath.im(value))

        if mpmath.isinf(lo) and not mpmath.isinf(hi):
            value, error = split(quad(lambda y: s(y) * inner(lo, y), x0, hi))
            terms = value
        elif mpmath.isinf(hi) and not mpmath.isinf(lo):
            value, error = split(quad(lambda y: s(y) * inner(y, hi), lo, x0))
            terms = value
        else:
            sM = lambda y: s(y) * inner(lo, y)  # noqa: E731
            (whole, e1), (total, e2) = split(quad(sM, lo, hi)), quad(s, lo, hi)
            (part_sM, e3), (part_s, e4) = split(quad(sM, lo, x0)), quad(s, lo, x0)
            value = whole / total * part_s - part_sM
            error = (e1 / total + whole * e2 / total**2) * part_s + whole / total * e4 + e3
            terms = whole / total * part_s + part_sM   # what the subtraction cancels
        log_value = float(mpmath.log(value) + cs + cm)
        # floors, so the estimate is never below the true error (mpmath reports 0 once three degrees agree):
        # rounding at the working precision (the integrands run with mpmath's guard bits, the final combination
        # and its log do not), amplified by the cancellation of the two-ended formula; and the float64 rounding
        # of the returned log_value itself.
        rounding = 10.0 ** (1 - dps) * (float(terms / value) + abs(log_value))
        return log_value, float(error / value) + rounding + math.ulp(log_value) / 2


# ------------------------------------------------------------------------------ public API
def _require_tolerance(rtol) -> None:
    # below float64 resolution the panels would double to their limit without ever meeting it
    if not (isinstance(rtol, numbers.Real) and not isinstance(rtol, bool) and 1e-15 <= rtol < 1):
        raise ParameterError("rtol", rtol, "[1e-15, 1)", "a relative tolerance")


def mean_exit_time(model: Model, x0=None, method: str = "panel", rtol: float = 1e-12,
                   dps: int = 25) -> QuadratureResult:
    """E[exit time | X_0 = x0] for a bound (numeric) 1-D model; x0 defaults to the model's start.

    Finite ends absorb, infinite ends are natural (see theory.diffusion1d.mean_exit_time).
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ModelError(f"unknown quadrature method {method!r}: use one of {', '.join(METHODS)}")
    _require_tolerance(rtol)
    if not (isinstance(dps, numbers.Integral) and not isinstance(dps, bool) and 10 <= dps <= 1000):
        raise ParameterError("dps", dps, "an integer in [10, 1000]", "mpmath's working precision in digits")
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
    _require_tolerance(rtol)
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
