"""`escape bench` (numerics/bench.py) and the compiled kernel behind simulate_exit(kernel="numba") (numerics/kernels.py).

The benchmark runs once, at tiny sizes, for the whole file. Agreement tests are the benchmark's own z-tests at false
alarm 1e-4 each (numerics.bench.FALSE_ALARM); the sampler test is a KS test at 1e-5: a correct implementation fails
this file with probability below 1e-3.
"""

import json
import math

import numpy as np
import pytest
import sympy as sp
import torch
from click.testing import CliRunner
from scipy import stats

from numerics import bench
from numerics.sde import kernels
from numerics.sde.engine import simulate_exit
from theory import Ball, Interval, Model, UserInputError

KEYS = ("engine_per_s", "naive_per_s", "torchsde_per_s", "ratio_to_rng", "mean_exit", "ci")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    torch.set_num_threads(1)
    result = bench.run_benchmark(paths=4000, naive_paths=150, torchsde_paths=40, torch_loop_paths=4000, memory=False)
    path = bench.write_json(result, tmp_path_factory.mktemp("bench") / "bench.json")
    return json.loads(path.read_text())


def test_json_has_the_issue_keys_and_positive_rates(report):
    assert report["device"].startswith("cpu") and report["rng_per_s"] > 0
    assert set(report["workloads"]) == {"brownian", "levy"}
    for name, workload in report["workloads"].items():
        assert set(KEYS) <= set(workload), name
        for key in ("engine_per_s", "engine_torch_loop_per_s", "naive_per_s", "ratio_to_rng", "ratio_to_naive"):
            assert workload[key] > 0, (name, key)
        lo, hi = workload["ci"]["engine"]
        assert lo < workload["mean_exit"]["engine"] < hi
    assert report["workloads"]["brownian"]["torchsde_per_s"] > 0
    assert report["workloads"]["levy"]["torchsde_per_s"] is None  # torchsde has no Lévy noise


def test_engine_naive_and_torchsde_agree_on_the_mean_exit_time(report):
    for name, workload in report["workloads"].items():
        for method, test in workload["agreement_with_engine"].items():
            assert test["agrees"] is True, (name, method, test)
            assert test["false_alarm"] == bench.FALSE_ALARM
    # the Euler exit times lie above the exact continuous one (discrete monitoring misses excursions)
    brownian = report["workloads"]["brownian"]
    assert brownian["ci"]["engine"][0] > brownian["exact_continuous_mean_exit"]


def test_agreement_detects_a_difference():
    a = bench.Measurement(1.0, 1.0, mean=5.0, stderr=0.01, paths=100, censored=0, seconds=1.0)
    b = bench.Measurement(1.0, 1.0, mean=5.1, stderr=0.01, paths=100, censored=0, seconds=1.0)
    assert bench.agreement(a, a)["agrees"] is True
    assert bench.agreement(a, b)["agrees"] is False
    assert bench.agreement(a, bench.Measurement(1.0, 1.0, math.nan, math.nan, 100, 3, 1.0))["agrees"] is None


def test_ziggurat_normals_are_standard_normal():
    draws = np.empty(200_000)
    kernels.fill_normals(draws, np.uint64(7), 4)
    assert stats.kstest(draws, "norm").pvalue > 1e-5
    again = np.empty(200_000)
    kernels.fill_normals(again, np.uint64(7), 4)
    np.testing.assert_array_equal(draws, again)


def test_compiled_kernel_streams_belong_to_paths():
    model = bench.workloads()["brownian"].model
    large = simulate_exit(model, n_paths=3000, dt=0.01, max_time=100, seed=3, kernel="numba")
    small = simulate_exit(model, n_paths=500, dt=0.01, max_time=100, seed=3, kernel="numba")
    # path p of a chunk draws from stream (chunk seed, p): the same exits whatever else runs beside it
    np.testing.assert_array_equal(small.times, large.times[:500])
    assert large.dtype == "float64" and set(np.unique(large.sides)) == {0, 1}


def test_kernel_choice_and_refusals():
    x, y = sp.symbols("x y", real=True)
    two_d = Model("BM 2-D", (x, y), sp.Matrix([0, 0]), sp.eye(2), Ball((0, 0), 1), (0, 0))
    with pytest.raises(UserInputError, match="interval|one state"):
        simulate_exit(two_d, n_paths=10, dt=0.01, max_time=1, kernel="numba")
    with pytest.raises(UserInputError, match="unknown kernel"):
        simulate_exit(two_d, n_paths=10, dt=0.01, max_time=1, kernel="fast")
    assert simulate_exit(two_d, n_paths=200, dt=0.01, max_time=20, kernel="auto", seed=1).n_censored == 0


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the missing-device error cannot occur")
def test_cli_bench_refuses_a_missing_device():
    from verify.cli import main

    result = CliRunner().invoke(main, ["bench", "--quick", "--device", "cuda"])
    assert result.exit_code == 2 and "not available" in result.output


def test_compiled_kernel_refuses_a_non_finite_path_like_the_torch_loop():
    x = sp.Symbol("x", real=True)
    # the cubic drift blows paths up to -inf: neither kernel may report them as censored or as exits
    model = Model("explodes", (x,), sp.Matrix([x**3]), sp.Matrix([[1]]), Interval(-sp.oo, 10), (-1,))
    for kernel in ("torch", "numba"):
        with pytest.raises(FloatingPointError, match="non-finite"):
            simulate_exit(model, n_paths=100, dt=0.01, max_time=10, kernel=kernel)
