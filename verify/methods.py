"""Check methods shared by every family: identity, limit and scaling verdicts on Claims."""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from theory.claim import Claim
from theory.units import CLOCKS, scaling_substitution

from .check import Finding
from .outcome import Verdict


def derived_claim(stated: Claim, rhs: sp.Basic, derivation=None, suffix: str = "derived") -> Claim:
    """The toolkit's counterpart of a stated claim: same left-hand side, sources and conditions, derived rhs."""
    return Claim(id=f"{stated.id}|{suffix}", title=f"{stated.title} ({suffix})", lhs=stated.lhs, rhs=rhs,
                 sources=stated.sources, derivation=derivation, conditions=stated.conditions)


def limit_or_value(expr: sp.Expr, symbol: sp.Symbol, value, direction: str = "+-") -> tuple[sp.Expr, str]:
    """(lim_{symbol -> value} expr, how it was taken): SymPy's limit, or, where SymPy gives up on a special function
    (the incomplete Gamma), the value at the point, said so since that assumes continuity there."""
    try:
        return sp.simplify(sp.limit(expr, symbol, value, dir=direction)), f"sympy limit ({direction})"
    except NotImplementedError:
        return value_at(expr, symbol, value)


def value_at(expr: sp.Expr, symbol: sp.Symbol, value) -> tuple[sp.Expr, str]:
    """The value at the point, where SymPy's limit failed (it assumes continuity there, and says so); the limit's
    own error stands if the value is not finite either."""
    at_point = sp.simplify(expr.subs(symbol, value))
    if at_point.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise NotImplementedError(f"SymPy cannot take the limit {symbol} -> {value} and the value there is {at_point}")
    return at_point, "value at the point (SymPy's limit failed; assumes continuity there)"


def identity_finding(stated: Claim, derived: Claim, what: str, replacement: str | None = None) -> Finding:
    """VERIFIED when the two right-hand sides are identical, else REFUTED with the exact difference (the derived side
    is in the evidence). A correction is attached only when `replacement` names a registered claim that states it,
    with checks of its own: the report prints it as a correction once those passed (report.correction_status)."""
    comparison = derived.compare(stated)
    evidence = {"stated": stated.rhs, "derived": derived.rhs, "difference": comparison.difference,
                "ratio": comparison.ratio, "decided_by": comparison.identity.decided_by}
    if comparison.identical:
        return Finding(Verdict.VERIFIED, f"{what}: identical ({comparison.identity.decided_by})", evidence)
    if comparison.identity.counterexample:
        evidence["counterexample"] = comparison.identity.counterexample
    correction = None
    if replacement is not None:
        from theory import get_claim

        rhs = get_claim(replacement).rhs
        correction = {"claim": replacement, "text": str(rhs), "latex": sp.latex(rhs)}
    return Finding(Verdict.REFUTED, f"{what}: they differ by {short(comparison.difference)}", evidence,
                   correction=correction)


def short(expr, limit: int = 160) -> str:
    """An expression for a one-line summary: whole if short, else cut (its full form stays in the evidence)."""
    text = str(expr)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def residual_finding(residuals: dict[str, sp.Basic], what: str) -> Finding:
    """VERIFIED when every residual simplifies to zero, REFUTED with the non-zero ones otherwise."""
    simplified = {name: sp.simplify(r) for name, r in residuals.items()}
    bad = {name: r for name, r in simplified.items() if r != 0}
    evidence = {"residuals": simplified, "decided_by": "sympy simplify"}
    if not bad:
        return Finding(Verdict.VERIFIED, f"{what}: every residual simplifies to 0", evidence)
    return Finding(Verdict.REFUTED, f"{what}: non-zero residual(s) {', '.join(bad)}", evidence)


