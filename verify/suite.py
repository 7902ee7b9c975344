"""Suites: named lists of checks (DESIGN.md, "Suite"). `full` holds every registered check."""

from __future__ import annotations

import fnmatch

from theory.errors import UnknownIdError

from .check import Check

SUITES = {
    "quick": "the fast checks: about a minute on two CPU cores",
    "full": "the whole catalogue, at full sizes",
    "kramers": "classical Kramers escape (foundation)",
    "levy": "Lévy-driven escape: seeds 000/001 and the classical 1-D exit law",
    "power_law": "state-dependent (power-law) noise: seeds 002/004",
    "large_deviations": "Freidlin-Wentzell theory of SGD: seed 003, with a minimum-action solver",
    "networks": "real networks on bundled data: gradient-noise tails, escape times, covariance, sharpness, schedules",
}

_CHECKS: dict[str, Check] = {}


def register_check(check: Check) -> Check:
    if check.id in _CHECKS:
        raise ValueError(f"check id {check.id!r} is registered twice")
    unknown = set(check.suites) - set(SUITES)
    if unknown:
        raise ValueError(f"check {check.id} names unknown suites {sorted(unknown)}")
    _CHECKS[check.id] = check
    return check


#: the check modules, in the order their checks run (and appear in notebooks) whichever was imported first
CHECK_MODULES = ("battash", "battash_between_jumps", "battash_model", "kramers", "large_deviations", "levy", "networks",
                 "networks_escape", "networks_plsgd", "networks_schedules", "networks_sharpness", "power_law",
                 "power_law_four_basin", "rare_events", "units")


def _load() -> None:
    # the check modules register on import
    import importlib

    for module in CHECK_MODULES:
        importlib.import_module(f"{__package__}.checks.{module}")


def _position(check: Check) -> tuple[int, int]:
    """(module rank, registration index): a stable order that does not depend on which module a caller (a test, a
    notebook) happened to import first; checks registered outside the listed modules come last."""
    module = check.body.__module__.rsplit(".", 1)[-1]
    rank = CHECK_MODULES.index(module) if module in CHECK_MODULES else len(CHECK_MODULES)
    return rank, list(_CHECKS).index(check.id)


def all_checks() -> list[Check]:
    _load()
    return [_CHECKS[k] for k in sorted(_CHECKS)]


def get_check(check_id: str) -> Check:
    _load()
    if check_id not in _CHECKS:
        raise UnknownIdError("check", check_id, sorted(_CHECKS))
    return _CHECKS[check_id]


def checks_in(suite: str, only: str | None = None) -> list[Check]:
    """The suite's checks in registration order; `only` filters ids by glob (or substring)."""
    _load()
    if suite not in SUITES:
        raise UnknownIdError("suite", suite, sorted(SUITES))
    chosen = sorted((c for c in _CHECKS.values() if suite == "full" or suite in c.suites), key=_position)
    if only:
        pattern = only if any(ch in only for ch in "*?[") else f"*{only}*"
        chosen = [c for c in chosen if fnmatch.fnmatch(c.id, pattern)
                  or any(fnmatch.fnmatch(claim, pattern) for claim in c.claims)]
        if not chosen:
            raise UnknownIdError("check pattern", only, [c.id for c in checks_in(suite)])
    return chosen
