"""Named sweeps of `escape sweep`: name -> (function, default grid, default fixed arguments, what it computes)."""

from __future__ import annotations

from typing import Any, Callable

from theory.errors import ParameterError

from ..exact.quadrature import mean_exit_time
from ..infra.validate import require_positive
from ..sde.engine import simulate_exit


def kramers_mean_exit_time(D: float, replicate: int = 0, *, seed: int, n_paths: int = 2000, dt: float = 0.01,
                           device: str = "cpu") -> dict[str, Any]:
    """Monte Carlo mean exit time of the symmetric quartic double well at noise D, with the exact value.

    The model is theory.kramers.DOUBLE_WELL (U = x^4/4 - x^2/2, start -1, exit at 1; Kramers 1940 as restated in
    seed 002); `exact` is its mean first-passage time by quadrature (numerics.exact.mean_exit_time, the
    generator's closed form, DESIGN.md). The simulation horizon is 40 exact means, so a path is censored with
    probability about exp(-40) (the exit time is nearly exponential): the mean is not truncated.
    `replicate` only enters through the derived seed: replicates are independent repetitions.
    """
    from theory.kramers import DOUBLE_WELL

    require_positive("D", D)
    model = DOUBLE_WELL.bind(D=D)
    exact = mean_exit_time(model)
    if exact.log_value > 15:
        raise ParameterError("D", D, "noise large enough that brute force reaches the exit (mean time < 3e6)",
                             "the exact mean exit time is exp(%.1f)" % exact.log_value)
    simulated = simulate_exit(model, n_paths=n_paths, dt=dt, max_time=40 * float(exact), seed=seed, device=device,
                              progress=False)
    return {"mean": simulated.mean, "stderr": simulated.stderr, "exact": float(exact), "n_paths": n_paths,
            "path_steps": simulated.path_steps}


#: name -> (function, default grid, default fixed arguments, what it computes)
NAMED_SWEEPS: dict[str, tuple[Callable, dict[str, list], dict[str, Any], str]] = {
    "kramers": (kramers_mean_exit_time, {"D": [0.2, 0.25, 0.35, 0.5], "replicate": [0, 1]},
                {"n_paths": 2000, "dt": 0.01},
                "Monte Carlo mean exit time of the quartic double well against the exact quadrature, over D"),
}
