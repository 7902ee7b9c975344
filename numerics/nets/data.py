"""Data sets of the real-network experiments (seeds 000, 002, 003 sec. 5 on real data), loaded once here: breast
cancer Wisconsin and digits as scikit-learn ships them, or a user's own table; standardised with the statistics of
the training part only."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from theory.errors import ParameterError


def standardise(x: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """(x - mean) / sd per feature, with the mean and sd of `reference` (default x itself: pass the training part
    so that held-out data do not leak into the scaling); a feature constant over the reference keeps sd 1."""
    reference = x if reference is None else reference
    spread = reference.std(axis=0)
    return (x - reference.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def breast_cancer() -> tuple[torch.Tensor, torch.Tensor]:
    """Breast cancer Wisconsin (scikit-learn's bundled copy: the data behind the papers' BreastW), standardised."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    return torch.tensor(standardise(data.data), dtype=torch.float64), torch.tensor(data.target, dtype=torch.int64)


def load_table(path, target: str | int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """A user's own data set, standardised: a CSV with a header row (target = column name or index, default the
    last), or a .mat file of the outlier-detection collection the papers use (ODDS: arrays 'X' and 'y'; Cardio,
    Satellite, Speech, Ionosphere). Integer class labels are returned as int64."""
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
    return torch.tensor(standardise(features), dtype=torch.float64), torch.tensor(labels.astype(np.int64))


@dataclass(frozen=True)
class Splits:
    """Standardised train / validation / test tensors (statistics of the training part only) and the row indices
    into the original data set that each part holds. The validation part may be empty (a train / test split)."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_validation: torch.Tensor
    y_validation: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    indices: dict = field(default_factory=dict)
    name: str = ""

    @property
    def classes(self) -> int:
        return int(torch.cat([self.y_train, self.y_validation]).max()) + 1

    def without_test(self) -> Splits:
        """The same splits with the test part emptied: what model selection is allowed to see."""
        return replace(self, x_test=self.x_test[:0], y_test=self.y_test[:0],
                       indices={k: v for k, v in self.indices.items() if k != "test"})

    def head(self, n_train: int, n_test: int) -> Splits:
        """The first n_train training and n_test test examples (small versions for tests)."""
        return replace(self, x_train=self.x_train[:n_train], y_train=self.y_train[:n_train],
                       x_test=self.x_test[:n_test], y_test=self.y_test[:n_test])


def digits(test: float = 400, validation: int = 0, seed: int = 0, dtype=torch.float32,
           images: bool = False) -> Splits:
    """scikit-learn's bundled digits (1797 images 8x8, 10 classes), split stratified into train / (validation) /
    test: `test` images (or that fraction of the 1797) with random_state `seed`, then `validation` of the rest with
    random_state seed + 1 (none when 0); pixels standardised by the training mean and sd (a pixel constant over the
    training part keeps sd 1). `images` reshapes each row to (1, 8, 8) for a CNN."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    n = len(data.target)
    if isinstance(test, float) and not 0.05 <= test <= 0.9:
        raise ParameterError("test_fraction", test, "[0.05, 0.9]", "the share of images held out for test")
    if not isinstance(test, float) and (test < 10 or 0 < validation < 10 or validation + test > n - 100):
        raise ParameterError("validation, test", (validation, test), f"each >= 10 and together <= {n - 100}",
                             "sizes of the validation and test parts of digits (1797 images)")
    rest, test_rows = train_test_split(np.arange(n), test_size=test, random_state=seed, stratify=data.target)
    train_rows, validation_rows = rest, rest[:0]
    if validation:
        train_rows, validation_rows = train_test_split(rest, test_size=validation, random_state=seed + 1,
                                                       stratify=data.target[rest])
    x = data.data.astype(np.float64)
    x = standardise(x, x[train_rows])
    shape = (-1, 1, 8, 8) if images else (-1, x.shape[1])

    def part(r):
        return torch.tensor(x[r], dtype=dtype).reshape(shape), torch.tensor(data.target[r], dtype=torch.int64)
    return Splits(*part(train_rows), *part(validation_rows), *part(test_rows),
                  indices={"train": train_rows, "validation": validation_rows, "test": test_rows},
                  name=f"digits (scikit-learn), train {len(train_rows)} / validation {len(validation_rows)} / "
                       f"test {len(test_rows)}, stratified, split seed {seed}")
