"""The power-law dynamic of seeds 002 and 004: SGD with noise covariance quadratic in the state.

Seed 002_0bd15634cbfb0ce4.txt (Meng, Gong, Chen, Ma, Liu; claim ids ``meng.*``) and seed
004_f9c6c18a0b16f13c.txt (Chen, Du, Ma, Meng; claim ids ``chen.*``) study, per decoupled coordinate,

    dw = -h (w - w*) dt + sqrt(eta (sigma + rho (w - w*)^2)) dB          (002 eq. 7, 004 eq. 2.16)

and its barrier form dw = -l'(w) dt + sqrt(eta (sigma + mu l(w))) dB (002 eq. 10). Both papers write the
SDE in Itô form, but 002 derives its densities and escape times from the Smoluchowski form
dp/dt = d/dw (l' p) + d/dw (phi dp/dw), phi = eta D / 2 (002 eqs. 18-19 and the proof of Thm 6), which is the
Fokker-Planck equation of a *different* interpretation (Hänggi-Klimontovich, "kinetic"): the Itô dynamic has
d^2/dw^2 (phi p) there. The toolkit derives both and says which one each claim matches; its simulator is Itô.
The coordinate is centred, w* = 0, throughout.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from . import diffusion1d
from .claim import Claim, Source
from .derivation import Derivation
from .domain import Ball, Interval
from .errors import ParameterError
from .model import Model
from .registry import register
from .units import CURVATURE, LENGTH, LOSS, TIME

SEED_002 = "002_0bd15634cbfb0ce4.txt"
SEED_004 = "004_f9c6c18a0b16f13c.txt"
ITO = "Itô: dw = -h w dt + sqrt(eta (sigma + rho w^2)) dB (as both papers write the SDE)"
KINETIC = ("Smoluchowski form dp/dt = d(h w p) + d(phi dp), phi = eta D / 2 (002 eqs. 18-19): the Hänggi-Klimontovich "
           "interpretation of the same SDE, not Itô")
CLOCK = "SDE time t = k * eta (002 eq. 3, 004 eq. 2.6)"

w = sp.Symbol("w", real=True)
t = sp.Symbol("t", nonnegative=True)
h = sp.Symbol("h", positive=True)
eta = sp.Symbol("eta", positive=True)
sigma = sp.Symbol("sigma", positive=True)
rho = sp.Symbol("rho", positive=True)
mu = sp.Symbol("mu", positive=True)
radius = sp.Symbol("r", positive=True)
Z = sp.Symbol("Z", positive=True)
kappa_002 = eta * rho / h                          # 002 Prop. 2: kappa_j = eta rho_j / h_j
kappa_004 = -(eta * rho + h) / (eta * rho)         # 004 Thm 1 (ii): kappa_i = -(eta rho_i + h_i)/(eta rho_i)
# gradient-flow units: h is a curvature (1/time), eta a time per step, eta D a diffusivity (length^2/time), so
# sigma is a squared gradient (length^2/time^2) and rho a squared curvature (1/time^2), as Prop. 1 defines them
UNITS = {w: LENGTH, h: CURVATURE, eta: TIME, sigma: LENGTH**2 / TIME**2, rho: TIME**-2, t: TIME, radius: LENGTH}

POWER_LAW = Model("power-law dynamic (1-D, Itô)", (w,), sp.Matrix([-h * w]),
                  sp.Matrix([[sp.sqrt(eta * (sigma + rho * w**2))]]), Interval(-radius, radius), (0,),
                  interpretation="ito", clock=CLOCK,
                  description="002 eq. 7 / 004 eq. 2.16, one decoupled coordinate, w* = 0, exit from (-r, r)")


def kinetic_fokker_planck(p: sp.Expr, drift: sp.Expr, diffusion_squared: sp.Expr) -> sp.Expr:
    """d/dw(-drift p) + d/dw(phi dp/dw), phi = diffusion_squared / 2: 002 eq. 18 (Smoluchowski form)."""
    return sp.diff(-drift * p, w) + sp.diff(diffusion_squared / 2 * sp.diff(p, w), w)


def kinetic_stationary_density(drift: sp.Expr, diffusion_squared: sp.Expr) -> Derivation:
    """Zero flux of the Smoluchowski form: -drift p + phi p' = 0, so p = exp(int drift / phi)."""
    d = Derivation("stationary density of the Smoluchowski (kinetic) form", sp.S.Zero)
    exponent = sp.integrate(sp.simplify(2 * drift / diffusion_squared), w)
    d.result = d.step("p = exp(int 2 b / a dw), up to normalisation", sp.simplify(sp.exp(exponent)))
    d.verify("kinetic Fokker-Planck operator applied to the result", kinetic_fokker_planck(d.result, drift,
                                                                                         diffusion_squared))
    return d


