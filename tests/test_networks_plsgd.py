"""PL-SGD vs SGD vs SGLD with a large batch (002_0bd15634cbfb0ce4.txt sec. 5.3, eqs. 13-14): the batched update, the
batched seeds, model selection on validation data only, and the verdict the evidence implies."""

import math

import numpy as np
import pytest
import torch

from numerics.nets import data as D
from numerics.nets import plsgd as P
from numerics.nets.optim import PLSGD
from theory import ParameterError
from verify import Context, Verdict, get_check
from verify.checks.networks_plsgd import crossed_interval, decide

LAMBDA1, LAMBDA2 = 0.02, 1e-4    # 002 sec. 5.3's best PL-SGD variances


@pytest.fixture(scope="module")
def small_splits():
    return D.digits(test=200, validation=200, seed=0, dtype=torch.float64)


def _cross_entropy_grads(model, x, y):
    model.zero_grad()
    torch.nn.functional.cross_entropy(model(x), y).backward()


def test_meng_sec5_3_batched_update_is_plsgd_eq13(small_splits):
    # one step of the batched eq. 13 with the same generator equals numerics.nets.optim.PLSGD.from_eq13
    x, y = small_splits.x_train[:64], small_splits.y_train[:64]
    model = P.initial_model(64, 8, 10, seed=1, dtype=torch.float64)
    before = [p.detach().clone() for p in model.parameters()]
    _cross_entropy_grads(model, x, y)
    grads = [p.grad.detach().clone() for p in model.parameters()]
    PLSGD.from_eq13(model.parameters(), 0.5, LAMBDA1, LAMBDA2, generator=torch.Generator().manual_seed(9)).step()
    setting = P.NoiseSetting.plsgd(LAMBDA1, LAMBDA2)
    noise = P.draw_noise(torch.Generator().manual_seed(9), [w.shape for w in before], setting, torch.float64)
    for w, g, (xi_1, xi_2), after in zip(before, grads, noise, model.parameters()):
        mine = P.plsgd_update(w[None], g[None], 0.5, torch.tensor([setting.state_std], dtype=torch.float64),
                              torch.tensor([setting.constant_std], dtype=torch.float64), xi_1[None], xi_2[None])[0]
        torch.testing.assert_close(mine, after.detach(), rtol=1e-12, atol=1e-14)
        # and eq. 13 written out: xi ~ N(0, lambda I) is sqrt(lambda) times a standard normal
        by_hand = w - 0.5 * g + 0.5 * w.abs() * (math.sqrt(LAMBDA1) * xi_1) + 0.5 * (math.sqrt(LAMBDA2) * xi_2)
        torch.testing.assert_close(mine, by_hand, rtol=1e-12, atol=1e-14)


def test_sgld_and_sgd_are_eq13_with_zero_variances():
    assert (P.NoiseSetting.sgld(1e-3).lambda1, P.NoiseSetting.sgld(1e-3).lambda2) == (0.0, 1e-3)
    noise = P.draw_noise(torch.Generator().manual_seed(0), [(3,)], P.NoiseSetting.sgld(1e-3), torch.float64)
    assert torch.equal(noise[0][0], torch.zeros(3)) and not torch.equal(noise[0][1], torch.zeros(3))
    w = torch.tensor([[1.0, -2.0]])
    zero = torch.zeros(1)
    out = P.plsgd_update(w, torch.ones_like(w), 0.1, zero, zero, torch.randn(1, 2), torch.randn(1, 2))
    torch.testing.assert_close(out, w - 0.1)      # SGD: no noise whatever the normals


