"""Symmetric alpha-stable random numbers (Chambers, Mallows & Stuck 1976), batched in torch.

Standard normalisation: E exp(i w X) = exp(-|w|^alpha), alpha in (0, 2]. At alpha = 2 this is
N(0, 2); at alpha = 1 the Cauchy law. The papers' Lévy measure |y|^(-1-alpha) dy is converted to this
one by theory.levy.measure_constant (derived there): L_t of the papers = (C_alpha t)^(1/alpha) X.
Hand-written because torch has no stable sampler; scipy.stats.levy_stable is CPU-only and ~100x slower.
"""

from __future__ import annotations

import math

import torch

from theory.errors import ParameterError


def check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not (0 < alpha <= 2) or math.isnan(alpha):
        raise ParameterError("alpha", alpha, "(0, 2]", "the stability index of a symmetric alpha-stable law")
    return alpha


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
