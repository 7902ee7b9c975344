"""Decide whether two expressions are equal under their symbols' assumptions (DESIGN.md, identities).

First SymPy: simplify(a - b) == 0. Where SymPy cannot decide, evaluate the difference at random
admissible points in high precision with mpmath and say that sampling decided.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import mpmath
import sympy as sp


@dataclass(frozen=True)
class IdentityResult:
    equal: bool
    decided_by: str              # "sympy" or "mpmath sampling (n points, dps digits)"
    difference: sp.Basic         # simplified a - b
    counterexample: dict = field(default_factory=dict)
    max_relative_gap: float = 0.0


def safe_lambdify(symbols, expr, modules):
    """lambdify with the symbols renamed first: a symbol called gamma or beta must not shadow the function."""
    renamed = [sp.Symbol(f"_arg{i}", **s.assumptions0) for i, s in enumerate(symbols)]
    return sp.lambdify(renamed, sp.sympify(expr).xreplace(dict(zip(symbols, renamed))), modules=modules)


def admissible_sample(symbols, rng: random.Random, conditions=()) -> dict:
    """A random point respecting each symbol's SymPy assumptions and the given conditions."""
    for _ in range(1000):
        point = {}
        for s in symbols:
            if s.is_integer:
                value = rng.randint(1 if s.is_positive else -5, 6)
            elif s.is_positive:
                value = mpmath.mpf(rng.uniform(0.05, 3.0))
            elif s.is_nonnegative:
                value = mpmath.mpf(rng.uniform(0.0, 3.0))
            elif s.is_negative:
                value = -mpmath.mpf(rng.uniform(0.05, 3.0))
            else:
                value = mpmath.mpf(rng.uniform(-3.0, 3.0))
            point[s] = value
        numeric = {s: sp.Float(v, 30) if not isinstance(v, int) else v for s, v in point.items()}
        # conditions on symbols that do not occur here do not constrain the sample
        relevant = [c for c in conditions if sp.sympify(c).free_symbols <= set(symbols)]
        if all(bool(sp.sympify(c).subs(numeric)) for c in relevant):
            return point
    raise ValueError(f"could not find an admissible point for conditions {conditions}")


def tidy(expr: sp.Basic, budget: int = 150) -> sp.Basic:
    """simplify() where it is affordable; otherwise a cheap normal form (combined fractions and powers).
    Gamma functions of symbolic arguments send simplify into gammasimp for minutes, so they count as
    unaffordable."""
    expr = sp.sympify(expr)
    symbolic_gamma = any(f.free_symbols for f in expr.atoms(sp.gamma, sp.uppergamma))
    if sp.count_ops(expr) <= budget and not symbolic_gamma:
        return sp.simplify(expr)
    return sp.powsimp(sp.together(expr))


def decide_identity(a: sp.Basic, b: sp.Basic, conditions=(), samples: int = 24, dps: int = 50,
                    seed: int = 20261128) -> IdentityResult:
    difference = tidy(sp.sympify(a) - sp.sympify(b))
    if difference == 0:
        return IdentityResult(True, "sympy", difference)
    if difference.is_number and difference.is_zero is False:
        return IdentityResult(False, "sympy", difference, max_relative_gap=float("inf"))
    symbols = sorted(difference.free_symbols | sp.sympify(a).free_symbols | sp.sympify(b).free_symbols,
                     key=lambda s: s.name)
    fa = safe_lambdify(symbols, a, "mpmath")
    fb = safe_lambdify(symbols, b, "mpmath")
    rng = random.Random(seed)
    worst = mpmath.mpf(0)
    with mpmath.workdps(dps):
        for _ in range(samples):
            point = admissible_sample(symbols, rng, conditions)
            va, vb = fa(*point.values()), fb(*point.values())
            scale = max(abs(va), abs(vb), mpmath.mpf(1))
            gap = abs(va - vb) / scale
            worst = max(worst, gap)
            if gap > mpmath.mpf(10) ** (-(dps - 10)):
                return IdentityResult(False, f"mpmath sampling ({dps} digits)", difference,
                                      {s.name: float(v) for s, v in point.items()}, float(gap))
    return IdentityResult(True, f"mpmath sampling ({samples} points, {dps} digits)", difference,
                          max_relative_gap=float(worst))
