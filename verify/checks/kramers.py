"""Checks of the classical Kramers theory (theory/kramers.py) through every method of the harness."""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from numerics.sde.estimators import normal_quantile
from numerics.sde.bias import predicted_euler_bias
from numerics.sde.engine import simulate_exit
from numerics.exact.quadrature import exit_probability, mean_exit_time
from theory import diffusion1d
from theory.claim import Claim
from theory.domain import Interval
from theory.kramers import (ASYMMETRIC_DOUBLE_WELL, ASYMMETRIC_QUARTIC_TIME, DOUBLE_WELL, EXACT_MFPT, GIBBS_DENSITY,
                            LANGEVIN, SYMMETRIC_QUARTIC_CORRECTION, SYMMETRIC_QUARTIC_TIME, Z, tilt)
from theory.model import Model

from ..check import Check, Context, Finding
from ..kinds import Identity, identity_checks
from ..methods import euler_bias_band, residual_finding
from ..outcome import Basis, Outcome, Verdict
from ..suite import register_check

FAMILY_SUITES = ("quick", "kramers")


# ------------------------------------------------------------------------------ symbolic
def gibbs_stationary(context: Context, params: dict) -> Finding:
    """The Gibbs density solves the stationary Fokker-Planck equation derived from the Model, and the
    zero-flux solution that dsolve derives from the same Model is the Gibbs density up to a constant."""
    residual = LANGEVIN.fokker_planck(GIBBS_DENSITY.rhs)
    derived = diffusion1d.stationary_density(LANGEVIN).result
    ratio = sp.simplify(derived / (GIBBS_DENSITY.rhs * Z))
    finding = residual_finding({"L* p (Fokker-Planck operator on the Gibbs density)": residual},
                               "Gibbs density is stationary")
    finding.evidence.update(derived_density=derived, ratio_to_gibbs=ratio)
    if finding.verdict is Verdict.VERIFIED and LANGEVIN.state[0] in ratio.free_symbols:
        return Finding(Verdict.REFUTED, "the derived stationary density is not proportional to the Gibbs density",
                       finding.evidence)
    return finding


def exact_mfpt_generator(context: Context, params: dict) -> Finding:
    """The derived MFPT satisfies Dynkin's equation L T = -1 and T(r) = 0 (natural end at -oo)."""
    (x,) = LANGEVIN.state
    return residual_finding({"L T + 1": LANGEVIN.generator(EXACT_MFPT.rhs) + 1,
                             "T(r)": EXACT_MFPT.rhs.subs(x, LANGEVIN.domain.upper).doit()},
                            "exact MFPT solves the generator's boundary-value problem")


# ------------------------------------------------------------------------------ quadrature
@lru_cache(maxsize=4)
def _exact_double_well(temperatures: tuple) -> tuple:
    """(D, ln T_exact, relative error) of the symmetric double well by quadrature, largest D first: shared by the
    checks of Kramers' law (the ratio's limit) and of its derived correction (the ratio's slope)."""
    rows = []
    for D in sorted(temperatures, reverse=True):
        exact = mean_exit_time(DOUBLE_WELL.bind(D=D))
        rows.append((D, exact.log_value, exact.relative_error))
    return tuple(rows)


def asymptotic_ratio(context: Context, params: dict) -> Finding:
    """Exact MFPT / Kramers over a range of D: the ratio must tend to 1 as D -> 0 (Kramers' law on the double
    well); the rate 1 + c D is kramers.correction_slope's."""
    return ratio_trend(SYMMETRIC_QUARTIC_TIME, params)


def ratio_trend(asymptotic: Claim, params: dict) -> Finding:
    """The trend of exact MFPT / `asymptotic` (a claim in D for the symmetric double well) as D -> 0: its limit."""
    evidence = _ratio_fit(asymptotic, params)
    fit = evidence["fit"]
    intercept, u_intercept, tol_intercept = fit["ratio at D->0"], fit["uncertainty"], fit["tolerances"]["intercept"]
    if u_intercept > tol_intercept:
        return Finding(Verdict.INCONCLUSIVE, "the asymptotic fit is not converged at these D: add smaller D", evidence)
    if evidence["monotone approach to 1"] and abs(intercept - 1) <= tol_intercept:
        return Finding(Verdict.VERIFIED, f"exact/Kramers -> {intercept:.8f} as D -> 0, monotonically", evidence)
    return Finding(Verdict.REFUTED, f"exact/Kramers -> {intercept:.6g} as D -> 0: the stated asymptotics do not "
                   "hold", evidence)


