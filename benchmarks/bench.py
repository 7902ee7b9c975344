"""`escape bench` as a script: the engine's path-steps/s against the random-number ceiling, a naive per-path loop and
torchsde, on the Brownian and the Lévy workload, measured in one run on the current device (issue 7).

    python benchmarks/bench.py [--paths 1000000] [--device auto] [--json bench.json] [--quick]

The measurements, the workloads and the notes on the designs that lost are in numerics/bench.py.
"""

from __future__ import annotations

import argparse

from numerics.bench import format_report, run_benchmark, settings, write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paths", type=int, default=None, help="engine paths per workload (default 1e6; quick 1e5)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--json", dest="json_path", default=None, help="write the measurements as JSON here")
    parser.add_argument("--quick", action="store_true", help="small sizes, no memory probe")
    args = parser.parse_args()
    report = run_benchmark(device=args.device, **settings(quick=args.quick, paths=args.paths))
    print(format_report(report))
    if args.json_path:
        print(f"JSON: {write_json(report, args.json_path)}")


if __name__ == "__main__":
    main()
