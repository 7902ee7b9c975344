"""Claim: one numbered statement of a paper (DESIGN.md, "Claim")."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy as sp

from .derivation import Derivation
from .errors import LimitNotDecidedError, ParameterError, UserInputError
from .identity import IdentityResult, decide_identity, safe_lambdify, tidy
from .model import Model
from .units import CONVENTIONS, Convention, Reading

RELATIONS = {"=": "equals", "<=": "is at most", ">=": "is at least", "~": "is asymptotically equal to"}
BACKENDS = ("numpy", "torch", "mpmath")


@dataclass(frozen=True)
class Source:
    """Where a statement comes from: seed file name plus the paper's own locator."""

    seed: str | None
    locator: str
    paper: str = ""
    note: str = ""

    def __str__(self) -> str:
        return f"{self.short}" + (f" ({self.note})" if self.note else "")

    @property
    def short(self) -> str:
        return f"{self.seed or self.paper}, {self.locator}"


@dataclass(frozen=True)
class Comparison:
    """Result of Claim.compare: the simplified difference and ratio of the right-hand sides."""

    difference: sp.Basic
    ratio: sp.Basic
    identity: IdentityResult

    @property
    def identical(self) -> bool:
        return self.identity.equal


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    lhs: sp.Basic
    rhs: sp.Basic
    sources: tuple[Source, ...]
    relation: str = "="
    #: the regime in which the paper says the statement holds, in words
    regime: str = ""
    #: SymPy relations the parameters must satisfy (checked by `validate`)
    conditions: tuple = ()
    units: dict = field(default_factory=dict, hash=False, compare=False)
    clock: str = ""
    interpretation: str = ""
    model: Model | None = field(default=None, hash=False, compare=False)
    derivation: Derivation | None = field(default=None, hash=False, compare=False)
    #: corollary_of / limit_of / compare_with / derived_from -> ids of other claims
    relations: dict = field(default_factory=dict, hash=False, compare=False)
    notes: str = ""
    #: the unit system and clock the claim is judged in; None: its first source's paper's (units.CONVENTIONS)
    convention: Convention | None = field(default=None, hash=False, compare=False)
    #: other readings of its units (units.Reading), reported beside the verdict where they would change it
    other_readings: tuple[Reading, ...] = field(default=(), hash=False, compare=False)

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {sorted(RELATIONS)}, got {self.relation!r}")
        object.__setattr__(self, "lhs", sp.sympify(self.lhs))
        object.__setattr__(self, "rhs", sp.sympify(self.rhs))

    # ------------------------------------------------------------------ symbols
    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        found = self.lhs.free_symbols | self.rhs.free_symbols
        return tuple(sorted(found, key=lambda s: s.name))

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """The symbols the right-hand side depends on, sorted by name: lambdify's default arguments."""
        return tuple(sorted(self.rhs.free_symbols, key=lambda s: s.name))

    def symbol(self, name: str) -> sp.Symbol:
        for s in self.symbols:
            if s.name == name:
                return s
        raise UserInputError(f"claim {self.id} has no symbol {name!r}; its symbols are "
                             f"{', '.join(s.name for s in self.symbols)}")

    @property
    def source(self) -> str:
        return "; ".join(str(s) for s in self.sources)

    @property
    def unit_convention(self) -> Convention | None:
        """The convention the claim's units are judged in: its own, else that of its first source's paper."""
        if self.convention is not None:
            return self.convention
        for source in self.sources:
            key = source.seed or source.paper
            if key in CONVENTIONS:
                return CONVENTIONS[key]
        return None

    @property
    def equation(self) -> sp.Basic:
        return {"=": sp.Eq, "<=": sp.Le, ">=": sp.Ge}.get(self.relation, sp.Eq)(self.lhs, self.rhs,
                                                                               evaluate=False)

    # ------------------------------------------------------------------ transformations
    def _derived(self, new_id: str, rhs: sp.Basic, description: str, lhs: sp.Basic | None = None) -> "Claim":
        derivation = Derivation(f"{self.id}: {description}", rhs)
        derivation.step(f"{self.id} as stated", self.equation)
        derivation.step(description, sp.Eq(lhs if lhs is not None else self.lhs, rhs, evaluate=False))
        relations = {"derived_from": (self.id,)}
        return replace(self, id=new_id, rhs=rhs, lhs=lhs if lhs is not None else self.lhs,
                       derivation=derivation, relations=relations,
                       title=f"{self.title} — {description}")

    def _resolve(self, symbol) -> sp.Symbol:
        return self.symbol(symbol) if isinstance(symbol, str) else symbol

    def subs(self, values: dict | None = None, **kwargs) -> "Claim":
        values = {self._resolve(k): sp.sympify(v) for k, v in {**(values or {}), **kwargs}.items()}
        text = ", ".join(f"{k}={v}" for k, v in values.items())
        return self._derived(f"{self.id}|subs({text})", self.rhs.subs(values), f"substitute {text}",
                             lhs=self.lhs.subs(values))

    def limit(self, symbol, value, direction: str | None = None) -> "Claim":
        """The claim as `symbol` -> `value`. direction None: from the symbol's declared domain (a positive symbol
        tends to 0 from above), two-sided elsewhere; a value outside that domain is refused. Where SymPy cannot take
        the limit, a numeric limit (mpmath) is returned if the right-hand side depends on nothing else, and said so;
        otherwise one line says what would let SymPy decide (an assumption, a value for another symbol, a side)."""
        symbol = self._resolve(symbol)
        value = sp.sympify(value)
        direction = limit_direction(symbol, value, direction)
        description = f"limit {symbol} -> {value}" + ("" if value.is_infinite or direction == "+-" else direction)
        try:
            result = sp.simplify(sp.limit(self.rhs, symbol, value, dir=direction))
        except (NotImplementedError, ValueError) as error:
            result = numeric_limit(self.rhs, symbol, value, direction, error)
            description += " (numeric: mpmath.limit, SymPy could not take it)"
        return self._derived(f"{self.id}|limit({symbol}->{value})", result, description,
                             lhs=sp.Limit(self.lhs, symbol, value) if symbol in self.lhs.free_symbols else None)

    def series(self, symbol, point=0, order: int = 3) -> "Claim":
        symbol = self._resolve(symbol)
        result = sp.series(self.rhs, symbol, sp.sympify(point), order).removeO()
        return self._derived(f"{self.id}|series({symbol}@{point},{order})", sp.simplify(result),
                             f"series in {symbol} at {point} to order {order}")

    def simplify(self) -> "Claim":
        return self._derived(f"{self.id}|simplify", sp.simplify(self.rhs), "simplify")

    # ------------------------------------------------------------------ numeric code
    def lambdify(self, backend: str = "numpy", args=None):
        """A function of ``args`` (default: ``parameters``, sorted by name) evaluating the right-hand side.

        backend: "numpy" (vectorised floats), "torch" (tensors; constants are folded to floats first,
        since torch functions refuse Python numbers), or "mpmath" (arbitrary precision, for
        exponentially large or small values).
        """
        if backend not in BACKENDS:
            raise ParameterError("backend", backend, " | ".join(BACKENDS))
        args = tuple(self._resolve(a) for a in (args if args is not None else self.parameters))
        expr = self.rhs.evalf() if backend == "torch" else self.rhs
        function = safe_lambdify(args, expr, backend)
        function.args = args  # so callers can see the argument order
        return function

    # ------------------------------------------------------------------ comparison
    def compare(self, other: "Claim", conditions=()) -> Comparison:
        """Simplified difference and ratio of the right-hand sides, and whether they are identical."""
        identity = decide_identity(self.rhs, other.rhs,
                                   conditions=tuple(conditions) + self.conditions + other.conditions)
        ratio = tidy(self.rhs / other.rhs) if other.rhs != 0 else sp.nan
        return Comparison(identity.difference, ratio, identity)

    # ------------------------------------------------------------------ printing
    def pretty(self) -> str:
        if self.relation != "~":
            return sp.pretty(self.equation, use_unicode=True)
        # draw as an equation, then swap the baseline "=" for "~" (SymPy has no asymptotic relation)
        return sp.pretty(sp.Eq(self.lhs, self.rhs, evaluate=False), use_unicode=True).replace(" = ", " ~ ", 1)

    def latex(self) -> str:
        if self.relation == "~":
            return f"{sp.latex(self.lhs)} \\sim {sp.latex(self.rhs)}"
        return sp.latex(self.equation)

    def __str__(self) -> str:
        lines = [f"{self.id}: {self.title}", self.pretty(), f"source: {self.source}"]
        if self.regime:
            lines.append(f"regime: {self.regime}")
        if self.clock:
            lines.append(f"clock: {self.clock}")
        if self.interpretation:
            lines.append(f"noise: {self.interpretation}")
        if self.units:
            lines.append("units: " + ", ".join(f"{s}: {d}" for s, d in self.units.items()))
        for kind, ids in self.relations.items():
            lines.append(f"{kind.replace('_', ' ')}: {', '.join(ids)}")
        if self.notes:
            lines.append(f"notes: {self.notes}")
        return "\n".join(lines)