# ------------------------------------------------------------------------------ stationary densities
STATIONARY_002 = register(Claim(
    id="meng.stationary_density",
    title="stationary density of the power-law dynamic (power-law kappa-distribution)",
    lhs=sp.Symbol("p(w)"), rhs=(1 + (h / (eta * sigma)) * kappa_002 * w**2) ** (-1 / kappa_002) / Z,
    sources=(Source(SEED_002, "sec. 3.2, after Prop. 2 (beta_j = h_j/(eta sigma_j), kappa_j = eta rho_j/h_j)"),),
    regime="decoupled coordinates, w* = 0", units=UNITS, clock=CLOCK, interpretation=ITO, model=POWER_LAW,
    relations={"compare_with": ("chen.thm1_ii",)},
))
STATIONARY_004 = register(Claim(
    id="chen.thm1_ii",
    title="stationary density of the decoupled power-law dynamic",
    lhs=sp.Symbol("p(w)"), rhs=(1 + rho / sigma * w**2) ** kappa_004 / Z,
    sources=(Source(SEED_004, "sec. 3, Theorem 1 (ii), eq. 3.2 (and eq. 3.6)"),),
    regime="decoupled case 2.16, w* = 0", units=UNITS, clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))
GAUSSIAN_LIMIT_002 = register(Claim(
    id="meng.gaussian_limit",
    title="as kappa -> 0 the stationary density tends to the Gaussian exp(-beta w^2)",
    lhs=sp.Symbol("p(w)"), rhs=sp.exp(-h / (eta * sigma) * w**2) / Z,
    sources=(Source(SEED_002, "sec. 3.2, after Prop. 2"),), regime="kappa_j = eta rho_j / h_j -> 0 (rho -> 0)",
    units=UNITS, clock=CLOCK, interpretation=ITO, relations={"limit_of": ("meng.stationary_density",)},
))


def normalisable_exponent(exponent: float) -> float:
    """p ∝ (1 + c w^2)^exponent is a density only for exponent < -1/2 (tail |w|^(2 exponent))."""
    if not exponent < -0.5:
        raise ParameterError("density exponent", exponent, "(-oo, -1/2)",
                             "(1 + c w^2)^exponent is integrable only when 2*exponent < -1")
    return exponent


def stationary_second_moment(h_value: float, eta_value: float, sigma_value: float, rho_value: float) -> float:
    """lim E w_t^2 = eta sigma / (2h - eta rho) (second_moment as t -> oo); infinite unless eta rho < 2h."""
    if not eta_value * rho_value < 2 * h_value:
        raise ParameterError("eta*rho", eta_value * rho_value, f"(0, 2h) = (0, {2 * h_value:g})",
                             "the stationary second moment of the power-law dynamic is finite only for eta*rho < 2h")
    return eta_value * sigma_value / (2 * h_value - eta_value * rho_value)


def stationary_moment_order_limit() -> Derivation:
    """Moments E|w|^n of the Itô stationary density (1 + rho w^2/sigma)^(-1 - h/(eta rho)) exist iff
    n < 1 + 2 h/(eta rho): the tail is |w|^(-2 - 2h/(eta rho))."""
    d = Derivation("highest finite moment of the stationary density", sp.S.Zero)
    tail = d.step("tail exponent of p (Itô)", -2 - 2 * h / (eta * rho))
    d.result = d.step("E|w|^n finite iff n + tail < -1, i.e. n <", sp.simplify(-1 - tail))
    return d


# ------------------------------------------------------------------------------ 004 Remark 1
REMARK1_VARIANCE = register(Claim(
    id="chen.remark1_variance",
    title="the variance of p_s is infinite when kappa >= this threshold",
    lhs=sp.Symbol("kappa threshold"), rhs=-sp.Rational(1, 2),
    sources=(Source(SEED_004, "sec. 3, Remark 1 (i)"),), regime="p_s ∝ (1 + rho x^2/sigma)^kappa",
    clock=CLOCK, interpretation=ITO,
))
kappa_symbol = sp.Symbol("kappa", negative=True)
REMARK1_DRIFT = register(Claim(
    id="chen.remark1_drift",
    title="drift that the complete recipe gives for the density (1 + rho z^2/sigma)^kappa",
    lhs=sp.Symbol("f(z)"), rhs=2 * (1 + kappa_symbol) * eta * rho * w,
    sources=(Source(SEED_004, "sec. 3, Remark 1 (ii)", note="with D(z) = eta (sigma + rho z^2)/2, Q = 0, d = 1"),),
    regime="d = 1", clock=CLOCK, interpretation=ITO,
))


