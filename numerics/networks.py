"""Real-network experiments, first part: a trained minimum and its stochastic-gradient noise (seed 000 sec. 5 and
appendix A.2/A.4, 001 sec. 5), on data that ships with scikit-learn.

The methodology of 000 (after Simsekli et al. 2019): at a pre-trained minimum, compute the gradient of many
mini-batches without updating the weights; the noise of parameter l is g_batch,l - g_full,l. Per-sample gradients are
computed once with torch.func (vmap over samples), so a mini-batch gradient is the mean of B rows: any number of
mini-batches costs one matrix product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, vmap

from theory.errors import ParameterError


def breast_cancer() -> tuple[torch.Tensor, torch.Tensor]:
    """Breast cancer Wisconsin (scikit-learn's bundled copy: the data behind the papers' BreastW), standardised."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    x = (data.data - data.data.mean(axis=0)) / data.data.std(axis=0)
    return torch.tensor(x, dtype=torch.float64), torch.tensor(data.target, dtype=torch.int64)


def load_table(path, target: str | int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """A user's own data set, standardised: a CSV with a header row (target = column name or index, default the
    last), or a .mat file of the outlier-detection collection the papers use (ODDS: arrays 'X' and 'y'; Cardio,
    Satellite, Speech, Ionosphere). Integer class labels are returned as int64."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        raise ParameterError("path", str(path), "an existing .csv or .mat file", "the data set to load")
    if path.suffix == ".mat":
        from scipy.io import loadmat

        contents = loadmat(path)
        if "X" not in contents or "y" not in contents:
            raise ParameterError("path", str(path), "a .mat file with arrays 'X' and 'y'", "the ODDS layout")
        features, labels = np.asarray(contents["X"], dtype=float), np.asarray(contents["y"]).ravel()
    elif path.suffix == ".csv":
        header = path.read_text().splitlines()[0].split(",")
        table = np.genfromtxt(path, delimiter=",", skip_header=1)
        column = header.index(target) if isinstance(target, str) else target % len(header)
        labels = table[:, column]
        features = np.delete(table, column, axis=1)
    else:
        raise ParameterError("path", str(path), "a .csv or .mat file", "the data set to load")
    if not np.all(np.isfinite(features)):
        raise ParameterError("features", "non-finite entries", "finite numbers", "every feature value")
    spread = features.std(axis=0)
    features = (features - features.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return torch.tensor(features, dtype=torch.float64), torch.tensor(labels.astype(np.int64))


def three_layer_mlp(inputs: int, width: int, classes: int, seed: int) -> nn.Module:
    """The three-layer ReLU MLP of 000/001 sec. 5 (widths are ours: the papers do not fix them for BreastW)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(inputs, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, classes)).double()


@dataclass(frozen=True)
class TrainedMinimum:
    model: nn.Module
    iterations: int
    final_loss: float
    reached: bool          # 000 A.4: full-batch loss change below the threshold for `patience` iterations
    threshold: float
    patience: int


def train_to_minimum(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lr: float = 0.1,
                     threshold: float = 1e-6, patience: int = 100, max_iterations: int = 20000) -> TrainedMinimum:
    """Full-batch gradient descent until the loss changes by less than `threshold` for `patience` consecutive
    iterations (000 appendix A.4's criterion), or max_iterations (then reached = False, reported)."""
    loss_fn = nn.CrossEntropyLoss()
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
            return TrainedMinimum(model, iteration, value, True, threshold, patience)
    return TrainedMinimum(model, max_iterations, previous, False, threshold, patience)


def per_sample_gradients(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(n_samples, n_parameters) gradients of the per-sample cross-entropy, by torch.func vmap."""
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(p, xi, yi):
        logits = functional_call(model, p, (xi.unsqueeze(0),))
        return nn.functional.cross_entropy(logits, yi.unsqueeze(0))
    grads = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    return torch.cat([g.reshape(x.shape[0], -1) for g in grads.values()], dim=1)


def gradient_noise(per_sample: torch.Tensor, batch_size: int, n_batches: int, parameters: np.ndarray,
                   seed: int) -> np.ndarray:
    """(n_batches, len(parameters)) noise g_batch - g_full for random mini-batches drawn without replacement within a
    batch (000 sec. 5: gradients of many mini-batches at fixed weights)."""
    n = per_sample.shape[0]
    if not 1 <= batch_size < n:
        raise ParameterError("batch_size", batch_size, f"[1, {n - 1}]", "the mini-batch size")
    generator = torch.Generator().manual_seed(seed)
    chosen = per_sample[:, torch.as_tensor(parameters)]
    full = chosen.mean(dim=0)
    rows = torch.stack([torch.randperm(n, generator=generator)[:batch_size] for _ in range(n_batches)])
    return (chosen[rows].mean(dim=1) - full).numpy()


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
    weights with every entry of `layer` shifted by each offset (002 sec. 5.1: w*_layer +- i Scale)."""
    original = dict(model.named_parameters())[layer].detach().clone()
    traces = []
    try:
        for offset in offsets:
            with torch.no_grad():
                dict(model.named_parameters())[layer].copy_(original + offset)
            g = per_sample_gradients(model, x, y)
            traces.append(float(((g - g.mean(dim=0)) ** 2).sum(dim=1).mean() / batch_size))
    finally:
        with torch.no_grad():
            dict(model.named_parameters())[layer].copy_(original)
    return traces


def gd_steps_batched(models: list[nn.Module], x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> dict:
    """Full-batch gradient descent for several independent seeds at once: the parameters are stacked
    (torch.func.stack_module_state) and one vmapped functional call computes every seed's loss and gradient per step.
    Returns the stacked final parameters. Equivalent to a loop over the models (tested), one kernel launch per layer
    instead of one per layer and seed."""
    from torch.func import stack_module_state

    params, buffers = stack_module_state(models)
    params = {k: v.detach().clone() for k, v in params.items()}
    template = models[0]

    def loss(p, b):
        return nn.functional.cross_entropy(functional_call(template, (p, b), (x,)), y)
    batched_grad = vmap(grad(loss), in_dims=(0, 0))
    for _ in range(steps):
        gradients = batched_grad(params, buffers)
        params = {k: params[k] - lr * gradients[k] for k in params}
    return params
