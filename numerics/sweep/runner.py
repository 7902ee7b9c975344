"""Parameter sweeps: a function over a grid of parameters, on local processes or a Dask cluster, resumable.

A Sweep is a function, a grid (a dict of parameter lists whose Cartesian product are the cells), fixed
keyword arguments and a base seed. Every cell calls `function(**cell_parameters, **fixed, seed=cell_seed)`
and returns a dict of JSON values (a row of the result table).

Seeds. A cell's seed is derived from (base seed, the cell's parameters) alone: the parameters are written
as canonical JSON, hashed with SHA-256 (stable across processes and machines, unlike Python's salted
`hash()`), and the digest is the spawn key of numpy's SeedSequence(base seed) -- the same construction as
the engine's per-chunk seeds (numerics.sde.chunk_seed). So a cell's result does not depend on the
backend, the number of workers, the order the cells run in, or whether it was loaded from a checkpoint.
A grid axis of replicate indices (`replicate: [0, 1, 2]`) gives independent repetitions of each cell.

Executors. One interface (`Executor.run(task, cells)` yields results as they finish):
 - LocalExecutor: the default; serial in this process for workers=1, else a concurrent.futures
   ProcessPoolExecutor (spawn start method: safe with torch's thread pools and CUDA, and the same on
   every OS).
 - DaskExecutor: Dask distributed, for users with a cluster (`DaskExecutor("tcp://scheduler:8786")`), or a
   LocalCluster on loopback when no address is given. Dask was chosen over Ray because it is pure Python
   with pip wheels for every platform (Ray ships large platform binaries and lags new Python releases),
   a LocalCluster starts in-process on 127.0.0.1 in a second or two (tests run it without extra
   services), and a cluster needs no daemon beyond `dask scheduler` / `dask worker`, which also run
   under SLURM/PBS/Kubernetes via dask-jobqueue / dask-kubernetes. Ray's actor model and object store
   buy nothing here: the cells are independent and their results are small.
The function must be importable by the workers (a module-level function), as usual for both.

Checkpoints. With `checkpoint=DIR`, the driver (not the workers, so a cluster needs no shared file
system) writes each finished cell as DIR/cell-<key>.json, atomically (a temporary file in DIR, then
os.replace), next to DIR/sweep.json, the sweep's fingerprint (function, grid, fixed arguments, seed).
A rerun loads the finished cells instead of computing them; a different sweep refuses the directory
(SweepMismatchError) rather than mixing results. A killed run loses only the cells still in flight.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import inspect
import itertools
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from theory.errors import ParameterError, UserInputError

from ..infra.progress import progress_bar
from ..infra.validate import require_positive

#: bumped when the checkpoint file layout changes, so that old directories are refused, not misread
CHECKPOINT_FORMAT = 1
_MANIFEST = "sweep.json"
_SCALARS = (bool, int, float, str)


class SweepMismatchError(UserInputError):
    """A checkpoint directory that belongs to a different sweep (or is unreadable)."""


# ------------------------------------------------------------------------------ canonical JSON and seeds
def _canonical(value: Any) -> str:
    """One JSON text per value: sorted keys, no spaces, floats by repr (round-trips exactly)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False, default=_plain)


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as Python values (json's `default` hook)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _digest(value: Any) -> bytes:
    return hashlib.sha256(_canonical(value).encode()).digest()


def cell_key(parameters: Mapping[str, Any]) -> str:
    """A stable name of one cell: the first 16 hex digits of SHA-256 of its canonical JSON.

    Values are named as JSON writes them, so 1 and 1.0 are different cells (a batch size stays an int)."""
    return _digest(dict(parameters)).hex()[:16]


def cell_seed(base_seed: int, parameters: Mapping[str, Any]) -> int:
    """Seed of one cell, from (base seed, the cell's parameters) only: a 63-bit int.

    SeedSequence(base_seed, spawn_key=<SHA-256 of the parameters as 8 uint32 words>), as chunk_seed does with
    the chunk index; independent streams for distinct cells, identical on every backend and machine.
    """
    digest = _digest(dict(parameters))
    spawn_key = tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4))
    state = np.random.SeedSequence(base_seed, spawn_key=spawn_key).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


# ------------------------------------------------------------------------------ sweep
@dataclass(frozen=True)
class Cell:
    """One grid point: its parameters (in grid order), its key and its seed."""

    index: int
    parameters: dict[str, Any]
    key: str
    seed: int


