"""Freidlin-Wentzell theory of SGD: seed 003_363d0c39ed306341.txt (Ibayashi & Imaizumi; claim ids ``ibayashi.*``).

Continuous SGD (003 eq. 3): d theta = -grad L dt + eps C(theta)^(1/2) dW with eps^2 = eta / B, Itô (additive when C is
constant); the proximal system (eq. 4) has C = I; discrete SGD (eq. 2) runs on the clock t = k eta (Definition 2).
For dX = b dt + eps sigma dW the Freidlin-Wentzell action is S_T = 1/2 int (phi' - b)^T (sigma sigma^T)^(-1) (phi' - b) dt
(Freidlin & Wentzell, sec. 4.1, eq. 1.3); with sigma = C^(1/2), (sigma sigma^T)^(-1) = C^(-1).
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .claim import Claim, Source
from .derivation import Derivation
from .domain import Ball, Interval
from .errors import ParameterError
from .model import Model
from .units import DIMENSIONLESS, LENGTH, TIME, Reading, convention
from .units import LOSS as LOSS_UNIT
from .sources import SEED_003

CLOCK = "SDE time t = k eta (003 Definition 2); noise eps = sqrt(eta / B)"
NOISE = "Brownian, Itô; covariance (eta/B) C(theta)"

CONVENTION_003 = convention(
    SEED_003, "sec. 2.1, eqs. 2-3; Definition 2; Lemma 1; Assumption 2; eq. 4", "gradient_flow",
    "t is the time of continuous SGD d theta = -grad L dt + sqrt(eta/B) C^(1/2) dw (eq. 3), whose Euler scheme with "
    "step eta is discrete SGD (eq. 2; Definition 2: 'a product of the learning rate eta and the update index k plays "
    "a role of the time index t'): [t] = [theta]^2/[L], eta a time, B a count, C the covariance of the gradient noise "
    "(eq. 2, [grad L]^2); an action or quasi-potential has the unit of eps^2 = eta/B (Lemma 1: exp(-eps^-2 [S_T + "
    "zeta]) is a probability). Assumption 2 (C = H*) equates a squared gradient with a curvature, which makes the loss "
    "a pure number in the claims that use it ([t] = [theta]^2); the proximal system (eq. 4, C = I) makes the gradient "
    "a pure number in its claims ([L] = [theta] = [t])")
#: the unit systems the paper's own identifications leave (CONVENTION_003): general C (eq. 3); C = H* (Assumption 2:
#: [L] = 1, so [t] = [theta]^2, [H] = [theta]^-2); C = I (eq. 4: [grad L] = 1, so [L] = [t] = [theta], [H] = [theta]^-1)
GENERAL = {"time": TIME, "loss": LOSS_UNIT, "curvature": LOSS_UNIT / LENGTH**2, "covariance": LENGTH**2 / TIME**2}
HESSIAN_NOISE = {"time": LENGTH**2, "loss": DIMENSIONLESS, "curvature": LENGTH**-2, "covariance": LENGTH**-2}
UNIT_NOISE = {"time": LENGTH, "loss": LENGTH, "curvature": LENGTH**-1, "covariance": DIMENSIONLESS}

theta1, theta2 = sp.symbols("theta_1 theta_2", real=True)
lam_max, lam_min = sp.symbols("lambda_max lambda_min", positive=True)
Delta_L = sp.Symbol("Delta_L", positive=True)
radius = sp.Symbol("r", positive=True)
eps = sp.Symbol("epsilon", positive=True)
c_scalar = sp.Symbol("c", positive=True)       # a scalar covariance C (1-D)
v_scalar, grad_scalar = sp.symbols("v g", real=True)

#: the quadratic minimum of Assumption 1 with C = H (Assumption 2), in the eigenbasis of H (2-D)
HESSIAN = sp.diag(lam_max, lam_min)
THETA = sp.Matrix([theta1, theta2])
LOSS = (THETA.T * HESSIAN * THETA)[0, 0] / 2


def continuous_sgd(hessian=HESSIAN, covariance=None, noise=eps, boundary_radius=radius) -> Model:
    """003 eq. 3 on the quadratic loss theta^T H theta / 2: covariance C (default H, Assumption 2), eps = sqrt(eta/B)."""
    H = sp.Matrix(hessian)
    C = H if covariance is None else sp.Matrix(covariance)
    for name, matrix in (("H", H), ("C", C)):
        if not matrix.is_symmetric() or matrix.is_positive_definite is False:
            raise ParameterError(name, matrix.tolist(), "symmetric positive definite",
                                 "003 Assumptions 1-2 (a strict minimum, a non-degenerate noise covariance)")
    state = sp.symbols(f"theta_1:{H.shape[0] + 1}", real=True)
    theta = sp.Matrix(state)
    return Model("continuous SGD (003 eq. 3)", state, -H * theta, noise * C.applyfunc(sp.sqrt) if C.is_diagonal()
                 else noise * C.cholesky(), Ball(tuple(0 for _ in state), boundary_radius), tuple(0 for _ in state),
                 potential=(theta.T * H * theta)[0, 0] / 2, clock=CLOCK, description="Assumptions 1-2: L quadratic, C = H")


# ------------------------------------------------------------------------------ Definition 4 (steepness)
STEEPNESS = Claim(
    id="ibayashi.def4",
    title="steepness (action) density of a path, one coordinate with covariance c",
    lhs=sp.Symbol("dS/dt"), rhs=(v_scalar + grad_scalar) ** 2 * c_scalar ** sp.Rational(-1, 2) / 2,
    sources=(Source(SEED_003, "sec. 3, Definition 4 (weight C^(-1/2)); also eq. 14, appendix D eq. 24"),),
    regime="v = phi', g = grad L(phi), C = c", clock=CLOCK, interpretation=NOISE,
    # general C: the action has the unit of eps^2 = eta/B (a time), so its density dS/dt is a pure number
    units={sp.Symbol("dS/dt"): DIMENSIONLESS, v_scalar: LENGTH / TIME, grad_scalar: LOSS_UNIT / LENGTH,
           c_scalar: GENERAL["covariance"]},
)


def action_density(model: Model) -> Derivation:
    """Freidlin-Wentzell Lagrangian 1/2 (v - b)^T a^{-1} (v - b) with a = sigma sigma^T / eps^2 from the Model."""
    d = Derivation(f"Freidlin-Wentzell Lagrangian of {model.name}", sp.S.Zero)
    a = d.step("a = sigma sigma^T / eps^2", sp.simplify(model.covariance / eps**2))
    velocity = sp.Matrix(sp.symbols(f"v_1:{model.dimension + 1}", real=True))
    deviation = velocity - model.drift
    d.result = d.step("1/2 (v - b)^T a^-1 (v - b)", sp.simplify((deviation.T * a.inv() * deviation)[0, 0] / 2))
    return d


def one_dimensional_sgd() -> Model:
    """003 eq. 3 in 1-D with L = g-linear locally: drift -L'(theta) = -g, covariance c (for Definition 4's density)."""
    theta = sp.Symbol("theta", real=True)
    return Model("continuous SGD, 1-D", (theta,), sp.Matrix([-grad_scalar]), sp.Matrix([[eps * sp.sqrt(c_scalar)]]),
                 Ball((0,), 1), (0,), clock=CLOCK)


# ------------------------------------------------------------------------------ Lemma 3, Proposition 1
LEMMA_3 = Claim(
    id="ibayashi.lemma3",
    title="quasi-potential of the proximal system (C = I)",
    lhs=sp.Symbol("V_hat(theta)"), rhs=2 * LOSS,
    sources=(Source(SEED_003, "sec. 4.1.1, Lemma 3"),), regime="Assumption 1 (quadratic L, L(theta*) = 0)",
    clock=CLOCK, interpretation=NOISE,
    # the proximal system (C = I): V_hat in the unit of eps^2, here that of theta; eigenvalues of H are 1/[theta]
    units={sp.Symbol("V_hat(theta)"): UNIT_NOISE["time"], theta1: LENGTH, theta2: LENGTH,
           lam_max: UNIT_NOISE["curvature"], lam_min: UNIT_NOISE["curvature"]},
)
PROPOSITION_1 = Claim(
    id="ibayashi.prop1",
    title="lim (eta/B) ln E[tau_hat] of the proximal system",
    lhs=sp.Symbol("lim eps^2 ln E tau_hat"), rhs=Delta_L,
    sources=(Source(SEED_003, "sec. 4.1.1, Proposition 1"),), regime="eta -> 0, Assumptions 1-3",
    clock=CLOCK, interpretation=NOISE,
    units={sp.Symbol("lim eps^2 ln E tau_hat"): UNIT_NOISE["time"],
           Delta_L: UNIT_NOISE["loss"]}, relations={"derived_from": ("ibayashi.lemma3", "ibayashi.thm1")},
)

# ------------------------------------------------------------------------------ Lemma 4, Theorem 2, Table 1, Theorem 4
THEOREM_2_CENTRE = Claim(
    id="ibayashi.thm2",
    title="lim (eta/B) ln E[tau] of continuous SGD (the centre of Theorem 2's interval; D = {L < Delta_L})",
    lhs=sp.Symbol("lim eps^2 ln E tau"), rhs=2 * lam_max ** sp.Rational(-1, 2) * Delta_L, relation="~",
    sources=(Source(SEED_003, "sec. 4.2, Theorem 2 (interval +- A lambda_min^(1/2)(kappa^(1/2) - 1)); Table 1 "
                              "(exp(B/eta Delta_L lambda_max^(-1/2)))"),),
    regime="eta -> 0, Assumptions 1-3 (C = H)", clock=CLOCK, interpretation=NOISE,
    units={sp.Symbol("lim eps^2 ln E tau"): HESSIAN_NOISE["time"], lam_max: HESSIAN_NOISE["curvature"],
           Delta_L: HESSIAN_NOISE["loss"]},
    relations={"derived_from": ("ibayashi.lemma4", "ibayashi.thm1")},
)
LEMMA_4_AT_KAPPA_1 = Claim(
    id="ibayashi.lemma4",
    title="Lemma 4 at kappa = 1 (H = lambda I): the bound A lambda_min^(1/2)(kappa^(1/2) - 1) vanishes, so V_0 = "
          "lambda^(-1/2) V_hat_0",
    lhs=sp.Symbol("V_0"), rhs=lam_max ** sp.Rational(-1, 2) * 2 * Delta_L,
    sources=(Source(SEED_003, "sec. 4.1.2, Lemma 4; proof appendix D"),), regime="C = H = lambda I",
    clock=CLOCK, interpretation=NOISE,
    units={sp.Symbol("V_0"): HESSIAN_NOISE["time"], lam_max: HESSIAN_NOISE["curvature"],
           Delta_L: HESSIAN_NOISE["loss"]},
    # Definition 4's action with its C^(-1/2) weight: (grad L)^2 C^(-1/2) dt = [theta]^-2 [theta] [theta]^2
    other_readings=(Reading("with V_0 in the unit of Definition 4's action (weight C^(-1/2): a length here) rather "
                            "than that of eps^2 (Lemma 1)", "gradient_flow", {sp.Symbol("V_0"): LENGTH}),),
)
#: Theorem 4 in 1-D, its two terms as the two sides (1/2 V'^2 c^(1/2) = L' V'): the check solves the full equation
V_prime = sp.Symbol("dV/dtheta", real=True)
HJ_003 = Claim(
    id="ibayashi.thm4",
    title="Hamilton-Jacobi equation of the quasi-potential: 1/2 grad V^T C^(1/2) grad V - grad L^T grad V = 0",
    lhs=c_scalar ** sp.Rational(1, 2) * V_prime**2 / 2, rhs=grad_scalar * V_prime,
    sources=(Source(SEED_003, "appendix C, Theorem 4 (after Hu et al. 2019)"),), regime="theta in D; 1-D, C = c",
    clock=CLOCK, interpretation=NOISE,
    # V has the unit of eps^2 (a time, general C), so dV/dtheta is time / length
    units={c_scalar: GENERAL["covariance"], V_prime: TIME / LENGTH, grad_scalar: LOSS_UNIT / LENGTH},
)
THEOREM_1 = Claim(
    id="ibayashi.thm1",
    title="fundamental theorem: lim (eta/B) ln E[tau] = V_0 = min over the boundary of V",
    lhs=sp.Symbol("lim eps^2 ln E tau"), rhs=sp.Symbol("V_0"),
    sources=(Source(SEED_003, "sec. 3, Theorem 1; appendix B (Freidlin & Wentzell sec. 4)"),),
    regime="eta -> 0, Assumption 1", clock=CLOCK, interpretation=NOISE,
    # general C: eps^2 = eta/B and V_0 (Lemma 1) are times; Definition 4's action (C^(-1/2)) would be a length
    units={sp.Symbol("lim eps^2 ln E tau"): TIME, sp.Symbol("V_0"): TIME},
    other_readings=(Reading("with V_0 built from Definition 4's action (weight C^(-1/2): (length/time)^2 (time/length) "
                            "time, a length) rather than in the unit of eps^2 (Lemma 1)", "gradient_flow",
                            {sp.Symbol("V_0"): LENGTH}),),
)


def hamilton_jacobi(V: sp.Expr, weight: sp.Matrix, hessian=HESSIAN) -> sp.Expr:
    """1/2 grad V^T W grad V - grad L^T grad V for the quadratic loss (W = C for the Freidlin-Wentzell action,
    W = C^(1/2) in 003 Theorem 4)."""
    grad_v = sp.Matrix([sp.diff(V, s) for s in THETA])
    grad_l = sp.Matrix(hessian) * THETA
    return sp.simplify((grad_v.T * weight * grad_v)[0, 0] / 2 - (grad_l.T * grad_v)[0, 0])


def exact_quasi_potential(covariance: sp.Matrix, hessian=HESSIAN) -> Derivation:
    """For the linear dynamic d theta = -H theta dt + eps sigma dW the stationary law is Gaussian with covariance
    eps^2 Sigma, H Sigma + Sigma H = sigma sigma^T (Lyapunov), so V(theta) = theta^T Sigma^-1 theta / 2 exactly
    (Freidlin & Wentzell sec. 4.3: the quasi-potential of a linear system). Checked against the HJ equation."""
    H = sp.Matrix(hessian)
    a = sp.Matrix(covariance)
    n = H.shape[0]
    d = Derivation("exact quasi-potential of the linear system", sp.S.Zero)
    entries = sp.symbols(f"s0:{n * n}")
    Sigma = sp.Matrix(n, n, entries)
    solution = sp.solve(list(H * Sigma + Sigma * H.T - a), entries, dict=True)[0]
    Sigma = d.step("Lyapunov: H Sigma + Sigma H^T = a", sp.simplify(Sigma.subs(solution)))
    d.result = d.step("V = theta^T Sigma^-1 theta / 2", sp.simplify((THETA.T * Sigma.inv() * THETA)[0, 0] / 2))
    d.verify("Hamilton-Jacobi with the Freidlin-Wentzell weight a", hamilton_jacobi(d.result, a, H))
    return d


def minimum_on_level_set(V: sp.Expr, level=Delta_L, hessian=HESSIAN) -> Derivation:
    """min of V on {theta^T H theta / 2 = level} for V = theta^T M theta with M and H diagonal: on each eigen-axis
    theta_i^2 = 2 level / H_ii; the minimum of a diagonal quadratic form on a diagonal ellipse is on an axis."""
    d = Derivation("V_0 over the level set L = Delta_L", sp.S.Zero)
    H = sp.Matrix(hessian)
    on_axes = [sp.simplify(V.subs({THETA[i]: sp.sqrt(2 * level / H[i, i]), THETA[1 - i]: 0})) for i in range(2)]
    d.step("V at the two axis points", sp.Tuple(*on_axes))
    gap = on_axes[0] - on_axes[1]
    sample = {symbol: {lam_max: 2, lam_min: 1}.get(symbol, 1) for symbol in gap.free_symbols}
    smaller = 0 if gap.subs(sample) <= 0 else 1
    d.result = d.step("the smaller one (compared at lambda_max = 2, lambda_min = 1: the ordering is that of lambda)",
                      on_axes[smaller])
    return d


def level_set_exit_exponent(covariance: sp.Matrix, hessian=HESSIAN, level=Delta_L) -> Derivation:
    """V_0 = lim (eta/B) ln E tau on D = {L < level} for the quadratic loss with noise covariance `covariance`: the
    exact quasi-potential (Lyapunov) minimised over the level set (Theorem 1)."""
    d = Derivation("V_0 over the level set, exact", sp.S.Zero)
    V = d.step("exact quasi-potential", exact_quasi_potential(covariance, hessian).result)
    d.result = d.step("minimum over {L = level}", minimum_on_level_set(V, level, hessian).result)
    return d


# ------------------------------------------------------------------------------ Lemma 5 / Theorem 3 (discrete SGD)
LEMMA_5 = Claim(
    id="ibayashi.lemma5",
    title="discretisation error of the exit time: E[nu] - E[tau] = O(eta^(1/2)) (power of the step)",
    lhs=sp.Symbol("power of eta in E nu - E tau"), rhs=sp.Rational(1, 2), relation="~",
    sources=(Source(SEED_003, "sec. 4.2, Lemma 5 (after Gobet & Menozzi 2010, Thm 17); used by Theorem 3"),),
    regime="Gaussian perturbation, the noise scale held fixed while the step eta -> 0", clock=CLOCK,
    interpretation=NOISE, units={sp.Symbol("power of eta in E nu - E tau"): DIMENSIONLESS},
)


def one_dimensional_quadratic(curvature, covariance, noise_square, half_width) -> Model:
    """003 eq. 3 in 1-D: d theta = -h theta dt + eps sqrt(c) dW on (-r, r), numeric (rational) parameters."""
    theta = sp.Symbol("theta", real=True)
    h_, c_, e2, r_ = (sp.nsimplify(v) for v in (curvature, covariance, noise_square, half_width))
    return Model("continuous SGD, 1-D quadratic", (theta,), sp.Matrix([-h_ * theta]), sp.Matrix([[sp.sqrt(e2 * c_)]]),
                 Interval(-r_, r_), (0,), clock=CLOCK)


# ------------------------------------------------------------------------------ Table 1 (Xie et al. 2020) and sec. 5
lam_bar = sp.Symbol("lambda_bar", positive=True)
TABLE_1_XIE = Claim(
    id="ibayashi.table1_xie",
    title="Table 1, Xie et al. 2020: exit time exp((B/eta) Delta_L / lambda_bar), lambda_bar in [lambda_min, lambda_max]",
    lhs=sp.Symbol("lim eps^2 ln E tau (order)"), rhs=Delta_L / lam_bar, relation="~",
    sources=(Source(SEED_003, "sec. 6, Table 1 (Xie et al. [2020] row)"),), regime="orders, constants ignored",
    clock=CLOCK, interpretation=NOISE,
    units={sp.Symbol("lim eps^2 ln E tau (order)"): HESSIAN_NOISE["time"], Delta_L: HESSIAN_NOISE["loss"],
           lam_bar: HESSIAN_NOISE["curvature"]}, relations={"compare_with": ("ibayashi.thm2",)},
)
sharpness_a, depth_b = sp.symbols("a b", positive=True)
SEC5_SHARPNESS_DEPTH = Claim(
    id="ibayashi.sec5",
    title="exit-time exponent under L -> b L(sqrt(a) theta) at fixed D = {L < Delta_L}: SGD noise (C = H) follows "
          "Theorem 3, 2 (a b lambda_max)^(-1/2) b Delta_L; the proximal system (C = I) follows Prop. 1",
    lhs=sp.Symbol("V_0(a, b)"), rhs=2 * (sharpness_a * depth_b * lam_max) ** sp.Rational(-1, 2) * depth_b * Delta_L,
    relation="~", sources=(Source(SEED_003, "sec. 5, Figs. 5-6 (Theorem 3, Proposition 1)"),),
    regime="sharpness a and depth b transformations of a fixed loss, eta -> 0", clock=CLOCK, interpretation=NOISE,
    units={sp.Symbol("V_0(a, b)"): HESSIAN_NOISE["time"], sharpness_a: DIMENSIONLESS, depth_b: DIMENSIONLESS,
           lam_max: HESSIAN_NOISE["curvature"], Delta_L: HESSIAN_NOISE["loss"]},
    relations={"derived_from": ("ibayashi.thm2",)},
)

THEOREM_3 = Claim(
    id="ibayashi.thm3",
    title="lim (eta/B) ln E[nu] of discrete SGD (eq. 2): the same interval as Theorem 2",
    lhs=sp.Symbol("lim eps^2 ln E nu"), rhs=2 * lam_max ** sp.Rational(-1, 2) * Delta_L, relation="~",
    sources=(Source(SEED_003, "sec. 4.2, Theorem 3 (Theorem 2 + Lemma 5)"),), regime="eta -> 0, Assumptions 1-3",
    units={sp.Symbol("lim eps^2 ln E nu"): HESSIAN_NOISE["time"], lam_max: HESSIAN_NOISE["curvature"],
           Delta_L: HESSIAN_NOISE["loss"]},
    clock=CLOCK, interpretation="discrete updates on the clock k eta", relations={"derived_from": ("ibayashi.thm2",
                                                                                                  "ibayashi.lemma5")},
)


def one_dimensional_quasi_potential(drift: sp.Expr, diffusion_squared: sp.Expr, variable: sp.Symbol, start, end):
    """In 1-D the quasi-potential from an attractor is V(x) = int 2 |b| / a (the Hamilton-Jacobi equation
    a V'^2 / 2 + b V' = 0 with V' = -2 b / a); exact for state-dependent a (Freidlin & Wentzell sec. 4.3)."""
    return sp.integrate(sp.simplify(-2 * drift / diffusion_squared), (variable, start, end))

DEFINITION_5 = Claim(
    id="ibayashi.def5",
    title="quasi-potential (Definition 5, with Definition 4's action) of the quadratic minimum with C = H",
    lhs=sp.Symbol("V(theta)"), rhs=(THETA.T * HESSIAN.applyfunc(sp.sqrt) * THETA)[0, 0],
    sources=(Source(SEED_003, "sec. 3, Definition 5 with Definition 4",
                    note="the closed form is the toolkit's evaluation of the stated definition (Lyapunov with the "
                         "C^(1/2) weight), not printed in the paper"),),
    regime="Assumptions 1-2", clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("ibayashi.def4",)},
    units={sp.Symbol("V(theta)"): HESSIAN_NOISE["time"], theta1: LENGTH, theta2: LENGTH,
           lam_max: HESSIAN_NOISE["curvature"], lam_min: HESSIAN_NOISE["curvature"]},
)
TABLE_1_JASTRZEBSKI = Claim(
    id="ibayashi.table1_jastrzebski",
    title="Table 1, Jastrzebski et al. 2017: exit time exp((B/eta) Delta_L + d), isotropic noise",
    lhs=sp.Symbol("lim eps^2 ln E tau (order)"), rhs=Delta_L, relation="~",
    sources=(Source(SEED_003, "sec. 6, Table 1 (Jastrzebski et al. [2017] row)"),), regime="orders; C = I",
    clock=CLOCK, interpretation=NOISE,
    units={sp.Symbol("lim eps^2 ln E tau (order)"): UNIT_NOISE["time"], Delta_L: UNIT_NOISE["loss"]},
)


