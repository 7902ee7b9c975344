"""escape-theory, numeric layer (imports theory, never verify).

Subpackages:
- sde: a Model compiled to torch callables, the Monte Carlo engine (simulate_exit; backends "torch" and "numba"),
  the stable sampler and the noise-scale rule, states and coupling, estimators on exit times;
- exact: 1-D quadrature of the generator (mean_exit_time, exit_probability) and the exact large-jump exit law
  (JumpClockLaw);
- rare: adaptive multilevel splitting (mean_exit_time_ams) and the minimum-action solver (minimum_action_path);
- nets: real-network experiments (data, models, the one batched trainer, per-sample gradients, gradient noise,
  escape, sharpness, schedules, PL-SGD, optimisers, tail indices);
- infra: the device, the one exit loop, the one positive-parameter check, the one progress bar;
- sweep: parameter sweeps on local processes or Dask, resumable; bench: `escape bench`, the engine's throughput.
"""

from . import bench, exact, infra, nets, rare, sde, sweep
from .exact import Estimate, JumpClockLaw, QuadratureResult, exit_probability, mean_exit_time
from .infra import describe_device, resolve_device, step_until_exit, torch_threads
from .rare import (ActionPath, AmsSettings, NotConvergedError, SplittingResult, mean_exit_time_ams, minimum_action_path,
                   quasi_potential_on_boundary)
from .sde import (BACKENDS, CensoredError, ChunkResult, CouplingResult, EngineOptions, ExitTimes, boundary_shift,
                  choose_backend, chunk_seed, iter_exit_chunks, normal_quantile, simulate_exit, simulate_states,
                  symmetric_stable, synchronous_coupling, truncated_symmetric_stable, wilson_interval)

__all__ = ["bench", "exact", "infra", "nets", "rare", "sde", "sweep",
           "Estimate", "JumpClockLaw", "QuadratureResult", "exit_probability", "mean_exit_time",
           "describe_device", "resolve_device", "step_until_exit", "torch_threads",
           "ActionPath", "AmsSettings", "NotConvergedError", "SplittingResult", "mean_exit_time_ams",
           "minimum_action_path", "quasi_potential_on_boundary",
           "BACKENDS", "CensoredError", "ChunkResult", "CouplingResult", "EngineOptions", "ExitTimes", "boundary_shift",
           "choose_backend", "chunk_seed", "iter_exit_chunks", "normal_quantile", "simulate_exit", "simulate_states",
           "symmetric_stable", "synchronous_coupling", "truncated_symmetric_stable", "wilson_interval"]
