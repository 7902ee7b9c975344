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
from .derivation import DeferredDerivation, Derivation
from .domain import Ball, Interval
from .errors import ParameterError
from .model import Model
from .units import CURVATURE, DIMENSIONLESS, LENGTH, LOSS, TIME, convention
from .sources import SEED_002, SEED_004

ITO = "Itô: dw = -h w dt + sqrt(eta (sigma + rho w^2)) dB (as both papers write the SDE)"
KINETIC = ("Smoluchowski form dp/dt = d(h w p) + d(phi dp), phi = eta D / 2 (002 eqs. 18-19): the Hänggi-Klimontovich "
           "interpretation of the same SDE, not Itô")
CLOCK = "SDE time t = k * eta (002 eq. 3, 004 eq. 2.6)"

# The papers' unit systems (DESIGN.md: a statement is judged in its own paper's conventions). Both run SGD as the SDE
# whose Euler step of size eta is the SGD update, so t is SDE time, eta a time, the gradient covariance a squared
# gradient and eta times it a diffusivity; both write that SDE in Itô form.
CONVENTION_002 = convention(
    SEED_002, "sec. 2, eq. 3 and the paragraph after it; sec. 3.2, eq. 7; sec. 4.2, eq. 10", "gradient_flow",
    "t is the time of dw = -grad L dt + sqrt(eta) Sigma(w)^(1/2) dB (eq. 3), of which the SGD step (eq. 2) is the "
    "discretisation with step eta: [t] = [w]^2/[L], eta a time, Sigma (sigma_j = Var g_j(w*), eq. 5) a squared "
    "gradient and eta Sigma a diffusivity, rho_j = Var h_j a squared curvature; the SDE is Itô ('the SDE is a Itô "
    "drift-diffusion process', after eq. 3), while the proofs solve the Smoluchowski (kinetic) form (eqs. 18-19, proof "
    "of Thm 6): where that reading changes a verdict it is a remark")
CONVENTION_004 = convention(
    SEED_004, "sec. 2.1, eqs. 2.5-2.6; sec. 6 after eq. 6.1 (K steps = K eps of time, eps = eta); proof of Thm 1",
    "gradient_flow",
    "t is the time of dw = -grad L dt + sqrt(eta C(w)) dB (eq. 2.6), of which the SGD update (2.5) is the "
    "discretisation with step eta: [t] = [w]^2/[L], eta a time, C (Sigma_g, sigma_i) a squared gradient, "
    "rho_i = (Sigma_g Sigma_H)_ii a squared curvature; Itô (the proof of Thm 1 uses Itô's formula and "
    "dp/dt = 1/2 Laplacian(sigma^2 p) - grad(mu p))")

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
SQUARED_GRADIENT = LENGTH**2 / TIME**2
UNITS = {w: LENGTH, h: CURVATURE, eta: TIME, sigma: SQUARED_GRADIENT, rho: TIME**-2, t: TIME, radius: LENGTH}
#: a density in w (per unit length) and its normalising constant int (...) dw (a length)
DENSITY_UNITS = {sp.Symbol("p(w)"): LENGTH**-1, Z: LENGTH}

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
STATIONARY_002 = Claim(
    id="meng.stationary_density",
    title="stationary density of the power-law dynamic (power-law kappa-distribution)",
    lhs=sp.Symbol("p(w)"), rhs=(1 + (h / (eta * sigma)) * kappa_002 * w**2) ** (-1 / kappa_002) / Z,
    sources=(Source(SEED_002, "sec. 3.2, after Prop. 2 (beta_j = h_j/(eta sigma_j), kappa_j = eta rho_j/h_j)"),),
    regime="decoupled coordinates, w* = 0", units={**UNITS, **DENSITY_UNITS}, clock=CLOCK, interpretation=ITO,
    model=POWER_LAW, relations={"compare_with": ("chen.thm1_ii",)},
)
STATIONARY_004 = Claim(
    id="chen.thm1_ii",
    title="stationary density of the decoupled power-law dynamic",
    lhs=sp.Symbol("p(w)"), rhs=(1 + rho / sigma * w**2) ** kappa_004 / Z,
    sources=(Source(SEED_004, "sec. 3, Theorem 1 (ii), eq. 3.2 (and eq. 3.6)"),),
    regime="decoupled case 2.16, w* = 0", units={**UNITS, **DENSITY_UNITS}, clock=CLOCK, interpretation=ITO,
    model=POWER_LAW,
)
GAUSSIAN_LIMIT_002 = Claim(
    id="meng.gaussian_limit",
    title="as kappa -> 0 the stationary density tends to the Gaussian exp(-beta w^2)",
    lhs=sp.Symbol("p(w)"), rhs=sp.exp(-h / (eta * sigma) * w**2) / Z,
    sources=(Source(SEED_002, "sec. 3.2, after Prop. 2"),), regime="kappa_j = eta rho_j / h_j -> 0 (rho -> 0)",
    units={**UNITS, **DENSITY_UNITS}, clock=CLOCK, interpretation=ITO,
    relations={"limit_of": ("meng.stationary_density",)},
)


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
REMARK1_VARIANCE = Claim(
    id="chen.remark1_variance",
    title="the variance of p_s is infinite when kappa >= this threshold",
    lhs=sp.Symbol("kappa threshold"), rhs=-sp.Rational(1, 2),
    sources=(Source(SEED_004, "sec. 3, Remark 1 (i)"),), regime="p_s ∝ (1 + rho x^2/sigma)^kappa",
    units={sp.Symbol("kappa threshold"): DIMENSIONLESS}, clock=CLOCK, interpretation=ITO,
)
kappa_symbol = sp.Symbol("kappa", negative=True)
REMARK1_DRIFT = Claim(
    id="chen.remark1_drift",
    title="drift that the complete recipe gives for the density (1 + rho z^2/sigma)^kappa",
    lhs=sp.Symbol("f(z)"), rhs=2 * (1 + kappa_symbol) * eta * rho * w,
    sources=(Source(SEED_004, "sec. 3, Remark 1 (ii)", note="with D(z) = eta (sigma + rho z^2)/2, Q = 0, d = 1"),),
    # f is a drift (a velocity, [w]/[t]); kappa an exponent
    regime="d = 1", units={**UNITS, sp.Symbol("f(z)"): LENGTH / TIME, kappa_symbol: DIMENSIONLESS}, clock=CLOCK,
    interpretation=ITO,
)


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
#: Sigma_H = rho/sigma (C(v) = Sigma_g (1 + v^T Sigma_H v) = sigma + rho v^2), so g_min H_min = rho. A proof line, not
#: Thm 1 (i) itself (chen.thm1_i): the theorem can hold with a wrong a_k
MOMENT_RATE_004 = Claim(
    id="chen.eq3_3",
    title="growth rate a_k of the 2k-th moment in the proof of Thm 1 (i) (m_2k' >= a_k m_2k + b_k m_{2k-2})",
    lhs=sp.Symbol("a_k"), rhs=-k_ * h + k_ * (2 * k_ - 1) * rho,
    sources=(Source(SEED_004, "sec. 3, proof of Theorem 1 (i), eq. 3.3",
                    note="one coordinate: g_min = sigma, H_min = rho / sigma"),),
    # a_k is a rate (1/time); k counts
    regime="decoupled, one coordinate", units={**UNITS, sp.Symbol("a_k"): TIME**-1, k_: DIMENSIONLESS}, clock=CLOCK,
    interpretation=ITO, model=POWER_LAW, relations={"compare_with": ("chen.thm1_i",)},
)
#: 004 Thm 1 (i): some finite order m >= 2 above which every moment explodes as t -> oo (the stationary law has no
#: sub-Gaussian tail). Stated as the existence of m: lhs is that order, which the theorem says is finite and >= 2
EXPLOSION_ORDER = sp.Symbol("m (moments of order > m explode as t -> oo)", positive=True)
MOMENT_EXPLOSION_004 = Claim(
    id="chen.thm1_i",
    title="the moments of the power-law dynamic of order greater than some finite m >= 2 explode as t -> oo",
    lhs=EXPLOSION_ORDER, rhs=sp.Integer(2), relation=">=",
    sources=(Source(SEED_004, "sec. 3, Theorem 1 (i) (for the dynamic 3.1)"),),
    regime="a finite m exists (rho > 0); checked on one decoupled coordinate (2.16)",
    units={EXPLOSION_ORDER: DIMENSIONLESS}, clock=CLOCK, interpretation=ITO, model=POWER_LAW,
    relations={"compare_with": ("chen.eq3_3",)},
)


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
EQ_6_9 = Claim(
    id="chen.eq6_9",
    title="bound on the second moment of the 1-D power-law dynamic",
    lhs=sp.Symbol("E v_t^2"),
    rhs=sp.exp(-(2 * h - eta * rho) * t) * (w0**2 - EQ_6_9_LEVEL) + EQ_6_9_LEVEL,
    relation="<=", sources=(Source(SEED_004, "sec. 6, proof of Lemma 1, eq. 6.9; used by Lemma 2"),),
    regime="2h > eta rho", units={**UNITS, w0: LENGTH, sp.Symbol("E v_t^2"): LENGTH**2}, clock=CLOCK,
    interpretation=ITO, model=POWER_LAW,
)

