"""Checking a user's claim (theory.user_claim) the way the built-in checks are checked (DESIGN.md, "What a
verdict means"):

- ``against_limit``: the claim must equal the limit of a parent claim (a corollary against its theorem):
  the limit is derived by SymPy from the parent and compared as an identity (theory.identity).
- ``to_leading_order``: the claim must agree with a reference claim to leading order (f ~ g: f/g -> 1),
  e.g. a corrected asymptotic formula against Kramers' law as D -> 0.
- ``against_model``: the claim, read as the mean exit time of its Model from the Model's start, against
  Monte Carlo (numerics.sde.engine.simulate_exit: an interval test with a stated false-alarm probability)
  or exact quadrature (numerics.exact.quadrature.mean_exit_time, 1-D Brownian models).

``check_user_claim`` runs the requested ones as Checks and returns their Outcomes (verify.outcome), so a
user claim is reported exactly like a paper's. Inputs are validated before anything runs: a mistake is a
UserInputError (one line and exit code 2 on the command line), not an ERROR outcome.
"""

from __future__ import annotations

import dataclasses

import math
from dataclasses import dataclass, replace

import mpmath
import sympy as sp

from theory import get_claim
from theory.claim import Claim, limit_direction
from theory.errors import ModelError, UserInputError
from theory.identity import decide_identity, tidy
from theory.model import Brownian, Model
from theory.user_claim import context_symbols, parse_definitions, parse_expression

from .check import Check, Context, Finding
from .methods import derived_claim, euler_bias_band, identity_finding, value_at
from .outcome import Basis, Outcome, Verdict

MODEL_METHODS = ("montecarlo", "quadrature")
#: the simulation horizon, when not given, in units of the claim's own prediction: a true claim about an
#: exit time with an exponential-like tail leaves a fraction ~e^-50 of the paths censored
HORIZON_IN_PREDICTIONS = 50.0


# ------------------------------------------------------------------------------ helpers
def _claim(claim: Claim | str) -> Claim:
    return get_claim(claim) if isinstance(claim, str) else claim


def _symbol_of(claim: Claim, name) -> sp.Symbol:
    return claim.symbol(name) if isinstance(name, str) else name


def _on_symbols_of(expr: sp.Basic, claim: Claim) -> sp.Basic:
    """Symbols are matched by name: a reference claim's D becomes the user claim's D, so a difference in
    assumptions cannot make two equal formulas look different."""
    mine = {s.name: s for s in claim.symbols}
    return expr.xreplace({s: mine[s.name] for s in expr.free_symbols if s.name in mine})


def read_value(value, claim: Claim) -> sp.Expr:
    """A limit point or parameter value: a SymPy number, or text read by the restricted parser."""
    if isinstance(value, str):
        return parse_expression(value, context_symbols(claim=claim))
    return sp.sympify(value)


# ------------------------------------------------------------------------------ symbolic checks
def against_limit(claim: Claim, parent: Claim | str, symbol, value, direction: str | None = None,
                  definitions=None) -> Finding:
    """VERIFIED when the claim's right-hand side is identical to lim_{symbol -> value} of the parent's
    (a corollary against its theorem), else REFUTED with the exact difference and the derived limit as the
    correction. ``definitions`` ({name: expression}) are substituted into both after the limit, for a
    parent that keeps a defined quantity as one symbol (Thm 4.1's m_bar_l)."""
    parent = _claim(parent)
    symbol = _symbol_of(parent, symbol)
    value = read_value(value, parent)
    direction = limit_direction(symbol, value, direction)   # refuses a value outside the symbol's domain
    known = {**context_symbols(claim=parent), **context_symbols(claim=claim)}
    substitution = parse_definitions(definitions, known)
    try:
        derived = parent.limit(symbol, value, direction)
        how = f"sympy limit ({direction})"
    except NotImplementedError:
        at_point, how = value_at(parent.rhs, symbol, value)
        derived = replace(parent, rhs=at_point)
    derived_rhs = _on_symbols_of(sp.simplify(derived.rhs.subs(substitution)), claim)
    if substitution and derived.derivation is not None:
        derived.derivation.step("substitute " + ", ".join(f"{k} = {v}" for k, v in substitution.items()),
                                sp.Eq(derived.lhs, derived_rhs, evaluate=False))
    stated = replace(claim, rhs=claim.rhs.subs(substitution))
    what = f"{claim.id} vs the limit {symbol} -> {value} of {parent.id} ({how})"
    finding = identity_finding(stated, derived_claim(stated, derived_rhs, derived.derivation, f"limit of {parent.id}"),
                               what)
    finding.evidence.update({"parent": parent.id, "limit": f"{symbol} -> {value} ({direction})",
                             "limit before the definitions": derived.rhs,
                             "definitions": {str(k): v for k, v in substitution.items()}})
    if finding.verdict is Verdict.REFUTED:
        # what the parent's limit gives: not a checked correction until a claim stating it passes checks of its own
        finding = dataclasses.replace(finding, correction={"text": str(derived_rhs), "latex": sp.latex(derived_rhs),
                                                           "from": f"the limit {symbol} -> {value} of {parent.id}"})
    if derived.derivation is not None:
        finding.evidence["derivation"] = derived.derivation.render()
    return finding


