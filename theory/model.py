"""Model: one stochastic dynamic, stated once, symbolically (DESIGN.md, "Model").

    dX_t = b(X_t) dt + s(t) * sigma(X_t) dW_t        (Itô)

``drift`` is b (an N-vector), ``diffusion`` is the Itô noise coefficient sigma (N x M); the
generator and the Fokker-Planck operator follow from these two, and the quadrature and Monte Carlo
layers read the same fields, so each dynamic has exactly one definition in the code base.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from .domain import Domain, Interval
from .errors import ModelError, ParameterError


TIME = sp.Symbol("t", nonnegative=True)


@dataclass(frozen=True)
class Brownian:
    """Gaussian white noise: W is a standard M-dimensional Wiener process."""

    def subs(self, values: dict) -> "Brownian":
        return self

    def __str__(self) -> str:
        return "Brownian"


@dataclass(frozen=True)
class AlphaStable:
    """Independent symmetric alpha_l-stable Lévy processes, one per noise coordinate (seed 000 eq. 3).

    measure="unnormalised": Lévy measure |y|^(-1-alpha) dy, as the papers write it (seed 000 eq. 23);
    measure="standard": characteristic function exp(-t |w|^alpha). theory.levy derives the constant
    that converts one into the other; the simulator uses it.
    """

    alphas: tuple
    measure: str = "unnormalised"

    def __post_init__(self) -> None:
        alphas = tuple(sp.sympify(a) for a in self.alphas)
        for i, a in enumerate(alphas):
            if a.is_number and not (0 < a <= 2):
                raise ParameterError(f"alpha[{i}]", a, "(0, 2]", "the stability index of a stable law")
        if self.measure not in ("unnormalised", "standard"):
            raise ModelError(f"unknown Lévy-measure normalisation {self.measure!r}: use 'unnormalised' or 'standard'")
        object.__setattr__(self, "alphas", alphas)

    def subs(self, values: dict) -> "AlphaStable":
        return AlphaStable(tuple(a.subs(values) for a in self.alphas), self.measure)

    def __str__(self) -> str:
        return f"symmetric alpha-stable (alpha = {', '.join(map(str, self.alphas))}; {self.measure} Lévy measure)"


@dataclass(frozen=True)
class Constraint:
    """An admissibility condition on the parameters, with the words a user sees when it fails."""

    condition: sp.Basic
    description: str


@dataclass(frozen=True)
class Model:
    name: str
    state: tuple[sp.Symbol, ...]
    drift: sp.Matrix
    diffusion: sp.Matrix
    domain: Domain
    start: tuple
    noise: Brownian | AlphaStable = Brownian()
    #: factor s(t) multiplying the noise term, the learning-rate scheduler of seed 000 eq. 3; None = 1.
    #: A column Matrix gives one factor per noise coordinate (seed 000 eq. 81: s_t^((alpha_l-1)/alpha_l)).
    scheduler: sp.Expr | sp.Matrix | None = None
    potential: sp.Expr | None = None
    interpretation: str = "ito"
    #: SDE time in units of SGD iterations: "t = k * eta" unless a paper says otherwise
    clock: str = "t = k * eta"
    constraints: tuple[Constraint, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        state = tuple(self.state)
        drift = sp.Matrix(self.drift)
        diffusion = sp.Matrix(self.diffusion)
        if drift.shape != (len(state), 1):
            raise ModelError(f"drift has shape {drift.shape}; it needs one entry per state variable ({len(state)})")
        if diffusion.shape[0] != len(state):
            raise ModelError(f"diffusion has {diffusion.shape[0]} rows; it needs one per state variable ({len(state)})")
        if self.domain.dimension != len(state):
            raise ModelError(f"domain {self.domain} has dimension {self.domain.dimension}, the state {len(state)}")
        if len(self.start) != len(state):
            raise ModelError(f"start {self.start} has {len(self.start)} coordinates, the state {len(state)}")
        if isinstance(self.scheduler, sp.MatrixBase) and self.scheduler.shape != (diffusion.shape[1], 1):
            raise ModelError(f"a per-coordinate scheduler needs one factor per noise coordinate "
                             f"({diffusion.shape[1]}), got shape {self.scheduler.shape}")
        if isinstance(self.noise, AlphaStable) and len(self.noise.alphas) != diffusion.shape[1]:
            raise ModelError(f"{len(self.noise.alphas)} stability indices for {diffusion.shape[1]} noise coordinates")
        if self.interpretation != "ito":
            raise ModelError("only the Itô interpretation is implemented (the simulator is Euler-Maruyama)")
        object.__setattr__(self, "state", state)
        object.__setattr__(self, "drift", drift)
        object.__setattr__(self, "diffusion", diffusion)
        object.__setattr__(self, "start", tuple(sp.sympify(v) for v in self.start))

    # ----------------------------------------------------------------- constructors
    @classmethod
    def overdamped_langevin(cls, name: str, potential: sp.Expr, state, temperature: sp.Expr,
                            domain: Domain, start, **kwargs) -> "Model":
        """dX = -grad U(X) dt + sqrt(2 D) dW: the dynamic of Kramers' law (D = temperature)."""
        state = tuple(state) if isinstance(state, (tuple, list)) else (state,)
        gradient = sp.Matrix([sp.diff(potential, s) for s in state])
        diffusion = sp.sqrt(2 * temperature) * sp.eye(len(state))
        start = tuple(start) if isinstance(start, (tuple, list)) else (start,)
        return cls(name=name, state=state, drift=-gradient, diffusion=diffusion, domain=domain,
                   start=start, potential=potential, **kwargs)

    # ----------------------------------------------------------------- derived objects
    @property
    def dimension(self) -> int:
        return len(self.state)

    @property
    def covariance(self) -> sp.Matrix:
        """a = sigma sigma^T (without the scheduler factor)."""
        return (self.diffusion * self.diffusion.T).applyfunc(sp.simplify)

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """Free symbols other than the state and time, sorted by name."""
        exprs = [self.drift, self.diffusion, *self.domain_bounds(), *self.start]
        if isinstance(self.noise, AlphaStable):
            exprs += list(self.noise.alphas)
        if self.scheduler is not None:
            exprs.append(self.scheduler)
        found = set().union(*(sp.sympify(e).free_symbols for e in exprs))
        return tuple(sorted(found - set(self.state) - {TIME}, key=lambda s: s.name))

    def domain_bounds(self) -> list[sp.Expr]:
        d = self.domain
        if isinstance(d, Interval):
            return [d.lower, d.upper]
        if hasattr(d, "radius"):
            return [*d.center, d.radius]
        return [*d.lower, *d.upper]

    def _scheduled_covariance(self) -> sp.Matrix:
        """s(t)^2 a, or sigma diag(s)^2 sigma^T for a per-coordinate scheduler."""
        if self.scheduler is None:
            return self.covariance
        if isinstance(self.scheduler, sp.MatrixBase):
            sigma = self.diffusion * sp.diag(*self.scheduler)
            return (sigma * sigma.T).applyfunc(sp.simplify)
        return self.scheduler ** 2 * self.covariance

    def _require_brownian(self, what: str) -> None:
        if not isinstance(self.noise, Brownian):
            raise ModelError(f"the {what} of {self.name!r} is nonlocal (Lévy noise); only Brownian models have "
                             "the differential form derived here")

    def generator(self, f: sp.Expr) -> sp.Expr:
        """L f = b . grad f + (s(t)^2 / 2) sum_ij a_ij d_i d_j f  (Itô generator)."""
        self._require_brownian("generator")
        first = sum(self.drift[i] * sp.diff(f, xi) for i, xi in enumerate(self.state))
        a = self._scheduled_covariance()
        second = sum(a[i, j] * sp.diff(f, xi, xj)
                     for i, xi in enumerate(self.state) for j, xj in enumerate(self.state))
        return first + second / 2

    def fokker_planck(self, p: sp.Expr) -> sp.Expr:
        """L* p = -sum_i d_i (b_i p) + (s(t)^2 / 2) sum_ij d_i d_j (a_ij p): dp/dt = L* p."""
        self._require_brownian("Fokker-Planck operator")
        first = -sum(sp.diff(self.drift[i] * p, xi) for i, xi in enumerate(self.state))
        a = self._scheduled_covariance()
        second = sum(sp.diff(a[i, j] * p, xi, xj)
                     for i, xi in enumerate(self.state) for j, xj in enumerate(self.state))
        return first + second / 2

    # ----------------------------------------------------------------- parameters
    def bind(self, values: dict | None = None, **kwargs) -> "Model":
        """Substitute numeric parameter values, checking each against its admissible range."""
        values = {**(values or {}), **kwargs}
        by_name = {s.name: s for s in self.parameters}
        substitution = {}
        for key, value in values.items():
            symbol = by_name.get(key) if isinstance(key, str) else key
            if symbol is None:
                known = ", ".join(by_name) or "none"
                raise ParameterError(str(key), value, f"one of the model's parameters ({known})")
            substitution[symbol] = sp.sympify(value)
        for symbol, value in substitution.items():
            _check_assumptions(symbol, value)
        for constraint in self.constraints:
            condition = sp.sympify(constraint.condition)
            if condition.subs(substitution) == sp.false:
                involved = sorted(condition.free_symbols & set(substitution), key=lambda s: s.name)
                raise ParameterError(", ".join(s.name for s in involved),
                                     ", ".join(str(substitution[s]) for s in involved), constraint.description)
        bound = replace(
            self,
            drift=self.drift.subs(substitution),
            diffusion=self.diffusion.subs(substitution),
            domain=self.domain.subs(substitution),
            start=tuple(v.subs(substitution) for v in self.start),
            scheduler=None if self.scheduler is None else self.scheduler.subs(substitution),
            noise=self.noise.subs(substitution),
            potential=None if self.potential is None else self.potential.subs(substitution),
        )
        if not bound.parameters and not bound.domain.contains(bound.start):
            raise ModelError(f"the start {bound.start} does not lie inside the domain {bound.domain}: "
                             "move the start or widen the domain")
        return bound

    def require_numeric(self) -> None:
        """Raise unless every parameter has a value (the numeric layers need that)."""
        if self.parameters:
            names = ", ".join(s.name for s in self.parameters)
            raise ModelError(f"model {self.name!r} still has free parameters ({names}): bind them first, "
                             f"e.g. model.bind({self.parameters[0].name}=...)")
        if not self.domain.contains(self.start):
            raise ModelError(f"the start {self.start} does not lie inside the domain {self.domain}")

    def describe(self) -> str:
        rows = [f"Model {self.name}: state {', '.join(map(str, self.state))} ({self.interpretation.capitalize()}, "
                f"{self.noise} noise, clock {self.clock})",
                f"  drift      b = {list(self.drift)}",
                f"  diffusion  sigma = {self.diffusion.tolist()}",
                f"  domain     {self.domain}, start {self.start}"]
        if self.potential is not None:
            rows.insert(1, f"  potential  U = {self.potential}")
        if self.scheduler is not None:
            rows.append(f"  scheduler  s(t) = {self.scheduler}")
        return "\n".join(rows)


def _check_assumptions(symbol: sp.Symbol, value: sp.Expr) -> None:
    if not value.is_number:
        return
    if value.is_finite is False or value.has(sp.nan):
        raise ParameterError(symbol.name, value, "a finite number")
    if symbol.is_positive and not value.is_positive:
        raise ParameterError(symbol.name, value, "(0, oo)")
    if symbol.is_nonnegative and value.is_negative:
        raise ParameterError(symbol.name, value, "[0, oo)")