# ------------------------------------------------------------------------------ derived replacements (corrections)
#: Where a check finds a statement of 003 wrong and the toolkit derives what holds instead, that replacement is a claim
#: of its own (relations "corrects"), judged by checks of its own (verify/checks/large_deviations.py, "derived
#: replacements"): the report prints it as a correction only once those pass (verify.verdicts.correction_status).
#: Each is judged in 003's convention, in the unit system of its original.
@lru_cache(maxsize=1)
def freidlin_wentzell_density() -> Derivation:
    d = Derivation("Freidlin-Wentzell Lagrangian of 003 eq. 3 in 1-D (drift -g, covariance eps^2 c)", sp.S.Zero)
    density = d.step("action_density of the Model", action_density(one_dimensional_sgd()).result)
    d.result = d.step("v_1 = v", density.subs(sp.Symbol("v_1", real=True), v_scalar))
    return d


@lru_cache(maxsize=1)
def proximal_exit_exponent() -> Derivation:
    return level_set_exit_exponent(sp.eye(2))


@lru_cache(maxsize=1)
def sgd_exit_exponent() -> Derivation:
    return level_set_exit_exponent(HESSIAN)


@lru_cache(maxsize=1)
def sgd_quasi_potential() -> Derivation:
    return exact_quasi_potential(HESSIAN)