def complete_recipe_drift() -> Derivation:
    """f = -(D + Q) grad H + Gamma with Q = 0 (d = 1), 2 D = eta (sigma + rho z^2), H = -kappa ln(1 + rho z^2/sigma),
    Gamma = dD/dz (Ma, Chen, Fox 2015, ref. [16] of 004)."""
    d = Derivation("complete-recipe drift for the power-law density", sp.S.Zero)
    D = eta * (sigma + rho * w**2) / 2
    H = -kappa_symbol * sp.log(1 + rho * w**2 / sigma)
    grad = d.step("grad H", sp.simplify(sp.diff(H, w)))
    d.result = d.step("f = -D grad H + dD/dz", sp.factor(sp.simplify(-D * grad + sp.diff(D, w))))
    return d


# ------------------------------------------------------------------------------ moments (004 Thm 1 (i), eq. 6.9)
k_ = sp.Symbol("k", positive=True, integer=True)
#: 004 proof of Thm 1 (i), eq. 3.3, one coordinate: a_k = -k h_max + k(2k-1) g_min H_min with Sigma_g = sigma,
#: Sigma_H = rho/sigma (C(v) = Sigma_g (1 + v^T Sigma_H v) = sigma + rho v^2), so g_min H_min = rho
MOMENT_RATE_004 = register(Claim(
    id="chen.thm1_i",
    title="growth rate a_k of the 2k-th moment (m_2k' >= a_k m_2k + b_k m_{2k-2})",
    lhs=sp.Symbol("a_k"), rhs=-k_ * h + k_ * (2 * k_ - 1) * rho,
    sources=(Source(SEED_004, "sec. 3, Theorem 1 (i), proof, eq. 3.3",
                    note="one coordinate: g_min = sigma, H_min = rho / sigma"),),
    regime="decoupled, one coordinate", units=UNITS, clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))


@lru_cache(maxsize=1)
def moment_equation() -> Derivation:
    """d/dt E w^(2k) = E[L w^(2k)] with the Itô generator of the Model: a linear recursion in k."""
    d = Derivation("moment ODE from the generator", sp.S.Zero)
    generated = d.step("L w^(2k)", sp.expand(sp.simplify(POWER_LAW.generator(w ** (2 * k_)))))
    rate = sp.simplify(sp.limit(generated / w ** (2 * k_), w, sp.oo))
    lower = sp.simplify(sp.limit((generated - rate * w ** (2 * k_)) / w ** (2 * k_ - 2), w, sp.oo))
    d.step("coefficient b_k of w^(2k-2)", lower)
    d.result = d.step("coefficient a_k of w^(2k)", sp.factor(rate))
    d.verify("L w^(2k) = a_k w^(2k) + b_k w^(2k-2)", generated - rate * w ** (2 * k_) - lower * w ** (2 * k_ - 2))
    return d


w0 = sp.Symbol("w_0", real=True)


@lru_cache(maxsize=1)
def second_moment() -> Derivation:
    """E w_t^2 from d m2/dt = a_1 m2 + b_1 (k = 1 of moment_equation), m2(0) = w0^2."""
    d = Derivation("E w_t^2 of the Itô power-law dynamic", sp.S.Zero)
    equation = moment_equation()
    a1, b1 = equation.result.subs(k_, 1), equation.steps[1].expression.subs(k_, 1)
    m = sp.Function("m")
    solution = sp.dsolve(sp.Eq(m(t).diff(t), a1 * m(t) + b1), m(t), ics={m(0): w0**2}).rhs
    d.result = d.step("solution with m(0) = w0^2", sp.simplify(solution))
    d.verify("ODE residual", sp.diff(d.result, t) - a1 * d.result - b1)
    return d


#: the level eq. 6.9 relaxes to (its t -> oo value)
EQ_6_9_LEVEL = eta * rho / (2 * h - eta * rho)
EQ_6_9 = register(Claim(
    id="chen.eq6_9",
    title="bound on the second moment of the 1-D power-law dynamic",
    lhs=sp.Symbol("E v_t^2"),
    rhs=sp.exp(-(2 * h - eta * rho) * t) * (w0**2 - EQ_6_9_LEVEL) + EQ_6_9_LEVEL,
    relation="<=", sources=(Source(SEED_004, "sec. 6, proof of Lemma 1, eq. 6.9; used by Lemma 2"),),
    regime="2h > eta rho", units={**UNITS, w0: LENGTH}, clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))

