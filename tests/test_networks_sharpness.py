"""Seed 003 sec. 5 on a real network (numerics/network_exit.py, verify/checks/networks_sharpness.py)."""

import copy
import math

import numpy as np
import pytest
import torch

from numerics.nets import sharpness as X
from numerics.nets.data import breast_cancer
from theory import ParameterError
from verify import Context, Verdict, get_check
from verify.checks import networks_sharpness as S


@pytest.fixture(scope="module")
def tiny_minimum():
    torch.set_num_threads(1)
    x, labels = breast_cancer()
    x, labels = x[:60], labels[:60]
    return X.train_mse_minimum(X.one_hidden_layer_mlp(x.shape[1], 3, 2, 0), x, X.one_hot(labels), lr=0.3,
                               max_iterations=200)


def _looped_sgd(minimum, setting, indices_per_step):
    """Reference: one nn.Module per run, torch.optim.SGD on b * mean_batch |f(sqrt(a) theta)(x) - t|^2 / 2."""
    model = copy.deepcopy(minimum.model)
    with torch.no_grad():
        for p in model.parameters():
            p.div_(math.sqrt(setting.sharpness))
    optimiser = torch.optim.SGD(model.parameters(), lr=setting.lr)
    for indices in indices_per_step:
        chosen = indices[:setting.batch_size]
        optimiser.zero_grad()
        scaled = {k: v * math.sqrt(setting.sharpness) for k, v in model.named_parameters()}
        out = torch.func.functional_call(model, scaled, (minimum.x[chosen],))
        loss = setting.depth * (((out - minimum.targets[chosen]) ** 2).sum(dim=1) / 2).mean()
        loss.backward()
        optimiser.step()
    return {k: v.detach() for k, v in model.named_parameters()}


