"""Mean exit times beyond brute force: adaptive multilevel splitting (AMS) with the cycle decomposition.

The estimator works on the Euler-Maruyama chain that numerics.sde.engine simulates (same compiled drift, noise
and exit test from numerics.sde.torchify), so its answer is the mean exit time of that chain, not of the SDE.

Cycle decomposition (renewal argument; Cérou, Guyader, Lelièvre & Pommier, J. Chem. Phys. 134, 054108 (2011);
Teo, Mayne, Schulten & Lelièvre, J. Chem. Theory Comput. 12, 2983 (2016); section and equation numbers not
re-checked here). With a reaction
coordinate xi (exit <=> leaving the domain, the set B), a set A = {xi <= z_A} around the minimum and a level
surface Sigma = {xi >= z_Sigma}, z_A < z_Sigma, a path started at x0 first reaches Sigma (time T_0), then
alternates failed excursions Sigma -> A (F_i) and returns A -> Sigma (R_i) until an excursion from Sigma
reaches B before A (time S). The number of excursions is geometric with success probability
p = P(reach B before A | start on Sigma), so

    E[tau] = E[T_0] + (1 - p) / p * E[T_loop] + E[S | success],     T_loop = F + R (a failed cycle),

exact when the entrance law on Sigma is the same in every cycle (continuous paths in 1-D; for the Euler chain
the overshoot of Sigma and of A makes consecutive cycles weakly dependent). T_0, F and R are cheap and are
measured by brute force; p is rare and is estimated by AMS.

AMS (Cérou & Guyader, Stoch. Anal. Appl. 25, 417 (2007); the generalized algorithm of Bréhier, Gazeau,
Goudenège, Lelièvre & Rousset, Ann. Appl. Probab. 26, 3559 (2016), sec. 3): n particles start on Sigma, i.i.d.
from the entrance law, and run until A or B; a particle's score is its maximum of xi (+oo if it reached B).
Each iteration q takes the k-th smallest score Z_q, kills the K_q >= k particles with score <= Z_q (ties
included), and replaces each by a copy of a survivor, chosen uniformly, up to the survivor's first step with
xi > Z_q, continued with fresh noise. It stops when Z_q = +oo (fewer than k particles are short of B) or all
particles die. Then

    p_hat = prod_q (1 - K_q / n) * (number of particles in B) / n,

and E[p_hat] = p exactly for any n, k and xi, for a Markov chain in discrete time (Bréhier et al. 2016, the
unbiasedness theorem of sec. 4), so for the Euler chain itself. The same weights give E[S 1_B] unbiasedly (ibid., for any path
observable). The statistical error comes from independent replicas of the whole estimator (brute-force phase
included): the standard error of p is that of the replica mean; the one of E[tau] is the delete-one jackknife over
replicas. Written by hand: no maintained Python library implements AMS for batched SDE paths.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass, field, fields, replace
from typing import Callable

import numpy as np
import sympy as sp
import torch

from theory.domain import Ball, Box, Interval
from theory.errors import ModelError, ParameterError
from theory.model import Brownian, Model

from ..infra.device import describe_device, resolve_device
from ..infra.validate import require_positive
from ..sde.engine import chunk_seed
from ..sde.torchify import compile_model

#: paths are compacted (finished ones dropped) every this many steps
COMPACT_EVERY = 32


@dataclass
class SplittingResult:
    """Mean exit time of the Euler chain by AMS + cycle decomposition, with standard errors over replicas."""

    probability: float              # p = P(reach B before A | start on Sigma)
    probability_stderr: float
    mean_steps: float               # E[tau] in Euler steps
    mean_steps_stderr: float        # delete-one jackknife over replicas
    loop_steps: float               # E[T_loop] = E[F | fail] + E[R]
    reach_steps: float              # E[T_0] + E[S | success]
    dt: float
    levels: tuple[float, float]     # (z_A, z_Sigma)
    replicas: int
    particles: int
    killed_per_iteration: int
    replica_probabilities: np.ndarray
    iterations: np.ndarray          # AMS iterations per replica
    path_steps: int                 # work: every simulated Euler step of every path (pilot, cycles and AMS)
    seed: int
    device: str
    seconds: float
    cycles_measured: int            # failed cycles measured by brute force, all replicas
    details: dict = field(default_factory=dict)

    @property
    def mean_time(self) -> float:
        return self.mean_steps * self.dt

    @property
    def mean_time_stderr(self) -> float:
        return self.mean_steps_stderr * self.dt

    @property
    def log_mean_time(self) -> float:
        return math.log(self.mean_time)

    @property
    def log_stderr(self) -> float:
        """Standard error of ln E[tau] (delta method)."""
        return self.mean_steps_stderr / self.mean_steps

    def summary(self) -> dict:
        return {"probability": self.probability, "probability_stderr": self.probability_stderr,
                "mean_steps": self.mean_steps, "mean_steps_stderr": self.mean_steps_stderr,
                "mean_time": self.mean_time, "mean_time_stderr": self.mean_time_stderr,
                "loop_steps": self.loop_steps, "reach_steps": self.reach_steps, "dt": self.dt,
                "levels (z_A, z_Sigma)": list(self.levels), "replicas": self.replicas, "particles": self.particles,
                "killed_per_iteration": self.killed_per_iteration,
                "replica_probabilities": self.replica_probabilities.tolist(),
                "iterations": self.iterations.tolist(), "path_steps": self.path_steps,
                "cycles_measured": self.cycles_measured, "seed": self.seed, "device": self.device,
                "seconds": round(self.seconds, 3), **self.details}


# ------------------------------------------------------------------------------ reaction coordinate
def progress_to_boundary(model: Model, device: torch.device, dtype: torch.dtype) -> Callable:
    """Default reaction coordinate xi(x) = 1 - d(x) / d(x0), d = signed distance to the domain's finite faces
    (positive inside): xi(x0) = 0, and xi >= 1 exactly where the simulator's exit test fires."""
    domain = model.domain
    start = torch.tensor([[float(v) for v in model.start]], dtype=dtype, device=device)
    if isinstance(domain, Ball):
        center = torch.tensor([float(v) for v in domain.center], dtype=dtype, device=device)
        radius = float(domain.radius)

        def distance(x):
            return radius - torch.linalg.vector_norm(x - center, dim=1)
    elif isinstance(domain, (Interval, Box)):
        lower = [domain.lower] if isinstance(domain, Interval) else list(domain.lower)
        upper = [domain.upper] if isinstance(domain, Interval) else list(domain.upper)
        faces = [(axis, sign, float(bound)) for axis, (lo, hi) in enumerate(zip(lower, upper))
                 for sign, bound in ((-1, lo), (+1, hi)) if bound.is_finite]

        def distance(x):
            if len(faces) == 1:   # the common case, without the stack
                axis, sign, bound = faces[0]
                return (bound - x[:, axis]) if sign > 0 else (x[:, axis] - bound)
            gaps = [(bound - x[:, axis]) if sign > 0 else (x[:, axis] - bound) for axis, sign, bound in faces]
            return torch.stack(gaps, dim=1).amin(dim=1)
    else:
        raise ModelError(f"no default reaction coordinate for domain {domain!r}: pass reaction_coordinate=")
    d0 = float(distance(start)[0])
    if not d0 > 0:
        raise ModelError(f"the start {model.start} is not inside the domain {domain}")
    return lambda x: 1.0 - distance(x) / d0


