"""The scheduler theorems of Battash & Lindenbaum: seed 000_6ac092e84b589a62.txt (conference version,
with appendices) and seed 001_8289d68cf3bd5d68.txt (review version).

Every theorem is a sum over parameters l of one term; the Claims below state that term (the summand),
since every derivation and comparison acts on it term by term. Symbols follow the papers:
m_bar_l = lambda_bar_l^alpha_l eps^alpha_l / alpha_l, beta_bar_l = 2 eps^(rho alpha_l) / alpha_l, A = A_{l,nu},
s_t = t^(gamma - 1) (the "exponential" scheduler), Phi_l = (-d_l^-)^-alpha_l + (d_l^+)^-alpha_l.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .claim import Claim, Source
from .derivation import DeferredDerivation, Derivation
from .domain import Ball
from .levy import CLOCK, CONVENTION_000, NOISE, nu_tail
from .levy import alpha as levy_alpha
from .model import AlphaStable, Model
from .sources import SEED_000, SEED_001


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

THM_4_1 = Claim(
    id="battash.thm4_1",
    title="mean transition time, exponential scheduler (term l of the sum)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=beta_l * (m_sym * Phi) ** (1 - C_main) * sp.gamma(C_main) / (A * beta_S * (1 + (gamma - 1) * (alpha_l - 1))),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.1"), Source(SEED_001, "sec. 4, Theorem 4.1 (same statement)")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
)

THM_4_1_APPENDIX = Claim(
    id="battash.thm4_1_appendix",
    title="mean transition time as the proof in appendix B.1 ends (term l)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=beta_l * m_sym * Phi * (m_sym * Phi) ** (-C_appendix) * sp.gamma(C_appendix)
    / (A * beta_S * (1 + (gamma - 1) * rho * (alpha_l - 1))),
    relation="<=", sources=(Source(SEED_000, "appendix B.1, eq. 27 (last line)"),),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"compare_with": ("battash.thm4_1",)},
)

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
COR_4_2 = Claim(
    id="battash.cor4_2",
    title="mean transition time as gamma -> 1 (term l)",
    lhs=sp.Symbol("E[sigma_G]_l"),
    rhs=1 / (A * beta_S * lam_bar * eps ** (alpha_l * (1 - rho)) * Phi),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.2, eq. 16; appendix B.1 eq. 28 (with lambda_l)"),
             Source(SEED_001, "sec. 4, Corollary 4.2, eq. 16")),
    regime="gamma -> 1 (constant learning rate), small eps", conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_1",), "limit_of": ("battash.thm4_1",)},
)

# ------------------------------------------------------------------------------ Theorem 4.5 / Corollary 4.6
gamma_l = 1 + (gamma - 1) * (alpha_l - 1)
kappa_numerator = 1 + (gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))
kappa = kappa_numerator / gamma_l
beta_bar_l = sp.Symbol("beta_bar_l", positive=True)
THM_4_5 = Claim(
    id="battash.thm4_5",
    title="probability of exiting after time u, exponential scheduler (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"),
    rhs=beta_bar_l * m_sym * Phi * sp.uppergamma(kappa, m_sym * Phi * u ** gamma_l)
    / (A * beta_S * gamma_l * (m_sym * Phi) ** kappa),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.5, eq. 21; appendix C.4"),
             Source(SEED_001, "sec. 4, Theorem 4.5, eq. 22 (beta_bar_S for beta_S)")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
)
#: appendix C.4, eq. 68: the integrand after s_t = t^(gamma - 1), from the line above it (exponent t^gamma_l)
EQ68_INTEGRAND = beta_bar_l * m_sym * Phi / (A * beta_S) * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_l - alpha_nu))) \
    * sp.exp(-t ** ((gamma - 1) * (alpha_l - 1)) * m_sym * Phi * t)
gamma_rho = 1 + (gamma - 1) * rho * (alpha_l - 1)
EQ_68 = Claim(
    id="battash.eq68",
    title="P(sigma > u) as the proof in appendix C.4 ends (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"),
    rhs=beta_bar_l * m_sym * Phi / (A * beta_S) * (m_sym * Phi) ** (-kappa_numerator / gamma_rho)
    * sp.uppergamma(kappa_numerator / gamma_rho, m_sym * Phi * u**gamma_rho) / gamma_rho,
    relation="<=", sources=(Source(SEED_000, "appendix C.4, eq. 68 (last line)"),), regime=REGIME,
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.thm4_5",)},
)

COR_4_6 = Claim(
    id="battash.cor4_6",
    title="probability of exiting after time u as gamma -> 1 (term l)",
    lhs=sp.Symbol("P(sigma>u)_l"), rhs=beta_bar_l / (A * beta_S) * sp.exp(-m_sym * Phi * u), relation="<=",
    sources=(Source(SEED_000, "sec. 4, Corollary 4.6, eq. 22; appendix C.5"),
             Source(SEED_001, "sec. 4, Corollary 4.6, eq. 23")),
    regime="gamma -> 1", conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    relations={"corollary_of": ("battash.thm4_5",), "limit_of": ("battash.thm4_5",)},
)

# ------------------------------------------------------------------------------ Theorem 4.3 / eqs. 30-31
C_l_main = ((gamma - 1) * (alpha_l - 1 + rho * (2 * alpha_l - alpha_nu - alpha_l)) + 2) / ((gamma - 1) * (alpha_l - 1) + 1)
THM_4_3 = Claim(
    id="battash.thm4_3",
    title="probability of exiting through the upper face of parameter i (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 * (m_sym * Phi) ** (-C_l_main) * sp.gamma(C_l_main)
    / (A * beta_S * ((gamma - 1) * (alpha_l - 1) + 1)),
    relation="<=",
    sources=(Source(SEED_000, "sec. 4, Theorem 4.3, eq. 17"), Source(SEED_001, "sec. 4, Theorem 4.3, eq. 18")),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
)
EQ_31 = Claim(
    id="battash.eq31",
    title="exit through the upper face of parameter i as gamma -> 1 (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 / (A * beta_S * (m_sym * Phi) ** 2),
    relation="<=", sources=(Source(SEED_000, "appendix B.2, eq. 31"),), regime="gamma -> 1",
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"limit_of": ("battash.thm4_3",)},
)

#: appendix B.2, the integrand of the line before eq. 30 as the paper writes it (exponent with rho)
EQ30_LAST_INTEGRAND = (m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 / (A * beta_S) \
    * t ** ((gamma - 1) * (alpha_i - 1 + rho * (2 * alpha_l - alpha_nu - alpha_i)) + 1) \
    * sp.exp(-t ** ((gamma - 1) * rho * (alpha_l - 1) + 1) * m_sym * Phi)
#: the same integrand with the exponent of the line above it: s_t^(alpha_l-1) m Phi t = t^(1+(gamma-1)(alpha_l-1)) m Phi
EQ30_INTEGRAND = EQ30_LAST_INTEGRAND.subs(sp.exp(-t ** ((gamma - 1) * rho * (alpha_l - 1) + 1) * m_sym * Phi),
                                          sp.exp(-t ** ((gamma - 1) * (alpha_l - 1) + 1) * m_sym * Phi))
C_l_appendix = ((gamma - 1) * (alpha_i - 1 + rho * (2 * alpha_l - alpha_nu - alpha_i)) + 2) \
    / ((gamma - 1) * rho * (alpha_l - 1) + 1)
EQ_30 = Claim(
    id="battash.eq30",
    title="exit through the upper face of parameter i as the proof in appendix B.2 ends (term l)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)_l"),
    rhs=(m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i) * beta_l**2 * (m_sym * Phi) ** (-C_l_appendix)
    * sp.gamma(C_l_appendix) / (A * beta_S * ((gamma - 1) * rho * (alpha_l - 1) + 1)),
    relation="<=", sources=(Source(SEED_000, "appendix B.2, eq. 30"),), regime=REGIME, conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.thm4_3",)},
)

#: the factor of Thm 4.3 that stands for "the jump of parameter i leaves through d_i^+"
FACE_FACTOR_STATED = (m_i * Phi_i / beta_i) * d_plus_i ** (-alpha_i)

# ------------------------------------------------------------------------------ Corollary 4.4
alpha_j = sp.Symbol("alpha_j", positive=True)
lam_l = sp.Symbol("lambda_l", positive=True)
lam_j = sp.Symbol("lambda_j", positive=True)
d_plus_l = sp.Symbol("d_l_plus", positive=True)
d_plus_j = sp.Symbol("d_j_plus", positive=True)

COR_4_4 = Claim(
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
)


@lru_cache(maxsize=1)
def exit_face_ratio() -> Derivation:
    """With gamma = 1 the exit is the first jump that leaves; jumps of different parameters are independent
    Poisson streams, so P(face l^+) / P(face j^+) is the ratio of their rates nu(y > d^+ / (eps lambda))."""
    d = Derivation("ratio of exit rates through the upper faces of parameters l and j", sp.S.Zero)
    rate_l = d.step("rate of jumps of l beyond d_l^+", nu_tail(d_plus_l / (eps * lam_l)).subs(levy_alpha, alpha_l))
    rate_j = d.step("rate of jumps of j beyond d_j^+", nu_tail(d_plus_j / (eps * lam_j)).subs(levy_alpha, alpha_j))
    d.result = d.step("ratio (competing exponential clocks)", sp.powsimp(sp.expand_power_base(rate_l / rate_j,
                                                                                              force=True), force=True))
    return d


EQ_20 = Claim(
    id="battash.eq20",
    title="power of eps in the ratio of exit probabilities through parameters l and j",
    lhs=sp.Symbol("d log(P(Omega_l^+)/P(Omega_j^+)) / d log eps"), rhs=alpha_l - alpha_j,
    sources=(Source(SEED_000, "sec. 4, eq. 20 (Delta_lj = alpha_l - alpha_j)"), Source(SEED_001, "sec. 4, eq. 21")),
    regime="gamma -> 1, small eps", conditions=(alpha_l < 2, alpha_j < 2), clock=CLOCK, interpretation=NOISE,
    relations={"compare_with": ("battash.cor4_4",)},
)


def eps_power_of_exit_ratio() -> Derivation:
    """d log(ratio) / d log eps of the derived exit-face ratio (exit_face_ratio)."""
    d = Derivation("power of eps in the exit-face ratio", sp.S.Zero)
    ratio = d.step("derived ratio", exit_face_ratio().result)
    d.result = d.step("eps d/d eps log(ratio)", sp.simplify(eps * sp.diff(sp.log(ratio), eps)))
    return d


# ------------------------------------------------------------------------------ eq. 17 of seed 001 (eta dependence)
eta = sp.Symbol("eta", positive=True)
alpha_p = sp.Symbol("alpha_p", positive=True)
EQ_17_001 = Claim(
    id="battash.eq17_001",
    title="power of the learning rate eta in term (l, i) of the denominator of the mean escape time",
    lhs=sp.Symbol("power of eta, term (l, i)"), rhs=(alpha_l - alpha_i) / 2,
    sources=(Source(SEED_001, "sec. 4, eq. 17 (from Cor. 4.2 with eps = eta^((alpha-1)/alpha), eq. 1)",
                    note="the small-jump terms carry eta^(1 + (alpha_l-alpha_i)/2 + (alpha_p-1)/alpha_p)"),),
    regime="gamma -> 1, small eta", conditions=(alpha_l < 2, alpha_i < 2, rho < 1), clock="t = k * eta",
    interpretation=NOISE, relations={"corollary_of": ("battash.cor4_2",)},
)
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

EQ_40 = Claim(
    id="battash.eq40",
    title="mean of the first-order small-jump process X_t (appendix B.4)",
    lhs=sp.Symbol("E[X_t^l]"), rhs=mu_xi * (2 * t + 1 / h_ll - sp.exp(-h_ll * t) / h_ll),
    sources=(Source(SEED_000, "appendix B.4, eq. 40 (last line); used by Lemma 3.3 and Prop. 3.4"),),
    regime="quadratic U near the minimum (h_ll), E[xi_t] = mu_xi t", clock=CLOCK, interpretation=NOISE,
)


@lru_cache(maxsize=1)
def mean_of_x() -> Derivation:
    """E[X_t] of the first-order small-jump process from its dynamic (appendix B.4, eqs. 37-38: the linearised
    dX = -h X dt + dxi, X_0 = 0): m(t) = E[X_t] solves m' = -h m + mu_xi (E[dxi] = mu_xi dt), m(0) = 0. The proof's
    own route, eq. 39 averaged with E[xi_p] = mu_xi p (Fubini), is recomputed beside it and must agree."""
    m = sp.Function("m")
    d = Derivation("E[X_t] of the linearised small-jump dynamic", sp.S.Zero)
    solution = sp.dsolve(sp.Eq(m(t).diff(t), -h_ll * m(t) + mu_xi), m(t), ics={m(0): 0}).rhs
    d.result = d.step("solve m' = -h m + mu_xi, m(0) = 0", sp.simplify(solution))
    integral = sp.integrate(mu_xi * p_ * h_ll * sp.exp(-h_ll * (t - p_)), (p_, 0, t))
    d.verify("eq. 39 averaged gives the same: mu_xi t - int_0^t mu_xi p h e^(-h(t-p)) dp",
             sp.simplify(mu_xi * t - integral - d.result))
    return d


EQ_41 = Claim(
    id="battash.eq41",
    title="first moment of the small-jump process xi_t (appendix B.4)",
    lhs=sp.Symbol("E[xi_t^l]"),
    rhs=2 * t * (eps_bar_sym ** (-rho * (1 - alpha_l)) - 1) / (1 - alpha_l),
    sources=(Source(SEED_000, "appendix B.4, eq. 41"),),
    regime="small jumps |y| <= eps_bar^-rho of the symmetric measure |y|^(-1-alpha) dy", clock=CLOCK,
    interpretation=NOISE, conditions=(alpha_l < 2, rho < 1),
)


@lru_cache(maxsize=1)
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
LEMMA_3_3 = Claim(
    id="battash.lemma3_3",
    title="Lemma 3.3: E[Z^l Z^j] between large jumps (conference version)",
    lhs=sp.Symbol("E[Z_t^l Z_t^j]"), rhs=_lemma3_3(_mu_xi_000(eps_bar_l, alpha_l), _mu_xi_000(eps_bar_j, alpha_j)),
    relation="~", sources=(Source(SEED_000, "sec. 3, Lemma 3.3, eq. 10 (+ O(eps^2)); proof appendix B.4, eq. 42"),),
    regime=LEMMA_3_3_REGIME, conditions=(alpha_l < 2, alpha_j < 2, rho < 1), clock=CLOCK, interpretation=NOISE,
)
LEMMA_3_3_001 = Claim(
    id="battash.lemma3_3_001",
    title="Lemma 3.3: E[Z^l Z^j] between large jumps (review version)",
    lhs=sp.Symbol("E[Z_t^l Z_t^j]"), rhs=_lemma3_3(_mu_xi_001(eps_bar_l, alpha_l), _mu_xi_001(eps_bar_j, alpha_j)),
    relation="~", sources=(Source(SEED_001, "sec. 3, Lemma 3.3, eq. 10"),),
    regime=LEMMA_3_3_REGIME, conditions=(alpha_l < 2, alpha_j < 2, rho < 1), clock=CLOCK, interpretation=NOISE,
    relations={"compare_with": ("battash.lemma3_3",)},
)


@lru_cache(maxsize=1)
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
PROP_3_4 = Claim(
    id="battash.prop3_4",
    title="Prop. 3.4: sum of the l-th row of the SGD noise covariance (conference version)",
    lhs=sp.Symbol("1^T lambda_l(W_t)"), rhs=_gradient_term / (B_batch * D_data) + _hessian_term / B_batch,
    relation="~", sources=(Source(SEED_000, "sec. 3.1, Proposition 3.4, eq. 11; proof appendix B.5, eqs. 43-49",
                                  note="h_bar as defined in the statement, h_lmpj - h_lm h_pj, is identically 0; "
                                       "the proof's h_bar (B.5) is used"),),
    regime=PROP_3_4_REGIME, clock=CLOCK, interpretation=NOISE,
)
PROP_3_4_001 = Claim(
    id="battash.prop3_4_001",
    title="Prop. 3.4: sum of the l-th row of the SGD noise covariance (review version)",
    lhs=sp.Symbol("1^T lambda_l(W_t)"), rhs=_gradient_term / D_data + _hessian_term,
    relation="~", sources=(Source(SEED_001, "sec. 3.1, Proposition 3.4, eq. 11",
                                  note="u_bar read as u_tilde; h_tilde averaged over the mini-batch, whose "
                                       "expectation is the B.5 average over the data"),),
    regime=PROP_3_4_REGIME, clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.prop3_4",)},
)


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

THM_C1_EXPONENT = Claim(
    id="battash.thmC1_exponent",
    title="Thm C.1: exponent of gamma_p in the mean transition time, multistep scheduler",
    lhs=sp.Symbol("exponent of gamma_p"), rhs=alpha_l * (1 - rho) - 1 + rho * alpha_nu,
    sources=(Source(SEED_000, "appendix C.1, Theorem C.1"),), regime=REGIME, conditions=CONDITIONS, clock=CLOCK,
    interpretation=NOISE, relations={"compare_with": ("battash.eq58_integral",)},
)
EQ58_EXPONENT = alpha_l - 1 + rho * (alpha_l - alpha_nu)   # the same power in the proof, eq. 58

EQ_58_INTEGRAL = Claim(
    id="battash.eq58_integral",
    title="eq. 58: integral of t exp(-C t) over one step of the multistep scheduler",
    lhs=sp.Integral(t * sp.exp(-C_lnup * t), (t, T_p, T_p1)),
    rhs=(sp.exp(-C_lnup * T_p) * (C_lnup * T_p + 1) - sp.exp(-C_lnup * T_p1) * (C_lnup * T_p1 + 1)) / C_lnup**2,
    sources=(Source(SEED_000, "appendix C.1, eq. 58 (second line)"),), regime="T_p < T_p1", clock=CLOCK,
    interpretation=NOISE,
)

# ------------------------------------------------------------------------------ appendix C.2 (trapping probability)
K_l = sp.Symbol("K_l", positive=True)    # beta_bar_l / beta_bar_S (1 - m_bar_nu Phi_nu / beta_bar_nu)
c_l = sp.Symbol("c_l", positive=True)    # 2 beta_bar_l - m_bar_l Phi_l
beta_bar_S = sp.Symbol("beta_bar_S", positive=True)
E_c2 = ((gamma - 1) * (alpha_l - 1 + rho * (alpha_nu - 1)) + 1) / ((gamma - 1) * (rho * (alpha_l - 1)) + 1)
THM_C2 = Claim(
    id="battash.thmC2",
    title="Thm C.2: bound on P(sigma < oo), exponential scheduler (term l)",
    lhs=sp.Symbol("P(sigma<oo)_l"),
    rhs=m_sym * Phi / beta_bar_S / K_l * c_l**E_c2 / ((gamma - 1) * (rho * (alpha_l - 1)) + 1) * sp.gamma(E_c2),
    relation="<=", sources=(Source(SEED_000, "appendix C.2, Theorem C.2, eq. 59 (and the end of eq. 61)"),),
    regime=REGIME, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
)
#: eq. 61, the integral the proof evaluates (with s_t = t^(gamma - 1))
EQ61_INTEGRAND = m_sym * Phi / beta_bar_S / K_l * t ** ((gamma - 1) * (alpha_l - 1 + rho * (alpha_nu - 1))) \
    * sp.exp(-c_l * t ** ((gamma - 1) * rho * (alpha_l - 1)) * t)

# ------------------------------------------------------------------------------ Lemma 3.1 and eq. 14
mu = sp.Symbol("mu", positive=True)
w0 = sp.Symbol("w", real=True)
LEMMA_3_1 = Claim(
    id="battash.lemma3_1",
    title="gradient flow converges exponentially in a mu-strongly convex basin",
    lhs=sp.Symbol("|Y_t - W*|^2"), rhs=2 * sp.Symbol("U_tilde", positive=True) / mu * sp.exp(-2 * mu * t),
    relation="<=", sources=(Source(SEED_000, "sec. 3, Lemma 3.1, eq. 6; proof appendix B.6"),
                            Source(SEED_001, "sec. 3, Lemma 3.1")),
    regime="U mu-strongly convex on G, U_tilde = U(w) - U(W*)", clock=CLOCK, interpretation="deterministic (no noise)",
)
zeta = sp.Symbol("zeta", positive=True)
RELAXATION = Claim(
    id="battash.eq14",
    title="relaxation time of the deterministic flow into an eps_bar^zeta neighbourhood",
    lhs=sp.Symbol("T_R"), rhs=sp.Symbol("C_1", positive=True) * sp.Abs(sp.log(eps_bar_sym)), relation="<=",
    sources=(Source(SEED_000, "sec. 4, eq. 14"), Source(SEED_001, "sec. 4, eq. 14")),
    regime="eps_bar -> 0", clock=CLOCK, interpretation="deterministic (no noise)",
)

# ------------------------------------------------------------------------------ Proposition 3.2 (appendix B.3)
theta = sp.Symbol("theta_l", positive=True)
PROP_3_2_EXPONENT = Claim(
    id="battash.prop3_2",
    title="Prop. 3.2: exponent theta_bar of the small-jump deviation bound C eps_bar^theta_bar",
    lhs=sp.Symbol("theta_bar_l"), rhs=-rho * (1 - alpha_l) + 2 - 2 * theta,
    sources=(Source(SEED_000, "sec. 3, Proposition 3.2, eq. 9; proof appendix B.3, eqs. 34-35"),
             Source(SEED_001, "sec. 3, Proposition 3.2")),
    regime="theta_l in (0, (2 - alpha_l)/4), rho in (0, 1), horizon T_eps ~ Exp(beta_l)", conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE,
)


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
THM_C3 = Claim(
    id="battash.thmC3",
    title="Thm C.3: bound on P(sigma < oo), multistep scheduler (term l, step p)",
    lhs=sp.Symbol("P(sigma<oo)_lp"),
    rhs=m_sym * Phi / (beta_bar_S * K_l) * gamma_p ** (rho * (1 - alpha_nu) + alpha_l - 1 - rho * (alpha_l - 1))
    * sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * T_p)
    * (1 - sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * (T_p1 - T_p))) / c_l,
    relation="<=", sources=(Source(SEED_000, "appendix C.3, Theorem C.3, eq. 62",
                                   note="T in eq. 62 read as T_{p+1} - T_p, the only reading that makes it an identity"),),
    regime="multistep scheduler: s_t = gamma_p on [T_p, T_{p+1})", clock=CLOCK, interpretation=NOISE,
)
#: eq. 63's last integral before evaluation (constant scheduler value gamma_p on the step)
EQ63_STEP = m_sym * Phi / (beta_bar_S * K_l) * gamma_p ** (rho * (1 - alpha_nu) + alpha_l - 1) \
    * sp.Integral(sp.exp(-c_l * gamma_p ** (rho * (alpha_l - 1)) * t), (t, T_p, T_p1))


# ------------------------------------------------------------------------------ the model of eq. 81 and its exit law
#: s_t = t^(gamma - 1), the "exponential" scheduler of seed 000 Thm 4.1 (sec. 4)
def power_scheduler(cooling) -> sp.Expr:
    from .model import TIME

    return TIME ** (sp.nsimplify(cooling) - 1)


def multistep_scheduler(switch_times, factors) -> sp.Expr:
    """s_t = gamma_p on (T_p, T_{p+1}], T_0 = 0 (seed 001 sec. 1; seed 000 appendix C.1): factors[p] on
    [switch_times[p-1], switch_times[p]); the last factor holds from the last switch on."""
    from .model import TIME

    if len(factors) != len(switch_times) + 1:
        raise ValueError("a multistep scheduler needs one more factor than switching times")
    pieces = [(sp.nsimplify(g), TIME < sp.nsimplify(T)) for g, T in zip(factors, switch_times)]
    return sp.Piecewise(*pieces, (sp.nsimplify(factors[-1]), True))


def box_model(alphas, epsilon, half_width, curvature, scheduler=None) -> Model:
    """Seed 000 eq. 81 (eq. 3 with one-hot r_l and lambda_l = 1) on the box (-d, d)^N around the minimum of
    U = h |x|^2 / 2: dX_l = -h X_l dt + s_t^((alpha_l - 1)/alpha_l) eps dL^l, L^l symmetric alpha_l-stable with the
    papers' Lévy measure |y|^(-1-alpha_l) dy (eq. 23). `scheduler` is s_t (power_scheduler, multistep_scheduler)."""
    from .domain import Box

    alphas = tuple(sp.nsimplify(a) for a in alphas)
    state = sp.symbols(f"x1:{len(alphas) + 1}", real=True)
    d, h = sp.nsimplify(half_width), sp.nsimplify(curvature)
    factors = None if scheduler is None else sp.Matrix([scheduler ** ((a - 1) / a) for a in alphas])
    return Model(f"{len(alphas)}-D Lévy box (seed 000 eq. 81)", state, sp.Matrix([-h * x for x in state]),
                 sp.nsimplify(epsilon) * sp.eye(len(alphas)), Box(tuple(-d for _ in state), tuple(d for _ in state)),
                 tuple(0 for _ in state), noise=AlphaStable(alphas), scheduler=factors,
                 potential=h * sum(x**2 for x in state) / 2)