# ------------------------------------------------------------------------------ 002 Prop. 2 and Thm 4
beta_fn = sp.beta
gamma_j = beta_fn(sp.Rational(1, 2), 1 / kappa_002 - sp.Rational(1, 2)) ** 2 / kappa_002
K_j = h / (2 * eta * sigma * gamma_j)
c_j = 1 / (h * (2 - kappa_002))
Z_t = (-sp.exp(-t / c_j) / K_j + 1 / K_j) ** (1 / (2 - kappa_002))
beta_t = gamma_j / Z_t**2
PROP_2_DENSITY = register(Claim(
    id="meng.prop2",
    title="time-dependent density of the power-law dynamic started at w* (w0 = w* = 0)",
    lhs=sp.Symbol("p(w, t)"), rhs=(1 + beta_t * kappa_002 * w**2) ** (-1 / kappa_002) / Z_t,
    sources=(Source(SEED_002, "sec. 3.2, Proposition 2, eq. 8; appendix Prop. 8, eq. 17"),),
    regime="decoupled, started at w*", units=UNITS, clock=CLOCK, interpretation=KINETIC, model=POWER_LAW,
))
#: the proof of Thm 9: E w_t^2 = B(3/2, 1/kappa - 3/2) / (Z (beta kappa)^(3/2)) with Prop. 2's Z(t), beta(t)
THM_9_MOMENT = register(Claim(
    id="meng.thm9_moment",
    title="second moment from Prop. 2's density (proof of Thm 4/9)",
    lhs=sp.Symbol("E w_t^2"),
    rhs=beta_fn(sp.Rational(3, 2), 1 / kappa_002 - sp.Rational(3, 2))
    / beta_fn(sp.Rational(1, 2), 1 / kappa_002 - sp.Rational(1, 2)) ** 3 * Z_t**2,
    sources=(Source(SEED_002, "appendix 7.2, proof of Theorem 9"),), regime="kappa < 2/3, started at w*",
    units=UNITS, clock=CLOCK, interpretation=KINETIC, conditions=(kappa_002 < sp.Rational(2, 3),),
))
THM_4_ORDER = register(Claim(
    id="meng.thm4",
    title="power of t in E (w_t - w*)^2 = O((eta sigma t)^(2/(2-kappa)))",
    lhs=sp.Symbol("d log E w_t^2 / d log t"), rhs=2 / (2 - kappa_002),
    sources=(Source(SEED_002, "sec. 4.1, Theorem 4; appendix Theorem 9"),), regime="small t, kappa < 2/3",
    clock=CLOCK, interpretation=ITO, relations={"derived_from": ("meng.prop2",)},
))
epsilon_radius = sp.Symbol("epsilon", positive=True)
THM_4_ESCAPE = register(Claim(
    id="meng.thm4_escaping_time",
    title="epsilon-escaping time (E w_t^2 = epsilon^2), one coordinate",
    lhs=sp.Symbol("t_epsilon"), rhs=epsilon_radius ** (2 - kappa_002) / (eta * sigma),
    relation="~", sources=(Source(SEED_002, "sec. 4.1, Theorem 4 and the text after it (one dimension)"),),
    regime="kappa < 2/3, up to a constant", units={**UNITS, epsilon_radius: LENGTH}, clock=CLOCK,
    interpretation=ITO,
))


def real_root_small_epsilon(roots) -> sp.Expr:
    """The root of E w_t^2 = epsilon^2 that is real in the small-epsilon regime, judged at a sample point (every
    parameter 1, epsilon 1/10): SymPy returns complex branches of the logarithm alongside it."""
    def is_real(root):
        sample = {symbol: sp.Rational(1, 10) if symbol == epsilon_radius else 1 for symbol in root.free_symbols}
        return abs(sp.im(sp.N(root.subs(sample)))) < 1e-12
    real = [root for root in roots if is_real(root)]
    if len(real) != 1:
        raise ValueError(f"expected one real root, found {real} among {roots}")
    return real[0]


def epsilon_escaping_time() -> Derivation:
    """Solve E w_t^2 = epsilon^2 with the exact second moment (w0 = 0); its small-epsilon order."""
    d = Derivation("epsilon-escaping time from the exact second moment", sp.S.Zero)
    moment = d.step("E w_t^2, w0 = 0", second_moment().result.subs(w0, 0))
    exact = d.step("t with E w_t^2 = epsilon^2 (the real root)",
                   sp.simplify(real_root_small_epsilon(sp.solve(sp.Eq(moment, epsilon_radius**2), t))))
    d.result = d.step("leading order as epsilon -> 0", sp.simplify(sp.series(exact, epsilon_radius, 0, 3).removeO()))
    return d