@dataclass(frozen=True)
class Sweep:
    """`function` over the Cartesian product of `grid`, each cell with its own derived seed.

    function(**cell, **fixed, seed=int) -> dict of JSON values (str keys; finite numbers, strings, lists).
    """

    function: Callable[..., Mapping[str, Any]]
    grid: Mapping[str, Sequence[Any]]
    seed: int = 0
    fixed: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grid = _validate_grid(self.function, self.grid, self.fixed)
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool) or self.seed < 0:
            raise ParameterError("seed", self.seed, "an integer >= 0")
        try:
            fixed = json.loads(_canonical(dict(self.fixed)))
        except (TypeError, ValueError) as error:
            raise ParameterError("fixed", dict(self.fixed), "finite JSON values (numbers, strings, lists)",
                                 str(error)) from None
        object.__setattr__(self, "grid", grid)
        object.__setattr__(self, "fixed", fixed)
        object.__setattr__(self, "seed", int(self.seed))

    @property
    def name(self) -> str:
        return f"{self.function.__module__}:{self.function.__qualname__}"

    @property
    def fingerprint(self) -> dict[str, Any]:
        """What makes two sweeps the same: a checkpoint is reused only under an equal fingerprint."""
        return {"format": CHECKPOINT_FORMAT, "function": self.name, "grid": self.grid, "fixed": self.fixed,
                "seed": self.seed}

    @property
    def fingerprint_id(self) -> str:
        return _digest(self.fingerprint).hex()[:16]

    def cells(self) -> list[Cell]:
        names = list(self.grid)
        cells = []
        for index, values in enumerate(itertools.product(*self.grid.values())):
            parameters = dict(zip(names, values))
            cells.append(Cell(index, parameters, cell_key(parameters), cell_seed(self.seed, parameters)))
        return cells

    def __len__(self) -> int:
        return math.prod(len(values) for values in self.grid.values())


def _validate_grid(function, grid, fixed) -> dict[str, list]:
    if not callable(function):
        raise ParameterError("function", function, "a callable returning a dict")
    if not isinstance(grid, Mapping) or not grid:
        raise ParameterError("grid", grid, "a non-empty dict of parameter name -> list of values")
    signature = inspect.signature(function)
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    keyword = {name for name, p in signature.parameters.items()
               if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)}
    if not accepts_any and "seed" not in keyword:
        raise ParameterError("function", getattr(function, "__qualname__", function),
                             "a function with a `seed` keyword argument", "each cell passes its derived seed")
    overlap = set(grid) & set(fixed)
    if overlap:
        raise ParameterError("fixed", sorted(overlap), "names not in the grid", "a parameter is swept or fixed")
    checked: dict[str, list] = {}
    for name, values in {**grid, **{k: [v] for k, v in fixed.items()}}.items():
        if name == "seed":
            raise ParameterError("grid", name, "parameter names other than `seed`",
                                 "seeds are derived per cell; sweep a `replicate` axis for repetitions")
        if not accepts_any and name not in keyword:
            raise ParameterError("grid", name, f"a keyword argument of {function.__qualname__}: "
                                 f"{', '.join(sorted(keyword - {'seed'})) or 'none'}")
        if name not in grid:
            continue
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
            raise ParameterError(name, values, "a list of values")
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
        if not values:
            raise ParameterError(name, values, "a non-empty list of values")
        for value in values:
            if not isinstance(value, _SCALARS) or (isinstance(value, float) and not math.isfinite(value)):
                raise ParameterError(name, value, "finite numbers, strings or booleans (a cell is named by them)")
        if len({_canonical(v) for v in values}) != len(values):
            raise ParameterError(name, values, "distinct values", "a repeated value would make one cell twice")
        checked[name] = values
    return checked


# ------------------------------------------------------------------------------ one cell (runs on a worker)
def run_cell(function: Callable[..., Mapping[str, Any]], parameters: dict, fixed: dict, seed: int,
             key: str) -> tuple[str, dict, float]:
    """Call the function on one cell; return (key, the result as canonical JSON values, seconds)."""
    started = time.perf_counter()
    result = function(**parameters, **fixed, seed=seed)
    if not isinstance(result, Mapping) or not all(isinstance(k, str) for k in result):
        raise TypeError(f"a sweep function returns a dict with str keys; {function.__qualname__} returned "
                        f"{type(result).__name__}")
    try:
        # normalised through JSON so that a computed row equals the same row loaded from a checkpoint
        plain = json.loads(json.dumps(dict(result), allow_nan=False, default=_plain))
    except ValueError as error:  # NaN or inf: refused rather than written as a silent non-number
        raise ValueError(f"cell {parameters} returned a non-finite value ({error}); return None or a finite "
                         f"number with its meaning stated") from None
    return key, plain, time.perf_counter() - started