# ------------------------------------------------------------------------------ 002 Prop. 2 and Thm 4
beta_fn = sp.beta
gamma_j = beta_fn(sp.Rational(1, 2), 1 / kappa_002 - sp.Rational(1, 2)) ** 2 / kappa_002
K_j = h / (2 * eta * sigma * gamma_j)
c_j = 1 / (h * (2 - kappa_002))
Z_t = (-sp.exp(-t / c_j) / K_j + 1 / K_j) ** (1 / (2 - kappa_002))
beta_t = gamma_j / Z_t**2
PROP_2_DENSITY = Claim(
    id="meng.prop2",
    title="time-dependent density of the power-law dynamic started at w* (w0 = w* = 0)",
    lhs=sp.Symbol("p(w, t)"), rhs=(1 + beta_t * kappa_002 * w**2) ** (-1 / kappa_002) / Z_t,
    sources=(Source(SEED_002, "sec. 3.2, Proposition 2, eq. 8; appendix Prop. 8, eq. 17"),),
    regime="decoupled, started at w*", units={**UNITS, sp.Symbol("p(w, t)"): LENGTH**-1}, clock=CLOCK,
    interpretation=KINETIC, model=POWER_LAW,
)
#: the proof of Thm 9: E w_t^2 = B(3/2, 1/kappa - 3/2) / (Z (beta kappa)^(3/2)) with Prop. 2's Z(t), beta(t)
THM_9_MOMENT = Claim(
    id="meng.thm9_moment",
    title="second moment from Prop. 2's density (proof of Thm 4/9)",
    lhs=sp.Symbol("E w_t^2"),
    rhs=beta_fn(sp.Rational(3, 2), 1 / kappa_002 - sp.Rational(3, 2))
    / beta_fn(sp.Rational(1, 2), 1 / kappa_002 - sp.Rational(1, 2)) ** 3 * Z_t**2,
    sources=(Source(SEED_002, "appendix 7.2, proof of Theorem 9"),), regime="kappa < 2/3, started at w*",
    units={**UNITS, sp.Symbol("E w_t^2"): LENGTH**2}, clock=CLOCK, interpretation=KINETIC,
    conditions=(kappa_002 < sp.Rational(2, 3),),
)
THM_4_ORDER = Claim(
    id="meng.thm4",
    title="power of t in E (w_t - w*)^2 = O((eta sigma t)^(2/(2-kappa)))",
    lhs=sp.Symbol("d log E w_t^2 / d log t"), rhs=2 / (2 - kappa_002),
    sources=(Source(SEED_002, "sec. 4.1, Theorem 4; appendix Theorem 9"),), regime="small t, kappa < 2/3",
    units={**UNITS, sp.Symbol("d log E w_t^2 / d log t"): DIMENSIONLESS}, clock=CLOCK, interpretation=ITO,
    relations={"derived_from": ("meng.prop2",)},
)
epsilon_radius = sp.Symbol("epsilon", positive=True)
THM_4_ESCAPE = Claim(
    id="meng.thm4_escaping_time",
    title="epsilon-escaping time (E w_t^2 = epsilon^2), one coordinate",
    lhs=sp.Symbol("t_epsilon"), rhs=epsilon_radius ** (2 - kappa_002) / (eta * sigma),
    relation="~", sources=(Source(SEED_002, "sec. 4.1, Theorem 4 and the text after it (one dimension)"),),
    regime="kappa < 2/3; the sentence after Thm 4 states it as an equality ('which is 1/(eta sigma_j) "
           "epsilon^(2 - kappa_j)'), Thm 4 itself as an order",
    units={**UNITS, epsilon_radius: LENGTH, sp.Symbol("t_epsilon"): TIME},
    clock=CLOCK,
    interpretation=ITO,
)


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
#: eq. 10: D = mu l + sigma is a squared gradient, so mu l is too: mu = [sigma]/[L] = 1/time
OMEGA_UNITS = {sp.Symbol("tau"): TIME, H_a: CURVATURE, H_b: CURVATURE, Delta_L: LOSS, eta: TIME,
               sigma: SQUARED_GRADIENT, mu: TIME**-1}
THM_6 = Claim(
    id="meng.thm6",
    title="Omega-escaping time of the 1-D power-law dynamic (barrier form, eq. 10)",
    lhs=sp.Symbol("tau"),
    rhs=2 * sp.pi / ((1 - eta * mu / 4) * sp.sqrt(H_a * H_b)) * (1 + mu / sigma * Delta_L) ** (2 / (eta * mu) - sp.Rational(1, 2)),
    relation="~", sources=(Source(SEED_002, "sec. 4.2, Theorem 6, eq. 11"),),
    regime="low temperature eta sigma << Delta L; quadratic near a and b", clock=CLOCK, interpretation=KINETIC,
    units=OMEGA_UNITS,
)
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


#: the same time for the Itô SDE of eq. 10, derived from its generator (time_to_saddle: scale and speed densities,
#: the loss quadratic near a and b): the speed density's extra 1/D(w) multiplies the kinetic time by D(b)/D(a) =
#: 1 + mu Delta_L/sigma at leading order in eta (checked against exact quadrature)
def thm6_ito_time() -> sp.Expr:
    return time_to_saddle().result


