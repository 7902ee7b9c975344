"""Run a suite and collect its outcomes into a Report with the environment that made them."""

from __future__ import annotations

import datetime as _dt
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Callable

from numerics.infra.device import describe_device, resolve_device

from .check import Context
from .outcome import Outcome, Verdict
from .suite import checks_in
from .verdicts import ONLY_CITED, VERDICT_ORDER, claim_verdict, outcomes_by_claim

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
    #: the base seed (`--seed`) and the command line that made the report (None: not run from the command line)
    seed: int = 0
    command: str | None = None
    #: check id -> {base seed: verdict} for the stochastic checks rerun over several base seeds (`--seeds`); None
    #: when not asked for
    robustness: dict | None = None

    def counts(self) -> dict[str, int]:
        """Outcomes per verdict, CONSISTENT WITH ITS PROOF counted apart from VERIFIED (VERDICT_ORDER)."""
        return {v.value: sum(o.verdict is v for o in self.outcomes) for v in VERDICT_ORDER}

    def claim_verdicts(self) -> dict[str, Verdict | None]:
        """Claim id -> its verdict (verify.verdicts.claim_verdict), None for a claim only cited as a comparator; every claim
        the run judged or cited, in order of first appearance."""
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
                "device": self.device, "versions": self.versions, "seed": self.seed, "command": self.command,
                "robustness": self.robustness, "counts": self.counts(),
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
    report = Report(suite, started_wall, 0.0, describe_device(resolved), environment_versions(), only=only, seed=seed)
    context = Context(suite=suite, device=str(resolved), seed=seed, progress=progress)
    for check in checks:
        outcome = check.run(context)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    report.seconds = time.perf_counter() - started
    return report


#: the checks whose verdict may depend on the random stream (the others are exact or symbolic)
STOCHASTIC_METHODS = ("montecarlo", "experiment")


def moving_verdicts(robustness: dict) -> dict:
    """The checks of a robustness table whose verdict differs between base seeds."""
    return {check: verdicts for check, verdicts in robustness.items() if len(set(verdicts.values())) > 1}


def robustness_rows(robustness: dict) -> tuple[str, list[str], list[tuple[str, list[str], bool]]]:
    """What every renderer shows of a robustness table: its one-sentence finding, the base seeds, and one row per
    check (its verdict at each seed, whether it moves), the moving checks first."""
    moving = moving_verdicts(robustness)
    seeds = list(next(iter(robustness.values())))
    finding = (f"{len(robustness)} stochastic checks rerun at base seeds {', '.join(seeds)}: "
               + (f"{len(moving)} verdict(s) move with the seed (not decided by the check's sizes)" if moving
                  else "no verdict moves") + ".")
    order = [*moving, *(c for c in robustness if c not in moving)]
    return finding, seeds, [(check, [robustness[check].get(s, "—") for s in seeds], check in moving)
                            for check in order]


def rerun_over_seeds(report: Report, seeds, device: str = "auto", progress: bool = False,
                     on_outcome: Callable[[Outcome], None] | None = None) -> dict:
    """check id -> {base seed: verdict}: the report's stochastic checks (STOCHASTIC_METHODS) rerun at every further
    base seed, beside their verdict at the report's own; stored in report.robustness. A verdict that moves with the
    seed was not decided by the check's sizes (issue 17: the robustness table)."""
    stochastic = [o for o in report.outcomes if o.method in STOCHASTIC_METHODS]
    table = {o.check: {str(report.seed): o.verdict.value} for o in stochastic}
    resolved = resolve_device(device)
    checks = {check.id: check for check in checks_in(report.suite, report.only)}
    for seed in seeds:
        if seed == report.seed:
            continue
        context = Context(suite=report.suite, device=str(resolved), seed=seed, progress=progress)
        for outcome in stochastic:
            rerun = checks[outcome.check].run(context)
            table[outcome.check][str(seed)] = rerun.verdict.value
            if on_outcome is not None:
                on_outcome(rerun)
    report.robustness = table
    return table
