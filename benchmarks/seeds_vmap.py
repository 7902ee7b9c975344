"""Benchmark: independent seeds of one network experiment as one vmapped model against a Python loop of seeds.

    python benchmarks/seeds_vmap.py [--seeds 32] [--steps 200]

Prints the steps/s of both ways in one run and their ratio (issue 6: many seeds at once). The model and data are
those of the network experiments: the three-layer MLP on breast cancer Wisconsin, full-batch gradient descent."""

from __future__ import annotations

import argparse
import time

import torch

from numerics.nets import data as D
from numerics.nets import gradients as N


def loop(models, x, y, lr, steps):
    loss_fn = torch.nn.CrossEntropyLoss()
    for model in models:
        optimiser = torch.optim.SGD(model.parameters(), lr=lr)
        for _ in range(steps):
            optimiser.zero_grad()
            loss_fn(model(x), y).backward()
            optimiser.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=32)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--width", type=int, default=32)
    args = parser.parse_args()
    x, y = D.breast_cancer()
    models = [N.three_layer_mlp(x.shape[1], args.width, 2, seed) for seed in range(args.seeds)]
    N.gd_steps_batched(models[:2], x, y, 0.1, 2)          # warm-up (vmap tracing)
    started = time.perf_counter()
    N.gd_steps_batched(models, x, y, 0.1, args.steps)
    batched = time.perf_counter() - started
    started = time.perf_counter()
    loop(models, x, y, 0.1, args.steps)
    looped = time.perf_counter() - started
    seed_steps = args.seeds * args.steps
    print(f"device: cpu ({torch.get_num_threads()} torch threads); {args.seeds} seeds x {args.steps} full-batch steps, "
          f"MLP width {args.width}, breast cancer (569 x 30)")
    print(f"vmap over seeds: {seed_steps / batched:.1f} seed-steps/s ({batched:.2f} s)")
    print(f"python loop:     {seed_steps / looped:.1f} seed-steps/s ({looped:.2f} s)")
    print(f"speed-up (vmap / loop): {looped / batched:.2f}")


if __name__ == "__main__":
    main()