def correction_slope(context: Context, params: dict) -> Finding:
    """The derived first-order correction: exact MFPT / Kramers = 1 + c D + O(D^2), the slope at D -> 0 of the
    same quadrature (shared with kramers.asymptotic_ratio) against c from Laplace's method."""
    evidence = _ratio_fit(SYMMETRIC_QUARTIC_TIME, params)
    fit = evidence["fit"]
    slope, u_slope, tol_slope = fit["slope d(ratio)/dD"], fit["slope uncertainty"], fit["tolerances"]["slope"]
    derived_c = fit["derived slope c (Laplace)"]
    if u_slope > tol_slope:
        return Finding(Verdict.INCONCLUSIVE, "the asymptotic fit is not converged at these D: add smaller D", evidence)
    if abs(slope - derived_c) <= tol_slope:
        return Finding(Verdict.VERIFIED, f"slope of exact/Kramers at D -> 0: {slope:.5f} vs derived {derived_c:g}",
                       evidence)
    return Finding(Verdict.REFUTED, f"slope of exact/Kramers at D -> 0: {slope:.4g}, derived {derived_c:g}", evidence)


def asymmetric_ratio(context: Context, params: dict) -> Finding:
    """Kramers' law on the tilted double well (kramers.asymmetric_quartic_time) against the exact MFPT of the same
    Model by quadrature at tilt c: exact / Kramers must tend to 1 as D -> 0 (a quadratic fit in D at small D, its
    truncation uncertainty from the linear fit)."""
    c_value = sp.nsimplify(params["tilt"])
    kramers = ASYMMETRIC_QUARTIC_TIME.lambdify("mpmath")
    names = [p.name for p in ASYMMETRIC_QUARTIC_TIME.parameters]
    rows = []
    for D in sorted(params["temperatures"], reverse=True):
        exact = mean_exit_time(ASYMMETRIC_DOUBLE_WELL.bind(c=c_value, D=sp.nsimplify(D)))
        stated = kramers(*[{"c": float(c_value), "D": D}[name] for name in names])
        rows.append({"D": D, "ratio": float(mpmath.exp(exact.log_value - mpmath.log(stated))),
                     "quadrature relative error": exact.relative_error})
    small = [r for r in rows if r["D"] <= params["fit_below"]]
    D_small, ratio_small = np.array([r["D"] for r in small]), np.array([r["ratio"] for r in small])
    fits = {deg: np.polynomial.polynomial.polyfit(D_small, ratio_small, deg) for deg in (1, 2)}
    intercept, uncertainty = fits[2][0], abs(fits[2][0] - fits[1][0])
    deviations = [abs(r["ratio"] - 1) for r in rows]
    evidence = {"rows": rows, "tilt c": float(c_value), "ratio at D->0": intercept, "uncertainty": uncertainty,
                "tolerance": params["tolerance"], "fitted on D <=": params["fit_below"],
                "monotone approach to 1": all(b < a for a, b in zip(deviations, deviations[1:]))}
    if uncertainty > params["tolerance"]:
        return Finding(Verdict.INCONCLUSIVE, "the asymptotic fit is not converged at these D: add smaller D", evidence)
    if evidence["monotone approach to 1"] and abs(intercept - 1) <= params["tolerance"]:
        return Finding(Verdict.VERIFIED, f"exact/Kramers -> {intercept:.5f} as D -> 0 on the tilted well (c = "
                       f"{float(c_value):g})", evidence)
    return Finding(Verdict.REFUTED, f"exact/Kramers -> {intercept:.5f} as D -> 0 on the tilted well", evidence)


