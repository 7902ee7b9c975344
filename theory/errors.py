"""Errors a user can mend. The CLI prints their message on one line and exits with code 2."""

from __future__ import annotations


class UserInputError(ValueError):
    """Base class: the input is wrong and the message says how to mend it."""


class ParameterError(UserInputError):
    """A parameter lies outside its admissible range."""

    def __init__(self, name: str, value: object, admissible: str, hint: str = "") -> None:
        message = f"parameter {name}={value!r} is out of range: admissible is {admissible}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)
        self.name = name
        self.value = value
        self.admissible = admissible


class UnknownIdError(UserInputError, LookupError):
    """An id (claim, check, suite) that the registry does not hold."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; `escape list` shows all {kind}s"
        super().__init__(f"unknown {kind} {name!r}{hint}")


class ModelError(UserInputError):
    """A Model that cannot be used as asked (a start outside its domain, no barrier, ...)."""