# ------------------------------------------------------------------------------ limits
def limit_direction(symbol: sp.Symbol, value: sp.Basic, direction: str | None) -> str:
    """The side of a limit: as given, or from the symbol's declared domain (positive or nonnegative: from above at
    its lower end 0; negative or nonpositive: from below at 0), two-sided elsewhere; at infinity the only side.
    A finite value outside the declared domain is refused in one line."""
    if direction not in (None, "+", "-", "+-"):
        raise ParameterError("direction", direction, "+, - or +-")
    if value.is_infinite:
        return "-" if value == sp.oo else "+"
    outside = ((symbol.is_positive or symbol.is_nonnegative) and value.is_negative) or \
              ((symbol.is_negative or symbol.is_nonpositive) and value.is_positive) or \
              (symbol.is_real and value.is_real is False)
    if outside:
        domain = ("(0, oo)" if symbol.is_positive else "[0, oo)" if symbol.is_nonnegative else
                  "(-oo, 0)" if symbol.is_negative else "(-oo, 0]" if symbol.is_nonpositive else "the reals")
        raise UserInputError(f"{symbol} -> {value} is outside {symbol}'s declared domain {domain}")
    if direction is not None and direction != "+" and value == 0 and (symbol.is_positive or symbol.is_nonnegative):
        raise UserInputError(f"{symbol} is declared {'positive' if symbol.is_positive else 'nonnegative'}: it tends "
                             "to 0 only from above (--direction +, the default)")
    if direction is not None and direction != "-" and value == 0 and (symbol.is_negative or symbol.is_nonpositive):
        raise UserInputError(f"{symbol} is declared {'negative' if symbol.is_negative else 'nonpositive'}: it tends "
                             "to 0 only from below (--direction -, the default)")
    if direction is not None:
        return direction
    if value == 0 and (symbol.is_positive or symbol.is_nonnegative):
        return "+"
    if value == 0 and (symbol.is_negative or symbol.is_nonpositive):
        return "-"
    return "+-"


