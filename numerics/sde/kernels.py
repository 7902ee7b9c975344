"""Compiled CPU kernels (numba): a per-path random-number generator, normal and stable samplers, and the
Euler-Maruyama exit loop of a 1-D Model, all with one path per loop iteration (no batch, no compaction).

Why by hand: torch and numpy have no generator that numba code can call per path reproducibly across threads,
and no fused "step until exit" loop; numba's own np.random keeps one stream per thread, so results would depend
on the thread schedule. Here every path p of a chunk with seed s owns an xoshiro256** stream (Blackman & Vigna
2018) whose state is splitmix64 of (s, p): a counter-style derivation, so a path's numbers depend on (s, p) only,
never on the thread count or the order in which paths run.

Normals: Marsaglia & Tsang's ziggurat (J. Stat. Softw. 5(8), 2000; 128 layers, 32-bit version, "RNOR"), fed by
the upper 32 bits of xoshiro256**; its resolution (2^-31 of the layer width) is the same order as the float32
normals of the torch engine (numerics/sde/torchify.py), far below Monte Carlo error.
Stable: Chambers, Mallows & Stuck (1976), the same formula as numerics/sde/stable.symmetric_stable.

The exit kernel integrates the Model's own lambdified drift and diffusion (sympy -> math -> numba), so the
dynamic is still stated once (DESIGN.md); the engine (numerics.sde.engine) runs it as its "numba" backend, chosen
once per run after asking `supports`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numba
import numpy as np
import sympy as sp

from theory.domain import Interval
from theory.model import AlphaStable, Brownian, Model

from .stable import noise_unit

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


# ------------------------------------------------------------------------------ generator
@numba.njit(inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(inline="always")
def _splitmix64(z):
    z = z + np.uint64(0x9E3779B97F4A7C15)
    r = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    r = (r ^ (r >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z, r ^ (r >> np.uint64(31))


@numba.njit(inline="always")
def seed_row(state, row, seed, stream):
    """state[row] = the xoshiro256** state of stream `stream` under `seed`: splitmix64 of
    seed ^ (stream * an odd 64-bit constant)."""
    z = np.uint64(seed) ^ (np.uint64(stream) * np.uint64(0xD1B54A32D192ED03))
    for i in range(4):
        z, state[row, i] = _splitmix64(z)


@numba.njit(inline="always")
def next_u64(s, r):
    """Next output of xoshiro256** row r of the state array s (rows, 4): one row per interleaved path."""
    s0, s1, s2, s3 = s[r, 0], s[r, 1], s[r, 2], s[r, 3]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s[r, 0], s[r, 1], s[r, 2], s[r, 3] = s0, s1, s2, _rotl(s3, 45)
    return result


@numba.njit(inline="always")
def uniform_open(s, r):
    """U(0, 1) with 53 bits, never 0 (log and CMS stay finite)."""
    return ((next_u64(s, r) >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


def _ziggurat_tables():
    """kn, wn, fn of Marsaglia & Tsang (2000), 'zigset' for RNOR with 128 layers."""
    kn, wn, fn = np.zeros(128, np.int64), np.zeros(128), np.zeros(128)
    m1, dn, vn = 2147483648.0, 3.442619855899, 9.91256303526217e-3
    tn = dn
    q = vn / math.exp(-0.5 * dn * dn)
    kn[0], kn[1] = int(dn / q * m1), 0
    wn[0], wn[127] = q / m1, dn / m1
    fn[0], fn[127] = 1.0, math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = int(dn / tn * m1)
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / m1
    return kn, wn, fn


_KN, _WN, _FN = _ziggurat_tables()
_ZIGGURAT_R = 3.442620


@numba.njit(inline="always")
def _signed32(s, r):
    return np.int64(np.int32(np.uint32(next_u64(s, r) >> np.uint64(32))))


@numba.njit
def _normal_fix(s, r, hz, iz):
    """The ziggurat's slow path (about 1.2% of draws): tail or wedge."""
    while True:
        x = hz * _WN[iz]
        if iz == 0:
            while True:
                x = -math.log(uniform_open(s, r)) / _ZIGGURAT_R
                y = -math.log(uniform_open(s, r))
                if y + y >= x * x:
                    break
            return _ZIGGURAT_R + x if hz > 0 else -_ZIGGURAT_R - x
        if _FN[iz] + uniform_open(s, r) * (_FN[iz - 1] - _FN[iz]) < math.exp(-0.5 * x * x):
            return x
        hz = _signed32(s, r)
        iz = hz & 127
        if abs(hz) < _KN[iz]:
            return hz * _WN[iz]


