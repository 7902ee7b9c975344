"""The scheduler theorems of Battash & Lindenbaum: seed 000_6ac092e84b589a62.txt (conference version,
with appendices) and seed 001_8289d68cf3bd5d68.txt (review version).

Every theorem is a sum over parameters l of one term; the Claims below state that term (the summand),
since every derivation and comparison acts on it term by term. Symbols follow the papers:
m_bar_l = lambda_bar_l^alpha_l eps^alpha_l / alpha_l, beta_bar_l = 2 eps^(rho alpha_l) / alpha_l, A = A_{l,nu},
s_t = t^(gamma - 1) (the "exponential" scheduler), Phi_l = (-d_l^-)^-alpha_l + (d_l^+)^-alpha_l.
"""

from __future__ import annotations

import sympy as sp

from .claim import Claim, Source
from .derivation import Derivation
from .domain import Ball
from .levy import CLOCK, NOISE, SEED_000, nu_tail
from .levy import alpha as levy_alpha
from .model import AlphaStable, Model
from .registry import register

SEED_001 = "001_8289d68cf3bd5d68.txt"

alpha_l = sp.Symbol("alpha_l", positive=True)
alpha_i = sp.Symbol("alpha_i", positive=True)
alpha_nu = sp.Symbol("alpha_nu", positive=True)
gamma = sp.Symbol("gamma", positive=True)
rho = sp.Symbol("rho", positive=True)
eps = sp.Symbol("epsilon", positive=True)
lam_bar = sp.Symbol("lambda_bar_l", positive=True)
Phi = sp.Symbol("Phi_l", positive=True)
Phi_i = sp.Symbol("Phi_i", positive=True)
A = sp.Symbol("A_lnu", positive=True)
beta_l = sp.Symbol("beta_l", positive=True)
beta_S = sp.Symbol("beta_S", positive=True)
beta_i = sp.Symbol("beta_i", positive=True)
m_i = sp.Symbol("m_bar_i", positive=True)
d_plus_i = sp.Symbol("d_i_plus", positive=True)
u = sp.Symbol("u", positive=True)
t = sp.Symbol("t", positive=True)

m_bar = lam_bar**alpha_l * eps**alpha_l / alpha_l           # Thm 4.1 of both versions
beta_bar = 2 * eps ** (rho * alpha_l) / alpha_l               # Thm 4.1 of both versions
CONDITIONS = (alpha_l < 2, alpha_nu < 2, rho < 1, gamma < 1)
REGIME = "small eps; exits only at large jumps; s_t = t^(gamma-1) with 1 + (gamma-1)(alpha_l-1) > 0"

# ------------------------------------------------------------------------------ Theorem 4.1
C_main = (2 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) / (1 + (gamma - 1) * (alpha_l - 1))
C_appendix = (2 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) / (1 + (gamma - 1) * rho * (alpha_l - 1))
m_sym = sp.Symbol("m_bar_l", positive=True)   # m_bar_l kept as one symbol in the theorem terms

THM_4_1 = register(Claim(
    id="battash.thm4_1",
    title="mean transition time, exponential scheduler (term l of the sum)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=beta_l * (m_sym * Phi) ** (1 - C_main) * sp.gamma(C_main) / (A * beta_S * (1 + (gamma - 1) * (alpha_l - 1))),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.1"), Source(SEED_001, "sec. 4, Theorem 4.1 (same statement)")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))

THM_4_1_APPENDIX = register(Claim(
    id="battash.thm4_1_appendix",
    title="mean transition time as the proof in appendix B.1 ends (term l)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=beta_l * m_sym * Phi * (m_sym * Phi) ** (-C_appendix) * sp.gamma(C_appendix)
    / (A * beta_S * (1 + (gamma - 1) * rho * (alpha_l - 1))),
    relation="<=", sources=(Source(SEED_000, "appendix B.1, eq. 27 (last line)"),),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"compare_with": ("battash.thm4_1",)},
))

#: eq. 27, the line before the last: the integrand in t, with beta_l(t)/beta_S(t) -> beta_l/beta_S
EQ27_INTEGRAND = (beta_l / beta_S) * t * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) * m_sym * Phi \
    * sp.exp(-t ** ((gamma - 1) * (alpha_l - 1)) * m_sym * Phi * t) / A
#: eq. 27, the last line: the same integrand as the paper rewrote it (exponent 1 + (gamma-1) rho (alpha_l-1))
EQ27_LAST_INTEGRAND = (beta_l / beta_S) * t ** (1 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) \
    * m_sym * Phi * sp.exp(-t ** (1 + (gamma - 1) * rho * (alpha_l - 1)) * m_sym * Phi) / A


