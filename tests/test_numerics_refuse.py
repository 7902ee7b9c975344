"""No silent wrong number (issue 14): every numeric entry point returns a finite, documented result or refuses with
the toolkit's own one-line error (theory.errors.UserInputError or a subclass), never a bare TypeError, a NumPy or
SymPy ValueError, a ZeroDivisionError, a complex number or a NaN.

The unit tests are the findings of the issue, one each; the property tests (hypothesis, derandomized) feed random
admissible and inadmissible inputs to Model, quadrature, Monte Carlo, AMS and the minimum-action solver. The one
documented failure that is not an input error is the minimum-action solver's NotConvergedError ("use more points").
"""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from numerics.sde.estimators import ExitTimes
from numerics.sde.engine import simulate_exit
from numerics.exact.quadrature import exit_probability, mean_exit_time
from numerics.rare.quasipotential import NotConvergedError, minimum_action_path
from numerics.rare.splitting import mean_exit_time_ams
from theory import AlphaStable, Ball, Box, Brownian, Interval, Model, UserInputError

x, y = sp.symbols("x y", real=True)
HALF = sp.Rational(1, 2)


def quick(examples: int):
    return settings(derandomize=True, max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def outcome(call):
    """(result, None), or (None, error) for the toolkit's own one-line refusal; any other exception fails the test."""
    try:
        result = call()
    except UserInputError as error:
        message = str(error)
        assert message and "\n" not in message, f"not a one-line message: {message!r}"
        _event("refused: " + " ".join(message.split()[:4]))
        return None, error
    _event("accepted")
    return result, None


def _event(label: str) -> None:
    """Count outcomes inside a property test: --hypothesis-show-statistics shows the admissible/refused mix."""
    if currently_in_test_context():
        event(label)


def refusal(call, *words) -> str:
    """The one-line message of a UserInputError that `call` must raise, containing every word."""
    result, error = outcome(call)
    assert error is not None, f"accepted: {result!r}"
    for word in words:
        assert word in str(error), str(error)
    return str(error)


def one_d(drift, sigma, lower, upper, start, noise=Brownian()) -> Model:
    return Model("1-D", (x,), sp.Matrix([drift]), sp.Matrix([[sigma]]), Interval(lower, upper), (start,), noise=noise)


#: numbers and things that are not numbers, for any numeric argument
ANYTHING = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-3, 3),
    st.complex_numbers(max_magnitude=4, allow_nan=False, allow_infinity=False),
    st.sampled_from([sp.nan, sp.zoo, sp.oo, -sp.oo, sp.I, None, "1", True, [1.0], np.float64(0.5), np.int64(2)]),
)


# ------------------------------------------------------------------------------ the findings, one test each
def test_quadrature_refuses_alpha_stable_noise_and_names_monte_carlo():
    stable = one_d(0, 1, -1, 1, HALF, AlphaStable((sp.Rational(9, 5),)))
    for call in (mean_exit_time, exit_probability):
        refusal(lambda: call(stable), "Lévy", "Monte Carlo", "simulate_exit")
    levy_ou = one_d(-x, sp.Rational(1, 10), -1, 1, 0, AlphaStable((sp.Rational(3, 2),)))
    refusal(lambda: mean_exit_time(levy_ou, method="mpmath"), "Monte Carlo")


def test_overdamped_langevin_refuses_a_non_positive_temperature():
    for temperature in (-0.1, 0, sp.nan, sp.oo, 1j, "hot"):
        refusal(lambda: Model.overdamped_langevin("T", x**2 / 2, x, temperature, Interval(-1, 1), 0), "temperature")
    # symbolic temperatures stay symbolic until bound
    D = sp.Symbol("D", positive=True)
    Model.overdamped_langevin("T", x**2 / 2, x, D, Interval(-1, 1), 0)


def test_binding_a_negative_temperature_gives_no_complex_diffusion():
    D = sp.Symbol("D", real=True)   # real, not positive: only the value can tell
    model = Model.overdamped_langevin("T", x**2 / 2, x, D, Interval(-1, 1), 0)
    refusal(lambda: model.bind(D=-0.1), "is not real")
    refusal(lambda: model.bind(D=1 + 2j), "D=", "real")
    refusal(lambda: one_d(-x, sp.sqrt(-0.2), -1, 1, 0), "diffusion", "not real")