def _reaction_coordinate(model: Model, given, device, dtype) -> Callable:
    if given is None:
        return progress_to_boundary(model, device, dtype)
    if isinstance(given, sp.Basic):
        extra = given.free_symbols - set(model.state)
        if extra:
            raise ParameterError("reaction_coordinate", given, "an expression in the state " + str(model.state),
                                 f"unbound symbols {sorted(map(str, extra))}")
        function = sp.lambdify(model.state, given, modules="torch")

        def xi(x):
            value = function(*x.unbind(dim=1))
            return torch.as_tensor(value, dtype=dtype, device=device).expand(x.shape[0])
        return xi
    if callable(given):
        return given
    raise ParameterError("reaction_coordinate", given, "None, a SymPy expression in the state, or a callable on "
                         "a (paths, N) tensor")


# ------------------------------------------------------------------------------ the path simulator
class _Chain:
    """One Euler-Maruyama step of the compiled model, the exit test and xi; one torch generator."""

    def __init__(self, model: Model, dt: float, xi, device, dtype, seed: int) -> None:
        if not isinstance(model.noise, Brownian):
            raise ModelError("the splitting estimator is for Brownian noise: a Lévy path exits by one jump, "
                             "which levels of a reaction coordinate do not resolve")
        if model.scheduler is not None:
            raise ModelError("the splitting estimator needs a time-homogeneous dynamic (no scheduler)")
        self.compiled = compile_model(model, device, dtype)
        self.dt, self.xi, self.device, self.dtype = dt, xi, device, dtype
        self.generator = torch.Generator(device=device)
        self.generator.manual_seed(chunk_seed(seed, 0))
        self.path_steps = 0

    def step(self, x: torch.Tensor) -> torch.Tensor:
        c = self.compiled
        z = c.increment(x.shape[0], self.generator, self.dt)
        self.path_steps += x.shape[0]
        if c.noise_scalar is not None:
            return torch.add(x, c.drift(x), alpha=self.dt).add_(z, alpha=c.noise_scalar)
        return x + c.drift(x) * self.dt + c.noise(x, z)


