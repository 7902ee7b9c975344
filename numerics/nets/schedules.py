"""Real-network experiments, schedules: learning-rate decay against the equivalent batch-size increase (seed 000 sec. 5,
"Learning rate decay" paragraph, Fig. 4 and appendix G.1), scaled down to a small CNN on scikit-learn's digits.

000 sec. 5 trains ResNet20 for 90 epochs three ways: (a) LRdecay at epochs 30 and 60, (b) a batch-size increase at the
same epochs, (c) neither; (a) and (b) reach almost the same top-1 (66.7 / 66.4), (c) reaches 53. It also shows
(Fig. 4, appendix G.1: ResNet110, decay by 10 at epoch 280) the stochastic gradient noise of one parameter at epoch 279
(before the decay), 281 (after) and 280 without decay. Here: E epochs, milestones at round(E/3) and round(2E/3), the
decay or increase factor k (the paper does not state its batch factor; we use the same k for both, the equivalence of
Smith et al. 2018, the paper's ref. [58]: lr * steps per epoch is the same in (a) and (b)).

Several seeds are trained at once as one batched model (numerics.nets.training.train_stacked: stacked parameters,
functional_call + vmap); each seed draws its own mini-batch order from its own generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, vmap

from theory.errors import ParameterError

from .data import Splits
from .gradients import minibatch_noise
from .training import BatchedRun, stack, train_stacked

SCHEDULES = ("lr_decay", "batch_increase", "constant")


def small_cnn(seed: int, channels: int = 8) -> nn.Module:
    """conv 1->channels 3x3 (padding 1), ReLU, 2x2 max-pool, flatten, linear -> 10 (float32): our stand-in for the
    paper's ResNet20, small enough to train tens of seeds on one CPU core."""
    if channels < 1:
        raise ParameterError("channels", channels, "an integer >= 1", "the number of convolution filters")
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(channels * 16, 10))


@dataclass(frozen=True)
class Schedule:
    """Learning rate and batch size of every epoch (index 0 = first epoch)."""

    name: str
    learning_rates: tuple[float, ...]
    batch_sizes: tuple[int, ...]
    milestones: tuple[int, ...]   # the epochs (0-based) from which the decayed lr / the larger batch applies

    @property
    def epochs(self) -> int:
        return len(self.learning_rates)


def milestones(epochs: int) -> tuple[int, int]:
    """The decay epochs at E/3 and 2E/3 (000 sec. 5: epochs 30 and 60 of 90), rounded."""
    return round(epochs / 3), round(2 * epochs / 3)


def make_schedule(name: str, epochs: int, lr: float, batch_size: int, factor: float, n_train: int) -> Schedule:
    """(a) "lr_decay": lr divided by `factor` at each milestone, batch fixed; (b) "batch_increase": batch multiplied by
    `factor` at each milestone (rounded to an integer), lr fixed; (c) "constant": neither (000 sec. 5)."""
    if name not in SCHEDULES:
        raise ParameterError("schedule", name, f"one of {SCHEDULES}", "the training schedule")
    if not isinstance(epochs, int) or epochs < 3:
        raise ParameterError("epochs", epochs, "an integer >= 3", "two milestones at E/3 and 2E/3 need E >= 3")
    if not lr > 0:
        raise ParameterError("lr", lr, "> 0", "the initial learning rate")
    if not factor > 1:
        raise ParameterError("factor", factor, "> 1", "the decay / batch-increase factor k")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ParameterError("batch_size", batch_size, "an integer >= 1", "the initial mini-batch size")
    largest = round(batch_size * factor**2) if name == "batch_increase" else batch_size
    if largest > n_train:
        raise ParameterError("batch_size", batch_size, f"batch_size * factor^2 <= {n_train} (training samples)",
                             "the largest batch of the schedule must fit in the training set")
    first, second = milestones(epochs)
    stage = [int(e >= first) + int(e >= second) for e in range(epochs)]
    lrs = tuple(lr / factor**s if name == "lr_decay" else lr for s in stage)
    batches = tuple(round(batch_size * factor**s) if name == "batch_increase" else batch_size for s in stage)
    return Schedule(name, lrs, batches, (first, second))


def _loss(template: nn.Module):
    def loss(params, x, y):
        return nn.functional.cross_entropy(functional_call(template, params, (x,)), y)
    return loss


