"""Estimators on simulated exit times: mean with standard error and CI, survival, exit-side laws."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy import stats

from theory.errors import ParameterError, UnknownIdError, UserInputError


class CensoredError(UserInputError):
    """A mean was asked of exit times some of which were cut off by the simulation horizon (mend: raise max_time)."""


def normal_quantile(confidence: float) -> float:
    """Two-sided z for a central interval of the given confidence (0.95 -> 1.96)."""
    if not (isinstance(confidence, numbers.Real) and 0 < confidence < 1):
        raise ParameterError("confidence", confidence, "(0, 1)")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good coverage near 0 and 1)."""
    if not (isinstance(trials, numbers.Real) and trials > 0):
        raise ParameterError("trials", trials, "a positive count", "a proportion needs at least one trial")
    if not (isinstance(successes, numbers.Real) and 0 <= successes <= trials):
        raise ParameterError("successes", successes, f"a count in [0, trials = {trials}]")
    z = normal_quantile(confidence)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return float(centre - half), float(centre + half)


@dataclass
class ExitTimes:
    """Exit times of simulated paths (inf where censored) with how they were made."""

    times: np.ndarray
    sides: np.ndarray
    side_names: tuple[str, ...]
    dt: float
    horizon: float
    seed: int
    device: str
    dtype: str
    seconds: float
    path_steps: int
    #: (paths, N) exit points when the simulation recorded them (simulate_exit(record_positions=True))
    positions: np.ndarray | None = None

    @property
    def n_paths(self) -> int:
        return int(self.times.size)

    @property
    def n_censored(self) -> int:
        return int(np.count_nonzero(self.sides < 0))

    def _complete(self) -> np.ndarray:
        if self.n_censored:
            raise CensoredError(f"{self.n_censored} of {self.n_paths} paths had not exited by the horizon "
                                f"t = {self.horizon:g}: the mean would be biased; raise max_time")
        return self.times

    @property
    def mean(self) -> float:
        return float(np.mean(self._complete()))

    @property
    def stderr(self) -> float:
        times = self._complete()
        return float(np.std(times, ddof=1) / np.sqrt(times.size))

    def ci(self, confidence: float = 0.95) -> tuple[float, float]:
        """Normal-approximation interval for the mean (n is large; exit times have all moments)."""
        half = normal_quantile(confidence) * self.stderr
        return self.mean - half, self.mean + half

    def survival(self, t: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """P(tau > t) with pointwise Wilson intervals; censored paths count as survivors (t <= horizon)."""
        try:
            t = np.asarray(t, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("t", t, "real times") from None
        if np.any(t > self.horizon):
            raise ParameterError("t", float(np.max(t)), f"times up to the horizon {self.horizon:g}",
                                 "survival beyond the horizon is unknown from this run")
        survivors = (self.times[None, :] > t[:, None]).sum(axis=1)
        bounds = np.array([wilson_interval(int(k), self.n_paths, confidence) for k in survivors])
        return survivors / self.n_paths, bounds[:, 0], bounds[:, 1]

    def side_probability(self, side: str | int, confidence: float = 0.95) -> tuple[float, float, float]:
        """P(exit through `side`) among all paths, with its Wilson interval."""
        if isinstance(side, str) and side not in self.side_names:
            raise UnknownIdError("exit side", side, list(self.side_names))
        code = self.side_names.index(side) if isinstance(side, str) else side
        if not (isinstance(code, numbers.Integral) and 0 <= code < len(self.side_names)):
            raise ParameterError("side", side, f"a side name ({', '.join(self.side_names)}) or its index")
        hits = int(np.count_nonzero(self.sides == code))
        low, high = wilson_interval(hits, self.n_paths, confidence)
        return hits / self.n_paths, low, high

    @property
    def path_steps_per_second(self) -> float:
        return self.path_steps / self.seconds if self.seconds > 0 else float("nan")

    def summary(self) -> dict:
        out = {"n_paths": self.n_paths, "n_censored": self.n_censored, "dt": self.dt, "horizon": self.horizon,
               "seed": self.seed, "device": self.device, "dtype": self.dtype, "seconds": round(self.seconds, 3),
               "path_steps": self.path_steps, "path_steps_per_second": self.path_steps_per_second}
        if not self.n_censored:
            out.update(mean=self.mean, stderr=self.stderr, ci95=self.ci(0.95))
        return out