def _ratio_fit(asymptotic: Claim, params: dict) -> dict:
    """Exact MFPT / `asymptotic` over the temperatures, and a polynomial fit of the ratio at small D (intercept and
    slope with their truncation uncertainties)."""
    kramers = asymptotic.lambdify("mpmath")
    derived_c = float(SYMMETRIC_QUARTIC_CORRECTION.rhs.coeff(sp.Symbol("D", positive=True)))
    rows = []
    for D, log_exact, relative_error in _exact_double_well(tuple(params["temperatures"])):
        ratio = float(mpmath.exp(log_exact - mpmath.log(kramers(D))))
        rows.append({"D": D, "log_exact_mfpt": log_exact, "log_kramers": float(mpmath.log(kramers(D))),
                     "ratio": ratio, "ratio_error": ratio * relative_error, "(ratio-1)/D": (ratio - 1) / D})
    deviations = [abs(r["ratio"] - 1) for r in rows]
    monotone = all(later < earlier for earlier, later in zip(deviations, deviations[1:]))
    small = [r for r in rows if r["D"] <= params["fit_below"]]
    D_small = np.array([r["D"] for r in small])
    ratio_small = np.array([r["ratio"] for r in small])
    fits = {deg: np.polynomial.polynomial.polyfit(D_small, ratio_small, deg) for deg in (3, 4)}
    intercept, slope = fits[4][0], fits[4][1]
    # truncation uncertainty of the asymptotic fit: how much the answer moves when one more order is fitted
    u_intercept, u_slope = abs(fits[4][0] - fits[3][0]), abs(fits[4][1] - fits[3][1])
    tol_intercept, tol_slope = params["intercept_tolerance"], params["slope_tolerance"] * abs(derived_c)
    return {"rows": rows, "fit": {"ratio at D->0": intercept, "uncertainty": u_intercept,
                                  "slope d(ratio)/dD": slope, "slope uncertainty": u_slope,
                                  "derived slope c (Laplace)": derived_c,
                                  "tolerances": {"intercept": tol_intercept, "slope": tol_slope},
                                  "fitted on D <=": params["fit_below"]},
            "monotone approach to 1": monotone}


# ------------------------------------------------------------------------------ Monte Carlo
def mc_vs_exact(context: Context, params: dict) -> Finding:
    """Monte Carlo mean exit time against the exact MFPT, at two D and two step sizes.

    Tolerance policy: Euler-Maruyama with discrete monitoring exits late, by the first-order amount b(dt) = T(r +
    beta sigma sqrt(dt)) - T(r) (boundary shift, beta = -zeta(1/2)/sqrt(2 pi); Broadie, Glasserman & Kou 1997),
    which numerics.sde.bias.predicted_euler_bias computes by quadrature. The check requires the simulated bias m - T
    to lie within [0.5 b, 1.5 b] (the stated discretisation tolerance: higher-order terms up to half the leading
    one) widened by z standard errors, z chosen so that a correct engine fails with probability below
    params["false_alarm"] over all runs.
    """
    runs = [(D, dt) for D in params["temperatures"] for dt in params["steps"]]
    z = normal_quantile(1 - params["false_alarm"] / len(runs))
    rows, passed = [], True
    for i, (D, dt) in enumerate(runs):
        model = DOUBLE_WELL.bind(D=D)
        exact = float(mean_exit_time(model))
        predicted_bias = predicted_euler_bias(model, dt, exact=exact)
        sim = simulate_exit(model, n_paths=params["n_paths"], dt=dt, max_time=params["max_time"],
                            seed=context.seed + i, device=context.device, progress=context.progress)
        bias, se = sim.mean - exact, sim.stderr
        low, high = euler_bias_band(predicted_bias, z, se)
        ok = low <= bias <= high
        passed &= ok
        rows.append({"D": D, "dt": dt, "exact": exact, "mc_mean": sim.mean, "mc_stderr": se,
                     "mc_ci95": list(sim.ci(0.95)), "bias": bias, "predicted_bias": predicted_bias,
                     "relative_bias": bias / exact, "allowed": [low, high], "pass": ok, "seed": context.seed + i,
                     "paths": sim.n_paths, "path_steps_per_s": sim.path_steps_per_second, "device": sim.device})
    shrink = [_bias_shrink(rows, D, max(params["steps"]) / min(params["steps"])) for D in params["temperatures"]]
    evidence = {"runs": rows, "step-size bias": shrink, "z": z,
                "confidence": f"a correct engine fails this check with probability < {params['false_alarm']:g}"}
    if passed:
        return Finding(Verdict.VERIFIED, "Monte Carlo matches the exact MFPT within z*SE plus the predicted "
                       f"discretisation bias at all {len(runs)} (D, dt)", evidence)
    return Finding(Verdict.REFUTED, "Monte Carlo and the exact MFPT disagree beyond the stated tolerance", evidence)


def _bias_shrink(rows: list[dict], D: float, dt_ratio: float) -> dict:
    """How much the bias drops from the largest to the smallest step, in standard errors."""
    small, large = _extreme_steps(rows, D)
    drop = large["bias"] - small["bias"]
    drop_se = math.hypot(large["mc_stderr"], small["mc_stderr"])
    return {"D": D, "bias at largest dt": large["bias"], "bias at smallest dt": small["bias"],
            "drop": drop, "drop in standard errors": drop / drop_se,
            "first-order prediction of the drop": large["predicted_bias"] - small["predicted_bias"],
            "sqrt(dt) ratio": math.sqrt(dt_ratio)}


