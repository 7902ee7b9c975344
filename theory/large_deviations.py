"""Freidlin-Wentzell theory of SGD: seed 003_363d0c39ed306341.txt (Ibayashi & Imaizumi; claim ids ``ibayashi.*``).

Continuous SGD (003 eq. 3): d theta = -grad L dt + eps C(theta)^(1/2) dW with eps^2 = eta / B, Itô (additive when C is
constant); the proximal system (eq. 4) has C = I; discrete SGD (eq. 2) runs on the clock t = k eta (Definition 2).
For dX = b dt + eps sigma dW the Freidlin-Wentzell action is S_T = 1/2 int (phi' - b)^T (sigma sigma^T)^(-1) (phi' - b) dt
(Freidlin & Wentzell, sec. 4.1, eq. 1.3); with sigma = C^(1/2), (sigma sigma^T)^(-1) = C^(-1).
"""

from __future__ import annotations

import sympy as sp

from .claim import Claim, Source
from .derivation import Derivation
from .domain import Ball, Interval
from .errors import ParameterError
from .model import Model
from .registry import register

SEED_003 = "003_363d0c39ed306341.txt"
CLOCK = "SDE time t = k eta (003 Definition 2); noise eps = sqrt(eta / B)"
NOISE = "Brownian, Itô; covariance (eta/B) C(theta)"

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
STEEPNESS = register(Claim(
    id="ibayashi.def4",
    title="steepness (action) density of a path, one coordinate with covariance c",
    lhs=sp.Symbol("dS/dt"), rhs=(v_scalar + grad_scalar) ** 2 * c_scalar ** sp.Rational(-1, 2) / 2,
    sources=(Source(SEED_003, "sec. 3, Definition 4 (weight C^(-1/2)); also eq. 14, appendix D eq. 24"),),
    regime="v = phi', g = grad L(phi), C = c", clock=CLOCK, interpretation=NOISE,
))


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
LEMMA_3 = register(Claim(
    id="ibayashi.lemma3",
    title="quasi-potential of the proximal system (C = I)",
    lhs=sp.Symbol("V_hat(theta)"), rhs=2 * LOSS,
    sources=(Source(SEED_003, "sec. 4.1.1, Lemma 3"),), regime="Assumption 1 (quadratic L, L(theta*) = 0)",
    clock=CLOCK, interpretation=NOISE,
))
PROPOSITION_1 = register(Claim(
    id="ibayashi.prop1",
    title="lim (eta/B) ln E[tau_hat] of the proximal system",
    lhs=sp.Symbol("lim eps^2 ln E tau_hat"), rhs=Delta_L,
    sources=(Source(SEED_003, "sec. 4.1.1, Proposition 1"),), regime="eta -> 0, Assumptions 1-3",
    clock=CLOCK, interpretation=NOISE, relations={"derived_from": ("ibayashi.lemma3", "ibayashi.thm1")},
))

# ------------------------------------------------------------------------------ Lemma 4, Theorem 2, Table 1, Theorem 4
THEOREM_2_CENTRE = register(Claim(
    id="ibayashi.thm2",
    title="lim (eta/B) ln E[tau] of continuous SGD (the centre of Theorem 2's interval; D = {L < Delta_L})",
    lhs=sp.Symbol("lim eps^2 ln E tau"), rhs=2 * lam_max ** sp.Rational(-1, 2) * Delta_L, relation="~",
    sources=(Source(SEED_003, "sec. 4.2, Theorem 2 (interval +- A lambda_min^(1/2)(kappa^(1/2) - 1)); Table 1 "
                              "(exp(B/eta Delta_L lambda_max^(-1/2)))"),),
    regime="eta -> 0, Assumptions 1-3 (C = H)", clock=CLOCK, interpretation=NOISE,
    relations={"derived_from": ("ibayashi.lemma4", "ibayashi.thm1")},
))
LEMMA_4_AT_KAPPA_1 = register(Claim(
    id="ibayashi.lemma4",
    title="Lemma 4 at kappa = 1 (H = lambda I): the bound A lambda_min^(1/2)(kappa^(1/2) - 1) vanishes, so V_0 = "
          "lambda^(-1/2) V_hat_0",
    lhs=sp.Symbol("V_0"), rhs=lam_max ** sp.Rational(-1, 2) * 2 * Delta_L,
    sources=(Source(SEED_003, "sec. 4.1.2, Lemma 4; proof appendix D"),), regime="C = H = lambda I",
    clock=CLOCK, interpretation=NOISE,
))
HJ_003 = register(Claim(
    id="ibayashi.thm4",
    title="Hamilton-Jacobi equation of the quasi-potential: 1/2 grad V^T C^(1/2) grad V - grad L^T grad V = 0",
    lhs=sp.Symbol("HJ residual"), rhs=sp.Integer(0),
    sources=(Source(SEED_003, "appendix C, Theorem 4 (after Hu et al. 2019)"),), regime="theta in D",
    clock=CLOCK, interpretation=NOISE,
))
THEOREM_1 = register(Claim(
    id="ibayashi.thm1",
    title="fundamental theorem: lim (eta/B) ln E[tau] = V_0 = min over the boundary of V",
    lhs=sp.Symbol("lim eps^2 ln E tau"), rhs=sp.Symbol("V_0"),
    sources=(Source(SEED_003, "sec. 3, Theorem 1; appendix B (Freidlin & Wentzell sec. 4)"),),
    regime="eta -> 0, Assumption 1", clock=CLOCK, interpretation=NOISE,
))


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
LEMMA_5 = register(Claim(
    id="ibayashi.lemma5",
    title="discretisation error of the exit time: E[nu] - E[tau] = O(eta^(1/2)) (power of the step)",
    lhs=sp.Symbol("power of eta in E nu - E tau"), rhs=sp.Rational(1, 2), relation="~",
    sources=(Source(SEED_003, "sec. 4.2, Lemma 5 (after Gobet & Menozzi 2010, Thm 17); used by Theorem 3"),),
    regime="Gaussian perturbation, the noise scale held fixed while the step eta -> 0", clock=CLOCK,
    interpretation=NOISE,
))