def _scale_of(units: dict, clock: str) -> dict:
    """key -> the factor its dimension picks up under the clock's rescaling (keys: Symbols, IndexedBases and the
    classes of undefined functions, e.g. sp.Function("U"), whose applications U(x) carry the function's unit)."""
    scales = sp.symbols("lambda_T lambda_L lambda_loss", positive=True)
    proxies = {key: sp.Dummy(str(key)) for key in units}
    substitution = scaling_substitution({proxies[key]: dim for key, dim in units.items()}, *scales, clock=clock)
    return {key: sp.simplify(substitution[proxy] / proxy) for key, proxy in proxies.items()}


def _rescaled(expr: sp.Basic, factors: dict, missing: set | None = None) -> sp.Basic:
    """expr in the rescaled units: every symbol s -> s * factor(s), every entry x[i, ...] of an IndexedBase x ->
    x[i, ...] * factor(x), every application f(...) of an undefined function f -> f(...) * factor(f) (opaque: its
    arguments are not rescaled, so T(x) becomes lambda_T T(x), not T(lambda_L x)). A derivative d/dv divides by
    factor(v) per order; an integral's bound variable carries its declared unit or that of its finite limits, and
    contributes its factor (dv). Symbols used only as indices are dimensionless labels. Names without a unit are
    collected in `missing` (the expression is then not rescaled there)."""
    missing = set() if missing is None else missing
    labels = {i for e in expr.atoms(sp.Indexed) for i in e.indices if isinstance(i, sp.Symbol)}
    return _rescale(expr, {**{label: sp.Integer(1) for label in labels}, **factors}, missing)


def _bound_factor(variable, limits: tuple, factors: dict, missing: set):
    """The unit of an integration variable: declared, else that of its finite non-zero limits (rescaled limit /
    limit); None (and the name reported missing) when neither says."""
    if variable in factors:
        return factors[variable]
    for end in limits:
        if end.is_number and (end.is_zero or not end.is_finite):
            continue
        return sp.simplify(_rescale(end, factors, missing) / end)
    missing.add(str(variable))
    return None


def _rescale(expr: sp.Basic, factors: dict, missing: set) -> sp.Basic:
    # before the atoms: SymPy counts an entry x[i, j] of an IndexedBase as an atom
    if isinstance(expr, sp.Indexed):
        if expr.base in factors:
            return expr * factors[expr.base]
        missing.add(str(expr.base))
        return expr
    if expr.is_Atom:
        if isinstance(expr, sp.Symbol):
            if expr in factors:
                return expr * factors[expr]
            missing.add(expr.name)
        return expr
    if isinstance(expr, AppliedUndef):
        if expr.func in factors:
            return expr * factors[expr.func]
        missing.add(f"{expr.func}(...)")
        return expr
    if isinstance(expr, sp.Derivative):
        result = sp.Derivative(_rescale(expr.expr, factors, missing), *expr.variable_count).doit()
        for variable, order in expr.variable_count:
            factor = factors.get(variable)
            if factor is None:
                missing.add(str(variable))
            else:
                result = result / factor**order
        return result
    if isinstance(expr, (sp.Integral, sp.Sum)):
        inner, limits, total = dict(factors), [], sp.Integer(1)
        # the first limit is the innermost: outer variables may appear in inner limits, so go outside in
        for limit in reversed(expr.limits):
            variable, ends = limit[0], limit[1:]
            if isinstance(expr, sp.Sum):
                factor = sp.Integer(1)                      # a summation index counts
            else:
                factor = _bound_factor(variable, ends, inner, missing) or sp.Integer(1)
                total *= factor
            inner[variable] = factor
            limits.insert(0, (variable, *[_rescale(end, inner, missing) / factor for end in ends]))
        body = _rescale(expr.function, inner, missing)
        ratio = sp.simplify(body / expr.function) if expr.function != 0 else sp.Integer(1)
        if not ratio.has(*[variable for variable, *_ in limits]):
            # the integrand scales by a constant: pull it out, so the ratio to the original simplifies
            return total * ratio * expr.func(expr.function, *limits)
        return total * expr.func(body, *limits)
    if isinstance(expr, sp.Limit):
        function, variable, point, direction = expr.args
        factor = _bound_factor(variable, (point,), factors, missing) or sp.Integer(1)
        inner = {**factors, variable: factor}
        return sp.Limit(_rescale(function, inner, missing), variable, _rescale(point, inner, missing) / factor,
                        str(direction))
    return expr.func(*[_rescale(arg, factors, missing) for arg in expr.args])