#: the constants the paper defines by a formula, each as that formula (seed 000): q_nu is the first-jump exit
#: probability of eq. 13 at the network's average alpha_nu (sec. 3: "alpha_nu as the average alpha"), which A uses
q_nu = sp.Symbol("q_nu", positive=True)
d_half = sp.Symbol("d", positive=True)        # the checks' symmetric box: d^- = -d, d^+ = d
DEFINITIONS = {
    m_sym: (m_bar, "Thm 4.1: m_bar_l = lambda_bar_l^alpha_l eps^alpha_l / alpha_l"),
    beta_l: (beta_bar, "Thm 4.1: beta_bar_l = 2 eps^(rho alpha_l) / alpha_l, the time-independent eq. 12; "
                       "beta_l / beta_S read as beta_bar_l / beta_bar_S, as 001 sec. 3.2 assumes"),
    Phi: (2 * d_half ** (-alpha_l), "eq. 13: Phi_l = (-d_l^-)^-alpha_l + (d_l^+)^-alpha_l with d^- = -d, d^+ = d"),
    q_nu: ((lam_bar**alpha_nu * eps**alpha_nu / alpha_nu) * 2 * d_half ** (-alpha_nu) / (2 * eps ** (rho * alpha_nu)
                                                                                        / alpha_nu),
           "m_bar_nu Phi_nu / beta_bar_nu: eq. 13's first-jump exit probability at alpha_nu"),
    A: ((1 - q_nu) * (1 - beta_l / beta_S), "sec. 4: A_{l,nu} = (1 - m_bar_nu beta_bar_nu^-1 Phi_nu)(1 - beta_bar_l "
                                            "beta_bar_S^-1)"),
    K_l: (beta_l / beta_S * (1 - q_nu), "Thm C.2 (eq. 59): [beta_bar_l/beta_bar_S - beta_bar_l/beta_bar_S m_bar_nu/"
                                         "beta_bar_nu Phi_nu]"),
    c_l: (2 * beta_l - m_sym * Phi, "Thm C.2 (eq. 59): 2 beta_bar_l - m_l Phi_l"),
}


