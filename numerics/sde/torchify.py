"""Lambdify a Model's drift, noise coefficient and domain into batched torch callables.

The symbolic Model is the single source (DESIGN.md, "pydy"): nothing here restates a dynamic.
A state batch has shape (paths, N); noise increments have shape (paths, M).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable

import sympy as sp
import torch

from theory.domain import Ball, Box, Interval
from theory.errors import ModelError
from theory.model import TIME, AlphaStable, Brownian, Model

from .stable import increment_scale, measure_constant, symmetric_stable


def _columns(expressions: list[sp.Expr], state: tuple[sp.Symbol, ...]) -> Callable:
    """f(x) -> list of tensors (or floats for constant entries), one per expression."""
    functions = []
    for expr in expressions:
        expr = sp.sympify(expr).evalf()
        if expr.free_symbols - set(state):
            raise ModelError(f"expression {expr} has unbound parameters: bind the model first")
        if expr.free_symbols:
            functions.append(sp.lambdify(state, expr, modules="torch"))
        else:
            value = float(expr)
            functions.append(lambda *_, value=value: value)
    return lambda x: [f(*x.unbind(dim=1)) for f in functions]


@dataclass
class TorchModel:
    """Batched callables for one bound Model on one device and dtype."""

    drift: Callable[[torch.Tensor], torch.Tensor]
    noise: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    #: (step, dt) -> the noise scale over that step: a float, or a tensor with one entry per noise coordinate
    scheduler: Callable[[int, float], float | torch.Tensor] | None
    #: x -> bool per path: outside the domain
    outside: Callable[[torch.Tensor], torch.Tensor]
    #: x -> int8 side code per path (indexes Domain.side_names), -1 inside
    exit_side: Callable[[torch.Tensor], torch.Tensor]
    #: the side code when only one face can be crossed (then exit_side need not run every step)
    only_side: int | None
    start: torch.Tensor
    #: (rows, generator, dt) -> driving-noise increments over one step, shape (rows, M), in the state dtype
    increment: Callable
    #: sigma = this number times the identity: the engine then adds z * number in place
    noise_scalar: float | None = None


def compile_model(model: Model, device: torch.device, dtype: torch.dtype) -> TorchModel:
    model.require_numeric()
    state = model.state
    n = len(state)
    drift_columns = _columns(list(model.drift), state)

    def drift(x: torch.Tensor) -> torch.Tensor:
        columns = [torch.as_tensor(c, dtype=dtype, device=device).expand(x.shape[0]) for c in drift_columns(x)]
        return columns[0].unsqueeze(1) if n == 1 else torch.stack(columns, dim=1)

    sigma = model.diffusion
    noise_scalar = None
    if sigma.free_symbols & set(state):
        if sigma.is_diagonal() and sigma.shape[0] == sigma.shape[1]:
            diagonal = _columns([sigma[i, i] for i in range(n)], state)

            def noise(x, z):
                return torch.stack([c * z[:, i] for i, c in enumerate(diagonal(x))], dim=1)
        else:
            entries = _columns(list(sigma), state)
            rows, cols = sigma.shape

            def noise(x, z):
                matrix = torch.stack([torch.as_tensor(c, dtype=dtype, device=device).expand(x.shape[0])
                                      for c in entries(x)], dim=1).reshape(-1, rows, cols)
                return torch.einsum("pij,pj->pi", matrix, z)
    else:
        constant = torch.tensor(sp.matrix2numpy(sigma.evalf(), dtype=float), dtype=dtype, device=device)
        if sigma.is_diagonal() and sigma.shape[0] == sigma.shape[1]:
            diagonal_values = torch.diagonal(constant)
            if bool((diagonal_values == diagonal_values[0]).all()):
                noise_scalar = float(diagonal_values[0])

                def noise(x, z):
                    return z * noise_scalar
            else:
                def noise(x, z):
                    return z * diagonal_values
        else:
            def noise(x, z):
                return z @ constant.T

    scheduler = None if model.scheduler is None else _scheduler_steps(model, device, dtype)

    start = torch.tensor([float(v) for v in model.start], dtype=dtype, device=device)
    outside, exit_side, only_side = _exit_detector(model, device, dtype)
    return TorchModel(drift, noise, scheduler, outside, exit_side, only_side, start, _increments(model, device, dtype),
                      noise_scalar)


def _scheduler_steps(model: Model, device: torch.device, dtype: torch.dtype) -> Callable:
    """(step k, dt) -> scale of the noise over [k dt, (k+1) dt]: per noise coordinate the exact step average
    ((1/dt) int s(u)^a du)^(1/a), a = alpha of that coordinate (2 for Brownian noise).

    For a deterministic factor s, int s dL over a step is stable (Gaussian) with exactly that scale, so the
    scheme is exact in the noise and finite where s itself is not: s_t = t^(gamma-1) at t = 0 (seed 000
    Thm 4.1 needs 1 + (gamma-1)(alpha-1) > 0, which is when the integral converges). Where SymPy finds no
    antiderivative the step uses s at its midpoint."""
    factors = model.scheduler
    if factors.free_symbols - {TIME}:
        raise ModelError(f"scheduler {factors} has unbound parameters: bind the model first")
    columns = model.diffusion.shape[1]
    per_column = isinstance(factors, sp.MatrixBase)
    factors = list(factors) if per_column else [factors] * columns
    alphas = [float(a) for a in model.noise.alphas] if isinstance(model.noise, AlphaStable) else [2.0] * columns
    u = sp.Symbol("u", positive=True)
    averages = []
    for factor, a in zip(factors, alphas):
        power = sp.Rational(a).limit_denominator(10**6) if a != int(a) else int(a)
        antiderivative = sp.integrate(sp.Abs(factor.subs(TIME, u)) ** power, u)
        if antiderivative.has(sp.Integral):
            midpoint = sp.lambdify(TIME, factor, modules="math")
            averages.append(lambda k, dt, f=midpoint: abs(f((k + 0.5) * dt)))
        else:
            F = sp.lambdify(u, antiderivative, modules="math")
            averages.append(lambda k, dt, F=F, a=a: max((F((k + 1) * dt) - F(k * dt)) / dt, 0.0) ** (1 / a))
    averages = [_guarded(average, factor) for average, factor in zip(averages, factors)]
    if not per_column:
        return averages[0]

    def scales(k: int, dt: float) -> torch.Tensor:
        return torch.tensor([average(k, dt) for average in averages], dtype=dtype, device=device)
    return scales


def _guarded(average: Callable, factor: sp.Expr) -> Callable:
    """The step scale, or a one-line ModelError where s(t) is not real and finite (math raises a bare
    ValueError on sqrt of a negative)."""
    def evaluate(k: int, dt: float) -> float:
        try:
            value = average(k, dt)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError) as error:
            value = error
        if not (isinstance(value, numbers.Real) and math.isfinite(value)):
            raise ModelError(f"the scheduler s(t) = {factor} is not real and finite on [{k * dt:g}, {(k + 1) * dt:g}] "
                             f"({value}): a noise scale must be a real function of t >= 0")
        return float(value)
    return evaluate


def _increments(model: Model, device: torch.device, dtype: torch.dtype) -> Callable:
    """Increments of the driving noise over a step dt: Brownian sqrt(dt) N(0, I), or, per coordinate,
    the stable increment (C_alpha dt)^(1/alpha) X with X standard SaS (the rule of numerics.sde.stable:
    measure_constant, increment_scale)."""
    columns = model.diffusion.shape[1]
    if isinstance(model.noise, Brownian):
        def brownian(rows: int, generator: torch.Generator, dt: float) -> torch.Tensor:
            # float32 normals: torch draws them ~5x faster than float64 on CPU, and their 24-bit
            # resolution is far below any Monte Carlo error
            z = torch.randn((rows, columns), generator=generator, device=device, dtype=torch.float32)
            return z.to(dtype).mul_(math.sqrt(dt))
        return brownian
    alphas = [float(a) for a in model.noise.alphas]
    constants = [measure_constant(a, model.noise.measure) for a in alphas]

    def stable(rows: int, generator: torch.Generator, dt: float) -> torch.Tensor:
        return torch.stack([symmetric_stable(a, (rows,), generator, device, dtype) * increment_scale(a, c, dt)
                            for a, c in zip(alphas, constants)], dim=1)
    return stable


def _exit_detector(model: Model, device: torch.device, dtype: torch.dtype):
    """(outside, exit_side, only_side) for the model's domain."""
    domain = model.domain
    if isinstance(domain, Ball):
        center = torch.tensor([float(v) for v in domain.center], dtype=dtype, device=device)
        radius2 = float(domain.radius) ** 2

        def outside_ball(x: torch.Tensor) -> torch.Tensor:
            return ((x - center) ** 2).sum(dim=1) >= radius2
        return outside_ball, lambda x: torch.where(outside_ball(x), 0, -1).to(torch.int8), 0
    if not isinstance(domain, (Interval, Box)):
        raise ModelError(f"no exit detector for domain {domain!r}")
    lower = [domain.lower] if isinstance(domain, Interval) else list(domain.lower)
    upper = [domain.upper] if isinstance(domain, Interval) else list(domain.upper)
    # faces in side-code order: 2*axis is the lower face of that axis, 2*axis + 1 the upper one
    faces = [(axis, sign, float(bound)) for axis, (lo, hi) in enumerate(zip(lower, upper))
             for sign, bound in ((-1, lo), (+1, hi))]
    finite = [(code, axis, sign, bound) for code, (axis, sign, bound) in enumerate(faces) if bound not in
              (float("inf"), float("-inf"))]

    def crossed(x, axis, sign, bound):
        return x[:, axis] >= bound if sign > 0 else x[:, axis] <= bound

    def outside(x: torch.Tensor) -> torch.Tensor:
        result = crossed(x, *finite[0][1:])
        for _, axis, sign, bound in finite[1:]:
            result = result | crossed(x, axis, sign, bound)
        return result

    def exit_side(x: torch.Tensor) -> torch.Tensor:
        # the first face crossed in side-code order wins (a path past a corner counts for the lower axis)
        side = torch.full((x.shape[0],), -1, dtype=torch.int8, device=x.device)
        for code, axis, sign, bound in reversed(finite):
            side = torch.where(crossed(x, axis, sign, bound), code, side)
        return side
    return outside, exit_side, finite[0][0] if len(finite) == 1 else None