def _extreme_steps(rows: list[dict], D: float) -> tuple[dict, dict]:
    mine = sorted((r for r in rows if r["D"] == D), key=lambda r: r["dt"])
    return mine[0], mine[-1]


def exit_sides(context: Context, params: dict) -> Finding:
    """Two absorbing ends: simulated exit-side frequency and mean exit time against the quadrature of
    the derived formulas (theory.diffusion1d.exit_probability / mean_exit_time), same tolerance policy."""
    D, dt = params["D"], params["dt"]
    lower, upper, start = params["interval"][0], params["interval"][1], params["start"]
    template = Model.overdamped_langevin("double well between two absorbing ends", DOUBLE_WELL.potential,
                                         DOUBLE_WELL.state, sp.Symbol("D", positive=True),
                                         Interval(lower, upper), start=(start,))
    model = template.bind(D=D)
    exact_p, exact_t = float(exit_probability(model)), float(mean_exit_time(model))
    bias_p = predicted_euler_bias(model, dt, exit_probability, exact=exact_p)
    bias_t = predicted_euler_bias(model, dt, exact=exact_t)
    sim = simulate_exit(model, n_paths=params["n_paths"], dt=dt, max_time=params["max_time"], seed=context.seed,
                        device=context.device, progress=context.progress)
    p_hat = sim.side_probability("upper")[0]
    se_p = math.sqrt(max(p_hat * (1 - p_hat), 1e-12) / sim.n_paths)
    z = normal_quantile(1 - params["false_alarm"] / 2)
    checks = {
        "P(exit upper)": (p_hat - exact_p, se_p, bias_p),
        "mean exit time": (sim.mean - exact_t, sim.stderr, bias_t),
    }
    rows, passed = [], True
    for name, (gap, se, predicted) in checks.items():
        low, high = euler_bias_band(predicted, z, se)
        ok = low <= gap <= high
        passed &= ok
        rows.append({"quantity": name, "gap (mc - exact)": gap, "stderr": se, "predicted bias": predicted,
                     "allowed": [low, high], "pass": ok})
    evidence = {"exact P(exit upper)": exact_p, "mc P(exit upper)": p_hat, "exact mean": exact_t,
                "mc mean": sim.mean, "rows": rows, "z": z, "simulation": sim.summary(),
                "confidence": f"a correct engine fails this check with probability < {params['false_alarm']:g}"}
    verdict = Verdict.VERIFIED if passed else Verdict.REFUTED
    return Finding(verdict, f"P(upper) {p_hat:.4f} vs exact {exact_p:.4f}; mean {sim.mean:.4f} vs {exact_t:.4f}",
                   evidence)


# ------------------------------------------------------------------------------ plots
def plot_ratio(outcome: Outcome):
    import matplotlib.pyplot as plt

    rows = outcome.evidence["rows"]
    fit = outcome.evidence["fit"]
    D = np.array([r["D"] for r in rows])
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.errorbar(D, [r["ratio"] for r in rows], yerr=[r["ratio_error"] for r in rows], fmt="o",
                label="exact MFPT / Kramers (quadrature)")
    grid = np.geomspace(D.min(), D.max(), 100)
    ax.plot(grid, 1 + fit["derived slope c (Laplace)"] * grid, "--", label="1 + c D (derived)")
    ax.axhline(1, color="grey", lw=0.8)
    ax.set(xscale="log", xlabel="D", ylabel="ratio", title="Kramers' law: exact / asymptotic")
    ax.legend()
    return fig


def plot_mc(outcome: Outcome):
    import matplotlib.pyplot as plt

    rows = outcome.evidence["runs"]
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, D in enumerate(sorted({r["D"] for r in rows})):
        mine = sorted((r for r in rows if r["D"] == D), key=lambda r: r["dt"])
        dt = np.array([r["dt"] for r in mine])
        ax.errorbar(np.sqrt(dt), [r["bias"] / r["exact"] for r in mine],
                    yerr=[1.96 * r["mc_stderr"] / r["exact"] for r in mine], fmt="o", capsize=3, color=f"C{i}",
                    label=f"Monte Carlo (95% CI), D={D}")
        ax.plot(np.sqrt(dt), [r["predicted_bias"] / r["exact"] for r in mine], "x--", color=f"C{i}",
                label=f"boundary-shift prediction, D={D}")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel="sqrt(dt)", ylabel="(MC mean - exact) / exact", title="Euler exit-time bias vs step size")
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------------------------------------ registration
register_check(Check("kramers.gibbs_stationary", ("kramers.gibbs_density",), "symbolic",
                     "Gibbs density solves the stationary Fokker-Planck equation of the Model",
                     gibbs_stationary, suites=FAMILY_SUITES, basis=Basis.MODEL))
