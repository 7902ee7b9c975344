"""Which torch device runs the simulation, and how it describes itself in a report."""

from __future__ import annotations

import platform
from contextlib import contextmanager

import torch

from theory.errors import UserInputError


def resolve_device(name: str | torch.device | None = "auto") -> torch.device:
    """"auto" -> the first CUDA device when torch sees one, else the CPU; anything else is checked."""
    if isinstance(name, torch.device):
        name = str(name)
    if name in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise UserInputError(f"unknown device {name!r}: use auto, cpu, cuda or cuda:N") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise UserInputError(f"device {name!r} is not available: torch {torch.__version__} sees no CUDA device "
                                 "on this machine; use --device cpu (or auto)")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise UserInputError(f"device {name!r} is not available: only {torch.cuda.device_count()} CUDA device(s)")
    elif device.type != "cpu":
        raise UserInputError(f"device type {device.type!r} is not supported: use cpu or cuda")
    return device


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"{device} ({torch.cuda.get_device_name(index)}, CUDA {torch.version.cuda})"
    return f"cpu ({platform.machine()}, {torch.get_num_threads()} torch threads)"


@contextmanager
def torch_threads(count: int):
    """Run a block with `count` intra-op CPU threads, restoring the previous setting. The network experiments are
    many small batched products, where intra-op threading costs more than it gains (escape sweep step, 100 runs:
    14 s on one thread against 65 s on two of two busy cores)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
