"""The catalogue of Claims, by stable id (``kramers.mean_escape_time``, later ``battash.thm4_1``)."""

from __future__ import annotations

from .claim import Claim
from .errors import UnknownIdError

_CLAIMS: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    if claim.id in _CLAIMS:
        raise ValueError(f"claim id {claim.id!r} is registered twice")
    _CLAIMS[claim.id] = claim
    return claim


def get_claim(claim_id: str) -> Claim:
    _load_content()
    try:
        return _CLAIMS[claim_id]
    except KeyError:
        raise UnknownIdError("claim", claim_id, sorted(_CLAIMS)) from None


def all_claims() -> list[Claim]:
    _load_content()
    return [_CLAIMS[k] for k in sorted(_CLAIMS)]


def _load_content() -> None:
    # Content modules register their claims on import; importing here keeps `theory.registry`
    # importable by the content modules themselves without a cycle.
    from . import battash, kramers, large_deviations, levy, networks, power_law  # noqa: F401