def numeric_limit(expr: sp.Basic, symbol: sp.Symbol, value: sp.Basic, direction: str, error: Exception) -> sp.Float:
    """mpmath.limit of an expression of `symbol` alone (Richardson extrapolation from the given side), for a limit
    SymPy could not take (`error`); refuses, in one line, an expression that still depends on other symbols, and a
    two-sided limit (a numeric limit cannot tell that the sides agree)."""
    import mpmath

    reason = str(error).split("\n")[0]
    others = sorted(str(s) for s in expr.free_symbols - {symbol})
    if others:
        side = " or take it from one side" if direction == "+-" else ""
        raise LimitNotDecidedError(f"SymPy cannot take lim {symbol} -> {value}{'' if direction == '+-' else direction} "
                             f"({reason}): declare what decides it (e.g. that {others[0]} is positive: --positive "
                             f"{others[0]}), or give {', '.join(others)} a value (--define NAME=VALUE){side}")
    if direction == "+-":
        raise LimitNotDecidedError(f"no two-sided lim {symbol} -> {value} ({reason}): choose a side (--direction + or -)")
    function = sp.lambdify(symbol, expr, modules="mpmath")
    point = mpmath.inf if value == sp.oo else -mpmath.inf if value == -sp.oo else mpmath.mpf(sp.N(value, 30))
    with mpmath.workdps(30):
        result = mpmath.limit(function, point, direction=1 if direction == "+" else -1)
    if not mpmath.isfinite(result) and not mpmath.isinf(result):
        raise LimitNotDecidedError(f"neither SymPy ({reason}) nor a numeric limit decides lim {symbol} -> {value}")
    return sp.oo if result == mpmath.inf else -sp.oo if result == -mpmath.inf else sp.Float(result, 15)
