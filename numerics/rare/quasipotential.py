"""Minimum-action paths and the Freidlin-Wentzell quasi-potential of a Brownian Model.

For dX = b(X) dt + eps sigma(X) dW the action of a path is S_T = 1/2 int (phi' - b)^T a^{-1} (phi' - b) dt,
a = sigma sigma^T, and the quasi-potential V(x) = inf_T inf_phi S_T from the attractor to x (Freidlin & Wentzell,
Random Perturbations of Dynamical Systems, sec. 4.2-4.3). The infimum over T is taken analytically by the
geometric action (Heymann & Vanden-Eijnden, Comm. Pure Appl. Math. 61 (2008), eq. 2.11):

    V(x) = min over curves from x* to x of  int ( |phi'|_a |b(phi)|_a - <phi', b(phi)>_a ) ds,   <u, v>_a = u^T a^{-1} v,

which is invariant under reparametrisation. We minimise its midpoint discretisation over the interior points with
L-BFGS (a penalty on unequal spacing fixes the parametrisation), then again on a twice finer path; the change is
the error estimate ("geometric minimum action" in the spirit of GMAM, without its preconditioned flow: for the
low-dimensional models of the checks a quasi-Newton minimiser is simpler; the string method would need the time
parametrisation we avoid). Hand-written because SciPy has no path-action solver. The result carries its own
convergence evidence; a solver that has not converged raises instead of returning a number.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy.optimize import minimize, minimize_scalar

from theory.errors import ModelError, ParameterError
from theory.model import Brownian, Model


@dataclass(frozen=True)
class ActionPath:
    """A minimum-action path and its action, with the evidence that the minimisation converged."""

    action: float
    path: np.ndarray              # (n_points, d), from the attractor to the end point
    rounds: int                   # resolutions solved (n points, then 2n - 1)
    change_last_round: float      # relative change of the action between the two resolutions
    evaluations: int


class NotConvergedError(RuntimeError):
    """The action did not settle within the allowed rounds: no value is returned."""


def _fields(model: Model):
    if not isinstance(model, Model):
        raise ModelError(f"the minimum-action solver needs a theory.model.Model, got {type(model).__name__}")
    if not isinstance(model.noise, Brownian):
        raise ModelError("the Freidlin-Wentzell action here needs Brownian noise: Lévy noise has no such action "
                         "(its exits are single jumps); use Monte Carlo (numerics.simulate_exit)")
    model.require_numeric()
    state = model.state
    covariance = model.covariance
    # the action weighs phi' - b by a^{-1}: a singular a (fewer noise directions than states) makes it infinite
    # off the noise directions, a constrained problem this solver does not treat
    singular = sp.simplify(covariance.det()) == 0
    if not singular:
        try:
            inverse_matrix = covariance.inv()
        except (ValueError, ZeroDivisionError):  # SymPy's NonInvertibleMatrixError is a ValueError
            singular = True
    if singular:
        raise ModelError(f"the covariance a = sigma sigma^T of {model.name!r} is singular (rank {covariance.rank()} < "
                         f"{len(state)}): the Freidlin-Wentzell action weighs by a^-1, so degenerate noise is not "
                         "supported by this solver")
    drift = sp.lambdify(state, list(model.drift), "numpy")
    inverse = sp.lambdify(state, list(inverse_matrix), "numpy")
    d = len(state)

    def b(points: np.ndarray) -> np.ndarray:
        values = drift(*points.T)
        return np.stack([np.broadcast_to(np.asarray(v, dtype=float), points.shape[:1]) for v in values], axis=1)

    def a_inv(points: np.ndarray) -> np.ndarray:
        values = inverse(*points.T)
        flat = np.stack([np.broadcast_to(np.asarray(v, dtype=float), points.shape[:1]) for v in values], axis=1)
        return flat.reshape(-1, d, d)
    return b, a_inv


def _geometric_action(path: np.ndarray, b, a_inv) -> float:
    steps = np.diff(path, axis=0)
    middles = (path[1:] + path[:-1]) / 2
    drift, metric = b(middles), a_inv(middles)
    step_norm = np.sqrt(np.einsum("ni,nij,nj->n", steps, metric, steps))
    drift_norm = np.sqrt(np.einsum("ni,nij,nj->n", drift, metric, drift))
    inner = np.einsum("ni,nij,nj->n", steps, metric, drift)
    return float(np.sum(step_norm * drift_norm - inner))


def _optimise(start, end, path, b, a_inv, spacing_weight: float):
    """Minimise the discrete geometric action over the interior points, with a penalty on unequal spacing that
    removes the action's reparametrisation freedom (flat directions the quasi-Newton solver would wander along)."""
    d = start.size

    def objective(interior: np.ndarray) -> float:
        full = np.vstack([start, interior.reshape(-1, d), end])
        lengths = np.linalg.norm(np.diff(full, axis=0), axis=1)
        return _geometric_action(full, b, a_inv) + spacing_weight * float(np.sum((lengths - lengths.mean()) ** 2))
    result = minimize(objective, path[1:-1].ravel(), method="L-BFGS-B",
                      options={"maxiter": 20000, "maxfun": 10**7, "ftol": 1e-15, "gtol": 1e-11})
    optimised = np.vstack([start, result.x.reshape(-1, d), end])
    return optimised, _geometric_action(optimised, b, a_inv), result.nfev


def _refined(path: np.ndarray, n_points: int) -> np.ndarray:
    arclength = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
    targets = np.linspace(0, arclength[-1], n_points)
    return np.stack([np.interp(targets, arclength, path[:, k]) for k in range(path.shape[1])], axis=1)