@numba.njit(inline="always")
def normal(s, r):
    """One N(0, 1) draw from row r (ziggurat fast path inline)."""
    hz = _signed32(s, r)
    iz = hz & 127
    if abs(hz) < _KN[iz]:
        return hz * _WN[iz]
    return _normal_fix(s, r, hz, iz)


@numba.njit(inline="always")
def symmetric_stable(s, r, alpha):
    """Standard SaS (E exp(i w X) = exp(-|w|^alpha)) by Chambers-Mallows-Stuck, as numerics/sde/stable.py."""
    v = (uniform_open(s, r) - 0.5) * math.pi
    if alpha == 1.0:
        return math.tan(v)
    w = -math.log(uniform_open(s, r))
    if alpha == 2.0:
        return 2.0 * math.sin(v) * math.sqrt(w)
    # the formula of numerics/sde/stable.py with its two powers taken in log space: one exp for two pows, 19% faster
    # (1.4e7 -> 1.6e7 draws per CPU second), equal to it within 2e-15 relative
    power = (1.0 - alpha) / alpha
    return math.sin(alpha * v) * math.exp(power * (math.log(math.cos((1.0 - alpha) * v)) - math.log(w))
                                          - math.log(math.cos(v)) / alpha)


# ------------------------------------------------------------------------------ raw throughput (benchmark ceiling)
@numba.njit(parallel=True)
def fill_normals(out, seed, streams):
    """out[:] = N(0, 1) draws from `streams` independent generators (one block of out each)."""
    n = out.size
    block = (n + streams - 1) // streams
    for b in numba.prange(streams):
        s = np.empty((1, 4), np.uint64)
        seed_row(s, 0, seed, b)
        for i in range(b * block, min(n, (b + 1) * block)):
            out[i] = normal(s, 0)


@numba.njit(parallel=True)
def fill_stable(out, alpha, seed, streams):
    """out[:] = standard SaS(alpha) draws, as fill_normals."""
    n = out.size
    block = (n + streams - 1) // streams
    for b in numba.prange(streams):
        s = np.empty((1, 4), np.uint64)
        seed_row(s, 0, seed, b)
        for i in range(b * block, min(n, (b + 1) * block)):
            out[i] = symmetric_stable(s, 0, alpha)


# ------------------------------------------------------------------------------ exit loop
def supports(model: Model) -> str | None:
    """None when the numba exit kernel can run `model`, else why not (the engine then needs kernel="torch")."""
    if len(model.state) != 1 or model.diffusion.shape != (1, 1):
        return "the compiled kernel handles one state and one noise coordinate"
    if not isinstance(model.domain, Interval):
        return "the compiled kernel handles interval domains"
    if model.scheduler is not None:
        return "the compiled kernel has no learning-rate scheduler"
    if not isinstance(model.noise, (Brownian, AlphaStable)):
        return f"unknown noise {model.noise!r}"
    return None


@numba.njit(inline="always")
def _draw_normal(s, r, alpha):
    return normal(s, r)


@numba.njit(inline="always")
def _draw_stable(s, r, alpha):
    return symmetric_stable(s, r, alpha)


#: paths advanced in lockstep by one thread: one path's step is a dependent chain (diffusion -> sqrt -> update),
#: so a single path leaves the core idle; independent paths side by side fill it
LANES = 8
#: paths per parallel task
BLOCK = 1024


