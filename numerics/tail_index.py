"""Tail-index (alpha) estimators for gradient noise, each validated on synthetic SaS samples of known alpha.

Seed 000 (sec. 5, appendix A.2) follows Simsekli et al. 2019 ([63] there), who estimate alpha with the block-sum
estimator of Mohammadi, Mohammadpour & Ogata (Metrika 78, 2015, Cor. 2.4); the Hill estimator (Hill, Ann. Stat. 3,
1975) is the classical second opinion. Hand-written: neither is in SciPy (scipy.stats.levy_stable.fit is a full
maximum-likelihood fit, orders of magnitude slower and fragile for alpha < 1).
"""

from __future__ import annotations

import math

import numpy as np

from theory.errors import ParameterError


def _samples(x) -> np.ndarray:
    x = np.asarray(x, dtype=float).ravel()
    if x.size < 16 or not np.all(np.isfinite(x)):
        raise ParameterError("samples", f"{x.size} values", "at least 16 finite values",
                             "a tail index needs data")
    return x


def alpha_block_sum(x, block: int | None = None) -> float:
    """Mohammadi et al. (2015), Cor. 2.4: with X centred, Y_i the sums of K1 consecutive X's,
    1/alpha = (mean log|Y_i| - mean log|X_j|) / log K1. K1 defaults to floor(sqrt(N))."""
    x = _samples(x)
    x = x - np.median(x)
    block = block or int(math.isqrt(x.size))
    if not 2 <= block <= x.size // 2:
        raise ParameterError("block", block, f"[2, {x.size // 2}]", "the block length K1 of the block-sum estimator")
    usable = (x.size // block) * block
    sums = x[:usable].reshape(-1, block).sum(axis=1)
    nonzero = x[:usable][x[:usable] != 0]
    inverse = (np.mean(np.log(np.abs(sums[sums != 0]))) - np.mean(np.log(np.abs(nonzero)))) / math.log(block)
    return float(1 / inverse)


def alpha_hill(x, fraction: float = 0.05) -> float:
    """Hill (1975) on |X - median|: alpha = k / sum_{i<=k} log(|X|_(i) / |X|_(k+1)), k = fraction * N (top order
    statistics). Biased for alpha near 2 (the Gaussian part of the tail): report it alongside the block-sum value."""
    x = _samples(x)
    if not 0 < fraction < 0.5:
        raise ParameterError("fraction", fraction, "(0, 0.5)", "the share of order statistics the Hill estimator uses")
    magnitudes = np.sort(np.abs(x - np.median(x)))[::-1]
    k = max(int(fraction * magnitudes.size), 2)
    if magnitudes[k] <= 0:
        raise ParameterError("samples", "too many equal values", "a continuous tail", "the Hill estimator")
    return float(k / np.sum(np.log(magnitudes[:k] / magnitudes[k])))


ESTIMATORS = {"block-sum (Mohammadi et al. 2015)": alpha_block_sum, "Hill (top 5%)": alpha_hill}
