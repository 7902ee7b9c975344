"""Model: generator, Fokker-Planck operator, parameters and domains."""

import pytest
import sympy as sp

from theory import Ball, Box, Constraint, Interval, Model, ModelError, ParameterError
from theory.kramers import DOUBLE_WELL, LANGEVIN, U, x

D = sp.Symbol("D", positive=True)


def test_overdamped_langevin_fields():
    assert DOUBLE_WELL.drift[0] == -(x**3 - x)
    assert sp.simplify(DOUBLE_WELL.covariance[0, 0] - 2 * D) == 0
    assert DOUBLE_WELL.parameters == (D,)


def test_generator_and_fokker_planck_are_adjoint():
    # int f L*p = int p L f for compactly supported test functions: check pointwise via the identity
    # p L f - f L* p = d/dx (flux terms) on a concrete pair
    f, p = sp.exp(-x**2), sp.exp(-x**2 / 3)
    model = DOUBLE_WELL.bind(D=sp.Rational(1, 3))
    lhs = sp.integrate(sp.expand(p * model.generator(f)), (x, -sp.oo, sp.oo))
    rhs = sp.integrate(sp.expand(f * model.fokker_planck(p)), (x, -sp.oo, sp.oo))
    assert sp.simplify(lhs - rhs) == 0


def test_generator_of_generic_langevin():
    f = sp.Function("f")
    assert sp.simplify(LANGEVIN.generator(f(x)) - (-sp.diff(U(x), x) * sp.diff(f(x), x) + D * sp.diff(f(x), x, 2))) == 0


@pytest.mark.parametrize("value", [-1, 0, sp.nan, sp.oo])
def test_bind_rejects_out_of_range_temperature(value):
    with pytest.raises(ParameterError, match="D="):
        DOUBLE_WELL.bind(D=value)


def test_bind_rejects_unknown_parameter():
    with pytest.raises(ParameterError, match="one of the model's parameters"):
        DOUBLE_WELL.bind(T=1)


def test_start_outside_domain():
    model = Model.overdamped_langevin("w", x**2, x, D, Interval(-1, 1), start=(2,))
    with pytest.raises(ModelError, match="does not lie inside"):
        model.bind(D=1)


def test_empty_domains():
    with pytest.raises(ModelError, match="empty interval"):
        Interval(1, 1)
    with pytest.raises(ModelError, match="empty box"):
        Box((0, 0), (1, -1))
    with pytest.raises(ModelError, match="positive radius"):
        Ball((0,), 0)
    with pytest.raises(ModelError, match="no boundary"):
        Interval(-sp.oo, sp.oo)


def test_require_numeric_names_free_parameters():
    with pytest.raises(ModelError, match="free parameters \\(D\\)"):
        DOUBLE_WELL.require_numeric()


def test_shape_errors():
    with pytest.raises(ModelError, match="drift has shape"):
        Model("m", (x,), sp.Matrix([1, 2]), sp.Matrix([[1]]), Interval(-1, 1), (0,))


def test_constraints_name_the_violated_condition():
    kappa = sp.Symbol("kappa", positive=True)
    model = Model.overdamped_langevin("constrained", kappa * x**2, x, D, Interval(-1, 1), start=(0,),
                                      constraints=(Constraint(kappa < 2, "kappa < 2 (the density is normalisable)"),))
    assert model.bind(kappa=1, D=1).potential == x**2
    with pytest.raises(ParameterError, match="kappa < 2"):
        model.bind(kappa=3, D=1)