def to_leading_order(claim: Claim, reference: Claim | str, symbol, value, direction: str | None = None) -> Finding:
    """VERIFIED when claim / reference -> 1 as symbol -> value (the two agree to leading order), REFUTED
    when the limit is another number (or 0, oo) or a non-constant expression, INCONCLUSIVE when SymPy cannot
    take the limit."""
    reference = _claim(reference)
    symbol = _symbol_of(claim, symbol)
    value = read_value(value, claim)
    direction = limit_direction(symbol, value, direction)   # refuses a value outside the symbol's domain
    ratio = tidy(claim.rhs / _on_symbols_of(reference.rhs, claim))
    evidence = {"reference": reference.id, "ratio claim / reference": ratio,
                "limit": f"{symbol} -> {value} ({direction})"}
    what = f"{claim.id} / {reference.id} as {symbol} -> {value}"
    try:
        limit = sp.simplify(sp.limit(ratio, symbol, value, dir=direction))
    except NotImplementedError as error:
        return Finding(Verdict.INCONCLUSIVE, f"{what}: SymPy cannot take this limit ({error})", evidence)
    evidence["limit of the ratio"] = limit
    if limit.has(sp.Limit):
        return Finding(Verdict.INCONCLUSIVE, f"{what}: SymPy left the limit unevaluated", evidence)
    identity = decide_identity(limit, sp.S.One, conditions=claim.conditions + reference.conditions)
    evidence["decided_by"] = identity.decided_by
    if identity.equal:
        return Finding(Verdict.VERIFIED, f"{what} -> 1: they agree to leading order ({identity.decided_by})",
                       evidence)
    return Finding(Verdict.REFUTED, f"{what} -> {limit}, not 1: they differ at leading order", evidence)


# ------------------------------------------------------------------------------ against the Model
@dataclass(frozen=True)
class ModelPoint:
    """The claim at one parameter point: the bound Model and the claim's value there."""

    model: Model
    values: dict
    prediction: mpmath.mpf
    quantity: str


