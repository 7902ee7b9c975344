"""PL-SGD against SGD and SGLD with a large batch (seed 002_0bd15634cbfb0ce4.txt sec. 5.3, eqs. 13-14, Fig. 4),
scaled down from ResNet-18 on CIFAR-10 to a three-layer MLP on scikit-learn's bundled digits.

The paper's protocol (sec. 5.3): batch 2048, 90 epochs, lr 0.1 annealed to 0.01 after 45 epochs, no data
augmentation, no weight decay; the three optimisers

    SGD     w <- w - eta g(w)
    PL-SGD  w <- w - eta g(w) + eta |w| ⊙ xi_1 + eta xi_2,  xi_1 ~ N(0, lambda_1 I), xi_2 ~ N(0, lambda_2 I)   (eq. 13)
    SGLD    w <- w - eta g(w) + eta xi_3,                   xi_3 ~ N(0, lambda_3 I)                          (eq. 14)

with lambda_1, lambda_2 and lambda_3 VARIANCES (eq. 13/14 write N(0, lambda I)), tuned by grid search. SGLD is eq. 13
with lambda_1 = 0, lambda_2 = lambda_3, and SGD is eq. 13 with both zero, so one update (``plsgd_update``, the
formula of numerics.nets.optim.power_law_step with the noise passed in) serves all three.

Scaled down here: digits (1797 images 8x8, 10 classes) split train / validation / test, a batch that is a large
fraction of the training set (the analogue of 2048 on CIFAR-10), lr annealed by 10x halfway. The noise levels are
chosen on the VALIDATION split only (the paper tuned on test accuracy, which we do not copy): ``grid_search`` is handed
the splits with the test part removed. Many seeds and noise settings run as ONE batched model
(numerics.nets.training.train_stacked: stacked parameters, functional_call + vmap); each seed has its own generators
for the batch order and for the injected noise, and all settings of one seed share its initialisation and batch
order, so the comparison between optimisers is paired by seed.

Why digits rather than breast cancer: at this scale breast cancer shows no generalisation penalty for a large batch
(two seeds, MLP 30-32-32-2, 300 epochs: test accuracy 0.965 at batch 32 and at batch 170, gap 0.035 and 0.029), so
there is nothing for injected noise to repair; on digits a large batch costs about 2 points of test accuracy against
batch 32 (0.953 vs 0.974, gap 0.03) and 10 classes leave room for a difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.func import functional_call, vmap

from theory.errors import ParameterError

from .data import Splits
from .gradients import three_layer_mlp
from .training import BatchedRun, stack, train_stacked

SOURCE_EQ13 = "002_0bd15634cbfb0ce4.txt sec. 5.3, eq. 13"
SOURCE_EQ14 = "002_0bd15634cbfb0ce4.txt sec. 5.3, eq. 14"
#: offset between a seed's batch-order generator and its noise generator (two independent streams per seed)
NOISE_STREAM = 1_000_003


@dataclass(frozen=True)
class NoiseSetting:
    """One optimiser of 002 sec. 5.3 as eq. 13's two variances: SGD (0, 0), SGLD (0, lambda_3) (eq. 14),
    PL-SGD (lambda_1, lambda_2)."""

    optimiser: str
    lambda1: float = 0.0   # variance of xi_1, the state-dependent noise |w| ⊙ xi_1 (eq. 13)
    lambda2: float = 0.0   # variance of xi_2 (eq. 13), or of xi_3 for SGLD (eq. 14)

    def __post_init__(self) -> None:
        for name, value, meaning in (("lambda1", self.lambda1, "variance of xi_1 in 002 eq. 13"),
                                     ("lambda2", self.lambda2, "variance of xi_2 (eq. 13) / xi_3 (eq. 14) in 002")):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ParameterError(name, value, "[0, inf)", meaning)
        expected = {"SGD": self.lambda1 == 0 and self.lambda2 == 0, "SGLD": self.lambda1 == 0,
                    "PL-SGD": True}
        if not expected.get(self.optimiser, False):
            raise ParameterError("optimiser", self.optimiser, "SGD (no noise), SGLD (lambda1 = 0) or PL-SGD",
                                 "the name must match the noise it injects")

    @classmethod
    def sgd(cls) -> NoiseSetting:
        return cls("SGD")

    @classmethod
    def plsgd(cls, lambda1: float, lambda2: float) -> NoiseSetting:
        return cls("PL-SGD", lambda1, lambda2)

    @classmethod
    def sgld(cls, lambda3: float) -> NoiseSetting:
        return cls("SGLD", 0.0, lambda3)

    @property
    def state_std(self) -> float:
        return math.sqrt(self.lambda1)

    @property
    def constant_std(self) -> float:
        return math.sqrt(self.lambda2)

    @property
    def label(self) -> str:
        if self.optimiser == "SGD":
            return "SGD"
        if self.optimiser == "SGLD":
            return f"SGLD lambda3={self.lambda2:g}"
        return f"PL-SGD lambda1={self.lambda1:g} lambda2={self.lambda2:g}"


def plsgd_update(w: torch.Tensor, grad_w: torch.Tensor, lr: float, state_std: torch.Tensor,
                 constant_std: torch.Tensor, xi_1: torch.Tensor, xi_2: torch.Tensor) -> torch.Tensor:
    """002 sec. 5.3 eq. 13 for a stack of models (leading dimension = model), with the standard normals given:

        w - lr g + lr sqrt(lambda_1) |w| ⊙ xi_1 + lr sqrt(lambda_2) xi_2,   xi_1, xi_2 ~ N(0, I),

    the formula of numerics.nets.optim.power_law_step with center = 0 (eq. 13 centres the state noise at 0), evaluated in
    the same order. ``state_std``, ``constant_std`` hold one standard deviation per model (shape (models,)).
    SGLD (eq. 14) is state_std = 0; SGD is both 0."""
    shape = (-1,) + (1,) * (w.dim() - 1)
    step = w - lr * grad_w
    step = step + lr * state_std.reshape(shape) * (w - 0.0).abs() * xi_1
    return step + lr * constant_std.reshape(shape) * xi_2


def draw_noise(generator: torch.Generator, shapes: list, setting: NoiseSetting, dtype) -> list:
    """One model's standard normals for one step, in numerics.nets.optim.PLSGD's order: for each parameter, xi_1 then
    xi_2; a term whose standard deviation is 0 draws nothing (and gets zeros), as power_law_step does."""
    noise = []
    for shape in shapes:
        xi_1 = torch.randn(shape, generator=generator, dtype=dtype) if setting.lambda1 != 0 \
            else torch.zeros(shape, dtype=dtype)
        xi_2 = torch.randn(shape, generator=generator, dtype=dtype) if setting.lambda2 != 0 \
            else torch.zeros(shape, dtype=dtype)
        noise.append((xi_1, xi_2))
    return noise


@dataclass(frozen=True)
class TrainingPlan:
    """The paper's schedule scaled down: lr annealed by ``anneal_factor`` after ``anneal_fraction`` of the epochs
    (002 sec. 5.3: 0.1 -> 0.01 after 45 of 90 epochs); batches drawn without replacement from a fresh permutation
    each epoch, the remainder dropped."""

    width: int = 32
    batch_size: int = 500
    epochs: int = 300
    lr: float = 0.1
    anneal_factor: float = 10.0
    anneal_fraction: float = 0.5

    def validate(self, n_train: int) -> None:
        if not (isinstance(self.batch_size, int) and 1 <= self.batch_size <= n_train):
            raise ParameterError("batch_size", self.batch_size, f"[1, {n_train}] (the training part's size)",
                                 "one batch cannot hold more examples than the training data")
        for name, value in (("width", self.width), ("epochs", self.epochs)):
            if not (isinstance(value, int) and value >= 1):
                raise ParameterError(name, value, "a positive integer")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ParameterError("lr", self.lr, "(0, inf)", "the initial learning rate eta")
        if not (self.anneal_factor >= 1 and 0 < self.anneal_fraction <= 1):
            raise ParameterError("anneal", (self.anneal_factor, self.anneal_fraction), "factor >= 1, 0 < fraction <= 1")

    def lr_at(self, epoch: int) -> float:
        return self.lr / self.anneal_factor if epoch >= round(self.anneal_fraction * self.epochs) else self.lr

    def as_dict(self) -> dict:
        return {"width": self.width, "batch size": self.batch_size, "epochs": self.epochs, "lr": self.lr,
                "lr annealed by": self.anneal_factor, "anneal after epoch": round(self.anneal_fraction * self.epochs)}


def batch_generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def noise_generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed + NOISE_STREAM)


def initial_model(inputs: int, width: int, classes: int, seed: int, dtype) -> nn.Module:
    """The three-layer ReLU MLP of numerics.nets.models, initialised from ``seed`` (shared by every setting)."""
    return three_layer_mlp(inputs, width, classes, seed).to(dtype)


def train_batched(settings: list, seeds: list, splits: Splits, plan: TrainingPlan = TrainingPlan()) -> BatchedRun:
    """Train every (setting, seed) pair as one batched model: row r = settings[r // len(seeds)] x
    seeds[r % len(seeds)]. Rows of one seed share the initialisation and the batch order (paired design); each row
    draws its injected noise from its seed's own noise generator. Equivalent to training each row alone with
    numerics.nets.optim.PLSGD.from_eq13 (tested)."""
    if not settings or not seeds:
        raise ParameterError("settings, seeds", (len(settings), len(seeds)), "both non-empty")
    if len(set(seeds)) != len(seeds):
        raise ParameterError("seeds", seeds, "distinct integers", "a repeated seed repeats a run exactly")
    n_train = len(splits.y_train)
    plan.validate(n_train)
    dtype = splits.x_train.dtype
    classes = splits.classes
    template = initial_model(splits.x_train.shape[1], plan.width, classes, seeds[0], dtype)
    inits = [initial_model(splits.x_train.shape[1], plan.width, classes, s, dtype) for s in seeds]
    row_setting = [s for s in settings for _ in seeds]
    row_seed_index = torch.tensor([i for _ in settings for i in range(len(seeds))])
    params, buffers = stack([inits[i] for i in row_seed_index.tolist()])
    shapes = [v.shape[1:] for v in params.values()]
    state_std = torch.tensor([s.state_std for s in row_setting], dtype=dtype)
    constant_std = torch.tensor([s.constant_std for s in row_setting], dtype=dtype)
    noise_gens = [noise_generator(seeds[i]) for i in row_seed_index.tolist()]

    def update(params, gradients, lr):
        noise = [draw_noise(g, shapes, s, dtype) for g, s in zip(noise_gens, row_setting)]
        return {k: plsgd_update(params[k], gradients[k], lr, state_std, constant_std,
                                torch.stack([n[j][0] for n in noise]), torch.stack([n[j][1] for n in noise]))
                for j, k in enumerate(params)}
    params = train_stacked(template, (params, buffers), (splits.x_train, splits.y_train),
                           [(plan.lr_at(epoch), plan.batch_size) for epoch in range(plan.epochs)],
                           [batch_generator(s) for s in seeds], row_generator=row_seed_index.tolist(),
                           update=update)[0]
    return _evaluate(template, params, buffers, splits, row_setting, [seeds[i] for i in row_seed_index.tolist()])


def _evaluate(template, params, buffers, splits: Splits, settings, seeds) -> BatchedRun:
    finite = torch.stack([torch.isfinite(v).flatten(1).all(dim=1) for v in params.values()]).all(dim=0)

    def logits_of(x):
        if len(x) == 0:
            return torch.zeros(len(finite), 0, splits.classes, dtype=x.dtype)
        with torch.no_grad():
            return vmap(lambda p, b: functional_call(template, (p, b), (x,)))(params, buffers)

    def metrics(x, y):
        logits = logits_of(x)
        correct = (logits.argmax(dim=2) == y) & finite[:, None]     # a diverged model counts as wrong
        losses = torch.stack([nn.functional.cross_entropy(row, y) if len(y) else torch.tensor(math.nan)
                              for row in logits])
        accuracy = correct.double().mean(dim=1) if len(y) else torch.full((len(finite),), math.nan)
        return accuracy.numpy(), losses.double().numpy(), correct.numpy()
    train_acc, train_loss, _ = metrics(splits.x_train, splits.y_train)
    validation_acc, _, _ = metrics(splits.x_validation, splits.y_validation)
    test_acc, test_loss, test_correct = metrics(splits.x_test, splits.y_test)
    return BatchedRun(list(settings), list(seeds), params, test_acc, train_loss, train_accuracy=train_acc,
                      validation_accuracy=validation_acc, test_loss=test_loss, test_correct=test_correct,
                      diverged=(~finite).numpy())


def grid_search(selection_splits: Splits, grid: list, seeds: list, plan: TrainingPlan) -> dict:
    """Train every setting of ``grid`` on ``seeds`` and pick, per optimiser, the setting with the highest mean
    VALIDATION accuracy (ties: the first in grid order). The splits must come without their test part
    (``Splits.without_test``): selection never sees the test data."""
    if len(selection_splits.y_test):
        raise ParameterError("selection_splits", "a test part of size %d" % len(selection_splits.y_test),
                             "splits without their test part (Splits.without_test())",
                             "noise levels are chosen on validation data only")
    run = train_batched(grid, seeds, selection_splits, plan)
    cells, chosen = [], {}
    for setting in grid:
        rows = run.rows_of(setting)
        accuracy = run.validation_accuracy[rows]
        cells.append({"optimiser": setting.optimiser, "lambda1": setting.lambda1, "lambda2": setting.lambda2,
                      "validation accuracy (mean)": float(accuracy.mean()),
                      "validation accuracy (sd over seeds)": float(accuracy.std(ddof=1)) if len(rows) > 1 else 0.0,
                      "train accuracy (mean)": float(run.train_accuracy[rows].mean()),
                      "diverged": int(run.diverged[rows].sum())})
        best = chosen.get(setting.optimiser)
        if best is None or cells[-1]["validation accuracy (mean)"] > best[1]:
            chosen[setting.optimiser] = (setting, cells[-1]["validation accuracy (mean)"])
    return {"cells": cells, "chosen": {k: v[0] for k, v in chosen.items()}, "seeds": list(seeds)}


def default_grid(lambda1s, lambda2s, lambda3s) -> list:
    """SGD, every PL-SGD cell lambda1 x lambda2 (eq. 13) and every SGLD lambda3 (eq. 14), smallest noise first."""
    return ([NoiseSetting.sgd()] + [NoiseSetting.plsgd(a, b) for a in sorted(lambda1s) for b in sorted(lambda2s)]
            + [NoiseSetting.sgld(c) for c in sorted(lambda3s)])


def compare_optimisers(splits: Splits, grid: list, grid_seeds: list, seeds: list, plan: TrainingPlan) -> dict:
    """002 sec. 5.3 scaled down: choose PL-SGD's (lambda_1, lambda_2) and SGLD's lambda_3 on the validation split
    (grid_seeds), then train SGD, the chosen PL-SGD, the chosen SGLD and SGLD at lambda_3 / 2 and 2 lambda_3 (the
    paper's neighbours 5e-4 and 2e-3 of its 1e-3) on fresh ``seeds`` and measure them on the test split."""
    if set(grid_seeds) & set(seeds):
        raise ParameterError("seeds", sorted(set(grid_seeds) & set(seeds)), "disjoint from grid_seeds",
                             "the evaluation runs must be independent of the runs that chose the noise")
    if not {"PL-SGD", "SGLD"} <= {s.optimiser for s in grid}:
        raise ParameterError("grid", [s.label for s in grid], "at least one PL-SGD and one SGLD setting")
    search = grid_search(splits.without_test(), grid, grid_seeds, plan)
    sgld = search["chosen"]["SGLD"]
    settings = [NoiseSetting.sgd(), search["chosen"]["PL-SGD"], sgld,
                NoiseSetting.sgld(sgld.lambda2 / 2), NoiseSetting.sgld(sgld.lambda2 * 2)]
    run = train_batched(settings, seeds, splits, plan)
    return {"search": search, "settings": settings, "run": run}
