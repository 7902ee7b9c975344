"""Seeds 000/001 judged against their own model (issue 14, part 2): the exit law of the scheduled jump dynamic of
seed 000 eq. 81 is derived from the Model (theory.levy.large_jump_exit_hazards: the Lévy measure, the diffusion,
the scheduler and the box give one Poisson stream of exit-causing jumps per face) and integrated exactly
(numerics.exact.jump_clock); every theorem is then evaluated as the paper states it, with every constant from its own
definition (theory.battash.DEFINITIONS), and compared over a grid of admissible parameters (`<claim>.model`,
basis: model derivation) and with simulation of the same Model (`<claim>.sim`, basis: simulation) at gamma < 1,
at gamma = 1 and on a multistep schedule.

The exit law is the small-eps limit that the paper's own framework assumes (exits only at large jumps, from the
minimum; sec. 4): it judges each statement in its paper's framework. Bounds must hold at every grid point where
the paper's own hypothesis holds (A_{l,nu} > 0: an exit needs a large jump); an approximation (~) must approach the
exact value as eps decreases."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from numerics.sde.estimators import normal_quantile, wilson_interval
from theory import battash as B

from ..check import Check, Context, Finding
from ..kinds import Identity, identity_checks
from ..outcome import Basis, Verdict
from ..suite import register_check

SUITES = ("quick", "levy")
#: the multistep statements and the derived laws need their own exit laws and runs (a third simulation): levy only,
#: so that quick stays about a minute
LEVY_ONLY = ("levy",)


def suites_for(schedule: str) -> tuple[str, ...]:
    return LEVY_ONLY if schedule == "multistep" else SUITES

#: the grid of admissible parameters (seed 000 A.3: alpha in (0.5, 2); small eps; rho in (0, 1)); the half-width d
#: varies too, since a statement that is not unit-consistent holds in one length unit and fails in another
GRID = {"alphas": [[1.2, 1.6], [0.8, 1.8], [0.6, 0.9], [1.5, 1.5, 1.5]], "epsilons": [0.1, 0.01],
        "half_widths": [0.5, 1.0, 3.0], "rhos": [0.05, 0.25, 0.5, 0.75, 0.95], "coolings": [0.9, 0.7],
        "curvature": 4, "survival_quantiles": [0.1, 1.0, 3.0], "tolerance": 1e-9,
        # multistep: switches at these multiples of the gamma = 1 mean exit time, factors gamma_p (s_0 = 1)
        "switches": [0.5, 2.0], "factors": [1.0, 0.1, 0.01], "horizon": 4.0,
        # "~" statements: the ratio to the exact value must approach 1 as eps decreases, within this at the smallest
        "asymptotic_epsilons": [0.1, 0.01, 0.001], "asymptotic_tolerance": 0.1,
        # the small-eps regime: a large jump rarely leaves (first-jump exit probability m_bar Phi / beta_bar of eq. 13
        # at most this for every parameter); points outside are reported, not judged
        "first_jump_exit_max": 0.1}


@dataclass(frozen=True)
class Statement:
    """How a claim is evaluated: the quantity it is about and the schedule it speaks of."""

    claim: object
    #: "mean" | "survival" | "face" | "escape" (P(sigma <= T), T = oo for "power")
    quantity: str
    #: "power" (s_t = t^(gamma-1), gamma < 1) | "constant" (gamma = 1) | "multistep"
    schedule: str


STATEMENTS = [
    Statement(B.THM_4_1, "mean", "power"), Statement(B.THM_4_1_APPENDIX, "mean", "power"),
    Statement(B.COR_4_2, "mean", "constant"),
    Statement(B.THM_4_5, "survival", "power"), Statement(B.EQ_68, "survival", "power"),
    Statement(B.COR_4_6, "survival", "constant"),
    Statement(B.THM_4_3, "face", "power"), Statement(B.EQ_30, "face", "power"), Statement(B.EQ_31, "face", "constant"),
    Statement(B.THM_C2, "escape", "power"),
    Statement(B.THM_C1, "mean", "multistep"), Statement(B.EQ_58, "mean", "multistep"),
    Statement(B.THM_C3, "escape", "multistep"),
    # the toolkit's replacement for Cor 4.2 (the gamma -> 1 limit of Thm 4.1 with its own constants), as a bound
    Statement(B.COR_4_2_DERIVED, "mean", "constant"),
]


def constant_rate(alphas, epsilon, half_width) -> float:
    """sum_l m_bar_l Phi_l: the total exit rate at gamma = 1 (1 / the gamma = 1 mean exit time), from the law."""
    return float(sum(2 * epsilon**a / a * half_width ** (-a) for a in alphas))


def schedule_for(statement: Statement, alphas, epsilon, half_width, params: dict, cooling: float = 1.0):
    """(scheduler expression or None, multistep switch times) for one grid point."""
    if statement.schedule == "power":
        return B.power_scheduler(cooling), ()
    if statement.schedule == "constant":
        return None, ()
    scale = 1 / constant_rate(alphas, epsilon, half_width)
    switches = tuple(s * scale for s in params["switches"])
    return B.multistep_scheduler(switches, params["factors"]), switches


@lru_cache(maxsize=256)
def exit_law(alphas: tuple, epsilon: float, half_width: float, curvature: float, schedule: tuple):
    """The derived exit law (numerics.exact.jump_clock) of the box model with this schedule (hashable spec)."""
    from numerics.exact.jump_clock import JumpClockLaw

    kind, *args = schedule
    scheduler = (None if kind == "constant" else B.power_scheduler(args[0]) if kind == "power"
                 else B.multistep_scheduler(args[0], args[1]))
    return JumpClockLaw(B.box_model(alphas, epsilon, half_width, curvature, scheduler))


def schedule_key(statement: Statement, alphas, epsilon, half_width, params: dict, cooling: float = 1.0) -> tuple:
    if statement.schedule == "power":
        return ("power", cooling)
    if statement.schedule == "constant":
        return ("constant",)
    _, switches = schedule_for(statement, alphas, epsilon, half_width, params)
    return ("multistep", switches, tuple(params["factors"]))


def stated_value(statement: Statement, rows: list, extra: dict, params: dict, switches: tuple = (),
                 horizon: float | None = None) -> float:
    """The paper's expression for this quantity: the sum over l (and over the steps p of a multistep schedule)."""
    term = statement.claim.rhs
    face = B.face_values(rows[0], rows[0][B.d_half]) if statement.quantity == "face" else None
    if statement.schedule != "multistep":
        return B.statement_value(term, rows, extra, face)
    ends = [0.0, *switches, horizon if horizon is not None else 1e12]
    return sum(B.statement_value(term, rows, {**extra, B.gamma_p: g, B.T_p: ends[p], B.T_p1: ends[p + 1]}, face)
               for p, g in enumerate(params["factors"]))