def at_point(claim: Claim, at: dict) -> ModelPoint:
    """Bind the claim's Model at ``at`` ({name: number}) and evaluate the claim there (state symbols take the
    Model's start). The claim is read as the mean exit time of the Model from its start."""
    model = claim.model
    if model is None:
        raise UserInputError(f"claim {claim.id} has no Model to simulate: state it about a model "
                             "(model='kramers.DOUBLE_WELL' / --model)")
    known = {**context_symbols(model=model), **context_symbols(claim=claim)}
    values = {}
    for key, value in (at or {}).items():
        name = key.name if isinstance(key, sp.Symbol) else str(key)
        if name not in known:
            raise UserInputError(f"cannot set {name!r}: the claim and model symbols are {', '.join(sorted(known))}")
        number = read_value(value, claim) if isinstance(value, str) else sp.sympify(value)
        if not number.is_number or not number.is_real:
            raise UserInputError(f"{name}={value!r} is not a real number")
        values[name] = number
    parameters = {s.name for s in model.parameters}
    missing = sorted(parameters - set(values))
    if missing:
        raise UserInputError(f"give a value to every parameter of {model.name!r}: missing {', '.join(missing)} "
                             f"(e.g. at={{'{missing[0]}': 0.25}} / --at {missing[0]}=0.25)")
    bound = model.bind({name: v for name, v in values.items() if name in parameters})
    bound.require_numeric()
    by_name = {**values, **{s.name: v for s, v in zip(model.state, bound.start)}}
    rhs = claim.rhs.xreplace({s: by_name[s.name] for s in claim.rhs.free_symbols if s.name in by_name})
    if rhs.free_symbols:
        free = ", ".join(sorted(s.name for s in rhs.free_symbols))
        raise UserInputError(f"the claim still depends on {free} at this point: give it a value (--at {free}=...)")
    prediction = sp.N(rhs, 30)
    if not (prediction.is_real and prediction.is_finite and prediction.is_positive):
        raise UserInputError(f"the claim evaluates to {prediction} here, not a positive mean exit time")
    start = ", ".join(str(v) for v in bound.start)
    return ModelPoint(bound, {k: float(v) for k, v in values.items()}, mpmath.mpf(str(prediction)),
                      f"mean exit time of {model.name!r} from its start ({start}), domain {bound.domain}")


def predicted_euler_bias(model: Model, dt: float) -> tuple[float | None, str]:
    """First-order Euler exit-time bias of a bound 1-D Brownian Model (numerics.sde.bias.predicted_euler_bias: the
    exact mean exit time with each finite end moved outward by the discrete-monitoring shift, minus the exact one).
    None, with the reason, where this cannot be computed (then the tolerance must cover it)."""
    from numerics.sde.bias import predicted_euler_bias as shifted_boundary_bias

    if model.dimension != 1 or not isinstance(model.noise, Brownian) or model.scheduler is not None:
        return None, "not predicted (only for 1-D Brownian models without a scheduler): the tolerance must cover it"
    try:
        bias = shifted_boundary_bias(model, dt)
    except (ModelError, OverflowError) as error:
        return None, f"not predicted ({error}): the tolerance must cover it"
    return bias, "exact mean exit time with the ends moved out by 0.5826 sigma sqrt(dt), minus the exact one"


# 11 parameters: the claim, the point and the simulation's options, keyword-only with defaults (public API)
def against_model(claim: Claim, at: dict, *, method: str = "montecarlo", n_paths: int = 20_000, dt: float = 0.01,
                  max_time: float | None = None, seed: int = 0, device: str = "auto", false_alarm: float = 1e-4,
                  tolerance: float = 0.0, progress: bool = False) -> Finding:
    """The claim, read as the mean exit time of its Model from its start, against the Model at ``at``.

    method="montecarlo": Euler-Maruyama paths; the gap (simulated mean - claim) must lie in the band that a
    true claim leaves: z standard errors (z for a false-alarm probability ``false_alarm``, two-sided for
    "=" and "~", one-sided for a bound), plus the first-order Euler bias within [0.5, 1.5] of its prediction
    (verify.methods.euler_bias_band), plus ``tolerance`` x the claim for what the claim itself neglects
    (an asymptotic formula at finite parameters). A bound ("<=", ">=") is tested on its side only.
    method="quadrature": the exact mean exit time (1-D Brownian models); deterministic, decided within the
    quadrature's error estimate plus ``tolerance``.
    """
    if method not in MODEL_METHODS:
        raise UserInputError(f"unknown method {method!r}: use one of {', '.join(MODEL_METHODS)}")
    if not 0 < false_alarm < 0.5:
        raise UserInputError(f"false_alarm={false_alarm} must lie in (0, 0.5)")
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise UserInputError(f"tolerance={tolerance} must be a finite number >= 0 (a relative error)")
    point = at_point(claim, at)
    if method == "quadrature":
        return _against_quadrature(claim, point, tolerance)
    return _against_montecarlo(claim, point, n_paths=n_paths, dt=dt, max_time=max_time, seed=seed, device=device,
                               false_alarm=false_alarm, tolerance=tolerance, progress=progress)