def _check_finite(x: torch.Tensor, dt: float) -> None:
    if not bool(torch.isfinite(x).all()):
        raise FloatingPointError(f"a path became non-finite: the scheme is unstable, reduce dt={dt:g}")


def _pilot_levels(chain: _Chain, start: torch.Tensor, paths: int, steps: int) -> np.ndarray:
    """xi sampled along the second half of `paths` paths of `steps` steps from the start (exited paths dropped)."""
    x = start.expand(paths, -1).clone()
    samples = []
    for k in range(steps):
        x = chain.step(x)
        if k % COMPACT_EVERY == COMPACT_EVERY - 1:
            x = x[~chain.compiled.outside(x)]
            _check_finite(x, chain.dt)
            if k >= steps // 2:
                samples.append(chain.xi(x).cpu().numpy())
    if not samples or sum(s.size for s in samples) == 0:
        raise ModelError("every pilot path left the domain: the exit is not rare here; use simulate_exit")
    return np.concatenate(samples)


def _cycles(chain: _Chain, start: torch.Tensor, paths: int, cycles: int, z_a: float, z_sigma: float,
            max_steps: int) -> dict:
    """Brute force from x0: per path the first passage to Sigma (T_0), then `cycles` times a failed excursion
    Sigma -> A (F) and the return A -> Sigma (R); entrance states on Sigma are collected. A path whose excursion
    reaches B stops there (its S is not used: E[S | success] comes from AMS)."""
    c = chain.compiled
    x = start.expand(paths, -1).clone()
    ids = torch.arange(paths, device=chain.device)
    to_sigma = torch.ones(paths, dtype=torch.bool, device=chain.device)   # else: on the way to A (or B)
    since = torch.zeros(paths, dtype=torch.int64, device=chain.device)    # steps since the phase began
    done_cycles = torch.zeros(paths, dtype=torch.int64, device=chain.device)
    first = torch.ones(paths, dtype=torch.bool, device=chain.device)      # before the first entrance
    out = {"T0": [], "F": [], "R": [], "entrance": [], "entrance_path": [], "successes": 0}
    step = 0
    while x.shape[0] and step < max_steps:
        x = chain.step(x)
        since += 1
        step += 1
        xi = chain.xi(x)
        outside = c.outside(x)
        enter = to_sigma & (xi >= z_sigma)
        if bool(enter.any()):
            times, who = since[enter].cpu().numpy(), ids[enter].cpu().numpy()
            is_first = first[enter].cpu().numpy()
            out["T0"].append((times[is_first], who[is_first]))
            out["R"].append((times[~is_first], who[~is_first]))
            out["entrance"].append(x[enter].cpu().numpy())
            out["entrance_path"].append(who)
            first &= ~enter
            to_sigma &= ~enter
            since.masked_fill_(enter, 0)
        back = ~to_sigma & ~enter & ~outside & (xi <= z_a)
        if bool(back.any()):
            out["F"].append((since[back].cpu().numpy(), ids[back].cpu().numpy()))
            done_cycles += back.long()
            to_sigma |= back
            since.masked_fill_(back, 0)
        success = outside & ~to_sigma
        out["successes"] += int(success.sum())
        # an exit on the way to Sigma (a jump straight out of A) is an entrance with S = 0: it counts as a success
        keep = ~outside & (done_cycles < cycles)
        if step % COMPACT_EVERY == 0 or not bool(keep.all()):
            x, ids, to_sigma, since = x[keep], ids[keep], to_sigma[keep], since[keep]
            done_cycles, first = done_cycles[keep], first[keep]
            _check_finite(x, chain.dt)
    if x.shape[0]:
        raise ParameterError("max_excursion_steps", max_steps, f"more than the {step} steps the cycles needed",
                             "paths did not return to A or reach Sigma: move the levels or raise the limit")
    return out