def exact_value(statement: Statement, law, extra_u: float | None = None, horizon: float | None = None) -> float:
    if statement.quantity == "mean":
        return law.mean.value
    if statement.quantity == "survival":
        return law.survival(extra_u)
    if statement.quantity == "face":
        return law.face_probability("upper[0]").value
    return law.escape_probability(float("inf") if horizon is None else horizon)


def grid_rows(statement: Statement, params: dict):
    """Every admissible grid point: (point description, stated value, exact value)."""
    coolings = params["coolings"] if statement.schedule == "power" else [1.0]
    for alphas in params["alphas"]:
        for epsilon in params["epsilons"]:
            for d in params["half_widths"]:
                for cooling in coolings:
                    key = schedule_key(statement, alphas, epsilon, d, params, cooling)
                    law = exit_law(tuple(alphas), epsilon, d, params["curvature"], key)
                    _, switches = schedule_for(statement, alphas, epsilon, d, params, cooling)
                    horizon = (params["horizon"] / constant_rate(alphas, epsilon, d)
                               if statement.schedule == "multistep" and statement.quantity == "escape" else None)
                    us = ([q * law.mean.value for q in params["survival_quantiles"]]
                          if statement.quantity == "survival" else [None])
                    for rho in params["rhos"]:
                        rows = B.constants_for(alphas, epsilon, d, rho)
                        # the paper's hypotheses: A_{l,nu} > 0 and a rare exit per large jump (small eps)
                        admissible = all(float(r[B.A]) > 0 and float(r[B.m_sym] * r[B.Phi] / r[B.beta_l])
                                         <= params["first_jump_exit_max"] for r in rows)
                        for u in us:
                            extra = {B.gamma: cooling, **({B.u: u} if u is not None else {})}
                            point = {"alphas": alphas, "eps": epsilon, "d": d, "gamma": cooling, "rho": rho,
                                     **({"u": u} if u is not None else {}),
                                     **({"T": horizon} if horizon is not None else {})}
                            if not admissible:
                                yield point, None, None
                                continue
                            yield (point, stated_value(statement, rows, extra, params, switches, horizon),
                                   exact_value(statement, law, u, horizon))


def _finite(value: float):
    """A float for the evidence; a non-finite value of a statement as its name (JSON holds no inf or nan)."""
    return value if math.isfinite(value) else ("+inf" if value == math.inf else "-inf" if value == -math.inf else "nan")


def _bound_finding(statement: Statement, params: dict) -> Finding:
    rows, skipped = [], 0
    for point, stated, exact in grid_rows(statement, params):
        if stated is None:
            skipped += 1
            continue
        rows.append({**point, "stated": _finite(stated), "exact (model)": exact,
                     "stated / exact": _finite(stated / exact) if math.isfinite(stated) else _finite(stated)})
    tolerance = params["tolerance"]
    # an upper bound that is +inf holds (vacuously); one that is -inf or undefined (nan) fails
    failing = [r for r in rows if r["stated"] in ("-inf", "nan")
               or (not isinstance(r["stated"], str) and r["stated"] < r["exact (model)"] * (1 - tolerance))]
    probability = statement.quantity in ("survival", "face", "escape")
    numeric = [r for r in rows if not isinstance(r["stated"], str)]
    vacuous = sum(r["stated"] == "+inf" or (r in numeric and r["stated"] >= (1 if probability else math.inf))
                  for r in rows)
    worst = min(numeric or rows, key=lambda r: r["stated / exact"] if r in numeric else math.inf)
    evidence = {"schedule": statement.schedule, "quantity": statement.quantity, "grid points": len(rows),
                f"skipped: outside the paper's regime (A_l,nu <= 0, or a large jump exits with probability above "
                f"{params['first_jump_exit_max']:g})": skipped,
                "worst point": worst, "failing points": failing[:12], "number failing": len(failing),
                "largest stated / exact": max((r["stated / exact"] for r in numeric), default="none finite"),
                "grid points where the statement is not finite": len(rows) - len(numeric),
                "exact law": "first event of the Poisson streams of exit-causing jumps (theory.levy."
                             "large_jump_exit_hazards), integrated by numerics.exact.jump_clock (mpmath, 20 digits)",
                "constants": "every constant of the statement from its definition (theory.battash.DEFINITIONS)",
                "confidence": f"deterministic: quadrature errors below 1e-15, decided at relative {tolerance:g}"}
    evidence["grid points where the bound is vacuous (>= 1 for a probability, +inf)"] = vacuous
    what = f"{statement.claim.id} ({statement.quantity}, {statement.schedule} schedule)"
    if failing:
        f = failing[0]
        stated = f["stated"] if isinstance(f["stated"], str) else f"{f['stated']:.4g}"
        return Finding(Verdict.REFUTED, f"{what} falls below the exact value derived from the model at {len(failing)} "
                       f"of {len(rows)} admissible grid points, e.g. {stated} < {f['exact (model)']:.4g} at "
                       f"alphas {f['alphas']}, eps {f['eps']}, d {f['d']}, gamma {f['gamma']}, rho {f['rho']}", evidence)
    tail = f"; vacuous at {vacuous}" if vacuous else ""
    span = (f", {worst['stated / exact']:.3g}x to {evidence['largest stated / exact']:.3g}x the exact value"
            if numeric else "")
    return Finding(Verdict.VERIFIED, f"{what} holds at all {len(rows)} admissible grid points{span}{tail}", evidence)


