"""The 2-D four-basin model of seed 002 sec. 5.2 (002_0bd15634cbfb0ce4.txt, Meng et al.) in torch, and the batched
escape experiment run on it: SGD (002 eq. 2), noise-free gradient descent and the power-law discretisation (002
eq. 12; lambda_1 = 0 is the Langevin discretisation), all paths of a setting in one batch, stepped by the shared
exit loop (numerics.infra.step_until_exit) until they leave the quadrant of (1, 1).

The formulas are SymPy objects in theory.power_law: l and L (FOUR_BASIN_SAMPLE_LOSS, FOUR_BASIN_LOSS), the
per-coordinate derivatives (four_basin_coordinate_derivatives), the per-sample gradient and Hessian and the trace of
the SGD noise covariance of 002 eq. 2 (four_basin_noise_trace). The torch kernels below are hand-factored forms of
those SymPy derivatives (one sqrt per entry instead of four powers: they run for every data point, path and step),
kept rather than lambdified so that the floating-point operations, and with them the escape counts of the check
meng.four_basin, stay exactly as they were; tests/test_power_law.py asserts they equal the lambdified SymPy
derivatives (derived_kernels) at random points.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp
import torch
from scipy.optimize import minimize

from numerics.infra import step_until_exit
from numerics.nets.optim import power_law_step
from theory import power_law as theory

__all__ = ["loss_1d", "loss_1d_derivative", "loss_1d_second_derivative", "derived_kernels", "FourBasinLoss",
           "four_basin_data", "escape_steps", "EscapeSetting", "simulate_escapes"]


# ------------------------------------------------------------------------------ the model (002 sec. 5.2)
def loss_1d(u):
    """One coordinate of 002 sec. 5.2's l: 15 |u - 1|^2.5 |u + 1|^3 (numpy or torch);
    theory.power_law.four_basin_coordinate_loss."""
    return 15 * abs(u - 1) ** 2.5 * abs(u + 1) ** 3


def loss_1d_derivative(u: torch.Tensor) -> torch.Tensor:
    """d/du of 15 |u-1|^2.5 |u+1|^3 = 15 sqrt|u-1| |u+1| (2.5 (u-1) |u+1|^2 + 3 |u-1|^2 (u+1)) (002 sec. 5.2;
    the factored form of theory.power_law.four_basin_coordinate_derivatives()[1])."""
    a, b = (u - 1).abs(), (u + 1).abs()
    return 15 * a.sqrt() * b * (2.5 * (u - 1) * b * b + 3 * a * a * (u + 1))


def loss_1d_second_derivative(u: torch.Tensor) -> torch.Tensor:
    """d^2/du^2 of 15 a^2.5 b^3, a = |u-1|, b = |u+1| (a' = sign(u-1), b' = sign(u+1) off the kinks):
    15 (3.75 a^0.5 b^3 + 15 a^1.5 b^2 sign(u-1) sign(u+1) + 6 a^2.5 b) (002 sec. 5.2; the factored form of
    theory.power_law.four_basin_coordinate_derivatives()[2])."""
    a, b = (u - 1).abs(), (u + 1).abs()
    return 15 * a.sqrt() * b * (3.75 * b * b + 15 * a * b * torch.sign(u - 1) * torch.sign(u + 1) + 6 * a * a)


@lru_cache(maxsize=1)
def derived_kernels():
    """(l_1, l_1', l_1'') of theory.power_law.four_basin_coordinate_derivatives lambdified for torch tensors: the
    reference the hand-factored kernels above are tested against."""
    return tuple(sp.lambdify(theory.four_basin_u, expr, "torch")
                 for expr in theory.four_basin_coordinate_derivatives())


@dataclass(frozen=True)
class FourBasinLoss:
    """scale * L(w), L(w) = (1/n) sum_m l(w - x_m) (002 sec. 5.2; theory.power_law.FOUR_BASIN_LOSS); torch float64."""

    data: torch.Tensor          # (n, 2)
    scale: float = 1.0

    def per_sample_gradients(self, w: torch.Tensor) -> torch.Tensor:
        """(rows, n, 2): scale * grad l(w - x_m) for every row of w (rows, 2) and every data point."""
        return self.scale * loss_1d_derivative(w[:, None, :] - self.data[None])

    def gradient(self, w: torch.Tensor) -> torch.Tensor:
        return self.per_sample_gradients(w).mean(1)

    def minibatch_gradient(self, w: torch.Tensor, batch_size: int, generator: torch.Generator) -> torch.Tensor:
        """g(w) of 002 eq. 2 per row: the mean over b indices drawn uniformly with replacement, so that
        Cov(g) = Sigma(w) = (1/b)(per-sample covariance), as eq. 2 writes it."""
        index = torch.randint(0, self.data.shape[0], (w.shape[0], batch_size), generator=generator)
        return (self.scale * loss_1d_derivative(w[:, None, :] - self.data[index])).mean(1)

    def gradient_covariance_trace(self, w: torch.Tensor, batch_size: int) -> torch.Tensor:
        """Tr Sigma(w) = (1/b) ((1/n) sum_m |grad l_m|^2 - |grad L|^2) (002 eq. 2; theory.power_law.
        four_basin_noise_trace), exactly from the data."""
        grads = self.per_sample_gradients(w)
        return ((grads**2).sum(-1).mean(1) - (grads.mean(1) ** 2).sum(-1)) / batch_size

    def hessian_diagonal(self, w: torch.Tensor) -> torch.Tensor:
        """The Hessian of scale * L at one point w (2,): diagonal, since l is a sum over coordinates
        (theory.power_law.four_basin_sample_hessian), so these are its eigenvalues."""
        return (self.scale * loss_1d_second_derivative(w[None] - self.data)).mean(0)

    def hessian_diagonal_variance(self, w: torch.Tensor, batch_size: int) -> torch.Tensor:
        """Var(h~_j) of 002 Prop. 1 per coordinate: the variance over data points of the per-sample Hessian
        (diagonal, since l is a sum over coordinates), divided by b like Sigma."""
        hessians = self.scale * loss_1d_second_derivative(w[None, :] - self.data)
        return hessians.var(0, unbiased=False) / batch_size


def four_basin_data(n: int, data_std: float, seed: int) -> tuple[torch.Tensor, np.ndarray]:
    """The data set x_m ~ N(0, data_std^2 I_2) (numpy default_rng(seed)) and the minimiser of L near (1, 1):
    the shifts x_m move it off (1, 1), so it is found numerically (scipy BFGS from (1, 1))."""
    data = np.random.default_rng(seed).normal(0.0, data_std, size=(n, 2))
    problem = FourBasinLoss(torch.as_tensor(data))

    def value_and_gradient(w):
        shifted = w[None, :] - data
        return float(loss_1d(shifted).sum(1).mean()), problem.gradient(torch.as_tensor(w)[None])[0].numpy()

    result = minimize(value_and_gradient, np.ones(2), jac=True, method="BFGS", options={"gtol": 1e-12})
    return problem.data, result.x


# ------------------------------------------------------------------------------ simulation
def escape_steps(start: torch.Tensor, steps: int, update) -> np.ndarray:
    """Run ``w <- update(w, rows)`` on a batch of paths (numerics.infra.step_until_exit, exited paths dropped after
    every step, so the random draws of a step depend on the batch as it is); return per path the first step k
    (1-based) at which some coordinate became < 0 (left the quadrant of (1, 1): the ridge of l between the basins
    lies at 1/11) or w became non-finite, 0 where it stayed. ``rows`` are the indices of the paths still in the
    batch."""
    result = step_until_exit(start.clone(), advance=lambda w, alive, step: update(w, alive),
                             exited=lambda w, alive, step: (w < 0).any(1) | ~torch.isfinite(w).all(1),
                             max_steps=steps)
    return np.where(result.exit_steps > 0, result.exit_steps, 0)


@dataclass(frozen=True)
class EscapeSetting:
    """One run of the 002 sec. 5.2 experiment on one (scaled) loss: step size eta, iterations, repetitions per
    dynamic, mini-batch size b, the lambda_1 grid of eq. 12 and its lambda_2."""

    eta: float
    iterations: int
    repetitions: int
    batch_size: int
    lambda1_grid: tuple[float, ...]
    lambda_2: float


def simulate_escapes(problem: FourBasinLoss, w_star: torch.Tensor, setting: EscapeSetting,
                     generators: tuple[torch.Generator, torch.Generator]) -> dict:
    """First escape steps (escape_steps) from w* of SGD (002 eq. 2, its own generator), noise-free gradient descent
    (one path: deterministic) and eq. 12 for every lambda_1 of the grid in one batch, one block of `repetitions`
    paths per lambda_1 (the other generator). Returns {"sgd": array, "gd": array, "power_law": [array per lambda_1]}.
    """
    eta, reps, b = setting.eta, setting.repetitions, setting.batch_size
    sgd_generator, power_law_generator = generators
    sgd = escape_steps(w_star.repeat(reps, 1), setting.iterations,
                       lambda w, alive: w - eta * problem.minibatch_gradient(w, b, sgd_generator))
    gd = escape_steps(w_star[None], setting.iterations, lambda w, alive: w - eta * problem.gradient(w))
    grid = list(setting.lambda1_grid)
    state_std = torch.tensor(grid, dtype=w_star.dtype).repeat_interleave(reps)[:, None]
    power_law = escape_steps(w_star.repeat(reps * len(grid), 1), setting.iterations,
                             lambda w, alive: power_law_step(w, problem.gradient(w), eta, state_std[alive],
                                                             setting.lambda_2, w_star, power_law_generator))
    return {"sgd": sgd, "gd": gd, "power_law": [power_law[i * reps:(i + 1) * reps] for i in range(len(grid))]}
