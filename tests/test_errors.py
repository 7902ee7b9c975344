"""Errors a user can mend keep their type and message across process (and Dask) boundaries: a sweep's worker raises
them, the parent prints the one line (issue 17: a ParameterError used to end in BrokenProcessPool)."""

import pickle

import pytest

from numerics.rare.quasipotential import NotConvergedError
from numerics.sde.estimators import CensoredError
from numerics.sweep.runner import SweepMismatchError
from theory.errors import LimitNotDecidedError, ModelError, ParameterError, UnknownIdError, UserInputError


@pytest.mark.parametrize("error", [
    ParameterError("D", -1, "(0, oo)", "the noise level"),
    UnknownIdError("claim", "kramers.x", ["kramers.mean_escape_time"]),
    LimitNotDecidedError("SymPy cannot take lim D -> 0+"),
    ModelError("no barrier"), UserInputError("bad"), CensoredError("censored"), SweepMismatchError("other sweep"),
    NotConvergedError("no convergence"),
], ids=lambda e: type(e).__name__)
def test_error_survives_pickling(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