def constants_for(alphas, epsilon, half_width, rho_value, lambda_bar=1) -> list[dict]:
    """For each parameter l of a symmetric box, the values of every symbol of a theorem's term l, derived from
    DEFINITIONS (no constant stays opaque): alpha_nu is the mean alpha, beta_S = beta_bar_S = sum_l beta_bar_l.
    Values are 30-digit mpmath numbers (the definitions are compiled once, theory.identity.safe_lambdify)."""
    import mpmath

    def evaluate(expr, values):
        function, arguments = _compiled(expr)
        return function(*[values[a] for a in arguments])

    with mpmath.workdps(30):
        alphas = [mpmath.mpf(str(a)) for a in alphas]
        base = {eps: mpmath.mpf(str(epsilon)), d_half: mpmath.mpf(str(half_width)), rho: mpmath.mpf(str(rho_value)),
                lam_bar: mpmath.mpf(str(lambda_bar)), alpha_nu: sum(alphas) / len(alphas)}
        beta_total = sum(evaluate(beta_bar, {**base, alpha_l: a}) for a in alphas)
        rows = []
        for a in alphas:
            values = {**base, alpha_l: a, beta_S: beta_total, beta_bar_S: beta_total}
            for symbol in (m_sym, beta_l, Phi, q_nu, A, K_l, c_l):   # in dependency order
                values[symbol] = evaluate(DEFINITIONS[symbol][0], values)
            values[beta_bar_l] = values[beta_l]
            rows.append(values)
    return rows