# 10 parameters: against_model's options passed on by name
def _against_montecarlo(claim: Claim, point: ModelPoint, *, n_paths, dt, max_time, seed, device, false_alarm,
                        tolerance, progress) -> Finding:
    from numerics.sde.estimators import normal_quantile
    from numerics.sde.engine import simulate_exit

    predicted = float(point.prediction)
    horizon = max_time if max_time is not None else HORIZON_IN_PREDICTIONS * predicted
    sim = simulate_exit(point.model, n_paths=n_paths, dt=dt, max_time=horizon, seed=seed, device=device,
                        progress=progress)
    two_sided = claim.relation in ("=", "~")
    z = normal_quantile(1 - false_alarm) if two_sided else normal_quantile(1 - 2 * false_alarm)
    confidence = (f"{'two' if two_sided else 'one'}-sided at 1 - {false_alarm:g}: a true claim is REFUTED with "
                  f"probability < {false_alarm:g} (within the model tolerance and the Euler bias band)")
    evidence = {"quantity": point.quantity, "at": point.values, "relation": claim.relation,
                "claim": predicted, "simulation": sim.summary(), "z": z, "confidence": confidence,
                "model tolerance (relative, stated)": tolerance}
    if sim.n_censored:
        return Finding(Verdict.INCONCLUSIVE, f"{sim.n_censored} of {sim.n_paths} paths had not exited by "
                       f"t = {sim.horizon:g}: raise max_time (--max-time)", evidence)
    bias, how = predicted_euler_bias(point.model, dt)
    low, high = euler_bias_band(bias or 0.0, z, sim.stderr)
    allowance = tolerance * predicted
    gap = sim.mean - predicted
    band = {"=": (low - allowance, high + allowance), "~": (low - allowance, high + allowance),
            "<=": (-math.inf, high + allowance), ">=": (low - allowance, math.inf)}[claim.relation]
    evidence.update({"simulated mean": sim.mean, "stderr": sim.stderr,
                     "interval": [sim.mean - z * sim.stderr, sim.mean + z * sim.stderr],
                     "gap (simulated - claim)": gap, "relative gap": gap / predicted,
                     "predicted Euler bias": bias, "Euler bias": how, "allowed gap": list(band)})
    passed = band[0] <= gap <= band[1]
    shown = (f"simulated {sim.mean:.5g} ± {z * sim.stderr:.2g} (z = {z:.2f}) vs claim {predicted:.5g} "
             f"({claim.relation}; relative gap {gap / predicted:+.3%}, tolerance {tolerance:g})")
    return Finding(Verdict.VERIFIED if passed else Verdict.REFUTED,
                   ("consistent: " if passed else "outside the allowed band: ") + shown, evidence)


def _float_or_text(value) -> float | str:
    """A float where it is one, else SymPy's text of the number (exp(2.5e8) overflows a float, not a Float)."""
    number = float(value)
    return number if math.isfinite(number) else str(sp.N(value, 8))


def _against_quadrature(claim: Claim, point: ModelPoint, tolerance: float) -> Finding:
    from numerics.exact.quadrature import mean_exit_time

    try:
        exact = mean_exit_time(point.model)
    except ModelError as error:
        raise UserInputError(f"quadrature cannot compute this model's exit time ({error}): use montecarlo") from None
    # exact / claim in log space: Kramers-type times overflow floats
    ratio = float(mpmath.exp(exact.log_value - mpmath.log(point.prediction)))
    error = exact.relative_error
    passed = {"=": abs(ratio - 1) <= tolerance + error * ratio, "~": abs(ratio - 1) <= tolerance + error * ratio,
              "<=": ratio * (1 - error) <= 1 + tolerance, ">=": ratio * (1 + error) >= 1 - tolerance}[claim.relation]
    evidence = {"quantity": point.quantity, "at": point.values, "relation": claim.relation,
                # an exponentially large time stays in log space: as text where a float overflows
                "claim": _float_or_text(point.prediction), "log claim": float(mpmath.log(point.prediction)),
                "log exact": exact.log_value,
                "exact / claim": ratio, "quadrature relative error": error, "quadrature": exact.method,
                "model tolerance (relative, stated)": tolerance,
                "confidence": "deterministic: decided within the quadrature's own error estimate (no false alarm)"}
    shown = (f"exact mean exit time / claim = {ratio:.6g} ({claim.relation}; tolerance {tolerance:g}, "
             f"quadrature error {error:.1g})")
    return Finding(Verdict.VERIFIED if passed else Verdict.REFUTED,
                   ("consistent: " if passed else "outside the tolerance: ") + shown, evidence)


