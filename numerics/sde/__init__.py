"""The SDE engine: a Model compiled to torch callables, one Monte Carlo engine with its backends in a name -> backend
table (the batched torch loop, the compiled numba kernel), chosen once per run; the stable sampler and the noise-scale
rule; states at fixed times and the synchronous coupling; estimators on exit times; fits and tests on measured
estimates (fits); the four-basin model of seed 002 sec. 5.2 (four_basin, imported as a submodule)."""

from .bias import predicted_euler_bias, shifted_boundary
from .coupling import CouplingResult, simulate_states, synchronous_coupling
from .engine import (AUTO_ORDER, BACKENDS, BGK_BETA, KERNELS, Backend, ChunkResult, EngineOptions, boundary_shift,
                     choose_backend, chunk_seed, iter_exit_chunks, simulate_exit)
from .estimators import CensoredError, ExitTimes, normal_quantile, wilson_interval
from .fits import one_sided_p, power_fit, weighted_fit
from .stable import (check_alpha, increment_scale, measure_constant, noise_unit, symmetric_stable,
                     truncated_symmetric_stable)
from .torchify import TorchModel, compile_model

__all__ = ["predicted_euler_bias", "shifted_boundary",
           "CouplingResult", "simulate_states", "synchronous_coupling", "AUTO_ORDER", "BACKENDS", "BGK_BETA",
           "KERNELS", "Backend", "ChunkResult", "EngineOptions", "boundary_shift", "choose_backend", "chunk_seed",
           "iter_exit_chunks", "simulate_exit", "CensoredError", "ExitTimes", "normal_quantile", "wilson_interval",
           "check_alpha", "increment_scale", "measure_constant", "noise_unit", "symmetric_stable",
           "truncated_symmetric_stable", "TorchModel", "compile_model", "one_sided_p", "power_fit", "weighted_fit"]
