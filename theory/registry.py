"""The catalogue of Claims, by stable id (``kramers.mean_escape_time``, ``battash.thm4_1``, ...).

Each family module states its claims as module-level data and imports nothing from here; the catalogue is built once,
on first use, by collecting every Claim the family modules define (FAMILIES, in this order). A claim made at run time
(a user's claim, a derived counterpart in a check) is not in the catalogue."""

from __future__ import annotations

import importlib

from .claim import Claim
from .errors import UnknownIdError

#: the modules that state the papers' claims
FAMILIES = ("levy", "battash", "kramers", "power_law", "large_deviations", "networks")

_CATALOGUE: dict[str, Claim] = {}


def _catalogue() -> dict[str, Claim]:
    if not _CATALOGUE:
        for family in FAMILIES:
            module = importlib.import_module(f"{__package__}.{family}")
            for value in vars(module).values():
                if isinstance(value, Claim):
                    known = _CATALOGUE.setdefault(value.id, value)
                    if known is not value:
                        raise ValueError(f"claim id {value.id!r} is stated twice ({module.__name__})")
    return _CATALOGUE


def get_claim(claim_id: str) -> Claim:
    claims = _catalogue()
    try:
        return claims[claim_id]
    except KeyError:
        raise UnknownIdError("claim", claim_id, sorted(claims)) from None


def all_claims() -> list[Claim]:
    claims = _catalogue()
    return [claims[k] for k in sorted(claims)]
