"""Exact results for a one-dimensional diffusion, derived from a Model's generator.

For dX = b(X) dt + sigma(X) dW (Itô) with a = sigma^2, the generator is L f = b f' + (a/2) f''.
Everything here follows from L by the classical reduction of order (Gardiner, Handbook of
Stochastic Methods, sec. 5.2.7; the same double integral appears in seed 002_0bd15634cbfb0ce4.txt,
proof of Thm 6, and in seed 004_f9c6c18a0b16f13c.txt, eq. 5.2):

    scale density   s(x) = exp(-int 2b/a dx)         (L s-integral = 0)
    speed density   m(x) = 2 / (a(x) s(x))

Each function returns a Derivation whose result has been substituted back into the generator or
the Fokker-Planck operator, and the residual simplified to zero, before it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .derivation import Derivation
from .domain import Interval
from .errors import ModelError
from .model import Brownian, Model


@dataclass(frozen=True)
class ScaleAndSpeed:
    """Logarithms of the scale and speed densities (log space: both are exponentially large or small)."""

    variable: sp.Symbol
    log_scale: sp.Expr
    log_speed: sp.Expr


def _one_dimensional(model: Model) -> tuple[sp.Symbol, sp.Expr, sp.Expr, Interval]:
    if model.dimension != 1 or not isinstance(model.domain, Interval):
        raise ModelError(f"model {model.name!r} is not a 1-D diffusion on an interval")
    if model.scheduler is not None:
        raise ModelError("the exact 1-D formulas need a time-homogeneous model (no scheduler)")
    if not isinstance(model.noise, Brownian):
        raise ModelError(f"the exact 1-D formulas solve the Brownian generator; {model.name!r} has Lévy noise, whose "
                         "generator is nonlocal: simulate it (numerics.sde.engine.simulate_exit)")
    a = model.covariance[0, 0]
    if a == 0:
        raise ModelError(f"no noise: sigma = 0 in {model.name!r}, a deterministic flow; its exit time is not a "
                         "question for the diffusion formulas (integrate dx/dt = b(x), or simulate_exit)")
    return model.state[0], model.drift[0], a, model.domain


def _at(expr: sp.Expr, x: sp.Symbol, value: sp.Expr) -> sp.Expr:
    """expr at x = value, with integrals over an empty range set to 0 without evaluating them."""
    return expr.subs(x, value).replace(
        lambda e: isinstance(e, sp.Integral) and any(len(lim) == 3 and lim[1] == lim[2] for lim in e.limits),
        lambda e: sp.S.Zero)


def scale_and_speed(model: Model) -> ScaleAndSpeed:
    x, b, a, _ = _one_dimensional(model)
    # floats are made rational first: SymPy integrates -2.0 w / (0.05 w^2 + 0.025) to -40.0 log(w) (wrong),
    # the rational form correctly; the derivative of the result is checked against the integrand either way
    integrand = sp.nsimplify(sp.simplify(2 * b / a), rational=True)
    exponent = sp.integrate(integrand, x)
    if exponent.has(sp.Integral):
        raise ModelError(f"SymPy found no closed form for int 2b/a dx = {exponent}; "
                         "the exact 1-D formulas need it")
    if sp.simplify(sp.diff(exponent, x) - integrand) != 0:
        raise ModelError(f"SymPy's antiderivative {exponent} of {integrand} does not differentiate back")
    # logs expanded: simplify may fold 501 log(1 + 2 w^2) into log((1 + 2 w^2)^501), which overflows in floats
    log_scale = sp.expand_log(sp.simplify(-exponent), force=True)
    log_speed = sp.expand_log(sp.simplify(sp.log(2 / a) - log_scale), force=True)
    return ScaleAndSpeed(x, log_scale, log_speed)


def mean_exit_time(model: Model) -> Derivation:
    """Solve L T = -1 in the domain, T = 0 on each finite (absorbing) end.

    An infinite end is natural: the solution stays bounded there, which fixes the constant that an
    absorbing end would otherwise fix.
    """
    x, b, a, domain = _one_dimensional(model)
    lower, upper = domain.lower, domain.upper
    y, z = sp.Dummy("y", real=True), sp.Dummy("z", real=True)
    T = sp.Function("T")
    d = Derivation(f"mean exit time of {model.name} from {domain}", sp.S.Zero)
    d.step("Dynkin's equation from the generator, L T = -1", sp.Eq(model.generator(T(x)), -1))
    v = sp.Function("v")
    d.step("reduce order with v = T'", sp.Eq(sp.diff(v(x), x) + 2 * b / a * v(x), -2 / a))
    densities = scale_and_speed(model)
    s = sp.exp(densities.log_scale)
    m = sp.exp(densities.log_speed)
    d.step("scale density s = exp(-int 2b/a dx) (integrating factor 1/s)", s)
    d.step("speed density m = 2 / (a s)", sp.simplify(m))
    s_y, m_z = s.subs(x, y), m.subs(x, z)
    if lower.is_infinite and upper.is_finite:
        # (v/s)' = -m; boundedness at the natural end -oo gives v(y) = -s(y) int_{-oo}^y m
        result = sp.Integral(s_y * sp.Integral(m_z, (z, lower, y)), (y, x, upper))
        boundary = [("T(upper) = 0", _at(result, x, upper))]
    elif upper.is_infinite and lower.is_finite:
        result = sp.Integral(s_y * sp.Integral(m_z, (z, y, upper)), (y, lower, x))
        boundary = [("T(lower) = 0", _at(result, x, lower))]
    else:
        # both ends absorb: T = int_l^x s (C - M) with M(y) = int_l^y m; T(upper) = 0 fixes C.
        # C stays a symbol while the ODE is checked: differentiating through its integrals is slow.
        C = sp.Symbol("C")
        inner = sp.Integral(m_z, (z, lower, y))
        with_constant = sp.Integral(s_y * (C - inner), (y, lower, x))
        d.verify("L T + 1 = 0 for every constant C", model.generator(with_constant) + 1)
        whole_sM, whole_s = sp.Integral(s_y * inner, (y, lower, upper)), sp.Integral(s_y, (y, lower, upper))
        constant = d.step("T(upper) = C int_l^r s - int_l^r s M = 0 fixes C", sp.Eq(C, whole_sM / whole_s)).rhs
        result = with_constant.subs(C, constant)
        boundary = [("T(lower) = 0", _at(result, x, lower)),
                    ("T(upper) = 0", constant * whole_s - whole_sM)]
    d.result = d.step("integrate twice and impose the boundary conditions", sp.Eq(T(x), result)).rhs
    if not (lower.is_finite and upper.is_finite):
        d.verify("L T + 1 = 0 (generator applied to the result)", model.generator(result) + 1)
    for description, residual in boundary:
        d.verify(description, residual)
    return d


def exit_probability(model: Model) -> Derivation:
    """P(leave through the upper end | X_0 = x): L u = 0, u(lower) = 0, u(upper) = 1 (both ends finite)."""
    x, _, _, domain = _one_dimensional(model)
    if not (domain.lower.is_finite and domain.upper.is_finite):
        raise ModelError("exit probabilities need two finite (absorbing) ends")
    y = sp.Dummy("y", real=True)
    s_y = sp.exp(scale_and_speed(model).log_scale).subs(x, y)
    u = sp.Function("u")
    d = Derivation(f"exit probability through the upper end of {domain} for {model.name}", sp.S.Zero)
    d.step("harmonic function of the generator, L u = 0", sp.Eq(model.generator(u(x)), 0))
    result = sp.Integral(s_y, (y, domain.lower, x)) / sp.Integral(s_y, (y, domain.lower, domain.upper))
    d.result = d.step("u = int_l^x s / int_l^r s", sp.Eq(u(x), result)).rhs
    d.verify("L u = 0", model.generator(result))
    d.verify("u(lower) = 0", _at(result, x, domain.lower))
    d.verify("u(upper) = 1", result.subs(x, domain.upper) - 1)
    return d


def stationary_density(model: Model) -> Derivation:
    """Zero-flux stationary solution of the Fokker-Planck equation, up to normalisation."""
    x, b, a, _ = _one_dimensional(model)
    p = sp.Function("p")
    d = Derivation(f"stationary density of {model.name}", sp.S.Zero)
    flux = b * p(x) - sp.diff(a * p(x), x) / 2
    d.step("zero probability flux, J = b p - (a p)'/2 = 0", sp.Eq(flux, 0))
    solution = sp.dsolve(sp.Eq(flux, 0), p(x))
    d.step("solved by SymPy's dsolve", solution)
    constant = sp.Symbol("C1")
    density = sp.simplify(solution.rhs / constant) if constant in solution.rhs.free_symbols else solution.rhs
    d.result = d.step("up to the normalising constant", density)
    d.verify("L* p = 0 (Fokker-Planck operator applied to the result)", model.fokker_planck(density))
    return d
