"""The one check of a positive parameter: a finite real number > 0, or a positive integer (a count).

Every numeric entry point refuses an inadmissible size, step or rate in one line (theory.errors.ParameterError) that
names the parameter, its value and what is admissible; the wording of the admissible range is the caller's, so a
message reads as it always did ("(0, oo)", "(0, inf)", "a positive integer", "an integer >= 1").
"""

from __future__ import annotations

import math
import numbers

from theory.errors import ParameterError


def is_count(value) -> bool:
    """A positive integer (an Integral, not a bool): 1000.0 is not a count."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0


def is_positive(value) -> bool:
    """A finite real number > 0 (not a bool)."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
            and value > 0)


def require_positive(name: str, value, hint: str = "", *, count: bool = False, admissible: str | None = None) -> None:
    """Raise ParameterError unless `value` is a finite real > 0 (count=True: a positive integer).

    `admissible` is the range as the message states it (default "(0, oo)", or "a positive integer" for a count);
    `hint` says what the parameter is or how to mend it."""
    if not (is_count(value) if count else is_positive(value)):
        default = "a positive integer" if count else "(0, oo)"
        raise ParameterError(name, value, admissible or default, hint)
