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

from .outcome import NonFiniteEvidence, Outcome, Verdict, to_jsonable

METHODS = ("symbolic", "limit", "scaling", "quadrature", "montecarlo", "experiment")


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


@dataclass(frozen=True)
class Check:
    id: str
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

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"check {self.id}: method must be one of {METHODS}")

    def parameters_for(self, suite: str) -> dict:
        return {**self.params, **self.suite_params.get(suite, {})}

    @property
    def source(self) -> str:
        return " | ".join(get_claim(c).source for c in self.claims)

    def run(self, context: Context = Context()) -> Outcome:
        """Run the body; turn every failure into an outcome instead of an exception."""
        started = time.perf_counter()
        seed = self.seed if self.seed is not None else context.seed
        try:
            source = self.source
        except UserInputError as error:
            source = f"(unresolved: {error})"
        try:
            # real-network experiments are small batched products: one intra-op thread is faster (numerics.device)
            threads = torch_threads(1) if self.method == "experiment" else nullcontext()
            with threads:
                finding = self.body(Context(context.suite, context.device, seed, context.progress),
                                    self.parameters_for(context.suite))
            evidence = to_jsonable(finding.evidence)
            outcome = Outcome(self.id, ", ".join(self.claims), source, self.method, finding.verdict,
                              finding.summary, evidence, seed=seed,
                              correction=to_jsonable(finding.correction) if finding.correction else None)
        except NonFiniteEvidence as error:
            outcome = Outcome(self.id, ", ".join(self.claims), source, self.method, Verdict.ERROR,
                              f"a computed number is not finite ({error.args[0]}): no verdict", seed=seed)
        except CensoredError as error:
            outcome = Outcome(self.id, ", ".join(self.claims), source, self.method, Verdict.INCONCLUSIVE,
                              str(error), seed=seed)
        except Exception as error:  # an ERROR outcome carries the reason; the suite goes on
            outcome = Outcome(self.id, ", ".join(self.claims), source, self.method, Verdict.ERROR,
                              f"{type(error).__name__}: {error}",
                              {"traceback": traceback.format_exc(limit=6)}, seed=seed)
        outcome.seconds = round(time.perf_counter() - started, 3)
        return outcome
