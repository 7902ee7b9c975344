"""Parameter sweeps (numerics.sweep): identical results on every backend, resume after a kill, refused checkpoints.

No statistical assertions: every comparison is an exact equality of seeded results.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from numerics.sweep import (DaskExecutor, LocalExecutor, Sweep, SweepMismatchError, cell_seed, kramers_mean_exit_time,
                            run_sweep)
from theory.errors import ParameterError, UserInputError

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


# ------------------------------------------------------------------------------ cell functions (importable by workers)
def noisy_quadratic(eta, B, schedule="constant", replicate=0, *, seed, steps=100):
    """SGD on L = x^2/2 with gradient noise of variance 1/B: a cheap, seeded stand-in for a real experiment."""
    rng = np.random.default_rng(seed)
    x = 1.0
    for k in range(steps):
        rate = eta if schedule == "constant" else eta * 0.5 * (1 + np.cos(np.pi * k / steps))
        x -= rate * (x + rng.standard_normal() / np.sqrt(B))
    return {"final": x, "square": x * x, "steps": steps}


def counted_cell(eta, schedule, replicate=0, *, seed, log, delay):
    """noisy_quadratic that appends its cell to the file `log` (one JSON line per call) and takes `delay` seconds."""
    with open(log, "a") as stream:
        stream.write(json.dumps({"eta": eta, "schedule": schedule, "replicate": replicate}) + "\n")
    time.sleep(delay)
    return noisy_quadratic(eta, 4, schedule, replicate, seed=seed)


def failing_cell(eta, *, seed):
    if eta > 0.15:
        raise RuntimeError("diverged")
    return {"eta": eta}


def nan_cell(eta, *, seed):
    return {"value": float("nan")}


def counted_sweep(log, delay):
    return Sweep(counted_cell, {"eta": [0.05, 0.1, 0.2], "schedule": ["constant", "cosine"], "replicate": [0, 1]},
                 seed=11, fixed={"log": str(log), "delay": delay})


SMALL = Sweep(noisy_quadratic, {"eta": [0.1, 0.3], "B": [1, 8], "schedule": ["constant", "cosine"]}, seed=5)


# ------------------------------------------------------------------------------ seeds and backends
def test_cell_seed_depends_on_the_cell_not_on_the_grid_or_order():
    small, reordered = SMALL.cells(), Sweep(noisy_quadratic, {"schedule": ["cosine", "constant"], "B": [8, 1],
                                                              "eta": [0.3, 0.1, 0.2]}, seed=5).cells()
    by_parameters = {tuple(sorted(c.parameters.items())): c.seed for c in reordered}
    assert all(by_parameters[tuple(sorted(c.parameters.items()))] == c.seed for c in small)
    assert len({c.seed for c in reordered}) == len(reordered) == 12
    assert cell_seed(5, {"eta": 0.1}) != cell_seed(6, {"eta": 0.1})


def test_serial_local_processes_and_dask_cluster_give_identical_tables():
    serial = run_sweep(SMALL)
    local = run_sweep(SMALL, LocalExecutor(workers=2))
    kramers = Sweep(kramers_mean_exit_time, {"D": [0.5, 1.0], "replicate": [0, 1]}, seed=2,
                    fixed={"n_paths": 200, "dt": 0.02})
    kramers_serial = run_sweep(kramers)
    with DaskExecutor(workers=2, processes=False) as dask:
        assert "127.0.0.1" in dask.description
        distributed = run_sweep(SMALL, dask)
        kramers_distributed = run_sweep(kramers, dask)
    assert len(serial) == 8 and serial.computed == 8 and serial.loaded == 0
    assert serial.rows == local.rows == distributed.rows == run_sweep(SMALL, progress=True).rows
    assert kramers_serial.rows == kramers_distributed.rows
    assert len({row["mean"] for row in kramers_serial}) == 4, "replicates must be independent draws"
    # the table: rows in grid order with their parameters and seed, and the same as columns
    assert [(r["eta"], r["B"], r["schedule"]) for r in serial][:3] == [(0.1, 1, "constant"), (0.1, 1, "cosine"),
                                                                      (0.1, 8, "constant")]
    columns = serial.columns()
    assert list(columns)[:4] == ["eta", "B", "schedule", "seed"] and columns["final"] == [r["final"] for r in serial]
    assert serial.column("square") == pytest.approx(serial.column("final") ** 2, rel=1e-12)


# ------------------------------------------------------------------------------ checkpoints
def test_resume_after_sigkill_recomputes_only_the_unfinished_cells(tmp_path):
    checkpoint, log = tmp_path / "checkpoint", tmp_path / "calls.log"
    script = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
              "from test_sweep import counted_sweep\nfrom numerics.sweep import run_sweep\n"
              "run_sweep(counted_sweep(sys.argv[3], 0.25), checkpoint=sys.argv[4], progress=False)\n")
    # another hash salt than this process: cell names and seeds must not depend on Python's hash()
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    child = subprocess.Popen([sys.executable, "-c", script, str(TESTS), str(ROOT), str(log), str(checkpoint)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while len(list(checkpoint.glob("cell-*.json"))) < 3:
        assert child.poll() is None, child.stdout.read().decode()
        assert time.monotonic() < deadline, "the sweep did not checkpoint 3 cells within 60 s"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    finished = {json.loads(p.read_text())["key"] for p in checkpoint.glob("cell-*.json")}
    calls_before = len(log.read_text().splitlines())
    sweep = counted_sweep(log, 0.0)
    assert 3 <= len(finished) < len(sweep) == 12, "the kill must land in the middle of the sweep"

    with pytest.raises(SweepMismatchError, match="delay"):  # a changed fixed argument is a different sweep
        run_sweep(sweep, checkpoint=checkpoint)
    resumed = run_sweep(counted_sweep(log, 0.25), checkpoint=checkpoint)
    calls = [json.loads(line) for line in log.read_text().splitlines()[calls_before:]]
    cells = {c.key: c for c in sweep.cells()}
    missing = [cells[key].parameters for key in cells if key not in finished]
    assert sorted(calls, key=json.dumps) == sorted(missing, key=json.dumps), "finished cells were recomputed"
    assert resumed.loaded == len(finished) and resumed.computed == 12 - len(finished)
    assert not list(checkpoint.glob(".tmp-*"))

    uninterrupted = run_sweep(counted_sweep(tmp_path / "other.log", 0.0))
    assert resumed.rows == uninterrupted.rows
    again = run_sweep(counted_sweep(log, 0.25), checkpoint=checkpoint)
    assert again.computed == 0 and again.rows == uninterrupted.rows


def test_a_checkpoint_of_another_sweep_is_refused(tmp_path):
    run_sweep(SMALL, checkpoint=tmp_path / "a")
    other_seed = Sweep(SMALL.function, SMALL.grid, seed=6)
    with pytest.raises(SweepMismatchError, match=r"different sweep \(seed 5 != 6\)") as error:
        run_sweep(other_seed, checkpoint=tmp_path / "a")
    assert isinstance(error.value, UserInputError)  # the CLI prints it on one line, exit code 2
    smaller = Sweep(SMALL.function, {**SMALL.grid, "eta": [0.1]}, seed=5)
    with pytest.raises(SweepMismatchError, match="grid"):
        run_sweep(smaller, checkpoint=tmp_path / "a")
    with pytest.raises(SweepMismatchError, match="function"):
        run_sweep(Sweep(counted_cell, {"eta": [0.1], "schedule": ["constant"]}, seed=5,
                        fixed={"log": "x", "delay": 0}), checkpoint=tmp_path / "a")
    # a cell file of another sweep slipped into a directory (no manifest to compare) is refused too
    run_sweep(other_seed, checkpoint=tmp_path / "b")
    stray = next((tmp_path / "a").glob("cell-*.json"))
    (tmp_path / "b" / stray.name).write_text(stray.read_text())
    with pytest.raises(SweepMismatchError, match="cell of a different sweep"):
        run_sweep(other_seed, checkpoint=tmp_path / "b")


def test_a_checkpoint_cell_of_the_wrong_shape_is_refused_in_one_line_and_files_are_readable(tmp_path):
    """A cell file that is valid JSON but not a cell (a list, a dict without the fields) is a SweepMismatchError
    naming the file, not an AttributeError; checkpoint files are readable by the user's group (0644, not 0600)."""
    run_sweep(SMALL, checkpoint=tmp_path)
    cells = sorted(tmp_path.glob("cell-*.json"))
    assert all(path.stat().st_mode & 0o777 == 0o644 for path in [*cells, tmp_path / "sweep.json"])
    for wrong in ("[1, 2]", '{"key": "x"}'):
        cells[0].write_text(wrong)
        with pytest.raises(SweepMismatchError, match="not a checkpoint cell") as error:
            run_sweep(SMALL, checkpoint=tmp_path)
        assert cells[0].name in str(error.value) and "\n" not in str(error.value)