# ------------------------------------------------------------------------------ 002 Thm 6, Table 1, Thm 10 (Omega-escaping)
H_a = sp.Symbol("H_a", positive=True)
H_b = sp.Symbol("H_b_abs", positive=True)     # |H_b|
Delta_L = sp.Symbol("Delta_L", positive=True)
THM_6 = register(Claim(
    id="meng.thm6",
    title="Omega-escaping time of the 1-D power-law dynamic (barrier form, eq. 10)",
    lhs=sp.Symbol("tau"),
    rhs=2 * sp.pi / ((1 - eta * mu / 4) * sp.sqrt(H_a * H_b)) * (1 + mu / sigma * Delta_L) ** (2 / (eta * mu) - sp.Rational(1, 2)),
    relation="~", sources=(Source(SEED_002, "sec. 4.2, Theorem 6, eq. 11"),),
    regime="low temperature eta sigma << Delta L; quadratic near a and b", clock=CLOCK, interpretation=KINETIC,
    units={H_a: CURVATURE, H_b: CURVATURE, Delta_L: LOSS, eta: TIME, sigma: LOSS / TIME, mu: TIME**-1},
))
#: the proof of Thm 6: the product of its two Beta-function integrals (kappa = eta mu / 2, L(a) = 0)
_kappa6 = eta * mu / 2
THM_6_PROOF_PRODUCT = (4 / (eta * sigma) * (1 + mu / sigma * Delta_L) ** (-sp.Rational(1, 2) + 1 / _kappa6)
                       * sp.sqrt(2 / (mu * sigma * H_b)) * beta_fn(sp.Rational(1, 2), 1 / _kappa6)
                       * sp.sqrt(2 * sigma / (mu * H_a)) * beta_fn(sp.Rational(1, 2), 1 / _kappa6 - sp.Rational(1, 2)))


def thm6_recomputed_product() -> Derivation:
    """The two integrals of the proof of Thm 6 recomputed (kinetic form, kappa = eta mu / 2, L(a) = 0, quadratic L
    near a and b): over the well int (1 + mu H_a u^2/(2 sigma))^(-1/kappa) du = sqrt(2 sigma/(mu H_a)) B(1/2, 1/kappa - 1/2);
    across the saddle (2/(eta sigma)) int (1 + mu (Delta_L - |H_b| u^2/2)/sigma)^(1/kappa - 1) du over the whole
    line = (2/(eta sigma)) (1 + mu Delta_L/sigma)^(1/kappa - 1/2) sqrt(2 sigma/(mu |H_b|)) B(1/2, 1/kappa). Definition 5
    stops at b, which keeps half of the second integral."""
    y = sp.Symbol("y", positive=True)
    n = sp.Symbol("n", positive=True)
    d = Derivation("Thm 6's integrals recomputed", sp.S.Zero)
    beta_integral = d.step("int_0^1 y^(-1/2) (1 - y)^(n - 1) dy", sp.simplify(sp.integrate(y ** sp.Rational(-1, 2)
                                                                                              * (1 - y) ** (n - 1),
                                                                                              (y, 0, 1), conds="none")))
    inv_kappa = 1 / _kappa6
    well = sp.sqrt(2 * sigma / (mu * H_a)) * beta_integral.subs(n, inv_kappa - sp.Rational(1, 2))
    saddle = 2 / (eta * sigma) * (1 + mu / sigma * Delta_L) ** (inv_kappa - sp.Rational(1, 2)) \
        * sp.sqrt(2 * sigma / (mu * H_b)) * beta_integral.subs(n, inv_kappa)
    crossing = d.step("product (whole saddle line: the crossing time)", sp.simplify(sp.gammasimp(well * saddle)))
    d.result = d.step("time to first reach b (Definition 5: half the saddle line)", crossing / 2)
    return d


#: the same time for the Itô SDE of eq. 10: its stationary density carries the extra 1/D(w), which multiplies the
#: time by D(b)/D(a) = 1 + mu Delta_L/sigma at leading order in eta (checked against exact quadrature)
def thm6_ito_time() -> sp.Expr:
    return thm6_recomputed_product().result * (1 + mu / sigma * Delta_L)