class _Inhomogeneous(Exception):
    """A side whose parts transform differently: no single scale factor (the message says which parts)."""


def _is_scale(factor: sp.Expr, scales: set) -> bool:
    """A product of powers of the scales (exponents may hold the claim's symbols: lambda_L^(2 - kappa))."""
    if factor.is_zero or factor.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return False
    for part in sp.Mul.make_args(factor):
        base, exponent = part.as_base_exp()
        if not (part.is_number and part.is_positive) and (base not in scales or exponent.has(*scales)):
            return False
    return True


def _ratio(rescaled: sp.Expr, expr: sp.Expr) -> sp.Expr:
    """rescaled / expr, powers of products split as for positive quantities (a unit change rescales magnitudes)."""
    ratio = rescaled / expr
    return sp.powsimp(sp.expand_power_base(sp.powdenest(ratio, force=True), force=True), force=True)


def _factor(expr: sp.Expr, factors: dict, scales: set) -> sp.Expr:
    """The scale factor of expr (a product of powers of the scales), or _Inhomogeneous naming the parts that differ:
    terms of a sum that scale differently, or a quantity with a unit inside exp, log or a special function. Structural
    first (fast, and it says where), SymPy's simplify of the whole ratio last."""
    if expr.is_number:
        return sp.Integer(1)
    ratio = _ratio(_rescaled(expr, factors), expr)
    if _is_scale(ratio, scales):
        return ratio
    if expr.is_Add or isinstance(expr, (sp.Max, sp.Min)):
        parts = {}
        for term in expr.args:
            parts.setdefault(_factor(term, factors, scales), term)
        if len(parts) == 1:
            return next(iter(parts))
        raise _Inhomogeneous("its terms scale differently: " + "; ".join(f"{short(term)} as {factor}"
                                                                         for factor, term in parts.items()))
    if expr.is_Mul:
        return sp.Mul(*[_factor(arg, factors, scales) for arg in expr.args])
    if expr.is_Pow:
        base, exponent = expr.args
        if _factor(exponent, factors, scales) != 1:
            raise _Inhomogeneous(f"the exponent {short(exponent)} of {short(expr)} has a unit")
        return _factor(base, factors, scales) ** exponent
    if isinstance(expr, sp.Abs):
        return _factor(expr.args[0], factors, scales)
    if isinstance(expr, sp.Function) and not isinstance(expr, AppliedUndef):
        for arg in expr.args:
            inner = _factor(arg, factors, scales)
            if inner != 1:
                raise _Inhomogeneous(f"{expr.func.__name__} takes {short(arg)}, which scales as {inner}")
        return sp.Integer(1)
    simplified = sp.simplify(ratio)
    if _is_scale(simplified, scales):
        return simplified
    raise _Inhomogeneous(f"it scales as {short(simplified, 200)}")


def _side_factor(expr: sp.Expr, factors: dict, scales: set) -> tuple[sp.Expr | None, str]:
    """(factor, "") or (None, why the side has no single factor)."""
    try:
        return _factor(sp.sympify(expr), factors, scales), ""
    except _Inhomogeneous as why:
        return None, str(why)


def _scale_factors(claim: Claim, units: dict, clock: str) -> tuple:
    """(lhs factor, rhs factor, what is inhomogeneous): a factor is None where that side has no single one."""
    factors = _scale_of(units, clock)
    scales = set(sp.symbols("lambda_T lambda_L lambda_loss", positive=True))
    lhs, lhs_why = _side_factor(claim.lhs, factors, scales)
    rhs, rhs_why = _side_factor(claim.rhs, factors, scales) if claim.rhs != 0 else (lhs, lhs_why)
    why = "; ".join(f"{side} is not homogeneous: {text}" for side, text in (("lhs", lhs_why), ("rhs", rhs_why)) if text)
    return lhs, rhs, why


