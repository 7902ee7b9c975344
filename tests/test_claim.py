"""Claim: transformations, numeric code in three backends, comparison, printing, registry."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch

from theory import UnknownIdError, all_claims, decide_identity, get_claim
from theory.kramers import MEAN_ESCAPE_TIME, SYMMETRIC_QUARTIC_TIME

D = sp.Symbol("D", positive=True)


def test_every_claim_cites_a_source_and_is_unique():
    claims = all_claims()
    assert len({c.id for c in claims}) == len(claims)
    for claim in claims:
        assert claim.sources and all(s.locator for s in claim.sources)


def test_unknown_claim_suggests_close_ids():
    with pytest.raises(UnknownIdError, match="did you mean kramers.mean_escape_time"):
        get_claim("kramers.mean_escape_tme")


def test_subs_limit_series_simplify():
    claim = MEAN_ESCAPE_TIME.subs(H_a=2, H_b=1, Delta_U=sp.Rational(1, 4))
    assert sp.simplify(claim.rhs - SYMMETRIC_QUARTIC_TIME.rhs) == 0
    assert claim.relations["derived_from"] == ("kramers.mean_escape_time",)
    assert MEAN_ESCAPE_TIME.limit("D", sp.oo).rhs == 2 * sp.pi / sp.sqrt(sp.Symbol("H_a", positive=True)
                                                                          * sp.Symbol("H_b", positive=True))
    series = SYMMETRIC_QUARTIC_TIME.subs(D=1 / sp.Symbol("beta", positive=True)).series("beta", 0, 2)
    assert sp.simplify(series.rhs - sp.sqrt(2) * sp.pi * (1 + sp.Symbol("beta", positive=True) / 4)) == 0
    assert SYMMETRIC_QUARTIC_TIME.simplify().rhs == SYMMETRIC_QUARTIC_TIME.rhs


def test_lambdify_backends_agree():
    values = (0.5, 0.25, 0.1)
    numpy_f = SYMMETRIC_QUARTIC_TIME.lambdify("numpy")
    torch_f = SYMMETRIC_QUARTIC_TIME.lambdify("torch")
    mp_f = SYMMETRIC_QUARTIC_TIME.lambdify("mpmath")
    assert numpy_f.args == (D,)
    expected = [math.sqrt(2) * math.pi * math.exp(1 / (4 * d)) for d in values]
    np.testing.assert_allclose(numpy_f(np.array(values)), expected, rtol=1e-14)
    np.testing.assert_allclose(torch_f(torch.tensor(values, dtype=torch.float64)).numpy(), expected, rtol=1e-14)
    # mpmath: far beyond float range, no overflow
    assert mpmath.log(mp_f(mpmath.mpf("1e-4"))) == pytest.approx(float(mpmath.log(mpmath.sqrt(2) * mpmath.pi)) + 2500)


def test_lambdify_rejects_unknown_backend():
    with pytest.raises(ValueError, match="backend"):
        SYMMETRIC_QUARTIC_TIME.lambdify("jax")


def test_compare_reports_difference_and_ratio():
    half = SYMMETRIC_QUARTIC_TIME.subs(D=D)  # same claim
    comparison = SYMMETRIC_QUARTIC_TIME.compare(half)
    assert comparison.identical and comparison.difference == 0 and comparison.ratio == 1
    doubled = MEAN_ESCAPE_TIME.subs(H_a=sp.Rational(1, 2), H_b=1, Delta_U=sp.Rational(1, 4))
    comparison = doubled.compare(SYMMETRIC_QUARTIC_TIME)
    assert not comparison.identical and comparison.ratio == 2


def test_printing():
    assert "τ ~" in MEAN_ESCAPE_TIME.pretty()
    assert "\\sim" in MEAN_ESCAPE_TIME.latex() and "\\frac" in MEAN_ESCAPE_TIME.latex()
    text = str(MEAN_ESCAPE_TIME)
    assert "002_0bd15634cbfb0ce4.txt" in text and "units:" in text


def test_identity_falls_back_to_high_precision_sampling():
    x = sp.Symbol("x", positive=True)
    # Euler's reflection formula for the dilogarithm: SymPy's simplify does not close it
    lhs = sp.polylog(2, x) + sp.polylog(2, 1 - x)
    rhs = sp.pi**2 / 6 - sp.log(x) * sp.log(1 - x)
    result = decide_identity(lhs, rhs, conditions=(x < 1,))
    assert result.equal and result.decided_by.startswith("mpmath sampling")
    wrong = decide_identity(lhs, rhs + x / 10**6, conditions=(x < 1,))
    assert not wrong.equal and wrong.counterexample