@lru_cache(maxsize=1)
def quasi_potential_slope() -> Derivation:
    """dV/dtheta of the 1-D quasi-potential of 003 eq. 3 (drift -g, covariance eps^2 c): V' = 2 g / c solves the
    Hamilton-Jacobi equation of the Freidlin-Wentzell action, c V'^2/2 - g V' = 0 (its non-zero root); the 2-D exact
    quasi-potential (C = H) solves the same equation with weight C."""
    theta = sp.Symbol("theta", real=True)
    d = Derivation("slope of the quasi-potential of 003 eq. 3 (1-D) and the Hamilton-Jacobi equation", sp.S.Zero)
    V = d.step("V(theta) = int 2 |drift| / a (one_dimensional_quasi_potential)",
               one_dimensional_quasi_potential(-grad_scalar, c_scalar, theta, 0, theta))
    d.verify("2-D: the exact quasi-potential (C = H) solves the equation with weight C",
             hamilton_jacobi(sgd_quasi_potential().result, HESSIAN))
    d.result = d.step("dV/dtheta", sp.simplify(sp.diff(V, theta)))
    return d


def _derived(locator: str, note: str) -> Source:
    return Source(None, locator, paper="derived by escape-theory", note=note)


# 11 parameters: the fields of the Claim it builds, passed by name at each of its call sites
def _replacement(claim_id: str, corrects: tuple, original: Claim, title: str, rhs, locator: str, note: str,
                 derivation: Derivation, lhs=None, relation: str = "=", **kwargs) -> Claim:
    """Register a derived replacement of `corrects`, in 003's convention and its original's units and regime."""
    return Claim(
        id=claim_id, title=title, lhs=original.lhs if lhs is None else lhs, rhs=rhs, relation=relation,
        sources=(_derived(locator, note),), regime=original.regime, units=dict(original.units), clock=CLOCK,
        interpretation=kwargs.pop("interpretation", original.interpretation), convention=CONVENTION_003,
        derivation=derivation, relations={"corrects": corrects}, **kwargs)


