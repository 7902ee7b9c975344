"""Model: one stochastic dynamic, stated once, symbolically (DESIGN.md, "Model").

    dX_t = b(X_t) dt + s(t) * sigma(X_t) dW_t        (Itô)

``drift`` is b (an N-vector), ``diffusion`` is the Itô noise coefficient sigma (N x M); the
generator and the Fokker-Planck operator follow from these two, and the quadrature and Monte Carlo
layers read the same fields, so each dynamic has exactly one definition in the code base.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import mpmath
import sympy as sp
from mpmath.libmp import NoConvergence

from .domain import Ball, Domain, Interval
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
        alphas = tuple(_number_or_expression("alpha", a) for a in self.alphas)
        for i, a in enumerate(alphas):
            # real first: SymPy raises TypeError on comparing NaN or a complex number
            if a.is_number and not (a.is_extended_real and a.is_finite and 0 < a <= 2):
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
        # numeric entries decide here; state-dependent ones when the model is numeric (_require_real_fields)
        for i in range(len(state)):
            _require_real(f"drift[{i}]", drift[i])
            for j in range(diffusion.cols):
                _require_real(f"diffusion[{i}, {j}]" if diffusion.cols > 1 else f"diffusion[{i}]", diffusion[i, j],
                              "a variance sigma^2 must be >= 0: check the sign of the parameters under the square root")
        start = tuple(_number_or_expression("start", v) for v in self.start)
        for i, v in enumerate(start):
            _require_real(f"start[{i}]", v)
        object.__setattr__(self, "state", state)
        object.__setattr__(self, "drift", drift)
        object.__setattr__(self, "diffusion", diffusion)
        object.__setattr__(self, "start", start)

    # ----------------------------------------------------------------- constructors
    @classmethod
    def overdamped_langevin(cls, name: str, potential: sp.Expr, state, temperature: sp.Expr,
                            domain: Domain, start, **kwargs) -> "Model":
        """dX = -grad U(X) dt + sqrt(2 D) dW: the dynamic of Kramers' law (D = temperature)."""
        temperature = _number_or_expression("temperature", temperature)
        # a numeric D <= 0 would give the complex diffusion sqrt(2 D); symbols are checked when bound
        if temperature.is_number and not (temperature.is_extended_real and temperature.is_finite
                                           and temperature.is_positive):
            raise ParameterError("temperature", temperature, "(0, oo)", "D of dX = -grad U dt + sqrt(2 D) dW")
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
            substitution[symbol] = _number_or_expression(symbol.name, value)
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
        if not bound.parameters:
            bound._require_real_fields()
        return bound

    def require_numeric(self) -> None:
        """Raise unless every parameter has a value (the numeric layers need that)."""
        if self.parameters:
            names = ", ".join(s.name for s in self.parameters)
            raise ModelError(f"model {self.name!r} still has free parameters ({names}): bind them first, "
                             f"e.g. model.bind({self.parameters[0].name}=...)")
        if not self.domain.contains(self.start):
            raise ModelError(f"the start {self.start} does not lie inside the domain {self.domain}")
        self._require_real_fields()

    def _require_real_fields(self) -> None:
        """Refuse a drift or diffusion that is not real somewhere inside the domain (a variance sigma^2 < 0).

        Decided on sample points: 512 midpoints of the interval in 1-D, plus the critical points of sigma^2 when
        it is a polynomial (so its minimum is among them, and the check is exact); 256 fixed pseudo-random points
        in N-D. Infinite ends are sampled up to 10 widths beyond the start. Constant entries were decided exactly
        when the Model was built. Runs once per Model."""
        if self.__dict__.get("_fields_checked"):
            return
        entries = [(f"drift b(x)[{i}]", e) for i, e in enumerate(self.drift) if e.free_symbols]
        entries += [("diffusion sigma(x)", e) for e in self.diffusion if e.free_symbols]
        variance = self.covariance[0, 0] if self.dimension == 1 and self.diffusion.shape == (1, 1) else None
        if entries:
            points = _inside_points(self, variance)
            if variance is not None and variance.free_symbols:
                # 1-D: say where sigma^2 is most negative (the covariance is sigma sigma^T, no conjugate)
                f = sp.lambdify(self.state, variance, "mpmath")
                values = [(_evaluate(f, p), p) for p in points]
                real = [(v.real, p) for v, p in values if v is not None and not mpmath.isnan(v) and v.imag == 0]
                if real and min(real)[0] < 0:
                    lowest, (at,) = min(real)
                    raise ModelError(f"the variance sigma(x)^2 = {float(lowest):.4g} is negative at x = "
                                     f"{mpmath.nstr(at, 6)} inside the domain {self.domain}: a diffusion needs "
                                     "sigma(x)^2 >= 0; restrict the domain or fix sigma")
            functions = [(what, sp.lambdify(self.state, e, "mpmath")) for what, e in entries]
            for point in points:
                for what, f in functions:
                    value = _evaluate(f, point)
                    if value is not None and (mpmath.isnan(value) or value.imag != 0):
                        where = ", ".join(mpmath.nstr(p, 6) for p in point)
                        raise ModelError(f"the {what} is not real at x = ({where}) inside the domain {self.domain}: "
                                         "a diffusion needs a real sigma(x) (a variance sigma sigma^T >= 0); "
                                         "restrict the domain or fix the model")
        object.__setattr__(self, "_fields_checked", True)

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