# ------------------------------------------------------------------------------ executors
class Executor:
    """Runs cells and yields (key, result, seconds) as they finish, in any order."""

    description = "executor"

    def run(self, cells: list[Cell], sweep: Sweep) -> Iterator[tuple[str, dict, float]]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the executor started (processes, a local cluster)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _limit_threads(threads: int) -> None:
    """Worker initialiser: `threads` math threads per worker process, so that N workers use N x threads cores.

    torch, numpy's BLAS and OpenMP read these variables when first imported (after this, in a spawned worker)."""
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(threads)
    if "torch" in sys.modules:  # a start method that inherits an initialised torch
        sys.modules["torch"].set_num_threads(threads)


class LocalExecutor(Executor):
    """Cells in this process (workers=1) or in a pool of `workers` spawned processes."""

    def __init__(self, workers: int = 1, threads_per_worker: int = 1, start_method: str = "spawn") -> None:
        for name, value in (("workers", workers), ("threads_per_worker", threads_per_worker)):
            require_positive(name, value, count=True, admissible="an integer >= 1")
        self.workers, self.threads_per_worker, self.start_method = workers, threads_per_worker, start_method
        self.description = "serial" if workers == 1 else f"{workers} local processes"

    def run(self, cells, sweep):
        if self.workers == 1:
            for cell in cells:
                yield _call(run_cell, sweep, cell)
            return
        pool = concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context(self.start_method),
            initializer=_limit_threads, initargs=(self.threads_per_worker,))
        with pool:
            futures = {pool.submit(run_cell, sweep.function, cell.parameters, sweep.fixed, cell.seed, cell.key): cell
                       for cell in cells}
            try:
                for future in concurrent.futures.as_completed(futures):
                    yield _result(future.result, futures[future])
            finally:  # an error or an interrupt: do not start the cells still queued
                pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Cells on a Dask distributed cluster at `address`, or on a LocalCluster on loopback when none is given."""

    def __init__(self, address: str | None = None, workers: int = 2, threads_per_worker: int = 1,
                 processes: bool = True) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UserInputError("the dask backend needs Dask distributed: pip install 'dask[distributed]'") from None
        require_positive("workers", workers, count=True, admissible="an integer >= 1")
        self._cluster = None
        if address:
            try:
                self.client = Client(address, timeout=30)
            except OSError as error:
                raise UserInputError(f"cannot reach the Dask scheduler at {address!r}: {error}") from None
            self.description = f"dask scheduler {address}"
        else:
            # TCP on loopback (also for thread workers, which would default to the in-process transport): the
            # same transport as a real cluster, reachable from no other machine; no dashboard (it needs bokeh)
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker,
                                         processes=processes, protocol="tcp://", host="127.0.0.1",
                                         dashboard_address=None)
            self.client = Client(self._cluster)
            kind = "processes" if processes else "threads"
            self.description = f"dask LocalCluster ({workers} worker {kind}, 127.0.0.1)"

    def run(self, cells, sweep):
        from distributed import as_completed

        futures = {self.client.submit(run_cell, sweep.function, cell.parameters, sweep.fixed, cell.seed, cell.key,
                                      pure=False): cell
                   for cell in cells}
        try:
            for future in as_completed(futures):
                yield _result(future.result, futures[future])
        finally:
            self.client.cancel(list(futures))

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _call(run, sweep: Sweep, cell: Cell):
    return _result(lambda: run(sweep.function, cell.parameters, sweep.fixed, cell.seed, cell.key), cell)


def _result(get, cell: Cell):
    try:
        return get()
    except Exception as error:
        if hasattr(error, "add_note"):  # Python >= 3.11; on 3.10 the error goes up without the cell's name
            error.add_note(f"in sweep cell {cell.parameters} (seed {cell.seed})")
        raise


# ------------------------------------------------------------------------------ checkpoints
#: what a finished cell's file holds (Checkpoint.save)
_CELL_FIELDS = frozenset({"fingerprint_id", "key", "parameters", "seed", "result", "seconds"})


class Checkpoint:
    """A directory of finished cells of one sweep (see the module docstring)."""

    def __init__(self, directory: str | os.PathLike, sweep: Sweep) -> None:
        self.directory = Path(directory)
        self.sweep = sweep
        self.directory.mkdir(parents=True, exist_ok=True)
        manifest = self.directory / _MANIFEST
        if manifest.exists():
            stored = self._read(manifest)
            if stored.get("fingerprint") != sweep.fingerprint:
                raise SweepMismatchError(
                    f"checkpoint {self.directory} belongs to a different sweep "
                    f"({_difference(stored.get('fingerprint'), sweep.fingerprint)}); "
                    "use another --checkpoint directory, or delete this one to start over")
        else:
            self._write(manifest, {"fingerprint": sweep.fingerprint, "fingerprint_id": sweep.fingerprint_id})
        for stale in self.directory.glob(".tmp-*"):  # a write interrupted by a kill; its cell was never finished
            stale.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        return self.directory / f"cell-{key}.json"

    def load(self) -> dict[str, tuple[dict, float]]:
        """The finished cells of this sweep: key -> (result, seconds it took)."""
        wanted = {cell.key: cell for cell in self.sweep.cells()}
        finished = {}
        for path in sorted(self.directory.glob("cell-*.json")):
            stored = self._read(path)
            key = stored.get("key")
            if stored.get("fingerprint_id") != self.sweep.fingerprint_id or key not in wanted \
                    or stored.get("parameters") != wanted[key].parameters or stored.get("seed") != wanted[key].seed:
                raise SweepMismatchError(f"{path} is a cell of a different sweep than {self.sweep.name} "
                                         f"(fingerprint {self.sweep.fingerprint_id}); use another checkpoint directory")
            finished[key] = (stored["result"], stored["seconds"])
        return finished

    def save(self, cell: Cell, result: dict, seconds: float) -> None:
        self._write(self.path(cell.key), {"fingerprint_id": self.sweep.fingerprint_id, "key": cell.key,
                                          "parameters": cell.parameters, "seed": cell.seed, "result": result,
                                          "seconds": seconds})

    def _write(self, path: Path, content: dict) -> None:
        """Atomic: readers (and a rerun after a kill) see the whole file or none of it."""
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
        try:
            with os.fdopen(handle, "w") as stream:
                stream.write(json.dumps(content, allow_nan=False, default=_plain, indent=1))
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)   # mkstemp makes 0600; a checkpoint is shared like any result file
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @staticmethod
    def _read(path: Path) -> dict:
        try:
            content = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise SweepMismatchError(f"cannot read checkpoint file {path}: {error}; delete it to recompute") from None
        if not isinstance(content, dict) or (path.name != _MANIFEST and not _CELL_FIELDS <= set(content)):
            raise SweepMismatchError(f"checkpoint file {path} is JSON but not a checkpoint cell (it needs the fields "
                                     f"{', '.join(sorted(_CELL_FIELDS))}); delete it to recompute")
        return content


def _difference(stored: Any, current: dict) -> str:
    if not isinstance(stored, dict):
        return "no fingerprint"
    changed = [f"{name} {stored.get(name)!r} != {current[name]!r}" for name in current if stored.get(name) != current[name]]
    return "; ".join(changed)


# ------------------------------------------------------------------------------ results
@dataclass
class SweepResult:
    """The table of a sweep: one row per cell in grid order (parameters, seed, then the function's fields)."""

    sweep: Sweep
    rows: list[dict[str, Any]]
    seconds: dict[str, float]   # compute time per cell key (not part of the rows: it differs run to run)
    computed: int               # cells computed in this run
    loaded: int                 # cells loaded from the checkpoint
    executor: str

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    @property
    def names(self) -> list[str]:
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row))
        return list(names)

    def columns(self) -> dict[str, list]:
        """Column name -> list of values (None where a row lacks the field): a table without pandas."""
        return {name: [row.get(name) for row in self.rows] for name in self.names}

    def column(self, name: str) -> np.ndarray:
        if name not in self.names:
            raise UserInputError(f"no column {name!r}; the columns are {', '.join(self.names)}")
        return np.asarray([row.get(name) for row in self.rows])