@dataclass
class _Particle:
    levels: np.ndarray   # running-maximum records of xi (increasing), +inf for the exit state
    states: np.ndarray   # (m, N) state at each record
    steps: np.ndarray    # steps since the start on Sigma at each record

    @property
    def score(self) -> float:
        return float(self.levels[-1])


def _excursions(chain: _Chain, particles: list[_Particle], z_a: float, max_steps: int) -> None:
    """Continue each particle (from its last record) until A or B, appending its running-maximum records.

    Paths advance in blocks of COMPACT_EVERY steps into a buffer; records, stops and compaction are found per block
    (a cumulative maximum over the block), so a step costs only the Euler update and xi. A path that stops inside a
    block runs to the block's end; those extra steps are discarded (and counted as work)."""
    x = torch.tensor(np.stack([p.states[-1] for p in particles]), dtype=chain.dtype, device=chain.device)
    running = torch.tensor([p.levels[-1] for p in particles], dtype=chain.dtype, device=chain.device)
    offset = torch.tensor([int(p.steps[-1]) for p in particles], dtype=torch.int64, device=chain.device)
    ids = torch.arange(len(particles), device=chain.device)
    records = []
    step = 0
    while x.shape[0]:
        if step >= max_steps:
            raise ParameterError("max_excursion_steps", max_steps, f"more than {step}",
                                 "an AMS excursion neither returned to A nor exited")
        states, level, stopped = _excursion_block(chain, x, z_a)
        before = torch.cummax(torch.cat([running.unsqueeze(0), level]), dim=0).values[:-1]
        record = level > before
        if bool(record.any()):
            t, k = record.nonzero(as_tuple=True)
            records.append((ids[k], level[t, k], states[t, k], offset[k] + step + t + 1))
        running = torch.maximum(running, level.amax(dim=0))
        step += COMPACT_EVERY
        keep = ~stopped
        x, running, offset, ids = states[-1][keep], running[keep], offset[keep], ids[keep]
        _check_finite(x, chain.dt)
    if records:
        _append_records(particles, records)


