"""The Monte Carlo engine: batched Euler-Maruyama exit times on a torch device (DESIGN.md).

    X_{k+1} = X_k + b(X_k) dt + s(t_k) sigma(X_k) dL_k        (Itô; Euler for Lévy noise, seed 000 eq. 81)

with dL_k = sqrt(dt) N(0, I) for Brownian noise, or per coordinate the alpha_l-stable increment over dt.

All paths of a chunk advance together as one tensor. A path's exit step is the first k with X_k
outside the domain (discrete monitoring: the scheme misses excursions between steps, which
biases exit times upward by O(sqrt(dt)); see `boundary_shift`). Every `compact_every` steps the
exited paths are dropped from the batch. Chunks are independent, each with its own seed derived
from (seed, chunk index) by numpy's SeedSequence, so results reproduce on the same device and do
not depend on how many chunks run before; memory is bounded by the chunk size.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch

from theory.errors import ParameterError, UserInputError
from theory.model import Model

from .device import describe_device, resolve_device
from .estimators import ExitTimes
from .torchify import compile_model

#: -zeta(1/2) / sqrt(2 pi): the boundary shift of discretely monitored Brownian motion
#: (Broadie, Glasserman & Kou 1997; Gobet 2000). Euler exit at a flat boundary behaves like the
#: continuous exit at a boundary moved outward by BGK_BETA * sigma * sqrt(dt).
BGK_BETA = 0.5825971579390106


def boundary_shift(sigma: float, dt: float) -> float:
    """First-order outward boundary shift equivalent to discrete monitoring (see BGK_BETA)."""
    return BGK_BETA * sigma * math.sqrt(dt)


@dataclass
class ChunkResult:
    index: int
    seed: int
    exit_steps: np.ndarray   # int64, -1 where the path was still inside at the horizon
    sides: np.ndarray        # int8 side codes, -1 where censored
    path_steps: int
    positions: np.ndarray | None = None  # (paths, N) state at the exit step; the last state where censored


def chunk_seed(seed: int, index: int) -> int:
    """Seed of chunk `index`: independent streams that do not depend on the chunk count."""
    state = np.random.SeedSequence(seed, spawn_key=(index,)).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def iter_exit_chunks(model: Model, *, n_paths: int, dt: float, max_time: float, seed: int = 0,
                     device="auto", dtype: torch.dtype = torch.float64, chunk_size: int = 1 << 16,
                     compact_every: int = 32, progress=None, record_positions: bool = False,
                     kernel: str = "torch") -> Iterator[ChunkResult]:
    """Simulate and yield one ChunkResult per chunk (streaming: memory stays flat).

    record_positions keeps the state at the exit step (one more tensor update per step): the exit point,
    e.g. which axis a path left a ball along.

    kernel: "torch" (the batched tensor loop below, any model, any device), "numba" (numerics.kernels: a compiled
    per-path loop with its own generator, CPU, 1-D interval models without scheduler; computes in float64 and
    ignores compact_every) or "auto" (numba where it applies, else torch). Both give the same law of exit times,
    from different random streams; each reproduces on the same machine for the same seed."""
    _validate(seed, n_paths=n_paths, dt=dt, max_time=max_time, chunk_size=chunk_size, compact_every=compact_every)
    _require_model(model, dtype)
    n_paths, chunk_size, compact_every, dt, max_time = int(n_paths), int(chunk_size), int(compact_every), float(dt), \
        float(max_time)
    device = resolve_device(device)
    if resolve_kernel(kernel, model, device) == "numba":
        yield from _iter_numba_chunks(model, n_paths=n_paths, dt=dt, max_time=max_time, seed=seed,
                                      chunk_size=chunk_size, progress=progress, record_positions=record_positions)
        return
    compiled = compile_model(model, device, dtype)
    several_sides = compiled.only_side is None
    max_steps = int(math.ceil(max_time / dt))
    bar = _progress(progress, n_paths)
    try:
        for index, start in enumerate(range(0, n_paths, chunk_size)):
            size = min(chunk_size, n_paths - start)
            seed_i = chunk_seed(seed, index)
            generator = torch.Generator(device=device)
            generator.manual_seed(seed_i)
            exit_steps = np.full(size, -1, dtype=np.int64)
            sides = np.full(size, -1, dtype=np.int8)
            x = compiled.start.expand(size, -1).clone()
            positions = np.zeros((size, x.shape[1])) if record_positions else None
            position_of_exit = x.clone() if record_positions else None
            ids = torch.arange(size, device=device)
            step_of_exit = torch.full((size,), -1, dtype=torch.int64, device=device)
            side_of_exit = torch.full((size,), -1, dtype=torch.int8, device=device)
            path_steps, step = 0, 0
            while step < max_steps and x.shape[0] > 0:
                block = min(compact_every, max_steps - step)
                for _ in range(block):
                    scale = 1.0 if compiled.scheduler is None else compiled.scheduler(step, dt)
                    z = compiled.increment(x.shape[0], generator, dt)
                    if isinstance(scale, torch.Tensor):  # one factor per noise coordinate
                        z, scale = z * scale, 1.0
                    if compiled.noise_scalar is not None:  # fewer kernels: the common additive case
                        x = torch.add(x, compiled.drift(x), alpha=dt).add_(z, alpha=compiled.noise_scalar * scale)
                    else:  # fused: one new tensor per step instead of four
                        x = torch.add(x, compiled.drift(x), alpha=dt).add_(compiled.noise(x, z), alpha=scale)
                    step += 1
                    newly = compiled.outside(x) & (step_of_exit < 0)
                    step_of_exit.masked_fill_(newly, step)
                    if several_sides:
                        side_of_exit = torch.where(newly, compiled.exit_side(x), side_of_exit)
                    if record_positions:
                        position_of_exit = torch.where(newly.unsqueeze(1), x, position_of_exit)
                path_steps += block * x.shape[0]
                finished = step_of_exit >= 0
                done_ids = ids[finished].cpu().numpy()
                exit_steps[done_ids] = step_of_exit[finished].cpu().numpy()
                sides[done_ids] = side_of_exit[finished].cpu().numpy() if several_sides else compiled.only_side
                keep = ~finished
                if record_positions:
                    positions[done_ids] = position_of_exit[finished].cpu().numpy()
                    position_of_exit = position_of_exit[keep]
                x, ids = x[keep], ids[keep]
                step_of_exit, side_of_exit = step_of_exit[keep], side_of_exit[keep]
                if not bool(torch.isfinite(x).all()):
                    raise FloatingPointError(f"a path that had not exited became non-finite by step {step} "
                                             f"(t = {step * dt:g}): the scheme is unstable, reduce dt={dt:g}")
                if bar is not None:
                    bar.update(len(done_ids))
            if bar is not None:
                bar.update(x.shape[0])  # censored paths: done too
            if record_positions:
                positions[ids.cpu().numpy()] = x.cpu().numpy()
            yield ChunkResult(index, seed_i, exit_steps, sides, path_steps, positions)
    finally:
        if bar is not None:
            bar.close()


def simulate_exit(model: Model, *, n_paths: int, dt: float, max_time: float, seed: int = 0, device="auto",
                  dtype: torch.dtype = torch.float64, chunk_size: int = 1 << 16, compact_every: int = 32,
                  progress=None, record_positions: bool = False, kernel: str = "torch") -> ExitTimes:
    """Exit times of `n_paths` Euler-Maruyama paths of a bound Model from its domain.

    Paths still inside at `max_time` are censored (side -1); ExitTimes refuses a mean over them.
    kernel: see iter_exit_chunks ("torch", "numba" or "auto").
    """
    _validate(seed, n_paths=n_paths, dt=dt, max_time=max_time, chunk_size=chunk_size, compact_every=compact_every)
    _require_model(model, dtype)
    device = resolve_device(device)
    if resolve_kernel(kernel, model, device) == "numba":
        dtype = torch.float64  # what the compiled kernel computes in, whatever was asked
    started = time.perf_counter()
    chunks = list(iter_exit_chunks(model, n_paths=n_paths, dt=dt, max_time=max_time, seed=seed, device=device,
                                   dtype=dtype, chunk_size=chunk_size, compact_every=compact_every,
                                   progress=progress, record_positions=record_positions, kernel=kernel))
    steps = np.concatenate([c.exit_steps for c in chunks])
    return ExitTimes(
        times=np.where(steps >= 0, steps * dt, np.inf),
        sides=np.concatenate([c.sides for c in chunks]),
        side_names=tuple(model.domain.side_names),
        dt=dt, horizon=math.ceil(max_time / dt) * dt, seed=seed,
        device=describe_device(device), dtype=str(dtype).replace("torch.", ""),
        seconds=time.perf_counter() - started, path_steps=sum(c.path_steps for c in chunks),
        positions=np.concatenate([c.positions for c in chunks]) if record_positions else None,
    )


KERNELS = ("torch", "numba", "auto")


def resolve_kernel(kernel: str, model: Model, device: torch.device) -> str:
    """"torch" or "numba" for this model and device; "auto" picks numba where it applies (it is faster on CPU,
    see benchmarks/bench.py) and torch otherwise. An explicit "numba" that cannot run says why."""
    if kernel not in KERNELS:
        raise UserInputError(f"unknown kernel {kernel!r}: use one of {', '.join(KERNELS)}")
    if kernel == "torch":
        return "torch"
    why = "it runs on the CPU only" if device.type != "cpu" else None
    if why is None:
        try:
            from . import kernels
        except ImportError:  # numba is optional: the torch loop runs everything
            why = "numba is not installed (pip install numba)"
        else:
            why = kernels.supports(model)
    if why is None:
        return "numba"
    if kernel == "auto":
        return "torch"
    raise UserInputError(f"kernel='numba' cannot run {model.name!r}: {why}; use kernel='torch' or 'auto'")


def _iter_numba_chunks(model: Model, *, n_paths: int, dt: float, max_time: float, seed: int, chunk_size: int,
                       progress, record_positions: bool) -> Iterator[ChunkResult]:
    """The compiled kernel behind iter_exit_chunks: same chunking and chunk seeds, one stream per path."""
    from .kernels import exit_chunk

    model.require_numeric()
    max_steps = int(math.ceil(max_time / dt))
    bar = _progress(progress, n_paths)
    try:
        for index, start in enumerate(range(0, n_paths, chunk_size)):
            size = min(chunk_size, n_paths - start)
            seed_i = chunk_seed(seed, index)
            steps, sides, positions, path_steps = exit_chunk(model, size=size, seed=seed_i, dt=dt,
                                                             max_steps=max_steps)
            if bar is not None:
                bar.update(size)
            yield ChunkResult(index, seed_i, steps, sides, path_steps, positions if record_positions else None)
    finally:
        if bar is not None:
            bar.close()


#: arguments that count something: a float such as 1000.0 is refused rather than truncated or rounded
COUNTS = ("n_paths", "chunk_size", "compact_every")


def _validate(seed=0, **values) -> None:
    """Positive finite dt and max_time (real numbers), positive integer counts, a non-negative integer seed."""
    for name, value in values.items():
        if name in COUNTS:
            if not (isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0):
                raise ParameterError(name, value, "a positive integer", f"pass an int, e.g. {name}=1000")
        elif not (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
                  and value > 0):
            raise ParameterError(name, value, "(0, oo)")
    if not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0):
        raise ParameterError("seed", seed, "a non-negative integer")
    if values["max_time"] < values["dt"]:
        raise ParameterError("max_time", values["max_time"], f"at least dt = {values['dt']}")


def _require_model(model, dtype) -> None:
    if not isinstance(model, Model):
        raise UserInputError(f"the simulator needs a theory.model.Model, got {type(model).__name__}")
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise ParameterError("dtype", dtype, "a torch floating dtype (torch.float64 or torch.float32)")


def _progress(progress, total: int):
    if progress is None:
        progress = sys.stderr.isatty() and total >= 100_000
    return _Bar(total) if progress else None


class _Bar:
    """A rich progress bar counting finished paths."""

    def __init__(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._progress = Progress("exit times", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                  transient=True)
        self._task = self._progress.add_task("paths", total=total)
        self._progress.start()

    def update(self, count: int) -> None:
        self._progress.advance(self._task, count)

    def close(self) -> None:
        self._progress.stop()
