"""One test per Kramers claim (named after the claim id), asserting the evidence, not the label."""

import dataclasses

import pytest
import sympy as sp

from theory import ModelError, diffusion1d, get_claim
from theory.domain import Interval
from theory.kramers import (DOUBLE_WELL, EXACT_MFPT, GIBBS_DENSITY, KRAMERS_CONVENTION, LANGEVIN,
                            SYMMETRIC_QUARTIC_CORRECTION, SYMMETRIC_QUARTIC_TIME, kramers_for, laplace_correction, x)
from theory.units import DIFFUSIVITY, LENGTH, LOSS, TIME
from theory.model import Model
from verify import Context, Verdict, get_check
from verify.checks.kramers import ratio_trend

D = sp.Symbol("D", positive=True)


def run(check_id):
    return get_check(check_id).run(Context(suite="quick"))


def test_kramers_gibbs_density():
    outcome = run("kramers.gibbs_stationary")
    assert outcome.basis == "model derivation"
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
    assert outcome.comparators == ["kramers.symmetric_quartic_time"] and outcome.basis == "independent computation"


def test_kramers_asymmetric_ratio():
    # the tilted well's law judged against its own exact MFPT (the limit above only relates two instances)
    outcome = run("kramers.asymmetric_ratio")
    assert outcome.verdict is Verdict.VERIFIED and outcome.basis == "exact numerics"
    assert abs(outcome.evidence["ratio at D->0"] - 1) <= outcome.evidence["tolerance"]
    assert outcome.evidence["rows"][0]["ratio"] > 1.05     # at D = 0.05 the law still misses by the O(D) term


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
    assert outcome.verdict is Verdict.VERIFIED and outcome.claim == "kramers.mean_escape_time"
    assert abs(fit["ratio at D->0"] - 1) <= fit["tolerances"]["intercept"]
    assert outcome.evidence["monotone approach to 1"]


def test_kramers_symmetric_quartic_correction_slope():
    # the derived correction judged on its own, by the same (shared) quadrature
    outcome = run("kramers.correction_slope")
    fit = outcome.evidence["fit"]
    assert outcome.verdict is Verdict.VERIFIED and outcome.claim == "kramers.symmetric_quartic_correction"
    assert abs(fit["slope d(ratio)/dD"] - 1.5) <= fit["tolerances"]["slope"]
    assert outcome.evidence["rows"] == run("kramers.asymptotic_ratio").evidence["rows"]


def test_kramers_ratio_trend_refutes_a_wrong_prefactor():
    # the time to reach the saddle (not beyond it) is half of Kramers' time: a factor the check must see
    halved = dataclasses.replace(SYMMETRIC_QUARTIC_TIME, id="test.halved", rhs=SYMMETRIC_QUARTIC_TIME.rhs / 2)
    finding = ratio_trend(halved, get_check("kramers.asymptotic_ratio").params)
    assert finding.verdict is Verdict.REFUTED
    assert finding.evidence["fit"]["ratio at D->0"] == pytest.approx(2, abs=1e-4)


def test_kramers_units():
    # the generic <claim>.units check in the convention registered for Kramers (1940)
    outcome = run("kramers.mean_escape_time.units")
    assert outcome.evidence["lhs_factor"] == outcome.evidence["rhs_factor"] == "lambda_L**2/lambda_loss"
    assert get_claim("kramers.exact_mfpt").unit_convention is KRAMERS_CONVENTION
    assert all(run(f"{c}.units").verdict is Verdict.VERIFIED for c in
               ("kramers.gibbs_density", "kramers.exact_mfpt", "kramers.symmetric_quartic_time",
                "kramers.asymmetric_quartic_time", "kramers.symmetric_quartic_correction"))


def test_scaling_of_undefined_functions_integrals_and_derivatives():
    """U(x), T(x) carry their function's unit and are opaque; an integral's bound variable takes its limits' unit;
    d/dx divides by x's unit. The same machinery refutes what is not homogeneous."""
    from verify.methods import scaling_finding

    mfpt = scaling_finding(EXACT_MFPT)
    assert mfpt.verdict is Verdict.VERIFIED and str(mfpt.evidence["lhs_factor"]) == "lambda_L**2/lambda_loss"
    one_over_d_too_many = dataclasses.replace(EXACT_MFPT, id="test.mfpt", rhs=EXACT_MFPT.rhs / D)
    assert scaling_finding(one_over_d_too_many).verdict is Verdict.REFUTED
    # an exponent that is not a pure number inside the integral: exp(U / D^2)
    inner = EXACT_MFPT.rhs.replace(sp.exp, lambda arg: sp.exp(arg / D))
    assert scaling_finding(dataclasses.replace(EXACT_MFPT, id="test.mfpt2", rhs=inner)).verdict is Verdict.REFUTED
    U, T = sp.Function("U"), sp.Function("T")
    units = {U: LOSS, T: TIME, x: LENGTH, D: DIFFUSIVITY}
    # the generator L T = -U' T' + D T'' is a time / time: T's unit over the clock's time
    generator = dataclasses.replace(EXACT_MFPT, id="test.generator", lhs=sp.Integer(1),
                                    rhs=-sp.diff(U(x), x) * sp.diff(T(x), x) + D * sp.diff(T(x), x, 2), units=units)
    assert scaling_finding(generator).evidence["rhs_factor"] == 1
    missing = dataclasses.replace(generator, id="test.missing", units={U: LOSS, x: LENGTH, D: DIFFUSIVITY})
    assert scaling_finding(missing).verdict is Verdict.ERROR and "T(...)" in scaling_finding(missing).summary


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