LANGEVIN_002 = register(Claim(
    id="meng.langevin_limit",
    title="mu -> 0: the Omega-escaping time tends to Kramers' time of the Langevin dynamic",
    lhs=sp.Symbol("tau"), rhs=2 * sp.pi / sp.sqrt(H_a * H_b) * sp.exp(Delta_L / (eta * sigma)), relation="~",
    sources=(Source(SEED_002, "sec. 4.2, comparison after Thm 6 (and Table 1, Langevin row, [14])"),),
    regime="mu -> 0", clock=CLOCK, interpretation=ITO, relations={"limit_of": ("meng.thm6",)},
))
TABLE_1_LANGEVIN_EPSILON = register(Claim(
    id="meng.table1_langevin",
    title="Table 1, Langevin row: epsilon-escaping time O(epsilon^2 / Tr Sigma) (one coordinate: Sigma = eta sigma)",
    lhs=sp.Symbol("t_epsilon"), rhs=epsilon_radius**2 / (eta * sigma), relation="~",
    sources=(Source(SEED_002, "sec. 4, Table 1 (Langevin dynamic [38], epsilon-escaping time)"),),
    regime="constant diffusion eta sigma, started at the minimum, small epsilon", clock=CLOCK, interpretation=ITO,
))
TABLE_1 = register(Claim(
    id="meng.table1",
    title="Table 1, power-law row: Omega-escaping time O(1 + (eta mu Delta_L / Sigma)^(1/(eta mu) - 1/2))",
    lhs=sp.Symbol("tau"), rhs=1 + (eta * mu * Delta_L / sigma) ** (1 / (eta * mu) - sp.Rational(1, 2)), relation="~",
    sources=(Source(SEED_002, "sec. 4, Table 1 (power-law dynamic, Omega-escaping time)"),),
    regime="orders only", clock=CLOCK, interpretation=KINETIC, relations={"compare_with": ("meng.thm6",)},
))
h_be = sp.Symbol("h_be", negative=True)       # the negative eigenvalue of H_b
THM_10_ONE_DIM = register(Claim(
    id="meng.thm10",
    title="high-dimensional Omega-escaping time, at d = 1 (det H_b = h_be)",
    lhs=sp.Symbol("tau"),
    rhs=2 * sp.pi * sp.sqrt(sp.Abs(h_be)) / ((1 - eta * mu / 4) * sp.sqrt(H_a)) / h_be
    * (1 + mu / sigma * Delta_L) ** (2 / (eta * mu) - sp.Rational(1, 2)),
    relation="~", sources=(Source(SEED_002, "appendix 7.2, Theorem 10, eq. 22"),), regime="as Thm 6",
    clock=CLOCK, interpretation=KINETIC, relations={"compare_with": ("meng.thm6",)},
))


def barrier_model(depth, sigma_value, mu_value, eta_value) -> Model:
    """002 eq. 10 on the double well l(w) = depth (w^2 - 1)^2 (minimum a = -1, saddle b = 0, H_a = 8 depth,
    |H_b| = 4 depth): dw = -l'(w) dt + sqrt(eta (sigma + mu l(w))) dB, exit through b = 0 from a."""
    loss = sp.sympify(depth) * (w**2 - 1) ** 2
    noise = sp.sqrt(sp.sympify(eta_value) * (sp.sympify(sigma_value) + sp.sympify(mu_value) * loss))
    return Model(f"power-law barrier form (depth {depth}, mu {mu_value})", (w,), sp.Matrix([-sp.diff(loss, w)]),
                 sp.Matrix([[noise]]), Interval(-sp.oo, 0), (-1,), potential=loss, clock=CLOCK,
                 description="002 eq. 10, d = 1")


def omega_escaping_limit_mu_to_0() -> Derivation:
    d = Derivation("mu -> 0 limit of Thm 6", sp.S.Zero)
    d.result = d.step("lim_{mu -> 0} tau", sp.simplify(sp.limit(THM_6.rhs, mu, 0)))
    return d


# ------------------------------------------------------------------------------ 004 sec. 5: exit times
PHI_52 = 2 - sp.Symbol("kappa", real=True) * sp.log(1 + rho / sigma * w**2)
a_end, b_end, x_start = sp.symbols("a b x", real=True)
y_, z_ = sp.symbols("y z", real=True)
GENERATOR_A1 = register(Claim(
    id="chen.generator_A1",
    title="generator of the 1-D power-law diffusion used for the exit time (5.4)",
    lhs=sp.Symbol("A_1 f"), rhs=-h * w * sp.Derivative(sp.Function("f")(w), w)
    + (eta * sigma + eta * rho * w**2) * sp.Derivative(sp.Function("f")(w), w, 2),
    sources=(Source(SEED_004, "sec. 5, proof of Theorem 3, after eq. 5.4"),), clock=CLOCK, interpretation=ITO,
    model=POWER_LAW,
))
EQ_5_2 = register(Claim(
    id="chen.eq5_2",
    title="exact mean exit time of the 1-D power-law dynamic from [a, b]",
    lhs=sp.Symbol("E tau_x"),
    rhs=2 * sp.Integral(sp.exp(PHI_52.subs(w, y_)) / (eta * (sigma + rho * y_**2))
                        * sp.Integral(sp.exp(-PHI_52.subs(w, z_)), (z_, a_end, y_)), (y_, x_start, b_end)),
    sources=(Source(SEED_004, "sec. 5, Theorem 3, eq. 5.2 (phi = 2 - kappa ln(1 + rho x^2/sigma), kappa as in Thm 1)"),),
    regime="d = 1, a < x < b", clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))
