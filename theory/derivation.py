"""Derivation: what the toolkit computes rather than copies, with the steps it took."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Step:
    description: str
    expression: sp.Basic

    def render(self, latex: bool = False) -> str:
        body = sp.latex(self.expression) if latex else sp.pretty(self.expression, use_unicode=True)
        return f"{self.description}:\n{body}" if not latex else f"{self.description}: $${body}$$"


@dataclass
class Derivation:
    """A result expression and the ordered steps that produced it.

    ``verified`` holds the self-checks the derivation ran (for example the residual of the ODE it
    solved), each as (what was checked, the simplified residual); a report shows them.
    """

    title: str
    result: sp.Basic
    steps: list[Step] = field(default_factory=list)
    verified: list[tuple[str, sp.Basic]] = field(default_factory=list)

    def step(self, description: str, expression: sp.Basic) -> sp.Basic:
        self.steps.append(Step(description, expression))
        return expression

    def verify(self, description: str, residual: sp.Basic) -> sp.Basic:
        """Record a residual that must vanish; raise if SymPy shows it does not."""
        residual = sp.simplify(residual)
        self.verified.append((description, residual))
        if residual != 0:
            raise ArithmeticError(f"derivation '{self.title}' failed its own check ({description}): "
                                  f"residual {residual}")
        return residual

    def render(self, latex: bool = False) -> str:
        lines = [self.title]
        lines += [f"{i}. {s.render(latex)}" for i, s in enumerate(self.steps, 1)]
        lines += [f"check: {what} -> residual {sp.latex(r) if latex else r}" for what, r in self.verified]
        return "\n".join(lines)


class DeferredDerivation(Derivation):
    """A Derivation computed on first use (its steps, result and checks), so that registering a derived claim does not
    run SymPy at import; `make` returns the Derivation (an lru_cached function here, shared with the checks)."""

    def __init__(self, title: str, make):
        self.title = title
        self._make = make

    def __getattr__(self, name: str):
        if name in ("result", "steps", "verified"):
            made = self._make()
            self.result, self.steps, self.verified = made.result, made.steps, made.verified
            return getattr(self, name)
        raise AttributeError(name)
