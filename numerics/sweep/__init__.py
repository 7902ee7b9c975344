"""Parameter sweeps: a function over a grid of parameters on local processes or a Dask cluster, resumable from a
checkpoint, with per-cell seeds derived from the parameters (runner); the named sweeps of `escape sweep` (named)."""

from .named import NAMED_SWEEPS, kramers_mean_exit_time
from .runner import (CHECKPOINT_FORMAT, Cell, Checkpoint, DaskExecutor, Executor, LocalExecutor, Sweep,
                     SweepMismatchError, SweepResult, cell_key, cell_seed, run_cell, run_sweep)

__all__ = ["NAMED_SWEEPS", "kramers_mean_exit_time", "CHECKPOINT_FORMAT", "Cell", "Checkpoint", "DaskExecutor",
           "Executor", "LocalExecutor", "Sweep", "SweepMismatchError", "SweepResult", "cell_key", "cell_seed",
           "run_cell", "run_sweep"]