def one_dimensional_quadratic(curvature, covariance, noise_square, half_width) -> Model:
    """003 eq. 3 in 1-D: d theta = -h theta dt + eps sqrt(c) dW on (-r, r), numeric (rational) parameters."""
    theta = sp.Symbol("theta", real=True)
    h_, c_, e2, r_ = (sp.nsimplify(v) for v in (curvature, covariance, noise_square, half_width))
    return Model("continuous SGD, 1-D quadratic", (theta,), sp.Matrix([-h_ * theta]), sp.Matrix([[sp.sqrt(e2 * c_)]]),
                 Interval(-r_, r_), (0,), clock=CLOCK)


# ------------------------------------------------------------------------------ Table 1 (Xie et al. 2020) and sec. 5
lam_bar = sp.Symbol("lambda_bar", positive=True)
TABLE_1_XIE = register(Claim(
    id="ibayashi.table1_xie",
    title="Table 1, Xie et al. 2020: exit time exp((B/eta) Delta_L / lambda_bar), lambda_bar in [lambda_min, lambda_max]",
    lhs=sp.Symbol("lim eps^2 ln E tau (order)"), rhs=Delta_L / lam_bar, relation="~",
    sources=(Source(SEED_003, "sec. 6, Table 1 (Xie et al. [2020] row)"),), regime="orders, constants ignored",
    clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("ibayashi.thm2",)},
))
sharpness_a, depth_b = sp.symbols("a b", positive=True)
SEC5_SHARPNESS_DEPTH = register(Claim(
    id="ibayashi.sec5",
    title="exit-time exponent under L -> b L(sqrt(a) theta) at fixed D = {L < Delta_L}: SGD noise (C = H) follows "
          "Theorem 3, 2 (a b lambda_max)^(-1/2) b Delta_L; the proximal system (C = I) follows Prop. 1",
    lhs=sp.Symbol("V_0(a, b)"), rhs=2 * (sharpness_a * depth_b * lam_max) ** sp.Rational(-1, 2) * depth_b * Delta_L,
    relation="~", sources=(Source(SEED_003, "sec. 5, Figs. 5-6 (Theorem 3, Proposition 1)"),),
    regime="sharpness a and depth b transformations of a fixed loss, eta -> 0", clock=CLOCK, interpretation=NOISE,
    relations={"derived_from": ("ibayashi.thm2",)},
))

THEOREM_3 = register(Claim(
    id="ibayashi.thm3",
    title="lim (eta/B) ln E[nu] of discrete SGD (eq. 2): the same interval as Theorem 2",
    lhs=sp.Symbol("lim eps^2 ln E nu"), rhs=2 * lam_max ** sp.Rational(-1, 2) * Delta_L, relation="~",
    sources=(Source(SEED_003, "sec. 4.2, Theorem 3 (Theorem 2 + Lemma 5)"),), regime="eta -> 0, Assumptions 1-3",
    clock=CLOCK, interpretation="discrete updates on the clock k eta", relations={"derived_from": ("ibayashi.thm2",
                                                                                                  "ibayashi.lemma5")},
))


def one_dimensional_quasi_potential(drift: sp.Expr, diffusion_squared: sp.Expr, variable: sp.Symbol, start, end):
    """In 1-D the quasi-potential from an attractor is V(x) = int 2 |b| / a (the Hamilton-Jacobi equation
    a V'^2 / 2 + b V' = 0 with V' = -2 b / a); exact for state-dependent a (Freidlin & Wentzell sec. 4.3)."""
    return sp.integrate(sp.simplify(-2 * drift / diffusion_squared), (variable, start, end))

DEFINITION_5 = register(Claim(
    id="ibayashi.def5",
    title="quasi-potential (Definition 5, with Definition 4's action) of the quadratic minimum with C = H",
    lhs=sp.Symbol("V(theta)"), rhs=(THETA.T * HESSIAN.applyfunc(sp.sqrt) * THETA)[0, 0],
    sources=(Source(SEED_003, "sec. 3, Definition 5 with Definition 4",
                    note="the closed form is the toolkit's evaluation of the stated definition (Lyapunov with the "
                         "C^(1/2) weight), not printed in the paper"),),
    regime="Assumptions 1-2", clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("ibayashi.def4",)},
))
TABLE_1_JASTRZEBSKI = register(Claim(
    id="ibayashi.table1_jastrzebski",
    title="Table 1, Jastrzebski et al. 2017: exit time exp((B/eta) Delta_L + d), isotropic noise",
    lhs=sp.Symbol("lim eps^2 ln E tau (order)"), rhs=Delta_L, relation="~",
    sources=(Source(SEED_003, "sec. 6, Table 1 (Jastrzebski et al. [2017] row)"),), regime="orders; C = I",
    clock=CLOCK, interpretation=NOISE,
))
