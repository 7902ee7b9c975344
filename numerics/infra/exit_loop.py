"""The one exit loop: advance a batch of paths (SDE paths, SGD runs) together, one step at a time, record the first
step at which each tests as exited, and drop the exited ones from the batch (DESIGN.md, "Monte Carlo engine").

The batch state is a tensor, or a dict / list / tuple of them (nested), whose leading dimension is the path: the loop
keeps the rows of the paths still inside in every leaf. Exits are marked after every step; the exited paths are
dropped every `compact_every` steps (an exited path keeps being advanced until then, so a block of steps runs on a
batch of fixed size: fewer, larger tensor operations for the SDE engine; runs whose random draws depend on the batch
use compact_every = 1). Callers supply the dynamic and the exit test as functions of (state, alive, step), with
`alive` the indices of the rows into the original batch and `step` the 1-based number of the step being taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch


@dataclass
class ExitLoopResult:
    """Exit steps of a batch and what is left of it."""

    exit_steps: np.ndarray   # int64 per path: the step after which it first tested as exited; -1 if it never did
    state: Any               # the state of the paths still inside at the end (rows = survivors)
    alive: torch.Tensor      # the survivors' indices into the original batch
    steps: int               # steps taken
    path_steps: int          # the work: every step of every row advanced (exited rows within a block included)


def take(state, rows: torch.Tensor):
    """`state` with only `rows` (a bool mask or indices over its leading dimension) in every tensor leaf."""
    if isinstance(state, torch.Tensor):
        return state[rows]
    if isinstance(state, dict):
        return {key: take(value, rows) for key, value in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(take(value, rows) for value in state)
    raise TypeError(f"a batch state is a tensor or a dict/list/tuple of tensors, not {type(state).__name__}")


def _first_leaf(state) -> torch.Tensor:
    if isinstance(state, torch.Tensor):
        return state
    values = state.values() if isinstance(state, dict) else state
    for value in values:
        try:
            return _first_leaf(value)
        except TypeError:
            continue
    raise TypeError("a batch state needs at least one tensor")


def step_until_exit(state, *, advance: Callable, exited: Callable, max_steps: int, compact_every: int = 1,
                    on_step: Callable | None = None, on_exit: Callable | None = None,
                    after_compact: Callable | None = None) -> ExitLoopResult:
    """Advance `state` until every path has exited or `max_steps` steps were taken.

    advance(state, alive, step) -> state: one step of every row;
    exited(state, alive, step) -> bool tensor (rows,): which rows are outside after that step;
    on_step(state, newly) -> state: called after every step with the rows that exited at it (record where they left);
    on_exit(ids, finished) : called at each compaction with the exited paths' indices (numpy) and their state;
    after_compact(state, alive, step): called after each compaction with what is left (e.g. a finiteness check)."""
    rows = _first_leaf(state).shape[0]
    device = _first_leaf(state).device
    alive = torch.arange(rows, device=device)
    marked = torch.full((rows,), -1, dtype=torch.int64, device=device)   # exit step within the current block
    exit_steps = np.full(rows, -1, dtype=np.int64)
    step = path_steps = 0
    while step < max_steps and alive.numel() > 0:
        block = min(compact_every, max_steps - step)
        for _ in range(block):
            step += 1
            state = advance(state, alive, step)
            newly = exited(state, alive, step) & (marked < 0)
            marked.masked_fill_(newly, step)
            if on_step is not None:
                state = on_step(state, newly)
        path_steps += block * alive.numel()
        finished = marked >= 0
        if bool(finished.any()):
            ids = alive[finished].cpu().numpy()
            exit_steps[ids] = marked[finished].cpu().numpy()
            if on_exit is not None:
                on_exit(ids, take(state, finished))
            keep = ~finished
            state, alive, marked = take(state, keep), alive[keep], marked[keep]
        if after_compact is not None:
            after_compact(state, alive, step)
    return ExitLoopResult(exit_steps, state, alive, step, path_steps)