def power_exponential_integral(integrand: sp.Expr, variable: sp.Symbol = t, lower: sp.Expr = sp.S.Zero) -> Derivation:
    """int_lower^oo c0 t^a exp(-c t^b) dt = c0 Gamma((a+1)/b, c lower^b) / (b c^((a+1)/b)), derived by
    substituting v = c t^b (SymPy's integrate does not close the general case); the integrand must have that
    shape. lower = 0 gives the complete Gamma function."""
    d = Derivation("int_0^oo of a power times a stretched exponential", sp.S.Zero)
    expanded = sp.powsimp(sp.expand_power_base(integrand, force=True), force=True)
    d.step("integrand", expanded)
    exponential = [f for f in sp.Mul.make_args(expanded) if isinstance(f, sp.exp)]
    if len(exponential) != 1:
        raise ValueError(f"integrand {integrand} is not a power times one exponential")
    argument = sp.powsimp(-exponential[0].args[0], force=True)
    c_coeff, power = argument.as_coeff_exponent(variable)
    rest = sp.powsimp(sp.simplify(expanded / exponential[0]), force=True)
    c0, a = rest.as_coeff_exponent(variable)
    if variable in (c_coeff * c0).free_symbols:
        raise ValueError(f"integrand {integrand} is not c0 t^a exp(-c t^b)")
    d.step("identified (a, b, c) in c0 t^a exp(-c t^b)", sp.Tuple(sp.simplify(a), sp.simplify(power), c_coeff))
    k = sp.simplify((a + 1) / power)
    d.step("substitute v = c t^b: c0 / (b c^k) int_{c lower^b}^oo v^(k-1) e^-v dv with k = (a+1)/b > 0", k)
    gamma_value = sp.gamma(k) if lower == 0 else sp.uppergamma(k, c_coeff * lower**power)
    d.result = d.step("= c0 Gamma(k, c lower^b) / (b c^k)", sp.simplify(c0 * gamma_value / (power * c_coeff**k)))
    return d


# ------------------------------------------------------------------------------ Corollary 4.2 / eq. 28
COR_4_2 = register(Claim(
    id="battash.cor4_2",
    title="mean transition time as gamma -> 1 (term l)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=1 / (A * beta_S * lam_bar * eps ** (alpha_l * (1 - rho)) * Phi),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.2, eq. 16; appendix B.1 eq. 28 (with lambda_l)"),
             Source(SEED_001, "sec. 4, Corollary 4.2, eq. 16")),
    regime="gamma -> 1 (constant learning rate), small eps", conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_1",), "limit_of": ("battash.thm4_1",)},
))

# ------------------------------------------------------------------------------ Theorem 4.5 / Corollary 4.6
gamma_l = 1 + (gamma - 1) * (alpha_l - 1)
kappa_numerator = 1 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))
kappa = kappa_numerator / gamma_l
beta_bar_l = sp.Symbol("beta_bar_l", positive=True)
THM_4_5 = register(Claim(
    id="battash.thm4_5",
    title="probability of exiting after time u, exponential scheduler (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"),
    rhs=beta_bar_l * m_sym * Phi * sp.uppergamma(kappa, m_sym * Phi * u ** gamma_l)
    / (A * beta_S * gamma_l * (m_sym * Phi) ** kappa),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.5, eq. 21; appendix C.4"),
             Source(SEED_001, "sec. 4, Theorem 4.5, eq. 22 (beta_bar_S for beta_S)")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))
#: appendix C.4, eq. 68: the integrand after s_t = t^(gamma - 1), from the line above it (exponent t^gamma_l)
EQ68_INTEGRAND = beta_bar_l * m_sym * Phi / (A * beta_S) * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) \
    * sp.exp(-t ** ((gamma - 1) * (alpha_l - 1)) * m_sym * Phi * t)
gamma_rho = 1 + (gamma - 1) * rho * (alpha_l - 1)
EQ_68 = register(Claim(
    id="battash.eq68",
    title="P(sigma > u) as the proof in appendix C.4 ends (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"),
    rhs=beta_bar_l * m_sym * Phi / (A * beta_S) * (m_sym * Phi) ** (-kappa_numerator / gamma_rho)
    * sp.uppergamma(kappa_numerator / gamma_rho, m_sym * Phi * u**gamma_rho) / gamma_rho,
    relation="<=", sources=(Source(SEED_000, "appendix C.4, eq. 68 (last line)"),), regime=REGIME,
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.thm4_5",)},
))

COR_4_6 = register(Claim(
    id="battash.cor4_6",
    title="probability of exiting after time u as gamma -> 1 (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"), rhs=beta_bar_l / (A * beta_S) * sp.exp(-m_sym * Phi * u), relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.6, eq. 22; appendix C.5"),
             Source(SEED_001, "sec. 4, Corollary 4.6, eq. 23")),
    regime="gamma -> 1", conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_5",), "limit_of": ("battash.thm4_5",)},
))

