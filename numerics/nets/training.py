"""One batched trainer for the real-network experiments: many runs (seeds x settings) trained as ONE model.

The runs' parameters are stacked (torch.func.stack_module_state) and one vmapped functional call gives every run its
loss and gradient per step (one kernel launch per layer instead of one per layer and run). Each run draws its epoch
permutations from its own generator, so a run is the same batched or alone (tested against plain torch.optim loops).
Used by the learning-rate schedules of 000 sec. 5 (schedules), PL-SGD of 002 sec. 5.3 eq. 13 (plsgd) and full-batch
GD over seeds (gradients.gd_steps_batched)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, stack_module_state, vmap


def stack(models: list[nn.Module]) -> tuple[dict, dict]:
    """The models' parameters and buffers stacked along a new leading (run) dimension, detached copies."""
    params, buffers = stack_module_state(models)
    return {k: v.detach().clone() for k, v in params.items()}, buffers


def sgd_update(params: dict, gradients: dict, lr: float) -> dict:
    """Plain SGD, w <- w - lr g (no momentum, no weight decay: 000 sec. 5)."""
    return {k: params[k] - lr * gradients[k] for k in params}


def train_stacked(template: nn.Module, state: tuple[dict, dict], data: tuple[torch.Tensor, torch.Tensor],
                  epochs: Iterable[tuple[float, int]], generators: list[torch.Generator] | None, *,
                  row_generator: list[int] | None = None, update: Callable = sgd_update,
                  snapshot_epochs=()) -> tuple[dict, tuple[int, ...], dict]:
    """Train the stacked runs `state` = (params, buffers) on `data` = (x, y) by the cross-entropy loss, one
    (lr, batch size) pair per epoch. Every epoch each generator draws a permutation of the n examples; run r uses
    that of generators[row_generator[r]] (default: generator r), in batches of that size without replacement, the
    last partial batch dropped (n // batch steps). `generators=None` is full-batch GD: one step per epoch on all of
    the data, unpermuted. `update(params, gradients, lr)` is the step (default plain SGD). Returns the final stacked
    parameters, the steps of every epoch and the parameters after each epoch in `snapshot_epochs` (0 = initial)."""
    params, buffers = state
    x, y = data

    def loss(p, b, xb, yb):
        return nn.functional.cross_entropy(functional_call(template, (p, b), (xb,)), yb)
    batched_grad = vmap(grad(loss), in_dims=(0, 0) + ((None, None) if generators is None else (0, 0)))
    n = x.shape[0]
    snapshots = {0: params} if 0 in snapshot_epochs else {}
    steps_per_epoch = []
    for epoch, (lr, batch) in enumerate(epochs):
        if generators is None:
            steps_per_epoch.append(1)
            params = update(params, batched_grad(params, buffers, x, y), lr)
        else:
            order = torch.stack([torch.randperm(n, generator=g) for g in generators])
            order = order if row_generator is None else order[torch.as_tensor(row_generator)]
            steps_per_epoch.append(n // batch)
            for step in range(n // batch):
                rows = order[:, step * batch:(step + 1) * batch]
                params = update(params, batched_grad(params, buffers, x[rows], y[rows]), lr)
        if epoch + 1 in snapshot_epochs:
            snapshots[epoch + 1] = params
    return params, tuple(steps_per_epoch), snapshots


@dataclass
class BatchedRun:
    """Runs trained together by train_stacked, row r = one run: what it trained with (settings[r]: an optimiser
    setting, a schedule), its seed, the stacked final parameters and per-row metrics (those a caller measures)."""

    settings: list
    seeds: list
    params: dict
    test_accuracy: np.ndarray
    train_loss: np.ndarray                 # full-batch training loss at the end
    steps_per_epoch: tuple[int, ...] = ()
    snapshots: dict = field(default_factory=dict)   # epochs completed -> stacked parameters at that moment
    train_accuracy: np.ndarray | None = None
    validation_accuracy: np.ndarray | None = None
    test_loss: np.ndarray | None = None
    test_correct: np.ndarray | None = None     # (rows, n_test) per-example correctness
    diverged: np.ndarray | None = None

    def rows_of(self, setting) -> np.ndarray:
        return np.array([i for i, s in enumerate(self.settings) if s == setting])

    @property
    def schedule(self):
        """The one setting that every row shares (a schedules run: one Schedule over several seeds)."""
        (only,) = set(self.settings)
        return only