def _asymptotic_finding(statement: Statement, params: dict) -> Finding:
    """A '~' statement: stated / exact must approach 1 as eps decreases, at every other grid setting."""
    tolerance = params["asymptotic_tolerance"]
    series, skipped = {}, 0
    small = {**params, "epsilons": params["asymptotic_epsilons"]}
    for point, stated, exact in grid_rows(statement, small):
        key = (tuple(point["alphas"]), point["d"], point["gamma"], point["rho"])
        if stated is None:
            skipped += 1
            continue
        series.setdefault(key, []).append({"eps": point["eps"], "ratio": stated / exact})
    rows = [{"alphas": list(k[0]), "d": k[1], "rho": k[3],
             "stated / exact as eps decreases": [_finite(r["ratio"]) for r in sorted(v, key=lambda r: -r["eps"])]}
            for k, v in series.items()]
    bad = [r for r in rows if isinstance(r["stated / exact as eps decreases"][-1], str)
           or abs(r["stated / exact as eps decreases"][-1] - 1) > tolerance]
    evidence = {"schedule": statement.schedule, "settings": len(rows),
                f"skipped: outside the paper's regime (A_l,nu <= 0, or a large jump exits with probability above "
                f"{params['first_jump_exit_max']:g})": skipped,
                "eps": params["asymptotic_epsilons"], "rows": rows[:24], "not within tolerance at the smallest eps":
                len(bad), "asymptotic tolerance (stated)": tolerance,
                "confidence": "deterministic: quadrature errors below 1e-15"}
    what = f"{statement.claim.id} (~ {statement.quantity}, {statement.schedule} schedule)"
    if bad:
        r = bad[0]
        return Finding(Verdict.REFUTED, f"{what}: stated / exact does not approach 1 as eps -> 0 at {len(bad)} of "
                       f"{len(rows)} settings, e.g. "
                       f"{', '.join(v if isinstance(v, str) else f'{v:.3g}' for v in r['stated / exact as eps decreases'])}"
                       f" at alphas {r['alphas']}, d {r['d']}, rho {r['rho']}", evidence)
    return Finding(Verdict.VERIFIED, f"{what}: within {tolerance:g} of the exact value at eps = "
                   f"{params['asymptotic_epsilons'][-1]:g} at all {len(rows)} settings", evidence)


def model_body(statement: Statement):
    def body(context: Context, params: dict) -> Finding:
        if statement.claim.relation == "~":
            return _with_correction(statement, _asymptotic_finding(statement, params))
        return _with_correction(statement, _bound_finding(statement, params))
    return body


for statement in STATEMENTS:
    register_check(Check(f"{statement.claim.id}.model", (statement.claim.id,), "symbolic",
                         f"{statement.claim.id} against the exit law derived from the model of eq. 81 "
                         f"({statement.schedule} schedule), over a grid of admissible parameters",
                         model_body(statement), params=GRID, basis=Basis.MODEL,
                         suites=suites_for(statement.schedule)))


# ------------------------------------------------------------------------------ the same statements by simulation
#: the simulated boxes (seed 000 eq. 81, Euler with exact stable increments, numerics.sde.engine): one run per
#: schedule, shared by every statement about it. eps = 0.1 keeps exits short; only small rho then keep a large jump's
#: exit probability below the regime bound, so the rho grid is small too (points outside are reported, not judged)
SIMULATION = {"alphas": [1.2, 1.6], "epsilon": 0.1, "curvature": 4, "half_width": 1.0, "dt": 0.01,
              "rhos": [0.02, 0.05, 0.1, 0.15], "first_jump_exit_max": 0.1, "false_alarm": 1e-4,
              "survival_quantiles": [0.1, 0.5, 0.9], "asymptotic_tolerance": 0.1}
SCHEDULES = {"power": {"schedule": ["power", 0.9], "n_paths": 20_000, "max_time": 2e3, "seed": 41},
             "constant": {"schedule": ["constant"], "n_paths": 40_000, "max_time": 1e4, "seed": 21},
             "multistep": {"schedule": ["multistep"], "n_paths": 20_000, "max_time": 3e3, "seed": 51,
                           "switches": [0.5, 2.0], "factors": [1.0, 0.1, 0.01], "horizon": 4.0}}


