"""Empirical claims of the papers' network experiments (seed 000 sec. 5, 001 sec. 5): stated as Claims so that
the experiment checks have a source and a statement to confront."""

from __future__ import annotations

import sympy as sp

from .claim import Claim, Source
from .registry import register

SEED_000 = "000_6ac092e84b589a62.txt"
SEED_001 = "001_8289d68cf3bd5d68.txt"

SGN_FIT = register(Claim(
    id="battash.sgn_fit",
    title="stochastic gradient noise is fitted better by SaS (per-parameter alpha) than by a Gaussian",
    lhs=sp.Symbol("SSE(SaS)"), rhs=sp.Symbol("SSE(Gauss)"), relation="<=",
    sources=(Source(SEED_000, "sec. 5, Tables 1-2 and Fig. 8 (alpha per parameter); appendix A.2"),
             Source(SEED_001, "sec. 5, Tables 1-3 (SSE and Chi2)")),
    regime="at a trained minimum, per parameter, over many mini-batches (000 A.2)", clock="iterations",
    interpretation="empirical",
))

SEED_002 = "002_0bd15634cbfb0ce4.txt"
COVARIANCE_QUADRATIC = register(Claim(
    id="meng.sec5_1",
    title="the trace of the SGD noise covariance near a minimum is well approximated by a quadratic in the distance",
    lhs=sp.Symbol("Tr Sigma(w* + s)"), rhs=sp.Symbol("a") + sp.Symbol("c") * sp.Symbol("s") ** 2, relation="~",
    sources=(Source(SEED_002, "sec. 5.1, Fig. 2 (points w*_layer +- i Scale, i = 1..10); Prop. 1"),),
    regime="one layer shifted, the others fixed, at a GD-trained minimum", clock="iterations", interpretation="empirical",
))