def run_sweep(sweep: Sweep, executor: Executor | None = None, checkpoint: str | os.PathLike | None = None,
              progress: bool | None = None) -> SweepResult:
    """Run every cell not already in `checkpoint`, saving each as it finishes; return the whole table.

    executor defaults to LocalExecutor(workers=1) (serial); progress defaults to a bar on a terminal.
    """
    executor = executor or LocalExecutor()
    cells = sweep.cells()
    store = Checkpoint(checkpoint, sweep) if checkpoint is not None else None
    finished = store.load() if store is not None else {}
    results = {key: result for key, (result, _) in finished.items()}
    seconds = {key: spent for key, (_, spent) in finished.items()}
    todo = [cell for cell in cells if cell.key not in finished]
    by_key = {cell.key: cell for cell in todo}
    bar = progress_bar(progress, "sweep cells", len(cells), done=len(finished))
    try:
        for key, result, spent in executor.run(todo, sweep) if todo else ():
            if store is not None:
                store.save(by_key[key], result, spent)
            results[key], seconds[key] = result, spent
            if bar is not None:
                bar.advance(1)
    finally:
        if bar is not None:
            bar.close()
    rows = [{**cell.parameters, "seed": cell.seed, **results[cell.key]} for cell in cells]
    return SweepResult(sweep, rows, seconds, computed=len(todo), loaded=len(finished),
                       executor=executor.description)
