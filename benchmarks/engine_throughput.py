"""Engine throughput against the random-number ceiling, measured in one run on the current device.

    python benchmarks/engine_throughput.py [--paths 100000] [--device auto]

Each Euler-Maruyama step needs one normal per path and coordinate, so the generator's throughput
(torch.randn, float32, same batch size) is the ceiling; the engine's path-steps per second are
printed as a ratio to it, on the Kramers double-well workload (D = 0.5, dt = 0.01, exit at x = 1).
"""

from __future__ import annotations

import argparse
import time

import torch

from numerics.device import describe_device, resolve_device
from numerics.montecarlo import simulate_exit
from theory.kramers import DOUBLE_WELL


def rng_normals_per_second(paths: int, device: torch.device, seconds: float = 2.0) -> float:
    generator = torch.Generator(device=device)
    generator.manual_seed(0)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        torch.randn((paths, 1), generator=generator, device=device, dtype=torch.float32)
        count += paths
    if device.type == "cuda":
        torch.cuda.synchronize()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    device = resolve_device(args.device)
    ceiling = rng_normals_per_second(args.paths, device)
    result = simulate_exit(DOUBLE_WELL.bind(D=0.5), n_paths=args.paths, dt=0.01, max_time=1000, seed=0,
                           device=device)
    engine = result.path_steps_per_second
    print(f"device: {describe_device(device)}")
    print(f"rng ceiling (torch.randn float32, {args.paths} per call): {ceiling:.3e} normals/s")
    print(f"engine (double well, {args.paths} paths, mean exit {result.mean:.3f} +- {result.stderr:.3f}): "
          f"{engine:.3e} path-steps/s in {result.seconds:.1f} s")
    print(f"ratio engine / rng ceiling: {engine / ceiling:.3f}")


if __name__ == "__main__":
    main()