# ------------------------------------------------------------------------------ Theorem 4.3 / eqs. 30-31
C_l_main = ((gamma - 1) * (alpha_l - 1 + rho * (2 * alpha_l - alpha_nu - alpha_l)) + 2) / ((gamma - 1) * (alpha_l - 1) + 1)
THM_4_3 = register(Claim(
    id="battash.thm4_3",
    title="probability of exiting through the upper face of parameter i (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 * (m_sym * Phi) ** (-C_l_main) * sp.gamma(C_l_main)
    / (A * beta_S * ((gamma - 1) * (alpha_l - 1) + 1)),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.3, eq. 17"), Source(SEED_001, "sec. 4, Theorem 4.3, eq. 18")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))
EQ_31 = register(Claim(
    id="battash.eq31",
    title="exit through the upper face of parameter i as gamma -> 1 (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 / (A * beta_S * (m_sym * Phi) ** 2),
    relation="<=", sources=(Source(SEED_000, "appendix B.2, eq. 31"),), regime="gamma -> 1",
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"limit_of": ("battash.thm4_3",)},
))

#: appendix B.2, the integrand of the line before eq. 30 as the paper writes it (exponent with rho)
EQ30_LAST_INTEGRAND = (m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 / (A * beta_S) \
    * t ** ((gamma - 1) * (alpha_i - 1 + rho * (2 * alpha_l - alpha_nu - alpha_i)) + 1) \
    * sp.exp(-t ** ((gamma - 1) * rho * (alpha_l - 1) + 1) * m_sym * Phi)
#: the same integrand with the exponent of the line above it: s_t^(alpha_l-1) m Phi t = t^(1+(gamma-1)(alpha_l-1)) m Phi
EQ30_INTEGRAND = EQ30_LAST_INTEGRAND.subs(sp.exp(-t ** ((gamma - 1) * rho * (alpha_l - 1) + 1) * m_sym * Phi),
                                          sp.exp(-t ** ((gamma - 1) * (alpha_l - 1) + 1) * m_sym * Phi))
C_l_appendix = ((gamma - 1) * (alpha_i - 1 + rho * (2 * alpha_l - alpha_nu - alpha_i)) + 2) \
    / ((gamma - 1) * rho * (alpha_l - 1) + 1)
EQ_30 = register(Claim(
    id="battash.eq30",
    title="exit through the upper face of parameter i as the proof in appendix B.2 ends (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 * (m_sym * Phi) ** (-C_l_appendix)
    * sp.gamma(C_l_appendix) / (A * beta_S * ((gamma - 1) * rho * (alpha_l - 1) + 1)),
    relation="<=", sources=(Source(SEED_000, "appendix B.2, eq. 30"),), regime=REGIME, conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.thm4_3",)},
))

#: the factor of Thm 4.3 that stands for "the jump of parameter i leaves through d_i^+"
FACE_FACTOR_STATED = (m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i)

# ------------------------------------------------------------------------------ Corollary 4.4
alpha_j = sp.Symbol("alpha_j", positive=True)
lam_l = sp.Symbol("lambda_l", positive=True)
lam_j = sp.Symbol("lambda_j", positive=True)
d_plus_l = sp.Symbol("d_l_plus", positive=True)
d_plus_j = sp.Symbol("d_j_plus", positive=True)

COR_4_4 = register(Claim(
    id="battash.cor4_4",
    title="ratio of the probabilities of exiting through parameter l and parameter j",
    lhs=sp.Symbol("P(Omega_l^+)/P(Omega_j^+)"),
    rhs=lam_l**alpha_l / lam_j**alpha_j * eps ** ((alpha_l - alpha_j) * (1 - rho)) * d_plus_l ** (-alpha_l)
    / d_plus_j ** (-alpha_j),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.4, eq. 19; eq. 20 (proportional to eps^(alpha_l - alpha_j))"),
             Source(SEED_001, "sec. 4, Corollary 4.4, eq. 20; eq. 21")),
    regime="gamma -> 1, small eps", conditions=(alpha_l < 2, alpha_j < 2, rho < 1), clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_3",)},
))


def exit_face_ratio() -> Derivation:
    """With gamma = 1 the exit is the first jump that leaves; jumps of different parameters are independent
    Poisson streams, so P(face l^+) / P(face j^+) is the ratio of their rates nu(y > d^+ / (eps lambda))."""
    d = Derivation("ratio of exit rates through the upper faces of parameters l and j", sp.S.Zero)
    rate_l = d.step("rate of jumps of l beyond d_l^+", nu_tail(d_plus_l / (eps * lam_l)).subs(levy_alpha, alpha_l))
    rate_j = d.step("rate of jumps of j beyond d_j^+", nu_tail(d_plus_j / (eps * lam_j)).subs(levy_alpha, alpha_j))
    d.result = d.step("ratio (competing exponential clocks)", sp.powsimp(sp.expand_power_base(rate_l / rate_j,
                                                                                              force=True), force=True))
    return d


EQ_20 = register(Claim(
    id="battash.eq20",
    title="power of eps in the ratio of exit probabilities through parameters l and j",
    lhs=sp.Symbol("d log(P(Omega_l^+)/P(Omega_j^+)) / d log eps"), rhs=alpha_l - alpha_j,
    sources=(Source(SEED_000, "sec. 4, eq. 20 (Delta_lj = alpha_l - alpha_j)"), Source(SEED_001, "sec. 4, eq. 21")),
    regime="gamma -> 1, small eps", conditions=(alpha_l < 2, alpha_j < 2), clock=CLOCK, interpretation=NOISE,
    relations={"compare_with": ("battash.cor4_4",)},
))


def eps_power_of_exit_ratio() -> Derivation:
    """d log(ratio) / d log eps of the derived exit-face ratio (exit_face_ratio)."""
    d = Derivation("power of eps in the exit-face ratio", sp.S.Zero)
    ratio = d.step("derived ratio", exit_face_ratio().result)
    d.result = d.step("eps d/d eps log(ratio)", sp.simplify(eps * sp.diff(sp.log(ratio), eps)))
    return d


# ------------------------------------------------------------------------------ eq. 17 of seed 001 (eta dependence)
eta = sp.Symbol("eta", positive=True)
alpha_p = sp.Symbol("alpha_p", positive=True)
EQ_17_001 = register(Claim(
    id="battash.eq17_001",
    title="power of the learning rate eta in term (l, i) of the denominator of the mean escape time",
    lhs=sp.Symbol("power of eta, term (l, i)"), rhs=(alpha_l - alpha_i) / 2,
    sources=(Source(SEED_001, "sec. 4, eq. 17 (from Cor. 4.2 with eps = eta^((alpha-1)/alpha), eq. 1)",
                    note="the small-jump terms carry eta^(1 + (alpha_l-alpha_i)/2 + (alpha_p-1)/alpha_p)"),),
    regime="gamma -> 1, small eta", conditions=(alpha_l < 2, alpha_i < 2, rho < 1), clock="t = k * eta",
    interpretation=NOISE, relations={"corollary_of": ("battash.cor4_2",)},
))
#: the stated power of eta of the small-jump (A_mp) terms of eq. 17, relative to eta^0
EQ_17_SMALL_JUMP_POWER = 1 + (alpha_l - alpha_i) / 2 + (alpha_p - 1) / alpha_p


def learning_rate_powers() -> Derivation:
    """Cor 4.2's denominator beta_S 1^T lambda_bar_l eps_l^(alpha_l (1-rho)) Phi_l with eps_l = eta^((alpha_l-1)/alpha_l)
    (001 eq. 1, per parameter as in eq. 12) and beta_S = sum_i 2 eps_i^(rho alpha_i) / alpha_i: the power of eta of
    term i; the small-jump terms of lambda_bar (Lemma 3.3's A_mp) add the power of eps_bar_p = eta^((alpha_p-1)/alpha_p)."""
    d = Derivation("powers of eta in Cor 4.2's denominator", sp.S.Zero)
    eps_of = lambda a: eta ** ((a - 1) / a)  # noqa: E731 - one line, used three times
    term = d.step("beta_bar_i eps_l^(alpha_l (1 - rho))", 2 * eps_of(alpha_i) ** (rho * alpha_i) / alpha_i
                  * eps_of(alpha_l) ** (alpha_l * (1 - rho)))
    power = sp.expand(sp.powsimp(sp.expand_power_base(term, force=True), force=True).as_coeff_exponent(eta)[1])
    d.result = d.step("power of eta of term (l, i)", sp.simplify(power))
    d.step("power of eta of a small-jump term (l, i, p)", sp.simplify(power + (alpha_p - 1) / alpha_p))
    return d


# ------------------------------------------------------------------------------ appendix B.4 (Lemma 3.3)
h_ll = sp.Symbol("h_ll", positive=True)
mu_xi = sp.Symbol("mu_xi", real=True)
p_ = sp.Symbol("p", positive=True)
eps_bar_sym = sp.Symbol("epsilon_bar", positive=True)

EQ_40 = register(Claim(
    id="battash.eq40",
    title="mean of the first-order small-jump process X_t (appendix B.4)",
    lhs=sp.Symbol("E[X_t^l]"), rhs=mu_xi * (2 * t + 1 / h_ll - sp.exp(-h_ll * t) / h_ll),
    sources=(Source(SEED_000, "appendix B.4, eq. 40 (last line); used by Lemma 3.3 and Prop. 3.4"),),
    regime="quadratic U near the minimum (h_ll), E[xi_t] = mu_xi t", clock=CLOCK, interpretation=NOISE,
))


def mean_of_x() -> Derivation:
    """E[X_t] from eq. 39, X_t = xi_t - int_0^t xi_p h e^{-h (t-p)} dp, with E[xi_p] = mu_xi p (Fubini)."""
    d = Derivation("E[X_t] from eq. 39", sp.S.Zero)
    integral = d.step("E int_0^t xi_p h e^(-h(t-p)) dp = int_0^t mu_xi p h e^(-h(t-p)) dp",
                      sp.integrate(mu_xi * p_ * h_ll * sp.exp(-h_ll * (t - p_)), (p_, 0, t)))
    d.result = d.step("E[X_t] = mu_xi t - that", sp.simplify(mu_xi * t - integral))
    return d


EQ_41 = register(Claim(
    id="battash.eq41",
    title="first moment of the small-jump process xi_t (appendix B.4)",
    lhs=sp.Symbol("E[xi_t^l]"),
    rhs=2 * t * (eps_bar_sym ** (-rho * (1 - alpha_l)) - 1) / (1 - alpha_l),
    sources=(Source(SEED_000, "appendix B.4, eq. 41"),),
    regime="small jumps |y| <= eps_bar^-rho of the symmetric measure |y|^(-1-alpha) dy", clock=CLOCK,
    interpretation=NOISE, conditions=(alpha_l < 2, rho < 1),
))


def mean_of_small_jumps() -> Derivation:
    """E[xi_t] = t int_{|y| <= O} y nu(dy): the integrand is odd and nu symmetric, so the mean is 0 (for
    alpha >= 1 each side diverges at 0 and the compensation of eq. 23 pairs them; the sum is still 0).
    eq. 41 integrates y^-alpha over one side, from 1, and doubles it instead."""
    y = sp.Symbol("y", positive=True)
    cutoff = eps_bar_sym ** -rho
    d = Derivation("E[xi_t] for the symmetric small-jump process", sp.S.Zero)
    positive = d.step("t int_0^O y y^(-1-alpha) dy", t * sp.integrate(y * y ** (-1 - alpha_l), (y, 0, cutoff),
                                                                    conds="none"))
    negative = d.step("t int_-O^0 y |y|^(-1-alpha) dy (substitute y -> -y)", -positive)
    d.result = d.step("sum", sp.simplify(positive + negative))
    d.step("what eq. 41 computes: 2 t int_1^O y^-alpha dy (one-sided absolute moment beyond 1, doubled)",
           sp.simplify(2 * t * sp.integrate(y ** (-alpha_l), (y, 1, cutoff), conds="none")))
    return d


# ------------------------------------------------------------------------------ the scheduled exit law, derived
def scheduled_exit_survival() -> Derivation:
    """P(sigma > u) for coordinate l of eq. 81 with s_t = t^(gamma-1), exits only at large jumps: a jump of
    eps s_t^((alpha-1)/alpha) L^l leaves through a face at rate eps^alpha s_t^(alpha-1) Phi_l / alpha
    (levy.nu_tail at d / (eps s_t^((alpha-1)/alpha)), both faces) = m_bar_l Phi_l t^((gamma-1)(alpha_l-1)) with
    lambda_bar = 1; the exit time is the first event of that inhomogeneous Poisson stream (independent streams
    multiply their survivals)."""
    v = sp.Symbol("v", positive=True)
    d = Derivation("survival of the exit time under s_t = t^(gamma-1)", sp.S.Zero)
    hazard = d.step("exit rate at time v", m_sym * Phi * v ** ((gamma - 1) * (alpha_l - 1)))
    cumulative = d.step("int_0^u rate dv (converges when 1 + (gamma-1)(alpha_l-1) > 0)",
                        sp.simplify(sp.integrate(hazard, (v, 0, u), conds="none").replace(
                            lambda z: z.is_Pow and z.base == 0, lambda z: sp.S.Zero)))
    d.result = d.step("P(sigma > u) = exp(-cumulative)", sp.exp(-cumulative))
    mean = power_exponential_integral(d.result.subs(u, t)).result
    d.step("E[sigma] = int_0^oo P(sigma > t) dt (one coordinate)", mean)
    return d


# ------------------------------------------------------------------------------ Lemma 3.3 (eq. 10)
w_l, w_j = sp.symbols("w_l w_j", real=True)
h_jj = sp.Symbol("h_jj", positive=True)
eps_bar_l, eps_bar_j = sp.symbols("epsilon_bar_l epsilon_bar_j", positive=True)


def _lemma3_3(mu_l: sp.Expr, mu_j: sp.Expr) -> sp.Expr:
    """w_l w_j e^{-(h_ll + h_jj) t} + A_jl(t) + A_lj(t) with A_lj = eps_bar_l w_j e^{-h_jj t} mu_xi^l (2t + (1 - e^{-h_ll t})/h_ll)."""
    a_lj = eps_bar_l * w_j * sp.exp(-h_jj * t) * mu_l * (2 * t + (1 - sp.exp(-h_ll * t)) / h_ll)
    a_jl = eps_bar_j * w_l * sp.exp(-h_ll * t) * mu_j * (2 * t + (1 - sp.exp(-h_jj * t)) / h_jj)
    return w_l * w_j * sp.exp(-(h_ll + h_jj) * t) + a_jl + a_lj


def _mu_xi_001(e, a):   # 001 Lemma 3.3 and 000 eq. 41: 2t (eps_bar^(-rho(1-alpha)) - 1) / (1 - alpha)
    return 2 * t * (e ** (-rho * (1 - a)) - 1) / (1 - a)


def _mu_xi_000(e, a):   # 000 Lemma 3.3 as printed: 2t eps_bar^(-rho(1-alpha) - 1) / (1 - alpha)
    return 2 * t * e ** (-rho * (1 - a) - 1) / (1 - a)


LEMMA_3_3_REGIME = ("between large jumps, U = sum h_ll w_l^2 / 2 near the minimum, independent symmetric small-jump "
                    "processes per parameter (jumps |y| <= eps_bar^-rho), l != j, eps_bar constant on the interval")
LEMMA_3_3 = register(Claim(
    id="battash.lemma3_3",
    title="Lemma 3.3: E[Z^l Z^j] between large jumps (conference version)",
    lhs=sp.Symbol("E[Z_t^l Z_t^j]"), rhs=_lemma3_3(_mu_xi_000(eps_bar_l, alpha_l), _mu_xi_000(eps_bar_j, alpha_j)),
    relation="~", sources=(Source(SEED_000, "sec. 3, Lemma 3.3, eq. 10 (+ O(eps^2)); proof appendix B.4, eq. 42"),),
    regime=LEMMA_3_3_REGIME, conditions=(alpha_l < 2, alpha_j < 2, rho < 1), clock=CLOCK, interpretation=NOISE,
))
LEMMA_3_3_001 = register(Claim(
    id="battash.lemma3_3_001",
    title="Lemma 3.3: E[Z^l Z^j] between large jumps (review version)",
    lhs=sp.Symbol("E[Z_t^l Z_t^j]"), rhs=_lemma3_3(_mu_xi_001(eps_bar_l, alpha_l), _mu_xi_001(eps_bar_j, alpha_j)),
    relation="~", sources=(Source(SEED_001, "sec. 3, Lemma 3.3, eq. 10"),),
    regime=LEMMA_3_3_REGIME, conditions=(alpha_l < 2, alpha_j < 2, rho < 1), clock=CLOCK, interpretation=NOISE,
    relations={"compare_with": ("battash.lemma3_3",)},
))


def small_jump_second_moments() -> Derivation:
    """The linearised small-jump dynamic dZ^l = -h_ll Z^l dt + eps_bar_l dxi^l solved exactly:
    Z_t^l = w_l e^{-h_ll t} + eps_bar_l int_0^t e^{-h_ll (t-s)} dxi_s^l. For a Lévy process E[int f dxi] =
    E[xi_1] int f ds = 0 (symmetric measure, mean_of_small_jumps) and Var[int f dxi] = int f^2 ds int y^2 nu(dy)
    (Lévy-Itô isometry); independence of xi^l and xi^j makes the cross moment the product of the means."""
    s_, y = sp.Symbol("s", positive=True), sp.Symbol("y", positive=True)
    d = Derivation("second moments of the small-jump process between large jumps", sp.S.Zero)
    mean_rate = d.step("E[xi_1^l] (symmetric small jumps)", mean_of_small_jumps().result.subs(t, 1))
    mean_l = d.step("E[Z_t^l] = w_l e^(-h_ll t) + eps_bar_l E[xi_1] int_0^t e^(-h_ll(t-s)) ds",
                    w_l * sp.exp(-h_ll * t) + eps_bar_l * mean_rate * sp.integrate(sp.exp(-h_ll * (t - s_)), (s_, 0, t)))
    mean_j = mean_l.subs({w_l: w_j, h_ll: h_jj, eps_bar_l: eps_bar_j})
    d.result = d.step("E[Z^l Z^j], l != j: product of the means (independent noises)", sp.simplify(mean_l * mean_j))
    cutoff = eps_bar_l ** -rho
    jump_variance = sp.integrate(y ** (1 - alpha_l), (y, 0, cutoff), conds="none")
    jump_variance = 2 * jump_variance.replace(lambda z: z.is_Pow and z.base == 0, lambda z: sp.S.Zero)
    d.step("int_{|y| <= O} y^2 nu(dy), O = eps_bar^-rho", sp.simplify(jump_variance))
    variance = eps_bar_l**2 * jump_variance * sp.integrate(sp.exp(-2 * h_ll * (t - s_)), (s_, 0, t))
    d.step("E[(Z^l)^2] - E[Z^l]^2 (Lévy-Itô isometry): the l = j remainder", sp.simplify(variance))
    return d


# ------------------------------------------------------------------------------ Proposition 3.4 (eq. 11)
N_params, B_batch, D_data = sp.symbols("N B D", positive=True, integer=True)
l_idx, j_idx, m_idx, p_idx = sp.symbols("l j m p", integer=True)
u_tilde = sp.IndexedBase("u_tilde")   # u_tilde_lj = (1/D) sum_d grad_l u_d grad_j u_d (appendix B.5, after eq. 48)
h_bar = sp.IndexedBase("h_bar")       # h_bar_lmpj = (1/D) sum_d h_d,lm h_d,pj - h_lm h_pj (appendix B.5)
second_moment = sp.IndexedBase("M")   # M_mp = E[Z_m Z_p] (Lemma 3.3) or w_m w_p at a fixed state
_hessian_term = sp.Sum(h_bar[l_idx, m_idx, p_idx, j_idx] * second_moment[m_idx, p_idx],
                       (j_idx, 1, N_params), (m_idx, 1, N_params), (p_idx, 1, N_params))
_gradient_term = sp.Sum(u_tilde[l_idx, j_idx], (j_idx, 1, N_params))
PROP_3_4_REGIME = ("SGD gradient noise at W_t near a minimum W*, per-sample losses quadratic around W*, "
                   "mini-batches of B drawn uniformly from D samples")
PROP_3_4 = register(Claim(
    id="battash.prop3_4",
    title="Prop. 3.4: sum of the l-th row of the SGD noise covariance (conference version)",
    lhs=sp.Symbol("1^T lambda_l(W_t)"), rhs=_gradient_term / (B_batch * D_data) + _hessian_term / B_batch,
    relation="~", sources=(Source(SEED_000, "sec. 3.1, Proposition 3.4, eq. 11; proof appendix B.5, eqs. 43-49",
                                  note="h_bar as defined in the statement, h_lmpj - h_lm h_pj, is identically 0; "
                                       "the proof's h_bar (B.5) is used"),),
    regime=PROP_3_4_REGIME, clock=CLOCK, interpretation=NOISE,
))
PROP_3_4_001 = register(Claim(
    id="battash.prop3_4_001",
    title="Prop. 3.4: sum of the l-th row of the SGD noise covariance (review version)",
    lhs=sp.Symbol("1^T lambda_l(W_t)"), rhs=_gradient_term / D_data + _hessian_term,
    relation="~", sources=(Source(SEED_001, "sec. 3.1, Proposition 3.4, eq. 11",
                                  note="u_bar read as u_tilde; h_tilde averaged over the mini-batch, whose "
                                       "expectation is the B.5 average over the data"),),
    regime=PROP_3_4_REGIME, clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.prop3_4",)},
))


def evaluate_indexed(expr: sp.Expr, n: int, arrays: dict, values: dict) -> float:
    """Value of a Prop. 3.4 expression for n parameters: arrays maps each IndexedBase to a 0-based numpy array
    (the Sums run 1..n), values the scalar symbols (l, B, D) to numbers."""
    concrete = expr.subs({N_params: n, **values}).doit()
    entries = {e: float(arrays[e.base][tuple(int(i) - 1 for i in e.indices)]) for e in concrete.atoms(sp.Indexed)}
    return float(concrete.xreplace(entries))


def sgd_noise_row_sums(gradients_at_minimum, hessians, w, batch_size: int):
    """Exact row sums of the SGD noise covariance at w for per-sample losses g_d . w + w^T H_d w / 2 and mini-batches
    of batch_size drawn with replacement: (1/B) Cov_d(g_d + H_d w), summed over the columns; also its three parts
    (gradient covariance, the cross term the proof drops after eq. 46, the Hessian term). Plain numpy: the check
    needs the exact finite-data value, not a formula."""
    import numpy as np

    g = np.asarray(gradients_at_minimum, dtype=float)
    h = np.asarray(hessians, dtype=float)
    per_sample = g + np.einsum("dij,j->di", h, w)
    mean = per_sample.mean(axis=0)
    total = ((per_sample - mean).T @ (per_sample - mean)) / len(g) / batch_size
    hw = np.einsum("dij,j->di", h, w)
    gradient = (g - g.mean(0)).T @ (g - g.mean(0)) / len(g) / batch_size
    cross = ((g - g.mean(0)).T @ (hw - hw.mean(0)) + (hw - hw.mean(0)).T @ (g - g.mean(0))) / len(g) / batch_size
    hessian = (hw - hw.mean(0)).T @ (hw - hw.mean(0)) / len(g) / batch_size
    return {"total": total.sum(axis=1), "gradient": gradient.sum(axis=1), "cross": cross.sum(axis=1),
            "hessian": hessian.sum(axis=1)}


# ------------------------------------------------------------------------------ appendix C.1 (multistep scheduler)
gamma_p = sp.Symbol("gamma_p", positive=True)
C_lnup = sp.Symbol("C_lnup", positive=True)
T_p = sp.Symbol("T_p", positive=True)
T_p1 = sp.Symbol("T_p1", positive=True)

THM_C1_EXPONENT = register(Claim(
    id="battash.thmC1_exponent",
    title="Thm C.1: exponent of gamma_p in the mean transition time, multistep scheduler",
    lhs=sp.Symbol("exponent of gamma_p"), rhs=alpha_l * (1 - rho) - 1 + rho * alpha_nu,
    sources=(Source(SEED_000, "appendix C.1, Theorem C.1"),), regime=REGIME, conditions=CONDITIONS, clock=CLOCK,
    interpretation=NOISE, relations={"compare_with": ("battash.eq58",)},
))
EQ58_EXPONENT = alpha_l - 1 + rho * (alpha_l - alpha_nu)   # the same power in the proof, eq. 58

EQ_58 = register(Claim(
    id="battash.eq58",
    title="eq. 58: integral of t exp(-C t) over one step of the multistep scheduler",
    lhs=sp.Integral(t * sp.exp(-C_lnup * t), (t, T_p, T_p1)),
    rhs=(sp.exp(-C_lnup * T_p) * (C_lnup * T_p + 1) - sp.exp(-C_lnup * T_p1) * (C_lnup * T_p1 + 1)) / C_lnup**2,
    sources=(Source(SEED_000, "appendix C.1, eq. 58 (second line)"),), regime="T_p < T_p1", clock=CLOCK,
    interpretation=NOISE,
))

# ------------------------------------------------------------------------------ appendix C.2 (trapping probability)
K_l = sp.Symbol("K_l", positive=True)    # beta_bar_l / beta_bar_S (1 - m_bar_nu Phi_nu / beta_bar_nu)
c_l = sp.Symbol("c_l", positive=True)    # 2 beta_bar_l - m_bar_l Phi_l
beta_bar_S = sp.Symbol("beta_bar_S", positive=True)
E_c2 = ((gamma - 1) * (alpha_l - 1 + rho * (alpha_nu - 1)) + 1) / ((gamma - 1) * (rho * (alpha_l - 1)) + 1)
THM_C2 = register(Claim(
    id="battash.thmC2",
    title="Thm C.2: bound on P(sigma < oo), exponential scheduler (term l)",
    lhs=sp.Symbol("P(sigma<oo)_l"),
    rhs=m_sym * Phi / beta_bar_S / K_l * c_l**E_c2 / ((gamma - 1) * (rho * (alpha_l - 1)) + 1) * sp.gamma(E_c2),
    relation="<=", sources=(Source(SEED_000, "appendix C.2, Theorem C.2, eq. 59 (and the end of eq. 61)"),),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
))
#: eq. 61, the integral the proof evaluates (with s_t = t^(gamma - 1))
EQ61_INTEGRAND = m_sym * Phi / beta_bar_S / K_l * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_nu - 1))) \
    * sp.exp(-c_l * t ** ((gamma - 1) * rho * (alpha_l - 1)) * t)

