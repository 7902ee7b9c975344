"""Check methods shared by every family: identity, limit and scaling verdicts on Claims."""

from __future__ import annotations

import sympy as sp

from theory.claim import Claim
from theory.units import scaling_substitution

from .check import Finding
from .outcome import Verdict


def derived_claim(stated: Claim, rhs: sp.Basic, derivation=None, suffix: str = "derived") -> Claim:
    """The toolkit's counterpart of a stated claim: same left-hand side, sources and conditions, derived rhs."""
    return Claim(id=f"{stated.id}|{suffix}", title=f"{stated.title} ({suffix})", lhs=stated.lhs, rhs=rhs,
                 sources=stated.sources, derivation=derivation, conditions=stated.conditions)


def identity_finding(stated: Claim, derived: Claim, what: str) -> Finding:
    """VERIFIED when the two right-hand sides are identical, else REFUTED with the exact difference."""
    comparison = derived.compare(stated)
    evidence = {"stated": stated.rhs, "derived": derived.rhs, "difference": comparison.difference,
                "ratio": comparison.ratio, "decided_by": comparison.identity.decided_by}
    if comparison.identical:
        return Finding(Verdict.VERIFIED, f"{what}: identical ({comparison.identity.decided_by})", evidence)
    if comparison.identity.counterexample:
        evidence["counterexample"] = comparison.identity.counterexample
    return Finding(Verdict.REFUTED, f"{what}: they differ by {comparison.difference}", evidence,
                   correction={"text": str(derived.rhs), "latex": sp.latex(derived.rhs)})


def residual_finding(residuals: dict[str, sp.Basic], what: str) -> Finding:
    """VERIFIED when every residual simplifies to zero, REFUTED with the non-zero ones otherwise."""
    simplified = {name: sp.simplify(r) for name, r in residuals.items()}
    bad = {name: r for name, r in simplified.items() if r != 0}
    evidence = {"residuals": simplified, "decided_by": "sympy simplify"}
    if not bad:
        return Finding(Verdict.VERIFIED, f"{what}: every residual simplifies to 0", evidence)
    return Finding(Verdict.REFUTED, f"{what}: non-zero residual(s) {', '.join(bad)}", evidence)


def scaling_finding(claim: Claim, clock: str = "gradient_flow") -> Finding:
    """Both sides must transform alike when time, length and loss are rescaled (DESIGN.md, units).

    clock="gradient_flow" ties time to length^2/loss (dw = -grad L dt); "free" rescales the three independently
    (for statements, like the Lévy exit law, in which no loss appears)."""
    scales = sp.symbols("lambda_T lambda_L lambda_loss", positive=True)
    missing = [s for s in claim.rhs.free_symbols | claim.lhs.free_symbols if s not in claim.units]
    if missing:
        return Finding(Verdict.ERROR, f"claim {claim.id} declares no units for {sorted(map(str, missing))}")
    substitution = scaling_substitution(claim.units, *scales, clock=clock)
    lhs_factor = sp.simplify(claim.lhs.subs(substitution, simultaneous=True) / claim.lhs)
    rhs_factor = sp.simplify(claim.rhs.subs(substitution, simultaneous=True) / claim.rhs)
    gap = sp.simplify(rhs_factor - lhs_factor)
    evidence = {"lhs_factor": lhs_factor, "rhs_factor": rhs_factor,
                "clock": "gradient flow: [t] = [w]^2/[L]" if clock == "gradient_flow" else "independent scales"}
    if gap == 0:
        return Finding(Verdict.VERIFIED, f"both sides scale as {lhs_factor}", evidence)
    return Finding(Verdict.REFUTED, f"lhs scales as {lhs_factor} but rhs as {rhs_factor}", evidence)


def discretisation_gap(model, steps, *, n_paths: int, max_time: float, false_alarm: float, context) -> dict:
    """Mean exit time of the Euler-discretised dynamic (steps x step size) for several step sizes against the exact
    continuous one (1-D quadrature), and the gap's power of the step size fitted on the log-log points (Euler exit
    monitoring predicts 1/2). Returns the evidence; 'gaps resolved' says whether every gap exceeds z SE."""
    import numpy as np

    from numerics.estimators import normal_quantile
    from numerics.montecarlo import simulate_exit
    from numerics.quadrature import mean_exit_time

    exact = float(mean_exit_time(model))
    rows = []
    for i, step in enumerate(steps):
        sim = simulate_exit(model, n_paths=n_paths, dt=step, max_time=max_time, seed=context.seed + i,
                            device=context.device, progress=context.progress)
        if sim.n_censored:
            return {"censored": sim.n_censored, "step": step}
        rows.append({"step": step, "mean exit time (discrete, steps x step)": sim.mean, "stderr": sim.stderr,
                     "gap to continuous": sim.mean - exact})
    z = normal_quantile(1 - false_alarm / (2 * len(rows)))
    resolved = all(r["gap to continuous"] > z * r["stderr"] for r in rows)
    gaps = np.array([r["gap to continuous"] for r in rows])
    slope = float(np.polyfit(np.log(steps), np.log(np.abs(gaps)), 1)[0]) if resolved else float("nan")
    return {"exact continuous mean exit time": exact, "rows": rows, "fitted power of the step in the gap": slope,
            "Euler exit-monitoring prediction": 0.5, "gaps resolved (each > z SE)": resolved,
            "confidence": f"one-sided at 1 - {false_alarm:g} per step size"}


def euler_bias_band(predicted_bias: float, z: float, stderr: float) -> tuple[float, float]:
    """The stated discretisation tolerance of an Euler exit-time estimate: the simulated bias lies between 0.5 and
    1.5 times the predicted first-order bias (boundary shift, either sign), widened by z standard errors."""
    ends = (0.5 * predicted_bias, 1.5 * predicted_bias)
    return min(ends) - z * stderr, max(ends) + z * stderr
