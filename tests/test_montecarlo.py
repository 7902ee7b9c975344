"""The Monte Carlo engine: exactness on Brownian motion, reproducibility, domains, bad input.

Statistical assertions use z = 4.42 (two-sided 1e-5): a correct engine fails any one of them with
probability below 1e-5, and the whole file below 1e-4.
"""

import math

import numpy as np
import pytest
import sympy as sp
import torch

from numerics.sde.estimators import CensoredError, wilson_interval
from numerics.sde.engine import boundary_shift, chunk_seed, iter_exit_chunks, simulate_exit
from theory import Ball, Box, Interval, Model, ParameterError, UserInputError
from theory.model import TIME

Z = 4.42
x, y = sp.symbols("x y", real=True)


def brownian_1d(D=sp.Rational(1, 2), lower=0, upper=2, start=1, drift=0):
    return Model("BM", (x,), sp.Matrix([drift]), sp.Matrix([[sp.sqrt(2 * D)]]), Interval(lower, upper), (start,))


def test_brownian_exit_time_matches_closed_form_with_boundary_shift():
    # T(x0) = x0 (L - x0) / (2D) = 1; discrete monitoring acts like the interval widened by the shift
    dt = 4e-3
    result = simulate_exit(brownian_1d(), n_paths=20_000, dt=dt, max_time=50, seed=1)
    shift = boundary_shift(1.0, dt)
    predicted_bias = (1 + shift) ** 2 - 1
    low, high = 0.5 * predicted_bias - Z * result.stderr, 1.5 * predicted_bias + Z * result.stderr
    assert low <= result.mean - 1 <= high
    assert low > 0, "sized so that an engine without the discretisation bias would be caught"


def test_exit_side_probability_of_brownian_motion():
    result = simulate_exit(brownian_1d(start=0.5), n_paths=20_000, dt=1e-3, max_time=50, seed=2)
    p, lo, hi = result.side_probability("upper", confidence=1 - 1e-5)
    assert lo <= 0.25 <= hi  # x0 / L; the boundary shift changes it by O(sqrt(dt) / L) << the interval
    assert result.n_censored == 0 and set(np.unique(result.sides)) == {0, 1}


def test_same_seed_same_result_and_chunks_are_independent_streams():
    model = brownian_1d()
    a = simulate_exit(model, n_paths=3000, dt=1e-2, max_time=50, seed=5, chunk_size=1000)
    b = simulate_exit(model, n_paths=3000, dt=1e-2, max_time=50, seed=5, chunk_size=1000)
    c = simulate_exit(model, n_paths=3000, dt=1e-2, max_time=50, seed=6, chunk_size=1000)
    np.testing.assert_array_equal(a.times, b.times)
    assert not np.array_equal(a.times, c.times)
    assert len({chunk_seed(5, i) for i in range(100)}) == 100
    # the first chunk does not depend on how many chunks follow
    first = next(iter_exit_chunks(model, n_paths=1000, dt=1e-2, max_time=50, seed=5, chunk_size=1000))
    np.testing.assert_array_equal(first.exit_steps * 1e-2, a.times[:1000])


def test_streaming_yields_one_result_per_chunk():
    chunks = list(iter_exit_chunks(brownian_1d(), n_paths=2500, dt=1e-2, max_time=50, chunk_size=1000))
    assert [c.exit_steps.size for c in chunks] == [1000, 1000, 500]


def test_box_faces_are_hit_symmetrically():
    model = Model("BM 2-D", (x, y), sp.Matrix([0, 0]), sp.eye(2), Box((-1, -1), (1, 1)), (0, 0))
    result = simulate_exit(model, n_paths=20_000, dt=1e-3, max_time=50, seed=3)
    assert result.side_names == ("lower[0]", "upper[0]", "lower[1]", "upper[1]")
    for face in result.side_names:
        _, lo, hi = result.side_probability(face, confidence=1 - 1e-5)
        assert lo <= 0.25 <= hi


def test_ball_exit_time_of_brownian_motion():
    # dX = dW in 2-D from the centre of the unit disc: E[tau] = R^2 / d = 1/2, widened by the shift
    model = Model("BM disc", (x, y), sp.Matrix([0, 0]), sp.eye(2), Ball((0, 0), 1), (0, 0))
    dt = 1e-3
    result = simulate_exit(model, n_paths=20_000, dt=dt, max_time=50, seed=4)
    predicted_bias = ((1 + boundary_shift(1.0, dt)) ** 2 - 1) / 2
    assert 0.5 * predicted_bias - Z * result.stderr <= result.mean - 0.5 <= 1.5 * predicted_bias + Z * result.stderr
    assert result.side_names == ("sphere",)


def test_scheduler_scales_the_noise():
    # s(t) = 0 switches the noise off: dX = 1 dt from 0 leaves (-1, 1) at t = 1 exactly
    model = Model("drift only", (x,), sp.Matrix([1]), sp.Matrix([[1]]), Interval(-1, 1), (0,), scheduler=0 * TIME)
    result = simulate_exit(model, n_paths=100, dt=0.01, max_time=5, seed=0)
    assert np.allclose(result.times, 1.0) and np.all(result.sides == 1)


