"""002 sec. 5.2 (verify/checks/power_law_four_basin.py): the 2-D four-basin escape experiment."""

import math

import numpy as np
import pytest
import torch

from theory import get_claim
from verify import Context, get_check
from verify.checks import power_law_four_basin as FB

ALTERNATIVE = "alternative reading: x_m ~ N(0, 0.01^2 I_2)"


@pytest.fixture(scope="module")
def outcome():
    return get_check("meng.four_basin").run(Context(suite="quick"))


def _readings(outcome):
    return {"stated": outcome.evidence["stated reading"], "alternative": outcome.evidence[ALTERNATIVE]}


def test_meng_four_basin_rates_and_intervals(outcome):
    repetitions = get_check("meng.four_basin").parameters_for("quick")["repetitions"]
    for reading in _readings(outcome).values():
        assert {r["loss"] for r in reading["rates"]} == {"L", "0.9 L"}
        for row in reading["rates"]:
            assert 0 <= row["rate"] <= 1
            assert row["rate"] == row["escaped"] / row["repetitions"]
            if not row["dynamic"].startswith("gradient descent"):  # GD is deterministic: one path
                assert row["repetitions"] == repetitions
            for key in ("wilson 95%", "decision interval"):
                low, high = row[key]
                assert low - 1e-12 <= row["rate"] <= high + 1e-12
            # the decision interval is wider (Bonferroni over 8 intervals at 1 - 1e-4)
            assert row["decision interval"][0] <= row["wilson 95%"][0] + 1e-12
            assert row["decision interval"][1] >= row["wilson 95%"][1] - 1e-12


def test_meng_four_basin_lambda2_matches_the_trace_condition(outcome):
    for reading in _readings(outcome).values():
        by_loss = {s["loss"]: s for s in reading["settings"]}
        for setting in by_loss.values():
            # 002 sec. 5.2: Tr Cov(lambda_2 xi_2) = 2 lambda_2^2 = Tr Cov(g(w*))
            assert 2 * setting["lambda_2"] ** 2 == pytest.approx(setting["Tr Cov(g(w*))"], rel=1e-12)
        # the noise of SGD on 0.9 L is 0.9 times that on L: the trace scales by 0.81
        assert by_loss["0.9 L"]["Tr Cov(g(w*))"] == pytest.approx(0.81 * by_loss["L"]["Tr Cov(g(w*))"], rel=1e-12)
        assert max(abs(g) for g in reading["data"]["grad L(w*)"]) < 1e-8
        w_star = reading["data"]["w* (numerical minimiser of L near (1, 1))"]
        assert all(abs(c - 1) < 0.05 for c in w_star)


def test_meng_four_basin_stated_reading_is_degenerate(outcome):
    stated = outcome.evidence["stated reading"]
    # x_m ~ N(0, 0.01 I): eta * lambda_max(H(w*)) > 2, so noise-free gradient descent leaves the basin too
    for setting in stated["settings"]:
        assert setting["eta * largest Hessian eigenvalue at w*"] > 2
    gd = [r for r in stated["rates"] if r["dynamic"].startswith("gradient descent")]
    assert all(r["rate"] == 1 for r in gd)
    assert "not a stable fixed point" in outcome.evidence["diagnosis"]
    assert stated["analysis"]["L"]["(i) rate(lambda_1 max) > rate(lambda_1 = 0)"] == "undecided"
    assert outcome.verdict.value == "INCONCLUSIVE"


def test_meng_four_basin_alternative_reading_separates_the_dynamics(outcome):
    alternative = outcome.evidence[ALTERNATIVE]
    for setting in alternative["settings"]:
        assert setting["eta * largest Hessian eigenvalue at w*"] < 2
    rates = {(r["loss"], r["dynamic"]): r["rate"] for r in alternative["rates"]}
    assert rates[("L", "gradient descent (no noise)")] == 0
    curve = alternative["analysis"]["L"]["(i) rates along the lambda_1 grid"]
    assert curve["40"] > 0.9 and curve["0"] < 0.1
    assert alternative["analysis"]["L"]["(i) rate(lambda_1 max) > rate(lambda_1 = 0)"] == "supported"
    assert 0 < rates[("L", "SGD (b=1)")] < 1


