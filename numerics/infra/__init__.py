"""Infrastructure shared by the numeric layer: the torch device, the one exit loop (step a batch until exit, drop
the exited paths), the one positive-parameter check and the one progress bar."""

from .device import describe_device, resolve_device, torch_threads
from .exit_loop import ExitLoopResult, step_until_exit, take
from .progress import ProgressBar, progress_bar
from .validate import is_count, is_positive, require_positive

__all__ = ["describe_device", "resolve_device", "torch_threads", "ExitLoopResult", "step_until_exit", "take",
           "ProgressBar", "progress_bar", "is_count", "is_positive", "require_positive"]
