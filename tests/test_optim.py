"""PL-SGD (numerics/optim.py): the noise covariance of 002 eq. 13 / eq. 12, input checks, reproducibility."""

import math

import pytest
import torch

from numerics.sde.estimators import normal_quantile
from numerics.nets.optim import PLSGD, power_law_step
from theory.errors import ParameterError

DRAWS = 200_000
LR = 0.1


def _one_zero_gradient_step(optimizer_factory, w0: torch.Tensor, seed: int = 1) -> torch.Tensor:
    """DRAWS independent updates of the same point w0 (one batched parameter), with zero gradient."""
    w = torch.nn.Parameter(w0.repeat(DRAWS, 1).clone())
    optimizer = optimizer_factory([w], torch.Generator().manual_seed(seed))
    (0 * w.sum()).backward()  # the gradient exists and is 0: only the noise moves w
    optimizer.step()
    return (w.detach() - w0).double()


def _assert_covariance(updates: torch.Tensor, expected_variance: torch.Tensor) -> None:
    """Mean 0 and covariance diag(expected_variance), entry by entry within z standard errors.

    z = 4.42 is the two-sided 1e-5 quantile of one comparison; with k comparisons (Bonferroni) z grows to
    normal_quantile(1 - 1e-5 / k), so a correct implementation fails with probability < 1e-5 in all.
    """
    n, d = updates.shape
    k = d + d * (d + 1) // 2  # d means, d variances, d(d-1)/2 covariances
    z = normal_quantile(1 - 1e-5 / k)
    assert z >= 4.42
    sd = expected_variance.sqrt()
    mean = updates.mean(0)
    assert torch.all((mean.abs() <= z * sd / math.sqrt(n)) | (sd == 0)), (mean, sd)
    covariance = torch.cov(updates.T)
    for i in range(d):
        for j in range(d):
            if i == j:  # the update is Gaussian: Var(sample variance) = 2 sigma^4 / (n - 1)
                standard_error = expected_variance[i] * math.sqrt(2 / (n - 1))
                assert abs(covariance[i, i] - expected_variance[i]) <= z * standard_error, (i, covariance[i, i])
            else:       # independent coordinates: Var(sample covariance) ~ sigma_i^2 sigma_j^2 / n
                standard_error = sd[i] * sd[j] / math.sqrt(n)
                assert abs(covariance[i, j]) <= z * standard_error, (i, j, covariance[i, j])


def test_eq13_noise_covariance_with_zero_gradient():
    # 002 sec. 5.3 eq. 13: Cov(update) = lr^2 diag(lambda1 w^2 + lambda2), lambda_i variances
    lambda1, lambda2 = 0.3, 0.02
    w0 = torch.tensor([-1.5, 0.0, 2.0])
    updates = _one_zero_gradient_step(lambda p, g: PLSGD.from_eq13(p, LR, lambda1, lambda2, generator=g), w0)
    _assert_covariance(updates, LR**2 * (lambda1 * w0.double() ** 2 + lambda2))


def test_eq12_noise_covariance_is_centred_at_w_star():
    # 002 sec. 5.2 eq. 12: lambda_i multiply standard normals; the state noise scales with |w - w*|
    lambda1, lambda2 = 2.0, 0.5
    w_star = torch.tensor([1.0, 1.0, -1.0])
    w0 = torch.tensor([1.0, 0.5, 1.0])
    updates = _one_zero_gradient_step(
        lambda p, g: PLSGD.from_eq12(p, LR, lambda1, lambda2, center=w_star, generator=g), w0)
    _assert_covariance(updates, LR**2 * (lambda1**2 * (w0 - w_star).double() ** 2 + lambda2**2))