def test_meng_four_basin_trace_fit(outcome):
    for reading in _readings(outcome).values():
        fit = reading["trace of the SGD noise covariance along a line"]
        s = np.array(fit["s"])
        trace = np.array(fit["Tr Sigma(w* + s (1,1)/sqrt2)"])
        assert np.all(trace > 0)
        a, c = fit["fit a"], fit["fit c"]
        # the least-squares normal equations hold: the residual is orthogonal to 1 and s^2
        residual = trace - (a + c * s**2)
        assert abs(residual.sum()) < 1e-8 * trace.sum() and abs(residual @ s**2) < 1e-8 * (trace @ s**2)
        assert c > 0 and fit["Prop. 1 coefficient (Var h~_1 + Var h~_2)/2"] > 0


def test_meng_four_basin_plot(outcome):
    figure = FB.plot_four_basin(outcome)
    assert len(figure.axes) == 2


def test_meng_four_basin_claim_has_its_source():
    claim = get_claim("meng.four_basin")
    assert claim.sources[0].seed == "002_0bd15634cbfb0ce4.txt" and "5.2" in claim.sources[0].locator
    assert FB.FOUR_BASIN_CLAIM is claim


def test_loss_derivatives_against_finite_differences():
    u = torch.tensor([-2.3, -0.7, 0.09, 0.5, 0.95, 1.05, 1.8], dtype=torch.float64)
    step = 1e-6
    numeric_first = (FB.loss_1d(u + step) - FB.loss_1d(u - step)) / (2 * step)
    torch.testing.assert_close(FB.loss_1d_derivative(u), numeric_first, rtol=1e-6, atol=1e-6)
    numeric_second = (FB.loss_1d_derivative(u + step) - FB.loss_1d_derivative(u - step)) / (2 * step)
    torch.testing.assert_close(FB.loss_1d_second_derivative(u), numeric_second, rtol=1e-6, atol=1e-5)


def test_gradient_covariance_trace_is_the_minibatch_covariance():
    data, w_star = FB.four_basin_data(100, 0.01, 0)
    problem = FB.FourBasinLoss(data)
    w = torch.as_tensor(w_star)[None] + 0.05
    per_sample = problem.per_sample_gradients(w)[0].numpy()
    exact = np.trace(np.cov(per_sample.T, bias=True))
    assert float(problem.gradient_covariance_trace(w, 1)[0]) == pytest.approx(exact, rel=1e-12)
    # sampling b indices with replacement: Tr Cov(g) = trace / b (002 eq. 2); 40k draws, relative error of
    # the trace estimate ~ 1 %, tolerance 6 %
    b, draws = 4, 40_000
    g = problem.minibatch_gradient(w.repeat(draws, 1), b, torch.Generator().manual_seed(0)).numpy()
    assert np.trace(np.cov(g.T)) == pytest.approx(exact / b, rel=0.06)
    np.testing.assert_allclose(g.mean(0), problem.gradient(w)[0].numpy(), atol=6 * math.sqrt(exact / b / draws))


def test_escape_steps_records_the_first_step_below_zero():
    start = torch.tensor([[0.35, 1.0], [1.0, 1.0], [1.0, 0.05]], dtype=torch.float64)
    shift = torch.tensor([[0.1, 0.0], [0.0, 0.0], [0.0, 0.1]], dtype=torch.float64)
    first = FB.escape_steps(start, 10, lambda w, alive: w - shift[alive])
    assert first.tolist() == [4, 0, 1]
    # a path that becomes non-finite counts as escaped
    first = FB.escape_steps(start[:1], 3, lambda w, alive: w * float("inf"))
    assert first.tolist() == [1]
