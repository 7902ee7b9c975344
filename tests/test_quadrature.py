"""Exact 1-D exit times and exit probabilities against closed forms and the mpmath reference."""

import math

import pytest
import sympy as sp

from numerics.exact.quadrature import exit_probability, mean_exit_time
from theory import Interval, Model, ModelError
from theory.kramers import DOUBLE_WELL

x = sp.Symbol("x", real=True)


def brownian(drift, D, lower, upper, start):
    return Model("Brownian with drift", (x,), sp.Matrix([drift]), sp.Matrix([[sp.sqrt(2 * D)]]),
                 Interval(lower, upper), (start,))


def test_brownian_motion_closed_forms():
    # dX = sqrt(2D) dW on (0, L): T(x0) = x0 (L - x0) / (2D), P(upper) = x0 / L
    model = brownian(0, sp.Rational(1, 2), 0, 3, 1)
    assert float(mean_exit_time(model)) == pytest.approx(1 * 2 / 1, rel=1e-12)
    assert float(exit_probability(model)) == pytest.approx(1 / 3, rel=1e-12)


def test_drifted_brownian_motion_closed_forms():
    mu, D, L, x0 = 0.7, 0.3, 2.0, 0.5
    model = brownian(mu, D, 0, L, x0)
    p_upper = (1 - math.exp(-mu * x0 / D)) / (1 - math.exp(-mu * L / D))
    assert float(exit_probability(model)) == pytest.approx(p_upper, rel=1e-12)
    assert float(mean_exit_time(model)) == pytest.approx((L * p_upper - x0) / mu, rel=1e-11)


def test_panel_method_agrees_with_mpmath_reference():
    model = DOUBLE_WELL.bind(D=0.25)
    fast, reference = mean_exit_time(model), mean_exit_time(model, method="mpmath", dps=15)
    assert fast.log_value == pytest.approx(reference.log_value, abs=1e-12)
    assert fast.relative_error < 1e-12 and reference.relative_error < 1e-10


def test_state_dependent_diffusion_agrees_with_mpmath_reference():
    # the power-law dynamic's diffusion, D(w) = sigma + rho w^2, exiting an interval at both ends
    model = Model("power-law OU", (x,), sp.Matrix([-x]), sp.Matrix([[sp.sqrt(sp.Rational(1, 5) + x**2 / 10)]]),
                  Interval(-1, 2), (sp.Rational(1, 2),))
    fast, reference = mean_exit_time(model), mean_exit_time(model, method="mpmath", dps=15)
    assert fast.log_value == pytest.approx(reference.log_value, abs=1e-11)


def test_natural_upper_end_mirrors_natural_lower_end():
    D = sp.Symbol("D", positive=True)
    mirrored = Model.overdamped_langevin("mirror", x**4 / 4 - x**2 / 2, x, D, Interval(-1, sp.oo), start=(1,))
    assert mean_exit_time(mirrored.bind(D=0.2)).log_value == pytest.approx(
        mean_exit_time(DOUBLE_WELL.bind(D=0.2)).log_value, abs=1e-12)


def test_huge_times_stay_in_log_space():
    # exp(1250): no float holds it; Kramers with its derived correction 1 + 3D/2 predicts the logarithm
    result = mean_exit_time(DOUBLE_WELL.bind(D=0.0002))
    assert result.log_value == pytest.approx(1250 + math.log(math.sqrt(2) * math.pi * (1 + 1.5 * 0.0002)), abs=1e-6)
    with pytest.raises(OverflowError, match="log_value"):
        float(result)


def test_infinite_mean_exit_time_is_an_error():
    D = sp.Symbol("D", positive=True)
    drifting_away = Model.overdamped_langevin("away", x, x, D, Interval(-sp.oo, 1), start=(0,))
    with pytest.raises(ModelError, match="does not decay"):
        mean_exit_time(drifting_away.bind(D=1))


def test_bad_inputs():
    with pytest.raises(ModelError, match="free parameters"):
        mean_exit_time(DOUBLE_WELL)
    with pytest.raises(ModelError, match="not inside"):
        mean_exit_time(DOUBLE_WELL.bind(D=1), x0=2)
    with pytest.raises(ModelError, match="two finite"):
        exit_probability(DOUBLE_WELL.bind(D=1))
    with pytest.raises(ModelError, match="unknown quadrature method"):
        mean_exit_time(DOUBLE_WELL.bind(D=1), method="simpson")