def _alike(lhs, rhs) -> bool:
    return lhs is not None and rhs is not None and sp.simplify(lhs - rhs) == 0


def _undeclared(claim: Claim, units: dict) -> list[str]:
    """Names in the claim that carry no unit: symbols (outside the arguments of undefined functions), IndexedBases,
    undefined functions, derivative variables, and integration variables whose limits do not fix their unit."""
    missing: set = set()
    factors = _scale_of(units, "gradient_flow")
    _rescaled(claim.lhs, factors, missing)
    _rescaled(claim.rhs, factors, missing)
    return sorted(missing)


def scaling_finding(claim: Claim, clock: str | None = None) -> Finding:
    """Both sides must transform alike when time, length and loss are rescaled (DESIGN.md, units), in the claim's
    own paper's convention (Claim.unit_convention: the clock and what carries which unit); other readings of the
    claim's units (Claim.other_readings) are computed too and reported beside the verdict where they differ."""
    convention = claim.unit_convention
    clock = clock or (convention.clock if convention else "gradient_flow")
    missing = _undeclared(claim, claim.units)
    if missing:
        return Finding(Verdict.ERROR, f"claim {claim.id} declares no units for {missing}")
    lhs_factor, rhs_factor, why = _scale_factors(claim, claim.units, clock)
    holds = _alike(lhs_factor, rhs_factor)
    evidence = {"lhs_factor": lhs_factor if lhs_factor is not None else "none (not homogeneous)",
                "rhs_factor": rhs_factor if rhs_factor is not None else "none (not homogeneous)",
                "clock": CLOCKS[clock],
                "convention": str(convention) if convention else "none stated (gradient-flow clock assumed)",
                "units": {str(k): str(v) for k, v in claim.units.items()}}
    if why:
        evidence["not homogeneous"] = why
    remarks = []
    for reading in claim.other_readings:
        other_lhs, other_rhs, other_why = _scale_factors(claim, {**claim.units, **reading.units}, reading.clock)
        other_holds = _alike(other_lhs, other_rhs)
        evidence.setdefault("other readings", []).append(
            {"reading": reading.description, "lhs_factor": str(other_lhs), "rhs_factor": str(other_rhs),
             "sides transform alike": other_holds, **({"not homogeneous": other_why} if other_why else {})})
        if other_holds != holds:
            scaled = (f"the sides would scale as {other_lhs} and {other_rhs}" if not other_why
                      else f"the claim would not be homogeneous ({other_why})")
            remarks.append(f"read {reading.description}, {scaled}: "
                           + ("consistent" if other_holds else "inconsistent") + " there (a remark, not the verdict)")
    if holds:
        return Finding(Verdict.VERIFIED, f"both sides scale as {lhs_factor}", evidence, remarks=tuple(remarks))
    if why:
        summary = f"{why} (lhs scales as {lhs_factor})" if lhs_factor is not None else why
    else:
        summary = f"lhs scales as {lhs_factor} but rhs as {rhs_factor}"
    return Finding(Verdict.REFUTED, summary, evidence, remarks=tuple(remarks))


def discretisation_gap(model, steps, *, n_paths: int, max_time: float, false_alarm: float, context) -> dict:
    """Mean exit time of the Euler-discretised dynamic (steps x step size) for several step sizes against the exact
    continuous one (1-D quadrature), and the gap's power of the step size fitted on the log-log points (Euler exit
    monitoring predicts 1/2). Returns the evidence; 'gaps resolved' says whether every gap exceeds z SE."""
    import numpy as np

    from numerics.sde.estimators import normal_quantile
    from numerics.sde.engine import simulate_exit
    from numerics.exact.quadrature import mean_exit_time

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