# ------------------------------------------------------------------------------ Lemma 3.1 and eq. 14
mu = sp.Symbol("mu", positive=True)
w0 = sp.Symbol("w", real=True)
LEMMA_3_1 = register(Claim(
    id="battash.lemma3_1",
    title="gradient flow converges exponentially in a mu-strongly convex basin",
    lhs=sp.Symbol("|Y_t - W*|^2"), rhs=2 * sp.Symbol("U_tilde", positive=True) / mu * sp.exp(-2 * mu * t),
    relation="<=", sources=(Source(SEED_000, "sec. 3, Lemma 3.1, eq. 6; proof appendix B.6"),
                            Source(SEED_001, "sec. 3, Lemma 3.1")),
    regime="U mu-strongly convex on G, U_tilde = U(w) - U(W*)", clock=CLOCK, interpretation="deterministic (no noise)",
))
zeta = sp.Symbol("zeta", positive=True)
RELAXATION = register(Claim(
    id="battash.eq14",
    title="relaxation time of the deterministic flow into an eps_bar^zeta neighbourhood",
    lhs=sp.Symbol("T_R"), rhs=sp.Symbol("C_1", positive=True) * sp.Abs(sp.log(eps_bar_sym)), relation="<=",
    sources=(Source(SEED_000, "sec. 4, eq. 14"), Source(SEED_001, "sec. 4, eq. 14")),
    regime="eps_bar -> 0", clock=CLOCK, interpretation="deterministic (no noise)",
))

