"""Rare events: mean exit times beyond brute force by adaptive multilevel splitting with the cycle decomposition, and
the Freidlin-Wentzell minimum action (geometric minimum-action paths and the quasi-potential)."""

from .quasipotential import ActionPath, NotConvergedError, minimum_action_path, quasi_potential_on_boundary
from .splitting import AmsSettings, SplittingResult, mean_exit_time_ams, progress_to_boundary

__all__ = ["ActionPath", "NotConvergedError", "minimum_action_path", "quasi_potential_on_boundary", "AmsSettings",
           "SplittingResult", "mean_exit_time_ams", "progress_to_boundary"]
