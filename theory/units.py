"""Physical dimensions of a Claim's symbols: powers of time, length and loss.

The papers run SGD as a gradient flow, dw = -grad L dt + noise, with the learning-rate clock
t = k * eta (see each Claim's ``clock``). In that flow [t] = [w]^2 / [L], so only two of the three
dimensions are independent; ``scaling_substitution`` makes that explicit instead of assuming it.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def scaling_substitution(units: dict[sp.Symbol, Dimension], time_scale: sp.Symbol,
                         length_scale: sp.Symbol, loss_scale: sp.Symbol,
                         clock: str = "gradient_flow") -> dict[sp.Symbol, sp.Expr]:
    """Substitution s -> s * (scale factor of its dimension), for the `scaling` check method.

    clock="gradient_flow": time is tied to the other two by dw = -grad L dt, so
    time_scale = length_scale^2 / loss_scale (one fewer free scale). clock="free": three
    independent scales.
    """
    if clock == "gradient_flow":
        tied_time = length_scale**2 / loss_scale
    elif clock == "free":
        tied_time = time_scale
    else:
        raise ValueError(f"unknown clock {clock!r}: use 'gradient_flow' or 'free'")
    return {symbol: symbol * dim.factor(tied_time, length_scale, loss_scale) for symbol, dim in units.items()}