LANGEVIN_002 = Claim(
    id="meng.langevin_limit",
    title="mu -> 0: the Omega-escaping time tends to Kramers' time of the Langevin dynamic",
    lhs=sp.Symbol("tau"), rhs=2 * sp.pi / sp.sqrt(H_a * H_b) * sp.exp(Delta_L / (eta * sigma)), relation="~",
    sources=(Source(SEED_002, "sec. 4.2, comparison after Thm 6 (and Table 1, Langevin row, [14])"),),
    regime="mu -> 0", units=OMEGA_UNITS, clock=CLOCK, interpretation=ITO, relations={"limit_of": ("meng.thm6",)},
)
TABLE_1_LANGEVIN_EPSILON = Claim(
    id="meng.table1_langevin",
    title="Table 1, Langevin row: epsilon-escaping time O(epsilon^2 / Tr Sigma) (one coordinate: Sigma = eta sigma)",
    lhs=sp.Symbol("t_epsilon"), rhs=epsilon_radius**2 / (eta * sigma), relation="~",
    sources=(Source(SEED_002, "sec. 4, Table 1 (Langevin dynamic [38], epsilon-escaping time)"),),
    regime="constant diffusion eta sigma, started at the minimum, small epsilon",
    units={**UNITS, epsilon_radius: LENGTH, sp.Symbol("t_epsilon"): TIME}, clock=CLOCK, interpretation=ITO,
)
#: Table 1's Sigma is Thm 4's Sigma = diag(eta sigma_j) (the table's epsilon column is Thm 4's bound, and its Langevin
#: row exp(Delta L / Sigma) is the text's exp(Delta L / (eta sigma)) after Thm 6), so eta mu Delta_L / Sigma =
#: mu Delta_L / sigma. Read as sigma alone (the caption's "state-independent part in the covariance of stochastic
#: gradient"), eta mu Delta_L / sigma would be a time and 1 + (...)^p inhomogeneous
SIGMA_TABLE_1 = eta * sigma
#: O(.): the order's constant carries the time, so the left-hand side is tau in its units
TAU_ORDER = sp.Symbol("tau / C_O")
TABLE_1 = Claim(
    id="meng.table1",
    title="Table 1, power-law row: Omega-escaping time O(1 + (eta mu Delta_L / Sigma)^(1/(eta mu) - 1/2))",
    lhs=TAU_ORDER, rhs=1 + (eta * mu * Delta_L / SIGMA_TABLE_1) ** (1 / (eta * mu) - sp.Rational(1, 2)), relation="~",
    sources=(Source(SEED_002, "sec. 4, Table 1 (power-law dynamic, Omega-escaping time; Sigma = diag(eta sigma_j) "
                              "as in Thm 4)"),),
    regime="orders only: tau / C_O, C_O the constant of O(.) (a time)", clock=CLOCK, interpretation=KINETIC,
    units={**OMEGA_UNITS, TAU_ORDER: DIMENSIONLESS}, relations={"compare_with": ("meng.thm6",)},
)
h_be = sp.Symbol("h_be", negative=True)       # the negative eigenvalue of H_b
THM_10_ONE_DIM = Claim(
    id="meng.thm10",
    title="high-dimensional Omega-escaping time, at d = 1 (det H_b = h_be)",
    lhs=sp.Symbol("tau"),
    rhs=2 * sp.pi * sp.sqrt(sp.Abs(h_be)) / ((1 - eta * mu / 4) * sp.sqrt(H_a)) / h_be
    * (1 + mu / sigma * Delta_L) ** (2 / (eta * mu) - sp.Rational(1, 2)),
    relation="~", sources=(Source(SEED_002, "appendix 7.2, Theorem 10, eq. 22"),), regime="as Thm 6",
    units={**OMEGA_UNITS, h_be: CURVATURE}, clock=CLOCK, interpretation=KINETIC,
    relations={"compare_with": ("meng.thm6",)},
)


def barrier_model(depth, sigma_value, mu_value, eta_value) -> Model:
    """002 eq. 10 on the double well l(w) = depth (w^2 - 1)^2 (minimum a = -1, saddle b = 0, H_a = 8 depth,
    |H_b| = 4 depth): dw = -l'(w) dt + sqrt(eta (sigma + mu l(w))) dB, exit through b = 0 from a."""
    loss = sp.sympify(depth) * (w**2 - 1) ** 2
    noise = sp.sqrt(sp.sympify(eta_value) * (sp.sympify(sigma_value) + sp.sympify(mu_value) * loss))
    return Model(f"power-law barrier form (depth {depth}, mu {mu_value})", (w,), sp.Matrix([-sp.diff(loss, w)]),
                 sp.Matrix([[noise]]), Interval(-sp.oo, 0), (-1,), potential=loss, clock=CLOCK,
                 description="002 eq. 10, d = 1")


def kinetic_model(model: Model) -> Model:
    """The Itô SDE whose Fokker-Planck equation is 002's Smoluchowski form dp/dt = d(l' p) + d(phi dp), phi = a/2
    (seed 002_0bd15634cbfb0ce4.txt, eqs. 18-19): the 1-D model's drift b becomes b + a'/2, a = sigma(w)^2."""
    a = model.covariance[0, 0]
    return Model(model.name + " (kinetic interpretation)", model.state,
                 sp.Matrix([model.drift[0] + sp.diff(a, w) / 2]), model.diffusion, model.domain, model.start,
                 potential=model.potential, clock=model.clock)


def omega_escaping_limit_mu_to_0() -> Derivation:
    d = Derivation("mu -> 0 limit of Thm 6", sp.S.Zero)
    d.result = d.step("lim_{mu -> 0} tau", sp.simplify(sp.limit(THM_6.rhs, mu, 0)))
    return d