def test_a_failing_cell_names_itself_and_the_finished_cells_are_kept(tmp_path):
    sweep = Sweep(failing_cell, {"eta": [0.1, 0.2]}, seed=0)
    with pytest.raises(RuntimeError, match="diverged") as error:
        run_sweep(sweep, checkpoint=tmp_path)
    assert "in sweep cell {'eta': 0.2}" in "".join(error.value.__notes__)
    assert len(list(tmp_path.glob("cell-*.json"))) == 1
    with pytest.raises(ValueError, match="non-finite"):
        run_sweep(Sweep(nan_cell, {"eta": [0.1]}))


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("grid, fixed, message", [
    ({"eta": []}, {}, "non-empty list"),
    ({}, {}, "non-empty dict"),
    ({"eta": [0.1], "lr": [1]}, {}, "keyword argument of noisy_quadratic"),
    ({"eta": [0.1]}, {"batch": 3}, "keyword argument of noisy_quadratic"),
    ({"eta": [0.1], "seed": [1, 2]}, {}, "replicate"),
    ({"eta": [0.1, float("nan")]}, {}, "finite numbers"),
    ({"eta": [0.1, 0.1]}, {}, "distinct values"),
    ({"eta": 0.1}, {}, "a list of values"),
    ({"eta": [0.1]}, {"eta": 0.2}, "swept or fixed"),
])
def test_bad_grids_raise_parameter_error(grid, fixed, message):
    with pytest.raises(ParameterError, match=message):
        Sweep(noisy_quadratic, grid, fixed=fixed)


