"""Real-network experiments, first part: a trained minimum and its stochastic-gradient noise (seed 000 sec. 5 and
appendix A.2/A.4, 001 sec. 5), on data that ships with scikit-learn.

The methodology of 000 (after Simsekli et al. 2019): at a pre-trained minimum, compute the gradient of many
mini-batches without updating the weights; the noise of parameter l is g_batch,l - g_full,l. Per-sample gradients are
computed once with torch.func (vmap over samples), so a mini-batch gradient is the mean of B rows: any number of
mini-batches costs one matrix product.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, vmap

from theory.errors import ParameterError

from .training import stack, train_stacked


def three_layer_mlp(inputs: int, width: int, classes: int, seed: int) -> nn.Module:
    """The three-layer ReLU MLP of 000/001 sec. 5 (widths are ours: the papers do not fix them for BreastW)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(inputs, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, classes)).double()


@dataclass(frozen=True)
class TrainedMinimum:
    """A GD-trained minimum (000 appendix A.4's criterion), optionally with the data it was trained on (x, targets)
    and the gradient norm and loss re-evaluated at the returned weights (numerics.nets.sharpness: 003 sec. 5)."""

    model: nn.Module
    iterations: int
    final_loss: float      # the last full-batch loss of the loop (train_mse_minimum: L(theta*) at the returned weights)
    reached: bool          # 000 A.4: full-batch loss change below the threshold for `patience` iterations
    threshold: float
    patience: int
    lr: float | None = None
    x: torch.Tensor | None = None
    targets: torch.Tensor | None = None
    gradient_norm: float | None = None     # |grad L(theta*)|

    @property
    def loss(self) -> float:
        return self.final_loss

    @property
    def n_samples(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def parameters(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.model.named_parameters()}


def train_to_minimum(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lr: float = 0.1,
                     threshold: float = 1e-6, patience: int = 100, max_iterations: int = 20000,
                     loss_fn=None) -> TrainedMinimum:
    """Full-batch gradient descent until the loss changes by less than `threshold` for `patience` consecutive
    iterations (000 appendix A.4's criterion), or max_iterations (then reached = False, reported). `loss_fn(output,
    y)` is the full-batch loss (default cross-entropy)."""
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    previous, quiet = None, 0
    for iteration in range(1, max_iterations + 1):
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        value = float(loss.detach())
        quiet = quiet + 1 if previous is not None and abs(previous - value) < threshold else 0
        previous = value
        if quiet >= patience:
            return TrainedMinimum(model, iteration, value, True, threshold, patience, lr)
    return TrainedMinimum(model, max_iterations, previous, False, threshold, patience, lr)


def per_sample_gradients(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn=None) -> torch.Tensor:
    """(n_samples, n_parameters) gradients of the per-sample loss `loss_fn(output, target)` on a batch of one (default
    cross-entropy; numerics.nets.sharpness passes 003 sec. 5's MSE), by torch.func vmap over the samples."""
    loss_fn = loss_fn or nn.functional.cross_entropy
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(p, xi, yi):
        return loss_fn(functional_call(model, p, (xi.unsqueeze(0),)), yi.unsqueeze(0))
    grads = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    return torch.cat([g.reshape(x.shape[0], -1) for g in grads.values()], dim=1)


def parameter_layers(model: nn.Module, indices) -> list[str]:
    """The parameter tensor (e.g. '0.weight') that each index into the flattened parameter vector belongs to, in
    the order of per_sample_gradients' columns."""
    names, ends = zip(*[(name, value.numel()) for name, value in model.named_parameters()])
    ends, indices = np.cumsum(ends), np.asarray(indices)
    if indices.size and (indices.min() < 0 or indices.max() >= ends[-1]):
        raise ParameterError("indices", indices.tolist(), f"[0, {ends[-1] - 1}]", "indices into the parameter vector")
    return [names[int(np.searchsorted(ends, index, side="right"))] for index in np.asarray(indices)]


def minibatch_noise(per_sample: torch.Tensor, batch_size: int, n_batches: int, seed: int,
                    sample_dim: int = 0) -> torch.Tensor:
    """Noise g_batch - g_full of random mini-batches at fixed weights (000 sec. 5 and appendix A.2: gradients of many
    mini-batches without updating the weights): `per_sample` holds one gradient per sample along `sample_dim`; each
    of the `n_batches` mini-batches takes `batch_size` samples without replacement (a fresh torch.randperm from the
    generator seeded `seed`), the same mini-batches for every other index (common random numbers). The batch
    dimension replaces the sample dimension in the result."""
    n = per_sample.shape[sample_dim]
    if not 1 <= batch_size < n:
        raise ParameterError("batch_size", batch_size, f"[1, {n - 1}]", "the mini-batch size")
    generator = torch.Generator().manual_seed(seed)
    rows = torch.stack([torch.randperm(n, generator=generator)[:batch_size] for _ in range(n_batches)])
    batches = per_sample[(slice(None),) * sample_dim + (rows,)].mean(dim=sample_dim + 1)
    return batches - per_sample.mean(dim=sample_dim, keepdim=sample_dim > 0)


def gradient_noise(per_sample: torch.Tensor, batch_size: int, n_batches: int, parameters: np.ndarray,
                   seed: int) -> np.ndarray:
    """(n_batches, len(parameters)) noise g_batch - g_full of the chosen parameters (columns of per_sample) for random
    mini-batches drawn without replacement within a batch (000 sec. 5; minibatch_noise)."""
    return minibatch_noise(per_sample[:, torch.as_tensor(parameters)], batch_size, n_batches, seed).numpy()


def histogram_sse(samples: np.ndarray, pdf, bins: int = 40) -> float:
    """Sum of squared errors between the normalised histogram and a fitted density at the bin centres (the fitting
    error of 000 Tables 1-2), on the central 99% of the data so that a few extreme values do not set the bins."""
    low, high = np.quantile(samples, [0.005, 0.995])
    density, edges = np.histogram(samples, bins=bins, range=(low, high), density=True)
    centres = (edges[1:] + edges[:-1]) / 2
    return float(np.sum((density - pdf(centres)) ** 2) * (high - low) / bins)


def stable_scale(samples: np.ndarray, alpha: float) -> float:
    """Scale of a SaS law with the given alpha matching the sample's interquartile range (scipy's standard SaS IQR)."""
    from scipy.stats import levy_stable

    iqr = np.subtract(*np.quantile(samples, [0.75, 0.25]))
    standard = 2 * levy_stable.ppf(0.75, alpha, 0.0)
    return float(iqr / standard) if standard > 0 else math.nan


def covariance_trace_along_layer(model: nn.Module, x: torch.Tensor, y: torch.Tensor, layer: str, offsets,
                                 batch_size: int) -> list[float]:
    """Tr of the mini-batch gradient covariance, (1/B) mean_i |g_i - g_bar|^2 (sampling with replacement), at the
    weights with every entry of `layer` shifted by each offset (002 sec. 5.1: w*_layer +- i Scale). The shifted
    weights are stacked and evaluated in one vmapped call; the model itself is not modified."""
    minimum = {k: v.detach() for k, v in model.named_parameters()}
    if layer not in minimum:
        raise ParameterError("layer", layer, f"one of {sorted(minimum)}", "the parameter tensor to shift")
    offsets = torch.as_tensor(np.asarray(offsets, dtype=float), dtype=minimum[layer].dtype)
    shifted = {k: v.unsqueeze(0).repeat(len(offsets), *([1] * v.dim())) for k, v in minimum.items()}
    shifted[layer] = shifted[layer] + offsets.view(-1, *([1] * minimum[layer].dim()))
    return (_gradient_trace(model, shifted, x, y) / batch_size).tolist()


def gd_steps_batched(models: list[nn.Module], x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> dict:
    """Full-batch gradient descent for several independent seeds at once (numerics.nets.training.train_stacked with
    no generators): one vmapped functional call computes every seed's loss and gradient per step. Returns the stacked
    final parameters. Equivalent to a loop over the models (tested), one kernel launch per layer instead of one per
    layer and seed."""
    return train_stacked(models[0], stack(models), (x, y), [(lr, None)] * steps, None)[0]


@dataclass(frozen=True)
class EscapeRun:
    """Escape times of SGD from a trained minimum (000 appendix A.4): `steps[r]` is the first iteration of run r at
    which the full-batch loss exceeds the minimum's by `delta_loss` (inf where the run had not escaped by
    `max_steps`: censored, never dropped)."""

    steps: np.ndarray
    lr: float
    batch_size: int
    delta_loss: float
    minimum_loss: float
    max_steps: int
    seed: int
    #: Tr of the per-sample gradient covariance at the minimum and, averaged over escaped runs, on the boundary
    #: L = L(w*) + delta_loss where the segment from w* to the run's exit point crosses it (the exit overshoots)
    trace_at_minimum: float
    trace_at_boundary: float
    seconds: float

    @property
    def n_censored(self) -> int:
        return int(np.count_nonzero(~np.isfinite(self.steps)))


def _gradient_trace(model: nn.Module, params: dict, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Tr Cov_i(grad l_i) at each of the stacked parameter sets (runs, ...) -> (runs,): the state-dependent diffusion
    D(w) of the SGD noise up to the factor 1/B (002 eq. 10 takes it as mu l(w) + sigma along the escape)."""
    def loss(p, xi, yi):
        return nn.functional.cross_entropy(functional_call(model, p, (xi.unsqueeze(0),)), yi.unsqueeze(0))
    per_sample = vmap(vmap(grad(loss), in_dims=(None, 0, 0)), in_dims=(0, None, None))(params, x, y)
    flat = torch.cat([g.flatten(start_dim=2) for g in per_sample.values()], dim=2)
    return ((flat - flat.mean(dim=1, keepdim=True)) ** 2).sum(dim=2).mean(dim=1)


# 10 parameters: the model and data plus the experiment's keyword-only settings of 000 appendix A.4, each reported
def sgd_escape_times(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lr: float, batch_size: int,
                     delta_loss: float, runs: int, max_steps: int, seed: int, first_run: int = 0) -> EscapeRun:
    """000 sec. 5 / appendix A.4: from the trained minimum `model`, run `runs` independent SGD chains (batch size
    `batch_size`, mini-batches drawn without replacement within a batch) and record the first iteration at which the
    full-batch loss exceeds L(w*) + delta_loss. The runs are one batched model (stacked parameters, vmap over runs);
    escaped runs are dropped from the batch (compaction), so the cost falls as they leave. Run r draws its
    mini-batches from its own generator (spawned from `seed`), so it is the same run batched or alone
    (`runs=1, first_run=r`)."""
    n = x.shape[0]
    for name, value, valid in (("lr", lr, lr > 0), ("batch_size", batch_size, 1 <= batch_size <= n),
                               ("delta_loss", delta_loss, delta_loss > 0), ("runs", runs, runs >= 1),
                               ("max_steps", max_steps, max_steps >= 1)):
        if not valid:
            raise ParameterError(name, value, "positive (batch_size at most the data size)", "the escape experiment")
    started = time.perf_counter()
    generators = [torch.Generator().manual_seed(int(state))
                  for state in np.random.SeedSequence(seed).generate_state(first_run + runs)[first_run:]]
    minimum = {k: v.detach() for k, v in model.named_parameters()}

    def loss(p, xb, yb):
        return nn.functional.cross_entropy(functional_call(model, p, (xb,)), yb)
    batched_grad = vmap(grad(loss), in_dims=(0, 0, 0))
    batched_loss = vmap(loss, in_dims=(0, None, None))
    with torch.no_grad():
        minimum_loss = float(loss(minimum, x, y))
    params = {k: v.unsqueeze(0).repeat(runs, *([1] * v.dim())) for k, v in minimum.items()}
    alive = torch.arange(runs)
    steps = np.full(runs, np.inf)
    exit_params = []
    for step in range(1, max_steps + 1):
        rows = torch.stack([torch.rand(n, generator=generators[r]).topk(batch_size).indices for r in alive.tolist()])
        gradients = batched_grad(params, x[rows], y[rows])
        params = {k: params[k] - lr * gradients[k] for k in params}
        with torch.no_grad():
            escaped = batched_loss(params, x, y) > minimum_loss + delta_loss
        if escaped.any():
            exit_params.append({k: v[escaped] for k, v in params.items()})
            params, alive = drop_exited(escaped, step, params, alive, steps)
            if alive.numel() == 0:
                break
    with torch.no_grad():
        trace_minimum = float(_gradient_trace(model, {k: v.unsqueeze(0) for k, v in minimum.items()}, x, y)[0])
        trace_boundary = math.nan
        if exit_params:
            at_exit = {k: torch.cat([e[k] for e in exit_params]) for k in minimum}
            on_boundary = _boundary_crossing(batched_loss, minimum, at_exit, x, y, minimum_loss + delta_loss)
            trace_boundary = float(_gradient_trace(model, on_boundary, x, y).mean())
    return EscapeRun(steps, lr, batch_size, delta_loss, minimum_loss, max_steps, seed, trace_minimum, trace_boundary,
                     time.perf_counter() - started)


def drop_exited(exited: torch.Tensor, step: int, params: dict, active: torch.Tensor,
                steps: np.ndarray) -> tuple[dict, torch.Tensor]:
    """Compaction of a batched escape run: record `step` as the exit step of the active runs marked `exited` (indices
    `active` into the run list) and drop them from the stacked parameters, so the cost falls as runs leave."""
    if exited.any():
        steps[active[exited].numpy()] = step
        keep = ~exited
        active = active[keep]
        params = {name: v[keep] for name, v in params.items()}
    return params, active


def _boundary_crossing(batched_loss, minimum: dict, exits: dict, x, y, level: float, iterations: int = 40) -> dict:
    """Per run, a point w* + t (w_exit - w*) with loss = level, by bisection on t in [0, 1] (loss(0) < level <
    loss(1), so a crossing exists; the loss need not be monotone along the segment, any crossing is a boundary point)."""
    runs = next(iter(exits.values())).shape[0]
    low, high = torch.zeros(runs, dtype=torch.float64), torch.ones(runs, dtype=torch.float64)

    def point(t):
        return {k: minimum[k] + t.view(-1, *([1] * minimum[k].dim())).to(minimum[k].dtype) * (exits[k] - minimum[k])
                for k in minimum}
    for _ in range(iterations):
        middle = (low + high) / 2
        above = batched_loss(point(middle), x, y) > level
        high, low = torch.where(above, middle, high), torch.where(above, low, middle)
    return point(high)


def fit_escape_forms(lrs: np.ndarray, means: np.ndarray, stderrs: np.ndarray, forms: dict, fixed: dict) -> dict:
    """Weighted least squares of ln(mean escape time) against each form's ln T(eta; c, q) (forms as returned by
    theory.networks.escape_time_forms, `fixed` the measured constants such as R). Weights: the delta-method
    standard error of ln(mean), SE/mean. Returns per form the fitted parameters with their standard errors, chi^2,
    degrees of freedom and the chi^2 goodness-of-fit p-value."""
    import sympy as sp
    from scipy import optimize
    from scipy.stats import chi2

    lrs, means, stderrs = (np.asarray(a, dtype=float) for a in (lrs, means, stderrs))
    if lrs.size < 3 or np.any(means <= 0) or np.any(stderrs <= 0):
        raise ParameterError("escape means", means.tolist(), "at least 3 learning rates with positive means and SEs",
                             "the fit of the escape-time forms")
    log_mean, log_se = np.log(means), stderrs / means
    fits = {}
    for name, (expression, (c, rate), source) in forms.items():
        eta_sym = next(s for s in expression.free_symbols if s.name == "eta")
        log_c = sp.Symbol("log_c")
        log_form = sp.expand_log(sp.log(expression.subs(fixed).subs(c, sp.exp(log_c))), force=True)
        function = sp.lambdify((eta_sym, log_c, rate), log_form, "numpy")
        # start: the Kramers-type forms are linear in 1/eta, the Lévy form in ln eta (two-point slope)
        slope = np.polyfit(1 / lrs, log_mean + np.log(lrs), 1)[0]
        if rate.name == "p":
            start, bounds = (log_mean.mean(), -np.polyfit(np.log(lrs), log_mean, 1)[0]), ([-np.inf, -np.inf], np.inf)
        elif rate.name == "k":
            start, bounds = (log_mean.mean(), slope), ([-np.inf, -np.inf], np.inf)
        else:   # power law: k ~ 2 ln R / mu near eta mu << 4; mu must keep eta mu < 4 over the sweep
            ceiling = 4 / lrs.max() * (1 - 1e-9)
            start = (log_mean.mean(), min(2 * np.log(float(fixed[sp.Symbol("R", positive=True)])) / max(slope, 1e-9),
                                         ceiling / 2))
            bounds = ([-np.inf, 1e-12], [np.inf, ceiling])
        start = (start[0] - np.mean(function(lrs, 0.0, start[1])), start[1])
        try:
            values, covariance = optimize.curve_fit(function, lrs, log_mean, p0=start, sigma=log_se,
                                                    absolute_sigma=True, bounds=bounds, maxfev=20000)
        except RuntimeError as error:   # no convergence: reported as such, the form scores nothing
            fits[name] = {"source": source, "error": str(error)}
            continue
        residual = (log_mean - function(lrs, *values)) / log_se
        chi_squared, dof = float(residual @ residual), lrs.size - 2
        fits[name] = {"source": source, "c": float(np.exp(values[0])), rate.name: float(values[1]),
                      f"SE {rate.name}": float(np.sqrt(covariance[1, 1])), "chi2": chi_squared, "dof": dof,
                      "p-value (chi2 goodness of fit)": float(chi2.sf(chi_squared, dof)),
                      "fitted means": np.exp(function(lrs, *values)).tolist()}
    return fits