THM_3 = register(Claim(
    id="chen.thm3",
    title="lim eta log E tau_r (1-D): C inf over the boundary of -(h/rho) log(sigma + rho zeta^2)",
    lhs=sp.Symbol("lim eta log E tau"), rhs=sp.Symbol("C") * (-(h / rho) * sp.log(sigma + rho * radius**2)),
    relation="~", sources=(Source(SEED_004, "sec. 5, Theorem 3, eq. 5.1 (d = 1, boundary {-r, r})",
                                  note="the proof ends with log(1 + rho zeta^2/sigma) instead"),),
    regime="eta -> 0, C 'a prefactor to be determined'", clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))

def exit_exponent_limit() -> Derivation:
    """lim eta -> 0 of eta ln E tau from 0 to the boundary {-r, r}: minus eta times the log of the Itô stationary
    density's shape at r (the 1-D quasi-potential; Freidlin & Wentzell sec. 4.3)."""
    d = Derivation("lim eta ln E tau from the Itô stationary density", sp.S.Zero)
    density = diffusion1d.stationary_density(POWER_LAW).result
    shape = d.step("p(r) / p(0)", sp.simplify((density / density.subs(w, 0)).subs(w, radius)))
    log_shape = sp.expand_log(sp.log(shape), force=True)
    d.result = d.step("lim_{eta -> 0} -eta ln(p(r)/p(0))", sp.simplify(sp.limit(sp.expand(-eta * log_shape), eta, 0)))
    return d


# ------------------------------------------------------------------------------ 004 sec. 4: contraction
THM_2_RATE = register(Claim(
    id="chen.thm2",
    title="Wasserstein contraction rate d lambda - theta of two copies (d = 1: lambda = eta rho, theta = h)",
    lhs=sp.Symbol("rate of W_2"), rhs=eta * rho - h, relation=">=",
    sources=(Source(SEED_004, "sec. 4, Theorem 2 (i), eq. 4.3 with eqs. 4.1-4.2 evaluated for d = 1"),),
    regime="synchronous coupling", clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))
REMARK_2_RATE = register(Claim(
    id="chen.remark2",
    title="decoupled case: E|x_t - y_t|^2 contracts at least at rate c_s = eta rho - h",
    lhs=sp.Symbol("rate of E r"), rhs=eta * rho - h, relation=">=",
    sources=(Source(SEED_004, "sec. 4, Remark 2"),), regime="decoupled, synchronous coupling", clock=CLOCK,
    interpretation=ITO, model=POWER_LAW,
))
ERGODICITY_4_4 = register(Claim(
    id="chen.eq4_4",
    title="ergodicity condition eta < h_min / (d^2 g_max^2 H_sum) (d = 1: eta < h / rho)",
    lhs=sp.Symbol("eta_max"), rhs=h / rho, relation="<=",
    sources=(Source(SEED_004, "sec. 4, Theorem 2 (ii), eq. 4.4 (d = 1: g_max^2 = sigma, H_sum = rho/sigma)"),),
    regime="sufficient condition", clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))


def coupling_rate() -> Derivation:
    """Synchronous coupling of two Itô copies: d E r = E[-2h r + (s(x) - s(y))^2] with s = sqrt(eta (sigma + rho w^2));
    (s(x) - s(y))^2 <= eta rho (x - y)^2 (s is sqrt(eta rho)-Lipschitz), so E r <= r0 e^{(eta rho - 2h) t}."""
    d = Derivation("contraction rate of the synchronous coupling", sp.S.Zero)
    s = sp.sqrt(eta * (sigma + rho * w**2))
    lipschitz = d.step("sup |s'|^2 (the Lipschitz constant squared)", sp.limit(sp.diff(s, w) ** 2, w, sp.oo))
    d.result = d.step("rate of E|x - y|^2", sp.simplify(-2 * h + lipschitz))
    d.step("rate of W_2 <= sqrt(E r)", sp.simplify(d.result / 2))
    return d


def coupled_model(hessian, gradient_covariance, hessian_covariance, eta_value, radius_value=10) -> Model:
    """004 eq. 2.14 with 2.13: dv = -H v dt + sqrt(eta (1 + v^T Sigma_H v)) Sigma_g^(1/2) dB (Itô), exit from a ball.
    Sigma_g and Sigma_H must be positive definite (004 after eq. 2.13); Sigma_g^(1/2) is its Cholesky factor."""
    H = sp.Matrix(hessian)
    sigma_g, sigma_h = sp.Matrix(gradient_covariance), sp.Matrix(hessian_covariance)
    for name, matrix in (("Sigma_g", sigma_g), ("Sigma_H", sigma_h)):
        if matrix.shape != H.shape or not matrix.is_symmetric() or not matrix.is_positive_definite:
            raise ParameterError(name, matrix.tolist(), f"symmetric positive definite {H.shape[0]}x{H.shape[0]}",
                                 "a covariance of 004 eq. 2.13")
    state = sp.symbols(f"v1:{H.shape[0] + 1}", real=True)
    v = sp.Matrix(state)
    scale = sp.sqrt(sp.nsimplify(eta_value) * (1 + (v.T * sigma_h * v)[0, 0]))
    return Model("power-law dynamic, coupled form (004 eq. 2.13-2.14)", state, -H * v, scale * sigma_g.cholesky(),
                 Ball(tuple(0 for _ in state), radius_value), tuple(0 for _ in state), clock=CLOCK,
                 description="Itô, as 004 writes it")