def test_per_coordinate_scheduler_is_integrated_exactly_over_each_step():
    # s_1(t) = t^(-1/4) is infinite at t = 0, yet Var X_1(T) = int_0^T s^2 dt = 2 sqrt(T) exactly; s_2 = 0
    model = Model("scheduled BM", (x, y), sp.Matrix([0, 0]), sp.eye(2), Box((-100, -100), (100, 100)), (0, 0),
                  scheduler=sp.Matrix([TIME ** sp.Rational(-1, 4), 0]))
    result = simulate_exit(model, n_paths=20_000, dt=0.01, max_time=1.0, seed=3, record_positions=True)
    assert result.n_censored == 20_000 and np.all(result.positions[:, 1] == 0)
    variance = float(np.mean(result.positions[:, 0] ** 2))
    assert abs(variance - 2.0) < Z * 2.0 * math.sqrt(2 / 20_000)


def test_multistep_scheduler():
    # s = 1 on [0, 1/2), 1/2 afterwards (seed 000 appendix C): Var X(1) = 1/2 + 1/8, the step boundary falling
    # inside no Euler step
    multistep = sp.Piecewise((1, TIME < sp.Rational(1, 2)), (sp.Rational(1, 2), True))
    model = Model("multistep BM", (x,), sp.Matrix([0]), sp.Matrix([[1]]), Interval(-100, 100), (0,), scheduler=multistep)
    result = simulate_exit(model, n_paths=20_000, dt=0.01, max_time=1.0, seed=4, record_positions=True)
    variance = float(np.mean(result.positions[:, 0] ** 2))
    assert abs(variance - 0.625) < Z * 0.625 * math.sqrt(2 / 20_000)


def test_per_coordinate_scheduler_needs_one_factor_per_noise_coordinate():
    with pytest.raises(Exception, match="one factor per noise coordinate"):
        Model("bad", (x, y), sp.Matrix([0, 0]), sp.eye(2), Box((-1, -1), (1, 1)), (0, 0),
              scheduler=sp.Matrix([TIME, TIME, TIME]))


def test_float32_state():
    result = simulate_exit(brownian_1d(), n_paths=5000, dt=1e-3, max_time=50, seed=8, dtype=torch.float32)
    assert result.dtype == "float32" and abs(result.mean - 1) < 0.1


def test_censoring_refuses_a_mean_but_gives_survival():
    result = simulate_exit(brownian_1d(D=sp.Rational(1, 100)), n_paths=1000, dt=1e-2, max_time=1, seed=0)
    assert result.n_censored > 0
    with pytest.raises(CensoredError, match="raise max_time"):
        result.mean
    survival, low, high = result.survival(np.array([0.0, 0.5, 1.0]))
    assert survival[0] == 1 and np.all(np.diff(survival) <= 0) and np.all(low <= survival) and np.all(survival <= high)
    with pytest.raises(ValueError, match="beyond the horizon"):
        result.survival(np.array([2.0]))


def test_non_finite_paths_are_an_error_not_a_nan():
    # the cubic drift blows paths up to -inf within a few steps: never reported as a censored path or an exit
    model = Model("explodes", (x,), sp.Matrix([x**3]), sp.Matrix([[1]]), Interval(-sp.oo, 10), (-1,))
    with pytest.raises(FloatingPointError, match="non-finite"):
        simulate_exit(model, n_paths=1000, dt=0.1, max_time=100, seed=0)


def test_a_negative_variance_is_refused_as_one():
    """sqrt(x) on (-oo, 10) has a negative variance inside the domain: said so before any path runs."""
    model = Model("sqrt noise", (x,), sp.Matrix([0]), sp.Matrix([[sp.sqrt(x)]]), Interval(-sp.oo, 10), (1e-3,))
    with pytest.raises(UserInputError, match="negative"):
        simulate_exit(model, n_paths=1000, dt=0.1, max_time=100, seed=0)


@pytest.mark.parametrize("kwargs, name", [({"n_paths": 0}, "n_paths"), ({"dt": -1.0}, "dt"),
                                          ({"max_time": math.nan}, "max_time")])
def test_bad_parameters(kwargs, name):
    settings = {"n_paths": 10, "dt": 0.1, "max_time": 1.0, **kwargs}
    with pytest.raises(ParameterError, match=name):
        simulate_exit(brownian_1d(), **settings)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA; the error path needs a CPU-only torch")
def test_missing_device_is_a_user_error():
    with pytest.raises(UserInputError, match="not available"):
        simulate_exit(brownian_1d(), n_paths=10, dt=0.1, max_time=1, device="cuda")


def test_unknown_device_type():
    with pytest.raises(UserInputError, match="unknown device|not supported"):
        simulate_exit(brownian_1d(), n_paths=10, dt=0.1, max_time=1, device="tpu")


def test_wilson_interval_brackets_the_proportion():
    lo, hi = wilson_interval(0, 100)
    assert lo == pytest.approx(0, abs=1e-12) and 0 < hi < 0.05
    lo, hi = wilson_interval(50, 100)
    assert lo < 0.5 < hi


def test_exit_positions_lie_on_or_beyond_the_boundary():
    result = simulate_exit(brownian_1d(), n_paths=500, dt=1e-3, max_time=50, seed=9, record_positions=True)
    x = result.positions[:, 0]
    assert np.all((x <= 0) | (x >= 2))
    assert np.all((x >= 2) == (result.sides == 1))
    assert simulate_exit(brownian_1d(), n_paths=10, dt=1e-2, max_time=5, seed=0).positions is None