def _simulated(statement: Statement, params: dict, context: Context):
    """(simulation, schedule spec, switch times) of the box for this statement's schedule."""
    from .battash import _box_simulation

    switches = ()
    schedule = tuple(params["schedule"])
    if statement.schedule == "multistep":
        scale = 1 / constant_rate(params["alphas"], params["epsilon"], params["half_width"])
        switches = tuple(s * scale for s in params["switches"])
        schedule = ("multistep", switches, tuple(params["factors"]))
    sim = _box_simulation(tuple(params["alphas"]), params["epsilon"], params["curvature"], params["half_width"],
                          params["n_paths"], params["dt"], params["max_time"], context.seed, context.device, schedule)
    return sim, schedule, switches


def sim_body(statement: Statement):
    def body(context: Context, params: dict) -> Finding:
        return _with_correction(statement, _sim_finding(statement, context, params))
    return body


def _sim_finding(statement: Statement, context: Context, params: dict) -> Finding:
    sim, schedule, switches = _simulated(statement, params, context)
    if sim.n_censored and statement.quantity in ("mean",):
        return Finding(Verdict.INCONCLUSIVE, f"{sim.n_censored} paths censored at t = {sim.horizon:g}: raise "
                       "max_time", {"simulation": sim.summary()})
    confidence = 1 - params["false_alarm"]
    horizon = (params["horizon"] / constant_rate(params["alphas"], params["epsilon"], params["half_width"])
               if statement.schedule == "multistep" and statement.quantity == "escape" else None)
    points = _simulated_points(statement, sim, params, confidence, horizon)
    rows, outside = _rows_in_regime(statement, points, schedule, switches, horizon, params)
    evidence = {"schedule": [str(s) for s in schedule], "quantity": statement.quantity, "rows": rows,
                f"rho outside the regime (a large jump exits with probability above "
                f"{params['first_jump_exit_max']:g})": outside, "simulation": sim.summary(),
                "confidence": f"{'one' if statement.claim.relation != '~' else 'two'}-sided at 1 - "
                              f"{params['false_alarm']:g} per point"}
    if not rows:
        return Finding(Verdict.INCONCLUSIVE, "no rho of the grid lies in the paper's regime at the simulated eps",
                       evidence)
    what = f"{statement.claim.id} ({statement.quantity}, {statement.schedule} schedule, simulated)"
    if statement.claim.relation == "~":
        return _judge_asymptotic(what, rows, params["asymptotic_tolerance"], evidence)
    return _judge_bound(what, statement, rows, evidence)


def _simulated_points(statement: Statement, sim, params: dict, confidence: float, horizon) -> list[tuple]:
    """(u or None, simulated value, lower, upper) of the statement's quantity: a two-sided interval, whose lower
    limit alone judges an upper bound."""
    if statement.quantity == "mean":
        z = normal_quantile(confidence)
        return [(None, sim.mean, sim.mean - z * sim.stderr, sim.mean + z * sim.stderr)]
    if statement.quantity == "survival":
        grid = np.quantile(sim.times, params["survival_quantiles"])
        survival, low, high = sim.survival(grid, confidence=confidence)
        return list(zip(grid.tolist(), survival.tolist(), low.tolist(), high.tolist()))
    if statement.quantity == "face":
        hits = int(np.count_nonzero(sim.sides == sim.side_names.index("upper[0]")))
        low, high = wilson_interval(hits, sim.n_paths, confidence)
        return [(None, hits / sim.n_paths, low, high)]
    limit = sim.horizon if horizon is None else horizon
    exited = int(np.count_nonzero((sim.sides >= 0) & (sim.times <= limit)))
    low, high = wilson_interval(exited, sim.n_paths, confidence)
    return [(limit, exited / sim.n_paths, low, high)]


# 6 parameters: the statement, what was simulated and the schedule's pieces the stated formula needs
def _rows_in_regime(statement: Statement, points: list, schedule: tuple, switches: tuple, horizon,
                    params: dict) -> tuple[list[dict], list]:
    """(one row per rho in the paper's regime and simulated point: stated, exact law and simulated value; the rho
    outside the regime)."""
    cooling = schedule[1] if schedule[0] == "power" else 1.0
    law = exit_law(tuple(params["alphas"]), params["epsilon"], params["half_width"], params["curvature"], schedule)
    rows, outside = [], []
    for rho in params["rhos"]:
        constants = B.constants_for(params["alphas"], params["epsilon"], params["half_width"], rho)
        if not all(float(r[B.A]) > 0 and float(r[B.m_sym] * r[B.Phi] / r[B.beta_l]) <= params["first_jump_exit_max"]
                   for r in constants):
            outside.append(rho)
            continue
        for u, value, low, high in points:
            extra = {B.gamma: cooling, **({B.u: u} if statement.quantity == "survival" else {})}
            stated = stated_value(statement, constants, extra, params, switches, horizon)
            exact = exact_value(statement, law, u, horizon if statement.quantity == "escape" else None)
            rows.append({"rho": rho, **({"u": u} if u is not None else {}), "simulated": value,
                         "interval": [low, high], "stated": _finite(stated), "exact law (model)": exact})
    return rows, outside


def _judge_asymptotic(what: str, rows: list[dict], tolerance: float, evidence: dict) -> Finding:
    """An asymptotic statement: the stated value within the two-sided interval widened by the stated tolerance."""
    bad = [r for r in rows if isinstance(r["stated"], str)
           or not (r["interval"][0] * (1 - tolerance) <= r["stated"] <= r["interval"][1] * (1 + tolerance))]
    if bad:
        r = bad[0]
        return Finding(Verdict.REFUTED, f"{what}: stated {r['stated']} lies outside the simulated interval "
                       f"[{r['interval'][0]:.4g}, {r['interval'][1]:.4g}] widened by {tolerance:g} at rho "
                       f"{r['rho']} ({len(bad)} of {len(rows)})", evidence)
    return Finding(Verdict.VERIFIED, f"{what}: within the simulated interval and {tolerance:g} at every rho",
                   evidence)


