"""Exact numerics of the power-law dynamic of seeds 002 and 004 (theory.power_law): mean exit times by quadrature of
the generator's closed forms (numerics.exact.quadrature), and the exit-time formula of 004 as printed, by nested
mpmath quadrature. The checks of verify/checks/power_law.py judge the claims against these numbers.

- log_exit_time_from_0: ln E tau from 0 out of (-r, r) for dv = -h v dt + sqrt(eta sigma + eta rho v^2) dB
  (seed 004_f9c6c18a0b16f13c.txt, eq. 2.16; the exit time of its Thm 3, eq. 5.1).
- log_time_to_saddle: ln of the mean time to reach b = 0 from a = -1 (seed 002_0bd15634cbfb0ce4.txt, Definition 5)
  for 002 eq. 10 on the double well of theory.power_law.barrier_model, Itô or 002's kinetic (Smoluchowski) form.
- eq52_value: 004 eq. 5.2, E tau_x = 2 int_x^b e^phi(y) / sigma^2(y) dy int_a^y e^-phi(z) dz, with
  phi(v) = 2 - kappa ln(1 + rho v^2 / sigma) (004 eq. 5.2 and Thm 1) and sigma^2(y) = eta (sigma + rho y^2).
- nested_quadrature: a SymPy expression whose (nested) Integrals SymPy cannot lambdify, evaluated by mpmath.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

from theory import power_law as P

from .quadrature import mean_exit_time


@lru_cache(maxsize=16)
def log_exit_time_from_0(h_, eta_, s_, r_, radius_value) -> float:
    """ln E tau from 0 out of (-r, r) for the Model (004 eq. 2.16), exact quadrature; cached (004 Thm 3's check and
    its replacement's extrapolation share the values at common learning rates)."""
    model = P.POWER_LAW.bind({k: sp.nsimplify(v) for k, v in {"h": h_, "eta": eta_, "sigma": s_, "rho": r_,
                                                               "r": radius_value}.items()})
    return float(mean_exit_time(model, x0=0).log_value)


def log_time_to_saddle(depth, sigma_value, mu_value, eta_value, kinetic: bool = False) -> float:
    """ln of the exact mean time to reach b = 0 from a = -1 (002 Definition 5) for 002 eq. 10 on l(w) = depth
    (w^2 - 1)^2 (theory.power_law.barrier_model), read as Itô (as written) or in 002's kinetic form (002 eqs. 18-19,
    theory.power_law.kinetic_model)."""
    model = P.barrier_model(depth, sigma_value, mu_value, eta_value)
    return float(mean_exit_time(P.kinetic_model(model) if kinetic else model).log_value)


# 7 parameters: the model's four constants, the interval's two ends and the start, as eq. 5.2 names them
def eq52_value(h_, eta_, s_, r_, a_, b_, x_):
    """004 eq. 5.2 as printed (kappa = kappa_004 of Thm 1), by nested mpmath quadrature (SymPy cannot lambdify the
    nested Integral of the claim)."""
    kappa = float(P.kappa_004.subs({P.h: h_, P.eta: eta_, P.rho: r_}))
    phi = lambda v: 2 - kappa * mpmath.log(1 + r_ / s_ * v**2)
    inner = lambda y: mpmath.quad(lambda z: mpmath.exp(-phi(z)), [a_, y])
    return 2 * mpmath.quad(lambda y: mpmath.exp(phi(y)) / (eta_ * (s_ + r_ * y**2)) * inner(y), [x_, b_])


def nested_quadrature(expr: sp.Expr, args: tuple):
    """A function of `args` evaluating expr with its (nested) integrals by mpmath quadrature (used on 004 eq. 5.2's
    two-sided replacement, theory.power_law.EQ_5_2_DERIVED)."""
    integrals = expr.atoms(sp.Integral)
    outermost = [i for i in integrals if not any(j is not i and j.has(i) for j in integrals)]
    if not outermost:
        return sp.lambdify(args, expr, "mpmath")
    parts, dummies = [], []
    for integral in outermost:
        ((variable, lower, upper),) = integral.limits
        inner = nested_quadrature(integral.function, (*args, variable))
        low, high = nested_quadrature(lower, args), nested_quadrature(upper, args)
        parts.append(lambda *a, f=inner, lo=low, hi=high: mpmath.quad(lambda v: f(*a, v), [lo(*a), hi(*a)]))
        dummies.append(sp.Dummy())
    outer = sp.lambdify((*args, *dummies), expr.xreplace(dict(zip(outermost, dummies))), "mpmath")
    return lambda *a: outer(*a, *(part(*a) for part in parts))