def test_negative_state_dependent_variance_is_named_by_every_engine():
    model = one_d(-x, sp.sqrt(x**2 - sp.Rational(1, 4)), -1, 1, sp.Rational(3, 4))
    calls = [lambda: mean_exit_time(model), lambda: exit_probability(model),
             lambda: simulate_exit(model, n_paths=10, dt=0.01, max_time=1.0),
             lambda: simulate_exit(model, n_paths=10, dt=0.01, max_time=1.0, kernel="numba"),
             lambda: mean_exit_time_ams(model, dt=0.01, replicas=2, particles=10)]
    for call in calls:
        message = refusal(call, "variance sigma(x)^2", "is negative at x = 0.0 inside the domain")
        assert "-0.25" in message and "reduce dt" not in message


def test_a_sign_change_narrower_than_any_grid_is_found():
    # sigma^2 = (x - 0.3)^2 - 1e-8 is negative only on (0.3 - 1e-4, 0.3 + 1e-4): its critical point is sampled
    model = one_d(-x, sp.sqrt((x - sp.Rational(3, 10))**2 - sp.Rational(1, 10**8)), -1, 1, -HALF)
    refusal(lambda: simulate_exit(model, n_paths=10, dt=0.01, max_time=1.0), "is negative at x = 0.3 ")


def test_zero_noise_is_not_a_quadrature_question():
    still = one_d(-x, 0, -1, 1, 0)
    for call in (mean_exit_time, exit_probability):
        refusal(lambda: call(still), "no noise", "deterministic flow")
    # the simulator integrates the flow: every path leaves at the same step
    flow = simulate_exit(one_d(1, 0, -1, 1, 0), n_paths=5, dt=0.01, max_time=2.0)
    assert np.ptp(flow.times) == 0 and flow.times[0] == pytest.approx(1.0, abs=0.011)
    refusal(lambda: mean_exit_time_ams(still, dt=0.01, replicas=2, particles=10), "no noise")


def test_variance_vanishing_at_an_absorbing_end_is_refused():
    refusal(lambda: mean_exit_time(one_d(0, sp.sqrt(1 - x**2), -1, 1, 0)), "vanishes at the absorbing end")


def test_minimum_action_solver_refuses_a_singular_diffusion_and_says_why():
    box = Box((-1, -1), (1, 1))
    singular = Model("degenerate", (x, y), sp.Matrix([-x, -y]), sp.Matrix([[1, 0], [0, 0]]), box, (0, 0))
    refusal(lambda: minimum_action_path(singular, [0, 0], [0.5, 0.5]), "singular", "rank 1 < 2", "not supported")
    vanishing = Model("vanishing", (x, y), sp.Matrix([-x, -y]), sp.Matrix([[1, 0], [0, x]]), box, (0, HALF))
    # singular on the line x = 0, which the straight path runs along
    refusal(lambda: minimum_action_path(vanishing, [0, 0], [0, 0.5], n_points=5), "singular", "on the path")


def test_simulate_exit_refuses_a_float_path_count():
    model = one_d(-x, 1, -1, 1, HALF)
    for kernel in ("torch", "numba"):
        refusal(lambda: simulate_exit(model, n_paths=1000.0, dt=0.01, max_time=1.0, kernel=kernel),
                "n_paths=1000.0", "positive integer")
    assert simulate_exit(model, n_paths=np.int64(8), dt=0.01, max_time=100.0).n_paths == 8


def test_compiled_kernel_does_not_count_a_path_at_minus_infinity_as_an_exit():
    # Euler on dx = x^3 dt + sigma dW from -1 overflows to -inf; the natural end is -oo, where -inf <= lower held:
    # the compiled kernel used to report these paths as exits through "lower" at t ~ 1
    explodes = one_d(x**3, sp.sqrt(1 + x**2 / 2), -sp.oo, 10, -1)   # the property test's kernel: one compilation
    for kernel in ("torch", "numba"):
        with pytest.raises(FloatingPointError, match="non-finite"):
            simulate_exit(explodes, n_paths=100, dt=0.01, max_time=10, kernel=kernel)