def test_meng_sec5_3_batched_seeds_equal_a_loop_of_seeds(small_splits):
    settings = [P.NoiseSetting.sgd(), P.NoiseSetting.plsgd(LAMBDA1, LAMBDA2), P.NoiseSetting.sgld(1e-3)]
    seeds = [3, 4]
    plan = P.TrainingPlan(width=8, batch_size=300, epochs=2, lr=0.5)
    run = P.train_batched(settings, seeds, small_splits, plan)
    x, y = small_splits.x_train, small_splits.y_train
    for k, setting in enumerate(settings):
        for j, seed in enumerate(seeds):
            model = P.initial_model(64, plan.width, 10, seed, torch.float64)
            optimiser = PLSGD.from_eq13(model.parameters(), plan.lr, setting.lambda1, setting.lambda2,
                                        generator=P.noise_generator(seed))
            batches = P.batch_generator(seed)
            for epoch in range(plan.epochs):
                for group in optimiser.param_groups:
                    group["lr"] = plan.lr_at(epoch)
                order = torch.randperm(len(y), generator=batches)
                for b in range(len(y) // plan.batch_size):
                    rows = order[b * plan.batch_size:(b + 1) * plan.batch_size]
                    _cross_entropy_grads(model, x[rows], y[rows])
                    optimiser.step()
            row = k * len(seeds) + j
            assert run.settings[row] == setting and run.seeds[row] == seed
            for name, value in model.named_parameters():
                torch.testing.assert_close(run.params[name][row], value.detach(), rtol=1e-9, atol=1e-11)
            with torch.no_grad():
                accuracy = (model(x).argmax(1) == y).double().mean().item()
            assert run.train_accuracy[row] == pytest.approx(accuracy)
    # the lr was annealed by 10x after half the epochs
    assert plan.lr_at(0) == 0.5 and plan.lr_at(1) == pytest.approx(0.05)


def test_noise_levels_are_chosen_on_validation_data_only(small_splits):
    grid = P.default_grid([1e-3], [0.0], [1e-4])
    plan = P.TrainingPlan(width=8, batch_size=300, epochs=3, lr=0.5)
    with pytest.raises(ParameterError, match="selection_splits"):
        P.grid_search(small_splits, grid, [0, 1], plan)      # a test part is refused
    shuffled = D.Splits(**{**small_splits.__dict__,
                           "y_test": small_splits.y_test[torch.randperm(200, generator=torch.Generator()
                                                                        .manual_seed(0))]})
    first = P.compare_optimisers(small_splits, grid, [0, 1], [2, 3], plan)
    second = P.compare_optimisers(shuffled, grid, [0, 1], [2, 3], plan)
    # scrambling the test labels changes the test accuracies but neither the grid nor the choice
    assert first["search"] == second["search"]
    assert np.array_equal(first["run"].train_accuracy, second["run"].train_accuracy)
    assert not np.array_equal(first["run"].test_accuracy, second["run"].test_accuracy)
    cells = first["search"]["cells"]
    assert len(cells) == 3 and all(0 <= c["validation accuracy (mean)"] <= 1 for c in cells)
    best = max((c for c in cells if c["optimiser"] == "PL-SGD"), key=lambda c: c["validation accuracy (mean)"])
    assert first["search"]["chosen"]["PL-SGD"].lambda1 == best["lambda1"]
    assert not set(small_splits.indices["validation"]) & set(small_splits.indices["test"])


def test_crossed_interval_adds_seed_and_example_variance():
    # D[s, i] = a_s + b_i: the seed part is Var(a)/S and the example part Var(b)/N exactly
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 0.02, 6), rng.normal(0, 0.3, 50)
    interval = crossed_interval(a[:, None] + b[None, :], 0.999)
    assert interval["SE seed part"] == pytest.approx(math.sqrt(np.var(a, ddof=1) / 6))
    assert interval["SE test-example part"] == pytest.approx(math.sqrt(np.var(b, ddof=1) / 50))
    assert interval["low"] < interval["mean"] < interval["high"] and interval["degrees of freedom"] == 5
    with pytest.raises(ParameterError):
        crossed_interval(np.zeros((1, 5)), 0.99)


def _interval(low, high):
    return {"low": low, "high": high, "mean": (low + high) / 2}


@pytest.mark.parametrize("accuracy, gap, sgld, verdict", [
    ((0.01, 0.03), (-0.03, -0.01), (-0.01, 0.01), Verdict.VERIFIED),
    ((0.01, 0.03), (-0.03, 0.01), (-0.01, 0.01), Verdict.INCONCLUSIVE),     # gap not significant
    ((-0.03, -0.01), (-0.03, -0.01), (-0.01, 0.01), Verdict.REFUTED),       # PL-SGD worse
    ((-0.01, 0.01), (0.01, 0.02), (-0.01, 0.01), Verdict.REFUTED),          # PL-SGD's gap larger
    ((0.01, 0.03), (-0.03, -0.01), (0.005, 0.01), Verdict.REFUTED),         # SGLD better than SGD
])
def test_decision_rule(accuracy, gap, sgld, verdict):
    assert decide(_interval(*accuracy), _interval(*gap), _interval(*sgld))[0] is verdict


