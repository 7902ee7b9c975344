"""Classical Kramers escape for the overdamped Langevin dynamic dX = -U'(X) dt + sqrt(2 D) dW.

The formula is Kramers (1940), ref. [14] of seed 002_0bd15634cbfb0ce4.txt and ref. [31] of seed
000_6ac092e84b589a62.txt; seed 002 restates it in sec. 4.2 ("Comparison with results for other
dynamics", after Thm 6) for its own noise convention. Here it is stated in the convention above,
with time in the units of the SDE (for SGD, t = k * eta).
"""

from __future__ import annotations

import sympy as sp

from . import diffusion1d
from .claim import Claim, Source
from .derivation import Derivation
from .domain import Interval
from .errors import ModelError
from .model import Model
from .units import CURVATURE, DIFFUSIVITY, DIMENSIONLESS, LENGTH, LOSS, TIME, Convention, convention
from .sources import SEED_000, SEED_002, SEED_004

x = sp.Symbol("x", real=True)
D = sp.Symbol("D", positive=True)
tau = sp.Symbol("tau", positive=True)
H_a = sp.Symbol("H_a", positive=True)          # U''(a) at the minimum a
H_b = sp.Symbol("H_b", positive=True)          # |U''(b)| at the barrier top b
Delta_U = sp.Symbol("Delta_U", positive=True)  # U(b) - U(a)
exit_point = sp.Symbol("r", real=True)
tilt = sp.Symbol("c", real=True)               # cubic asymmetry of the quartic double well
U = sp.Function("U")
p = sp.Function("p")
T = sp.Function("T")
Z = sp.Symbol("Z", positive=True)

KRAMERS_1940 = Source(None, "overdamped mean escape time", paper="Kramers, Physica 7 (1940) 284-304",
                      note=f"ref. [14] of {SEED_002}, ref. [31] of {SEED_000}")
SEED_002_RESTATEMENT = Source(SEED_002, "sec. 4.2, comparison after Thm 6",
                              note="restated there for dw = -grad L dt + sqrt(eta sigma) dB")
OVERDAMPED = "Brownian, additive: dX = -U'(X) dt + sqrt(2 D) dW (Itô = Stratonovich here)"
CLOCK = "SDE time t; for SGD with learning rate eta, t = k * eta"

#: Kramers (1940) is not among the seeds: the convention is this module's statement of the overdamped law, the form in
#: which 002 (sec. 4.2, after Thm 6) and 000 cite it. dX = -U' dt ties time to length^2 / loss; sqrt(2 D) dW makes D
#: a diffusivity, so D has the unit of U and Delta_U / D is a pure number.
KRAMERS_CONVENTION = convention(
    KRAMERS_1940.paper,
    "overdamped (large-friction) limit, stated as dX = -U'(X) dt + sqrt(2 D) dW (theory/kramers.py)",
    "gradient_flow",
    "t is the time of dX = -U'(X) dt + sqrt(2 D) dW (additive noise: Itô = Stratonovich), so [t] = [x]^2/[U]; D is a "
    "diffusivity [x]^2/[t] = [U]; for SGD t = k eta")
#: claims about a potential with numeric coefficients (x^4/4 - x^2/2): the numbers fix the units of length and loss
#: (and the gradient flow that of time), so every quantity in them is a pure number and nothing rescales
REDUCED_UNITS = Convention(
    KRAMERS_1940.paper + " (reduced units of a numeric potential)",
    "kramers.DOUBLE_WELL, kramers.ASYMMETRIC_DOUBLE_WELL",
    "free", "U = x^4/4 (+ c x^3/3) - x^2/2: its coefficients are pure numbers, so x, U, t and D are in the potential's "
            "own units (x in units of the well position, U of 4 x the barrier, t of the relaxation time)")

#: The generic overdamped Langevin dynamic (potential left as an undefined function U), exiting at r.
LANGEVIN = Model.overdamped_langevin("overdamped Langevin", U(x), x, D, Interval(-sp.oo, exit_point), start=x,
                                     description="dX = -U'(X) dt + sqrt(2 D) dW, natural at -oo, absorbed at r")