def test_domains_refuse_nan_and_complex_bounds():
    for bounds in ((math.nan, 1), (0, 1j), (None, 1), (2, 1)):
        refusal(lambda: Interval(*bounds))
    refusal(lambda: Ball((0, 0), math.nan))
    for alpha in (math.nan, 1j, 2.5, 0):
        refusal(lambda: AlphaStable((alpha,)), "alpha")


# ------------------------------------------------------------------------------ honest quadrature errors
def _drifted_brownian_time(mu, D, L, x0):
    """Closed form on (0, L): T = (L p - x0) / mu, p = (1 - e^(-mu x0/D)) / (1 - e^(-mu L/D)) (Gardiner 5.2.7)."""
    p = -mpmath.expm1(-mu * x0 / D) / -mpmath.expm1(-mu * L / D)
    return (L * p - x0) / mu


HONESTY_CASES = {
    # two absorbing ends: the mpmath estimate said 3.4e-6 here, the true error being ~1e-16
    "drifted Brownian on (0, 2) from 1/2": (one_d(sp.Rational(7, 10), sp.sqrt(sp.Rational(3, 5)), 0, 2, HALF),
                                           lambda: _drifted_brownian_time(mpmath.mpf(7) / 10, mpmath.mpf(3) / 10, 2,
                                                                          mpmath.mpf(1) / 2)),
    # near an end the two-ended formula cancels: the panel estimate was below the true error
    "Brownian on (0, 1) from 0.999": (one_d(0, 1, 0, 1, sp.Rational(999, 1000)),
                                      lambda: mpmath.mpf(999) / 1000 * (1 - mpmath.mpf(999) / 1000)),
    # one natural end: T = x0 / mu; the mpmath estimate was 1e-24, below the float64 rounding of its own log
    "drift -1 on (0, oo) from 3/2": (one_d(-1, 1, 0, sp.oo, sp.Rational(3, 2)), lambda: mpmath.mpf(3) / 2),
}


@pytest.mark.parametrize("case", list(HONESTY_CASES))
@pytest.mark.parametrize("method", ["panel", "mpmath"])
def test_quadrature_error_estimate_bounds_the_true_error_within_1e4(case, method):
    model, exact = HONESTY_CASES[case]
    result = mean_exit_time(model, method=method, dps=15)
    with mpmath.workdps(40):
        true = float(abs(mpmath.expm1(mpmath.mpf(result.log_value) - mpmath.log(exact()))))
    resolution = math.ulp(result.log_value)   # the float64 log cannot be more exact than this
    assert true <= result.relative_error <= 1e4 * max(true, resolution), (true, result.relative_error)


# ------------------------------------------------------------------------------ property tests
@quick(40)
@given(temperature=st.one_of(st.floats(1e-2, 10), ANYTHING))
def test_property_langevin_temperature(temperature):
    model, error = outcome(lambda: Model.overdamped_langevin("T", x**2 / 2, x, temperature, Interval(-1, 1), 0))
    if error is None:
        assert model.covariance[0, 0].is_positive
        result, _ = outcome(lambda: mean_exit_time(model))
        assert result is None or (math.isfinite(result.log_value) and result.relative_error >= 0)


@quick(40)
@given(value=ANYTHING, positive=st.booleans())
def test_property_bind(value, positive):
    D = sp.Symbol("D", positive=True) if positive else sp.Symbol("D", real=True)
    template = Model.overdamped_langevin("T", x**4 / 4 - x**2 / 2, x, D, Interval(-sp.oo, 0), -1)
    model, error = outcome(lambda: template.bind(D=value))
    if error is None:
        assert model.diffusion[0].is_extended_real and model.covariance[0, 0].is_nonnegative


HALVES = st.integers(-2, 2).map(lambda k: sp.Rational(k, 2))
#: admissible: bounded below by 1/2; inadmissible: any quadratic, most of which change sign
GOOD_VARIANCE = st.tuples(st.sampled_from([HALF, 1, 2]), st.sampled_from([0, HALF, 1])).map(
    lambda c: c[0] + c[1] * x**2)
