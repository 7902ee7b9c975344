"""One test per Kramers claim (named after the claim id), asserting the evidence, not the label."""

import dataclasses

import pytest
import sympy as sp

from theory import ModelError, diffusion1d
from theory.domain import Interval
from theory.kramers import (DOUBLE_WELL, EXACT_MFPT, GIBBS_DENSITY, LANGEVIN,
                            SYMMETRIC_QUARTIC_CORRECTION, SYMMETRIC_QUARTIC_TIME, kramers_for, laplace_correction, x)
from theory.model import Model
from verify import Context, Verdict, get_check
from verify.checks.kramers import ratio_trend

D = sp.Symbol("D", positive=True)


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def test_kramers_gibbs_density():
    outcome = run("kramers.gibbs_stationary")
    assert outcome.evidence["residuals"] == {"L* p (Fokker-Planck operator on the Gibbs density)": "0"}
    assert outcome.evidence["ratio_to_gibbs"] == "1"
    # the same machinery refuses a density that is not stationary
    assert sp.simplify(LANGEVIN.fokker_planck(GIBBS_DENSITY.rhs ** 2)) != 0


def test_kramers_exact_mfpt():
    assert EXACT_MFPT.derivation.verified and all(r == 0 for _, r in EXACT_MFPT.derivation.verified)
    outcome = run("kramers.exact_mfpt_generator")
    assert set(outcome.evidence["residuals"].values()) == {"0"}


def test_kramers_exact_mfpt_two_absorbing_ends_and_exit_probability():
    D_ = sp.Rational(1, 3)
    model = Model.overdamped_langevin("well", x**2 / 2, x, D_, Interval(-1, 2), start=(0,))
    assert diffusion1d.mean_exit_time(model).verified
    assert diffusion1d.exit_probability(model).verified


def test_kramers_symmetric_quartic_time():
    assert sp.simplify(SYMMETRIC_QUARTIC_TIME.rhs - sp.sqrt(2) * sp.pi * sp.exp(1 / (4 * D))) == 0
    steps = {s.description: s.expression for s in SYMMETRIC_QUARTIC_TIME.derivation.steps}
    assert steps["H_a = U''(a)"] == 2 and steps["H_b = -U''(b)"] == 1 and steps["Delta_U = U(b) - U(a)"] == sp.Rational(1, 4)


def test_kramers_asymmetric_quartic_time():
    outcome = run("kramers.asymmetric_limit")
    assert outcome.evidence["difference"] == "0" and outcome.evidence["decided_by"] == "sympy"


def test_kramers_symmetric_quartic_correction():
    assert SYMMETRIC_QUARTIC_CORRECTION.rhs == 1 + sp.Rational(3, 2) * D
    a, b, c = sp.symbols("a b c", positive=True)
    u = sp.Symbol("u", real=True)
    # the textbook Laplace correction 5 f3^2 / (24 f2^3) - f4 / (8 f2^2), recovered by the derivation
    assert sp.simplify(laplace_correction(a * u**2 / 2 + b * u**3 / 6 + c * u**4 / 24, u, 0).result
                       - (5 * b**2 / (24 * a**3) - c / (8 * a**2))) == 0


def test_kramers_mean_escape_time_asymptotic_ratio():
    outcome = run("kramers.asymptotic_ratio")
    fit = outcome.evidence["fit"]
    assert abs(fit["ratio at D->0"] - 1) <= fit["tolerances"]["intercept"]
    assert abs(fit["slope d(ratio)/dD"] - 1.5) <= fit["tolerances"]["slope"]
    assert outcome.evidence["monotone approach to 1"]


def test_kramers_ratio_trend_refutes_a_wrong_prefactor():
    # the time to reach the saddle (not beyond it) is half of Kramers' time: a factor the check must see
    halved = dataclasses.replace(SYMMETRIC_QUARTIC_TIME, id="test.halved", rhs=SYMMETRIC_QUARTIC_TIME.rhs / 2)
    finding = ratio_trend(halved, get_check("kramers.asymptotic_ratio").params)
    assert finding.verdict is Verdict.REFUTED
    assert finding.evidence["fit"]["ratio at D->0"] == pytest.approx(2, abs=1e-4)


def test_kramers_units():
    outcome = run("kramers.units")
    assert outcome.evidence["lhs_factor"] == outcome.evidence["rhs_factor"] == "lambda_L**2/lambda_loss"


def test_kramers_mc_vs_exact_quick_sizes():
    outcome = run("kramers.mc_vs_exact")
    runs = outcome.evidence["runs"]
    assert len(runs) == 4 and all(r["pass"] for r in runs)
    for shrink in outcome.evidence["step-size bias"]:
        assert shrink["first-order prediction of the drop"] > 0
    # at D = 0.5 the expected drop is ~5.3 standard errors at quick sizes: seeing more than 1.5 fails
    # for a correct engine with probability ~1e-4 (the full suite sees ~14)
    assert max(s["drop in standard errors"] for s in outcome.evidence["step-size bias"]) > 1.5


def test_kramers_exit_sides_quick_sizes():
    outcome = run("kramers.exit_sides")
    assert all(row["pass"] for row in outcome.evidence["rows"])
    assert 0 < outcome.evidence["exact P(exit upper)"] < 1


def test_potential_without_barrier_is_rejected():
    single_well = Model.overdamped_langevin("single well", x**2 / 2, x, D, Interval(-sp.oo, 1), start=(0,))
    with pytest.raises(ModelError, match="no barrier"):
        kramers_for(single_well)
    with pytest.raises(ModelError, match="no minimum"):
        kramers_for(Model.overdamped_langevin("slope", -x**3, x, D, Interval(-sp.oo, 1), start=(0,)))


def test_double_well_model_is_the_single_definition():
    # the quadrature, the simulator and Kramers' law all read DOUBLE_WELL's fields
    assert DOUBLE_WELL.potential == x**4 / 4 - x**2 / 2 and DOUBLE_WELL.domain.upper == 1