@lru_cache(maxsize=64)
def _exit_kernel(drift_src: str, diffusion_src: str, symbol_name: str, gaussian: bool):
    """A compiled exit loop for one (drift, diffusion, noise kind), cached by their printed form: one kernel per
    noise kind, so the inner loop has no branch on it. Path p always uses stream p, whichever lane runs it."""
    symbol = sp.Symbol(symbol_name, real=True)
    drift = numba.njit(sp.lambdify(symbol, sp.sympify(drift_src, locals={symbol_name: symbol}), modules="math"))
    diffusion = numba.njit(sp.lambdify(symbol, sp.sympify(diffusion_src, locals={symbol_name: symbol}),
                                       modules="math"))
    draw = _draw_normal if gaussian else _draw_stable

    # 11 parameters: a numba-compiled loop takes the chunk's scalars and output arrays one by one (no dataclass)
    @numba.njit(parallel=True)
    def run(seed, x0, lower, upper, dt, alpha, factor, max_steps, steps_out, sides_out, positions_out):
        n = steps_out.size
        for b in numba.prange((n + BLOCK - 1) // BLOCK):
            end = min(n, (b + 1) * BLOCK)
            s = np.empty((LANES, 4), np.uint64)
            x = np.empty(LANES)
            k = np.zeros(LANES, np.int64)
            path = np.full(LANES, -1, np.int64)
            following = b * BLOCK
            for r in range(LANES):
                if following < end:
                    path[r] = following
                    seed_row(s, r, seed, following)
                    x[r] = x0
                    following += 1
            running = min(LANES, end - b * BLOCK)
            while running > 0:
                for r in range(LANES):
                    if path[r] < 0:
                        continue
                    xr = x[r] + drift(x[r]) * dt + diffusion(x[r]) * (factor * draw(s, r, alpha))
                    kr = k[r] + 1
                    finite = xr - xr == 0.0   # False for NaN and +-inf
                    if finite:
                        side = 0 if xr <= lower else (1 if xr >= upper else -1)
                    else:
                        # as the torch loop: +-inf past a finite face exits; -inf at a natural end (lower = -inf,
                        # where -inf <= lower would hold) or NaN never does, and is flagged (-2) for the caller
                        side = 0 if xr < 0 and lower > -math.inf else (1 if xr > 0 and upper < math.inf else -1)
                    if side < 0 and finite and kr < max_steps:
                        x[r], k[r] = xr, kr
                        continue
                    # the path has exited, reached the horizon or become non-finite: record it, start the next one
                    p = path[r]
                    steps_out[p] = kr if side >= 0 else (-1 if finite else -2)
                    sides_out[p] = side
                    positions_out[p] = xr
                    if following < end:
                        path[r] = following
                        seed_row(s, r, seed, following)
                        x[r], k[r] = x0, 0
                        following += 1
                    else:
                        path[r] = -1
                        running -= 1
    return run


@dataclass(frozen=True)
class ExitKernel:
    """The compiled exit loop of one 1-D Model at one step dt and horizon: call it with (size, seed) for one chunk.

    Built by `compile_exit` for a model that `supports` accepts (the engine asks once, when it picks its backend)."""

    run: Callable
    x0: float
    lower: float
    upper: float
    dt: float
    alpha: float
    factor: float
    max_steps: int

    def __call__(self, size: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(exit_steps int64, sides int8, positions float64 (size, 1), path_steps) of `size` paths under `seed`.

        exit_steps is -1 for censored paths; a path that became NaN raises FloatingPointError, as in the torch
        loop."""
        steps = np.empty(size, np.int64)
        sides = np.empty(size, np.int8)
        positions = np.empty(size)
        self.run(np.uint64(seed), self.x0, self.lower, self.upper, self.dt, self.alpha, self.factor, self.max_steps,
                 steps, sides, positions)
        if (steps == -2).any():
            raise FloatingPointError(f"a path that had not exited became non-finite (dt={self.dt:g}): the scheme is "
                                     "unstable, reduce dt")
        path_steps = int(np.where(steps >= 0, steps, self.max_steps).sum())
        return steps, sides, positions.reshape(-1, 1), path_steps


def compile_exit(model: Model, dt: float, max_steps: int) -> ExitKernel:
    """The exit kernel of a bound numeric 1-D Model that `supports` accepts, at step dt for max_steps steps."""
    (symbol,) = model.state
    alpha, factor = noise_unit(model, dt)
    run = _exit_kernel(str(sp.sympify(model.drift[0]).evalf()), str(sp.sympify(model.diffusion[0, 0]).evalf()),
                       symbol.name, alpha == 2.0)
    return ExitKernel(run, float(model.start[0]), float(model.domain.lower), float(model.domain.upper), dt, alpha,
                      factor, max_steps)