def face_values(row: dict, half_width) -> dict:
    """Thm 4.3's symbols of the exit face i (the upper face of parameter i) from that parameter's row."""
    return {alpha_i: row[alpha_l], m_i: row[m_sym], Phi_i: row[Phi], beta_i: row[beta_l], d_plus_i: half_width}


def statement_value(term: sp.Expr, rows: list[dict], extra: dict | None = None, face: dict | None = None) -> float:
    """The paper's sum over l of a theorem's term, every constant from its definition; `extra` fixes gamma, u, ...,
    `face` the exit face's symbols (Thm 4.3). Evaluated in 30-digit arithmetic (mpmath); +-inf or nan where the
    statement is not finite there."""
    import mpmath

    function, arguments = _compiled(term)
    total = mpmath.mpf(0)
    with mpmath.workdps(30):
        for row in rows:
            values = {**row, **(face or {}), **(extra or {})}
            missing = [a for a in arguments if a not in values]
            if missing:
                raise ValueError(f"the term still has free symbols {sorted(map(str, missing))}")
            try:
                total += function(*[values[a] if isinstance(values[a], mpmath.mpf) else mpmath.mpf(str(values[a]))
                                    for a in arguments])
            except ZeroDivisionError:
                return float("nan")
        return float(total.real) if isinstance(total, mpmath.mpc) and total.imag == 0 else float(total) \
            if not isinstance(total, mpmath.mpc) else float("nan")