def _excursion_block(chain: _Chain, x: torch.Tensor, z_a: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """COMPACT_EVERY steps of every path: (states (block, paths, N), level of each step (xi; +inf outside; -inf after
    the path stopped), whether each path stopped (reached A or B) within the block)."""
    block = COMPACT_EVERY
    paths, dim = x.shape
    states = torch.empty((block, paths, dim), dtype=chain.dtype, device=chain.device)
    xis = torch.empty((block, paths), dtype=chain.dtype, device=chain.device)
    for j in range(block):
        x = chain.step(x)
        states[j] = x
        xis[j] = chain.xi(x)
    outside = chain.compiled.outside(states.reshape(-1, dim)).reshape(block, paths)
    stop = outside | (xis <= z_a)
    stopped = stop.any(dim=0)
    first_stop = torch.where(stopped, stop.int().argmax(dim=0), block)   # index of the stopping step
    steps_in_block = torch.arange(1, block + 1, device=chain.device).unsqueeze(1)
    valid = steps_in_block - 1 <= first_stop                               # steps up to and including it
    level = torch.where(outside, math.inf, xis).masked_fill_(~valid, -math.inf)
    return states, level, stopped


def _append_records(particles: list[_Particle], records: list) -> None:
    """Append each particle's new records (ids, levels, states, steps per block) to it, in step order."""
    # records are grouped by block and, within a block, by step: a stable sort by particle keeps them in step order
    ids_all, levels_all, states_all, steps_all = (torch.cat(part).cpu().numpy() for part in zip(*records))
    order = np.lexsort((steps_all, ids_all))
    ids_all, levels_all, states_all, steps_all = ids_all[order], levels_all[order], states_all[order], steps_all[order]
    bounds = np.flatnonzero(np.diff(ids_all)) + 1
    for chunk in np.split(np.arange(ids_all.size), bounds):
        p = particles[int(ids_all[chunk[0]])]
        p.levels = np.concatenate([p.levels, levels_all[chunk]])
        p.states = np.concatenate([p.states, states_all[chunk]])
        p.steps = np.concatenate([p.steps, steps_all[chunk]])


# ------------------------------------------------------------------------------ settings
@dataclass(frozen=True)
class AmsSettings:
    """The sizes and limits of one AMS estimate (the keyword options of mean_exit_time_ams).

    replicas: independent estimates (the standard errors come from their spread); particles per replica;
    killed: particles that die per AMS iteration (default particles // 10); levels: (z_A, z_Sigma), or None to pick
    the median and the 90% quantile of xi in a pilot run of pilot_paths paths (second half of pilot_steps steps);
    cycle_paths brute-force paths of `cycles` failed cycles per replica; max_iterations AMS iterations per replica and
    max_excursion_steps steps per excursion before the estimator gives up."""

    replicas: int = 10
    particles: int = 200
    killed: int | None = None
    levels: tuple[float, float] | None = None
    cycle_paths: int = 64
    cycles: int = 4
    pilot_paths: int = 256
    pilot_steps: int = 2000
    max_iterations: int = 100_000
    max_excursion_steps: int = 10_000_000

    @classmethod
    def of(cls, options: dict) -> AmsSettings:
        unknown = set(options) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"mean_exit_time_ams() got unexpected keyword argument(s) {', '.join(sorted(unknown))}; "
                            f"its settings are {', '.join(f.name for f in fields(cls))}")
        return cls(**options)

    def checked(self) -> AmsSettings:
        """These settings with `killed` and `levels` resolved, or a one-line ParameterError."""
        for name in ("replicas", "particles", "cycle_paths", "cycles", "pilot_paths", "pilot_steps", "max_iterations",
                     "max_excursion_steps"):
            require_positive(name, getattr(self, name), count=True)
        if self.replicas < 2:
            raise ParameterError("replicas", self.replicas, "at least 2", "the standard error needs independent replicas")
        killed = max(1, self.particles // 10) if self.killed is None else self.killed
        if not (isinstance(killed, numbers.Integral) and not isinstance(killed, bool) and 1 <= killed < self.particles):
            raise ParameterError("killed", killed, f"an integer in [1, particles = {self.particles})")
        return replace(self, killed=killed)

    def checked_levels(self) -> tuple[float, float] | None:
        if self.levels is None:
            return None
        try:
            pair = tuple(float(v) for v in self.levels)
        except (TypeError, ValueError):
            pair = ()
        if len(pair) != 2:
            raise ParameterError("levels", self.levels, "None or two real numbers (z_A, z_Sigma)")
        return pair


# ------------------------------------------------------------------------------ the estimator
def mean_exit_time_ams(model: Model, *, dt: float, reaction_coordinate=None, seed: int = 0, device="auto",
                       dtype: torch.dtype = torch.float64, **settings) -> SplittingResult:
    """Mean exit time of the Euler-Maruyama chain of a bound Model (Brownian noise, additive or state-dependent)
    from its domain, by the cycle decomposition with AMS for the rare probability (see the module docstring).

    reaction_coordinate: None (progress_to_boundary), a SymPy expression in the state, or a callable mapping a
    (paths, N) tensor to (paths,). settings: AmsSettings (replicas, particles, killed, levels, cycle_paths, cycles,
    pilot_paths, pilot_steps, max_iterations, max_excursion_steps).
    """
    settings = AmsSettings.of(settings)
    require_positive("dt", dt)
    settings = settings.checked()
    if not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0):
        raise ParameterError("seed", seed, "a non-negative integer")
    settings = replace(settings, levels=settings.checked_levels())
    if not isinstance(model, Model):
        raise ModelError(f"the splitting estimator needs a theory.model.Model, got {type(model).__name__}")
    started = time.perf_counter()
    device = resolve_device(device)
    model.require_numeric()
    if all(entry == 0 for entry in model.diffusion):
        raise ModelError("no noise: sigma = 0, so the dynamic is a deterministic flow with no rare exit to split; "
                         "integrate dx/dt = b(x) (or use simulate_exit)")
    chain = _Chain(model, dt, _reaction_coordinate(model, reaction_coordinate, device, dtype), device, dtype, seed)
    start = chain.compiled.start.unsqueeze(0)
    z_a, z_sigma = _levels(chain, model, start, settings)
    phase = _cycle_phase(chain, start, settings, z_a, z_sigma, model.dimension)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    reps = _ams_phase(chain, phase, settings, z_a, rng)
    estimate = _estimate(reps, phase, settings)
    return SplittingResult(
        **estimate, dt=dt, levels=(z_a, z_sigma), replicas=settings.replicas, particles=settings.particles,
        killed_per_iteration=settings.killed, iterations=np.array([rep["iterations"] for rep in reps]),
        path_steps=chain.path_steps, seed=seed, device=describe_device(device),
        seconds=time.perf_counter() - started, cycles_measured=int(phase.counts["F"].sum()),
        details={"brute-force successes in the cycle phase": phase.successes,
                 "E[T_0], E[F|fail], E[R] (steps)": [phase.overall[k] for k in ("T0", "F", "R")]},
    )


