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


# 6 parameters: the population (share, background), the sampler (batch_size, population, n_batches) and the seed
def zero_inflated_batch_noise(share: float, batch_size: int, population: int, n_batches: int, seed: int,
                              background: float = 1e-3) -> np.ndarray:
    """Finite-variance control for the estimators (issue 16): mini-batch means minus the population mean, for a
    population of `population` per-sample gradients of which a fraction `share` is N(0, 1) and the rest N(0,
    background^2) (nearly zero: the well-fitted samples of a trained network, where a few hard examples carry the
    gradient), batches of `batch_size` drawn without replacement. Every moment is finite, so the true tail index is
    2; share = 1 is the Gaussian control; background = 0 is a point mass with rare spikes."""
    if not 0 < share <= 1:
        raise ParameterError("share", share, "(0, 1]", "the fraction of samples that carry gradient")
    if not 1 <= batch_size < population:
        raise ParameterError("batch_size", batch_size, f"[1, {population - 1}]", "the mini-batch size")
    rng = np.random.default_rng(seed)
    values = background * rng.standard_normal(population)
    carrying = max(int(round(share * population)), 1)
    values[:carrying] = rng.standard_normal(carrying)
    rows = np.argsort(rng.random((n_batches, population)), axis=1)[:, :batch_size]
    return values[rows].mean(axis=1) - values.mean()
