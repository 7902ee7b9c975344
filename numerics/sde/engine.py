"""The Monte Carlo engine: batched Euler-Maruyama exit times on a torch device (DESIGN.md).

    X_{k+1} = X_k + b(X_k) dt + s(t_k) sigma(X_k) dL_k        (Itô; Euler for Lévy noise, seed 000 eq. 81)

with dL_k = sqrt(dt) N(0, I) for Brownian noise, or per coordinate the alpha_l-stable increment over dt.

All paths of a chunk advance together as one tensor. A path's exit step is the first k with X_k
outside the domain (discrete monitoring: the scheme misses excursions between steps, which
biases exit times upward by O(sqrt(dt)); see `boundary_shift`). Every `compact_every` steps the
exited paths are dropped from the batch. Chunks are independent, each with its own seed derived
from (seed, chunk index) by numpy's SeedSequence, so results reproduce on the same device and do
not depend on how many chunks run before; memory is bounded by the chunk size.

Backends (`BACKENDS`, a name -> backend table; the backend is chosen once per run by `choose_backend`):
- "torch": the batched tensor loop (numerics.infra.step_until_exit over the compiled Model of numerics.sde.torchify),
  any model, any device;
- "numba": the compiled per-path loop of numerics.sde.kernels with its own counter-based generator, CPU, 1-D
  interval models without scheduler, float64; "auto" takes it where it applies (it is faster on the CPU, see
  numerics.bench) and the torch loop elsewhere. Both give the same law of exit times from different random streams.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass, fields, replace
from typing import Callable, Iterator

import numpy as np
import torch

from theory.errors import ParameterError, UserInputError
from theory.model import Model

from ..infra.device import describe_device, resolve_device
from ..infra.exit_loop import step_until_exit
from ..infra.progress import progress_bar
from ..infra.validate import require_positive
from .estimators import ExitTimes
from .torchify import TorchModel, compile_model

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


@dataclass(frozen=True)
class EngineOptions:
    """How the engine runs a simulation (not what it simulates): the keyword options of simulate_exit and
    iter_exit_chunks.

    dtype: the state's floating dtype (the numba backend computes in float64 whatever is asked);
    chunk_size: paths per chunk (memory is bounded by it); compact_every: steps between drops of exited paths;
    progress: a bar (None: on a terminal for >= 1e5 paths); record_positions: keep the state at the exit step (one
    more tensor update per step), e.g. which axis a path left a ball along; kernel: "torch", "numba" or "auto" (see
    BACKENDS)."""

    dtype: torch.dtype = torch.float64
    chunk_size: int = 1 << 16
    compact_every: int = 32
    progress: bool | None = None
    record_positions: bool = False
    kernel: str = "torch"

    @classmethod
    def of(cls, function: str, options: dict) -> EngineOptions:
        unknown = set(options) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"{function}() got unexpected keyword argument(s) {', '.join(sorted(unknown))}; its "
                            f"options are {', '.join(f.name for f in fields(cls))}")
        return cls(**options)


@dataclass(frozen=True)
class _Run:
    """What one simulation computes: the model, the sizes, the seed and the device (checked)."""

    model: Model
    n_paths: int
    dt: float
    max_time: float
    seed: int
    device: torch.device

    @property
    def max_steps(self) -> int:
        return int(math.ceil(self.max_time / self.dt))


#: (size, chunk seed, advance(count) of the progress bar) -> (exit_steps, sides, positions, path_steps)
ChunkRunner = Callable[[int, int, Callable[[int], None]], tuple]


@dataclass(frozen=True)
class Backend:
    """One way to simulate chunks: why it cannot run a model on a device (None when it can), and how it prepares a
    run into a chunk runner."""

    name: str
    unsupported: Callable[[Model, torch.device], str | None]
    prepare: Callable[[_Run, EngineOptions], ChunkRunner]
    #: the dtype it computes in whatever was asked (None: the one asked)
    dtype: torch.dtype | None = None


# ------------------------------------------------------------------------------ the torch backend
def _euler_step(compiled: TorchModel, x: torch.Tensor, generator: torch.Generator, dt: float, k: int) -> torch.Tensor:
    """X_{k+1} = X_k + b dt + s(t_k) sigma dL_k for every row of x."""
    scale = 1.0 if compiled.scheduler is None else compiled.scheduler(k, dt)
    z = compiled.increment(x.shape[0], generator, dt)
    if isinstance(scale, torch.Tensor):  # one factor per noise coordinate
        z, scale = z * scale, 1.0
    if compiled.noise_scalar is not None:  # fewer kernels: the common additive case
        return torch.add(x, compiled.drift(x), alpha=dt).add_(z, alpha=compiled.noise_scalar * scale)
    # fused: one new tensor per step instead of four
    return torch.add(x, compiled.drift(x), alpha=dt).add_(compiled.noise(x, z), alpha=scale)


def _torch_chunk(compiled: TorchModel, run: _Run, options: EngineOptions, size: int, seed: int,
                 advance: Callable[[int], None]) -> tuple:
    """One chunk of `size` paths through the exit loop; the side and (if asked) the state at each path's exit step
    are recorded at that step, exited paths are dropped every compact_every steps."""
    generator = torch.Generator(device=run.device)
    generator.manual_seed(seed)
    several_sides, record_positions = compiled.only_side is None, options.record_positions
    x = compiled.start.expand(size, -1).clone()
    sides = np.full(size, -1, dtype=np.int8)
    positions = np.zeros((size, x.shape[1])) if record_positions else None
    state = {"x": x}
    if several_sides:
        state["side"] = torch.full((size,), -1, dtype=torch.int8, device=run.device)
    if record_positions:
        state["position"] = x.clone()

    def record(state, newly):
        if several_sides:
            state = {**state, "side": torch.where(newly, compiled.exit_side(state["x"]), state["side"])}
        if record_positions:
            state = {**state, "position": torch.where(newly.unsqueeze(1), state["x"], state["position"])}
        return state

    def finish(ids, finished):
        sides[ids] = finished["side"].cpu().numpy() if several_sides else compiled.only_side
        if record_positions:
            positions[ids] = finished["position"].cpu().numpy()
        advance(len(ids))

    def check_finite(state, alive, step):
        if not bool(torch.isfinite(state["x"]).all()):
            raise FloatingPointError(f"a path that had not exited became non-finite by step {step} "
                                     f"(t = {step * run.dt:g}): the scheme is unstable, reduce dt={run.dt:g}")

    result = step_until_exit(
        state, advance=lambda s, alive, step: {**s, "x": _euler_step(compiled, s["x"], generator, run.dt, step - 1)},
        exited=lambda s, alive, step: compiled.outside(s["x"]), max_steps=run.max_steps,
        compact_every=options.compact_every, on_step=record if several_sides or record_positions else None,
        on_exit=finish, after_compact=check_finite)
    advance(result.alive.numel())  # censored paths: done too
    if record_positions:
        positions[result.alive.cpu().numpy()] = result.state["x"].cpu().numpy()
    return result.exit_steps, sides, positions, result.path_steps


def _prepare_torch(run: _Run, options: EngineOptions) -> ChunkRunner:
    compiled = compile_model(run.model, run.device, options.dtype)
    return lambda size, seed, advance: _torch_chunk(compiled, run, options, size, seed, advance)


# ------------------------------------------------------------------------------ the numba backend
def _numba_unsupported(model: Model, device: torch.device) -> str | None:
    if device.type != "cpu":
        return "it runs on the CPU only"
    try:
        from . import kernels
    except ImportError:  # numba is optional: the torch loop runs everything
        return "numba is not installed (pip install numba)"
    return kernels.supports(model)


def _prepare_numba(run: _Run, options: EngineOptions) -> ChunkRunner:
    """The compiled kernel: same chunking and chunk seeds as the torch loop, one stream per path."""
    from .kernels import compile_exit

    run.model.require_numeric()   # also refuses a diffusion that is not real inside the domain
    kernel = compile_exit(run.model, run.dt, run.max_steps)

    def chunk(size, seed, advance):
        result = kernel(size, seed)
        advance(size)
        return result
    return chunk


#: name -> backend; "auto" takes the first of AUTO_ORDER that can run the model on the device
BACKENDS: dict[str, Backend] = {
    "torch": Backend("torch", lambda model, device: None, _prepare_torch),
    "numba": Backend("numba", _numba_unsupported, _prepare_numba, dtype=torch.float64),
}
AUTO_ORDER = ("numba", "torch")
KERNELS = (*BACKENDS, "auto")


def choose_backend(kernel: str, model: Model, device: torch.device) -> Backend:
    """The backend for this model and device, asked once per run: "auto" picks numba where it applies and torch
    otherwise; an explicit backend that cannot run the model says why."""
    if kernel not in KERNELS:
        raise UserInputError(f"unknown kernel {kernel!r}: use one of {', '.join(KERNELS)}")
    if kernel == "auto":
        return next(BACKENDS[name] for name in AUTO_ORDER if BACKENDS[name].unsupported(model, device) is None)
    why = BACKENDS[kernel].unsupported(model, device)
    if why is not None:
        raise UserInputError(f"kernel={kernel!r} cannot run {model.name!r}: {why}; use kernel='torch' or 'auto'")
    return BACKENDS[kernel]


# ------------------------------------------------------------------------------ the engine
def _prepare(function: str, model: Model, sizes: dict, seed, device, options: dict) -> tuple:
    """(run, options, backend): every argument checked, the device resolved and the backend chosen, once."""
    options = EngineOptions.of(function, options)
    _validate(seed, **sizes, chunk_size=options.chunk_size, compact_every=options.compact_every)
    _require_model(model, options.dtype)
    device = resolve_device(device)
    backend = choose_backend(options.kernel, model, device)
    if backend.dtype is not None:
        options = replace(options, dtype=backend.dtype)
    run = _Run(model, int(sizes["n_paths"]), float(sizes["dt"]), float(sizes["max_time"]), seed, device)
    return run, options, backend


def _chunks(run: _Run, options: EngineOptions, backend: Backend) -> Iterator[ChunkResult]:
    runner = backend.prepare(run, options)
    bar = progress_bar(options.progress, "exit times", run.n_paths, minimum=100_000)
    advance = bar.advance if bar is not None else (lambda count: None)
    try:
        for index, start in enumerate(range(0, run.n_paths, options.chunk_size)):
            size = min(options.chunk_size, run.n_paths - start)
            seed_i = chunk_seed(run.seed, index)
            steps, sides, positions, path_steps = runner(size, seed_i, advance)
            yield ChunkResult(index, seed_i, steps, sides, path_steps,
                              positions if options.record_positions else None)
    finally:
        if bar is not None:
            bar.close()


def iter_exit_chunks(model: Model, *, n_paths: int, dt: float, max_time: float, seed: int = 0, device="auto",
                     **options) -> Iterator[ChunkResult]:
    """Simulate and yield one ChunkResult per chunk (streaming: memory stays flat).

    options: EngineOptions (dtype, chunk_size, compact_every, progress, record_positions, kernel)."""
    run, options, backend = _prepare("iter_exit_chunks", model, dict(n_paths=n_paths, dt=dt, max_time=max_time),
                                     seed, device, options)
    yield from _chunks(run, options, backend)


def simulate_exit(model: Model, *, n_paths: int, dt: float, max_time: float, seed: int = 0, device="auto",
                  **options) -> ExitTimes:
    """Exit times of `n_paths` Euler-Maruyama paths of a bound Model from its domain.

    Paths still inside at `max_time` are censored (side -1); ExitTimes refuses a mean over them.
    options: EngineOptions (dtype, chunk_size, compact_every, progress, record_positions, kernel "torch", "numba"
    or "auto").
    """
    run, options, backend = _prepare("simulate_exit", model, dict(n_paths=n_paths, dt=dt, max_time=max_time),
                                     seed, device, options)
    started = time.perf_counter()
    chunks = list(_chunks(run, options, backend))
    steps = np.concatenate([c.exit_steps for c in chunks])
    return ExitTimes(
        times=np.where(steps >= 0, steps * dt, np.inf),
        sides=np.concatenate([c.sides for c in chunks]),
        side_names=tuple(model.domain.side_names),
        dt=dt, horizon=run.max_steps * dt, seed=seed,
        device=describe_device(run.device), dtype=str(options.dtype).replace("torch.", ""),
        seconds=time.perf_counter() - started, path_steps=sum(c.path_steps for c in chunks),
        positions=np.concatenate([c.positions for c in chunks]) if options.record_positions else None,
    )


#: arguments that count something: a float such as 1000.0 is refused rather than truncated or rounded
COUNTS = ("n_paths", "chunk_size", "compact_every")


def _validate(seed=0, **values) -> None:
    """Positive finite dt and max_time (real numbers), positive integer counts, a non-negative integer seed."""
    for name, value in values.items():
        if name in COUNTS:
            require_positive(name, value, f"pass an int, e.g. {name}=1000", count=True)
        else:
            require_positive(name, value)
    if not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0):
        raise ParameterError("seed", seed, "a non-negative integer")
    if values["max_time"] < values["dt"]:
        raise ParameterError("max_time", values["max_time"], f"at least dt = {values['dt']}")


def _require_model(model, dtype) -> None:
    if not isinstance(model, Model):
        raise UserInputError(f"the simulator needs a theory.model.Model, got {type(model).__name__}")
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise ParameterError("dtype", dtype, "a torch floating dtype (torch.float64 or torch.float32)")