# ------------------------------------------------------------------------------ 004 sec. 5: exit times
PHI_52 = 2 - sp.Symbol("kappa", real=True) * sp.log(1 + rho / sigma * w**2)
a_end, b_end, x_start = sp.symbols("a b x", real=True)
y_, z_ = sp.symbols("y z", real=True)
GENERATOR_A1 = Claim(
    id="chen.generator_A1",
    title="generator of the 1-D power-law diffusion used for the exit time (5.4)",
    lhs=sp.Symbol("A_1 f"), rhs=-h * w * sp.Derivative(sp.Function("f")(w), w)
    + (eta * sigma + eta * rho * w**2) * sp.Derivative(sp.Function("f")(w), w, 2),
    sources=(Source(SEED_004, "sec. 5, proof of Theorem 3, after eq. 5.4"),), clock=CLOCK, interpretation=ITO,
    # f is a test function (a pure number here); A_1 f is then a rate
    units={**UNITS, sp.Function("f"): DIMENSIONLESS, sp.Symbol("A_1 f"): TIME**-1}, model=POWER_LAW,
)
EQ_5_2 = Claim(
    id="chen.eq5_2",
    title="exact mean exit time of the 1-D power-law dynamic from [a, b]",
    lhs=sp.Symbol("E tau_x"),
    rhs=2 * sp.Integral(sp.exp(PHI_52.subs(w, y_)) / (eta * (sigma + rho * y_**2))
                        * sp.Integral(sp.exp(-PHI_52.subs(w, z_)), (z_, a_end, y_)), (y_, x_start, b_end)),
    sources=(Source(SEED_004, "sec. 5, Theorem 3, eq. 5.2 (phi = 2 - kappa ln(1 + rho x^2/sigma), kappa as in Thm 1)"),),
    regime="d = 1, a < x < b", clock=CLOCK, interpretation=ITO, model=POWER_LAW,
    # y and z take the unit of their limits (lengths); phi's kappa is an exponent
    units={**UNITS, sp.Symbol("E tau_x"): TIME, a_end: LENGTH, b_end: LENGTH, x_start: LENGTH,
           sp.Symbol("kappa", real=True): DIMENSIONLESS},
)
THM_3 = Claim(
    id="chen.thm3",
    title="lim eta log E tau_r (1-D): C inf over the boundary of -(h/rho) log(sigma + rho zeta^2)",
    lhs=sp.Symbol("lim eta log E tau"), rhs=sp.Symbol("C") * (-(h / rho) * sp.log(sigma + rho * radius**2)),
    relation="~", sources=(Source(SEED_004, "sec. 5, Theorem 3, eq. 5.1 (d = 1, boundary {-r, r})",
                                  note="the proof ends with log(1 + rho zeta^2/sigma) instead"),),
    regime="eta -> 0, C 'a prefactor to be determined'", clock=CLOCK, interpretation=ITO, model=POWER_LAW,
    # eta ln E tau is a time as eta -> 0 (the prefactor's unit drops out); C a number
    units={**UNITS, sp.Symbol("lim eta log E tau"): TIME, sp.Symbol("C"): DIMENSIONLESS},
)

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
THM_2_RATE = Claim(
    id="chen.thm2",
    title="Wasserstein contraction rate d lambda - theta of two copies (d = 1: lambda = eta rho, theta = h)",
    lhs=sp.Symbol("rate of W_2"), rhs=eta * rho - h, relation=">=",
    sources=(Source(SEED_004, "sec. 4, Theorem 2 (i), eq. 4.3 with eqs. 4.1-4.2 evaluated for d = 1"),),
    regime="synchronous coupling", units={**UNITS, sp.Symbol("rate of W_2"): TIME**-1}, clock=CLOCK,
    interpretation=ITO, model=POWER_LAW,
)
REMARK_2_RATE = Claim(
    id="chen.remark2",
    title="decoupled case: E|x_t - y_t|^2 contracts at least at rate c_s = eta rho - h",
    lhs=sp.Symbol("rate of E r"), rhs=eta * rho - h, relation=">=",
    sources=(Source(SEED_004, "sec. 4, Remark 2"),), regime="decoupled, synchronous coupling", clock=CLOCK,
    units={**UNITS, sp.Symbol("rate of E r"): TIME**-1}, interpretation=ITO, model=POWER_LAW,
)
ERGODICITY_4_4 = Claim(
    id="chen.eq4_4",
    title="ergodicity condition eta < h_min / (d^2 g_max^2 H_sum) (d = 1: eta < h / rho)",
    lhs=sp.Symbol("eta_max"), rhs=h / rho, relation="<=",
    sources=(Source(SEED_004, "sec. 4, Theorem 2 (ii), eq. 4.4 (d = 1: g_max^2 = sigma, H_sum = rho/sigma)"),),
    regime="sufficient condition", units={**UNITS, sp.Symbol("eta_max"): TIME}, clock=CLOCK, interpretation=ITO,
    model=POWER_LAW,
)


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
THM_4_ERROR = Claim(
    id="chen.thm4",
    title="error term 4/(3 delta^2) E(eps) K/(c eps) of Thm 4 at a fixed horizon T = K eps, E(eps) = E_2 eps^2",
    lhs=sp.Symbol("error term"),
    rhs=sp.Rational(4, 3) / delta_**2 * E_constant * epsilon_step**2 * (horizon / epsilon_step)
    / (c_constant * epsilon_step),
    sources=(Source(SEED_004, "sec. 6, Theorem 4 and Lemma 1 (eq. 6.8, 6.10)"),), regime="epsilon -> 0",
    # a probability; eps and T are times (K eps of time, sec. 6), delta a length, c = 2h - eta rho a rate, and
    # W_2^2 <= 4 E(eps) / (3 c eps) (6.8) makes E(eps) = E_2 eps^2 a squared length
    units={sp.Symbol("error term"): DIMENSIONLESS, delta_: LENGTH, E_constant: LENGTH**2 / TIME**2,
           epsilon_step: TIME, horizon: TIME, c_constant: TIME**-1},
    clock=CLOCK, interpretation=ITO, model=POWER_LAW,
)

# ------------------------------------------------------------------------------ 002 Prop. 1 and its linear-regression example
#: D_j is a covariance of the stochastic gradient: a squared gradient, as sigma_j = Var g_j(w*) (eq. 5)
COVARIANCE_UNITS = {**UNITS, sp.Symbol("D_j(w)"): SQUARED_GRADIENT}
PROP_1 = Claim(
    id="meng.prop1",
    title="diagonal state-dependent gradient covariance D_j = sigma_j + rho_j (w_j - w_j*)^2",
    lhs=sp.Symbol("D_j(w)"), rhs=sigma + rho * w**2,
    sources=(Source(SEED_002, "sec. 3.1, Proposition 1, eq. 5; appendix 7.1, Proposition 7 and its proof"),),
    regime="g(w) = g(w*) + H_tilde (w - w*) with H_tilde = diag(h_1, ..., h_d); Cov(h_i, h_j) = 0, "
           "Cov(g_i(w*), g_j(w*)) = 0 (i != j), Cov(g_i(w*), h_j) = 0 for all i, j",
    units=COVARIANCE_UNITS, clock=CLOCK, interpretation=ITO,
    relations={"compare_with": ("meng.prop1_example",)},
)
#: the example after Prop. 1: linear regression with inputs of zero covariance satisfies Prop. 1's hypotheses, with
#: (1/b) H_tilde = (1/b) X_tilde^T X_tilde = diag(h_1, ..., h_d) per mini-batch, so D(w) takes Prop. 1's diagonal form
PROP_1_EXAMPLE = Claim(
    id="meng.prop1_example",
    title="linear regression with uncorrelated inputs: the mini-batch gradient covariance is Prop. 1's diagonal "
          "D_j = sigma_j + rho_j (w_j - w_j*)^2",
    lhs=sp.Symbol("D_j(w)"), rhs=sigma + rho * w**2,
    sources=(Source(SEED_002, "sec. 3.1, 'Example' after Proposition 1; appendix 7.1, the linear-regression example "
                              "after Proposition 7 (H_tilde / b = X_tilde^T X_tilde / b = diag(h_1, ..., h_d))"),),
    regime="L(w) = |X w - Y|^2 / (2n), y = w' x + standard Gaussian noise; Cov(X_i, X_j) = 0 (i != j) and n large "
           "(w* - w' ~ 0); sigma_j = Var g_j(w*), rho_j = Var h_j per mini-batch of size b",
    units=COVARIANCE_UNITS, clock=CLOCK, interpretation="empirical covariance of mini-batch gradients",
    relations={"compare_with": ("meng.prop1",)},
)


def kappa_constraint(kappa_value: float, upper: float, what: str) -> float:
    """Domain check for kappa-distribution quantities (the 002 densities and moments)."""
    if not 0 < kappa_value < upper:
        raise ParameterError("kappa", kappa_value, f"(0, {upper:g})", what)
    return kappa_value


# ------------------------------------------------------------------------------ 002 sec. 5.2: the four-basin experiment
lambda_1 = sp.Symbol("lambda_1", nonnegative=True)
# ------------------------------------------------------------------------------ the 2-D four-basin model (002 sec. 5.2)
#: 002_0bd15634cbfb0ce4.txt sec. 5.2 (the paragraph before eq. 12): l(w) = 15 sum_{j=1}^2 |w_j - 1|^2.5 |w_j + 1|^3,
#: L(w) = (1/n) sum_{m=1}^n l(w - x_m). The weights w_1, w_2; one data point x_1, x_2 (the sample loss l(w - x));
#: the data set x[m, j], m = 1..n; u one coordinate of w - x_m (l is a sum over coordinates).
FOUR_BASIN_WEIGHTS = sp.symbols("w_1 w_2", real=True)
FOUR_BASIN_POINT = sp.symbols("x_1 x_2", real=True)
FOUR_BASIN_DATA = sp.IndexedBase("x", real=True)
four_basin_u = sp.Symbol("u", real=True)
four_basin_m = sp.Symbol("m", integer=True, positive=True)
four_basin_n = sp.Symbol("n", integer=True, positive=True)
four_basin_b = sp.Symbol("b", integer=True, positive=True)