ANY_VARIANCE = st.tuples(HALVES, HALVES, HALVES).map(lambda c: c[0] + c[1] * x + c[2] * x**2)
GOOD_ENDS = st.sampled_from([(-1, 1), (-2, 1), (0, 2), (-sp.oo, 1), (-1, sp.oo), (-sp.oo, 0)])
BAD_ENDS = st.sampled_from([(1, -1), (0, 0), (-sp.oo, sp.oo), (sp.oo, sp.oo)])
BAD_START = st.sampled_from([-3, 5, math.nan, 1j, None])
BAD_ALPHA = st.one_of(st.sampled_from([0, -1, 2.5, math.nan, math.inf, 1j]), ANYTHING)


@st.composite
def one_d_models(draw, drift):
    """(variance, ends, start, noise) of a 1-D model: admissible, or with one field inadmissible."""
    broken = draw(st.integers(0, 7).map(lambda k: ("variance", "ends", "start", "noise")[k - 4] if k >= 4 else None))
    variance = draw(ANY_VARIANCE if broken == "variance" else GOOD_VARIANCE)
    ends = draw(BAD_ENDS if broken == "ends" else GOOD_ENDS)
    lo, hi = ends
    lo, hi = (hi - 3 if lo == -sp.oo else lo), (lo + 3 if hi == sp.oo else hi)
    start = draw(BAD_START) if broken == "start" else lo + (hi - lo) * sp.Rational(draw(st.integers(1, 7)), 8)
    alpha = draw(BAD_ALPHA if broken == "noise" else st.sampled_from([None, None, 1.5, 0.8]))
    return lambda: Model("1-D", (x,), sp.Matrix([drift]), sp.Matrix([[sp.sqrt(variance)]]), Interval(*ends),
                         (start,), noise=Brownian() if alpha is None else AlphaStable((alpha,)))


@quick(40)
@given(drift=st.tuples(HALVES, HALVES, HALVES).map(lambda c: c[0] + c[1] * x - abs(c[2]) * x**3),
       data=st.data(), which=st.sampled_from(["time", "probability"]))
def test_property_quadrature(drift, data, which):
    build = data.draw(one_d_models(drift))
    call = mean_exit_time if which == "time" else exit_probability
    result, error = outcome(lambda: call(build()))
    if error is None:
        assert math.isfinite(result.log_value) and math.isfinite(result.relative_error) and result.relative_error >= 0
        assert which == "time" or result.log_value <= 1e-12


COUNT_OR_NOT = st.one_of(st.integers(1, 40), st.sampled_from([0, -5, 1000.0, 2.5, True, "10", None]))
STEP_OR_NOT = st.one_of(st.floats(0.01, 0.5), st.sampled_from([0, -0.01, math.nan, math.inf, 1j, "0.1"]))
HORIZON_OR_NOT = st.one_of(st.floats(0.05, 3), st.sampled_from([0, -1, math.nan, math.inf, 0.001]))


@st.composite
def run_arguments(draw):
    """n_paths, dt, max_time, seed: admissible, or with one of them inadmissible."""
    broken = draw(st.sampled_from([None, None, "n_paths", "dt", "max_time", "seed"]))
    return {"n_paths": draw(COUNT_OR_NOT if broken == "n_paths" else st.integers(1, 40)),
            "dt": draw(STEP_OR_NOT if broken == "dt" else st.floats(0.01, 0.5)),
            "max_time": draw(HORIZON_OR_NOT if broken == "max_time" else st.floats(0.5, 3)),
            "seed": draw(st.sampled_from([-1, 0.5, "0"]) if broken == "seed" else st.integers(0, 5))}


@quick(40)
@given(data=st.data(), arguments=run_arguments())
def test_property_simulate_exit(data, arguments):
    build = data.draw(one_d_models(-x))   # linear drift: Euler is stable for dt < 2
    result, error = outcome(lambda: simulate_exit(build(), **arguments))
    if error is None:
        assert isinstance(result, ExitTimes) and result.n_paths == arguments["n_paths"]
        assert not np.isnan(result.times).any() and np.all(np.isfinite(result.times) == (result.sides >= 0))


@quick(15)
@given(arguments=run_arguments())
def test_property_simulate_exit_compiled_kernel(arguments):
    model = one_d(x**3, sp.sqrt(1 + x**2 / 2), -1, 1, HALF)   # one kernel compilation for the whole file
    result, error = outcome(lambda: simulate_exit(model, kernel="numba", **arguments))
    if error is None:
        assert not np.isnan(result.times).any() and np.all(np.isfinite(result.times) == (result.sides >= 0))


