"""The one progress bar: a rich bar that counts finished items (exit-time paths, sweep cells), shown on a terminal."""

from __future__ import annotations

import sys


class ProgressBar:
    """A transient rich bar "label  [####    ]  done/total  time left"; `done` items count as finished at the start
    (cells loaded from a checkpoint)."""

    def __init__(self, label: str, total: int, done: int = 0) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._progress = Progress(label, BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
        self._task = self._progress.add_task(label, total=total, completed=done)
        self._progress.start()

    def advance(self, count: int = 1) -> None:
        self._progress.advance(self._task, count)

    def close(self) -> None:
        self._progress.stop()


def progress_bar(progress: bool | None, label: str, total: int, done: int = 0,
                 minimum: int = 0) -> ProgressBar | None:
    """A bar, or None: progress=True shows one, False none, None one when stderr is a terminal and at least
    `minimum` items are to be counted (a short run is not worth a bar)."""
    if progress is None:
        progress = sys.stderr.isatty() and total >= minimum
    return ProgressBar(label, total, done) if progress else None
