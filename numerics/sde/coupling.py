"""States of a Model at fixed times without a boundary, and the synchronous coupling of two copies: the same Brownian
increments drive both (004 sec. 4, the coupling of Theorem 2 with alpha_s(x, y) = [[s(x)s(x)^T, s(x)s(y)^T], ...]).
E|X_t - Y_t|^2 bounds W_2^2 from above."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from theory.errors import ModelError, ParameterError
from theory.model import Brownian, Model

from ..infra.device import describe_device, resolve_device
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


def _euler_states(model: Model, starts, *, n_paths: int, dt: float, times, seed: int, device, dtype):
    """Euler-Maruyama (Itô) of len(starts) copies of the model, all driven by the same increments; yields
    (t, [states of each copy]) at the requested times. The domain is ignored (no exit)."""
    if not isinstance(model.noise, Brownian):
        raise ModelError("the state simulator is implemented for Brownian noise")
    if n_paths < 2 or not dt > 0:
        raise ParameterError("n_paths, dt", f"{n_paths}, {dt}", "n_paths >= 2, dt > 0", "simulation sizes")
    times = sorted(float(t) for t in times)
    if not times or times[0] <= 0:
        raise ParameterError("times", times, "positive, non-empty", "when the states are recorded")
    compiled = compile_model(model, device, dtype)
    generator = torch.Generator(device=device).manual_seed(seed)
    copies = [torch.tensor([float(v) for v in start], dtype=dtype, device=device).expand(n_paths, -1).clone()
              for start in starts]
    record = {round(t / dt): t for t in times}
    for step in range(1, max(record) + 1):
        z = compiled.increment(n_paths, generator, dt)
        copies = [x + compiled.drift(x) * dt + compiled.noise(x, z) for x in copies]
        if step in record:
            if not all(bool(torch.isfinite(x).all()) for x in copies):
                raise FloatingPointError(f"non-finite paths by t = {step * dt:g}: reduce dt={dt:g}")
            yield record[step], copies


def simulate_states(model: Model, start, *, n_paths: int, dt: float, times, seed: int = 0, device="auto",
                    dtype: torch.dtype = torch.float64) -> dict[float, np.ndarray]:
    """States (n_paths, d) of the model at `times` from `start`, no exit: for moments and stationary samples."""
    device = resolve_device(device)
    return {t: copies[0].cpu().numpy() for t, copies in _euler_states(model, [start], n_paths=n_paths, dt=dt,
                                                                       times=times, seed=seed, device=device,
                                                                       dtype=dtype)}


# 9 parameters: the two starts beside simulate_states' keywords (n_paths, dt, times, seed, device, dtype), as callers
# pass them
def synchronous_coupling(model: Model, start_x, start_y, *, n_paths: int, dt: float, times, seed: int = 0,
                         device="auto", dtype: torch.dtype = torch.float64) -> CouplingResult:
    """Two copies from start_x and start_y with shared increments (Euler-Maruyama, Itô); E|X - Y|^2 at `times`.
    The domain is ignored (no exit): the coupling is about the whole-space dynamic."""
    device = resolve_device(device)
    recorded, means, errors = [], [], []
    for t, (x, y) in _euler_states(model, [start_x, start_y], n_paths=n_paths, dt=dt, times=times, seed=seed,
                                   device=device, dtype=dtype):
        squared = ((x - y) ** 2).sum(dim=1).cpu().numpy()
        recorded.append(t)
        means.append(float(squared.mean()))
        errors.append(float(squared.std(ddof=1) / math.sqrt(n_paths)))
    return CouplingResult(tuple(recorded), tuple(means), tuple(errors), n_paths, dt, seed, describe_device(device))