@st.composite
def ams_arguments(draw):
    """(sigma, keyword arguments) of an OU exit from (-oo, 1) by AMS: admissible, or with one of them inadmissible."""
    broken = draw(st.sampled_from([None, None, "sigma", "dt", "replicas", "particles", "levels", "seed"]))
    sigma = draw(ANYTHING if broken == "sigma" else st.sampled_from([sp.Rational(6, 10), sp.Rational(7, 10)]))
    arguments = {"dt": draw(st.sampled_from([0, -0.05, math.nan, 5e-2j, "0.05"]) if broken == "dt" else st.just(0.05)),
                 "replicas": draw(st.sampled_from([1, 2.0, 0, None]) if broken == "replicas" else st.just(2)),
                 "particles": draw(st.sampled_from([-10, 10.5, True]) if broken == "particles" else st.just(10)),
                 "levels": draw(st.sampled_from([(0.2, 0.1), (math.nan, 0.5), "low", (1j, 2), (0.1,)])
                                if broken == "levels" else st.just(None)),
                 "seed": draw(st.sampled_from([-1, 0.5]) if broken == "seed" else st.integers(0, 3))}
    return sigma, arguments


@quick(16)
@given(case=ams_arguments())
def test_property_ams(case):
    sigma, arguments = case
    result, error = outcome(lambda: mean_exit_time_ams(one_d(-x, sigma, -sp.oo, 1, 0), cycle_paths=8, cycles=2,
                                                       pilot_paths=16, pilot_steps=100, **arguments))
    if error is None:
        assert math.isfinite(result.mean_time) and math.isfinite(result.mean_time_stderr) and result.mean_time > 0


@st.composite
def action_problems(draw):
    """(sigma, end, n_points) of a 2-D quadratic minimum: admissible, or with one of them inadmissible."""
    broken = draw(st.integers(0, 7).map(lambda k: ("singular", "complex", "end", "n_points")[k - 4] if k >= 4 else None))
    if broken == "singular":   # rank one, including zero
        u, v = draw(st.tuples(st.integers(-2, 2), st.integers(-2, 2))), draw(st.integers(-2, 2))
        sigma = [u[0], v * u[0], u[1], v * u[1]]
    else:
        sigma = draw(st.sampled_from([[1, 0, 0, 1], [2, 0, 0, 1], [1, HALF, 0, 1], [1, 1, -1, 1]]))
        if broken == "complex":
            sigma[draw(st.integers(0, 3))] = draw(st.sampled_from([sp.I, sp.sqrt(-2), sp.nan, sp.zoo]))
    end = draw(st.sampled_from([(math.nan, 0.0), (0.5,), (1j, 0), "far", None, (0.5, 0.5, 0.5), (math.inf, 0)])
               if broken == "end" else st.tuples(st.floats(-0.9, 0.9), st.floats(-0.9, 0.9)))
    n_points = draw(st.sampled_from([2, 5.0, -1, None]) if broken == "n_points" else st.just(5))
    return sigma, end, n_points


@quick(25)
@given(problem=action_problems())
def test_property_minimum_action(problem):
    sigma, end, n_points = problem

    def call():
        model = Model("2-D", (x, y), sp.Matrix([-x, -2 * y]), sp.Matrix(2, 2, sigma), Box((-1, -1), (1, 1)), (0, 0))
        return minimum_action_path(model, [0, 0], end, n_points=n_points, rtol=0.5)
    try:
        result, error = outcome(call)
    except NotConvergedError as documented:   # the solver's own "use more points"
        assert "\n" not in str(documented)
        return
    if error is None:
        assert math.isfinite(result.action) and result.action >= -1e-9 and np.isfinite(result.path).all()


@quick(40)
@given(lower=ANYTHING, upper=ANYTHING, radius=ANYTHING, alpha=ANYTHING)
def test_property_domains_and_noise(lower, upper, radius, alpha):
    for build in (lambda: Interval(lower, upper), lambda: Box((lower, 0), (upper, 1)), lambda: Ball((0, 0), radius),
                  lambda: AlphaStable((alpha,))):
        outcome(build)