def _levels(chain: _Chain, model: Model, start: torch.Tensor, settings: AmsSettings) -> tuple[float, float]:
    """(z_A, z_Sigma): given, or from a pilot run; checked against the start."""
    if bool(chain.compiled.outside(start)[0]):
        raise ModelError(f"the start {model.start} is not inside the domain {model.domain}")
    xi_start = float(chain.xi(start)[0])
    if settings.levels is None:
        pilot = _pilot_levels(chain, start, settings.pilot_paths, settings.pilot_steps)
        z_a, z_sigma = (float(q) for q in np.quantile(pilot, [0.5, 0.9]))
    else:
        z_a, z_sigma = (float(v) for v in settings.levels)
    if not (math.isfinite(z_a) and math.isfinite(z_sigma) and z_a < z_sigma):
        raise ParameterError("levels", (z_a, z_sigma), "finite z_A < z_Sigma")
    if not xi_start < z_sigma:
        raise ParameterError("levels", (z_a, z_sigma), f"z_Sigma above xi(start) = {xi_start:g}",
                             "the start must lie below the level surface Sigma")
    return z_a, z_sigma


@dataclass
class _CyclePhase:
    """What the brute-force phase measured: entrance states on Sigma (and the replica of each), per-replica sums and
    counts of T_0, F and R (the jackknife leaves out whole replicas), their overall means, and the successes."""

    entrance: np.ndarray
    owner: np.ndarray
    sums: dict
    counts: dict
    overall: dict
    successes: int