def four_basin_coordinate_loss(u: sp.Expr) -> sp.Expr:
    """One coordinate of 002 sec. 5.2's l: 15 |u - 1|^(5/2) |u + 1|^3."""
    return 15 * sp.Abs(u - 1) ** sp.Rational(5, 2) * sp.Abs(u + 1) ** 3


#: l(w - x) for one data point x (002 sec. 5.2)
FOUR_BASIN_SAMPLE_LOSS = sum(four_basin_coordinate_loss(wj - xj) for wj, xj in zip(FOUR_BASIN_WEIGHTS, FOUR_BASIN_POINT))
#: L(w) = (1/n) sum_m l(w - x_m) (002 sec. 5.2, eq. 1 with this l)
FOUR_BASIN_LOSS = sp.Sum(FOUR_BASIN_SAMPLE_LOSS.subs({xj: FOUR_BASIN_DATA[four_basin_m, j + 1]
                                                      for j, xj in enumerate(FOUR_BASIN_POINT)}),
                         (four_basin_m, 1, four_basin_n)) / four_basin_n


def _off_the_kinks(expr: sp.Expr) -> sp.Expr:
    """expr with DiracDelta -> 0 and sign^2 -> 1: its value wherever no coordinate of w - x_m is +-1 (the kinks of l,
    a null set of w for every data set, which the simulation meets with probability 0)."""
    expr = expr.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    return expr.replace(lambda e: e.is_Pow and isinstance(e.base, sp.sign) and e.exp == 2, lambda e: sp.S.One)