# ------------------------------------------------------------------------------ running them as Checks
def user_checks(claim: Claim, *, limit_of=None, leading_order=None, at=None, methods=("montecarlo",),
                definitions=None, direction: str | None = None, **model_options) -> list[Check]:
    """The requested checks of a user claim, validated now (a mistake raises UserInputError here).

    limit_of: (parent claim or id, symbol, value) -> against_limit.
    leading_order: (reference claim or id, symbol, value) -> to_leading_order.
    at: {name: number} -> against_model with each of ``methods``; model_options go to against_model.
    """
    checks = []
    if limit_of is not None:
        parent, symbol, value = limit_of
        parent = _claim(parent)
        _symbol_of(parent, symbol), read_value(value, parent)  # fail now on an unknown symbol or value
        parse_definitions(definitions, {**context_symbols(claim=parent), **context_symbols(claim=claim)})
        # agreeing with the limit of the claim it is said to follow from is consistency with that claim, not truth
        checks.append(Check(f"{claim.id}.limit_of.{parent.id}", (), "limit",
                            f"{claim.id} against the limit {symbol} -> {value} of {parent.id}",
                            lambda c, p: against_limit(claim, parent, symbol, value, direction, definitions),
                            basis=Basis.PAPER))
    if leading_order is not None:
        reference, symbol, value = leading_order
        reference = _claim(reference)
        _symbol_of(claim, symbol), read_value(value, claim)
        checks.append(Check(f"{claim.id}.leading_order.{reference.id}", (), "limit",
                            f"{claim.id} / {reference.id} -> 1 as {symbol} -> {value}",
                            lambda c, p: to_leading_order(claim, reference, symbol, value, direction),
                            basis=Basis.MATHEMATICS))
    if at is not None:
        at_point(claim, at)
        for method in methods:
            if method not in MODEL_METHODS:
                raise UserInputError(f"unknown method {method!r}: use one of {', '.join(MODEL_METHODS)}")
            checks.append(Check(f"{claim.id}.{method}", (), method, f"{claim.id} against its Model by {method}",
                                _model_body(claim, at, method, model_options)))
    if not checks:
        raise UserInputError("nothing to check: give a parent limit (limit_of / --limit-of), a leading-order "
                             "reference (leading_order / --leading-order) or a parameter point (at / --at)")
    return checks


def _model_body(claim: Claim, at: dict, method: str, options: dict):
    def body(context: Context, params: dict) -> Finding:
        return against_model(claim, at, method=method, seed=context.seed, device=context.device,
                             progress=context.progress, **options)
    return body


def check_user_claim(claim: Claim, *, seed: int = 0, device: str = "auto", progress: bool = False,
                     **options) -> list[Outcome]:
    """Run user_checks(claim, **options) and return their Outcomes (the same objects a suite reports)."""
    return run_checks(claim, user_checks(claim, **options), seed=seed, device=device, progress=progress)


def run_checks(claim: Claim, checks: list[Check], *, seed: int = 0, device: str = "auto",
               progress: bool = False) -> list[Outcome]:
    """Run checks made by user_checks; each Outcome names the claim and its source."""
    outcomes = []
    for check in checks:
        outcome = check.run(Context(suite="user", device=device, seed=seed, progress=progress))
        outcome.claim, outcome.source = claim.id, claim.source
        outcomes.append(outcome)
    return outcomes
