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

    def __str__(self) -> str:
        return self.value


@dataclass
class Outcome:
    check: str
    claim: str
    source: str
    method: str
    verdict: Verdict
    summary: str
    evidence: dict = field(default_factory=dict)
    seconds: float = 0.0
    seed: int | None = None
    #: the derived replacement where the toolkit found the stated formula wrong (plain text and LaTeX)
    correction: dict | None = None

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
