"""Adaptive multilevel splitting (numerics/rare_events.py) against exact quadrature, brute force and bad input."""

import math

import pytest
import sympy as sp
import torch
from scipy import stats

from numerics.exact.quadrature import mean_exit_time
from numerics.rare.splitting import mean_exit_time_ams
from theory import large_deviations as L
from theory import power_law as P
from theory.errors import ParameterError
from theory.kramers import DOUBLE_WELL

#: two-sided Student-t bound for 7 replicas (6 dof) at false-alarm 1e-4 per test
T_BOUND = float(stats.t.ppf(1 - 0.5e-4, 6))
SIZES = {"replicas": 7, "particles": 60, "seed": 3, "device": "cpu"}


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


def test_double_well_beyond_brute_force_matches_quadrature():
    # D = 0.02, dt = 0.01: E[tau] ~ 1.2e8 Euler steps. Euler's own bias (first order: ln E tau shifts by
    # -dt (H_a + H_b)/2 = -0.015) is below a tenth of t * SE here, so the exact SDE value is the reference.
    model = DOUBLE_WELL.bind(D=sp.Rational(1, 50))
    exact = mean_exit_time(model)
    result = mean_exit_time_ams(model, dt=0.01, **SIZES)
    assert exact.log_value / math.log(10) - math.log10(0.01) > 8          # beyond brute force
    assert 0.015 < 0.1 * T_BOUND * result.log_stderr
    assert abs(result.log_mean_time - exact.log_value) <= T_BOUND * result.log_stderr
    assert 0 < result.probability < 1e-4 and result.probability_stderr > 0
    assert result.mean_steps == pytest.approx(result.mean_time / 0.01)
    # brute force needs ~ 1 / SE_rel^2 exponential exit times of mean_steps each for the same relative error
    assert 100 * result.path_steps < result.mean_steps / result.log_stderr ** 2


def test_state_dependent_power_law_matches_quadrature():
    # Itô diffusion eta (sigma + rho w^2): E[tau] ~ 4e7 steps at eta = 0.05, dt = 0.01
    model = P.POWER_LAW.bind({"h": 1, "eta": sp.Rational(1, 20), "sigma": 1, "rho": 1, "r": 1})
    exact = mean_exit_time(model)
    result = mean_exit_time_ams(model, dt=0.01, **SIZES)
    assert abs(result.log_mean_time - exact.log_value) <= T_BOUND * result.log_stderr
    assert result.log_stderr < 0.5


def test_reproducible_and_sympy_coordinate_equals_default():
    model = L.one_dimensional_quadratic(2, 2, sp.Rational(1, 5), 1)
    (theta,) = model.state
    first = mean_exit_time_ams(model, dt=0.01, replicas=3, particles=20, seed=5, device="cpu")
    again = mean_exit_time_ams(model, dt=0.01, replicas=3, particles=20, seed=5, device="cpu")
    symbolic = mean_exit_time_ams(model, dt=0.01, replicas=3, particles=20, seed=5, device="cpu",
                                  reaction_coordinate=sp.Abs(theta))
    assert first.mean_steps == again.mean_steps
    # |theta| / r is the default coordinate of (-1, 1) from 0 up to the factor r = 1: the same run
    assert symbolic.mean_steps == pytest.approx(first.mean_steps, rel=1e-12)


@pytest.mark.parametrize("kwargs", [{"dt": 0.0}, {"dt": -1.0}, {"dt": 0.01, "replicas": 1},
                                    {"dt": 0.01, "particles": 10, "killed": 10}, {"dt": 0.01, "levels": (0.5, 0.2)},
                                    {"dt": 0.01, "levels": (-0.5, -0.1)}, {"dt": 0.01, "reaction_coordinate": 3},
                                    {"dt": float("nan")}, {"dt": 0.01, "particles": 2.5}])
def test_bad_input_is_a_parameter_error(kwargs):
    with pytest.raises(ParameterError):
        mean_exit_time_ams(DOUBLE_WELL.bind(D=sp.Rational(1, 10)), device="cpu", **kwargs)