def thm2_constants(hessian, gradient_covariance, hessian_covariance, eta_value) -> dict:
    """theta (4.1) and a lambda (4.2) for the coupled form: theta = smallest eigenvalue of the symmetric part of H;
    |s(x) - s(y)| <= sqrt(eta lambda_max(Sigma_H)) |x - y| for s = sqrt(eta (1 + x^T Sigma_H x)), so
    lambda <= eta lambda_max(Sigma_H) max_i (Sigma_g)_ii. Returns the rate d lambda - theta of eq. 4.3."""
    H = sp.Matrix(hessian)
    theta = min(sp.re(e) for e in ((H + H.T) / 2).eigenvals())
    lam = sp.nsimplify(eta_value) * max(sp.Matrix(hessian_covariance).eigenvals()) \
        * max(sp.Matrix(gradient_covariance).diagonal())
    d = H.shape[0]
    return {"theta": theta, "lambda": lam, "rate": d * lam - theta}


# ------------------------------------------------------------------------------ 004 sec. 6: continuous vs discrete
epsilon_step, horizon = sp.symbols("epsilon T", positive=True)
E_constant, c_constant, delta_ = sp.symbols("E_2 c delta", positive=True)
THM_4_ERROR = register(Claim(
    id="chen.thm4",
    title="error term 4/(3 delta^2) E(eps) K/(c eps) of Thm 4 at a fixed horizon T = K eps, E(eps) = E_2 eps^2",
    lhs=sp.Symbol("error term"),
    rhs=sp.Rational(4, 3) / delta_**2 * E_constant * epsilon_step**2 * (horizon / epsilon_step)
    / (c_constant * epsilon_step),
    sources=(Source(SEED_004, "sec. 6, Theorem 4 and Lemma 1 (eq. 6.8, 6.10)"),), regime="epsilon -> 0",
    clock=CLOCK, interpretation=ITO, model=POWER_LAW,
))

# ------------------------------------------------------------------------------ 002 Prop. 1 and its linear-regression example
PROP_1 = register(Claim(
    id="meng.prop1",
    title="diagonal state-dependent gradient covariance D_j = sigma_j + rho_j (w_j - w_j*)^2",
    lhs=sp.Symbol("D_j(w)"), rhs=sigma + rho * w**2,
    sources=(Source(SEED_002, "sec. 3.1, Proposition 1, eq. 5; appendix Prop. 7 and the linear-regression example"),),
    regime="H_tilde diagonal, Cov(h_i, h_j) = 0, Cov(g_i, g_j) = 0 (i != j), Cov(g_i, h_j) = 0",
    clock=CLOCK, interpretation=ITO,
))


def kappa_constraint(kappa_value: float, upper: float, what: str) -> float:
    """Domain check for kappa-distribution quantities (the 002 densities and moments)."""
    if not 0 < kappa_value < upper:
        raise ParameterError("kappa", kappa_value, f"(0, {upper:g})", what)
    return kappa_value


# ------------------------------------------------------------------------------ 002 sec. 5.2: the four-basin experiment
lambda_1 = sp.Symbol("lambda_1", nonnegative=True)
FOUR_BASIN_CLAIM = register(Claim(
    id="meng.four_basin",
    title="2-D four-basin model: the escape success rate rises with lambda_1, and the power-law dynamic (eq. 12) "
          "mimics SGD's escape better than Langevin",
    lhs=sp.Derivative(sp.Function("P_escape")(lambda_1), lambda_1), rhs=sp.Integer(0), relation=">=",
    sources=(Source(SEED_002, "sec. 5.2, eq. 12, Fig. 3(c)-(d); appendix 7.3 (quadratic coefficient ~ 30)"),),
    regime="l(w) = 15 sum_j |w_j-1|^2.5 |w_j+1|^3, x_m ~ N(0, 0.01 I_2), n = 100, eta = 0.025, 500 iterations, "
           "100 repetitions, escape from w* = (1, 1); lambda_2 from Tr Cov(lambda_2 xi_2) = Tr Cov(g(w*))",
    clock="iterations k of the discrete update (no SDE time enters the claim)",
    interpretation="discrete updates; eq. 12 is an Euler-Maruyama (Itô) step of the power-law SDE",
    notes="empirical statement; P_escape(lambda_1) is the probability of leaving the basin within 500 steps",
))