_COMPILED: dict = {}


def _compiled(term: sp.Expr):
    """mpmath function of a term's free symbols (sorted by name), compiled once per term."""
    from .identity import safe_lambdify

    if term not in _COMPILED:
        arguments = tuple(sorted(term.free_symbols, key=lambda x: x.name))
        _COMPILED[term] = (safe_lambdify(arguments, term, "mpmath"), arguments)
    return _COMPILED[term]


# ------------------------------------------------------------------------------ Thm C.1 in full (multistep)
#: C.1's constants as the statement defines them: nu_nn, C_tilde, C_bar, C = C_bar + C_tilde, E_p = e^(-C T_p) T_p
nu_nn = gamma_p ** (alpha_nu - 1) * q_nu
_C_tilde = (beta_l / beta_S * gamma_p ** (rho * (alpha_l - alpha_nu))
            * (gamma_p ** (alpha_l - 1) * m_sym * Phi - gamma_p ** (rho * (alpha_l - 1)) * beta_l)
            / (nu_nn + beta_l / beta_S * gamma_p ** (rho * (alpha_l - alpha_nu)) * (1 - nu_nn)))
_C_bar = beta_l * gamma_p ** (rho * (alpha_l - 1))
C_C1 = _C_bar + _C_tilde
THM_C1 = Claim(
    id="battash.thmC1",
    title="Thm C.1: mean transition time, multistep scheduler (term l, step p)",
    lhs=sp.Symbol("E[sigma_G]_lp"),
    rhs=beta_l / (beta_S * C_C1) * gamma_p ** (alpha_l * (1 - rho) - 1 + rho * alpha_nu) * m_sym * Phi / A
    * (sp.exp(-C_C1 * T_p) * T_p - sp.exp(-C_C1 * T_p1) * T_p1),
    relation="~", sources=(Source(SEED_000, "appendix C.1, Theorem C.1 (with its nu_nn, C_tilde, C_bar, E_p)"),),
    regime="multistep scheduler s_t = gamma_p on [T_p, T_{p+1}), T_0 = 0; small eps; exits only at large jumps",
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.eq58",)},
)

#: the proof's own C (after eq. 57): gamma_p^(alpha_l - alpha_nu) without the rho, and + nu beta_l/beta_S in the
#: denominator where the statement has (1 - nu_nn)
C_EQ57 = (beta_l / beta_S * gamma_p ** (alpha_l - alpha_nu)
          * (gamma_p ** (alpha_l - 1) * m_sym * Phi - gamma_p ** (rho * (alpha_l - 1)) * beta_l)
          / (nu_nn + beta_l / beta_S * gamma_p ** (rho * (alpha_l - alpha_nu))
             + nu_nn * beta_l / beta_S * gamma_p ** (rho * (alpha_l - alpha_nu)))
          + beta_l * gamma_p ** (rho * (alpha_l - 1)))
EQ_58 = Claim(
    id="battash.eq58",
    title="eq. 58: mean transition time, multistep scheduler, as the proof integrates it (term l, step p)",
    lhs=sp.Symbol("E[sigma_G]_lp"),
    rhs=beta_l / (beta_S * C_EQ57**2) * gamma_p ** (alpha_l - 1 + rho * (alpha_l - alpha_nu)) * m_sym * Phi / A
    * (sp.exp(-C_EQ57 * T_p) * (C_EQ57 * T_p + 1) - sp.exp(-C_EQ57 * T_p1) * (C_EQ57 * T_p1 + 1)),
    relation="<=", sources=(Source(SEED_000, "appendix C.1, eqs. 55-58 (E[sigma_G] <= ..., second line of eq. 58, "
                                             "with the C defined after eq. 57)"),),
    regime="multistep scheduler s_t = gamma_p on [T_p, T_{p+1}), T_0 = 0; small eps; exits only at large jumps",
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"compare_with": ("battash.thmC1",)},
)


# ------------------------------------------------------------------------------ units (seed 000's convention)
from .levy import UNITS_000  # noqa: E402 - the table continues levy's
from .units import DIMENSIONLESS, LENGTH, LOSS, TIME, Reading  # noqa: E402

#: one table for the symbols of this module, in levy.CONVENTION_000 (t in iterations, eps a pure number, lengths and
#: the noise scale lambda rescale, loss as length^2); applied to every claim of the module below
UNITS = {
    **UNITS_000,
    **{s: DIMENSIONLESS for s in (alpha_l, alpha_i, alpha_j, alpha_nu, alpha_p, gamma, gamma_p, rho, eps, A, K_l, q_nu,
                                  theta, zeta, eta, eps_bar_sym, eps_bar_l, eps_bar_j, h_ll, h_jj, mu, N_params,
                                  B_batch, D_data, l_idx, j_idx, m_idx, p_idx)},
    **{s: LENGTH for s in (lam_bar, lam_l, lam_j, d_plus_i, d_plus_l, d_plus_j, d_half, w_l, w_j, w0)},
    m_sym: LENGTH**alpha_l, m_i: LENGTH**alpha_i, Phi: LENGTH ** (-alpha_l), Phi_i: LENGTH ** (-alpha_i),
    **{s: TIME**-1 for s in (beta_l, beta_S, beta_i, beta_bar_l, beta_bar_S, c_l, C_lnup, mu_xi)},
    **{s: TIME for s in (u, t, T_p, T_p1, p_, sp.Symbol("T_R"), sp.Symbol("C_1", positive=True))},
    sp.Symbol("U_tilde", positive=True): LOSS,
    # gradient-noise covariances: (loss / length)^2 = length^2 when the learning rate is a pure number
    u_tilde: LENGTH**2, h_bar: DIMENSIONLESS, second_moment: LENGTH**2,
    **{sp.Symbol(name): TIME for name in ("E[sigma_G]_l", "E[sigma_G]_lp")},
    **{sp.Symbol(name): DIMENSIONLESS for name in (
        "P(sigma>u)_l", "P(W_sigma in Omega_i^+)_l", "P(Omega_l^+)/P(Omega_j^+)", "P(sigma<oo)_l", "P(sigma<oo)_lp",
        "d log(P(Omega_l^+)/P(Omega_j^+)) / d log eps", "power of eta, term (l, i)", "exponent of gamma_p",
        "theta_bar_l", "E[X_t^l]", "E[xi_t^l]")},
    **{sp.Symbol(name): LENGTH**2 for name in ("E[Z_t^l Z_t^j]", "|Y_t - W*|^2", "1^T lambda_l(W_t)")},
}
#: Lemma 3.3 drops the noise scale lambda between eq. 8 (eps lambda xi) and eq. 36 (eps_bar X): read with lambda
#: absorbed into eps_bar (eps_bar a length), its two kinds of terms transform alike; in the paper's convention not
for _claim in (LEMMA_3_3, LEMMA_3_3_001):
    object.__setattr__(_claim, "other_readings", (Reading(
        "with the noise scale lambda_l of eq. 8 absorbed into eps_bar (eps_bar a length)", "iterations",
        {eps_bar_l: LENGTH, eps_bar_j: LENGTH}),))
for _claim in (THM_4_1, THM_4_1_APPENDIX, COR_4_2, THM_4_5, EQ_68, COR_4_6, THM_4_3, EQ_31, EQ_30, COR_4_4, EQ_20,
               EQ_17_001, EQ_40, EQ_41, LEMMA_3_3, LEMMA_3_3_001, PROP_3_4, PROP_3_4_001, THM_C1_EXPONENT, EQ_58_INTEGRAL,
               THM_C2, LEMMA_3_1, RELAXATION, PROP_3_2_EXPONENT, THM_C3, THM_C1, EQ_58):
    _symbols = _claim.lhs.free_symbols | _claim.rhs.free_symbols | {e.base for e in _claim.rhs.atoms(sp.Indexed)}
    _claim.units.update({s: UNITS[s] for s in _symbols if s in UNITS})