# ------------------------------------------------------------------------------ Proposition 3.2 (appendix B.3)
theta = sp.Symbol("theta_l", positive=True)
PROP_3_2_EXPONENT = register(Claim(
    id="battash.prop3_2",
    title="Prop. 3.2: exponent theta_bar of the small-jump deviation bound C eps_bar^theta_bar",
    lhs=sp.Symbol("theta_bar_l"), rhs=-rho * (1 - alpha_l) + 2 - 2 * theta,
    sources=(Source(SEED_000, "sec. 3, Proposition 3.2, eq. 9; proof appendix B.3, eqs. 34-35"),
             Source(SEED_001, "sec. 3, Proposition 3.2")),
    regime="theta_l in (0, (2 - alpha_l)/4), rho in (0, 1), horizon T_eps ~ Exp(beta_l)", conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE,
))


def small_jump_deviation_exponent() -> Derivation:
    """The proof's route with the moments recomputed: Kolmogorov's inequality P(sup |eps_bar xi| >= c eps_bar^theta)
    <= E[(eps_bar xi_T)^2] / (c eps_bar^theta)^2, E[xi_T^2] = T int_{|y| <= O} y^2 nu(dy), O = eps_bar^-rho, then the
    horizon T ~ Exp(beta) with beta = 2 eps_bar^(rho alpha) / alpha (eq. 12 at s_t = 1) averaged out (eq. 35)."""
    y = sp.Symbol("y", positive=True)
    T = sp.Symbol("T", positive=True)
    e = eps_bar_sym
    d = Derivation("exponent of eps_bar in Prop. 3.2, recomputed", sp.S.Zero)
    cutoff = e ** -rho
    moment = sp.integrate(y ** (1 - alpha_l), (y, 0, cutoff), conds="none")
    # SymPy leaves the lower limit as 0^(2 - alpha), which is 0 for alpha < 2
    moment = moment.replace(lambda z: z.is_Pow and z.base == 0, lambda z: sp.S.Zero)
    second = d.step("E[xi_T^2] = 2 T int_0^O y^(1-alpha) dy", 2 * T * moment)
    kolmogorov = d.step("Kolmogorov: E[(eps_bar xi_T)^2] / eps_bar^(2 theta) (constants dropped)",
                        e**2 * second / e ** (2 * theta))
    rate = 2 * e ** (rho * alpha_l) / alpha_l
    averaged = d.step("average over T ~ Exp(beta)", sp.integrate(kolmogorov * rate * sp.exp(-rate * T), (T, 0, sp.oo),
                                                                 conds="none"))
    combined = sp.powsimp(sp.expand_power_base(sp.simplify(averaged), force=True), force=True)
    _, exponent = combined.as_independent(e)[1].as_coeff_exponent(e)
    d.result = d.step("exponent of eps_bar", sp.expand(exponent))
    return d