def test_meng_sec5_3_check_verdict_follows_its_evidence():
    check = get_check("networks.plsgd_large_batch")
    small = {"validation": 200, "test": 200, "width": 8, "epochs": 12, "batch_size": 400, "lambda1_grid": [1e-3, 1e-2],
             "lambda2_grid": [0.0], "lambda3_grid": [1e-4, 1e-3], "grid_seeds": 2, "seeds": 3,
             "reference_batch_size": 200, "min_large_batch_gap_pp": None}    # no precondition: PL-SGD always runs
    finding = check.body(Context(suite="networks", seed=check.seed), {**check.params, **small})
    evidence = finding.evidence
    comparison = evidence["comparisons (paired by seed; two-way SE over seeds and test examples)"]
    expected, _ = decide(comparison["PL-SGD - SGD"]["test accuracy"],
                         comparison["PL-SGD - SGD"]["gap (train - test accuracy)"],
                         comparison["SGLD - SGD"]["test accuracy"])
    assert finding.verdict is expected
    assert evidence["per-interval confidence (Bonferroni over 3 refuting tests)"] == pytest.approx(1 - 1e-3 / 3)
    assert len(evidence["grid (every cell: validation accuracy over grid seeds)"]) == 1 + 2 * 1 + 2
    assert evidence["chosen"]["PL-SGD lambda1"] in small["lambda1_grid"]
    assert evidence["chosen"]["SGLD lambda3"] in small["lambda3_grid"]
    assert evidence["validation and test rows disjoint"] is True
    assert not set(evidence["grid seeds"]) & set(evidence["evaluation seeds"])
    rows = evidence["per optimiser"]
    assert [r["optimiser"] for r in rows] == ["SGD", "PL-SGD", "SGLD", "SGLD", "SGLD"]
    for row in rows:
        per_seed = row["per seed"]
        assert per_seed["seed"] == evidence["evaluation seeds"]
        np.testing.assert_allclose(per_seed["gap (train - test accuracy)"],
                                   np.subtract(per_seed["train accuracy"], per_seed["test accuracy"]))
    accuracy = comparison["PL-SGD - SGD"]["test accuracy"]
    per_seed_difference = np.subtract(rows[1]["per seed"]["test accuracy"], rows[0]["per seed"]["test accuracy"])
    assert accuracy["mean"] == pytest.approx(per_seed_difference.mean())
    # the plot is drawn from the evidence alone: one point per optimiser plus the small-batch reference
    import matplotlib
    matplotlib.use("Agg")
    from verify.outcome import Outcome, to_jsonable
    figure = check.plot(Outcome(check.id, "meng.sec5_3", "", "experiment", finding.verdict, finding.summary,
                                to_jsonable(evidence)))
    assert len(figure.axes[0].get_xticks()) == len(rows) + 1


def test_meng_sec5_3_plsgd_is_tested_only_after_a_large_batch_gap():
    """Issue 16: PL-SGD's claim is that it recovers what a large batch costs; without a gap of >= 1 pp (significant)
    between small- and large-batch SGD the check is INCONCLUSIVE and trains no PL-SGD."""
    check = get_check("networks.plsgd_large_batch")
    small = {"validation": 200, "test": 200, "width": 8, "epochs": 12, "batch_size": 400, "lambda1_grid": [1e-3],
             "lambda2_grid": [0.0], "lambda3_grid": [1e-4], "grid_seeds": 2, "seeds": 3, "reference_batch_size": 200,
             "min_large_batch_gap_pp": 50.0}                        # a gap no run can show
    finding = check.body(Context(suite="networks", seed=check.seed), {**check.params, **small})
    precondition = finding.evidence["precondition: a large-batch gap"]
    assert precondition["reached"] is False and finding.verdict is Verdict.INCONCLUSIVE
    assert "PL-SGD not tested" in finding.summary and "grid (every cell: validation accuracy over grid seeds)" \
        not in finding.evidence
    assert "test accuracy" in precondition["small-batch SGD - SGD"]


@pytest.mark.parametrize("make", [
    lambda: P.NoiseSetting.plsgd(-0.1, 0.0),
    lambda: P.NoiseSetting.plsgd(0.02, -1e-4),
    lambda: P.NoiseSetting.sgld(-1e-3),
    lambda: P.NoiseSetting.sgld(float("nan")),
    lambda: P.NoiseSetting("SGD", 0.1, 0.0),            # a name that does not match its noise
    lambda: P.TrainingPlan(batch_size=2000).validate(997),
    lambda: D.digits(test=900, validation=900),
])
def test_bad_input_raises_parameter_error(make):
    with pytest.raises(ParameterError):
        make()


def test_check_refuses_a_batch_larger_than_the_data():
    check = get_check("networks.plsgd_large_batch")
    with pytest.raises(ParameterError, match="batch_size"):
        check.body(Context(suite="networks", seed=check.seed), {**check.params, "batch_size": 5000})
    with pytest.raises(ParameterError, match="seeds"):
        P.compare_optimisers(D.digits(validation=400), P.default_grid([1e-3], [0.0], [1e-4]), [0, 1], [1, 2],
                             P.TrainingPlan(epochs=1))
