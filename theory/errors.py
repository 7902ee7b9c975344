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
        self.hint = hint

    def __reduce__(self):
        # rebuilt from its fields, so that it crosses process and Dask boundaries intact (pickle calls __init__
        # with self.args, which here is the formatted message)
        return (type(self), (self.name, self.value, self.admissible, self.hint))


class UnknownIdError(UserInputError, LookupError):
    """An id (claim, check, suite) that the registry does not hold."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        listing = "escape list --checks" if "check" in kind or "suite" in kind else "escape list"
        hint = f"; did you mean {', '.join(close)}?" if close else f"; `{listing}` shows all {kind}s"
        super().__init__(f"unknown {kind} {name!r}{hint}")
        self.kind, self.name, self.known = kind, name, known

    def __reduce__(self):
        return (type(self), (self.kind, self.name, self.known))


class ModelError(UserInputError):
    """A Model that cannot be used as asked (a start outside its domain, no barrier, ...)."""


class LimitNotDecidedError(UserInputError, NotImplementedError):
    """A limit SymPy cannot take and no numeric limit can stand in for; the message says what would decide it (an
    assumption, a value for another symbol, a side). A NotImplementedError too, as SymPy's own failure is."""