def stacked_logits(template: nn.Module, params: dict, x: torch.Tensor) -> torch.Tensor:
    """(seeds, samples, classes) logits of every seed's parameters on x: one vmapped forward pass."""
    with torch.no_grad():
        return vmap(lambda p: functional_call(template, p, (x,)))(params)


def stacked_accuracy(template: nn.Module, params: dict, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """Accuracy of every seed's parameters on (x, y): one vmapped forward pass."""
    return (stacked_logits(template, params, x).argmax(dim=-1) == y).float().mean(dim=1).numpy()


def stacked_loss(template: nn.Module, params: dict, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return vmap(_loss(template), in_dims=(0, None, None))(params, x, y).numpy()


def train_batched(models: list[nn.Module], data: Splits, schedule: Schedule, seeds, *,
                  snapshot_epochs=(), epochs: int | None = None) -> BatchedRun:
    """Plain SGD (no momentum, no weight decay, as in 000 sec. 5) under `schedule` for every model at once. Model i
    draws its epoch permutations from torch.Generator().manual_seed(seeds[i]); an epoch is n_train // B steps (the
    last partial batch is dropped). `epochs` stops early (default: the whole schedule); `snapshot_epochs` keeps the
    stacked parameters after that many epochs (0 = initial). Equivalent to a loop over the models (tested)."""
    seeds = tuple(int(s) for s in seeds)
    if len(seeds) != len(models) or not models:
        raise ParameterError("seeds", len(seeds), f"one seed per model ({len(models)} models, at least one)")
    epochs = schedule.epochs if epochs is None else epochs
    if not 0 <= epochs <= schedule.epochs:
        raise ParameterError("epochs", epochs, f"[0, {schedule.epochs}]", "epochs to train of the schedule")
    template = models[0]
    params, steps_per_epoch, snapshots = train_stacked(
        template, stack(models), (data.x_train, data.y_train),
        list(zip(schedule.learning_rates, schedule.batch_sizes))[:epochs],
        [torch.Generator().manual_seed(s) for s in seeds], snapshot_epochs=snapshot_epochs)
    return BatchedRun([schedule] * len(seeds), seeds, params,
                      stacked_accuracy(template, params, data.x_test, data.y_test),
                      stacked_loss(template, params, data.x_train, data.y_train), steps_per_epoch, snapshots)


# 9 parameters: weights and data, the watched entry (name, index) and the sampler's (batch_size, n_batches, seed)
def parameter_gradient_noise(template: nn.Module, params: dict, x: torch.Tensor, y: torch.Tensor, name: str,
                             index: int, batch_size: int, n_batches: int, seed: int) -> np.ndarray:
    """(n_seeds, n_batches) stochastic gradient noise g_batch - g_full of one parameter (entry `index` of the flattened
    tensor `name`) at the fixed stacked weights, for random mini-batches of `batch_size` drawn without replacement
    (000 sec. 5 and appendix A.2: many mini-batches at fixed weights). Per-sample gradients of that tensor only, by
    vmap over samples and over seeds; the same mini-batches for every seed (common random numbers)."""
    if name not in params:
        raise ParameterError("name", name, f"one of {sorted(params)}", "the tensor holding the watched parameter")
    size = params[name][0].numel()
    if not 0 <= index < size:
        raise ParameterError("index", index, f"[0, {size - 1}]", f"a flat index into {name}")
    n = x.shape[0]
    if n_batches < 2:
        raise ParameterError("n_batches", n_batches, ">= 2", "mini-batches to draw")
    loss = _loss(template)

    def watched_loss(tensor, rest, xi, yi):
        return loss({**rest, name: tensor}, xi.unsqueeze(0), yi.unsqueeze(0))
    rest = {k: v for k, v in params.items() if k != name}
    per_sample = vmap(vmap(grad(watched_loss), in_dims=(None, None, 0, 0)), in_dims=(0, 0, None, None))
    with torch.no_grad():
        g = per_sample(params[name].detach(), {k: v.detach() for k, v in rest.items()}, x, y)
    g = g.reshape(g.shape[0], n, -1)[:, :, index].double()          # (seeds, n)
    return minibatch_noise(g, batch_size, n_batches, seed, sample_dim=1).numpy()


def noise_amplitude(noise: np.ndarray) -> dict:
    """Per-seed sd and interquartile range of noise samples (n_seeds, n_batches): the 'noise amplitude' and spread
    of 000 Fig. 4."""
    q75, q25 = np.quantile(noise, [0.75, 0.25], axis=1)
    return {"sd": noise.std(axis=1, ddof=1), "iqr": q75 - q25}
