"""Check: a Claim + a method + parameters + a tolerance policy (DESIGN.md, "Check")."""

from __future__ import annotations

import time
import traceback
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable

from numerics.infra.device import torch_threads
from numerics.sde.estimators import CensoredError
from theory import get_claim
from theory.errors import UserInputError

from .outcome import Basis, NonFiniteEvidence, Outcome, Verdict, to_jsonable

METHODS = ("symbolic", "limit", "scaling", "quadrature", "montecarlo", "experiment")
#: the basis a method implies; symbolic and limit checks must say which (a derivation from the Model, pure
#: mathematics, or only the paper's own proof)
METHOD_BASIS = {"scaling": Basis.UNITS, "quadrature": Basis.EXACT, "montecarlo": Basis.SIMULATION,
                "experiment": Basis.EXPERIMENT}


#: parameter name -> (test, admissible range in words): the sizes and probabilities every check shares; checked when
#: the check is registered (the suite is built), not when it runs
_PARAMETER_RULES = {
    "n_paths": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "an integer >= 1"),
    "runs": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "an integer >= 1"),
    "steps": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1 or isinstance(v, list) and all(
        isinstance(x, (int, float)) and x > 0 for x in v), "an integer >= 1 or a list of positive step sizes"),
    "dt": (lambda v: isinstance(v, (int, float)) and v > 0, "(0, oo)"),
    "max_time": (lambda v: isinstance(v, (int, float)) and v > 0, "(0, oo)"),
    "false_alarm": (lambda v: isinstance(v, float) and 0 < v < 1, "(0, 1)"),
}


def validate_params(check_id: str, params: dict) -> None:
    """Refuse a check whose shared parameters are out of range (sizes, steps, false-alarm rates, tolerances)."""
    for name, value in params.items():
        rule = _PARAMETER_RULES.get(name)
        if rule is not None and not rule[0](value):
            raise ValueError(f"check {check_id}: parameter {name}={value!r} is out of range: admissible is {rule[1]}")
        if "tolerance" in name and isinstance(value, (int, float)) and not value >= 0:
            raise ValueError(f"check {check_id}: parameter {name}={value!r} is out of range: admissible is [0, oo)")


def combined_seed(own: int | None, base: int) -> int:
    """The seed a check runs with: the run's base seed (`escape verify --seed`) where the check fixes none; its own
    where the base is 0 (the default run is unchanged); otherwise a 32-bit seed derived from both by numpy's
    SeedSequence (hand-written sums would make (own 5, base 1) and (own 6, base 0) the same stream)."""
    if own is None:
        return base
    if base == 0:
        return own
    import numpy as np

    return int(np.random.SeedSequence([own, base]).generate_state(1)[0])


@dataclass(frozen=True)
class Context:
    """What a running check may use: the suite's sizes, the device, a seed, progress output."""

    suite: str = "full"
    device: str = "auto"
    seed: int = 0
    progress: bool = False


@dataclass(frozen=True)
class Finding:
    """What a check's body returns: the verdict and its evidence."""

    verdict: Verdict
    summary: str
    evidence: dict = field(default_factory=dict)
    correction: dict | None = None
    #: overrides the check's declared basis for this finding (a check that could only compare with the proof)
    basis: Basis | None = None
    #: readings in another convention that would change the verdict, in words
    remarks: tuple = ()


@dataclass(frozen=True)
class Check:
    id: str
    #: the claim the check judges first, then its comparators (claims it cites, which keep their own verdicts)
    claims: tuple[str, ...]
    method: str
    description: str
    body: Callable[[Context, dict], Finding]
    params: dict = field(default_factory=dict)
    #: per-suite overrides of params (smaller sizes for `quick`)
    suite_params: dict = field(default_factory=dict)
    suites: tuple[str, ...] = ("full",)
    seed: int | None = None
    #: outcome -> matplotlib Figure of theory against computation, drawn from the evidence alone
    plot: Callable[[Outcome], object] | None = None
    #: what the verdict rests on; implied by the method except for symbolic and limit checks
    basis: Basis | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"check {self.id}: method must be one of {METHODS}")
        if self.basis is None and self.method in METHOD_BASIS:
            object.__setattr__(self, "basis", METHOD_BASIS[self.method])
        if self.basis is None:
            raise ValueError(f"check {self.id}: a {self.method} check must declare its basis (Basis.MODEL, "
                             "Basis.MATHEMATICS or Basis.PAPER)")
        for suite, overrides in self.suite_params.items():
            unknown = set(overrides) - set(self.params)
            if unknown:
                raise ValueError(f"check {self.id}: suite {suite!r} overrides parameters it does not have: "
                                 f"{sorted(unknown)}")
        for suite in (None, *self.suite_params):
            validate_params(self.id, {**self.params, **self.suite_params.get(suite, {})})

    @property
    def claim(self) -> str:
        """The claim this check judges ("" for a check made for a user's claim; run_checks names it)."""
        return self.claims[0] if self.claims else ""

    @property
    def comparators(self) -> tuple[str, ...]:
        return self.claims[1:]

    def parameters_for(self, suite: str) -> dict:
        return {**self.params, **self.suite_params.get(suite, {})}

    @property
    def source(self) -> str:
        return get_claim(self.claim).source if self.claims else ""

    def run(self, context: Context = Context()) -> Outcome:
        """Run the body; turn every failure into an outcome instead of an exception."""
        started = time.perf_counter()
        seed = combined_seed(self.seed, context.seed)
        try:
            source = self.source
        except UserInputError as error:
            source = f"(unresolved: {error})"

        def outcome(verdict: Verdict, summary: str, evidence: dict | None = None, basis: Basis | None = None,
                    **extra) -> Outcome:
            return Outcome(self.id, self.claim, source, self.method, verdict, summary, evidence or {}, seed=seed,
                           comparators=list(self.comparators), basis=str(basis or self.basis), **extra)

        try:
            # real-network experiments are small batched products: one intra-op thread is faster (numerics.infra.device)
            threads = torch_threads(1) if self.method == "experiment" else nullcontext()
            with threads:
                finding = self.body(Context(context.suite, context.device, seed, context.progress),
                                    self.parameters_for(context.suite))
            basis = finding.basis or self.basis
            verdict = finding.verdict
            if verdict is Verdict.VERIFIED and basis is Basis.PAPER:
                # agreement with its own proof is consistency, not truth (DESIGN.md)
                verdict = Verdict.CONSISTENT
            result = outcome(verdict, finding.summary, to_jsonable(finding.evidence), basis,
                             correction=to_jsonable(finding.correction) if finding.correction else None,
                             remarks=list(finding.remarks))
        except NonFiniteEvidence as error:
            result = outcome(Verdict.ERROR, f"a computed number is not finite ({error.args[0]}): no verdict")
        except CensoredError as error:
            result = outcome(Verdict.INCONCLUSIVE, str(error))
        except Exception as error:  # an ERROR outcome carries the reason; the suite goes on
            result = outcome(Verdict.ERROR, f"{type(error).__name__}: {error}",
                             {"traceback": traceback.format_exc(limit=6)})
        result.seconds = round(time.perf_counter() - started, 3)
        return result
