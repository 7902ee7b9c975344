"""Exit times of SGD and of the proximal system from a trained minimum of a real network (seed 003, sec. 5).

Seed 003_363d0c39ed306341.txt (Ibayashi & Imaizumi), sec. 5: a one-hidden-layer MLP with mean-square loss is trained
by gradient descent to a minimum theta*; SGD is started at theta* 100 times and the number of steps until it leaves
a neighbourhood D of theta* is averaged. Sharpness is changed by L(theta) -> L(sqrt(a) theta) (lambda_max -> a
lambda_max, minimum theta* / sqrt(a)), depth by L(theta) -> b L(theta) (Delta_L -> b Delta_L); Fig. 5 is SGD (eq. 1),
Fig. 6 the proximal system (eq. 4: C(theta) -> I), Fig. 7 the Gaussian SGD (eq. 2).

Choices here (the paper leaves them open or uses sizes that do not fit this machine):
 - data: breast cancer Wisconsin (scikit-learn), standardised, regression on one-hot targets (2 columns), MSE loss
   L(theta) = mean_i |f(x_i) - t_i|^2 / 2 (the 1/2 so that the per-sample gradient is J^T r);
 - network: inputs -> `width` tanh units -> outputs (003: 5000 units on AVILA; tanh keeps L smooth, our choice);
 - theta* by full-batch GD to 000 appendix A.4's criterion (loss change < threshold for `patience` iterations);
 - D = {theta : L_ab(theta) - L_ab(theta*_a) < b Delta_L}, a level set of the transformed loss with the depth scaled
   by b (003 sec. 5: "Delta_L is controlled by mapping L to b L", the neighbourhood itself is unchanged);
 - the full-batch loss is evaluated after EVERY step; the exit time is the first step k with L_ab(theta_k) -
   L_ab(theta*_a) >= b Delta_L (a non-finite loss counts as an exit);
 - SGD (003 eq. 1): mini-batches of B samples drawn without replacement within a batch, independently per run
   and per step; the proximal system (003 eq. 4, discretised like eq. 2): theta <- theta - eta grad L_ab(theta) +
   eta sigma_0 / sqrt(B) xi, xi ~ N(0, I_d), sigma_0 matched to SGD's noise at theta* of the UNtransformed loss
   (default: the same largest variance, lambda_max of the mini-batch gradient covariance; or the same trace; see
   `matched_isotropic_std`). The identity of eq. 4 does not follow the transformations a and b: only eta and B
   scale the noise, as in eq. 4.
 - runs that have not exited after `max_steps` are censored: reported, and the mean is estimated by
   `censored_log_mean` (exponential tail, Freidlin-Wentzell: tau / E tau -> Exp(1) as the noise vanishes).

All runs of all settings advance together as one batched model: the parameters are stacked
(torch.func.stack_module_state) and a vmapped functional call gives every run its own loss and gradient per step;
runs that have exited are dropped from the batch.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, stack_module_state, vmap

from theory.errors import ParameterError

from .gradients import (
    TrainedMinimum,
    drop_exited,
    per_sample_gradients,
    train_to_minimum,
)

SEED_003 = "003_363d0c39ed306341.txt"
SYSTEMS = ("sgd", "proximal")


def one_hot(labels: torch.Tensor) -> torch.Tensor:
    """Regression targets: one column per class (003 sec. 5 regresses with the mean-square loss)."""
    return nn.functional.one_hot(labels).to(torch.float64)


def one_hidden_layer_mlp(inputs: int, width: int, outputs: int, seed: int) -> nn.Module:
    """003 sec. 5's MLP with one hidden layer (tanh; the width is a parameter: 5000 in the paper)."""
    if width < 1:
        raise ParameterError("width", width, "an integer >= 1", "hidden units of the MLP")
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(inputs, width), nn.Tanh(), nn.Linear(width, outputs)).double()