def _judge_bound(what: str, statement: Statement, rows: list[dict], evidence: dict) -> Finding:
    """An upper bound: refuted where it lies below the simulated lower limit; else verified, with how loose it is
    and where it is vacuous."""
    failing = [r for r in rows if isinstance(r["stated"], str) and r["stated"] != "+inf"
               or not isinstance(r["stated"], str) and r["stated"] < r["interval"][0]]
    if failing:
        r = failing[0]
        return Finding(Verdict.REFUTED, f"{what}: the bound {r['stated'] if isinstance(r['stated'], str) else format(r['stated'], '.4g')}"
                       f" lies below the simulated {r['simulated']:.4g} (lower limit {r['interval'][0]:.4g}) at "
                       f"rho {r['rho']} ({len(failing)} of {len(rows)} points)", evidence)
    ratios = [r["stated"] / r["simulated"] for r in rows if not isinstance(r["stated"], str) and r["simulated"] > 0]
    span = f", {min(ratios):.3g}x to {max(ratios):.3g}x the simulated value" if ratios else ""
    probability = statement.quantity != "mean"
    vacuous = sum(r["stated"] == "+inf" or (probability and not isinstance(r["stated"], str) and r["stated"] >= 1)
                  for r in rows)
    evidence["points where the bound is vacuous (+inf, or >= 1 for a probability)"] = vacuous
    tail = f"; vacuous at {vacuous}" if vacuous else ""
    return Finding(Verdict.VERIFIED, f"{what}: holds at all {len(rows)} points{span}{tail}", evidence)


