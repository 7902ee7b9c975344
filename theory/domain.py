"""Domains a dynamic exits from. Symbolic bounds; the numeric exit test lives in numerics."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .errors import ModelError


def _as_expr(value) -> sp.Expr:
    try:
        expr = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError):
        expr = None
    if not isinstance(expr, sp.Expr):
        raise ModelError(f"a domain bound or point must be a number or a SymPy expression, got {value!r}")
    # a NaN or complex bound would make every later comparison raise (SymPy: "Invalid NaN comparison")
    if expr.has(sp.nan) or (expr.is_number and expr.is_extended_real is False):
        raise ModelError(f"a domain bound or point must be real (or +-oo), got {expr}")
    return expr


def _not_below(lower: sp.Expr, upper: sp.Expr) -> bool:
    """True only when lower < upper is decidably false (symbolic bounds pass until bound)."""
    if lower == upper or lower == sp.oo or upper == -sp.oo:
        return True
    if lower == -sp.oo or upper == sp.oo:
        return False
    return (upper - lower).is_positive is False


@dataclass(frozen=True)
class Interval:
    """The open interval (lower, upper) in one dimension; either end may be infinite.

    An infinite end is a natural boundary (never reached); a finite end absorbs.
    """

    lower: sp.Expr = -sp.oo
    upper: sp.Expr = sp.oo

    def __post_init__(self) -> None:
        object.__setattr__(self, "lower", _as_expr(self.lower))
        object.__setattr__(self, "upper", _as_expr(self.upper))
        if self.lower.is_finite is False and self.upper.is_finite is False:
            raise ModelError("the interval (-oo, oo) has no boundary to exit through: give a finite end")
        if _not_below(self.lower, self.upper):
            raise ModelError(f"empty interval ({self.lower}, {self.upper}): lower must be below upper")

    dimension = 1
    #: names of the exit sides, indexed by the side code the simulator returns
    side_names = ("lower", "upper")

    def subs(self, values: dict) -> "Interval":
        return Interval(self.lower.subs(values), self.upper.subs(values))

    def contains(self, point) -> bool:
        point = _as_expr(point[0] if isinstance(point, (tuple, list)) else point)
        inside = sp.And(sp.StrictLessThan(self.lower, point), sp.StrictLessThan(point, self.upper))
        if inside not in (sp.true, sp.false):
            raise ModelError(f"cannot decide whether {point} lies in ({self.lower}, {self.upper}): "
                             "substitute numeric parameter values first")
        return bool(inside)

    def __str__(self) -> str:
        return f"({self.lower}, {self.upper})"


@dataclass(frozen=True)
class Box:
    """The open box prod_l (lower_l, upper_l) in N dimensions (the escape domain of seed 000 sec. 3)."""

    lower: tuple
    upper: tuple

    def __post_init__(self) -> None:
        lower = tuple(_as_expr(v) for v in self.lower)
        upper = tuple(_as_expr(v) for v in self.upper)
        if len(lower) != len(upper) or not lower:
            raise ModelError("a box needs as many lower as upper bounds, at least one of each")
        for axis, (lo, hi) in enumerate(zip(lower, upper)):
            if _not_below(lo, hi):
                raise ModelError(f"empty box: on axis {axis} lower {lo} is not below upper {hi}")
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    @property
    def dimension(self) -> int:
        return len(self.lower)

    @property
    def side_names(self) -> tuple[str, ...]:
        # side code 2*axis is the lower face of that axis, 2*axis + 1 the upper face
        return tuple(f"{face}[{axis}]" for axis in range(self.dimension) for face in ("lower", "upper"))

    def subs(self, values: dict) -> "Box":
        return Box(tuple(v.subs(values) for v in self.lower), tuple(v.subs(values) for v in self.upper))

    def contains(self, point) -> bool:
        return all(Interval(lo, hi).contains(p) for lo, hi, p in zip(self.lower, self.upper, point))

    def __str__(self) -> str:
        return " x ".join(f"({lo}, {hi})" for lo, hi in zip(self.lower, self.upper))


@dataclass(frozen=True)
class Ball:
    """The open ball |x - center| < radius."""

    center: tuple
    radius: sp.Expr

    def __post_init__(self) -> None:
        object.__setattr__(self, "center", tuple(_as_expr(v) for v in self.center))
        object.__setattr__(self, "radius", _as_expr(self.radius))
        if self.radius.is_positive is False:
            raise ModelError(f"a ball needs a positive radius, got {self.radius}")

    @property
    def dimension(self) -> int:
        return len(self.center)

    side_names = ("sphere",)

    def subs(self, values: dict) -> "Ball":
        return Ball(tuple(v.subs(values) for v in self.center), self.radius.subs(values))

    def contains(self, point) -> bool:
        distance2 = sum((_as_expr(p) - c) ** 2 for p, c in zip(point, self.center))
        inside = sp.StrictLessThan(distance2, self.radius**2)
        if inside not in (sp.true, sp.false):
            raise ModelError("cannot decide whether the start lies in the ball: substitute parameters first")
        return bool(inside)

    def __str__(self) -> str:
        return f"ball(center={self.center}, radius={self.radius})"


Domain = Interval | Box | Ball