def mse(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-sample loss l_i = |f(x_i) - t_i|^2 / 2 (shape: the batch dimensions)."""
    return ((outputs - targets) ** 2).sum(dim=-1) / 2


def train_mse_minimum(model: nn.Module, x: torch.Tensor, targets: torch.Tensor, *, lr: float = 0.5,
                      threshold: float = 1e-9, patience: int = 200, max_iterations: int = 20000) -> TrainedMinimum:
    """Full-batch GD on the MSE loss until the loss changes by less than `threshold` for `patience` consecutive
    iterations (000 appendix A.4's criterion, as numerics.nets.train_to_minimum) or `max_iterations`
    (reached = False, reported). 003 sec. 5 runs GD for 1000 epochs."""
    _positive("lr", lr, "GD learning rate")
    trained = train_to_minimum(model, x, targets, lr=lr, threshold=threshold, patience=patience,
                               max_iterations=max_iterations, loss_fn=mse_loss)
    model.zero_grad()
    loss = mse_loss(model(x), targets)
    loss.backward()
    gradient_norm = math.sqrt(sum(float((p.grad ** 2).sum()) for p in model.parameters()))
    model.zero_grad()
    return replace(trained, final_loss=float(loss.detach()), x=x, targets=targets, gradient_norm=gradient_norm)


def _positive(name: str, value, meaning: str) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ParameterError(name, value, "(0, inf)", meaning)


# ------------------------------------------------------------------------------ the transformed loss
def transformed_loss(template: nn.Module, params: dict, x: torch.Tensor, targets: torch.Tensor, sharpness,
                     depth, weights: torch.Tensor | None = None) -> torch.Tensor:
    """L_ab(theta) = b L(sqrt(a) theta) (003 sec. 5: sharpness a, depth b), every parameter (weights and biases)
    scaled by sqrt(a). With `weights` (one per row of x, summing to 1) the weighted mean of the per-sample losses:
    a mini-batch loss L^B (003 eq. 1) when the weights are 1/B on the batch."""
    scaled = {k: v * torch.sqrt(torch.as_tensor(sharpness, dtype=v.dtype)) for k, v in params.items()}
    per_sample = mse(functional_call(template, scaled, (x,)), targets)
    average = per_sample.mean() if weights is None else (per_sample * weights).sum()
    return depth * average


def mse_loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """L = mean_i l_i, the untransformed loss of 003 sec. 5 (a = b = 1)."""
    return mse(outputs, targets).mean()


def sgd_noise_trace(per_sample: torch.Tensor, batch_size: int) -> float:
    """tr Cov(grad L^B) for a mini-batch of B drawn without replacement: (n - B) / (n - 1) tr C / B with C the
    per-sample gradient covariance (population convention 1/n); 003 eq. 2 writes it as (1/B) C (large n)."""
    n = per_sample.shape[0]
    _check_batch(batch_size, n)
    centred = per_sample - per_sample.mean(dim=0)
    trace_c = float((centred ** 2).sum() / n)
    return (n - batch_size) / (n - 1) * trace_c / batch_size


MATCHING_RULES = ("top_noise", "trace")


def matched_isotropic_std(minimum: TrainedMinimum, batch_size: int, rule: str = "top_noise") -> float:
    """sigma_0 of the proximal system's noise eta sigma_0 / sqrt(B) xi, matched to SGD's noise eta (grad L^B - grad L)
    at theta* of the untransformed loss at the reference batch size B (the matching rule; eq. 4 sets C = I, the
    scale is ours):
     - "top_noise" (default): the same largest variance, sigma_0^2 / B = lambda_max(Cov(grad L^B)). Why: on a
       quadratic minimum with a constant covariance C commuting with H, the Freidlin-Wentzell quasi-potential
       (Lyapunov) gives V_0 = 2 Delta_L / lambda_max(C), and for C = sigma_0^2 I Lemma 3 gives 2 Delta_L / sigma_0^2:
       this rule gives the two systems the same exit exponent at a = b = 1, whatever H;
     - "trace": the same mean square per step, sigma_0^2 d / B = tr Cov(grad L^B). On a network most of the trace
       lies in a few directions, so this noise is far weaker in the escape direction (the proximal system then does
       not exit within any budget that SGD needs)."""
    if rule not in MATCHING_RULES:
        raise ParameterError("rule", rule, f"one of {MATCHING_RULES}", "how sigma_0 is matched to SGD's noise")
    per_sample = per_sample_gradients(minimum.model, minimum.x, minimum.targets, mse_loss)
    n = per_sample.shape[0]
    _check_batch(batch_size, n)
    if rule == "trace":
        return math.sqrt(sgd_noise_trace(per_sample, batch_size) * batch_size / minimum.n_parameters)
    centred = per_sample - per_sample.mean(dim=0)
    top_c = float(torch.linalg.svdvals(centred)[0] ** 2 / n)       # lambda_max(C), C with the 1/n convention
    return math.sqrt(top_c * (n - batch_size) / (n - 1))           # without replacement: (n - B)/(n - 1) C / B


def _check_batch(batch_size, n: int) -> None:
    if not (isinstance(batch_size, (int, np.integer)) and 1 <= batch_size <= n):
        raise ParameterError("batch_size", batch_size, f"an integer in [1, {n}] (the number of samples)",
                             "003 eq. 1: B samples of the training set")


def top_hessian_eigenvalue(minimum: TrainedMinimum, sharpness: float = 1.0, depth: float = 1.0,
                           iterations: int = 100, seed: int = 0) -> float:
    """lambda_max of the Hessian of L_ab at its minimum theta* / sqrt(a) by power iteration on Hessian-vector
    products (torch.func.jvp of grad). 003 Definition 3: sharpness = lambda_max(H*); sec. 5: L(sqrt(a) theta) has
    a lambda_max."""
    _positive("sharpness", sharpness, "003 sec. 5: L(sqrt(a) theta) needs a > 0")
    _positive("depth", depth, "003 sec. 5: b L(theta) needs b > 0")
    return _power_iteration(minimum, sharpness, depth, iterations, seed)[0]


def _power_iteration(minimum: TrainedMinimum, sharpness: float, depth: float, iterations: int,
                     seed: int) -> tuple[float, torch.Tensor]:
    params = {k: v / math.sqrt(sharpness) for k, v in minimum.parameters().items()}
    names = list(params)
    shapes = [params[k].shape for k in names]
    sizes = [params[k].numel() for k in names]
    flat = torch.cat([params[k].reshape(-1) for k in names])

    def loss_of_flat(vector):
        pieces = dict(zip(names, (p.reshape(s) for p, s in zip(torch.split(vector, sizes), shapes))))
        return transformed_loss(minimum.model, pieces, minimum.x, minimum.targets, sharpness, depth)
    gradient = grad(loss_of_flat)
    generator = torch.Generator().manual_seed(seed)
    v = torch.randn(flat.numel(), dtype=flat.dtype, generator=generator)
    v /= v.norm()
    value = 0.0
    for _ in range(iterations):
        hv = torch.func.jvp(gradient, (flat,), (v,))[1]
        value = float(v @ hv)
        v = hv / hv.norm()
    return value, v


def assumption_2(minimum: TrainedMinimum, per_sample: torch.Tensor) -> dict:
    """003 Assumption 2 (sec. 2.3: C(theta) ~ H*) measured at theta* for the untransformed loss (a = b = 1): tr C (the
    per-sample gradient covariance, population convention 1/n) against tr H* (exact Hessian of L at theta*), and the cosine of
    the two matrices (1: proportional). Under L -> b L(sqrt(a) theta) in the coordinates theta, C -> a b^2 C and
    H -> a b H, so tr C / tr H -> b tr C / tr H: the sharpness map keeps the ratio, the depth map multiplies it by b."""
    params = minimum.parameters()
    names = list(params)
    shapes, sizes = [params[k].shape for k in names], [params[k].numel() for k in names]
    flat = torch.cat([params[k].reshape(-1) for k in names])

    def loss_of_flat(vector):
        pieces = dict(zip(names, (p.reshape(s) for p, s in zip(torch.split(vector, sizes), shapes))))
        return transformed_loss(minimum.model, pieces, minimum.x, minimum.targets, 1.0, 1.0)
    hessian = torch.func.hessian(loss_of_flat)(flat)
    centred = per_sample - per_sample.mean(dim=0)
    covariance = centred.T @ centred / per_sample.shape[0]
    cosine = float((covariance * hessian).sum() / (covariance.norm() * hessian.norm()))
    return {"tr C": float(covariance.trace()), "tr H*": float(hessian.trace()),
            "tr C / tr H* (Assumption 2: 1)": float(covariance.trace() / hessian.trace()),
            "cosine of C and H* (proportional: 1)": cosine}


# ------------------------------------------------------------------------------ batched exit-time engine
@dataclass(frozen=True)
class ExitSetting:
    """One point of a sweep: sharpness a, depth b, learning rate eta, batch size B."""

    sharpness: float
    depth: float
    lr: float
    batch_size: int

    def validate(self, n_samples: int) -> None:
        _positive("sharpness", self.sharpness, "003 sec. 5: L(sqrt(a) theta) needs a > 0")
        _positive("depth", self.depth, "003 sec. 5: b L(theta) needs b > 0")
        _positive("lr", self.lr, "the learning rate eta of 003 eq. 1")
        _check_batch(self.batch_size, n_samples)


@dataclass
class ExitRecord:
    """Exit steps of `runs` independent runs per setting; -1 marks a censored run (no exit by max_steps)."""

    system: str
    settings: list[ExitSetting]
    steps: np.ndarray            # (settings, runs), int; -1 where censored
    max_steps: int
    depth_gap: float             # Delta_L of the untransformed loss
    noise_std: float | None      # sigma_0 of the proximal system
    seed: int
    seconds: float
    run_steps: int               # total run-steps simulated (cost)

    @property
    def censored(self) -> np.ndarray:
        return self.steps < 0

    def summary(self, index: int) -> dict:
        """Per-setting estimate of ln E[exit steps] with censoring handled (see censored_log_mean)."""
        return censored_log_mean(self.steps[index], self.max_steps)


def censored_log_mean(steps: np.ndarray, max_steps: int) -> dict:
    """ln of the mean exit step with its standard error, censored runs (-1) included.

    No censoring: the sample mean, SE(ln mean) = sd / (mean sqrt(n)) (delta method).
    Censoring at T = max_steps: the exit time is taken as exponential (Freidlin & Wentzell: tau / E tau -> Exp(1)
    in the small-noise limit, the regime of 003 Thm 1), whose MLE under right censoring is
    E = sum_i min(t_i, T) / (number of exits), SE(ln E) = 1 / sqrt(number of exits) (Fisher information).
    The restricted mean sum min(t_i, T) / n (a lower bound of E) is reported too. No exit at all: only the lower
    bound is known; ln_mean is None and the setting cannot enter a fit."""
    steps = np.asarray(steps)
    censored = steps < 0
    n, exits = steps.size, int((~censored).sum())
    clipped = np.where(censored, max_steps, steps).astype(float)
    out = {"runs": n, "censored": int(censored.sum()), "censored fraction": float(censored.mean()),
           "restricted mean (lower bound)": float(clipped.mean()), "median": float(np.median(clipped))
           if censored.mean() < 0.5 else None}
    if exits == 0:
        out.update(ln_mean=None, se_ln_mean=None, estimator="none: every run censored (ln E > ln T)")
    elif censored.any():
        mean = clipped.sum() / exits
        out.update(mean=float(mean), ln_mean=float(math.log(mean)), se_ln_mean=1 / math.sqrt(exits),
                   estimator="exponential MLE under censoring")
    else:
        mean, sd = float(clipped.mean()), float(clipped.std(ddof=1)) if n > 1 else 0.0
        out.update(mean=mean, sd=sd, ln_mean=math.log(mean), se_ln_mean=sd / (mean * math.sqrt(n)),
                   estimator="sample mean")
    return out


class BatchedRuns:
    """Many independent runs of one system on the transformed losses, as one batched (vmapped) model.

    Per run r: sharpness a_r, depth b_r, learning rate eta_r, batch size B_r. SGD draws a batch of B_max indices
    per run without replacement and weights the first B_r of them 1/B_r (the others 0), so runs with different
    batch sizes share one batched call."""

    def __init__(self, minimum: TrainedMinimum, system: str, settings: list[ExitSetting], runs: int,
                 noise_std: float | None = None):
        if system not in SYSTEMS:
            raise ParameterError("system", system, f"one of {SYSTEMS}", "SGD (003 eq. 1) or the proximal system (eq. 4)")
        if not (isinstance(runs, int) and runs >= 1):
            raise ParameterError("runs", runs, "an integer >= 1", "independent runs per setting")
        if not settings:
            raise ParameterError("settings", settings, "a non-empty list", "the sweep points")
        for setting in settings:
            setting.validate(minimum.n_samples)
        if system == "proximal":
            _positive("noise_std", noise_std, "sigma_0 of the proximal system (matched_isotropic_std)")
        self.minimum, self.system, self.settings, self.runs, self.noise_std = minimum, system, settings, runs, noise_std
        repeat = lambda values, dtype: torch.tensor(values, dtype=dtype).repeat_interleave(runs)  # noqa: E731
        self.sharpness = repeat([s.sharpness for s in settings], torch.float64)
        self.depth = repeat([s.depth for s in settings], torch.float64)
        self.lr = repeat([s.lr for s in settings], torch.float64)
        self.batch = repeat([s.batch_size for s in settings], torch.int64)
        self.b_max = int(self.batch.max())
        template = minimum.model
        x, t = minimum.x, minimum.targets

        def full_loss(p, a, b):
            return transformed_loss(template, p, x, t, a, b)

        def batch_loss(p, a, b, xb, tb, wb):
            return transformed_loss(template, p, xb, tb, a, b, wb)
        self._full_loss = vmap(full_loss)
        self._full_grad_and_loss = vmap(torch.func.grad_and_value(full_loss))
        self._batch_grad = vmap(grad(batch_loss))

    def start(self) -> dict[str, torch.Tensor]:
        """theta_0 = theta*_a = theta* / sqrt(a) for every run (003 sec. 5: start at the minimum)."""
        params, _ = stack_module_state([self.minimum.model] * (len(self.settings) * self.runs))
        scale = 1 / torch.sqrt(self.sharpness)
        return {k: (v.detach() * scale.reshape(-1, *[1] * (v.dim() - 1))).clone() for k, v in params.items()}

    def draw(self, active: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """SGD: (runs, B_max) indices without replacement; proximal: (runs, d) standard normals."""
        if self.system == "sgd":
            # the B_max largest of n uniforms: a uniformly random subset, in random order (topk is O(n) per row)
            return torch.rand(len(active), self.minimum.n_samples, generator=generator).topk(self.b_max, dim=1).indices
        return torch.randn(len(active), self.minimum.n_parameters, dtype=torch.float64, generator=generator)

    def step(self, params: dict, active: torch.Tensor, randomness: torch.Tensor) -> dict:
        """One update of the active runs (indices `active` into the run list) with the drawn randomness."""
        if self.system == "sgd":
            a, b, lr = self.sharpness[active], self.depth[active], self.lr[active]
            weights = (torch.arange(self.b_max) < self.batch[active, None]).to(torch.float64)
            weights = weights / self.batch[active, None]
            gradients = self._batch_grad(params, a, b, self.minimum.x[randomness], self.minimum.targets[randomness],
                                         weights)
            return {k: v - _expand(lr, v) * gradients[k] for k, v in params.items()}
        return self.proximal_update(params, self.proximal_gradient(params, active)[0], active, randomness)

    def proximal_gradient(self, params: dict, active: torch.Tensor) -> tuple[dict, torch.Tensor]:
        """Full-batch gradient of L_ab and the excess loss L_ab - b L(theta*), in one vmapped call."""
        gradients, values = self._full_grad_and_loss(params, self.sharpness[active], self.depth[active])
        return gradients, values - self.depth[active] * self.minimum.final_loss

    def proximal_update(self, params: dict, gradients: dict, active: torch.Tensor, randomness: torch.Tensor) -> dict:
        """003 eq. 4 discretised like eq. 2: theta - eta grad L_ab + eta sigma_0 / sqrt(B) xi."""
        lr = self.lr[active]
        noise_scale = lr * self.noise_std / torch.sqrt(self.batch[active].to(torch.float64))
        pieces = torch.split(randomness, [v[0].numel() for v in params.values()], dim=1)
        return {k: v - _expand(lr, v) * gradients[k] + _expand(noise_scale, v) * piece.reshape(v.shape)
                for (k, v), piece in zip(params.items(), pieces)}

    def excess_loss(self, params: dict, active: torch.Tensor) -> torch.Tensor:
        """L_ab(theta) - L_ab(theta*_a) = L_ab(theta) - b L(theta*) per active run."""
        return self._full_loss(params, self.sharpness[active], self.depth[active]) - self.depth[active] * \
            self.minimum.final_loss


def _expand(per_run: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return per_run.reshape(-1, *[1] * (like.dim() - 1))


def exit_times(minimum: TrainedMinimum, system: str, settings: list[ExitSetting], *, runs: int, depth_gap: float,
               max_steps: int, seed: int, noise_std: float | None = None) -> ExitRecord:
    """First step k at which L_ab(theta_k) - L_ab(theta*_a) >= b Delta_L (full-batch loss after every step), for
    `runs` independent runs per setting, all advanced together; exited runs leave the batch. Reproducible for a
    given (seed, settings, runs)."""
    _positive("depth_gap", depth_gap, "Delta_L: D = {L - L(theta*) < Delta_L}")
    if not (isinstance(max_steps, int) and max_steps >= 1):
        raise ParameterError("max_steps", max_steps, "an integer >= 1", "the censoring horizon")
    engine = BatchedRuns(minimum, system, settings, runs, noise_std)
    started = time.perf_counter()
    generator = torch.Generator().manual_seed(seed)
    params = engine.start()
    total = len(settings) * runs
    active = torch.arange(total)
    steps = np.full(total, -1, dtype=np.int64)
    threshold = engine.depth * depth_gap
    run_steps = 0
    with torch.no_grad():
        if system == "sgd":
            for k in range(1, max_steps + 1):
                params = engine.step(params, active, engine.draw(active, generator))
                run_steps += len(active)
                # a non-finite loss counts as an exit: ~(excess < threshold), not excess >= threshold
                exited = ~(engine.excess_loss(params, active) < threshold[active])
                params, active = drop_exited(exited, k, params, active, steps)
                if len(active) == 0:
                    break
        else:
            # the gradient at theta_k comes with L(theta_k): the exit test of step k reuses the evaluation that
            # the update k + 1 needs (one full-batch pass per step instead of two)
            gradients, excess = engine.proximal_gradient(params, active)
            for k in range(1, max_steps + 1):
                params = engine.proximal_update(params, gradients, active, engine.draw(active, generator))
                run_steps += len(active)
                gradients, excess = engine.proximal_gradient(params, active)
                exited = ~(excess < threshold[active])
                gradients = {name: v[~exited] for name, v in gradients.items()}
                params, active = drop_exited(exited, k, params, active, steps)
                if len(active) == 0:
                    break
    return ExitRecord(system, list(settings), steps.reshape(len(settings), runs), max_steps, depth_gap, noise_std,
                      seed, time.perf_counter() - started, run_steps)