def _number_or_expression(name: str, value) -> sp.Expr:
    try:
        expr = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError):
        expr = None
    if not isinstance(expr, sp.Expr):
        raise ParameterError(name, value, "a number or a SymPy expression")
    return expr


def _require_real(name: str, value: sp.Expr, hint: str = "") -> None:
    """A numeric entry must be a finite real number (complex ones come from sqrt of a negative variance)."""
    if not value.is_number:
        return
    if value.has(sp.nan) or value.is_finite is False:
        raise ModelError(f"{name} = {value} is not a finite number")
    if value.is_extended_real is False or (value.is_extended_real is None and sp.im(value.evalf()) != 0):
        raise ModelError(f"{name} = {value} is not real" + (f": {hint}" if hint else ""))


def _inside_points(model: Model, variance: sp.Expr | None) -> list[tuple]:
    """Sample points strictly inside the model's (numeric) domain, as tuples of mpf (see _require_real_fields)."""
    domain = model.domain
    start = [mpmath.mpf(float(v)) for v in model.start]
    if isinstance(domain, Interval):
        lower, upper = domain.lower, domain.upper
        width = 10 * max(1, float(upper - start[0]) if upper.is_finite else 0,
                         float(start[0] - lower) if lower.is_finite else 0)
        lo = mpmath.mpf(float(lower)) if lower.is_finite else start[0] - width
        hi = mpmath.mpf(float(upper)) if upper.is_finite else start[0] + width
        points = [lo + (hi - lo) * (k + mpmath.mpf(0.5)) / 512 for k in range(512)]
        x = model.state[0]
        if variance is not None and variance.is_polynomial(x) and sp.Poly(variance, x).degree() > 1:
            try:   # square-free: nroots does not converge on multiple roots
                roots = sp.Poly(sp.diff(variance, x), x).sqf_part().nroots(n=20)
            except NoConvergence:
                roots = []
            points += [mpmath.mpf(c.real) for c in map(complex, roots) if c.imag == 0 and lo < c.real < hi]
        return [(p,) for p in points + start]
    generator = random.Random(0)   # fixed points: the same Model always gets the same answer
    if isinstance(domain, Ball):
        center, radius = [float(c) for c in domain.center], float(domain.radius)
        points = []
        while len(points) < 256:
            u = [generator.uniform(-1, 1) for _ in center]
            if sum(v * v for v in u) < 1:
                points.append(tuple(mpmath.mpf(c + radius * v) for c, v in zip(center, u)))
        return points + [tuple(start)]
    bounds = []
    for lo, hi, x0 in zip(domain.lower, domain.upper, start):
        width = 10 * max(1, float(hi - x0) if hi.is_finite else 0, float(x0 - lo) if lo.is_finite else 0)
        bounds.append((float(lo) if lo.is_finite else float(x0) - width, float(hi) if hi.is_finite else float(x0) + width))
    points = [tuple(mpmath.mpf(generator.uniform(a, b)) for a, b in bounds) for _ in range(256)]
    return points + [tuple(start)]


def _evaluate(f, point: tuple):
    """f at the point as an mpc, or None at a pole (a singularity is not a question of sign)."""
    try:
        return mpmath.mpc(f(*point))
    except (ZeroDivisionError, ValueError, TypeError):
        return None


def _check_assumptions(symbol: sp.Symbol, value: sp.Expr) -> None:
    if not value.is_number:
        return
    if value.is_finite is False or value.has(sp.nan):
        raise ParameterError(symbol.name, value, "a finite number")
    if symbol.is_extended_real and value.is_extended_real is False:
        raise ParameterError(symbol.name, value, "a real number")
    if symbol.is_positive and not value.is_positive:
        raise ParameterError(symbol.name, value, "(0, oo)")
    if symbol.is_nonnegative and value.is_negative:
        raise ParameterError(symbol.name, value, "[0, oo)")