for statement in STATEMENTS:
    register_check(Check(f"{statement.claim.id}.sim", (statement.claim.id,), "montecarlo",
                         f"{statement.claim.id} against simulation of the box of eq. 81 ({statement.schedule} schedule)",
                         sim_body(statement), params={**SIMULATION, **SCHEDULES[statement.schedule]},
                         suite_params={"quick": {"n_paths": SCHEDULES[statement.schedule]["n_paths"] // 2}},
                         seed=SCHEDULES[statement.schedule]["seed"], suites=suites_for(statement.schedule)))


# ------------------------------------------------------------------------------ the derived laws, checked the same way
#: the replacement the toolkit offers for a refuted statement: a registered claim with checks of its own (the report
#: prints it as a correction only once those passed, verify.reports.verdicts.correction_status)
CORRECTIONS = {"battash.thmC2": "battash.derived.escape_power", "battash.thmC3": "battash.derived.multistep_escape",
               "battash.thmC1": "battash.derived.multistep_mean", "battash.eq58": "battash.derived.multistep_mean",
               "battash.cor4_4": "battash.derived.exit_face_ratio", "battash.cor4_2": "battash.derived.cor4_2",
               # the main-text statements hold where the appendix versions (spurious rho) fail
               "battash.thm4_1_appendix": "battash.thm4_1", "battash.eq68": "battash.thm4_5",
               # 000's eq. 15 is 1 / beta of eq. 12; 001's is not (verify.checks.battash.eq15_001)
               "battash.eq15_001": "battash.eq15"}


def correction_for(claim_id: str) -> dict | None:
    from theory import get_claim

    replacement = CORRECTIONS.get(claim_id)
    if replacement is None:
        return None
    rhs = get_claim(replacement).rhs
    return {"claim": replacement, "text": str(rhs), "latex": sp.latex(rhs)}


def _with_correction(statement: Statement, finding: Finding) -> Finding:
    if finding.verdict is Verdict.REFUTED and finding.correction is None:
        from dataclasses import replace

        return replace(finding, correction=correction_for(statement.claim.id))
    return finding


@dataclass(frozen=True)
class Law:
    """A derived law and how to read it off the exact exit law and off a simulation."""

    claim: object
    #: "escape_power" (P(sigma <= T) at quantiles of the exit time, s_t = t^(gamma-1)), "multistep_mean",
    #: "multistep_escape"
    kind: str


LAWS = [Law(B.ESCAPE_POWER, "escape_power"), Law(B.MULTISTEP_MEAN, "multistep_mean"),
        Law(B.MULTISTEP_ESCAPE, "multistep_escape")]


def equality_finding(rows: list[dict], value_key: str, reference_key: str, what: str, tolerance: float,
                     extra: dict | None = None) -> Finding:
    """VERIFIED when every row's value equals its reference to the relative tolerance, else REFUTED with the largest
    relative gap: the verdict of a derived law, a series or a ratio against the model's exact value on a grid."""
    for row in rows:
        row["relative gap"] = abs(row[value_key] - row[reference_key]) / abs(row[reference_key])
    worst = max(r["relative gap"] for r in rows)
    evidence = {"grid points": len(rows), "largest relative gap": worst, "rows": rows[:24], **(extra or {}),
                "confidence": f"deterministic: decided at relative {tolerance:g}, far above the 20-30 digit arithmetic"}
    if worst <= tolerance:
        return Finding(Verdict.VERIFIED, f"{what}: equal at all {len(rows)} points (largest relative gap {worst:.1e})",
                       evidence)
    return Finding(Verdict.REFUTED, f"{what}: they differ by up to {worst:.3g}", evidence)


def interval_finding(what: str, claimed: float, simulated: float, low: float, high: float, widen: float,
                     evidence: dict) -> Finding:
    """VERIFIED when the claimed value lies in the simulated interval [low, high] widened by the factor (1 -+ widen)
    (the stated asymptotic tolerance: the claim is a small-eps law, the simulation runs at finite eps and dt)."""
    evidence = {**evidence, "claimed": claimed, "simulated": simulated, "interval": [low, high]}
    text = f"{what}: {claimed:.4g} against the simulated {simulated:.4g} [{low:.4g}, {high:.4g}]"
    if low * (1 - widen) <= claimed <= high * (1 + widen):
        return Finding(Verdict.VERIFIED, f"{text}, within it and {widen:g}", evidence)
    return Finding(Verdict.REFUTED, f"{text}, outside it widened by {widen:g}", evidence)


def _law_points(law: Law, alphas, epsilon, d, params: dict, cooling: float = 1.0, times=None):
    """[(description, derived value, exact value from the model's law)] at one box."""
    if law.kind == "escape_power":
        exact = exit_law(tuple(alphas), epsilon, d, params["curvature"], ("power", cooling))
        arrays = B.law_arrays(alphas, epsilon, d)
        times = times if times is not None else [q * exact.mean.value for q in params["survival_quantiles"]]
        return [({"T": t}, B.law_value(law.claim, arrays, {B.gamma: cooling, B.horizon_T: t}),
                 1 - exact.survival(t)) for t in times]
    scale = 1 / constant_rate(alphas, epsilon, d)
    switches = tuple(s * scale for s in params["switches"])
    exact = exit_law(tuple(alphas), epsilon, d, params["curvature"], ("multistep", switches, tuple(params["factors"])))
    arrays = B.law_arrays(alphas, epsilon, d, params["factors"])
    if law.kind == "multistep_mean":
        return [({}, B.law_value(law.claim, arrays, {B.T_ix: [0, *switches, math.inf]}), exact.mean.value)]
    end = params["horizon"] * scale
    return [({"T": end}, B.law_value(law.claim, arrays, {B.T_ix: [0, *switches, end]}), exact.escape_probability(end))]


def law_model_body(law: Law):
    def body(context: Context, params: dict) -> Finding:
        rows = []
        for alphas in params["alphas"]:
            for epsilon in params["epsilons"]:
                for d in params["half_widths"]:
                    for cooling in (params["coolings"] if law.kind == "escape_power" else [1.0]):
                        for point, derived, exact in _law_points(law, alphas, epsilon, d, params, cooling):
                            rows.append({"alphas": alphas, "eps": epsilon, "d": d, "gamma": cooling, **point,
                                         "claimed": derived, "exact (model)": exact})
        return equality_finding(rows, "claimed", "exact (model)", f"{law.claim.id} vs the exit law derived from the "
                                "model", params["tolerance"],
                                {"routes": "the claim's closed form in the paper's symbols (m_bar, Phi from their "
                                           "definitions) vs the hazards derived from the Model and integrated by mpmath "
                                           "(numerics.exact.jump_clock)"})
    return body


def law_sim_body(law: Law):
    """The derived law against simulation: two-sided, within the simulation's interval widened by the stated
    asymptotic tolerance (the law is the small-eps limit; the simulated eps is finite and dt > 0)."""
    def body(context: Context, params: dict) -> Finding:
        statement = Statement(law.claim, "mean" if law.kind == "multistep_mean" else "escape",
                              "power" if law.kind == "escape_power" else "multistep")
        sim, schedule, switches = _simulated(statement, params, context)
        confidence = 1 - params["false_alarm"]
        z = normal_quantile(confidence)
        tolerance = params["asymptotic_tolerance"]
        if law.kind == "multistep_mean":
            if sim.n_censored:
                return Finding(Verdict.INCONCLUSIVE, f"{sim.n_censored} paths censored: raise max_time",
                               {"simulation": sim.summary()})
            measured = [(None, sim.mean, sim.mean - z * sim.stderr, sim.mean + z * sim.stderr)]
        else:
            times = ([params["horizon"] / constant_rate(params["alphas"], params["epsilon"], params["half_width"])]
                     if law.kind == "multistep_escape" else np.quantile(sim.times, params["survival_quantiles"]).tolist())
            measured = []
            for t in times:
                hits = int(np.count_nonzero((sim.sides >= 0) & (sim.times <= t)))
                low, high = wilson_interval(hits, sim.n_paths, confidence)
                measured.append((t, hits / sim.n_paths, low, high))
        cooling = schedule[1] if schedule[0] == "power" else 1.0
        derived = _law_points(law, params["alphas"], params["epsilon"], params["half_width"], params, cooling,
                              times=[m[0] for m in measured] if law.kind == "escape_power" else None)
        rows = [{**point, "simulated": value, "interval": [low, high], "claimed": claimed,
                 "within interval and tolerance": low * (1 - tolerance) <= claimed <= high * (1 + tolerance)}
                for (point, claimed, _), (_, value, low, high) in zip(derived, measured)]
        evidence = {"rows": rows, "asymptotic tolerance (stated)": tolerance, "simulation": sim.summary(),
                    "schedule": [str(s) for s in schedule],
                    "confidence": f"two-sided at 1 - {params['false_alarm']:g} per point, widened by the tolerance"}
        bad = [r for r in rows if not r["within interval and tolerance"]]
        if bad:
            r = bad[0]
            return Finding(Verdict.REFUTED, f"{law.claim.id}: {r['claimed']:.4g} outside the simulated "
                           f"[{r['interval'][0]:.4g}, {r['interval'][1]:.4g}] widened by {tolerance:g}", evidence)
        return Finding(Verdict.VERIFIED, f"{law.claim.id} within the simulated interval and {tolerance:g} at all "
                       f"{len(rows)} points", evidence)
    return body


LAW_GRID = {**GRID, "tolerance": 1e-8}
for law in LAWS:
    schedule = "power" if law.kind == "escape_power" else "multistep"
    register_check(Check(f"{law.claim.id}.model", (law.claim.id,), "symbolic",
                         f"{law.claim.id} against the exit law computed from the Model", law_model_body(law),
                         params=LAW_GRID, basis=Basis.MODEL, suites=LEVY_ONLY))
    register_check(Check(f"{law.claim.id}.sim", (law.claim.id,), "montecarlo",
                         f"{law.claim.id} against simulation of the box of eq. 81 ({schedule} schedule)",
                         law_sim_body(law), params={**SIMULATION, **SCHEDULES[schedule]},
                         seed=SCHEDULES[schedule]["seed"], suites=LEVY_ONLY))


def _face_ratio_values(alphas, epsilon, d) -> dict:
    return {B.alpha_l: alphas[0], B.alpha_j: alphas[1], B.eps: epsilon, B.lam_l: 1, B.lam_j: 1, B.d_plus_l: d,
            B.d_plus_j: d}


def face_ratio_model(context: Context, params: dict) -> Finding:
    """The derived ratio of exit probabilities through the upper faces of parameters 1 and 2 (gamma = 1) against the
    ratio of the face probabilities of the model's exit law (numerics.exact.jump_clock)."""
    rows = []
    for alphas in params["alphas"]:
        for epsilon in params["epsilons"]:
            for d in params["half_widths"]:
                law = exit_law(tuple(alphas), epsilon, d, params["curvature"], ("constant",))
                exact = law.face_probability("upper[0]").value / law.face_probability("upper[1]").value
                derived = float(B.EXIT_FACE_RATIO.rhs.subs(_face_ratio_values(alphas, epsilon, d)))
                rows.append({"alphas": alphas[:2], "eps": epsilon, "d": d, "claimed": derived, "exact (model)": exact})
    return equality_finding(rows, "claimed", "exact (model)", "the derived exit-face ratio vs the model's "
                            "face-probability ratio", params["tolerance"])


def face_ratio_sim(context: Context, params: dict) -> Finding:
    """The derived ratio against the simulated ratio of exits through upper[0] and upper[1] (gamma = 1 box), two-sided
    on the log ratio, widened by the stated asymptotic tolerance."""
    sim, _, _ = _simulated(Statement(B.EXIT_FACE_RATIO, "face", "constant"), params, context)
    n1 = int(np.count_nonzero(sim.sides == sim.side_names.index("upper[0]")))
    n2 = int(np.count_nonzero(sim.sides == sim.side_names.index("upper[1]")))
    z = normal_quantile(1 - params["false_alarm"] / 2)
    log_ratio, log_se = math.log(n1 / n2), math.sqrt(1 / n1 + 1 / n2)
    derived = float(B.EXIT_FACE_RATIO.rhs.subs(_face_ratio_values(params["alphas"], params["epsilon"],
                                                                  params["half_width"])))
    tolerance = params["asymptotic_tolerance"]
    # the stated tolerance on the log ratio, as a factor on the interval
    evidence = {"exits upper[0]": n1, "exits upper[1]": n2, "asymptotic tolerance on the log ratio (stated)": tolerance,
                "simulation": sim.summary(), "confidence": f"two-sided at 1 - {params['false_alarm']:g}"}
    return interval_finding("the derived exit-face ratio", derived, n1 / n2, math.exp(log_ratio - z * log_se),
                            math.exp(log_ratio + z * log_se), math.exp(tolerance) - 1, evidence)


register_check(Check("battash.derived.exit_face_ratio.model", ("battash.derived.exit_face_ratio",), "symbolic",
                     "the derived exit-face ratio against the model's face probabilities", face_ratio_model,
                     params={**LAW_GRID, "alphas": [a for a in GRID["alphas"] if len(a) == 2]}, basis=Basis.MODEL,
                     suites=SUITES))
register_check(Check("battash.derived.exit_face_ratio.sim", ("battash.derived.exit_face_ratio",), "montecarlo",
                     "the derived exit-face ratio against the simulated faces of the gamma = 1 box", face_ratio_sim,
                     params={**SIMULATION, **SCHEDULES["constant"]},
                     suite_params={"quick": {"n_paths": SCHEDULES["constant"]["n_paths"] // 2}},
                     seed=SCHEDULES["constant"]["seed"], suites=SUITES))


# ------------------------------------------------------------------------------ A_{l,nu}: eq. 27's sum recomputed
LAGUERRE_POINTS = [(0.2, 0.3), (0.4, -0.4), (0.8, 1.2), (0.95, 0.05)]


def eq27_laguerre_direct(context: Context, params: dict) -> Finding:
    """The generating-function value against direct summation of the series (mpmath nsum) at sample points."""
    rows = [{"x": x, "z": z, "sum": B.laguerre_sum_numeric(x, z),
             "claimed": float(B.EQ27_LAGUERRE_DERIVED.rhs.subs({B.x_A: x, B.z_A: z}))} for x, z in LAGUERRE_POINTS]
    return equality_finding(rows, "claimed", "sum", "the generating function vs the summed series", 1e-12)


def _laguerre_points(_) -> list:
    """(x, z, the series summed by mpmath nsum, eq. 27's stated sum, the generating function) at sample points."""
    derived = B.laguerre_generating_function().result
    return [[x, z, B.laguerre_sum_numeric(x, z), float(B.EQ27_LAGUERRE.rhs.subs({B.x_A: x, B.z_A: z})),
             float(derived.subs({B.x_A: x, B.z_A: z}))] for x, z in LAGUERRE_POINTS]


def _recomputed(claim, derive) -> Identity:
    """A replacement stated from a derivation, against that derivation recomputed from the model (guards the stated
    formula)."""
    return Identity(claim, derive, lambda derivation: f"{claim.id} vs {derivation.title}, recomputed from the model",
                    Basis.MODEL, SUITES, id=f"{claim.id}.model",
                    description=f"{claim.id} against its derivation from the model")


IDENTITIES = [
    # ---- the replacements stated from a derivation (theory.battash), each against its derivation recomputed
    _recomputed(B.FIRST_JUMP_EXIT_DERIVED, B.first_jump_exit),
    _recomputed(B.SMALL_JUMP_MEAN_DERIVED, B.mean_of_small_jumps),
    _recomputed(B.CROSS_MOMENT_DERIVED, B.small_jump_second_moments),
    _recomputed(B.ETA_POWER_DERIVED, B.eta_power_of_exit_time),
    # ---- A_{l,nu}: the sum over k of eq. 27 (whose prefactor the paper calls A_{l,nu}^-1) against the Laguerre
    # generating function, and both against direct summation at sample points (mpmath nsum)
    Identity(B.EQ27_LAGUERRE, B.laguerre_generating_function, "eq. 27's sum over k vs the Laguerre generating function",
             Basis.MATHEMATICS, SUITES, replacement=B.EQ27_LAGUERRE_DERIVED.id,
             description="eq. 27's sum over k (the constant A_{l,nu}) against the Laguerre generating function",
             notes={"direct summation (x, z, sum, stated, generating function)": _laguerre_points,
                    "consequence": "the factor the proof carries into Thm 4.1, 4.3, 4.5 and C.1 is 1/(1 - x), not "
                                   "A_{l,nu}^-1 = 1/x; the proof of Thm C.2 (eq. 61) writes 1 - x correctly"}),
]
identity_checks(IDENTITIES)
register_check(Check("battash.derived.eq27_laguerre.sum", ("battash.derived.eq27_laguerre",), "symbolic",
                     "the generating-function value against direct summation", eq27_laguerre_direct,
                     basis=Basis.MATHEMATICS, suites=SUITES))


# ------------------------------------------------------------------------------ eq. 29 (gamma = 1), model and simulation
def eq29_model(context: Context, params: dict) -> Finding:
    """eq. 29's series summed with its own per-jump probabilities against the model's face probability."""
    rows = []
    for alphas in params["alphas"]:
        for epsilon in params["epsilons"]:
            for d in params["half_widths"]:
                exact = exit_law(tuple(alphas), epsilon, d, params["curvature"], ("constant",)).face_probability(
                    "upper[0]").value
                stated = B.eq29_value(alphas, epsilon, d)
                rows.append({"alphas": alphas, "eps": epsilon, "d": d, "stated": stated, "exact (model)": exact})
    return equality_finding(rows, "stated", "exact (model)", "eq. 29 vs the model's exit-face probability",
                            params["tolerance"])


def eq29_sim(context: Context, params: dict) -> Finding:
    """eq. 29 against the simulated frequency of exits through upper[0] (gamma = 1 box), two-sided, widened by the
    stated asymptotic tolerance (eq. 29 assumes exits only at large jumps: the small-eps limit)."""
    sim, _, _ = _simulated(Statement(B.EQ_29, "face", "constant"), params, context)
    hits = int(np.count_nonzero(sim.sides == sim.side_names.index("upper[0]")))
    low, high = wilson_interval(hits, sim.n_paths, 1 - params["false_alarm"])
    stated = B.eq29_value(params["alphas"], params["epsilon"], params["half_width"])
    tolerance = params["asymptotic_tolerance"]
    evidence = {"asymptotic tolerance (stated)": tolerance, "simulation": sim.summary(),
                "confidence": f"Wilson interval at 1 - {params['false_alarm']:g}"}
    return interval_finding("eq. 29's P(exit through upper[0])", stated, hits / sim.n_paths, low, high, tolerance,
                            evidence)


register_check(Check("battash.eq29.model", ("battash.eq29",), "symbolic",
                     "eq. 29's series against the exit-face probability of the model (gamma = 1)", eq29_model,
                     params=LAW_GRID, basis=Basis.MODEL, suites=SUITES))
register_check(Check("battash.eq29.sim", ("battash.eq29",), "montecarlo",
                     "eq. 29's series against simulated exit faces of the gamma = 1 box", eq29_sim,
                     params={**SIMULATION, **SCHEDULES["constant"]},
                     suite_params={"quick": {"n_paths": SCHEDULES["constant"]["n_paths"] // 2}},
                     seed=SCHEDULES["constant"]["seed"], suites=SUITES))


# the replacement for Cor 4.2 against the gamma -> 1 limit of Thm 4.1 with its own beta_bar_l and m_bar_l: the check
# Cor 4.2 itself fails (battash.cor4_2), on the paper's own lines (consistency, not truth)
identity_checks([Identity(B.COR_4_2_DERIVED, B.cor4_2_from_thm4_1, "the replacement vs the gamma -> 1 limit of Thm 4.1",
                          Basis.PAPER, SUITES, id="battash.derived.cor4_2.limit", comparators=("battash.thm4_1",),
                          method="limit",
                          description="the replacement for Cor 4.2 against the gamma -> 1 limit of Thm 4.1")])