# ------------------------------------------------------------------------------ the exit law, derived (corrections)
#: the exit law of the model of eq. 81 in the paper's own symbols: parameter l's exit-causing jumps arrive at rate
#: m_bar_l Phi_l s_t^(alpha_l - 1) (theory.levy.large_jump_exit_hazards at lambda = 1: nu(|y| > d / (eps s^((alpha-1)
#: /alpha))) = eps^alpha s^(alpha-1) Phi / alpha), so every quantity is a functional of the cumulative hazard.
#: Indexed by parameter l (1..N) and scheduler step p (0..P, T[0] = 0, T[P+1] the end or oo)
rate = sp.IndexedBase("mPhi")         # m_bar_l Phi_l, the gamma = 1 exit rate of parameter l
alpha_ix = sp.IndexedBase("alpha")
H = sp.IndexedBase("H")               # total exit rate on step p: sum_l mPhi[l] gamma_p^(alpha_l - 1)
T_ix = sp.IndexedBase("T")
n_par, n_steps = sp.symbols("N P", positive=True, integer=True)
l_ix, p_ix, q_ix = sp.symbols("l p q", integer=True)
horizon_T = sp.Symbol("T_end", positive=True)
DERIVED = Source(None, "exit law of the model of seed 000 eq. 81 at large jumps", paper="derived by escape-theory",
                 note="theory.levy.large_jump_exit_hazards (Lévy measure, scheduler, box), first event of independent "
                      "Poisson streams; the small-eps limit the paper's framework assumes (sec. 4)")
_power_cumulative = sp.Sum(rate[l_ix] * horizon_T ** (1 + (gamma - 1) * (alpha_ix[l_ix] - 1))
                           / (1 + (gamma - 1) * (alpha_ix[l_ix] - 1)), (l_ix, 1, n_par))
ESCAPE_POWER = Claim(
    id="battash.derived.escape_power",
    title="P(sigma <= T) under s_t = t^(gamma-1), derived from the model (1 as T -> oo when every gamma_l > 0)",
    lhs=sp.Symbol("P(sigma<=T)"), rhs=1 - sp.exp(-_power_cumulative), relation="~", sources=(DERIVED,),
    regime="small eps (exits at single large jumps from the minimum); gamma_l = 1 + (gamma-1)(alpha_l-1) > 0",
    clock=CLOCK, interpretation=NOISE, relations={"corrects": ("battash.thmC2",)},
)
_step_mass = sp.Sum(H[q_ix] * (T_ix[q_ix + 1] - T_ix[q_ix]), (q_ix, 0, p_ix - 1))
MULTISTEP_MEAN = Claim(
    id="battash.derived.multistep_mean",
    title="mean exit time under a multistep scheduler, derived from the model",
    lhs=sp.Symbol("E[sigma_G]"),
    rhs=sp.Sum(sp.exp(-_step_mass) * (1 - sp.exp(-H[p_ix] * (T_ix[p_ix + 1] - T_ix[p_ix]))) / H[p_ix],
               (p_ix, 0, n_steps)),
    relation="~", sources=(DERIVED,), regime="small eps; s_t = gamma_p on [T[p], T[p+1]), T[0] = 0, T[P+1] = oo; "
                                               "H[p] = sum_l m_bar_l Phi_l gamma_p^(alpha_l - 1)",
    clock=CLOCK, interpretation=NOISE, relations={"corrects": ("battash.thmC1", "battash.eq58")},
)
MULTISTEP_ESCAPE = Claim(
    id="battash.derived.multistep_escape",
    title="P(sigma <= T[P+1]) under a multistep scheduler, derived from the model",
    lhs=sp.Symbol("P(sigma<=T)"), rhs=1 - sp.exp(-sp.Sum(H[p_ix] * (T_ix[p_ix + 1] - T_ix[p_ix]), (p_ix, 0, n_steps))),
    relation="~", sources=(DERIVED,), regime=MULTISTEP_MEAN.regime.replace("T[P+1] = oo", "T[P+1] the end"),
    clock=CLOCK, interpretation=NOISE, relations={"corrects": ("battash.thmC3",)},
)
EXIT_FACE_RATIO = Claim(
    id="battash.derived.exit_face_ratio",
    title="ratio of the probabilities of exiting through the upper faces of parameters l and j (gamma = 1), derived",
    lhs=COR_4_4.lhs, rhs=exit_face_ratio().result, relation="~", sources=(DERIVED,),
    regime="gamma = 1, small eps", conditions=COR_4_4.conditions, clock=CLOCK, interpretation=NOISE,
    derivation=exit_face_ratio(), relations={"corrects": ("battash.cor4_4",)},
)


@lru_cache(maxsize=1)
def cor4_2_from_thm4_1() -> Derivation:
    """Cor 4.2 as the gamma -> 1 limit of Thm 4.1 with its own beta_bar_l and m_bar_l (what Cor 4.2 says it is)."""
    d = Derivation("gamma -> 1 of Thm 4.1's term", sp.S.Zero)
    limit = d.step("limit gamma -> 1 (C -> 2)", sp.simplify(sp.limit(THM_4_1.rhs, gamma, 1)))
    d.result = d.step("beta_l -> beta_bar_l, m_bar_l -> lambda_bar_l^alpha_l eps^alpha_l / alpha_l (Thm 4.1)",
                      sp.simplify(limit.subs({beta_l: beta_bar, m_sym: m_bar})))
    return d


COR_4_2_DERIVED = Claim(
    id="battash.derived.cor4_2",
    title="Cor 4.2 as the gamma -> 1 limit of Thm 4.1 gives it (term l)",
    lhs=COR_4_2.lhs, rhs=cor4_2_from_thm4_1().result, relation="<=", sources=(DERIVED,),
    regime=COR_4_2.regime, conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    derivation=cor4_2_from_thm4_1(), relations={"corrects": ("battash.cor4_2",), "limit_of": ("battash.thm4_1",)},
)


def law_arrays(alphas, epsilon, half_width, factors=None) -> dict:
    """The indexed values of the derived laws for a symmetric box at lambda = 1: mPhi[l] = m_bar_l Phi_l from
    DEFINITIONS, alpha[l], and for a multistep scheduler H[p] = sum_l mPhi[l] gamma_p^(alpha_l - 1)."""
    rows = constants_for(alphas, epsilon, half_width, 0.5)   # rho does not enter m_bar or Phi
    rates = [r[m_sym] * r[Phi] for r in rows]
    arrays = {rate: rates, alpha_ix: [r[alpha_l] for r in rows]}
    if factors is not None:
        arrays[H] = [sum(m * g ** (a - 1) for m, a in zip(rates, arrays[alpha_ix])) for g in factors]
    return arrays


def law_value(claim: Claim, arrays: dict, values: dict) -> float:
    """A derived law with its indexed symbols filled in (1-based parameters, 0-based steps), in mpmath."""
    import mpmath

    n = len(arrays[rate])
    concrete = claim.rhs.subs({n_par: n, **({n_steps: len(arrays[H]) - 1} if H in arrays else {}),
                               **{k: sp.nsimplify(v) if isinstance(v, (int, float)) else v
                                  for k, v in values.items() if not isinstance(k, sp.IndexedBase)}}).doit()
    entries = {}
    for e in concrete.atoms(sp.Indexed):
        index = int(e.indices[0])
        source = values[T_ix] if e.base == T_ix else arrays[e.base]
        entries[e] = source[index - 1] if e.base in (rate, alpha_ix) else source[index]
    with mpmath.workdps(30):
        result = sp.N(concrete.xreplace({k: sp.Float(str(v), 30) if not isinstance(v, sp.Basic) else v
                                         for k, v in entries.items()}), 30)
    return float(result)