def test_from_eq13_takes_square_roots_of_variances():
    w = torch.nn.Parameter(torch.zeros(2))
    group = PLSGD.from_eq13([w], 0.1, lambda1=0.04, lambda2=9.0).param_groups[0]
    assert group["state_std"] == pytest.approx(0.2) and group["constant_std"] == pytest.approx(3.0)
    group = PLSGD.from_eq12([w], 0.1, lambda1=0.04, lambda2=9.0, center=1.0).param_groups[0]
    assert (group["state_std"], group["constant_std"], group["center"]) == (0.04, 9.0, 1.0)


def test_without_noise_it_is_plain_sgd():
    torch.manual_seed(0)
    w = torch.nn.Parameter(torch.randn(5, dtype=torch.float64))
    reference = torch.nn.Parameter(w.detach().clone())
    mine, sgd = PLSGD([w], lr=0.05), torch.optim.SGD([reference], lr=0.05)
    for _ in range(3):
        for p, opt in ((w, mine), (reference, sgd)):
            opt.zero_grad()
            ((p - 2) ** 4).sum().backward()
            opt.step()
    # float32 rounding may differ in the last bit (torch's SGD fuses w - lr * grad)
    torch.testing.assert_close(w.detach(), reference.detach())


def test_parameters_without_gradient_are_left_alone():
    used, unused = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    optimizer = PLSGD([used, unused], lr=0.1, state_std=1.0, constant_std=1.0)
    used.sum().backward()
    optimizer.step()
    assert torch.equal(unused.detach(), torch.ones(3)) and not torch.equal(used.detach(), torch.ones(3))


@pytest.mark.parametrize("kwargs, name", [
    ({"lr": 0.0}, "lr"), ({"lr": -1.0}, "lr"), ({"lr": float("nan")}, "lr"),
    ({"state_std": -0.1}, "state_std"), ({"constant_std": -1e-3}, "constant_std"),
    ({"state_std": torch.tensor([0.1, -0.1])}, "state_std"),
])
def test_bad_input_raises_parameter_error(kwargs, name):
    w = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(ParameterError, match=name) as caught:
        PLSGD([w], **{"lr": 0.1, **kwargs})
    assert caught.value.name == name


@pytest.mark.parametrize("lambda1, lambda2, name", [(-1.0, 0.0, "lambda1"), (0.0, -1e-4, "lambda2"),
                                                    (float("inf"), 0.0, "lambda1")])
def test_bad_eq13_variances_raise_parameter_error(lambda1, lambda2, name):
    w = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(ParameterError, match=name):
        PLSGD.from_eq13([w], 0.1, lambda1, lambda2)
    with pytest.raises(ParameterError, match=name):
        PLSGD.from_eq12([w], 0.1, lambda1, lambda2, center=0.0)


def _trajectory(seed: int) -> torch.Tensor:
    w = torch.nn.Parameter(torch.linspace(-1, 1, 7))
    optimizer = PLSGD.from_eq13([w], 0.1, 0.5, 0.1, generator=torch.Generator().manual_seed(seed))
    for _ in range(10):
        optimizer.zero_grad()
        (w**2).sum().backward()
        optimizer.step()
    return w.detach().clone()


def test_same_generator_seed_same_result():
    assert torch.equal(_trajectory(7), _trajectory(7))
    assert not torch.equal(_trajectory(7), _trajectory(8))


def test_functional_step_broadcasts_one_setting_per_row():
    # the four-basin check runs every lambda_1 in one batch: a (rows, 1) state_std gives each row its own
    w = torch.ones(3, 2)
    state_std = torch.tensor([[0.0], [1.0], [2.0]])
    out = power_law_step(w, torch.zeros_like(w), 0.1, state_std, 0.0, center=torch.tensor([1.0, 0.0]),
                         generator=torch.Generator().manual_seed(0))
    assert torch.equal(out[0], w[0])           # no state noise: nothing moves
    assert torch.equal(out[:, 0], w[:, 0])     # |w_0 - center_0| = 0: the first coordinate never moves
    assert out[1, 1] != 1 and out[2, 1] != 1
