"""numerics.sde.fits: weighted line fit, power-law fit, one-sided t-test p-values."""

import math

import numpy as np
import pytest
from scipy import stats

from numerics.sde import one_sided_p, power_fit, weighted_fit


def test_weighted_fit_recovers_an_exact_line_and_its_standard_error():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    se = np.array([0.1, 0.2, 0.1, 0.3, 0.2])
    fit = weighted_fit(x, 2 - 3 * x, se, 1e-3)
    assert fit["slope"] == pytest.approx(-3) and fit["intercept"] == pytest.approx(2)
    w = 1 / se**2
    xm = (w @ x) / w.sum()
    assert fit["slope SE"] == pytest.approx(1 / math.sqrt(w @ (x - xm) ** 2))
    # an exact line has chi^2 = 0: the Birge ratio never shrinks the SE
    assert fit["slope SE (Birge-inflated)"] == pytest.approx(fit["slope SE"])
    assert fit["ci"][0] < -3 < fit["ci"][1] and fit["p-value (slope = 0, two-sided)"] < 1e-12
    assert fit["equivalence ci"][0] > fit["ci"][0]


def test_weighted_fit_p_value_is_the_normal_one():
    x = np.array([0.0, 1.0, 2.0])
    fit = weighted_fit(x, np.array([0.0, 0.1, 0.0]), np.ones(3), 0.05)
    assert fit["slope"] == pytest.approx(0) and fit["p-value (slope = 0, two-sided)"] == pytest.approx(1)
    fit = weighted_fit(x, np.array([0.0, 0.0, 1.0]), np.ones(3), 0.05)
    assert fit["p-value (slope = 0, two-sided)"] == pytest.approx(2 * stats.norm.sf(0.5 / math.sqrt(0.5)))


def test_power_fit_recovers_the_exponent():
    a = np.array([0.25, 0.5, 1.0, 2.0, 4.0, 8.0])
    y = 1.0 + 2.0 * a**-0.6
    fit = power_fit(a, y, np.full(a.size, 1e-3), 1e-3)
    assert fit["p"] == pytest.approx(0.6, rel=1e-6) and fit["K"] == pytest.approx(2.0, rel=1e-6)
    assert fit["ci"][0] <= 0.6 <= fit["ci"][1]
    assert power_fit(a[:3], y[:3], np.ones(3), 1e-3) is None    # fewer than 4 points: no fit


def test_one_sided_p():
    assert one_sided_p(np.zeros(5), -1.0, "greater") == 0.0 and one_sided_p(np.zeros(5), 1.0, "greater") == 1.0
    d = np.array([1.0, 2.0, 3.0])
    assert one_sided_p(d, 0, "greater") == pytest.approx(stats.ttest_1samp(d, 0, alternative="greater").pvalue)
    assert one_sided_p(d, 0, "greater") < one_sided_p(d, 0, "less")
