"""Synchronous coupling of two copies of one Model: the same Brownian increments drive both (004 sec. 4, the
coupling of Theorem 2 with alpha_s(x, y) = [[s(x)s(x)^T, s(x)s(y)^T], ...]). E|X_t - Y_t|^2 bounds W_2^2 from above."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from theory.errors import ModelError, ParameterError
from theory.model import Brownian, Model

from .device import describe_device, resolve_device
from .torchify import compile_model


@dataclass(frozen=True)
class CouplingResult:
    times: tuple[float, ...]
    mean_squared_distance: tuple[float, ...]
    stderr: tuple[float, ...]
    n_paths: int
    dt: float
    seed: int
    device: str


def synchronous_coupling(model: Model, start_x, start_y, *, n_paths: int, dt: float, times, seed: int = 0,
                         device="auto", dtype: torch.dtype = torch.float64) -> CouplingResult:
    """Euler-Maruyama (Itô) of two copies from start_x and start_y with shared increments; E|X - Y|^2 at `times`.
    The domain is ignored (no exit): the coupling is about the whole-space dynamic."""
    if not isinstance(model.noise, Brownian):
        raise ModelError("synchronous coupling is implemented for Brownian noise")
    if n_paths < 2 or not dt > 0:
        raise ParameterError("n_paths, dt", f"{n_paths}, {dt}", "n_paths >= 2, dt > 0", "coupling sizes")
    times = sorted(float(t) for t in times)
    if not times or times[0] <= 0:
        raise ParameterError("times", times, "positive, non-empty", "when E|X - Y|^2 is recorded")
    device = resolve_device(device)
    compiled = compile_model(model, device, dtype)
    generator = torch.Generator(device=device).manual_seed(seed)
    x = torch.tensor([float(v) for v in start_x], dtype=dtype, device=device).expand(n_paths, -1).clone()
    y = torch.tensor([float(v) for v in start_y], dtype=dtype, device=device).expand(n_paths, -1).clone()
    record = {round(t / dt): t for t in times}
    means, errors = [], []
    for step in range(1, max(record) + 1):
        z = compiled.increment(n_paths, generator, dt)
        x = x + compiled.drift(x) * dt + compiled.noise(x, z)
        y = y + compiled.drift(y) * dt + compiled.noise(y, z)
        if step in record:
            squared = ((x - y) ** 2).sum(dim=1).cpu().numpy()
            if not np.all(np.isfinite(squared)):
                raise FloatingPointError(f"non-finite coupled paths by t = {step * dt:g}: reduce dt={dt:g}")
            means.append(float(squared.mean()))
            errors.append(float(squared.std(ddof=1) / math.sqrt(n_paths)))
    return CouplingResult(tuple(times), tuple(means), tuple(errors), n_paths, dt, seed, describe_device(device))
