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