#: The symmetric quartic double well: minima at -1 and 1, barrier 1/4 at 0; exit on reaching the other well.
DOUBLE_WELL = Model.overdamped_langevin("symmetric quartic double well", x**4 / 4 - x**2 / 2, x, D,
                                        Interval(-sp.oo, 1), start=(-1,),
                                        description="U = x^4/4 - x^2/2, start in the well at -1, exit at x = 1")

MEAN_ESCAPE_TIME = Claim(
    id="kramers.mean_escape_time",
    title="Kramers' law: mean escape time over a barrier",
    lhs=tau,
    rhs=2 * sp.pi / sp.sqrt(H_a * H_b) * sp.exp(Delta_U / D),
    relation="~",
    sources=(KRAMERS_1940, SEED_002_RESTATEMENT),
    regime="D -> 0 (Delta_U / D >> 1); non-degenerate minimum a and barrier top b; the exit point lies "
           "beyond b by many sqrt(D / H_b)",
    units={tau: TIME, H_a: CURVATURE, H_b: CURVATURE, Delta_U: LOSS, D: DIFFUSIVITY},
    clock=CLOCK, interpretation=OVERDAMPED, model=LANGEVIN,
    relations={"compare_with": ("kramers.exact_mfpt",)},
)

GIBBS_DENSITY = Claim(
    id="kramers.gibbs_density",
    title="Gibbs stationary density of the overdamped Langevin dynamic",
    lhs=p(x),
    rhs=sp.exp(-U(x) / D) / Z,
    sources=(KRAMERS_1940,),
    regime="U grows fast enough that exp(-U/D) is integrable (Z < oo)",
    # p a density per unit length, Z its normalisation int exp(-U/D) dx (a length); U(x) carries the loss
    units={x: LENGTH, D: DIFFUSIVITY, U: LOSS, p: LENGTH**-1, Z: LENGTH},
    clock=CLOCK, interpretation=OVERDAMPED, model=LANGEVIN,
)


def _exact_mfpt_claim() -> Claim:
    derivation = diffusion1d.mean_exit_time(LANGEVIN)
    return Claim(
        id="kramers.exact_mfpt",
        title="exact mean first-passage time to r, derived from the generator",
        lhs=T(x), rhs=derivation.result, derivation=derivation,
        sources=(Source(None, "Dynkin's equation L T = -1 solved by escape-theory",
                        paper="derived (classical: Gardiner, Handbook of Stochastic Methods, sec. 5.2.7)",
                        note=f"the same double integral: {SEED_002} proof of Thm 6; {SEED_004} eq. 5.2"),),
        regime="any D > 0, x < r, U such that the integrals converge",
        # the integration variables take the unit of their limits (lengths); U(y) is a loss, T(x) a time
        units={x: LENGTH, exit_point: LENGTH, D: DIFFUSIVITY, U: LOSS, T: TIME}, convention=KRAMERS_CONVENTION,
        clock=CLOCK, interpretation=OVERDAMPED, model=LANGEVIN,
        relations={"compare_with": ("kramers.mean_escape_time",)},
    )


EXACT_MFPT = _exact_mfpt_claim()


def temperature_of(model: Model) -> sp.Expr:
    """D of dX = -U' dt + sqrt(2 D) dW, read off the model's (constant) diffusion."""
    a = model.covariance[0, 0]
    if model.dimension != 1 or a.has(*model.state):
        raise ModelError("Kramers' law here needs a 1-D model with additive (state-independent) noise")
    return sp.simplify(a / 2)


def stationary_points(model: Model) -> tuple[sp.Expr, sp.Expr]:
    """(well, barrier) for a numeric 1-D potential: the minimum the start sits in and the first maximum
    between it and the exit end."""
    if model.potential is None:
        raise ModelError(f"model {model.name!r} has no potential: Kramers' law needs a gradient drift")
    U_ = model.potential
    (x_,) = model.state
    dU = sp.diff(U_, x_)
    if dU.free_symbols - {x_}:
        raise ModelError("locating the well and barrier needs a numeric potential: pass well= and barrier=")
    roots = sorted(r for r in sp.Poly(dU, x_).real_roots()) if dU.is_polynomial(x_) else sorted(
        r for r in sp.solve(dU, x_) if r.is_real)
    start = model.start[0]
    exit_upward = model.domain.upper.is_finite
    minima = [r for r in roots if sp.diff(U_, x_, 2).subs(x_, r) > 0]
    if not minima:
        raise ModelError("the potential has no minimum: there is no well to escape from")
    well = min(minima, key=lambda r: abs(r - start))
    beyond = [r for r in roots if (r > well if exit_upward else r < well)]
    maxima = [r for r in beyond if sp.diff(U_, x_, 2).subs(x_, r) < 0]
    end = model.domain.upper if exit_upward else model.domain.lower
    maxima = [r for r in maxima if (r < end if exit_upward else r > end)]
    if not maxima:
        raise ModelError(f"the potential has no barrier between the well at {well} and the exit at {end}: "
                         "Kramers' law does not apply (the escape is drift-driven)")
    barrier = min(maxima, key=lambda r: abs(r - well))
    return well, barrier