@lru_cache(maxsize=1)
def four_basin_coordinate_derivatives() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(l_1, l_1', l_1'') in u for one coordinate l_1(u) = 15 |u-1|^(5/2) |u+1|^3 (002 sec. 5.2), derived by SymPy;
    l_1'' off the kinks u = +-1. The per-sample gradient of l(w - x) is (l_1'(w_1 - x_1), l_1'(w_2 - x_2)) and its
    Hessian diag(l_1''(w_1 - x_1), l_1''(w_2 - x_2)) (four_basin_sample_gradient, four_basin_sample_hessian)."""
    loss = four_basin_coordinate_loss(four_basin_u)
    return loss, sp.diff(loss, four_basin_u), _off_the_kinks(sp.diff(loss, four_basin_u, 2))


@lru_cache(maxsize=1)
def four_basin_sample_gradient() -> sp.Matrix:
    """grad_w l(w - x) (002 sec. 5.2), by SymPy: the summand of g(w) in 002 eq. 2."""
    return sp.Matrix([sp.diff(FOUR_BASIN_SAMPLE_LOSS, wj) for wj in FOUR_BASIN_WEIGHTS])


@lru_cache(maxsize=1)
def four_basin_sample_hessian() -> sp.Matrix:
    """Hessian in w of l(w - x) off the kinks (002 sec. 5.2), by SymPy: diagonal, since l is a sum over coordinates,
    so the Hessian of L and the per-sample h~_j of 002 Prop. 1 are its diagonal."""
    return sp.hessian(FOUR_BASIN_SAMPLE_LOSS, FOUR_BASIN_WEIGHTS).applyfunc(_off_the_kinks)


def four_basin_noise_trace() -> sp.Expr:
    """Tr Sigma(w) of 002 eq. 2 for the four-basin loss: (1/b) ((1/n) sum_m |grad l(w - x_m)|^2 - |grad L(w)|^2),
    with grad L = (1/n) sum_m grad l(w - x_m) (002 sec. 5.2). The check's lambda_2 solves 2 lambda_2^2 = this at w*
    (002 sec. 5.2: Tr Cov(lambda_2 xi_2) = Tr Cov(g(w*)), xi_2 ~ N(0, I_2))."""
    at_m = {xj: FOUR_BASIN_DATA[four_basin_m, j + 1] for j, xj in enumerate(FOUR_BASIN_POINT)}
    gradient = four_basin_sample_gradient().subs(at_m)
    mean_square = sp.Sum(sum(g**2 for g in gradient), (four_basin_m, 1, four_basin_n)) / four_basin_n
    full = [sp.Sum(g, (four_basin_m, 1, four_basin_n)) / four_basin_n for g in gradient]
    return (mean_square - sum(g**2 for g in full)) / four_basin_b


FOUR_BASIN_CLAIM = Claim(
    id="meng.four_basin",
    title="2-D four-basin model: the escape success rate rises with lambda_1, and the power-law dynamic (eq. 12) "
          "mimics SGD's escape better than Langevin",
    lhs=sp.Derivative(sp.Function("P_escape")(lambda_1), lambda_1), rhs=sp.Integer(0), relation=">=",
    sources=(Source(SEED_002, "sec. 5.2, eq. 12, Fig. 3(c)-(d); appendix 7.3 (quadratic coefficient ~ 30)"),),
    regime="l(w) = 15 sum_j |w_j-1|^2.5 |w_j+1|^3, x_m ~ N(0, 0.01 I_2), n = 100, eta = 0.025, 500 iterations, "
           "100 repetitions, escape from w* = (1, 1); lambda_2 from Tr Cov(lambda_2 xi_2) = Tr Cov(g(w*))",
    clock="iterations k of the discrete update (no SDE time enters the claim)",
    interpretation="discrete updates; eq. 12 is an Euler-Maruyama (Itô) step of the power-law SDE",
    # eta lambda_1 |w - w*| xi_1 is a step in w, so lambda_1 is a rate (1/[eta]); a probability has no unit
    units={sp.Function("P_escape"): DIMENSIONLESS, lambda_1: TIME**-1},
    notes="empirical statement; P_escape(lambda_1) is the probability of leaving the basin within 500 steps",
)


# ------------------------------------------------------------------------------ derived replacements (corrections)
#: Where a check finds a statement of 002 or 004 wrong and the toolkit derives what holds instead, that replacement is
#: a claim of its own (relations "corrects"), judged by checks of its own (verify/checks/power_law.py, "derived
#: replacements"): the report prints it as a correction only once those pass (verify.reports.verdicts.correction_status).
#: Each is judged in its original paper's convention.
def _derived(locator: str, note: str) -> Source:
    return Source(None, locator, paper="derived by escape-theory", note=note)


u_ = sp.Symbol("u", real=True)
n_ = sp.Symbol("n", positive=True)
p_ = sp.Symbol("p", positive=True)
v_ = sp.Symbol("v", positive=True)


@lru_cache(maxsize=2)
def time_to_saddle(langevin: bool = False) -> Derivation:
    """Mean time to first reach the saddle b from the minimum a (002 Definition 5) for the Itô SDE of 002 eq. 10,
    dw = -l'(w) dt + sqrt(eta (sigma + mu l(w))) dB (langevin: mu = 0, the Langevin dynamic of sec. 4.2), at leading
    order as eta -> 0, from its generator: T = int_{-oo}^b s(y) int_{-oo}^y m(z) dz dy (diffusion1d.mean_exit_time)
    with the scale density s = exp(-int 2 drift / a) and the speed density m = 2 / (a s). As eta -> 0, m concentrates
    at a and s at b (Laplace's method), where the loss is replaced by its quadratic approximations l(a + u) = H_a u^2/2
    (l(a) = 0) and l(b + u) = Delta_L - |H_b| u^2/2: the inner integral runs over the whole well, the outer over the
    half line up to b (for mu > 0 up to where the quadratic saddle's sigma + mu l vanishes, far outside the O(sqrt eta)
    region that contributes)."""
    ell = sp.Function("l")
    mu_value = sp.Integer(0) if langevin else mu
    drift, a = -sp.diff(ell(w), w), eta * (sigma + mu_value * ell(w))
    d = Derivation("time to reach the saddle from the minimum, from the Itô generator of "
                   + ("the Langevin dynamic (mu = 0)" if langevin else "002 eq. 10") + ", eta -> 0", sp.S.Zero)
    d.step("drift and a = sigma(w)^2 of dw = -l'(w) dt + sqrt(eta (sigma + mu l)) dB", sp.Tuple(drift, a))
    log_scale = d.step("log s = -int 2 drift / a dw", sp.integrate(sp.simplify(-2 * drift / a), w))
    d.verify("(log s)' + 2 drift / a", sp.diff(log_scale, w) + 2 * drift / a)
    well, saddle = {ell(w): H_a * u_**2 / 2}, {ell(w): Delta_L - H_b * u_**2 / 2}
    if langevin:
        scale = sp.exp(log_scale)
        speed = d.step("speed density m = 2 / (a s)", sp.simplify(2 / (a * scale)))
        inner = d.step("int m over the well, l = H_a u^2/2", sp.integrate(speed.subs(well).subs(w, u_),
                                                                             (u_, -sp.oo, sp.oo), conds="none"))
        outer = d.step("int s over the half line up to b, l = Delta_L - |H_b| u^2/2",
                       sp.integrate(scale.subs(saddle).subs(w, u_), (u_, -sp.oo, 0), conds="none"))
    else:
        power = 2 / (eta * mu)
        scale = d.step("s = (sigma + mu l)^n, n = 2/(eta mu)", (sigma + mu * ell(w)) ** n_)
        d.verify("log s as integrated", sp.expand_log(sp.log(scale.subs(n_, power)) - log_scale, force=True))
        d.step("speed density m = 2 / (a s)", 2 / (eta * (sigma + mu * ell(w)) ** (n_ + 1)))
        standard = d.step("int_R (1 + v^2)^(-p) dv", sp.integrate((1 + v_**2) ** -p_, (v_, -sp.oo, sp.oo), conds="none"))
        half_beta = d.step("int_0^1 (1 - v^2)^n dv = 1/2 int_0^1 y^(-1/2) (1 - y)^n dy",
                           sp.integrate(v_ ** sp.Rational(-1, 2) * (1 - v_) ** n_, (v_, 0, 1), conds="none") / 2)
        c_well, top = sp.sqrt(2 * sigma / (mu * H_a)), sigma + mu * Delta_L
        c_saddle = sp.sqrt(2 * top / (mu * H_b))
        d.verify("u = c_well v: sigma + mu H_a u^2/2 = sigma (1 + v^2)",
                 (sigma + mu * ell(w)).subs(well).subs(u_, c_well * v_) - sigma * (1 + v_**2))
        d.verify("u = -c_saddle v: sigma + mu (Delta_L - |H_b| u^2/2) = (sigma + mu Delta_L)(1 - v^2)",
                 (sigma + mu * ell(w)).subs(saddle).subs(u_, -c_saddle * v_) - top * (1 - v_**2))
        inner = d.step("int m over the well", 2 / eta * sigma ** -(n_ + 1) * c_well * standard.subs(p_, n_ + 1))
        outer = d.step("int s over the half line up to b", top**n_ * c_saddle * half_beta)
        inner, outer = inner.subs(n_, power), outer.subs(n_, power)
    d.result = d.step("T = (int s) (int m)", sp.simplify(sp.gammasimp(inner * outer)))
    return d


@lru_cache(maxsize=1)
def omega_exit_rate() -> Derivation:
    """lim_{eta -> 0} eta ln E tau for 002 eq. 10 from its generator: the exponential rate of time_to_saddle, which is
    that of s(b)/s(a) = ((sigma + mu Delta_L)/sigma)^(2/(eta mu)) (the 1-D quasi-potential)."""
    d = Derivation("exponential rate of the time to reach b (002 eq. 10), from the Itô generator", sp.S.Zero)
    time = d.step("time to reach b (time_to_saddle)", time_to_saddle().result)
    log_time = sp.expand_log(sp.log(time), force=True)
    d.result = d.step("lim_{eta -> 0} eta ln T", sp.simplify(sp.limit(sp.expand(eta * log_time), eta, 0)))
    return d


@lru_cache(maxsize=1)
def second_moment_from_minimum() -> Derivation:
    """E w_t^2 started at w* = 0 (002 Prop. 2's and Thm 4's setting) from the generator's moment ODE."""
    d = Derivation("E w_t^2 of the Itô power-law dynamic started at w* = 0", sp.S.Zero)
    general = d.step("E w_t^2 from d m/dt = a_1 m + b_1 (second_moment)", second_moment().result)
    d.result = d.step("w_0 = 0", sp.simplify(general.subs(w0, 0)))
    return d


@lru_cache(maxsize=1)
def small_time_power() -> Derivation:
    d = Derivation("power of t in E w_t^2 as t -> 0, started at w*", sp.S.Zero)
    moment = d.step("E w_t^2, w_0 = 0 (second_moment_from_minimum)", second_moment_from_minimum().result)
    d.result = d.step("lim_{t -> 0} t d/dt ln E w_t^2", sp.simplify(sp.limit(t * sp.diff(sp.log(moment), t), t, 0)))
    return d


@lru_cache(maxsize=1)
def ito_stationary_density() -> Derivation:
    return diffusion1d.stationary_density(POWER_LAW)


@lru_cache(maxsize=1)
def ito_generator() -> Derivation:
    f = sp.Function("f")
    d = Derivation("generator of the Model (Itô): L f = drift f' + (a/2) f''", sp.S.Zero)
    d.step("drift, a = sigma(w)^2", sp.Tuple(POWER_LAW.drift[0], POWER_LAW.covariance[0, 0]))
    d.result = d.step("L f", POWER_LAW.generator(f(w)))
    return d


@lru_cache(maxsize=1)
def variance_threshold() -> Derivation:
    """p ∝ (1 + c w^2)^kappa has tail |w|^(2 kappa): w^2 p is integrable iff 2 + 2 kappa < -1."""
    d = Derivation("the kappa above which the variance of (1 + c w^2)^kappa is infinite", sp.S.Zero)
    tail = d.step("tail exponent of w^2 p", 2 + 2 * kappa_symbol)
    d.result = d.step("int |w|^e dw diverges at oo iff e >= -1: kappa >=", sp.solve(sp.Eq(tail, -1), kappa_symbol)[0])
    return d


@lru_cache(maxsize=1)
def zero_flux_drift() -> Derivation:
    """The drift f that keeps p_s ∝ (1 + rho z^2/sigma)^kappa stationary for the Model's diffusion a = eta (sigma +
    rho z^2): zero flux of the Itô Fokker-Planck equation, f p_s = (a p_s)'/2."""
    d = Derivation("drift of zero Itô flux for the power-law density", sp.S.Zero)
    a = POWER_LAW.covariance[0, 0]
    density = d.step("p_s", (1 + rho * w**2 / sigma) ** kappa_symbol)
    d.result = d.step("f = (a p_s)' / (2 p_s)", sp.factor(sp.simplify(sp.diff(a * density, w) / (2 * density))))
    with_drift = Model("power-law diffusion with the derived drift", POWER_LAW.state, sp.Matrix([d.result]),
                       POWER_LAW.diffusion, POWER_LAW.domain, POWER_LAW.start)
    d.verify("Fokker-Planck operator of the Model with drift f, on p_s", with_drift.fokker_planck(density))
    return d


#: 004 eq. 5.2's own integrands with kappa = kappa_004 (Thm 1): e^phi(y) / (eta (sigma + rho y^2)) is the scale density
#: of the Model and 2 e^-phi(z) its speed density (up to one constant, which cancels in their product)
PHI_004 = PHI_52.subs(sp.Symbol("kappa", real=True), kappa_004)
SCALE_52 = sp.exp(PHI_004.subs(w, y_)) / (eta * (sigma + rho * y_**2))
SPEED_52 = 2 * sp.exp(-PHI_004.subs(w, z_))


def two_sided_exit_template(scale, speed) -> sp.Expr:
    """T(x) = int_x^b s(y) M(y) dy - (int_x^b s / int_a^b s) int_a^b s(y) M(y) dy, M(y) = int_a^y m(z) dz: eq. 5.2's
    term (a reflecting end at a) minus the harmonic function that makes T vanish at a as well as at b."""
    one_sided = sp.Integral(scale * sp.Integral(speed, (z_, a_end, y_)), (y_, x_start, b_end))
    return one_sided - _at_lower(one_sided) * sp.Integral(scale, (y_, x_start, b_end)) \
        / sp.Integral(scale, (y_, a_end, b_end))


def _at_lower(expr: sp.Expr) -> sp.Expr:
    return expr.subs(x_start, a_end)


@lru_cache(maxsize=1)
def two_sided_exit_time() -> Derivation:
    """The mean exit time of the Model from [a, b] started at x, in eq. 5.2's notation, from the generator: with s the
    scale density (s'/s = -2 drift/a) and m = 2/(a s) the speed density, T of two_sided_exit_template solves
    L T = -1 (drift T' + (a/2) T'' + 1 = -(M - C)(drift s + a s'/2) - (a/2) s m + 1 = 0) and T(a) = T(b) = 0."""
    d = Derivation("mean exit time from [a, b] in 004 eq. 5.2's notation, from the Itô generator", sp.S.Zero)
    drift, a = POWER_LAW.drift[0].subs(w, y_), POWER_LAW.covariance[0, 0].subs(w, y_)
    scale = d.step("s(y) = e^phi(y) / (eta (sigma + rho y^2)) (eq. 5.2's outer integrand)", SCALE_52)
    speed = d.step("m(z) = 2 e^-phi(z) (eq. 5.2's inner integrand, with its factor 2)", SPEED_52)
    d.verify("scale density: s'/s + 2 drift / a", sp.diff(scale, y_) / scale + 2 * drift / a)
    d.verify("speed density: a s m / 2 - 1", a * scale * speed.subs(z_, y_) / 2 - 1)
    S, M, B, A = (sp.Function(name) for name in ("s", "m", "b", "a"))
    generic = two_sided_exit_template(S(y_), M(z_)).subs(x_start, w)
    applied = B(w) * sp.diff(generic, w) + A(w) / 2 * sp.diff(generic, w, 2)
    applied = applied.subs(M(w), 2 / (A(w) * S(w))).subs(B(w), -A(w) * sp.diff(S(w), w) / (2 * S(w)))
    d.verify("drift T' + (a/2) T'' + 1 for generic s, m with s' = -2 drift s / a and m = 2 / (a s)", applied + 1)
    d.result = d.step("T(x)", two_sided_exit_template(scale, speed))
    d.verify("T(b) = 0", diffusion1d._at(d.result, x_start, b_end))
    d.verify("T(a) = 0", d.result.subs(x_start, a_end))
    return d


# 15 parameters: the fields of the Claim it builds, passed by name at each of its call sites
def _replacement(claim_id: str, corrects: tuple, title: str, lhs, rhs, locator: str, note: str, make, units: dict,
                 convention_, relation: str = "=", regime: str = "", interpretation: str = ITO, relations=None,
                 **kwargs) -> Claim:
    """Register a derived replacement of `corrects` (its original's convention and units)."""
    return Claim(
        id=claim_id, title=title, lhs=lhs, rhs=rhs, relation=relation, sources=(_derived(locator, note),),
        regime=regime, units=units, clock=CLOCK, interpretation=interpretation, convention=convention_,
        derivation=DeferredDerivation(title, make), relations={"corrects": corrects, **(relations or {})}, **kwargs)


STATIONARY_DERIVED = _replacement(
    "meng.derived.stationary_density", ("meng.stationary_density",),
    "stationary density of the Itô power-law dynamic that 002 writes (eq. 7)", STATIONARY_002.lhs,
    (1 + rho / sigma * w**2) ** (-1 - h / (eta * rho)) / Z,
    "zero-flux stationary solution of the Itô Fokker-Planck equation of 002 eq. 7",
    "diffusion1d.stationary_density of the Model; the same density as 004 Thm 1 (ii) (chen.thm1_ii)",
    ito_stationary_density, {**UNITS, **DENSITY_UNITS}, CONVENTION_002, regime=STATIONARY_002.regime,
    model=POWER_LAW, relations={"compare_with": ("chen.thm1_ii",)})
MOMENT_FROM_MINIMUM_DERIVED = _replacement(
    "meng.derived.thm9_moment", ("meng.thm9_moment",), "E w_t^2 of the Itô power-law dynamic started at w*",
    THM_9_MOMENT.lhs, eta * sigma * (1 - sp.exp(-(2 * h - eta * rho) * t)) / (2 * h - eta * rho),
    "second moment of 002 eq. 7 started at w* = 0 (the setting of Prop. 2 and the proof of Thm 9)",
    "d E w^2/dt = E[L w^2] with the Model's Itô generator (moment_equation at k = 1), solved with m(0) = 0",
    second_moment_from_minimum, {**UNITS, sp.Symbol("E w_t^2"): LENGTH**2}, CONVENTION_002,
    regime="started at w*, every t >= 0 (finite as t -> oo iff eta rho < 2 h)", model=POWER_LAW)
EQ_6_9_DERIVED = _replacement(
    "chen.derived.eq6_9", ("chen.eq6_9",), "second moment of the 1-D power-law dynamic (the exact value eq. 6.9 bounds)",
    EQ_6_9.lhs, sp.exp(-(2 * h - eta * rho) * t) * (w0**2 - eta * sigma / (2 * h - eta * rho))
    + eta * sigma / (2 * h - eta * rho),
    "second moment of 004 eq. 2.16 (one coordinate) from w_0, in eq. 6.9's form",
    "d E v^2/dt = E[L v^2] with the Model's Itô generator (second_moment): eq. 6.9 with eta sigma, not eta rho, "
    "in the level it relaxes to", second_moment, {**UNITS, w0: LENGTH, sp.Symbol("E v_t^2"): LENGTH**2},
    CONVENTION_004, regime="2h > eta rho for the level to be finite; any t >= 0", model=POWER_LAW)
THM_4_ORDER_DERIVED = _replacement(
    "meng.derived.thm4", ("meng.thm4",), "power of t in E (w_t - w*)^2 at small t, started at w*", THM_4_ORDER.lhs,
    sp.Integer(1), "small-t power of the exact second moment of 002 eq. 7 started at w*",
    "lim t d/dt ln E w_t^2 as t -> 0 of second_moment_from_minimum: E w_t^2 = eta sigma t + O(t^2)", small_time_power,
    {sp.Symbol("d log E w_t^2 / d log t"): DIMENSIONLESS}, CONVENTION_002, regime="small t, started at w*")
THM_4_ESCAPE_DERIVED = _replacement(
    "meng.derived.thm4_escaping_time", ("meng.thm4_escaping_time",),
    "epsilon-escaping time (E w_t^2 = epsilon^2) of the Itô power-law dynamic, one coordinate", THM_4_ESCAPE.lhs,
    epsilon_radius**2 / (eta * sigma), "E w_t^2 = epsilon^2 solved exactly for 002 eq. 7, leading order in epsilon",
    "epsilon_escaping_time: the exact second moment from the Model's generator; rho enters at O(epsilon^4)",
    epsilon_escaping_time, {**UNITS, epsilon_radius: LENGTH, sp.Symbol("t_epsilon"): TIME}, CONVENTION_002,
    relation="~", regime="small epsilon, started at w*")
THM_6_DERIVED = _replacement(
    "meng.derived.thm6", ("meng.thm6", "meng.thm10"),
    "mean time to reach the saddle b of the Itô power-law dynamic (002 eq. 10, d = 1)", THM_6.lhs,
    sp.pi / ((1 + eta * mu / 4) * sp.sqrt(H_a * H_b)) * (1 + mu / sigma * Delta_L) ** (2 / (eta * mu) + sp.Rational(1, 2)),
    "time to first reach b (002 Definition 5) for the Itô SDE of 002 eq. 10, leading order as eta -> 0",
    "time_to_saddle: the generator's scale and speed densities, the loss quadratic near a and b; Thm 10 at d = 1 "
    "(det H_b = h_be) is the same time", time_to_saddle, dict(OMEGA_UNITS), CONVENTION_002, relation="~",
    regime="low temperature eta sigma << Delta_L; quadratic near a and b; d = 1")
LANGEVIN_DERIVED = _replacement(
    "meng.derived.langevin_limit", ("meng.langevin_limit",),
    "mean time to reach the saddle b of the Langevin dynamic dw = -l'(w) dt + sqrt(eta sigma) dB", LANGEVIN_002.lhs,
    sp.pi / sp.sqrt(H_a * H_b) * sp.exp(2 * Delta_L / (eta * sigma)),
    "time to first reach b (002 Definition 5) for 002 eq. 10 at mu = 0, leading order as eta -> 0 (Kramers with "
    "D = eta sigma / 2)", "time_to_saddle(langevin=True), and the mu -> 0 limit of meng.derived.thm6",
    lambda: time_to_saddle(True), dict(OMEGA_UNITS), CONVENTION_002, relation="~",
    regime="mu = 0; low temperature eta sigma << Delta_L", relations={"limit_of": ("meng.derived.thm6",)})
TABLE_1_DERIVED = _replacement(
    "meng.derived.table1", ("meng.table1",), "order of the Omega-escaping time of the power-law dynamic (eq. 10)",
    TAU_ORDER, (1 + mu * Delta_L / sigma) ** (2 / (eta * mu)),
    "exponential order of the time to reach b for 002 eq. 10: lim eta ln tau = (2/mu) ln(1 + mu Delta_L/sigma)",
    "omega_exit_rate: the exponential rate of time_to_saddle (the 1-D quasi-potential of the Model); the rest of "
    "meng.derived.thm6 is O(1) in eta", omega_exit_rate, {**OMEGA_UNITS, TAU_ORDER: DIMENSIONLESS}, CONVENTION_002,
    relation="~", regime="orders only: tau / C_O, C_O the constant of O(.) (a time); eta -> 0",
    relations={"compare_with": ("meng.derived.thm6",)})
GENERATOR_DERIVED = _replacement(
    "chen.derived.generator_A1", ("chen.generator_A1",), "generator of the 1-D power-law diffusion (Itô)",
    GENERATOR_A1.lhs, -h * w * sp.Derivative(sp.Function("f")(w), w)
    + eta * (sigma + rho * w**2) / 2 * sp.Derivative(sp.Function("f")(w), w, 2),
    "Itô generator of 004 eq. 2.16: drift f' + (a/2) f'', a = eta (sigma + rho w^2)",
    "Model.generator of the Model", ito_generator, dict(GENERATOR_A1.units), CONVENTION_004, model=POWER_LAW)
EQ_5_2_DERIVED = _replacement(
    "chen.derived.eq5_2", ("chen.eq5_2",), "exact mean exit time of the 1-D power-law dynamic from [a, b]",
    EQ_5_2.lhs, two_sided_exit_template(SCALE_52, SPEED_52),
    "mean exit time of 004 eq. 2.16 from [a, b] (both ends absorbing), in eq. 5.2's notation (phi, kappa of Thm 1)",
    "two_sided_exit_time: eq. 5.2's term minus the scale-function correction; L T = -1 and T(a) = T(b) = 0 from the "
    "Model's generator", two_sided_exit_time,
    {key: dim for key, dim in EQ_5_2.units.items() if key != sp.Symbol("kappa", real=True)}, CONVENTION_004,
    regime="d = 1, a < x < b", model=POWER_LAW)
THM_3_DERIVED = _replacement(
    "chen.derived.thm3", ("chen.thm3",), "lim eta log E tau_r of the 1-D power-law dynamic from 0 (boundary {-r, r})",
    THM_3.lhs, h / rho * sp.log(1 + rho * radius**2 / sigma),
    "exit exponent of 004 eq. 2.16 from (-r, r): minus eta ln of the Itô stationary density's shape at r",
    "exit_exponent_limit (the 1-D quasi-potential, Freidlin & Wentzell sec. 4.3); the last line of 004's proof of "
    "Thm 3 has the same log(1 + rho zeta^2/sigma)", exit_exponent_limit, dict(THM_3.units), CONVENTION_004,
    regime="eta -> 0", model=POWER_LAW)
REMARK1_VARIANCE_DERIVED = _replacement(
    "chen.derived.remark1_variance", ("chen.remark1_variance",),
    "the variance of p_s ∝ (1 + rho x^2/sigma)^kappa is infinite when kappa >= this threshold",
    REMARK1_VARIANCE.lhs, -sp.Rational(3, 2), "tail of (1 + c w^2)^kappa: w^2 p integrable iff 2 + 2 kappa < -1",
    "variance_threshold", variance_threshold, dict(REMARK1_VARIANCE.units), CONVENTION_004,
    regime=REMARK1_VARIANCE.regime)
REMARK1_DRIFT_DERIVED = _replacement(
    "chen.derived.remark1_drift", ("chen.remark1_drift",),
    "drift that keeps (1 + rho z^2/sigma)^kappa stationary under the Model's diffusion", REMARK1_DRIFT.lhs,
    (1 + kappa_symbol) * eta * rho * w, "zero Itô flux f p_s = (a p_s)'/2 with a = eta (sigma + rho z^2) (004 eq. 2.16)",
    "zero_flux_drift, checked by the Fokker-Planck operator of the Model with that drift; at 004's kappa it is the "
    "Model's -h z", zero_flux_drift, dict(REMARK1_DRIFT.units), CONVENTION_004, regime="d = 1")
MOMENT_RATE_DERIVED = _replacement(
    "chen.derived.eq3_3", ("chen.eq3_3",), "growth rate a_k of the 2k-th moment (L w^2k = a_k w^2k + b_k w^(2k-2))",
    MOMENT_RATE_004.lhs, k_ * ((2 * k_ - 1) * eta * rho - 2 * h),
    "the Itô generator of 004 eq. 2.16 applied to w^2k, one coordinate", "moment_equation", moment_equation,
    dict(MOMENT_RATE_004.units), CONVENTION_004, regime="decoupled, one coordinate", model=POWER_LAW)
