"""escape-theory, symbolic layer: Models, Claims and Derivations (imports only sympy and mpmath)."""

from .claim import Claim, Comparison, Source
from .derivation import Derivation, Step
from .domain import Ball, Box, Interval
from .errors import ModelError, ParameterError, UnknownIdError, UserInputError
from .identity import IdentityResult, decide_identity
from .model import AlphaStable, Brownian, Constraint, Model
from .registry import all_claims, get_claim
from .units import Dimension
from .user_claim import get_model, known_models, user_claim

__all__ = [
    "AlphaStable", "Ball", "Box", "Brownian", "Claim", "Comparison", "Constraint", "Derivation", "Dimension", "IdentityResult",
    "Interval", "Model", "ModelError", "ParameterError", "Source", "Step", "UnknownIdError", "UserInputError",
    "all_claims", "decide_identity", "get_claim", "get_model", "known_models", "user_claim",
]
