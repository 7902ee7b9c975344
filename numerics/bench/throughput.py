"""`escape bench`: the Monte Carlo engine's speed against the hardware ceiling, measured in one run (issue 7).

On the current device it measures

- the random-number ceiling: the fastest normal generator it can run there (torch.randn float32; on the CPU also
  numpy's Generator and the compiled xoshiro256** + ziggurat of numerics.sde.kernels), normals per second;
- the alpha-stable ceiling: the fastest Chambers-Mallows-Stuck sampler (numerics.sde.stable in torch; on the CPU also
  the compiled one), draws per second;
- per workload, path-steps per second of: the engine (numerics.simulate_exit, kernel="auto": the
  compiled per-path loop on the CPU, the batched torch loop elsewhere), the torch loop itself, a naive per-path
  Python loop (few paths, its rate per path-step extrapolates), and torchsde's Euler solver over a fixed horizon
  (every path runs the whole horizon: a general-purpose solver does not drop exited paths);
- the mean exit time of each method with its confidence interval, and whether each agrees with the engine
  (two-sided z-test on the difference at false-alarm probability FALSE_ALARM per comparison);
- with memory=True, the peak resident memory of a streamed run at n and 10 n paths (subprocesses, ru_maxrss).

Workloads (one definition of each dynamic: the Models of theory/):
- brownian: the Itô power-law dynamic of seeds 002/004 (theory.power_law.POWER_LAW; 002 eq. 7, 004 eq. 2.16)
  bound as in verify/checks/power_law.py (h = 1, eta = 0.1, sigma = 1, rho = 4), exit from (-1/2, 1/2), dt = 0.01;
- levy: the Lévy Ornstein-Uhlenbeck exit model of the 1-D exit law (theory.levy.ornstein_uhlenbeck_exit_model,
  Imkeller & Pavlyukevich 2006 as used for seed 000/001) with alpha = 1.5, h = 4, (-1, 3/2), epsilon = 1/2,
  dt = 0.01. torchsde has no Lévy noise, so that workload has no torchsde entry (null in the JSON).

Design notes: what was tried (Brownian workload unless said; measured under load on the shared 2-core development
machine, one thread, in path-steps per CPU second, best of 2-3 runs; the lead's quiet run replaces them):
- ceiling candidates: numba xoshiro256** + ziggurat 1.6e8-2.3e8 normals/s, torch.randn float32 2.1e8-2.8e8,
  numpy Generator float32 5e7-7.7e7;
- torch batched loop (the engine as it was, state-dependent noise): 2.6e7 in float64 and in float32 alike, and
  compact_every 32 or 128 alike: the ~10 small tensor kernels per step (lambdified drift and noise, exit
  bookkeeping) bound it, not the generator. Fusing its update in place (one new tensor per step, kept: same
  results bit for bit) gave no measurable gain. One hand-fused step alone runs at 8.6e7 eager and at 5.7e7 under
  torch.compile (inductor, after a 40 s compile): torch.compile loses on this CPU;
- numba per-path loop with the Model's lambdified drift/diffusion and its own per-path generator: 5.6e7 with one
  path at a time (a dependent chain per step: x -> sqrt -> x), 1.8e8 with 4, 1.6e8 with 8 and 1.8e8 with 16 paths
  interleaved per thread (kept: 8); exit times are identical whatever the interleaving (a path owns its stream);
- Lévy (alpha = 1.5): numba CMS 1.2e7-1.4e7 draws/s with the two powers as written, 1.6e7 with them in log space
  (kept); numba engine 1.2e7 path-steps/s (ratio to the CMS sampler ~1.0), torch engine 3e6-6e6. The naive Python
  loop reaches 2.5e5-1.2e6 here, because CMS is six C-level transcendental calls either way: the ceiling itself
  is only ~10x the naive loop, so engine / naive >= 50 is out of reach for alpha-stable noise on the CPU.
- One `escape bench --quick --paths 50000` run (2 threads, under load): Brownian engine 1.2e8 path-steps/s, ratio
  to the ceiling (torch.randn 2.8e8) 0.42 in wall time and 0.65 in CPU time, 220x the naive loop, 660x torchsde;
  Lévy engine 8.3e6, ratio 1.02 to the numba CMS sampler, 6.8x the naive loop; all means agree.
- One full `escape bench` run (1e6 paths, 2 threads, under load): Brownian engine 1.64e8 path-steps/s, 0.60 of
  the ceiling (torch.randn 2.7e8; 0.64 in CPU time), 112x the naive loop (1.5e6), 143x torchsde (1.1e6); Lévy
  engine 1.37e7, 1.17 of the numba CMS sampler (1.17e7), 13x the naive loop; every mean agrees with the engine's.
- Memory (peak RSS of a streamed run, numba kernel, 32 steps): 537 MiB at 1e6 paths and at 1e7 (ratio 1.000;
  ~1 MiB above the post-import base); the torch loop is bounded the same way by its chunk.
- Under load, the torch loop with 2 intra-op threads collapsed to 5e5-6e5 path-steps/s (1.6e7-2.7e7 with one
  thread): every elementwise op over 65536 entries (a float32 -> float64 copy, a mul_) took ~7.8 ms instead of
  15-25 us, waiting for its second thread to be scheduled on the busy cores. The compiled kernel runs one
  parallel region per chunk and does not suffer this; on a quiet machine the torch figure should recover.
The compiled loop wins on the CPU and is what kernel="auto" runs; on CUDA the torch loop runs (the compiled
kernel is CPU-only) with 2^20 paths per chunk.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy as sp
import torch

from theory.errors import UserInputError
from theory.model import Brownian, Model

from ..infra.device import describe_device, resolve_device
from ..sde.engine import choose_backend, chunk_seed, simulate_exit
from ..sde.estimators import normal_quantile
from ..exact.quadrature import mean_exit_time
from ..sde.stable import noise_unit, symmetric_stable

#: false-alarm probability of each agreement test between two methods' mean exit times (two-sided)
FALSE_ALARM = 1e-4
#: confidence of the intervals printed and written (the agreement test uses FALSE_ALARM, not these)
CI_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Workload:
    name: str
    model: Model
    dt: float
    max_time: float
    #: horizon of the fixed-horizon solver (torchsde): long enough that censoring is negligible at these sizes
    fixed_horizon: float
    description: str


def workloads() -> dict[str, Workload]:
    from theory import levy, power_law

    brownian = power_law.POWER_LAW.bind({"h": 1, "eta": sp.Rational(1, 10), "sigma": 1, "rho": 4,
                                         "r": sp.Rational(1, 2)})
    stable = levy.ornstein_uhlenbeck_exit_model(sp.Rational(3, 2), 4, -1, sp.Rational(3, 2)).bind(
        epsilon=sp.Rational(1, 2))
    return {
        "brownian": Workload("brownian", brownian, 0.01, 1000.0, 80.0,
                             "1-D Itô power-law dynamic (002 eq. 7 / 004 eq. 2.16), h=1, eta=0.1, sigma=1, rho=4, "
                             "exit from (-0.5, 0.5), dt=0.01"),
        "levy": Workload("levy", stable, 0.01, 1000.0, 40.0,
                         "1-D Lévy OU, alpha=1.5, h=4, eps=0.5, exit from (-1, 1.5), dt=0.01"),
    }


# ------------------------------------------------------------------------------ ceilings
def _best_rate(draw, count: int, repeats: int) -> tuple[float, float]:
    """(draws per wall-clock second, draws per CPU second of this process) of the fastest of `repeats` timed
    calls, after one warm-up call: on a shared machine the fastest call is the least disturbed one, and CPU time
    (all threads summed) hardly depends on what else runs."""
    draw()
    wall = cpu = math.inf
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        draw()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return count / wall, count / max(cpu, 1e-9)


def normal_generators(device: torch.device, count: int = 1 << 20, repeats: int = 5) -> dict[str, tuple]:
    """(normals per wall second, per CPU second) of each generator the benchmark can run on `device`, `count` per
    call."""
    rates = {}
    generator = torch.Generator(device=device)
    generator.manual_seed(0)

    def torch_randn():
        torch.randn((count,), generator=generator, device=device, dtype=torch.float32)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
    rates["torch.randn float32"] = _best_rate(torch_randn, count, repeats)
    if device.type == "cpu":
        rng = np.random.default_rng(0)
        rates["numpy Generator float32"] = _best_rate(lambda: rng.standard_normal(count, dtype=np.float32), count,
                                                      repeats)
        kernels = _kernels()
        if kernels is not None:
            out = np.empty(count)
            streams = 4 * kernels.numba.get_num_threads()
            rates["numba xoshiro256** + ziggurat"] = _best_rate(
                lambda: kernels.fill_normals(out, np.uint64(1), streams), count, repeats)
    return rates


def stable_samplers(alpha: float, device: torch.device, count: int = 1 << 18, repeats: int = 3) -> dict[str, tuple]:
    """(standard SaS(alpha) draws per wall second, per CPU second) of each Chambers-Mallows-Stuck sampler on
    `device`."""
    generator = torch.Generator(device=device)
    generator.manual_seed(0)

    def torch_cms():
        symmetric_stable(alpha, (count,), generator, device, torch.float64)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
    rates = {"numerics.sde.stable (torch, float64)": _best_rate(torch_cms, count, repeats)}
    kernels = _kernels() if device.type == "cpu" else None
    if kernels is not None:
        out = np.empty(count)
        streams = 4 * kernels.numba.get_num_threads()
        rates["numba CMS"] = _best_rate(lambda: kernels.fill_stable(out, alpha, np.uint64(1), streams), count,
                                        repeats)
    return rates


def _kernels():
    try:
        from ..sde import kernels
    except ImportError:  # numba is optional: the benchmark then runs the torch candidates only
        return None
    return kernels


# ------------------------------------------------------------------------------ methods
@dataclass
class Measurement:
    """Path-steps per second of one method, with its mean exit time."""

    per_s: float
    per_cpu_s: float
    mean: float
    stderr: float
    paths: int
    censored: int
    seconds: float
    note: str = ""

    def ci(self) -> list[float]:
        half = normal_quantile(CI_CONFIDENCE) * self.stderr
        return [self.mean - half, self.mean + half]


def measure_engine(workload: Workload, n_paths: int, device: torch.device, kernel: str, seed: int) -> Measurement:
    # warm-up on a few paths: compilation (numba) and allocator start-up are not throughput
    simulate_exit(workload.model, n_paths=64, dt=workload.dt, max_time=workload.max_time, seed=seed + 1,
                  device=device, kernel=kernel)
    started_cpu = time.process_time()
    result = simulate_exit(workload.model, n_paths=n_paths, dt=workload.dt, max_time=workload.max_time, seed=seed,
                           device=device, kernel=kernel, progress=False, chunk_size=_chunk_size(device))
    cpu = max(time.process_time() - started_cpu, 1e-9)
    censored = result.n_censored
    mean, stderr = (result.mean, result.stderr) if not censored else (math.nan, math.nan)
    return Measurement(result.path_steps_per_second, result.path_steps / cpu, mean, stderr, n_paths, censored,
                       result.seconds,
                       f"kernel={choose_backend(kernel, workload.model, device).name}, dtype {result.dtype}")


def _chunk_size(device: torch.device) -> int:
    """Paths per chunk: the engine's default on the CPU; a GPU needs far larger batches to fill it (1e6 paths of a
    1-D model are a few tens of MB)."""
    return 1 << 16 if device.type == "cpu" else 1 << 20


def naive_exit_times(model: Model, n_paths: int, dt: float, max_time: float, seed: int) -> tuple[np.ndarray, int]:
    """The baseline: one path at a time, one Python-level Euler step at a time (math functions lambdified from
    the same Model, Python's random module for the noise). Returns (exit times, inf where censored; path-steps)."""
    (symbol,) = model.state
    drift = sp.lambdify(symbol, model.drift[0].evalf(), modules="math")
    diffusion = sp.lambdify(symbol, model.diffusion[0, 0].evalf(), modules="math")
    lower, upper = float(model.domain.lower), float(model.domain.upper)
    alpha, factor = noise_unit(model, dt)
    rng = random.Random(seed)

    def stable() -> float:  # Chambers-Mallows-Stuck, as numerics/sde/stable.symmetric_stable
        v = (rng.random() - 0.5) * math.pi
        w = -math.log(1.0 - rng.random())
        return (math.sin(alpha * v) / math.cos(v) ** (1 / alpha)
                * (math.cos((1 - alpha) * v) / w) ** ((1 - alpha) / alpha))
    draw = (lambda: rng.gauss(0.0, 1.0)) if alpha == 2.0 else stable
    max_steps = int(math.ceil(max_time / dt))
    times, path_steps = np.full(n_paths, np.inf), 0
    for p in range(n_paths):
        x = float(model.start[0])
        for k in range(1, max_steps + 1):
            x = x + drift(x) * dt + diffusion(x) * factor * draw()
            if x <= lower or x >= upper:
                times[p] = k * dt
                break
        path_steps += k
    return times, path_steps


def measure_naive(workload: Workload, n_paths: int, seed: int) -> Measurement:
    started, started_cpu = time.perf_counter(), time.process_time()
    times, path_steps = naive_exit_times(workload.model, n_paths, workload.dt, workload.max_time, seed)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return _from_times(times, path_steps, seconds, cpu, "per-path Python loop; rate extrapolates per path-step")


def measure_torchsde(workload: Workload, n_paths: int, seed: int, device: torch.device) -> Measurement | None:
    """torchsde.sdeint (method "euler", Itô, diagonal noise) over [0, fixed_horizon] on `device`, all paths for the
    whole horizon; exit times read off the state after every step (the same discrete monitoring as the engine).
    None for Lévy noise or without torchsde."""
    if not isinstance(workload.model.noise, Brownian):
        return None
    try:
        import torchsde
    except ImportError:
        return None
    model = workload.model
    (symbol,) = model.state
    drift = sp.lambdify(symbol, model.drift[0].evalf(), modules="torch")
    diffusion = sp.lambdify(symbol, model.diffusion[0, 0].evalf(), modules="torch")

    class Dynamic(torch.nn.Module):
        noise_type, sde_type = "diagonal", "ito"

        def f(self, t, y):
            return torch.as_tensor(drift(y), dtype=y.dtype, device=y.device).expand_as(y)

        def g(self, t, y):
            return torch.as_tensor(diffusion(y), dtype=y.dtype, device=y.device).expand_as(y)

    lower, upper = float(model.domain.lower), float(model.domain.upper)
    dt, steps = workload.dt, int(round(workload.fixed_horizon / workload.dt))
    segment = 256  # steps per sdeint call: bounds the memory of the saved states
    y = torch.full((n_paths, 1), float(model.start[0]), dtype=torch.float64, device=device)
    exit_step = torch.full((n_paths,), -1, dtype=torch.int64, device=device)
    dynamic = Dynamic()
    started, started_cpu = time.perf_counter(), time.process_time()
    with torch.no_grad():
        for index, first in enumerate(range(0, steps, segment)):
            count = min(segment, steps - first)
            ts = torch.arange(first, first + count + 1, dtype=torch.float64, device=device) * dt
            bm = torchsde.BrownianInterval(float(ts[0]), float(ts[-1]), size=(n_paths, 1), dtype=torch.float64,
                                           device=device, entropy=chunk_seed(seed, index) % (1 << 31))
            states = torchsde.sdeint(dynamic, y, ts, bm=bm, method="euler", dt=dt)[1:, :, 0]
            outside = (states <= lower) | (states >= upper)
            first_out = torch.where(outside.any(dim=0), outside.int().argmax(dim=0) + first + 1, -1)
            exit_step = torch.where((exit_step < 0) & (first_out > 0), first_out, exit_step)
            y = states[-1].unsqueeze(1)
    exit_step = exit_step.cpu().numpy()  # waits for the device too
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    times = np.where(exit_step > 0, exit_step * dt, np.inf)
    return _from_times(times, n_paths * steps, seconds, cpu, f"torchsde {torchsde.__version__} euler, fixed horizon "
                       f"{workload.fixed_horizon:g}: every path runs all {steps} steps")


def _from_times(times: np.ndarray, path_steps: int, seconds: float, cpu: float, note: str) -> Measurement:
    done = np.isfinite(times)
    censored = int(times.size - done.sum())
    mean, stderr = ((float(times.mean()), float(times.std(ddof=1) / math.sqrt(times.size))) if not censored
                    else (math.nan, math.nan))
    return Measurement(path_steps / seconds, path_steps / max(cpu, 1e-9), mean, stderr, int(times.size), censored,
                       seconds, note)


def agreement(a: Measurement, b: Measurement, false_alarm: float = FALSE_ALARM) -> dict:
    """Two-sided z-test of equal mean exit times: |a - b| <= z sqrt(se_a^2 + se_b^2)."""
    if a.censored or b.censored:
        return {"agrees": None, "why": "censored paths: no unbiased mean", "false_alarm": false_alarm}
    z = normal_quantile(1 - false_alarm)
    score = abs(a.mean - b.mean) / math.hypot(a.stderr, b.stderr)
    return {"agrees": bool(score <= z), "z": score, "z_allowed": z, "false_alarm": false_alarm}


# ------------------------------------------------------------------------------ memory
_MEMORY_PROBE = """
import json, resource, sys
import numpy as np
import torch
from numerics.bench import workloads
from numerics.sde import iter_exit_chunks
name, paths, steps, device, kernel, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
w = workloads()[name]
cuda = device.startswith("cuda")
def run(n):
    exited = 0
    for c in iter_exit_chunks(w.model, n_paths=n, dt=w.dt, max_time=steps * w.dt, seed=0, device=device,
                              kernel=kernel, chunk_size=chunk):
        exited += int(np.count_nonzero(c.exit_steps >= 0))  # streamed: nothing kept per path
    return exited
run(min(paths, chunk))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if cuda:
    torch.cuda.reset_peak_memory_stats(device)
run(paths)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
device_peak = torch.cuda.max_memory_allocated(device) if cuda else None
print(json.dumps({"base_kib": base, "peak_kib": peak, "device_peak_bytes": device_peak}))
"""


def peak_memory(workload: str, paths: int, steps: int, device: torch.device, kernel: str) -> dict:
    """Peak resident set (ru_maxrss, KiB on Linux) of a fresh process that streams `paths` paths for `steps` steps
    through iter_exit_chunks: after imports and a one-chunk warm-up (base) and after the run (peak); on CUDA also
    torch's peak device allocation during the run. The peak of a streamed run is reached in its first full chunk,
    so a short horizon measures it."""
    root = Path(__file__).resolve().parents[2]   # the repository root: `numerics` imports from there
    completed = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, workload, str(paths), str(steps), str(device),
                                kernel, str(_chunk_size(device))], capture_output=True, text=True, cwd=root,
                               check=False)
    if completed.returncode:
        raise RuntimeError(f"memory probe failed: {completed.stderr.strip().splitlines()[-1:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------ the benchmark
@dataclass(frozen=True)
class BenchSizes:
    """How much the benchmark runs: engine paths per workload, paths of the naive loop, of torchsde and of the torch
    loop, and whether (and for how many steps) the peak memory is probed at `paths` and 10 `paths`."""

    paths: int = 1_000_000
    naive_paths: int = 1000
    torchsde_paths: int = 1000
    torch_loop_paths: int = 1 << 17
    memory: bool = True
    memory_steps: int = 32

    def __post_init__(self) -> None:
        for name in ("paths", "naive_paths", "torchsde_paths", "torch_loop_paths", "memory_steps"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 2):
                raise UserInputError(f"{name} must be an integer >= 2, got {value!r}")


def run_benchmark(*, device="auto", only: tuple[str, ...] | None = None, seed: int = 0, **sizes) -> dict:
    """Every measurement of the module docstring, as one JSON-ready dict (keys: device, rng_per_s, workloads ->
    name -> engine_per_s, naive_per_s, torchsde_per_s, ratio_to_rng, mean_exit, ci, ...). sizes: BenchSizes
    (paths, naive_paths, torchsde_paths, torch_loop_paths, memory, memory_steps)."""
    sizes = BenchSizes(**sizes)
    device = resolve_device(device)
    chosen = _chosen_workloads(only)
    rng = normal_generators(device, count=1 << 20 if device.type == "cpu" else 1 << 24)
    ceiling_name = max(rng, key=lambda k: rng[k][0])
    ceiling_name_cpu = max(rng, key=lambda k: rng[k][1])
    numba_threads = getattr(_kernels(), "numba", None)
    report = {
        "device": describe_device(device) + (f", {numba_threads.get_num_threads()} numba threads"
                                             if numba_threads is not None and device.type == "cpu" else ""),
        "rng_per_s": rng[ceiling_name][0], "rng_ceiling": ceiling_name,
        "rng_per_cpu_s": rng[ceiling_name_cpu][1], "rng_ceiling_cpu": ceiling_name_cpu,
        "rng_candidates": {k: {"per_s": wall, "per_cpu_s": cpu} for k, (wall, cpu) in rng.items()},
        "paths": sizes.paths, "false_alarm": FALSE_ALARM, "ci_confidence": CI_CONFIDENCE, "workloads": {},
    }
    for name, workload in chosen.items():
        report["workloads"][name] = _measure_workload(workload, sizes, device, seed, report)
    if sizes.memory:
        name = next(iter(chosen))
        report["memory"] = _memory_report(name, chosen[name], sizes, device)
    return report


def _chosen_workloads(only: tuple[str, ...] | None) -> dict[str, Workload]:
    chosen = workloads()
    if only is not None:
        unknown = set(only) - set(chosen)
        if unknown:
            raise UserInputError(f"unknown workload(s) {sorted(unknown)}: choose from {sorted(chosen)}")
        chosen = {k: v for k, v in chosen.items() if k in only}
    return chosen


def _ceiling(workload: Workload, device: torch.device, report: dict) -> tuple[float, str, float, dict | None]:
    """(ceiling per wall second, its label, ceiling per CPU second, the stable samplers measured or None): the normal
    generator's for Brownian noise, the fastest CMS sampler's for Lévy noise."""
    if isinstance(workload.model.noise, Brownian):
        return (report["rng_per_s"], f"normals/s, {report['rng_ceiling']}", report["rng_per_cpu_s"], None)
    stable = stable_samplers(float(workload.model.noise.alphas[0]), device)
    best = max(stable, key=lambda k: stable[k][0])
    return stable[best][0], f"alpha-stable draws/s, {best}", max(cpu for _, cpu in stable.values()), stable


def _measure_workload(workload: Workload, sizes: BenchSizes, device: torch.device, seed: int, report: dict) -> dict:
    """One workload: every method's rate and mean exit time, the ratios, and each method's agreement with the
    engine."""
    ceiling, ceiling_label, ceiling_cpu, stable = _ceiling(workload, device, report)
    engine = measure_engine(workload, sizes.paths, device, "auto", seed)
    torch_loop = measure_engine(workload, min(sizes.paths, sizes.torch_loop_paths), device, "torch", seed + 2)
    naive = measure_naive(workload, sizes.naive_paths, seed + 3)
    solver = measure_torchsde(workload, sizes.torchsde_paths, seed + 4, device)
    methods = {"engine": engine, "engine_torch_loop": torch_loop, "naive": naive}
    if solver is not None:
        methods["torchsde"] = solver
    entry = {
        "description": workload.description,
        "engine_per_s": engine.per_s, "engine_torch_loop_per_s": torch_loop.per_s,
        "naive_per_s": naive.per_s, "torchsde_per_s": None if solver is None else solver.per_s,
        "ceiling_per_s": ceiling, "ceiling": ceiling_label,
        "ratio_to_rng": engine.per_s / ceiling,
        # the same ratio in CPU time (all threads summed): robust to other load on the machine
        "engine_per_cpu_s": engine.per_cpu_s, "ceiling_per_cpu_s": ceiling_cpu,
        "ratio_to_rng_cpu": engine.per_cpu_s / ceiling_cpu,
        "ratio_to_naive": engine.per_s / naive.per_s,
        "ratio_to_torchsde": None if solver is None else engine.per_s / solver.per_s,
        "mean_exit": {k: m.mean for k, m in methods.items()},
        "ci": {k: m.ci() for k, m in methods.items()},
        "paths_by_method": {k: m.paths for k, m in methods.items()},
        "censored": {k: m.censored for k, m in methods.items()},
        "seconds": {k: m.seconds for k, m in methods.items()},
        "notes": {k: m.note for k, m in methods.items()},
        "agreement_with_engine": {k: agreement(engine, m) for k, m in methods.items() if k != "engine"},
    }
    if stable is not None:
        entry["stable_candidates"] = {k: {"per_s": wall, "per_cpu_s": cpu} for k, (wall, cpu) in stable.items()}
    else:
        entry["exact_continuous_mean_exit"] = float(mean_exit_time(workload.model))
        entry["notes"]["exact_continuous_mean_exit"] = ("exact quadrature of the continuous-time exit: the Euler "
                                                        "methods exceed it by the discrete-monitoring bias")
    return entry


def _memory_report(name: str, workload: Workload, sizes: BenchSizes, device: torch.device) -> dict:
    small, large = (peak_memory(name, n, sizes.memory_steps, device, "auto") for n in (sizes.paths, 10 * sizes.paths))
    return {
        "workload": name, "kernel": choose_backend("auto", workload.model, device).name,
        "paths": [sizes.paths, 10 * sizes.paths], "steps": sizes.memory_steps,
        "peak_rss_kib": [small["peak_kib"], large["peak_kib"]],
        "base_rss_kib": [small["base_kib"], large["base_kib"]],
        "peak_ratio": large["peak_kib"] / small["peak_kib"],
        "flat_within_10_percent": large["peak_kib"] <= 1.1 * small["peak_kib"] and (
            small["device_peak_bytes"] is None or large["device_peak_bytes"] <= 1.1 * small["device_peak_bytes"]),
        "device_peak_bytes": [small["device_peak_bytes"], large["device_peak_bytes"]],
        "how": "ru_maxrss of a fresh process streaming iter_exit_chunks (nothing kept per path); base = after "
               "imports and a one-chunk warm-up",
    }


def settings(*, quick: bool = False, paths: int | None = None) -> dict:
    """Keyword arguments of run_benchmark for `escape bench` and benchmarks/bench.py: the issue's sizes (1e6 engine
    paths, memory at 1e6 and 1e7), or --quick ones (1e5 paths, no memory probe); `paths` overrides the count."""
    chosen = (dict(paths=100_000, naive_paths=200, torchsde_paths=200, torch_loop_paths=1 << 16, memory=False)
              if quick else dict(paths=1_000_000, naive_paths=1000, torchsde_paths=1000, torch_loop_paths=1 << 17,
                                 memory=True))
    if paths is not None:
        chosen["paths"] = paths
    return chosen


def format_report(report: dict) -> str:
    """The table `escape bench` prints."""
    lines = [f"device: {report['device']}",
             f"rng ceiling: {report['rng_per_s']:.3e} normals/s ({report['rng_ceiling']}); candidates: "
             + ", ".join(f"{k} {v['per_s']:.2e}" for k, v in report["rng_candidates"].items())]
    for name, w in report["workloads"].items():
        lines += ["", f"{name}: {w['description']}",
                  f"  ceiling            {w['ceiling_per_s']:.3e} ({w['ceiling']})"]
        for method, key in (("engine", "engine_per_s"), ("engine_torch_loop", "engine_torch_loop_per_s"),
                            ("naive", "naive_per_s"), ("torchsde", "torchsde_per_s")):
            rate = w[key]
            if rate is None:
                lines.append(f"  {method:<18} n/a (no Lévy noise in torchsde)")
                continue
            mean, (lo, hi) = w["mean_exit"][method], w["ci"][method]
            agree = w["agreement_with_engine"].get(method, {}).get("agrees")
            lines.append(f"  {method:<18} {rate:.3e} path-steps/s   mean exit {mean:.4f} "
                         f"[{lo:.4f}, {hi:.4f}] ({w['paths_by_method'][method]} paths)"
                         + ("" if method == "engine" else f"   agrees with engine: {agree}"))
        ratio_torchsde = w["ratio_to_torchsde"]
        lines.append(f"  ratios: engine / ceiling {w['ratio_to_rng']:.3f} (in CPU time {w['ratio_to_rng_cpu']:.3f}), "
                     f"engine / naive {w['ratio_to_naive']:.1f}"
                     + ("" if ratio_torchsde is None else f", engine / torchsde {ratio_torchsde:.1f}"))
        if "exact_continuous_mean_exit" in w:
            lines.append(f"  exact continuous-time mean exit (quadrature): {w['exact_continuous_mean_exit']:.4f}")
    if "memory" in report:
        m = report["memory"]
        lines += ["", f"memory ({m['workload']}, kernel {m['kernel']}, {m['steps']} steps): peak RSS "
                  f"{m['peak_rss_kib'][0] / 1024:.0f} MiB at {m['paths'][0]} paths, {m['peak_rss_kib'][1] / 1024:.0f} "
                  f"MiB at {m['paths'][1]}: ratio {m['peak_ratio']:.3f} (flat within 10%: "
                  f"{m['flat_within_10_percent']})"]
    lines.append(f"(CIs at {report['ci_confidence']}; agreement: two-sided z-test at false alarm "
                 f"{report['false_alarm']:g} per comparison)")
    return "\n".join(lines)


def write_json(report: dict, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_without_nan(report), indent=2, allow_nan=False))
    return path


def _without_nan(value):
    """NaN (a mean over censored paths, refused) becomes null: strict JSON has no NaN."""
    if isinstance(value, dict):
        return {k: _without_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_nan(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