register_check(Check("kramers.exact_mfpt_generator", ("kramers.exact_mfpt",), "symbolic",
                     "derived MFPT satisfies L T = -1 and the boundary condition", exact_mfpt_generator,
                     suites=FAMILY_SUITES, basis=Basis.MODEL))
# a SymPy limit of one instantiation of Kramers' law against another: mathematics, not the truth of either. The
# tilted double well's Kramers time (Kramers 1940, tilted quartic of theory.kramers) tends, as the tilt c -> 0, to the
# symmetric one
identity_checks([Identity(SYMMETRIC_QUARTIC_TIME, lambda: ASYMMETRIC_QUARTIC_TIME.limit(tilt, 0),
                          "limit c -> 0 of the tilted well vs the symmetric well", Basis.MATHEMATICS, FAMILY_SUITES,
                          id="kramers.asymmetric_limit", method="limit",
                          claims=("kramers.asymmetric_quartic_time", "kramers.symmetric_quartic_time"),
                          description="tilt -> 0 limit of the tilted double well's Kramers time")])
register_check(Check("kramers.asymmetric_ratio", ("kramers.asymmetric_quartic_time",), "quadrature",
                     "exact MFPT / Kramers -> 1 as D -> 0 on the tilted double well", asymmetric_ratio,
                     params={"tilt": 0.3, "temperatures": [0.05, 0.02, 0.01, 0.005, 0.002, 0.001],
                             "fit_below": 0.01, "tolerance": 1e-3},
                     suites=FAMILY_SUITES))
RATIO_PARAMS = {"temperatures": [0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002],
                "fit_below": 0.01, "intercept_tolerance": 1e-4, "slope_tolerance": 1e-2}
register_check(Check("kramers.asymptotic_ratio", ("kramers.mean_escape_time", "kramers.symmetric_quartic_time"),
                     "quadrature", "exact MFPT / Kramers -> 1 as D -> 0 on the double well", asymptotic_ratio,
                     params=RATIO_PARAMS, suites=FAMILY_SUITES, plot=plot_ratio))
# the same quadrature judges the instance of the law for this potential (one claim per verdict)
register_check(Check("kramers.symmetric_ratio", ("kramers.symmetric_quartic_time", "kramers.mean_escape_time"),
                     "quadrature", "exact MFPT / the double well's Kramers time -> 1 as D -> 0", asymptotic_ratio,
                     params=RATIO_PARAMS, suites=FAMILY_SUITES))
register_check(Check("kramers.correction_slope", ("kramers.symmetric_quartic_correction", "kramers.mean_escape_time"),
                     "quadrature", "slope of exact MFPT / Kramers at D -> 0 vs the derived Laplace correction",
                     correction_slope, params=RATIO_PARAMS, suites=FAMILY_SUITES, plot=plot_ratio))
register_check(Check("kramers.mc_vs_exact", ("kramers.exact_mfpt",), "montecarlo",
                     "Monte Carlo mean exit time vs the exact MFPT at two D and two step sizes", mc_vs_exact,
                     params={"temperatures": [0.5, 0.25], "steps": [0.04, 0.0025], "n_paths": 200_000,
                             "max_time": 5000.0, "false_alarm": 1e-4},
                     suite_params={"quick": {"n_paths": 12_000}}, suites=FAMILY_SUITES, seed=2026, plot=plot_mc))
register_check(Check("kramers.exit_sides", ("kramers.exact_mfpt",), "montecarlo",
                     "exit side and mean exit time between two absorbing ends vs quadrature", exit_sides,
                     params={"D": 0.3, "dt": 0.005, "interval": [-1.4, 1.2], "start": -0.2, "n_paths": 100_000,
                             "max_time": 2000.0, "false_alarm": 1e-4},
                     suite_params={"quick": {"n_paths": 20_000}}, suites=FAMILY_SUITES, seed=7))
