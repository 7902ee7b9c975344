"""Checks of seed 003 (ibayashi.*): the action, quasi-potentials derived exactly (Lyapunov) and by the minimum-action
solver, the Hamilton-Jacobi equation, and exit-time exponents by exact quadrature."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import sympy as sp

from numerics.exact.quadrature import mean_exit_time
from numerics.rare.quasipotential import minimum_action_path, quasi_potential_on_boundary
from theory import large_deviations as L
from theory.domain import Ball, Interval
from theory.model import Model

from ..check import Check, Context, Finding
from ..kinds import Identity, identity_checks
from ..methods import derived_claim, discretisation_gap, euler_bias_band, identity_finding
from ..outcome import Basis, Verdict
from ..suite import register_check

QUICK = ("quick", "large_deviations")
FAMILY = ("large_deviations",)
SQRT_H = L.HESSIAN.applyfunc(sp.sqrt)


def _double_well_proximal() -> Model:
    """A non-quadratic gradient system with unit noise: L = (x^2 - 1)^2 / 4 + y^2 / 2 + x y / 4 near (-1, y*)."""
    x, y = sp.symbols("x y", real=True)
    loss = (x**2 - 1) ** 2 / 4 + y**2 / 2 + x * y / 4
    return Model("2-D double well, C = I", (x, y), sp.Matrix([-sp.diff(loss, x), -sp.diff(loss, y)]), sp.eye(2),
                 Ball((0, 0), 5), (-1, 0), potential=loss)


def lemma3_solver(context: Context, params: dict) -> Finding:
    """The minimum-action solver on a non-quadratic gradient system with C = I, where Lemma 3's argument gives
    V = 2 (L - L*) exactly: the solver's V at several points against 2 (L - L*) (validates Lemma 3 beyond the
    quadratic case and the solver beyond linear drift)."""
    from scipy.optimize import minimize

    model = _double_well_proximal()
    loss = sp.lambdify(model.state, model.potential, "numpy")
    minimum = minimize(lambda p: loss(*p), [-1.0, 0.2]).x
    rows = []
    for point in params["points"]:
        result = minimum_action_path(model, minimum, point, n_points=params["n_points"])
        exact = 2 * (loss(*point) - loss(*minimum))
        rows.append({"point": point, "solver V": result.action, "2 (L - L*)": float(exact),
                     "relative error": abs(result.action - exact) / exact,
                     "solver's error estimate (change from n to 2n - 1 points)": result.change_last_round,
                     "action evaluations": result.evaluations})
    worst = max(r["relative error"] for r in rows)
    evidence = {"minimum": minimum.tolist(), "rows": rows, "tolerance (relative)": params["tolerance"],
                "model": "L = (x^2 - 1)^2/4 + y^2/2 + x y/4, C = I"}
    if worst <= params["tolerance"]:
        return Finding(Verdict.VERIFIED, f"the solver's quasi-potential equals 2 (L - L*) within {worst:.1e} on a "
                       "non-quadratic loss", evidence)
    return Finding(Verdict.REFUTED, f"the solver differs from 2 (L - L*) by up to {worst:.1e}", evidence)


def prop1_quadrature(context: Context, params: dict) -> Finding:
    """Proposition 1 against exact exit times of the proximal system (eq. 4, C = 1) in 1-D on D = {L < Delta_L} =
    (-r, r): eps^2 ln E tau by quadrature, extrapolated to eps -> 0, against Delta_L (stated) and 2 Delta_L."""
    rows = _one_d_exponents(curvature=params["curvature"], covariance=1, half_width=params["half_width"],
                            noise_squares=params["eps2"])
    depth = params["curvature"] * params["half_width"] ** 2 / 2
    limit = _extrapolated_limit(rows)
    evidence = {"rows": rows, "extrapolated limit": limit, "Delta_L = h r^2 / 2": depth,
                "fit": "V_0 + a eps^2 + b eps^2 ln eps^2", "tolerance": params["tolerance"]}
    if abs(limit - depth) <= params["tolerance"]:
        return Finding(Verdict.VERIFIED, f"eps^2 ln E tau extrapolates to {limit:.4f} = Delta_L", evidence)
    if abs(limit - 2 * depth) <= params["tolerance"]:
        return Finding(Verdict.REFUTED, f"eps^2 ln E tau of the proximal system extrapolates to {limit:.4f} = "
                       f"2 Delta_L, not Delta_L = {depth:g}", evidence,
                       correction=_correction(L.PROPOSITION_1_DERIVED.id))
    return Finding(Verdict.INCONCLUSIVE, f"eps^2 ln E tau extrapolates to {limit:.4f}: neither Delta_L nor 2 Delta_L",
                   evidence)


def _one_d_exponents(curvature, covariance, half_width, noise_squares) -> list[dict]:
    """eps^2 ln E tau for d theta = -h theta dt + eps sqrt(c) dW on (-r, r), from 0, by exact quadrature (each value
    cached: a statement and its derived replacement are judged on the same numbers)."""
    return [{"eps^2": float(e2), "eps^2 ln E tau": float(e2) * _log_exit_time(curvature, covariance, half_width, e2)}
            for e2 in noise_squares]


@lru_cache(maxsize=256)
def _log_exit_time(curvature, covariance, half_width, noise_square) -> float:
    return float(mean_exit_time(L.one_dimensional_quadratic(curvature, covariance, noise_square, half_width)).log_value)


def _extrapolated_limit(rows: list[dict]) -> float:
    """Fit eps^2 ln E tau = V_0 + a eps^2 + b eps^2 ln eps^2 (the form of the prefactor's correction) by least
    squares and return V_0."""
    e2 = np.array([r["eps^2"] for r in rows])
    values = np.array([r["eps^2 ln E tau"] for r in rows])
    design = np.stack([np.ones_like(e2), e2, e2 * np.log(e2)], axis=1)
    return float(np.linalg.lstsq(design, values, rcond=None)[0][0])


def thm1(context: Context, params: dict) -> Finding:
    """1-D continuous SGD with C = h: V(theta) = theta^2 (exact), V_0 = r^2; eps^2 ln E tau by exact quadrature,
    extrapolated to eps -> 0 with the prefactor's correction form, against V_0."""
    rows = _one_d_exponents(params["curvature"], params["curvature"], params["half_width"], params["eps2"])
    theta, h = sp.Symbol("theta", real=True), sp.nsimplify(params["curvature"])
    v0 = float(L.one_dimensional_quasi_potential(-h * theta, h, theta, 0, sp.nsimplify(params["half_width"])))
    limit = _extrapolated_limit(rows)
    evidence = {"V_0 = r^2 (exact quasi-potential theta^2)": v0, "rows": rows, "extrapolated limit": limit,
                "fit": "V_0 + a eps^2 + b eps^2 ln eps^2", "tolerance": params["tolerance"]}
    if abs(limit - v0) <= params["tolerance"]:
        return Finding(Verdict.VERIFIED, f"eps^2 ln E tau extrapolates to {limit:.4f}; V_0 = {v0:g}", evidence)
    return Finding(Verdict.REFUTED, f"eps^2 ln E tau extrapolates to {limit:.4f}, not V_0 = {v0:g}", evidence)


def thm2(context: Context, params: dict) -> Finding:
    """The exact quasi-potential of continuous SGD with C = H (Lyapunov), its minimum on the level set, and the
    minimum-action solver's V_0 at a numeric H, against Theorem 2's 2 lambda_max^(-1/2) Delta_L."""
    v0 = L.level_set_exit_exponent(L.HESSIAN)
    finding = identity_finding(L.THEOREM_2_CENTRE, derived_claim(L.THEOREM_2_CENTRE, v0.result, v0, "exact V_0"),
                               "Theorem 2 vs V_0 of the exact quasi-potential (C = H, D = {L < Delta_L})",
                               replacement=L.THEOREM_2_DERIVED.id)
    with_paper_action = L.level_set_exit_exponent(SQRT_H).result
    finding.evidence["the same derivation with 003's C^-1/2 weighting"] = with_paper_action
    finding.evidence["exact quasi-potential V(theta)"] = v0.steps[0].expression
    lam_big, lam_small, depth = params["lambda_max"], params["lambda_min"], params["Delta_L"]
    model = L.continuous_sgd(sp.diag(sp.nsimplify(lam_big), sp.nsimplify(lam_small)), noise=1, boundary_radius=10)
    semi = (math.sqrt(2 * depth / lam_big), math.sqrt(2 * depth / lam_small))
    solved = quasi_potential_on_boundary(model, [0.0, 0.0], lambda u: (semi[0] * math.cos(2 * math.pi * u),
                                                                       semi[1] * math.sin(2 * math.pi * u)),
                                         samples=params["samples"], n_points=params["n_points"])
    values = {L.lam_max: lam_big, L.lam_min: lam_small, L.Delta_L: depth}
    finding.evidence["solver V_0 (numeric H)"] = solved["V_0"]
    finding.evidence["exact V_0 at that H"] = float(v0.result.subs(values))
    finding.evidence["Theorem 2 at that H"] = float(L.THEOREM_2_CENTRE.rhs.subs(values))
    finding.evidence["solver relative error"] = abs(solved["V_0"] - float(v0.result.subs(values))) / float(
        v0.result.subs(values))
    finding.evidence["parameters"] = {"lambda_max": lam_big, "lambda_min": lam_small, "Delta_L": depth}
    return finding


def _lambda_sweep(params: dict) -> tuple[list[dict], float, float]:
    """V_0 extrapolated from exact exit times of 1-D continuous SGD with C = H = lambda on D = {L < Delta_L} for each
    lambda (quadrature values cached), and the least-squares slope of ln V_0 on ln lambda with its standard error."""
    depth = params["Delta_L"]
    rows = []
    for lam in params["lambdas"]:
        half = math.sqrt(2 * depth / lam)
        limit = _extrapolated_limit(_one_d_exponents(lam, lam, half, params["eps2"]))
        rows.append({"lambda": lam, "r": half, "V_0 extrapolated": limit, "2 Delta_L / lambda": 2 * depth / lam,
                     "Theorem 2: 2 Delta_L lambda^-1/2": 2 * depth / math.sqrt(lam)})
    x = np.log(params["lambdas"])
    y = np.log([r["V_0 extrapolated"] for r in rows])
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    slope_se = float(math.sqrt(residual @ residual / (len(x) - 2) / ((x - x.mean()) @ (x - x.mean()))))
    return rows, float(slope), slope_se


def thm2_exponent(context: Context, params: dict) -> Finding:
    """The exponent of lambda_max in V_0 at fixed depth Delta_L, from exact exit times: 1-D continuous SGD with C = H =
    lambda on D = {L < Delta_L} = (-r, r), r = sqrt(2 Delta_L / lambda); eps^2 ln E tau by quadrature, extrapolated
    to eps -> 0 for each lambda, then a least-squares slope of ln V_0 on ln lambda with its standard error."""
    depth = params["Delta_L"]
    rows, slope, slope_se = _lambda_sweep(params)
    evidence = {"rows": rows, "fitted exponent of lambda_max": float(slope), "standard error": slope_se,
                "stated exponent": -0.5, "derived exponent": -1.0, "Delta_L": depth,
                "tolerance on the exponent (extrapolation)": params["tolerance"]}
    if abs(slope + 1) <= params["tolerance"] + 4 * slope_se and abs(slope + 0.5) > params["tolerance"] + 4 * slope_se:
        return Finding(Verdict.REFUTED, f"exact exit times give V_0 ∝ lambda_max^{slope:.3f} (SE {slope_se:.1e}) at fixed "
                       "Delta_L: the derived -1, not Theorem 2's -1/2", evidence,
                       correction=_correction(L.THEOREM_2_DERIVED.id))
    return Finding(Verdict.INCONCLUSIVE, f"fitted exponent {slope:.3f} does not separate -1 from -1/2", evidence)


def table1_xie(context: Context, params: dict) -> Finding:
    """Orders: the derived V_0 = 2 Delta_L / lambda_max against Xie et al.'s Delta_L / lambda_bar at lambda_bar =
    lambda_max; a constant ratio means the same order."""
    derived = L.level_set_exit_exponent(L.HESSIAN).result
    ratio = sp.simplify(derived / L.TABLE_1_XIE.rhs.subs(L.lam_bar, L.lam_max))
    evidence = {"derived V_0": derived, "Xie et al. at lambda_bar = lambda_max": L.TABLE_1_XIE.rhs.subs(L.lam_bar, L.lam_max),
                "ratio": ratio, "Theorem 2 (003) / derived": sp.simplify(L.THEOREM_2_CENTRE.rhs / derived)}
    if ratio.is_number:
        return Finding(Verdict.VERIFIED, f"same order as the derived V_0 (ratio {ratio}, a constant); 003's own row "
                       "differs from it by lambda_max^(1/2)", evidence)
    return Finding(Verdict.REFUTED, f"the ratio to the derived V_0 is {ratio}, not a constant", evidence)


def _sec5_sweep(params: dict) -> tuple[list[dict], dict]:
    """V_0 extrapolated from exact exit times over the a x b grid of sec. 5's transformations, for SGD-like noise
    (C = H) and the proximal system (C = 1) (quadrature values cached), and the fitted exponents of a and b."""
    base_h, depth = params["curvature"], params["Delta_L"]
    rows = []
    for noise in ("SGD (C = H)", "proximal (C = 1)"):
        for a in params["values"]:
            for b in params["values"]:
                h = a * b * base_h
                half = math.sqrt(2 * b * depth / h)          # level set L = b Delta_L of b h' theta^2 / 2
                c = h if noise.startswith("SGD") else 1.0
                eps2 = [e * c * half**2 for e in params["relative_eps2"]]  # same eps^2 / (c r^2) grid for every case
                rows.append({"noise": noise, "a": a, "b": b,
                             "V_0": _extrapolated_limit(_one_d_exponents(h, c, half, eps2))})
    fits = {}
    for noise in ("SGD (C = H)", "proximal (C = 1)"):
        mine = [r for r in rows if r["noise"] == noise]
        design = np.stack([np.ones(len(mine)), np.log([r["a"] for r in mine]), np.log([r["b"] for r in mine])], axis=1)
        log_v = np.log([r["V_0"] for r in mine])
        coefficients = np.linalg.lstsq(design, log_v, rcond=None)[0]
        fits[noise] = {"exponent of a": float(coefficients[1]), "exponent of b": float(coefficients[2]),
                       # Pearson correlations as 003 sec. 5 reports them (over the a x b grid)
                       "Pearson r(ln V_0, ln a)": float(np.corrcoef(design[:, 1], log_v)[0, 1]),
                       "Pearson r(ln V_0, ln b)": float(np.corrcoef(design[:, 2], log_v)[0, 1])}
    return rows, fits


def sec5_transformations(context: Context, params: dict) -> Finding:
    """Sharpness a and depth b (L -> b L(sqrt(a) theta), D = {L < Delta_L} kept as a level set of the transformed
    loss) on the 1-D quadratic, exit exponents from exact quadrature for SGD-like noise (C = H, scaling with a b)
    and for the proximal system (C = 1): fitted exponents of a and b in V_0 against Theorem 3 and Proposition 1."""
    rows, fits = _sec5_sweep(params)
    evidence = {"rows": rows, "base curvature": params["curvature"], "Delta_L": params["Delta_L"],
                "fitted exponents": fits}
    a, b = L.sharpness_a, L.depth_b

    def exponents(v0: sp.Expr) -> list:
        return [sp.simplify(a * sp.diff(sp.log(v0), a)), sp.simplify(b * sp.diff(sp.log(v0), b))]
    # L -> b L(sqrt(a) theta): H -> a b H, Delta_L -> b Delta_L; SGD-like noise scales with the Hessian, C -> a b H
    transformed = {"SGD (C = H)": L.level_set_exit_exponent(a * b * L.HESSIAN, a * b * L.HESSIAN, b * L.Delta_L).result,
                   "proximal (C = 1)": L.level_set_exit_exponent(sp.eye(2), a * b * L.HESSIAN, b * L.Delta_L).result}
    derived = {noise: exponents(v0) for noise, v0 in transformed.items()}
    evidence["stated (Thm 3 for SGD, Prop. 1 for proximal)"] = {"SGD (C = H)": exponents(L.SEC5_SHARPNESS_DEPTH.rhs),
                                                                "proximal (C = 1)": exponents(
                                                                    L.PROPOSITION_1.rhs.subs(L.Delta_L, b * L.Delta_L))}
    evidence["derived (exact quasi-potentials)"] = derived
    tol = params["tolerance"]
    sgd, proximal = fits["SGD (C = H)"], fits["proximal (C = 1)"]
    derived_ok = all(abs(fits[noise][f"exponent of {name}"] - float(value)) < tol
                     for noise, values in derived.items() for name, value in zip("ab", values))
    if not derived_ok:
        return Finding(Verdict.INCONCLUSIVE, "the exact exponents do not settle on the derived ones", evidence)
    # what holds in this toy model is not printed as a correction: it keeps C = H after the transformation (C -> a b H),
    # while the gradient covariance of the transformed loss scales as a b^2 C, and SGD on b L(sqrt(a) theta) at eta is
    # SGD on L at a b eta (networks.ibayashi_sgd_sweeps, which judges this claim on a network): the two readings give
    # different forms, so the correct form is not known here
    evidence["what would hold (toy model, C -> a b H)"] = sp.simplify(transformed["SGD (C = H)"])
    evidence["why it is not a correction"] = (
        "the toy model keeps Assumption 2 (C = H) after L -> b L(sqrt(a) theta); the gradient covariance of the "
        "transformed loss is a b^2 C, under which the exit law depends on a b eta only (networks.ibayashi_sgd_sweeps): "
        "the readings disagree about the depth b, so no replacement is stated")
    return Finding(Verdict.REFUTED, f"SGD-like noise: V_0 ∝ a^{sgd['exponent of a']:.3f} b^{sgd['exponent of b']:.3f} "
                   "(Thm 3: a^-1/2 b^1/2; with C = H scaling, depth alone does not change the exponent); proximal: "
                   f"a^{proximal['exponent of a']:.3f} b^{proximal['exponent of b']:.3f}, as Prop. 1's form (with 2 Delta_L)",
                   evidence)


def solver_state_dependent(context: Context, params: dict) -> Finding:
    """A non-quadratic loss with state-dependent noise, 1-D so that three answers exist: the minimum-action solver,
    the exact 1-D quasi-potential int 2|b|/a, and eps^2 ln E tau from exact exit times extrapolated to eps -> 0
    (Theorem 1). L = (x^2 - 1)^2/4, a(x) = 1 + x^2, from the minimum -1 to the saddle 0."""
    x = sp.Symbol("x", real=True)
    loss = (x**2 - 1) ** 2 / 4
    noise = 1 + x**2
    exact = float(L.one_dimensional_quasi_potential(-sp.diff(loss, x), noise, x, -1, 0))
    model = Model("1-D double well, a = 1 + x^2", (x,), sp.Matrix([-sp.diff(loss, x)]), sp.Matrix([[sp.sqrt(noise)]]),
                  Interval(-sp.oo, 0), (-1,), potential=loss)
    solved = minimum_action_path(model, [-1.0], [0.0], n_points=params["n_points"])
    rows = []
    for e2 in params["eps2"]:
        scaled = Model("scaled", (x,), model.drift, sp.Matrix([[sp.sqrt(sp.nsimplify(e2) * noise)]]),
                       Interval(-sp.oo, 0), (-1,))
        rows.append({"eps^2": e2, "eps^2 ln E tau": e2 * mean_exit_time(scaled).log_value})
    limit = _extrapolated_limit(rows)
    evidence = {"exact int 2|b|/a": exact, "solver V_0": solved.action,
                "solver's error estimate": solved.change_last_round, "exit times: rows": rows,
                "exit times: extrapolated eps^2 ln E tau": limit, "tolerance": params["tolerance"]}
    solver_error = abs(solved.action - exact) / exact
    limit_error = abs(limit - exact) / exact
    evidence["relative errors: solver, exit-time limit"] = [solver_error, limit_error]
    if solver_error <= params["tolerance"] and limit_error <= params["tolerance"]:
        return Finding(Verdict.VERIFIED, f"solver {solved.action:.5f}, exact {exact:.5f}, exit-time limit {limit:.5f}: "
                       "Theorem 1 holds with the quasi-potential of the Freidlin-Wentzell action", evidence)
    return Finding(Verdict.INCONCLUSIVE, "the three values do not agree within the tolerance", evidence)


def montecarlo_sweep(context: Context, params: dict) -> Finding:
    """Monte Carlo mean exit times of 1-D continuous SGD (C = H = h) over a sweep of eps^2 = eta/B that brute force
    can reach, against exact quadrature at the same eps, and the slope of ln E tau on 1/eps^2 against V_0 = r^2.
    At these noise levels the prefactor still tilts the slope; the exact curve shows by how much."""
    from numerics.sde.estimators import normal_quantile
    from numerics.sde.engine import boundary_shift, simulate_exit

    z = normal_quantile(1 - params["false_alarm"] / (2 * len(params["eps2"])))
    rows, agree = [], True
    h_, r_ = params["curvature"], params["half_width"]
    for i, e2 in enumerate(params["eps2"]):
        model = L.one_dimensional_quadratic(h_, h_, e2, r_)
        exact = float(mean_exit_time(model))
        # Euler with discrete monitoring exits late: the first-order bias is the exact time at the shifted boundary
        shift = boundary_shift(math.sqrt(e2 * h_), params["dt"])
        predicted_bias = float(mean_exit_time(L.one_dimensional_quadratic(h_, h_, e2, r_ + shift))) - exact
        sim = simulate_exit(model, n_paths=params["n_paths"], dt=params["dt"], max_time=params["max_time"],
                            seed=context.seed + i, device=context.device, progress=context.progress)
        if sim.n_censored:
            return Finding(Verdict.INCONCLUSIVE, f"{sim.n_censored} paths censored at eps^2 = {e2}", {})
        low, high = euler_bias_band(predicted_bias, z, sim.stderr)
        within = low <= sim.mean - exact <= high
        agree &= within
        rows.append({"eps^2": e2, "MC mean": sim.mean, "stderr": sim.stderr, "exact": exact,
                     "predicted Euler bias": predicted_bias, "bias within [0.5, 1.5] x predicted +- z SE": within})
    inverse = np.array([1 / r["eps^2"] for r in rows])
    mc_slope = float(np.polyfit(inverse, np.log([r["MC mean"] for r in rows]), 1)[0])
    exact_slope = float(np.polyfit(inverse, np.log([r["exact"] for r in rows]), 1)[0])
    evidence = {"rows": rows, "slope of ln E tau on 1/eps^2: MC, exact": [mc_slope, exact_slope],
                "V_0 = r^2": params["half_width"] ** 2,
                "Euler tolerance": "simulated bias within [0.5, 1.5] x the boundary-shift prediction, +- z SE",
                "dt": params["dt"], "reach": "brute force reaches E tau ~ 1e2-1e3 here; smaller eta/B needs the "
                                             "rare-event estimator of a later issue",
                "confidence": f"two-sided at 1 - {params['false_alarm']:g} over all rows"}
    if not agree:
        return Finding(Verdict.ERROR, "Monte Carlo and the exact quadrature disagree", evidence)
    return Finding(Verdict.VERIFIED, f"Monte Carlo matches the exact exit times at every eps; their slope "
                   f"{mc_slope:.3f} (exact {exact_slope:.3f}) approaches V_0 = {params['half_width'] ** 2:g} only as "
                   "eps -> 0 (prefactor), as the extrapolated quadrature shows (ibayashi.thm1)", evidence)


def plot_exponent(outcome):
    import matplotlib.pyplot as plt

    rows = outcome.evidence["rows"]
    lam = [r["lambda"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(lam, [r["V_0 extrapolated"] for r in rows], "o", label="exact exit times, eps -> 0")
    ax.plot(lam, [r["2 Delta_L / lambda"] for r in rows], "-", label="derived 2 Delta_L / lambda_max")
    ax.plot(lam, [r["Theorem 2: 2 Delta_L lambda^-1/2"] for r in rows], "--", label="003 Thm 2: 2 Delta_L lambda_max^-1/2")
    ax.set(xscale="log", yscale="log", xlabel="lambda_max (C = H)", ylabel="V_0 = lim (eta/B) ln E tau",
           title="sharpness and the exit exponent at fixed depth")
    ax.legend(fontsize=8)
    return fig


def table1_jastrzebski(context: Context, params: dict) -> Finding:
    """Isotropic noise (C = I): the derived V_0 = 2 Delta_L (Lemma 3 + Theorem 1, exact) against Delta_L: a constant
    ratio is the same order."""
    derived = L.level_set_exit_exponent(sp.eye(2)).result
    ratio = sp.simplify(derived / L.TABLE_1_JASTRZEBSKI.rhs)
    evidence = {"derived V_0 (C = I)": derived, "ratio": ratio}
    if ratio.is_number:
        return Finding(Verdict.VERIFIED, f"same order as the derived V_0 for isotropic noise (ratio {ratio})", evidence)
    return Finding(Verdict.REFUTED, f"ratio {ratio} is not a constant", evidence)


def lemma5(context: Context, params: dict) -> Finding:
    """Discrete SGD (Euler steps eta) against continuous SGD at a fixed noise scale eps^2 = eta/B (B grows with
    1/eta): the gap of the mean exit times over step sizes, and its fitted power (Lemma 5: 1/2)."""
    model = L.one_dimensional_quadratic(params["curvature"], params["curvature"], params["eps2"], params["half_width"])
    evidence = discretisation_gap(model, params["steps"], n_paths=params["n_paths"], max_time=params["max_time"],
                                  false_alarm=params["false_alarm"], context=context)
    if not evidence.get("gaps resolved (each > z SE)"):
        return Finding(Verdict.INCONCLUSIVE, "the gaps are not resolved from zero (or paths were censored)", evidence)
    slope = evidence["fitted power of the step in the gap"]
    tolerance = params["tolerance"]
    evidence["tolerance on the power (stated)"] = tolerance
    if abs(slope - 0.5) <= tolerance:
        return Finding(Verdict.VERIFIED, f"E[nu] - E[tau] ∝ eta^{slope:.2f}: the stated order 1/2", evidence)
    return Finding(Verdict.REFUTED, f"E[nu] - E[tau] ∝ eta^{slope:.2f}, not eta^(1/2)", evidence)


def thm4(context: Context, params: dict) -> Finding:
    exact = L.exact_quasi_potential(L.HESSIAN).result
    residual = L.hamilton_jacobi(exact, SQRT_H)
    evidence = {"exact V (C = H)": exact, "residual in 003's equation (weight C^1/2)": residual,
                "residual with the Freidlin-Wentzell weight C": L.hamilton_jacobi(exact, L.HESSIAN),
                "003's equation is solved by": L.exact_quasi_potential(SQRT_H).result}
    if residual != 0:
        return Finding(Verdict.REFUTED, "the exact quasi-potential does not solve Theorem 4's equation (residual "
                       f"{residual}); it solves 1/2 grad V^T C grad V - grad L^T grad V = 0", evidence,
                       correction=_correction(L.HJ_DERIVED.id))
    return Finding(Verdict.VERIFIED, "the exact quasi-potential solves Theorem 4's equation", evidence)


# ------------------------------------------------------------------------------ identities (verify.kinds.Identity)
def _prop1_derivation():
    """Proposition 1 from what it is said to follow from ('by combining Theorem 1'): Lemma 3's V_hat = 2 (L - L*)
    minimised over the boundary of D = {L < Delta_L} is 2 Delta_L (seed 003, Lemma 3 and Theorem 1)."""
    from theory.derivation import Derivation

    derivation = Derivation("Theorem 1 with Lemma 3's quasi-potential", sp.S.Zero)
    lemma3 = derivation.step("Lemma 3: V_hat = 2 (L - L*)", L.LEMMA_3.rhs)
    derivation.result = derivation.step("V_hat_0 = min over {L = Delta_L} (Theorem 1's V_0)",
                                        L.minimum_on_level_set(lemma3).result)
    return derivation


def _lemma4_at_kappa_1():
    """V_0 of the exact quasi-potential (Lyapunov) with H = C = lambda I (Lemma 4 at kappa = 1)."""
    exact = L.exact_quasi_potential(L.lam_max * sp.eye(2), hessian=L.lam_max * sp.eye(2))
    level = L.minimum_on_level_set(exact.result.subs(L.lam_min, L.lam_max))
    return sp.simplify(level.result.subs(L.lam_min, L.lam_max))


MODEL, PAPER = Basis.MODEL, Basis.PAPER
DEF4 = Identity(L.STEEPNESS, lambda: L.action_density(L.one_dimensional_sgd()).result.subs(
                    sp.Symbol("v_1", real=True), L.v_scalar),
                "Definition 4 vs the Freidlin-Wentzell action of eq. 3", MODEL, QUICK,
                replacement=L.STEEPNESS_DERIVED.id, label="Freidlin-Wentzell, from the Model",
                description="Definition 4 vs the Freidlin-Wentzell action of the Model",
                notes={"diagnosis": "the noise of eq. 3 is sqrt(eta/B) C^(1/2) dW, whose covariance is (eta/B) C: the "
                                    "action weighs by C^-1, not C^-1/2; every later C^(+-1/2) (Lemma 4, Theorem 2, "
                                    "Theorem 4) inherits this"})
LEMMA3 = Identity(L.LEMMA_3, lambda: L.exact_quasi_potential(sp.eye(2)),
                  "Lemma 3 vs the exact quasi-potential of the linear proximal system", MODEL, QUICK, label="Lyapunov",
                  description="Lemma 3 vs the exact quasi-potential (C = I)",
                  notes={"Hamilton-Jacobi residual of 2L (weight I)": lambda _: L.hamilton_jacobi(2 * L.LOSS,
                                                                                                   sp.eye(2))})
PROP1 = Identity(L.PROPOSITION_1, _prop1_derivation, "Proposition 1 vs Theorem 1 with Lemma 3's quasi-potential",
                 PAPER, QUICK, comparators=("ibayashi.lemma3", "ibayashi.thm1"),
                 replacement=L.PROPOSITION_1_DERIVED.id, label="Lemma 3 + Theorem 1",
                 refuted_prefix="does not follow from Theorem 1 + Lemma 3: ",
                 description="Proposition 1 vs Theorem 1 + Lemma 3, from which it is said to follow",
                 notes={"note": "the text after Theorem 2 itself calls 2 Delta_L 'the quasi-potential of the proxy "
                                "system'"})
# discrete SGD: E[nu] - E[tau] = O(sqrt(eta)) (Lemma 5, checked by ibayashi.lemma5) is negligible against
# E[tau] ~ exp(V_0 B/eta), so the discrete exponent is the continuous one, derived exactly
THM3 = Identity(L.THEOREM_3, lambda: L.level_set_exit_exponent(L.HESSIAN),
                "Theorem 3 vs the exact V_0 (the discrete and continuous exponents coincide)", MODEL, QUICK,
                comparators=("ibayashi.lemma5",), replacement=L.THEOREM_3_DERIVED.id, label="exact V_0",
                description="Theorem 3 vs the exact V_0")
DEF5 = Identity(L.DEFINITION_5, lambda: L.exact_quasi_potential(L.HESSIAN),
                "the quasi-potential of Definition 5 (003's action) vs that of the Freidlin-Wentzell action", MODEL,
                QUICK, replacement=L.DEFINITION_5_DERIVED.id, label="Freidlin-Wentzell action",
                description="Definition 5's quasi-potential vs the Freidlin-Wentzell one",
                notes={"003's closed form solves its own Hamilton-Jacobi equation (Thm 4)": lambda _: L.hamilton_jacobi(
                    L.DEFINITION_5.rhs, SQRT_H) == 0})
LEMMA4 = Identity(L.LEMMA_4_AT_KAPPA_1, _lemma4_at_kappa_1, "Lemma 4 at kappa = 1 (the bound is 0) vs the exact V_0",
                  MODEL, QUICK, replacement=L.THEOREM_2_DERIVED.id, label="exact V_0, H = C = lambda I",
                  description="Lemma 4 at kappa = 1 vs the exact V_0")


#: the checks below by id: a replacement's check reuses the parameters of the check that refutes its original, so that
#: both read the same cached computation
ORIGINAL_CHECKS: dict[str, Check] = {check.id: check for check in identity_checks((
    DEF4,
    LEMMA3,
    Check("ibayashi.lemma3_solver", ("ibayashi.lemma3",), "quadrature",
          "minimum-action solver on a non-quadratic gradient system vs 2 (L - L*)", lemma3_solver,
          params={"points": [[-0.4, 0.3], [0.0, 0.1], [-1.6, -0.5]], "n_points": 31, "tolerance": 1e-3},
          suite_params={"full": {"n_points": 41}},
          suites=FAMILY),
    PROP1,
    Check("ibayashi.prop1_quadrature", ("ibayashi.prop1",), "quadrature",
          "Proposition 1 vs exact exit times of the 1-D proximal system, eps -> 0", prop1_quadrature,
          params={"curvature": 2, "half_width": 1, "eps2": [0.1, 0.05, 0.02, 0.01, 0.005], "tolerance": 0.01},
          suites=QUICK),
    Check("ibayashi.thm1", ("ibayashi.thm1",), "quadrature", "eps^2 ln E tau -> V_0 by exact quadrature (1-D)", thm1,
          params={"curvature": 2, "half_width": 1, "eps2": [0.1, 0.05, 0.02, 0.01, 0.005], "tolerance": 0.01},
          suites=QUICK),
    Check("ibayashi.thm2", ("ibayashi.thm2",), "symbolic",
          "Theorem 2 vs the exact V_0 (Lyapunov) and the minimum-action solver", thm2,
          params={"lambda_max": 3.0, "lambda_min": 1.0, "Delta_L": 1.0, "samples": 8, "n_points": 11},
          suites=FAMILY, basis=Basis.MODEL),
    Check("ibayashi.thm2_exponent", ("ibayashi.thm2",), "quadrature",
          "the exponent of lambda_max in V_0 at fixed depth, from exact exit times", thm2_exponent, plot=plot_exponent,
          params={"Delta_L": 0.5, "lambdas": [1.0, 2.0, 4.0, 8.0], "eps2": [0.02, 0.01, 0.005, 0.002, 0.001],
                  "tolerance": 0.02}, suites=QUICK),
    THM3,
    Check("ibayashi.solver_state_dependent", ("ibayashi.thm1",), "quadrature",
          "minimum-action solver, exact 1-D quasi-potential and exit-time limit on a double well with a = 1 + x^2",
          solver_state_dependent, params={"n_points": 21, "eps2": [0.05, 0.02, 0.01, 0.005, 0.002],
                                          "tolerance": 2e-3}, suites=FAMILY),
    Check("ibayashi.mc_sweep", ("ibayashi.thm1",), "montecarlo",
          "Monte Carlo exit times of continuous SGD over eta/B vs exact quadrature, and the slope", montecarlo_sweep,
          params={"curvature": 2.0, "half_width": 1.0, "eps2": [0.5, 0.35, 0.25], "n_paths": 10_000, "dt": 0.002,
                  "max_time": 2000.0, "false_alarm": 1e-4}, suites=FAMILY, seed=14),
    DEF5,
    Check("ibayashi.table1_jastrzebski", ("ibayashi.table1_jastrzebski",), "symbolic",
          "Table 1, Jastrzebski et al.'s order vs the derived V_0 (C = I)", table1_jastrzebski, suites=QUICK,
          basis=Basis.MODEL),
    Check("ibayashi.table1_xie", ("ibayashi.table1_xie", "ibayashi.thm2"), "symbolic",
          "Table 1, Xie et al.'s order vs the derived V_0", table1_xie, suites=QUICK, basis=Basis.MODEL),
    Check("ibayashi.sec5", ("ibayashi.sec5",), "quadrature",
          "sharpness and depth transformations (sec. 5): exponents of a and b from exact exit times", sec5_transformations,
          params={"curvature": 1.0, "Delta_L": 0.5, "values": [1.0, 2.0, 4.0], "relative_eps2": [0.02, 0.01, 0.005, 0.002],
                  "tolerance": 0.02}, suites=FAMILY),
    Check("ibayashi.lemma5", ("ibayashi.lemma5",), "montecarlo",
          "discrete vs continuous SGD exit times over step sizes at fixed eta/B", lemma5,
          params={"curvature": 2.0, "half_width": 1.0, "eps2": 0.5, "steps": [0.04, 0.01, 0.0025], "n_paths": 20_000,
                  "max_time": 500.0, "false_alarm": 1e-4, "tolerance": 0.15}, suites=FAMILY, seed=13),
    LEMMA4,
    Check("ibayashi.thm4", ("ibayashi.thm4",), "symbolic", "Theorem 4's Hamilton-Jacobi equation vs the exact V",
          thm4, suites=QUICK, basis=Basis.MODEL),
))}


# ------------------------------------------------------------------------------ derived replacements
def _correction(claim_id: str) -> dict:
    """The correction a refuted check attaches: a registered replacement with checks of its own below, printed as a
    correction only once they pass (verify.reports.verdicts.correction_status)."""
    from theory import get_claim

    rhs = get_claim(claim_id).rhs
    return {"claim": claim_id, "text": str(rhs), "latex": sp.latex(rhs)}


def _judging(claim) -> tuple:
    """A replacement's check judges the replacement and cites the claims it corrects (so that a report filtered to
    an original runs the checks that can confirm its correction)."""
    return (claim.id, *claim.relations["corrects"])


def hj_replacement(context: Context, params: dict) -> Finding:
    """ibayashi.derived.thm4 solved by the quasi-potential of the Model: lhs - rhs at V' = 2 g / c (the 1-D
    quasi-potential's slope, quasi_potential_slope) and, in 2-D with C = H, the exact quasi-potential in the equation
    with weight C."""
    from ..methods import residual_finding

    slope = L.quasi_potential_slope().result
    claim = L.HJ_DERIVED
    finding = residual_finding({"1-D: lhs - rhs at V' = the quasi-potential's slope":
                                (claim.lhs - claim.rhs).subs(L.V_prime, slope),
                                "2-D, C = H: 1/2 grad V^T C grad V - grad L^T grad V at the exact V":
                                L.hamilton_jacobi(L.sgd_quasi_potential().result, L.HESSIAN)},
                               "ibayashi.derived.thm4 at the quasi-potential of the Model")
    finding.evidence["slope V' (derived)"] = slope
    finding.evidence["the slope is not the trivial root V' = 0"] = slope != 0
    return finding


def prop1_replacement_quadrature(context: Context, params: dict) -> Finding:
    """ibayashi.derived.prop1 against eps^2 ln E tau of the proximal system extrapolated to eps -> 0, on the exact
    exit times that refute Proposition 1 (cached values), with the same tolerance."""
    rows = _one_d_exponents(params["curvature"], 1, params["half_width"], params["eps2"])
    depth = params["curvature"] * params["half_width"] ** 2 / 2
    limit = _extrapolated_limit(rows)
    claimed = float(L.PROPOSITION_1_DERIVED.rhs.subs(L.Delta_L, depth))
    evidence = {"rows": rows, "extrapolated limit": limit, "Delta_L = h r^2 / 2": depth,
                "ibayashi.derived.prop1": claimed, "fit": "V_0 + a eps^2 + b eps^2 ln eps^2",
                "tolerance": params["tolerance"]}
    if abs(limit - claimed) <= params["tolerance"]:
        return Finding(Verdict.VERIFIED, f"eps^2 ln E tau extrapolates to {limit:.4f}; the replacement gives "
                       f"{claimed:g}", evidence)
    return Finding(Verdict.REFUTED, f"eps^2 ln E tau extrapolates to {limit:.4f}, not {claimed:g}", evidence)


def thm2_replacement_quadrature(context: Context, params: dict) -> Finding:
    """ibayashi.derived.thm2 against the exact exit times that refute Theorem 2 (cached values): its exponent of
    lambda_max against the fitted one, with the same tolerance, and its value against V_0 extrapolated at each
    lambda (relative, the same tolerance)."""
    rows, slope, slope_se = _lambda_sweep(params)
    claim = L.THEOREM_2_DERIVED
    exponent = float(sp.simplify(L.lam_max * sp.diff(sp.log(claim.rhs), L.lam_max)))
    for row in rows:
        row["ibayashi.derived.thm2"] = float(claim.rhs.subs({L.lam_max: row["lambda"], L.Delta_L: params["Delta_L"]}))
        row["relative gap"] = abs(row["V_0 extrapolated"] / row["ibayashi.derived.thm2"] - 1)
    tolerance = params["tolerance"]
    evidence = {"rows": rows, "fitted exponent of lambda_max": slope, "standard error": slope_se,
                "the replacement's exponent": exponent, "Delta_L": params["Delta_L"],
                "tolerance (exponent, and relative on each V_0)": tolerance}
    worst = max(r["relative gap"] for r in rows)
    if abs(slope - exponent) <= tolerance + 4 * slope_se and worst <= tolerance:
        return Finding(Verdict.VERIFIED, f"V_0 ∝ lambda_max^{slope:.3f} (SE {slope_se:.1e}), the replacement's "
                       f"{exponent:g}; every V_0 within {worst:.1%} of it", evidence)
    return Finding(Verdict.REFUTED, f"fitted exponent {slope:.3f} vs {exponent:g}, worst relative gap {worst:.1%}",
                   evidence)


def _replacement(claim, derive, what: str) -> Identity:
    """A replacement as registered against its derivation from the Model; its check judges the replacement and cites
    the claims it corrects (so that a report filtered to an original runs the checks that can confirm its
    correction)."""
    return Identity(claim, derive, f"{claim.id} vs {what}", Basis.MODEL, QUICK, id=f"{claim.id}.model",
                    comparators=tuple(claim.relations["corrects"]), description=f"{claim.id} against {what}")


REPLACEMENTS = [
    _replacement(L.STEEPNESS_DERIVED, L.freidlin_wentzell_density, "the Freidlin-Wentzell Lagrangian"),
    _replacement(L.PROPOSITION_1_DERIVED, L.proximal_exit_exponent, "the exact V_0 of the proximal system"),
    _replacement(L.THEOREM_2_DERIVED, L.sgd_exit_exponent, "the exact V_0 (C = H)"),
    _replacement(L.THEOREM_3_DERIVED, L.sgd_exit_exponent, "the exact V_0 (C = H)"),
    _replacement(L.DEFINITION_5_DERIVED, L.sgd_quasi_potential, "the exact quasi-potential (C = H)"),
]
identity_checks(REPLACEMENTS)
for check in (
    Check(f"{L.HJ_DERIVED.id}.model", _judging(L.HJ_DERIVED), "symbolic",
          "the Hamilton-Jacobi equation of the Freidlin-Wentzell action at the quasi-potential of the Model",
          hj_replacement, suites=QUICK, basis=Basis.MODEL),
    Check(f"{L.PROPOSITION_1_DERIVED.id}.quadrature", _judging(L.PROPOSITION_1_DERIVED), "quadrature",
          "2 Delta_L vs exact exit times of the 1-D proximal system, eps -> 0 (ibayashi.prop1_quadrature's values)",
          prop1_replacement_quadrature, params=dict(ORIGINAL_CHECKS["ibayashi.prop1_quadrature"].params), suites=QUICK),
    Check(f"{L.THEOREM_2_DERIVED.id}.quadrature", _judging(L.THEOREM_2_DERIVED), "quadrature",
          "2 Delta_L / lambda_max vs exact exit times over lambda (ibayashi.thm2_exponent's values)",
          thm2_replacement_quadrature, params=dict(ORIGINAL_CHECKS["ibayashi.thm2_exponent"].params), suites=QUICK),
):
    register_check(check)