def kramers_for(model: Model, well=None, barrier=None) -> Derivation:
    """Instantiate Kramers' law for a concrete potential: curvatures and barrier height, derived."""
    if model.potential is None:
        raise ModelError(f"model {model.name!r} has no potential: Kramers' law needs a gradient drift")
    (x_,) = model.state
    if well is None or barrier is None:
        well, barrier = stationary_points(model)
    U_ = model.potential
    d = Derivation(f"Kramers' law for {model.name}", sp.S.Zero)
    d.step("potential", U_)
    d.verify("U'(a) = 0 at the well", sp.diff(U_, x_).subs(x_, well))
    d.verify("U'(b) = 0 at the barrier", sp.diff(U_, x_).subs(x_, barrier))
    curvature_well = d.step("H_a = U''(a)", sp.simplify(sp.diff(U_, x_, 2).subs(x_, well)))
    curvature_barrier = d.step("H_b = -U''(b)", sp.simplify(-sp.diff(U_, x_, 2).subs(x_, barrier)))
    if curvature_well.is_positive is False or curvature_barrier.is_positive is False:
        raise ModelError(f"no barrier: U''(a) = {curvature_well}, U''(b) = {-curvature_barrier} "
                         "(needs a minimum a and a maximum b)")
    height = d.step("Delta_U = U(b) - U(a)", sp.simplify(U_.subs(x_, barrier) - U_.subs(x_, well)))
    values = {H_a: curvature_well, H_b: curvature_barrier, Delta_U: height, D: temperature_of(model)}
    d.result = d.step("substituted into kramers.mean_escape_time",
                      sp.simplify(MEAN_ESCAPE_TIME.rhs.subs(values)))
    return d


def _instantiated(claim_id: str, title: str, model: Model, **where) -> Claim:
    derivation = kramers_for(model, **where)
    return Claim(id=claim_id, title=title, lhs=tau, rhs=derivation.result, relation="~",
                 sources=MEAN_ESCAPE_TIME.sources, regime=MEAN_ESCAPE_TIME.regime, clock=CLOCK,
                 units={tau: DIMENSIONLESS, D: DIMENSIONLESS, tilt: DIMENSIONLESS}, convention=REDUCED_UNITS,
                 interpretation=OVERDAMPED, model=model, derivation=derivation,
                 relations={"derived_from": ("kramers.mean_escape_time",)})


SYMMETRIC_QUARTIC_TIME = _instantiated(
    "kramers.symmetric_quartic_time", "Kramers' law for U = x^4/4 - x^2/2", DOUBLE_WELL)

ASYMMETRIC_DOUBLE_WELL = Model.overdamped_langevin(
    "tilted quartic double well", x**4 / 4 + tilt * x**3 / 3 - x**2 / 2, x, D, Interval(-sp.oo, 1), start=(-1,),
    description="U = x^4/4 + c x^3/3 - x^2/2: minima at (-c -+ sqrt(c^2 + 4))/2, barrier at 0")

ASYMMETRIC_QUARTIC_TIME = _instantiated(
    "kramers.asymmetric_quartic_time", "Kramers' law for U = x^4/4 + c x^3/3 - x^2/2 (left well)",
    ASYMMETRIC_DOUBLE_WELL, well=(-tilt - sp.sqrt(tilt**2 + 4)) / 2, barrier=sp.Integer(0))
ASYMMETRIC_QUARTIC_TIME.relations["compare_with"] = ("kramers.symmetric_quartic_time",)