def test_bad_executor_and_function_raise_parameter_error():
    with pytest.raises(ParameterError, match="workers"):
        LocalExecutor(workers=0)
    with pytest.raises(ParameterError, match="seed"):
        Sweep(lambda eta: {}, {"eta": [1]})
    with pytest.raises(ParameterError, match="seed"):
        Sweep(noisy_quadratic, {"eta": [1]}, seed=-1)


# ------------------------------------------------------------------------------ escape sweep
def test_escape_sweep_runs_resumes_and_rejects_bad_options(tmp_path):
    from click.testing import CliRunner

    from verify import cli

    def escape(*args):
        return CliRunner().invoke(cli.main, ["sweep", *args])

    options = ["kramers", "--grid", "D=0.5,1", "--grid", "replicate=0", "--paths", "100", "--no-progress",
               "--checkpoint", str(tmp_path / "ck")]
    first = escape(*options, "--json", str(tmp_path / "t.json"))
    assert first.exit_code == 0, first.output
    assert "2 computed, 0 loaded" in " ".join(first.output.split())
    table = json.loads((tmp_path / "t.json").read_text())
    assert [row["D"] for row in table["rows"]] == [0.5, 1] and table["fingerprint"]["fixed"]["n_paths"] == 100
    second = escape(*options)
    assert second.exit_code == 0 and "0 computed, 2 loaded" in " ".join(second.output.split())
    for bad, message in ((["kramers", "--scheduler", "tcp://127.0.0.1:1"], "needs --backend dask"),
                         (["kramers", "--grid", "D"], "PARAM=V1,V2"), (["kramers", "--grid", "lr=1"], "lr"),
                         (["kramerz"], "did you mean kramers")):
        result = escape(*bad)
        assert result.exit_code == 2 and message in result.output, result.output
