"""Run a suite and collect its outcomes into a Report with the environment that made them."""

from __future__ import annotations

import datetime as _dt
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Callable

from numerics.device import describe_device, resolve_device

from .check import Context
from .outcome import Outcome, Verdict
from .suite import checks_in

#: the order in which reports list verdicts: agreement with an independent basis, then agreement with the paper's
#: own proof (counted apart: consistency, not truth), then the rest
VERDICT_ORDER = (Verdict.VERIFIED, Verdict.CONSISTENT, Verdict.REFUTED, Verdict.INCONCLUSIVE, Verdict.ERROR)
#: what reports print for a claim that no outcome judges, only cites as a comparator (claim_verdict is None)
ONLY_CITED = "only cited"

PACKAGES = ("escape-theory", "sympy", "mpmath", "numpy", "scipy", "torch", "nbformat", "nbclient", "matplotlib")


def environment_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass
class Report:
    suite: str
    started: str
    seconds: float
    device: str
    versions: dict
    outcomes: list[Outcome] = field(default_factory=list)
    only: str | None = None

    def counts(self) -> dict[str, int]:
        """Outcomes per verdict, CONSISTENT WITH ITS PROOF counted apart from VERIFIED (VERDICT_ORDER)."""
        return {v.value: sum(o.verdict is v for o in self.outcomes) for v in VERDICT_ORDER}

    def claim_verdicts(self) -> dict[str, Verdict | None]:
        """Claim id -> its verdict (report.claim_verdict), None for a claim only cited as a comparator; every claim
        the run judged or cited, in order of first appearance."""
        from .report import claim_verdict, outcomes_by_claim  # report imports this module

        return {claim_id: claim_verdict(claim_id, outcomes)
                for claim_id, outcomes in outcomes_by_claim(self.outcomes).items()}

    def claim_counts(self) -> dict[str, int]:
        """Claims per verdict (VERDICT_ORDER), then ONLY_CITED: the claims only cited as comparators."""
        verdicts = list(self.claim_verdicts().values())
        counts = {v.value: sum(verdict is v for verdict in verdicts) for v in VERDICT_ORDER}
        counts[ONLY_CITED] = sum(verdict is None for verdict in verdicts)
        return counts

    def to_json(self) -> dict:
        """The schema of the foundation issue, with the per-claim verdicts (null: only cited as a comparator) and
        their counts, so that a reader need not recompute them."""
        return {"suite": self.suite, "only": self.only, "started": self.started, "seconds": round(self.seconds, 3),
                "device": self.device, "versions": self.versions, "counts": self.counts(),
                "claim_counts": self.claim_counts(),
                "claims": {claim_id: verdict.value if verdict is not None else None
                           for claim_id, verdict in self.claim_verdicts().items()},
                "outcomes": [o.to_json() for o in self.outcomes]}


def run_suite(suite: str = "quick", only: str | None = None, device: str = "auto", seed: int = 0,
              progress: bool = False, on_outcome: Callable[[Outcome], None] | None = None) -> Report:
    checks = checks_in(suite, only)
    resolved = resolve_device(device)
    started_wall = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    report = Report(suite, started_wall, 0.0, describe_device(resolved), environment_versions(), only=only)
    context = Context(suite=suite, device=str(resolved), seed=seed, progress=progress)
    for check in checks:
        outcome = check.run(context)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    report.seconds = time.perf_counter() - started
    return report
