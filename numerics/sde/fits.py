"""Fits and tests on measured estimates: weighted least squares of a line, a weighted power-law fit, the one-sided
one-sample t-test. Used by the network checks (verify/checks/networks_sharpness.py, networks_schedules.py) to turn
measured exit times and accuracies into slopes, exponents and p-values.

Sources: weighted least squares and its slope SE, (sum w (x - x_w)^2)^(-1/2) with w = 1/se^2 (e.g. Bevington &
Robinson, "Data Reduction and Error Analysis", 3rd ed., eqs. 6.12-6.21); the Birge ratio sqrt(chi^2 / dof) that
inflates the SE when the scatter exceeds the stated errors (R. T. Birge, Phys. Rev. 40, 207 (1932)); Student's t
quantiles at k - (number of fitted coefficients) degrees of freedom; two one-sided tests for equivalence
(D. J. Schuirmann, J. Pharmacokin. Biopharm. 15, 657 (1987)).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

__all__ = ["weighted_fit", "power_fit", "one_sided_p"]


def weighted_fit(x, y, se, false_alarm: float) -> dict:
    """Weighted least squares y = c + slope x with weights 1/se^2.

    Test of "no dependence" (slope = 0): under that null every point estimates one common mean with its own SE, so
    slope / SE_points ~ N(0, 1) with SE_points = (sum w (x - x_w)^2)^(-1/2), whether or not ln E is linear in x under
    the alternative; the two-sided p-value is the normal one. Intervals: the SE inflated by the Birge ratio
    sqrt(max(1, chi^2 / dof)) (curvature or extra scatter widens them) with Student's t at k - 2 dof, at confidence
    1 - false_alarm (`ci`) and 1 - 2 false_alarm (`equivalence ci`: two one-sided tests at false_alarm each)."""
    x, y, se = (np.asarray(v, dtype=float) for v in (x, y, se))
    k = x.size
    w = 1 / se ** 2
    xm, ym = (w @ x) / w.sum(), (w @ y) / w.sum()
    sxx = w @ (x - xm) ** 2
    slope = float((w @ ((x - xm) * (y - ym))) / sxx)
    intercept = float(ym - slope * xm)
    chi2 = float(w @ (y - intercept - slope * x) ** 2)
    dof = k - 2
    reduced = chi2 / dof if dof > 0 else math.inf
    point_se = float(math.sqrt(1 / sxx))
    inflated_se = point_se * math.sqrt(max(1.0, reduced))
    z = slope / point_se
    t_law = stats.t(dof)
    return {"slope": slope, "slope SE": point_se, "slope SE (Birge-inflated)": inflated_se, "intercept": intercept,
            "points": k, "chi2/dof (linear law)": reduced, "z (slope / SE)": z,
            "p-value (slope = 0, two-sided)": float(2 * stats.norm.sf(abs(z))),
            "ci": [slope - t_law.ppf(1 - false_alarm / 2) * inflated_se,
                   slope + t_law.ppf(1 - false_alarm / 2) * inflated_se],
            "equivalence ci": [slope - t_law.ppf(1 - false_alarm) * inflated_se,
                               slope + t_law.ppf(1 - false_alarm) * inflated_se],
            "Pearson r": float(np.corrcoef(x, y)[0, 1]) if k > 2 else None}


def power_fit(a, y, se, false_alarm: float) -> dict | None:
    """ln E = c + K a^(-p) by weighted nonlinear least squares (scipy curve_fit), p with its SE (Birge-inflated) and
    a t interval (k - 3 dof) at 1 - false_alarm: the measured exponent of a in the exit exponent."""
    a, y, se = (np.asarray(v, dtype=float) for v in (a, y, se))
    if a.size < 4:
        return None
    try:
        coefficients, covariance = optimize.curve_fit(lambda s, c, k, p: c + k * s ** (-p), a, y, p0=(0.0, 1.0, 0.75),
                                                      sigma=se, absolute_sigma=True, maxfev=20000)
    except (RuntimeError, ValueError):
        return None
    c, k, p = (float(v) for v in coefficients)
    residual = (y - (c + k * a ** (-p))) / se
    dof = a.size - 3
    reduced = float(residual @ residual / dof)
    p_se = float(math.sqrt(covariance[2, 2]) * math.sqrt(max(1.0, reduced)))
    if not math.isfinite(p_se):
        return None
    quantile = float(stats.t(dof).ppf(1 - false_alarm / 2))
    return {"c": c, "K": k, "p": p, "p SE": p_se, "chi2/dof": reduced, "ci": [p - quantile * p_se, p + quantile * p_se]}


def one_sided_p(differences: np.ndarray, null: float, alternative: str) -> float:
    """p-value of the one-sample t-test of mean(differences) against `null` ('greater' or 'less'); a sample without
    spread gives 0 or 1 according to which side of the null its value lies (the t statistic is undefined there)."""
    d = np.asarray(differences, dtype=float)
    if np.ptp(d) == 0:
        beyond = d[0] > null if alternative == "greater" else d[0] < null
        return 0.0 if beyond else 1.0
    return float(stats.ttest_1samp(d, null, alternative=alternative).pvalue)
