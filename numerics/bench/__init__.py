"""`escape bench`: the Monte Carlo engine's throughput against the random-number ceiling, a naive loop and torchsde,
with mean-exit agreement and peak memory (throughput).

It lives in the installed package, not in benchmarks/ (which is not installed: pyproject packages only theory*,
numerics* and verify*), because the `escape bench` command of an installed escape-theory imports it;
benchmarks/bench.py is a thin script over the same functions."""

from .throughput import (CI_CONFIDENCE, FALSE_ALARM, BenchSizes, Measurement, Workload, agreement, format_report,
                         measure_engine, measure_naive, measure_torchsde, naive_exit_times, normal_generators,
                         peak_memory, run_benchmark, settings, stable_samplers, workloads, write_json)

__all__ = ["CI_CONFIDENCE", "FALSE_ALARM", "BenchSizes", "Measurement", "Workload", "agreement", "format_report",
           "measure_engine", "measure_naive", "measure_torchsde", "naive_exit_times", "normal_generators",
           "peak_memory", "run_benchmark", "settings", "stable_samplers", "workloads", "write_json"]