STEEPNESS_DERIVED = _replacement(
    "ibayashi.derived.def4", ("ibayashi.def4",), STEEPNESS, "Freidlin-Wentzell action density of a path, one coordinate "
    "with covariance c", (v_scalar + grad_scalar) ** 2 / (2 * c_scalar),
    "Freidlin-Wentzell Lagrangian 1/2 (v - b)^T a^-1 (v - b) of 003 eq. 3 (a = C: weight C^-1)",
    "freidlin_wentzell_density (action_density of the Model; Freidlin & Wentzell sec. 4.1, eq. 1.3)",
    freidlin_wentzell_density())
PROPOSITION_1_DERIVED = _replacement(
    "ibayashi.derived.prop1", ("ibayashi.prop1",), PROPOSITION_1, "lim (eta/B) ln E[tau_hat] of the proximal system",
    2 * Delta_L, "V_0 of 003 eq. 4 (C = I) on D = {L < Delta_L}: the exact quasi-potential 2 (L - L*) (Lemma 3) "
    "minimised over the boundary (Theorem 1)", "proximal_exit_exponent (level_set_exit_exponent with C = I); the text "
    "after 003's Theorem 2 calls 2 Delta_L the quasi-potential of the proxy system", proximal_exit_exponent())
THEOREM_2_DERIVED = _replacement(
    "ibayashi.derived.thm2", ("ibayashi.thm2", "ibayashi.lemma4"), THEOREM_2_CENTRE,
    "lim (eta/B) ln E[tau] of continuous SGD with C = H on D = {L < Delta_L}", 2 * Delta_L / lam_max,
    "V_0 of 003 eq. 3 with C = H (Assumption 2): the exact quasi-potential (Lyapunov) minimised over {L = Delta_L}",
    "sgd_exit_exponent (level_set_exit_exponent with C = H); at H = C = lambda I (Lemma 4, kappa = 1) it is "
    "lambda^-1 V_hat_0", sgd_exit_exponent())
