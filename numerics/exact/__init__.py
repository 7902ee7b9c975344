"""Exact numerics: 1-D mean exit times and exit probabilities by quadrature of the generator's closed forms, and the
exact large-jump exit law of a scheduled Lévy Model (the PDE solvers join here as they come)."""

from .jump_clock import Estimate, JumpClockLaw
from .quadrature import METHODS, QuadratureResult, exit_probability, mean_exit_time

__all__ = ["Estimate", "JumpClockLaw", "METHODS", "QuadratureResult", "exit_probability", "mean_exit_time"]
