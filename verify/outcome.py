"""Outcome: a verdict with its evidence (DESIGN.md, "What a verdict means")."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from enum import Enum

import sympy as sp


class Verdict(str, Enum):
    VERIFIED = "VERIFIED"
    REFUTED = "REFUTED"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"
    #: the statement agrees with its own proof (or the theorem it is said to follow from) and nothing independent
    #: was asked: consistency, not truth (DESIGN.md, "What a verdict means"); counted apart from VERIFIED
    CONSISTENT = "CONSISTENT WITH ITS PROOF"

    def __str__(self) -> str:
        return self.value


class Basis(str, Enum):
    """What a verdict rests on (DESIGN.md, "What a verdict means"). VERIFIED needs an independent basis: every
    member except PAPER; UNITS is independent but only a necessary condition, so it never makes a claim VERIFIED."""

    #: an independent derivation from the Model: generator, Fokker-Planck operator, jump intensity, exact solution
    MODEL = "model derivation"
    #: the statement is pure mathematics (an integral, a limit, a special-function identity), computed independently
    MATHEMATICS = "independent computation"
    #: exact quadrature or a PDE solution of the Model, with its own error estimate
    EXACT = "exact numerics"
    SIMULATION = "simulation"
    EXPERIMENT = "real-network experiment"
    #: both sides transform alike under a change of units (a necessary condition only)
    UNITS = "dimensional analysis"
    #: only the paper's own lines: its proof recomputed, or the theorem it is said to follow from
    PAPER = "the paper's own proof"

    def __str__(self) -> str:
        return self.value

    @property
    def independent(self) -> bool:
        return self is not Basis.PAPER

    @property
    def decides_truth(self) -> bool:
        """Can this basis make a claim VERIFIED on its own? (not the paper's own lines, not units alone)"""
        return self not in (Basis.PAPER, Basis.UNITS)


@dataclass
class Outcome:
    check: str
    #: the one claim this outcome judges (DESIGN.md: one claim per verdict)
    claim: str
    source: str
    method: str
    verdict: Verdict
    summary: str
    evidence: dict = field(default_factory=dict)
    seconds: float = 0.0
    seed: int | None = None
    #: the derived replacement where the toolkit found the stated formula wrong: {"text", "latex"} and, once it is a
    #: registered claim with checks of its own, {"claim": id}; reports print it as a correction only when that claim
    #: passed the checks its original failed (report.correction_status)
    correction: dict | None = None
    #: other claims the check cites (a parent theorem, a competing formula): they keep their own verdicts
    comparators: list = field(default_factory=list)
    #: what the verdict rests on (Basis value)
    basis: str = ""
    #: readings in another convention that would change the verdict (units, clock, Itô vs kinetic form)
    remarks: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.verdict, str) and not isinstance(self.verdict, Verdict):
            self.verdict = Verdict(self.verdict)
        # reports written before one-claim-per-verdict joined the judged claim and its comparators with ", "
        if ", " in self.claim:
            first, *rest = [c.strip() for c in self.claim.split(",") if c.strip()]
            self.claim, self.comparators = first, [*rest, *self.comparators]

    def to_json(self) -> dict:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        return data


def to_jsonable(value):
    """Evidence to JSON: SymPy objects become strings, numpy scalars floats; non-finite floats raise."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, sp.Basic):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        raise NonFiniteEvidence(number)
    return number


class NonFiniteEvidence(ArithmeticError):
    """A number in the evidence is NaN or infinite: the outcome becomes an ERROR with this reason."""