# ------------------------------------------------------------------------------ next order
def laplace_correction(f: sp.Expr, variable: sp.Symbol, point: sp.Expr, temperature: sp.Symbol = D) -> Derivation:
    """Relative O(D) correction c of Laplace's method at a non-degenerate minimum of f:

        int exp(-f/D) dx = sqrt(2 pi D / f''(x0)) exp(-f(x0)/D) (1 + c D + O(D^2)).

    Derived by expanding exp(-(f - f(x0) - f''(x0) u^2/2)/D) with u = sqrt(D) v and integrating the
    series against the Gaussian term by term (odd powers vanish).
    """
    eps = sp.Symbol("epsilon", positive=True)   # sqrt(D)
    v = sp.Symbol("v", real=True)
    d = Derivation(f"Laplace correction of int exp(-({f})/D) at {variable} = {point}", sp.S.Zero)
    derivatives = [sp.simplify(sp.diff(f, variable, k).subs(variable, point)) for k in range(5)]
    d.verify("f'(x0) = 0", derivatives[1])
    f2, f3, f4 = derivatives[2:]
    if f2.is_positive is False:
        raise ModelError(f"f''({point}) = {f2} is not positive: Laplace's method needs a minimum")
    cubic_quartic = (f3 * (eps * v) ** 3 / 6 + f4 * (eps * v) ** 4 / 24) / eps**2
    series = sp.expand(sp.series(sp.exp(-cubic_quartic), eps, 0, 3).removeO())
    d.step("expansion of exp(-(f3 u^3/6 + f4 u^4/24)/D), u = sqrt(D) v, to order D", series)
    curvature = sp.Symbol("f2", positive=True)  # integrate with a positive symbol, then substitute
    gaussian = sp.exp(-curvature * v**2 / 2) / sp.sqrt(2 * sp.pi / curvature)
    averaged = sp.simplify(sp.integrate(series * gaussian, (v, -sp.oo, sp.oo)).subs(curvature, f2))
    coefficient = sp.simplify(sp.expand(averaged).coeff(eps, 2))
    d.step("Gaussian average: 1 + c D", sp.simplify(averaged.subs(eps, sp.sqrt(temperature))))
    d.result = coefficient
    return d


def kramers_correction_for(model: Model, well=None, barrier=None) -> Derivation:
    """c in T_exact / T_Kramers = 1 + c D + O(D^2): Laplace corrections of the well integral (f = U)
    and of the barrier integral (f = -U), whose product is the mean first-passage time."""
    (x_,) = model.state
    if well is None or barrier is None:
        well, barrier = stationary_points(model)
    d = Derivation(f"first-order correction to Kramers' law for {model.name}", sp.S.Zero)
    at_well = laplace_correction(model.potential, x_, well)
    at_barrier = laplace_correction(-model.potential, x_, barrier)
    d.step("well integral int exp(-U/D): correction c_a", at_well.result)
    d.step("barrier integral int exp(+U/D): correction c_b", at_barrier.result)
    d.result = d.step("c = c_a + c_b (the MFPT is their product over D, up to exponentially small terms)",
                      sp.simplify(at_well.result + at_barrier.result))
    return d


def _correction_claim() -> Claim:
    derivation = kramers_correction_for(DOUBLE_WELL)
    return Claim(
        id="kramers.symmetric_quartic_correction",
        title="first-order correction to Kramers' law for U = x^4/4 - x^2/2",
        lhs=sp.Symbol("T_exact") / tau, rhs=1 + derivation.result * D, relation="~",
        sources=(Source(None, "Laplace's method to next order, derived by escape-theory",
                        paper="derived (classical asymptotics of the MFPT double integral)"),),
        regime="D -> 0; error O(D^2)", clock=CLOCK, interpretation=OVERDAMPED, model=DOUBLE_WELL,
        units={sp.Symbol("T_exact"): DIMENSIONLESS, tau: DIMENSIONLESS, D: DIMENSIONLESS}, convention=REDUCED_UNITS,
        derivation=derivation,
        relations={"derived_from": ("kramers.exact_mfpt", "kramers.symmetric_quartic_time")},
    )


SYMMETRIC_QUARTIC_CORRECTION = _correction_claim()