def minimum_action_path(model: Model, start, end, *, n_points: int = 21, rtol: float = 1e-3,
                        spacing_weight: float = 1.0, initial_path: np.ndarray | None = None) -> ActionPath:
    """The quasi-potential V(end) relative to the attractor `start` of a numeric Brownian Model with unit noise
    (bind the noise scale to 1: E tau ~ exp(V_0 / eps^2) for noise eps sigma).

    Solved on n_points and again on 2 n_points - 1 (started from the first path); their relative difference is the
    error estimate, and a difference above rtol raises NotConvergedError instead of returning a number."""
    if not (isinstance(n_points, numbers.Integral) and not isinstance(n_points, bool) and n_points >= 3):
        raise ParameterError("n_points", n_points, "an integer >= 3")
    for name, value, admissible in (("rtol", rtol, "(0, oo)"), ("spacing_weight", spacing_weight, "[0, oo)")):
        if not (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
                and (value > 0 or (value == 0 and name == "spacing_weight"))):
            raise ParameterError(name, value, admissible)
    b, a_inv = _fields(model)
    d = len(model.state)
    start, end = _point("start", start, (d,)), _point("end", end, (d,))
    path = np.linspace(start, end, n_points) if initial_path is None else _point("initial_path", initial_path, (-1, d))
    coarse, coarse_action, evaluations = _optimise(start, end, path, b, a_inv, spacing_weight)
    fine, action, more = _optimise(start, end, _refined(coarse, 2 * n_points - 1), b, a_inv, spacing_weight)
    if not np.isfinite(action):
        _require_regular(fine, b, a_inv, model)
        raise NotConvergedError("the action is not finite")
    change = abs(action - coarse_action) / max(abs(action), 1e-300)
    if change > rtol:
        raise NotConvergedError(f"the action changed by {change:.2e} (> rtol {rtol:g}) from {n_points} to "
                                f"{2 * n_points - 1} points: use more points")
    return ActionPath(action, fine, 2, change, evaluations + more)


def _point(name: str, value, shape: tuple) -> np.ndarray:
    """A finite real array of the given shape (-1: any length >= 3), or a one-line ParameterError."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        raise ParameterError(name, value, f"a real array of shape {shape}") from None
    fits = array.ndim == len(shape) and all(n == k or (k == -1 and n >= 3) for n, k in zip(array.shape, shape))
    if not (fits and array.dtype.kind in "iuf" and np.all(np.isfinite(array))):
        raise ParameterError(name, np.array2string(array, threshold=6).replace("\n", ""),
                             f"finite real numbers, shape {shape}".replace("-1", "n >= 3"))
    return array.astype(float)


def _require_regular(path: np.ndarray, b, a_inv, model: Model) -> None:
    """Say where a non-finite action comes from: a covariance singular (or a drift infinite) on the path."""
    middles = (path[1:] + path[:-1]) / 2
    with np.errstate(all="ignore"):
        bad = ~np.isfinite(a_inv(middles)).all(axis=(1, 2)) | ~np.isfinite(b(middles)).all(axis=1)
    if bad.any():
        raise ModelError(f"the covariance a = sigma sigma^T of {model.name!r} is singular (or the drift infinite) at "
                         f"x = {np.round(middles[bad][0], 6).tolist()} on the path: the action is infinite there; "
                         "degenerate noise is not supported by this solver")


def _require_enclosed(point: np.ndarray, polygon: np.ndarray) -> None:
    """The boundary (a closed 2-D curve, sampled) must wind around the attractor: winding number != 0."""
    if polygon.shape[1] != 2:
        return
    angles = np.arctan2(polygon[:, 1] - point[1], polygon[:, 0] - point[0])
    turns = np.diff(np.concatenate([angles, angles[:1]]))
    winding = np.sum((turns + np.pi) % (2 * np.pi) - np.pi) / (2 * np.pi)
    if abs(winding) < 0.5:
        raise ParameterError("boundary", "closed curve", "a curve around the attractor",
                             f"the boundary does not enclose the attractor {point.tolist()} (winding number 0)")


def quasi_potential_on_boundary(model: Model, attractor, boundary, *, samples: int = 24, **path_options) -> dict:
    """V_0 = min over the boundary of V: boundary(u) maps u in [0, 1) to a boundary point (a closed curve in 2-D).
    A coarse scan over `samples` values of u, then a bounded scalar minimisation around the best one."""
    if not (isinstance(samples, numbers.Integral) and not isinstance(samples, bool) and samples >= 2):
        raise ParameterError("samples", samples, "an integer >= 2")
    if not callable(boundary):
        raise ParameterError("boundary", boundary, "a callable u in [0, 1) -> boundary point")
    grid = np.arange(samples) / samples
    _require_enclosed(np.asarray(attractor, dtype=float), np.array([boundary(u) for u in np.arange(64) / 64]))
    values = [minimum_action_path(model, attractor, boundary(u), **path_options).action for u in grid]
    best = int(np.argmin(values))
    width = 1 / samples
    refined = minimize_scalar(lambda u: minimum_action_path(model, attractor, boundary(u % 1.0), **path_options).action,
                              bounds=(grid[best] - width, grid[best] + width), method="bounded",
                              options={"xatol": 1e-5})
    u_best = float(refined.x % 1.0)
    return {"V_0": float(min(refined.fun, values[best])), "argmin u": u_best, "argmin point": boundary(u_best),
            "scan": list(zip(grid.tolist(), values))}
