"""Monte Carlo of the power-law dynamic of seeds 002 and 004 (theory.power_law), shared by the checks that judge
different claims on one simulation (verify/checks/power_law.py): cached on the parameters, seed and device, so that
every check reading a run reads the same numbers.

- simulate_positions: states of dw = -h w dt + sqrt(eta (sigma + rho w^2)) dB from w = 0 at fixed times (seed
  002_0bd15634cbfb0ce4.txt eq. 7, seed 004_f9c6c18a0b16f13c.txt eq. 2.16; Itô, Euler-Maruyama as SGD's update).
- coupled_distances: two synchronously coupled copies (numerics.sde.coupling) of the decoupled 1-D dynamic (004
  eq. 2.16) and of the coupled 2-D form (004 eqs. 2.13-2.14): E|x_t - y_t|^2 with its standard error, the quantity
  004 Thm 2 and Remark 2 bound.
"""

from __future__ import annotations

import json
from functools import lru_cache

import sympy as sp

from theory import power_law as P

from .coupling import simulate_states, synchronous_coupling


def simulate_positions(params: dict, seed: int, device, times) -> dict:
    """States of the 1-D power-law dynamic (the Model, Itô) from 0 at `times`, as 1-D arrays; cached, so that the
    checks judging different claims on one simulation (same parameters and seed) share it."""
    key = json.dumps({k: params[k] for k in ("h", "eta", "sigma", "rho", "n_paths", "dt")}, sort_keys=True)
    return _simulate_positions_cached(key, seed, str(device), tuple(times))


@lru_cache(maxsize=4)
def _simulate_positions_cached(key: str, seed: int, device: str, times: tuple) -> dict:
    params = json.loads(key)
    model = P.POWER_LAW.bind({k: sp.nsimplify(params[k]) for k in ("h", "eta", "sigma", "rho")} | {"r": 100})
    states = simulate_states(model, [0.0], n_paths=params["n_paths"], dt=params["dt"], times=list(times), seed=seed,
                             device=device)
    return {t: x[:, 0] for t, x in states.items()}


def coupled_distances(params: dict, seed: int, device) -> tuple:
    """((name, x0, y0, ((t, E|x_t - y_t|^2, its standard error), ...)), ...) for the 1-D decoupled dynamic (seed
    `seed`) and the coupled 2-D form (seed `seed + 1`); cached (004 Thm 2 and Remark 2 are judged on one run)."""
    return _coupled_distances_cached(json.dumps(params, sort_keys=True), seed, str(device))


@lru_cache(maxsize=2)
def _coupled_distances_cached(key: str, seed: int, device: str) -> tuple:
    params = json.loads(key)
    h_, eta_, s_, r_ = (sp.nsimplify(params[k]) for k in ("h", "eta", "sigma", "rho"))
    one_d = P.POWER_LAW.bind({"h": h_, "eta": eta_, "sigma": s_, "rho": r_, "r": 100})
    coupled = P.coupled_model(params["H"], params["Sigma_g"], params["Sigma_H"], params["eta"])
    cases = [("1-D decoupled (2.16)", one_d, [params["x0"]], [params["y0"]]),
             ("2-D coupled (2.13)", coupled, params["x0_2d"], params["y0_2d"])]
    runs = []
    for i, (name, model, x0, y0) in enumerate(cases):
        result = synchronous_coupling(model, x0, y0, n_paths=params["n_paths"], dt=params["dt"], times=params["times"],
                                      seed=seed + i, device=device)
        runs.append((name, tuple(x0), tuple(y0),
                     tuple(zip(result.times, result.mean_squared_distance, result.stderr))))
    return tuple(runs)