for _claim in (ESCAPE_POWER, MULTISTEP_MEAN, MULTISTEP_ESCAPE, EXIT_FACE_RATIO, COR_4_2_DERIVED):
    object.__setattr__(_claim, "convention", CONVENTION_000)
    _claim.units.update({s: UNITS[s] for s in _claim.lhs.free_symbols | _claim.rhs.free_symbols if s in UNITS})
    _claim.units.update({rate: TIME**-1, H: TIME**-1, alpha_ix: DIMENSIONLESS, T_ix: TIME, horizon_T: TIME,
                         n_par: DIMENSIONLESS, n_steps: DIMENSIONLESS, sp.Symbol("P(sigma<=T)"): DIMENSIONLESS,
                         sp.Symbol("E[sigma_G]"): TIME})


# ------------------------------------------------------------------------------ further derived replacements
from .levy import first_jump_exit  # noqa: E402
from .levy import IMKELLER_MEAN_EXIT  # noqa: E402

FIRST_JUMP_EXIT_DERIVED = Claim(
    id="battash.derived.eq13",
    title="probability that the first large jump leaves [d-, d+], derived from the Lévy measure",
    lhs=sp.Symbol("P(first jump exits)"), rhs=first_jump_exit().result, sources=(DERIVED,),
    regime="the exit thresholds lie beyond the large-jump cutoff", conditions=CONDITIONS, clock=CLOCK,
    interpretation=NOISE, derivation=first_jump_exit(), relations={"corrects": ("battash.eq13",)},
)
SMALL_JUMP_MEAN_DERIVED = Claim(
    id="battash.derived.eq41",
    title="mean of the symmetric small-jump process xi_t, derived from the Lévy measure",
    lhs=sp.Symbol("E[xi_t^l]"), rhs=mean_of_small_jumps().result, sources=(DERIVED,),
    regime="small jumps |y| <= eps_bar^-rho of the symmetric measure |y|^(-1-alpha) dy", conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE, derivation=mean_of_small_jumps(), relations={"corrects": ("battash.eq41",)},
)
CROSS_MOMENT_DERIVED = Claim(
    id="battash.derived.small_jump_cross_moment",
    title="E[Z^l Z^j] between large jumps (l != j), derived from the linearised small-jump dynamic",
    lhs=LEMMA_3_3.lhs, rhs=small_jump_second_moments().result, relation="~", sources=(DERIVED,),
    regime=LEMMA_3_3_REGIME, conditions=(alpha_l < 2, alpha_j < 2, rho < 1), clock=CLOCK, interpretation=NOISE,
    derivation=small_jump_second_moments(),
    relations={"corrects": ("battash.lemma3_3", "battash.lemma3_3_001")},
)


@lru_cache(maxsize=1)
def eta_power_of_exit_time() -> Derivation:
    """d log E[sigma] / d log eta for one parameter: the exit law E[sigma] = alpha / (eps^alpha Phi)
    (imkeller.mean_exit_time; the model's gamma = 1 law) with eps = eta^((alpha-1)/alpha) (001 eq. 1)."""
    a = IMKELLER_MEAN_EXIT.rhs.free_symbols
    alpha_, eps_ = next(s for s in a if s.name == "alpha"), next(s for s in a if s.name == "epsilon")
    d = Derivation("power of eta in the mean exit time (one parameter)", sp.S.Zero)
    law = d.step("E[sigma] with eps = eta^((alpha-1)/alpha)", IMKELLER_MEAN_EXIT.rhs.subs(
        eps_, eta ** ((alpha_ - 1) / alpha_)))
    d.result = d.step("eta d/d eta log E[sigma]", sp.simplify(eta * sp.diff(sp.log(law), eta)).subs(alpha_, alpha_l))
    return d


ETA_POWER_DERIVED = Claim(
    id="battash.derived.eta_power",
    title="power of the learning rate in the mean exit time (one parameter), derived from the exit law",
    lhs=sp.Symbol("d log E[sigma] / d log eta"), rhs=eta_power_of_exit_time().result, relation="~",
    sources=(DERIVED,), regime="gamma = 1, small eta (exits at large jumps), one parameter",
    conditions=(alpha_l < 2,), clock="t = k (iterations)", interpretation=NOISE, derivation=eta_power_of_exit_time(),
    relations={"corrects": ("battash.eq17_001",)},
)

for _claim in (FIRST_JUMP_EXIT_DERIVED, SMALL_JUMP_MEAN_DERIVED, CROSS_MOMENT_DERIVED, ETA_POWER_DERIVED):
    object.__setattr__(_claim, "convention", CONVENTION_000)
    _claim.units.update({s: UNITS[s] for s in _claim.lhs.free_symbols | _claim.rhs.free_symbols if s in UNITS})
    _claim.units.update({sp.Symbol("d log E[sigma] / d log eta"): DIMENSIONLESS})


# ------------------------------------------------------------------------------ A_{l,nu}: the constant of eq. 27's sum
x_A = sp.Symbol("x", positive=True)   # (1 - q_nu)(1 - beta_l/beta_S): the paper's A_{l,nu}, in (0, 1)
z_A = sp.Symbol("z", real=True)       # beta_l/beta_S (m Phi t - beta t), the Laguerre argument times x
k_sum = sp.Symbol("k", integer=True, positive=True)
EQ27_LAGUERRE = Claim(
    id="battash.eq27_laguerre",
    title="the sum over k in the proof of Thm 4.1, whose prefactor defines A_{l,nu}",
    lhs=sp.Sum(x_A ** (k_sum - 1) * sp.laguerre(k_sum - 1, z_A / x_A), (k_sum, 1, sp.oo)),
    rhs=sp.exp(-z_A / (1 - x_A)) / x_A,
    sources=(Source(SEED_000, "appendix B.1, eq. 27 (third to fourth line: sum_k [x]^(k-1) L_(k-1)(z/[x]) = "
                              "[x]^-1 e^(-z/[1 - x])); sec. 4: A_{l,nu} = x, used by Thm 4.1, 4.3, 4.5, C.1"),),
    regime="0 < x < 1 (x = (1 - m_bar_nu Phi_nu / beta_bar_nu)(1 - beta_bar_l / beta_bar_S))",
    conditions=(x_A < 1,), clock=CLOCK, interpretation=NOISE, convention=CONVENTION_000,
    units={x_A: DIMENSIONLESS, z_A: DIMENSIONLESS, k_sum: DIMENSIONLESS},
)


@lru_cache(maxsize=1)
def laguerre_generating_function() -> Derivation:
    """sum_{n>=0} L_n(w) r^n = exp(-r w / (1 - r)) / (1 - r) (the generating function of the Laguerre polynomials,
    Abramowitz & Stegun 22.9.15), checked term by term to order 10 in r; then r = x, w = z / x, n = k - 1."""
    r, w = sp.Symbol("r", positive=True), sp.Symbol("w", real=True)
    d = Derivation("the sum of eq. 27 from the Laguerre generating function", sp.S.Zero)
    generating = d.step("sum_n L_n(w) r^n", sp.exp(-r * w / (1 - r)) / (1 - r))
    series = sp.expand(sp.series(generating, r, 0, 10).removeO())
    for n in range(10):
        d.verify(f"the coefficient of r^{n} is L_{n}(w)", sp.expand(series.coeff(r, n) - sp.laguerre(n, w)))
    d.result = d.step("r = x, w = z / x", sp.simplify(generating.subs({w: z_A / x_A}).subs(r, x_A)))
    return d