def _cycle_phase(chain: _Chain, start: torch.Tensor, settings: AmsSettings, z_a: float, z_sigma: float,
                 dimension: int) -> _CyclePhase:
    """All replicas' cycle paths in one batch, split by replica afterwards."""
    replicas, cycle_paths = settings.replicas, settings.cycle_paths
    cyc = _cycles(chain, start, replicas * cycle_paths, settings.cycles, z_a, z_sigma, settings.max_excursion_steps)
    entrance = np.concatenate(cyc["entrance"]) if cyc["entrance"] else np.zeros((0, dimension))
    owner = np.concatenate(cyc["entrance_path"]) // cycle_paths if cyc["entrance_path"] else np.zeros(0, int)
    sums, counts, overall = {}, {}, {}
    for key in ("T0", "F", "R"):
        times = np.concatenate([t for t, _ in cyc[key]] or [np.zeros(0)]).astype(float)
        who = np.concatenate([w for _, w in cyc[key]] or [np.zeros(0, int)]) // cycle_paths
        if times.size == 0:
            raise ParameterError("levels", (z_a, z_sigma), "levels that paths cross in both directions",
                                 f"no {key} was observed in the cycle phase")
        sums[key] = np.bincount(who, weights=times, minlength=replicas)
        counts[key] = np.bincount(who, minlength=replicas).astype(float)
        overall[key] = float(times.mean())
    return _CyclePhase(entrance, owner, sums, counts, overall, cyc["successes"])


def _ams_phase(chain: _Chain, phase: _CyclePhase, settings: AmsSettings, z_a: float, rng) -> list[dict]:
    """AMS, all replicas advanced together: particles drawn from each replica's entrance states, then iterations
    until every replica is done."""
    reps = [_start_replica(chain, phase.entrance[phase.owner == r], settings, rng) for r in range(settings.replicas)]
    _excursions(chain, [p for rep in reps for p in rep["particles"] if math.isfinite(p.score)], z_a,
                settings.max_excursion_steps)
    while not all(rep["done"] for rep in reps):
        pending = []
        for rep in reps:
            if not rep["done"]:
                pending += _ams_iteration(rep, settings, rng)
        if pending:
            _excursions(chain, pending, z_a, settings.max_excursion_steps)
    return reps


def _start_replica(chain: _Chain, pool: np.ndarray, settings: AmsSettings, rng) -> dict:
    if pool.shape[0] == 0:
        raise ParameterError("cycle_paths", settings.cycle_paths, "enough paths to reach Sigma in every replica")
    chosen = pool[rng.integers(pool.shape[0], size=settings.particles)]
    states = torch.tensor(chosen, dtype=chain.dtype, device=chain.device)
    outside = chain.compiled.outside(states).cpu().numpy()
    level0 = np.where(outside, math.inf, chain.xi(states).cpu().numpy())
    return {"particles": [_Particle(np.array([level0[i]]), chosen[i:i + 1].copy(), np.array([0]))
                          for i in range(settings.particles)], "log_weight": 0.0, "iterations": 0, "done": False}


