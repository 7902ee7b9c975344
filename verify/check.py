"""Check: a Claim + a method + parameters + a tolerance policy (DESIGN.md, "Check")."""

from __future__ import annotations

import time
import traceback
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable

from numerics.device import torch_threads
from numerics.estimators import CensoredError
from theory import get_claim
from theory.errors import UserInputError

from .outcome import Basis, NonFiniteEvidence, Outcome, Verdict, to_jsonable

METHODS = ("symbolic", "limit", "scaling", "quadrature", "montecarlo", "experiment")
#: the basis a method implies; symbolic and limit checks must say which (a derivation from the Model, pure
#: mathematics, or only the paper's own proof)
METHOD_BASIS = {"scaling": Basis.UNITS, "quadrature": Basis.EXACT, "montecarlo": Basis.SIMULATION,
                "experiment": Basis.EXPERIMENT}


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
        seed = self.seed if self.seed is not None else context.seed
        try:
            source = self.source
        except UserInputError as error:
            source = f"(unresolved: {error})"

        def outcome(verdict: Verdict, summary: str, evidence: dict | None = None, basis: Basis | None = None,
                    **extra) -> Outcome:
            return Outcome(self.id, self.claim, source, self.method, verdict, summary, evidence or {}, seed=seed,
                           comparators=list(self.comparators), basis=str(basis or self.basis), **extra)

        try:
            # real-network experiments are small batched products: one intra-op thread is faster (numerics.device)
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