THEOREM_3_DERIVED = _replacement(
    "ibayashi.derived.thm3", ("ibayashi.thm3",), THEOREM_3,
    "lim (eta/B) ln E[nu] of discrete SGD (eq. 2) with C = H on D = {L < Delta_L}", 2 * Delta_L / lam_max,
    "V_0 of 003 eq. 3 with C = H, which discrete SGD shares (E nu - E tau = O(eta^(1/2)), Lemma 5)",
    "sgd_exit_exponent; the discretisation gap is checked by ibayashi.lemma5", sgd_exit_exponent())
DEFINITION_5_DERIVED = _replacement(
    "ibayashi.derived.def5", ("ibayashi.def5",), DEFINITION_5,
    "quasi-potential of the quadratic minimum with C = H (Freidlin-Wentzell action)", (THETA.T * THETA)[0, 0],
    "quasi-potential of 003 eq. 3 with C = H: V = theta^T Sigma^-1 theta / 2, H Sigma + Sigma H = H (Lyapunov)",
    "sgd_quasi_potential (exact_quasi_potential, checked against the Hamilton-Jacobi equation with weight C)",
    sgd_quasi_potential())
HJ_DERIVED = _replacement(
    "ibayashi.derived.thm4", ("ibayashi.thm4",), HJ_003,
    "Hamilton-Jacobi equation of the quasi-potential: 1/2 grad V^T C grad V - grad L^T grad V = 0 (1-D, C = c)",
    grad_scalar * V_prime, "Hamilton-Jacobi equation of the Freidlin-Wentzell action of 003 eq. 3 (weight C, not "
    "C^(1/2))", "quasi_potential_slope: V' = 2 g / c solves it; the 2-D exact quasi-potential too",
    quasi_potential_slope(), lhs=c_scalar * V_prime**2 / 2)