EQ27_LAGUERRE_DERIVED = Claim(
    id="battash.derived.eq27_laguerre", title="the sum over k in eq. 27, from the Laguerre generating function",
    # the generating function's value (laguerre_generating_function derives it; the claim's checks hold the two)
    lhs=EQ27_LAGUERRE.lhs, rhs=sp.exp(-z_A / (1 - x_A)) / (1 - x_A), sources=(DERIVED,),
    regime=EQ27_LAGUERRE.regime, conditions=EQ27_LAGUERRE.conditions, clock=CLOCK, interpretation=NOISE,
    convention=CONVENTION_000, units=dict(EQ27_LAGUERRE.units),
    derivation=DeferredDerivation("the sum of eq. 27 from the Laguerre generating function",
                                  laguerre_generating_function),
    relations={"corrects": ("battash.eq27_laguerre",)},
    notes="the prefactor is 1/(1 - x): the constant that multiplies Thm 4.1's terms is 1 - x, not A_{l,nu} = x",
)


def laguerre_sum_numeric(x_value: float, z_value: float, dps: int = 30) -> float:
    """The sum of eq. 27 by direct summation (mpmath nsum of x^(k-1) L_(k-1)(z/x)): the independent numeric route."""
    import mpmath

    with mpmath.workdps(dps):
        x_m, z_m = mpmath.mpf(x_value), mpmath.mpf(z_value)
        return float(mpmath.nsum(lambda k: x_m ** (k - 1) * mpmath.laguerre(k - 1, 0, z_m / x_m), [1, mpmath.inf]))


# ------------------------------------------------------------------------------ eq. 29: the exit face as a series of jumps
#: per-jump probabilities of the combined large-jump stream at gamma = 1 (eq. 13 and eq. 26): a jump comes from
#: parameter l with probability beta_bar_l / beta_bar_S and then leaves with probability m_bar_l Phi_l / beta_bar_l,
#: through the upper face of i with m_bar_i (d_i^+)^-alpha_i / beta_bar_i
beta_ix = sp.IndexedBase("beta_bar")
face_rate = sp.Symbol("m_bar_i_d_i", positive=True)   # m_bar_i (d_i^+)^-alpha_i
EQ_29 = Claim(
    id="battash.eq29",
    title="exit through the upper face of parameter i as the series of eq. 29 sums it (gamma = 1)",
    lhs=sp.Symbol("P(W_sigma in Omega_i^+)"),
    # sum_k (1 - P(J exits))^(k-1) P(J > d_i^+) = P(J > d_i^+) / P(J exits), a geometric series
    rhs=(face_rate / beta_S) / sp.Sum(rate[l_ix] / beta_S, (l_ix, 1, n_par)),
    sources=(Source(SEED_000, "appendix B.2, eq. 29 (first three lines, with eq. 13 and eq. 26 at gamma = 1)"),),
    regime="gamma = 1 (constant per-jump probabilities), exits only at large jumps", conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE, convention=CONVENTION_000,
    units={face_rate: TIME**-1, rate: TIME**-1, beta_S: TIME**-1, n_par: DIMENSIONLESS,
           sp.Symbol("P(W_sigma in Omega_i^+)"): DIMENSIONLESS},
)


def eq29_value(alphas, epsilon, half_width, face: int = 0) -> float:
    """eq. 29 with its per-jump probabilities from their definitions (m_bar, Phi, beta_bar at any rho: they cancel)."""
    arrays = law_arrays(alphas, epsilon, half_width)
    rows = constants_for(alphas, epsilon, half_width, 0.5)
    i_row = rows[face]
    values = {face_rate: i_row[m_sym] * sp.nsimplify(half_width) ** (-i_row[alpha_l]), beta_S: i_row[beta_S]}
    return law_value(EQ_29, arrays, values)


# ------------------------------------------------------------------------------ derivations of the exit laws
@lru_cache(maxsize=4)
def exit_law_derivation(kind: str, claim: Claim) -> Derivation:
    """The derived laws of this module from the model of eq. 81, for one parameter l with symbolic constants: its
    exit hazard from theory.levy.large_jump_exit_hazards (Lévy measure, scheduler, box), integrated.

    kind "power" (s_t = t^(gamma-1)): the cumulative hazard int_0^T of both faces is m_bar_l Phi_l T^gamma_l/gamma_l
    (escape_power sums it over l); "step" (s_t = gamma_p on a step): the hazard is the constant m_bar_l Phi_l
    gamma_p^(alpha_l - 1), whose sum over l is H[p], and the mean exit time collects int over each step of
    exp(-cumulative) = S(T_p) (1 - e^(-H_p (T_p+1 - T_p))) / H_p (multistep_mean; multistep_escape is 1 - S(T_P+1))."""
    from .levy import exit_hazards
    from .model import TIME

    d = Derivation(f"exit law of the model of eq. 81 ({kind} scheduler)", sp.S.Zero)
    scheduler = TIME ** (gamma - 1) if kind == "power" else gamma_p
    model = box_model((alpha_l,), eps, d_half, sp.Symbol("h", positive=True), scheduler)
    hazards = exit_hazards(model)
    total = d.step("exit hazard of parameter l, both faces (large_jump_exit_hazards, lambda = 1)",
                   sp.powsimp(sp.expand_power_base(sp.Add(*hazards.values()), force=True), force=True))
    m_phi = (m_bar * 2 * d_half ** (-alpha_l)).subs(lam_bar, 1)
    d.verify("it is m_bar_l Phi_l s_t^(alpha_l - 1)", total - m_phi * scheduler ** (alpha_l - 1))
    if kind == "power":
        v = sp.Symbol("v", positive=True)
        cumulative = sp.integrate(total.subs(TIME, v), (v, 0, horizon_T), conds="none")
        cumulative = d.step("int_0^T of it (converges when gamma_l = 1 + (gamma-1)(alpha_l-1) > 0)",
                            sp.simplify(cumulative.replace(lambda z: z.is_Pow and z.base == 0, lambda z: sp.S.Zero)))
        d.verify("= m_bar_l Phi_l T^gamma_l / gamma_l", cumulative - m_phi * horizon_T ** (1 + (gamma - 1) * (alpha_l - 1))
                 / (1 + (gamma - 1) * (alpha_l - 1)))
        d.result = d.step("P(sigma <= T) = 1 - exp(-sum_l of it)", claim.rhs)
        return d
    Hp, Sp, Tp, Tq, t_ = sp.symbols("H_p S_p T_p T_q t", positive=True)
    step_mean = d.step("int_{T_p}^{T_p+1} S(T_p) exp(-H_p (t - T_p)) dt",
                       sp.simplify(sp.integrate(Sp * sp.exp(-Hp * (t_ - Tp)), (t_, Tp, Tq))))
    d.verify("= S(T_p)(1 - e^(-H_p (T_p+1 - T_p)))/H_p", step_mean - Sp * (1 - sp.exp(-Hp * (Tq - Tp))) / Hp)
    d.result = d.step("summed over the steps (E[sigma]), or 1 - S(T_P+1) (P(sigma <= T_P+1)); "
                      "S(T_p) = exp(-sum_{q<p} H_q (T_q+1 - T_q))", claim.rhs)
    return d


for _claim, _kind in ((ESCAPE_POWER, "power"), (MULTISTEP_MEAN, "step"), (MULTISTEP_ESCAPE, "step")):
    object.__setattr__(_claim, "derivation", DeferredDerivation(
        f"exit law of the model of eq. 81 ({_kind} scheduler)",
        lambda kind=_kind, claim=_claim: exit_law_derivation(kind, claim)))
