"""Physical dimensions of a Claim's symbols: powers of time, length and loss.

The papers run SGD as a gradient flow, dw = -grad L dt + noise, with the learning-rate clock
t = k * eta (see each Claim's ``clock``). In that flow [t] = [w]^2 / [L], so only two of the three
dimensions are independent; ``scaling_substitution`` makes that explicit instead of assuming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Dimension:
    """time^time * length^length * loss^loss (rational or symbolic exponents)."""

    time: sp.Rational = sp.Integer(0)
    length: sp.Rational = sp.Integer(0)
    loss: sp.Rational = sp.Integer(0)

    def __mul__(self, other: "Dimension") -> "Dimension":
        return Dimension(self.time + other.time, self.length + other.length, self.loss + other.loss)

    def __truediv__(self, other: "Dimension") -> "Dimension":
        return Dimension(self.time - other.time, self.length - other.length, self.loss - other.loss)

    def __pow__(self, power) -> "Dimension":
        power = sp.sympify(power)  # symbolic exponents too: eps carries length time^(-1/alpha)
        return Dimension(self.time * power, self.length * power, self.loss * power)

    def factor(self, time_scale: sp.Expr, length_scale: sp.Expr, loss_scale: sp.Expr) -> sp.Expr:
        """How a quantity of this dimension changes when the units are rescaled."""
        return time_scale**self.time * length_scale**self.length * loss_scale**self.loss

    def __str__(self) -> str:
        parts = [f"{name}^{power}" if power != 1 else name
                 for name, power in (("time", self.time), ("length", self.length), ("loss", self.loss))
                 if power != 0]
        return " ".join(parts) or "dimensionless"


DIMENSIONLESS = Dimension()
TIME = Dimension(time=sp.Integer(1))
LENGTH = Dimension(length=sp.Integer(1))
LOSS = Dimension(loss=sp.Integer(1))
#: Diffusion coefficient D of dX = b dt + sqrt(2 D) dW: [D] = length^2 / time.
DIFFUSIVITY = LENGTH**2 / TIME
#: Curvature of a potential: loss / length^2, which is 1/time in a gradient flow.
CURVATURE = LOSS / LENGTH**2


#: how a paper's clock ties the three scales together (scaling_substitution)
CLOCKS = {
    "gradient_flow": "SDE time with dw = -grad L dt: [t] = [w]^2/[L], so length and loss rescale freely",
    "iterations": "t counts SGD iterations (a pure number, not rescalable) and the learning rate is a pure number, "
                  "so w_{k+1} = w_k - eta grad L gives [L] = [w]^2: only length rescales",
    "free": "time, length and loss rescale independently (no loss enters the dynamic)",
}


@dataclass(frozen=True)
class Convention:
    """A paper's unit system and clock, stated once with the locator where the paper fixes it (DESIGN.md: a
    statement is judged in its own paper's conventions). The `scaling` check of every claim runs in it."""

    #: seed file name, or a short name for a classical source
    paper: str
    #: where the paper fixes it (section, equation)
    locator: str
    #: a key of CLOCKS
    clock: str
    #: what carries which unit, in words
    description: str

    def __post_init__(self) -> None:
        if self.clock not in CLOCKS:
            raise ValueError(f"unknown clock {self.clock!r}: use one of {sorted(CLOCKS)}")

    def __str__(self) -> str:
        return f"{self.paper} ({self.locator}): {self.description}"


#: paper (seed file name or classical source) -> its convention; filled by the family modules with `convention`
CONVENTIONS: dict[str, Convention] = {}


def convention(paper: str, locator: str, clock: str, description: str) -> Convention:
    """Register a paper's convention (once per paper)."""
    if paper in CONVENTIONS:
        raise ValueError(f"the convention of {paper} is stated twice")
    CONVENTIONS[paper] = Convention(paper, locator, clock, description)
    return CONVENTIONS[paper]


@dataclass(frozen=True)
class Reading:
    """Another reading of a claim's units than its paper's (a reader's unit system, another clock): the scaling
    check reports it beside the verdict, as a remark, where it would change the verdict."""

    description: str
    clock: str
    #: units that differ from the claim's own (symbol -> Dimension)
    units: dict = field(default_factory=dict, hash=False, compare=False)


def scaling_substitution(units: dict, time_scale: sp.Symbol, length_scale: sp.Symbol, loss_scale: sp.Symbol,
                         clock: str = "gradient_flow") -> dict[sp.Basic, sp.Expr]:
    """Substitution s -> s * (scale factor of its dimension), for the `scaling` check method (clocks: CLOCKS).

    Keys may be Symbols or IndexedBases (every entry of an indexed quantity carries the same unit).
    """
    if clock == "gradient_flow":
        tied_time, tied_loss = length_scale**2 / loss_scale, loss_scale
    elif clock == "iterations":
        tied_time, tied_loss = sp.Integer(1), length_scale**2
    elif clock == "free":
        tied_time, tied_loss = time_scale, loss_scale
    else:
        raise ValueError(f"unknown clock {clock!r}: use one of {sorted(CLOCKS)}")
    return {symbol: symbol * dim.factor(tied_time, length_scale, tied_loss) for symbol, dim in units.items()}
