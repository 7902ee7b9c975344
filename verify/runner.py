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
        return {v.value: sum(o.verdict is v for o in self.outcomes) for v in Verdict}

    def to_json(self) -> dict:
        return {"suite": self.suite, "only": self.only, "started": self.started, "seconds": round(self.seconds, 3),
                "device": self.device, "versions": self.versions, "counts": self.counts(),
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