def _ams_iteration(rep: dict, settings: AmsSettings, rng) -> list[_Particle]:
    """One AMS iteration of a replica: kill the particles at or below the killed-th smallest score, clone survivors
    up to their first record above it; returns the clones that still have to run."""
    particles, killed = settings.particles, settings.killed
    scores = np.array([p.score for p in rep["particles"]])
    level = np.partition(scores, killed - 1)[killed - 1]
    if level == math.inf:
        rep["done"] = True
        return []
    dead = np.flatnonzero(scores <= level)
    if dead.size == particles:      # every particle tied at the level: extinction, p_hat = 0
        rep["log_weight"], rep["done"] = -math.inf, True
        return []
    if rep["iterations"] >= settings.max_iterations:
        raise ParameterError("max_iterations", settings.max_iterations, f"more than {settings.max_iterations}",
                             "the event is rarer than the iterations allow: raise max_iterations")
    rep["iterations"] += 1
    rep["log_weight"] += math.log1p(-dead.size / particles)
    alive = np.flatnonzero(scores > level)
    pending = []
    for i, parent in zip(dead, rng.choice(alive, size=dead.size)):
        source = rep["particles"][parent]
        cut = int(np.searchsorted(source.levels, level, side="right"))  # first record above the level
        clone = _Particle(source.levels[:cut + 1].copy(), source.states[:cut + 1].copy(), source.steps[:cut + 1].copy())
        rep["particles"][i] = clone
        if math.isfinite(clone.score):
            pending.append(clone)
    return pending


def _estimate(reps: list[dict], phase: _CyclePhase, settings: AmsSettings) -> dict:
    """Per-replica p and E[S 1_B], the cycle-decomposition estimate of E[tau] and its delete-one jackknife error."""
    replicas, n = settings.replicas, float(settings.particles)
    p_r = np.array([math.exp(rep["log_weight"]) * sum(p.score == math.inf for p in rep["particles"]) / n
                    for rep in reps])
    s_r = np.array([math.exp(rep["log_weight"]) * sum(float(p.steps[-1]) for p in rep["particles"]
                                                      if p.score == math.inf) / n for rep in reps])

    def estimate(mask: np.ndarray) -> tuple[float, float, float, float]:
        p = p_r[mask].mean()
        if not p > 0:
            return math.nan, p, math.nan, math.nan
        mean = {key: phase.sums[key][mask].sum() / phase.counts[key][mask].sum() for key in phase.sums}
        loop = mean["F"] + mean["R"]
        reach = mean["T0"] + s_r[mask].mean() / p
        return mean["T0"] + (1 - p) / p * loop + s_r[mask].mean() / p, p, loop, reach

    everyone = np.ones(replicas, dtype=bool)
    tau, p, loop, reach = estimate(everyone)
    # a budget too small for the event is the caller's to mend (raise particles): an input error, said in one line
    if not p > 0:
        raise ParameterError("particles", settings.particles, "enough for some replica to reach the exit",
                             "p_hat = 0 in every replica: raise particles or check that the reaction coordinate "
                             "leads to the exit")
    with np.errstate(invalid="ignore", divide="ignore"):   # 0/0 where the others saw no cycle: said below
        leave_one_out = np.array([estimate(everyone & (np.arange(replicas) != r))[0] for r in range(replicas)])
    if not np.all(np.isfinite(leave_one_out)):
        if np.count_nonzero(p_r > 0) < 2:
            raise ParameterError("particles", settings.particles, "enough for p_hat > 0 in at least two replicas",
                                 "p_hat = 0 in all but one replica, so the jackknife error is undefined; raise particles")
        raise ParameterError("cycle_paths", settings.cycle_paths, "enough for the replicas to observe T_0, F and R",
                             "leaving one replica out leaves none of a cycle phase's times, so the jackknife error is "
                             "undefined; raise cycle_paths")
    jackknife = math.sqrt((replicas - 1) / replicas * np.sum((leave_one_out - leave_one_out.mean()) ** 2))
    return {"probability": float(p), "probability_stderr": float(p_r.std(ddof=1) / math.sqrt(replicas)),
            "mean_steps": float(tau), "mean_steps_stderr": float(jackknife), "loop_steps": float(loop),
            "reach_steps": float(reach), "replica_probabilities": p_r}