def test_batched_sgd_runs_equal_a_loop_of_runs(tiny_minimum):
    settings = [X.ExitSetting(2.0, 1.0, 0.1, 5), X.ExitSetting(0.5, 1.5, 0.2, 9)]
    engine = X.BatchedRuns(tiny_minimum, "sgd", settings, runs=2)
    params, active = engine.start(), torch.arange(4)
    generator = torch.Generator().manual_seed(0)
    draws = [engine.draw(active, generator) for _ in range(3)]
    with torch.no_grad():
        for draw in draws:
            params = engine.step(params, active, draw)
    for run in range(4):
        looped = _looped_sgd(tiny_minimum, settings[run // 2], [d[run] for d in draws])
        for name, value in looped.items():
            torch.testing.assert_close(params[name][run], value, rtol=1e-10, atol=1e-12)


def test_batched_proximal_runs_equal_a_loop_of_runs(tiny_minimum):
    settings = [X.ExitSetting(1.5, 0.8, 0.1, 4)]
    engine = X.BatchedRuns(tiny_minimum, "proximal", settings, runs=3, noise_std=0.05)
    params, active = engine.start(), torch.arange(3)
    noise = engine.draw(active, torch.Generator().manual_seed(1))
    with torch.no_grad():
        params = engine.step(params, active, noise)
    start = {k: v / math.sqrt(1.5) for k, v in tiny_minimum.parameters().items()}
    for run in range(3):
        p = {k: v.clone().requires_grad_(True) for k, v in start.items()}
        X.transformed_loss(tiny_minimum.model, p, tiny_minimum.x, tiny_minimum.targets, 1.5, 0.8).backward()
        offset = 0
        for name, value in p.items():
            piece = noise[run, offset:offset + value.numel()].reshape(value.shape)
            offset += value.numel()
            expected = value.detach() - 0.1 * value.grad + 0.1 * 0.05 / 2.0 * piece
            torch.testing.assert_close(params[name][run], expected, rtol=1e-10, atol=1e-12)


def _top_eigenvalue_exact(minimum, a, b):
    """lambda_max of the full Hessian of b L(sqrt(a) theta) at theta*/sqrt(a), by torch.func.hessian + eigvalsh."""
    params = {k: v / math.sqrt(a) for k, v in minimum.parameters().items()}
    names, shapes = list(params), [v.shape for v in params.values()]
    sizes = [v.numel() for v in params.values()]
    flat = torch.cat([v.reshape(-1) for v in params.values()])

    def loss(vector):
        pieces = {n: p.reshape(s) for n, p, s in zip(names, torch.split(vector, sizes), shapes)}
        return X.transformed_loss(minimum.model, pieces, minimum.x, minimum.targets, a, b)
    return float(torch.linalg.eigvalsh(torch.func.hessian(loss)(flat))[-1])


def test_sharpness_and_depth_multiply_the_top_hessian_eigenvalue(tiny_minimum):
    """003 sec. 5: L(sqrt(a) theta) has a lambda_max at theta*/sqrt(a); b L has b lambda_max. Full Hessian by
    torch.func.hessian on the tiny model, and the power iteration the checks use."""
    base = _top_eigenvalue_exact(tiny_minimum, 1.0, 1.0)
    for sharpness, depth in ((2.5, 1.0), (0.6, 1.7)):
        transformed = _top_eigenvalue_exact(tiny_minimum, sharpness, depth)
        assert transformed == pytest.approx(sharpness * depth * base, rel=1e-9)
    power = X.top_hessian_eigenvalue(tiny_minimum, 0.6, 1.7, iterations=200)
    assert power == pytest.approx(0.6 * 1.7 * base, rel=1e-3)


def test_sharpness_acts_as_learning_rate_for_sgd(tiny_minimum):
    """The derived fact the SGD check relies on: SGD on b L(sqrt(a) theta) at eta is SGD on L at a b eta (same
    mini-batches, same region), so the exit steps coincide run by run."""
    common = dict(runs=16, depth_gap=0.002, max_steps=400, seed=5)
    transformed = X.exit_times(tiny_minimum, "sgd", [X.ExitSetting(2.0, 1.5, 0.05, 6)], **common)
    plain = X.exit_times(tiny_minimum, "sgd", [X.ExitSetting(1.0, 1.0, 0.15, 6)], **common)
    assert (transformed.steps >= 0).sum() > 0
    np.testing.assert_array_equal(transformed.steps, plain.steps)


def test_ibayashi_assumption_2_is_measured_and_depth_breaks_it(tiny_minimum):
    """Issue 16: 003 Assumption 2 (C ~ H*) at theta*, and why the depth map breaks it: the per-sample gradients of
    b l_i are b grad l_i (C -> b^2 C) while the Hessian of b L is b H, so tr C / tr H -> b tr C / tr H."""
    from numerics.nets.gradients import per_sample_gradients

    per_sample = per_sample_gradients(tiny_minimum.model, tiny_minimum.x, tiny_minimum.targets, X.mse_loss)
    measured = X.assumption_2(tiny_minimum, per_sample)
    assert measured["tr C"] > 0 and measured["tr H*"] >= _top_eigenvalue_exact(tiny_minimum, 1.0, 1.0) - 1e-12
    assert -1 <= measured["cosine of C and H* (proportional: 1)"] <= 1
    assert measured["tr C / tr H* (Assumption 2: 1)"] == pytest.approx(measured["tr C"] / measured["tr H*"])
    depth = 1.7
    scaled = X.assumption_2(tiny_minimum, depth * per_sample)       # C of b L; H of b L is b H
    assert scaled["tr C"] / (depth * measured["tr H*"]) == pytest.approx(depth * measured["tr C / tr H* (Assumption 2: 1)"])
    assert "Assumption 2" in S.DEPTH_READING["verdict"]


def test_censored_log_mean_keeps_censored_runs():
    steps = np.array([10, 20, 30, -1, -1])
    summary = X.censored_log_mean(steps, max_steps=100)
    assert summary["censored"] == 2 and summary["censored fraction"] == pytest.approx(0.4)
    assert summary["mean"] == pytest.approx((10 + 20 + 30 + 200) / 3)        # exponential MLE
    assert summary["restricted mean (lower bound)"] == pytest.approx(260 / 5)
    assert summary["se_ln_mean"] == pytest.approx(1 / math.sqrt(3))
    uncensored = X.censored_log_mean(np.array([4, 6, 8]), max_steps=100)
    assert uncensored["ln_mean"] == pytest.approx(math.log(6)) and uncensored["estimator"] == "sample mean"
    assert X.censored_log_mean(np.array([-1, -1]), max_steps=50)["ln_mean"] is None


def test_exit_times_report_censoring(tiny_minimum):
    record = X.exit_times(tiny_minimum, "sgd", [X.ExitSetting(1.0, 1.0, 0.01, 30)], runs=8, depth_gap=0.5,
                          max_steps=5, seed=0)
    assert record.censored.all() and record.steps.shape == (1, 8)
    assert record.summary(0)["censored"] == 8


def test_bad_input_raises_parameter_error(tiny_minimum):
    n = tiny_minimum.n_samples
    for bad in (X.ExitSetting(0.0, 1.0, 0.1, 4), X.ExitSetting(-1.0, 1.0, 0.1, 4), X.ExitSetting(1.0, 0.0, 0.1, 4),
                X.ExitSetting(1.0, 1.0, 0.0, 4), X.ExitSetting(1.0, 1.0, -0.1, 4), X.ExitSetting(1.0, 1.0, 0.1, n + 1),
                X.ExitSetting(1.0, 1.0, 0.1, 0)):
        with pytest.raises(ParameterError):
            X.exit_times(tiny_minimum, "sgd", [bad], runs=2, depth_gap=0.1, max_steps=3, seed=0)
    with pytest.raises(ParameterError):
        X.top_hessian_eigenvalue(tiny_minimum, sharpness=0.0)
    with pytest.raises(ParameterError):
        X.exit_times(tiny_minimum, "proximal", [X.ExitSetting(1.0, 1.0, 0.1, 4)], runs=2, depth_gap=0.1,
                     max_steps=3, seed=0)                     # no noise scale
    with pytest.raises(ParameterError):
        X.matched_isotropic_std(tiny_minimum, n + 1)


def test_claimed_directions_come_from_the_claims():
    assert S.stated_directions("sgd") == {"sharpness": 1, "inverse learning rate": 1, "batch size": 1, "depth": 1}
    assert S.stated_directions("proximal")["sharpness"] == 0


def test_weighted_fit_and_sign_decision():
    x = np.linspace(0, 1, 6)
    se = np.full(6, 0.01)
    noise = np.array([0.01, -0.01, 0.005, -0.005, 0.0, 0.002])
    fit = S.weighted_fit(x, 2 - 3 * x + noise, se, 1e-3)
    assert fit["slope"] == pytest.approx(-3, abs=0.05) and fit["ci"][0] < fit["slope"] < fit["ci"][1]
    assert S.sign_decision(fit, +1, 1e-3) == "opposite" and S.sign_decision(fit, -1, 1e-3) == "agrees"
    flat = S.weighted_fit(x, 2 + noise, np.full(6, 0.5), 1e-3)
    assert S.sign_decision(flat, +1, 1e-3) == "not significant"


SMALL = {"runs": 12, "max_steps": 400, "gd_max_iterations": 400, "power_iterations": 10,
         "sharpness_values": [0.7, 1.0, 1.75], "lr_multipliers": [0.7, 1.0, 1.75], "depth_values": [0.7, 1.0, 1.75],
         "lr": 0.25}


def _verdict_implied_by(evidence, system):
    decisions = evidence["sign decisions"].values()
    if system == "sgd":
        exponent = evidence["exponent of a (ln E = c + K a^-p)"]
        paired = evidence["a^(-1/2) against the 1/eta law on pairs (gamma = 1: the claim)"]
        if "opposite" in decisions or (exponent is not None and not exponent["stated p inside the interval"]) \
                or (paired is not None and paired["claim rejected"]):
            return Verdict.REFUTED
        return Verdict.VERIFIED if all(d == "agrees" for d in decisions) and (exponent or paired) \
            else Verdict.INCONCLUSIVE
    independence = evidence["independence of sharpness (equivalence test)"]
    decision = independence and independence["decision"]
    if "opposite" in decisions or decision == "dependent beyond the margin":
        return Verdict.REFUTED
    if all(d == "agrees" for d in decisions) and decision == "independent within the margin":
        return Verdict.VERIFIED
    return Verdict.INCONCLUSIVE


def test_sgd_check_verdict_follows_its_evidence():
    check = get_check("networks.ibayashi_sgd_sweeps")
    params = {**check.params, **SMALL, "batch_sizes": [8, 16, 28]}
    finding = check.body(Context(suite="networks", seed=check.seed), params)
    evidence = finding.evidence
    assert set(evidence["rows"]) == set(S.VARIABLES)
    for rows in evidence["rows"].values():
        for row in rows:
            assert len(row["exit steps (-1 = censored)"]) == params["runs"]
            assert row["censored"] == sum(s < 0 for s in row["exit steps (-1 = censored)"])
    assert finding.verdict is _verdict_implied_by(evidence, "sgd")
    assert evidence["minimum"]["lambda_max(H*) (power iteration)"] > 0


def test_proximal_check_verdict_follows_its_evidence():
    check = get_check("networks.ibayashi_proximal_sweeps")
    params = {**check.params, **SMALL, "runs": 8, "batch_sizes": [12, 16, 20], "depth_values": [0.8, 1.0, 1.25],
              "max_steps": 250}
    finding = check.body(Context(suite="networks", seed=check.seed), params)
    evidence = finding.evidence
    assert evidence["proximal noise"]["sigma_0"] > 0
    assert finding.verdict is _verdict_implied_by(evidence, "proximal")


def test_paired_sharpness_test_recovers_gamma():
    """gamma = 1 when the sharpness sweep follows the claim's a^(-1/2) with the 1/eta law's exponent, 0 when a acts
    exactly as eta."""
    eta0, exponent, grid = 0.2, 3.0, [0.7, 1.0, 1.45, 1.75]
    lr_rows = [{"eta": eta0 * r, "a": 1.0, "ln_mean": exponent * eta0 / (eta0 * r), "se_ln_mean": 0.05}
               for r in grid]
    fits = {"inverse learning rate": {"slope": exponent * eta0, "slope SE": 1e-3}}
    for claimed, expected in ((True, 1.0), (False, 0.0)):
        sharp = [{"eta": eta0, "a": r, "ln_mean": exponent * (r ** -0.5 if claimed else 1 / r), "se_ln_mean": 0.05}
                 for r in grid]
        result = S.sharpness_against_learning_rate({"sharpness": sharp, "inverse learning rate": lr_rows}, fits,
                                                   eta0, 1e-3)
        assert result["gamma"] == pytest.approx(expected, abs=1e-9)
        assert result["claim rejected"] is (not claimed)
