"""Symmetric alpha-stable random numbers (Chambers, Mallows & Stuck 1976), batched in torch.

Standard normalisation: E exp(i w X) = exp(-|w|^alpha), alpha in (0, 2]. At alpha = 2 this is
N(0, 2); at alpha = 1 the Cauchy law. The papers' Lévy measure |y|^(-1-alpha) dy is converted to this
one by theory.levy.measure_constant (derived there): L_t of the papers = (C_alpha t)^(1/alpha) X.
Hand-written because torch has no stable sampler; scipy.stats.levy_stable is CPU-only and ~100x slower.

The noise-scale rule (the driving increment over dt as a multiple of a standard draw) is stated here once:
`measure_constant`, `increment_scale` and, for a one-coordinate Model, `noise_unit`; the torch engine
(numerics.sde.torchify), the compiled kernel (numerics.sde.kernels) and the benchmark's naive loop use them.
"""

from __future__ import annotations

import math

import torch

from theory.errors import ParameterError
from theory.model import Brownian, Model


def check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not (0 < alpha <= 2) or math.isnan(alpha):
        raise ParameterError("alpha", alpha, "(0, 2]", "the stability index of a symmetric alpha-stable law")
    return alpha


def measure_constant(alpha: float, measure: str) -> float:
    """C_alpha of a Lévy measure: theory.levy.MEASURE_CONSTANT for the papers' unnormalised |y|^(-1-alpha) dy
    (alpha < 2), 1 for the standard measure and at alpha = 2 (the standard SaS(2) is N(0, 2))."""
    if measure != "unnormalised" or alpha >= 2:
        return 1.0
    from theory.levy import MEASURE_CONSTANT

    return float(MEASURE_CONSTANT.lambdify("mpmath")(alpha))


def increment_scale(alpha: float, constant: float, dt: float) -> float:
    """(C_alpha dt)^(1/alpha): the stable increment of the driving noise over dt is this times a standard SaS draw."""
    return (constant * dt) ** (1 / alpha)


def noise_unit(model: Model, dt: float) -> tuple[float, float]:
    """(alpha, factor) of a one-coordinate Model such that its driving increment over dt is factor * X, with
    X ~ N(0, 1) where alpha = 2 and X standard SaS(alpha) otherwise: sqrt(dt) for Brownian noise,
    increment_scale(alpha, measure_constant(alpha, measure), dt) for stable noise; standard SaS(2) is N(0, 2), so
    that case is sqrt(2 dt) times a normal."""
    if isinstance(model.noise, Brownian):
        return 2.0, math.sqrt(dt)
    alpha = float(model.noise.alphas[0])
    if alpha == 2.0:
        return 2.0, math.sqrt(2 * dt)
    return alpha, increment_scale(alpha, measure_constant(alpha, model.noise.measure), dt)


def symmetric_stable(alpha: float, shape, generator: torch.Generator | None = None, device="cpu",
                     dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Standard SaS samples: V ~ U(-pi/2, pi/2), W ~ Exp(1),
    X = sin(alpha V) / cos(V)^(1/alpha) * (cos((1 - alpha) V) / W)^((1 - alpha) / alpha)."""
    alpha = check_alpha(alpha)
    # open interval: V = +-pi/2 would give cos(V) = 0
    u = torch.rand(shape, generator=generator, device=device, dtype=dtype)
    v = (u * (1 - 2e-12) + 1e-12 - 0.5) * math.pi
    if alpha == 1.0:
        return torch.tan(v)
    w = -torch.log1p(-torch.rand(shape, generator=generator, device=device, dtype=dtype))
    if alpha == 2.0:
        return 2 * torch.sin(v) * torch.sqrt(w)
    return (torch.sin(alpha * v) / torch.cos(v).pow(1 / alpha)
            * (torch.cos((1 - alpha) * v) / w).pow((1 - alpha) / alpha))


def truncated_symmetric_stable(alpha: float, cutoff: float, dt: float, shape, generator: torch.Generator | None = None,
                               device="cpu", dtype: torch.dtype = torch.float64, max_rounds: int = 100) -> torch.Tensor:
    """Increments over dt of the papers' small-jump process (Lévy measure |y|^(-1-alpha) dy restricted to
    |y| <= cutoff), approximated as the stable increment (C_alpha dt)^(1/alpha) X conditioned on |.| <= cutoff
    (resampled until inside). Symmetric by construction, so every odd moment is exactly 0; the second moment
    matches dt int_{|y| <= cutoff} y^2 nu(dy) up to O(dt) for small dt."""
    alpha = check_alpha(alpha)
    if not cutoff > 0:
        raise ParameterError("cutoff", cutoff, "(0, oo)", "the largest jump kept")
    scale = increment_scale(alpha, measure_constant(alpha, "unnormalised"), dt) if alpha < 2 else math.sqrt(dt)
    x = symmetric_stable(alpha, shape, generator, device, dtype) * scale
    for _ in range(max_rounds):
        outside = x.abs() > cutoff
        count = int(outside.sum())
        if count == 0:
            return x
        x[outside] = symmetric_stable(alpha, (count,), generator, device, dtype) * scale
    raise FloatingPointError(f"cutoff {cutoff:g} is too small for increments of scale {scale:g}: "
                             f"{count} samples still outside after {max_rounds} rounds")