# ------------------------------------------------------------------------------ sec. 5 escape-axis experiment
def ackley_model(alpha_1, alpha_2, sigma, radius, smoothing=sp.Rational(1, 10**12)):
    """Gradient descent on the 2-D Ackley function with independent SaS noise per axis, started at the global
    minimum 0 and stopped past a radius (seed 000 sec. 5, "Escaping Axis", Fig. 9). The square root is
    smoothed by 1e-12 so that the gradient exists at the start (the Ackley function has a cusp there)."""
    x1, x2 = sp.symbols("x1 x2", real=True)
    half_square = (x1**2 + x2**2) / 2
    ackley = (-20 * sp.exp(-sp.Rational(1, 5) * sp.sqrt(half_square + smoothing))
              - sp.exp((sp.cos(2 * sp.pi * x1) + sp.cos(2 * sp.pi * x2)) / 2) + sp.E + 20)
    return Model(f"Ackley (alpha = {alpha_1}, {alpha_2})", (x1, x2),
                 sp.Matrix([-sp.diff(ackley, x1), -sp.diff(ackley, x2)]), sigma * sp.eye(2), Ball((0, 0), radius),
                 (0, 0), noise=AlphaStable((alpha_1, alpha_2), measure="standard"), potential=ackley)


# ------------------------------------------------------------------------------ appendix C.3 (multistep trapping)
THM_C3 = register(Claim(
    id="battash.thmC3",
    title="Thm C.3: bound on P(sigma < oo), multistep scheduler (term l, step p)",
    lhs=sp.Symbol("P(sigma<oo)_lp"),
    rhs=m_sym * Phi / (beta_bar_S * K_l) * gamma_p ** (rho * (1 - alpha_nu) + alpha_l - 1 - rho * (alpha_l - 1))
    * sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * T_p)
    * (1 - sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * (T_p1 - T_p))) / c_l,
    relation="<=", sources=(Source(SEED_000, "appendix C.3, Theorem C.3, eq. 62",
                                   note="T in eq. 62 read as T_{p+1} - T_p, the only reading that makes it an identity"),),
    regime="multistep scheduler: s_t = gamma_p on [T_p, T_{p+1})", clock=CLOCK, interpretation=NOISE,
))
#: eq. 63's last integral before evaluation (constant scheduler value gamma_p on the step)
EQ63_STEP = m_sym * Phi / (beta_bar_S * K_l) * gamma_p ** (rho * (1 - alpha_nu) + alpha_l - 1) \
    * sp.Integral(sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * t), (t, T_p, T_p1))
