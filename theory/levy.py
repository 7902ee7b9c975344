"""Lévy-driven escape: the stable-noise normalisation, the classical 1-D first-exit law, and the
jump statements of Battash & Lindenbaum (seed 000_6ac092e84b589a62.txt, sec. 3.2 and sec. 4).

Convention (seed 000 eq. 3 and eq. 23): each coordinate l is driven by a symmetric alpha_l-stable
Lévy process L^l with Lévy measure nu(dy) = |y|^(-1-alpha) dy (no normalising constant), scaled by
eps_bar_l = s_t^((alpha_l - 1)/alpha_l) eps and by the row sum lambda_l = 1^T lambda_l(t) of the noise
covariance. Time is the SDE time of eq. 3 (the paper identifies it with the training iteration).
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .claim import Claim, Source
from .derivation import Derivation
from .domain import Interval
from .model import AlphaStable, Model
from .units import DIMENSIONLESS, LENGTH, TIME, Reading, convention
from .sources import SEED_000, SEED_001

alpha = sp.Symbol("alpha", positive=True)
eps = sp.Symbol("epsilon", positive=True)
rho = sp.Symbol("rho", positive=True)
s_t = sp.Symbol("s_t", positive=True)            # scheduler value at time t
lam = sp.Symbol("lambda_l", positive=True)       # 1^T lambda_l(t): row sum of the noise covariance
d_minus = sp.Symbol("d_minus", negative=True)    # lower distance to the boundary (d^- < 0)
d_plus = sp.Symbol("d_plus", positive=True)
cutoff = sp.Symbol("O", positive=True)           # the large-jump threshold of eq. 12
x_ = sp.Symbol("x", real=True)
y = sp.Symbol("y", positive=True)
u = sp.Symbol("u", positive=True)

IMKELLER_2006 = Source(None, "Theorem 1 (first exit law) and its corollaries",
                       paper="Imkeller & Pavlyukevich, Stoch. Proc. Appl. 116 (2006) 611-642",
                       note=f"ref. [24] of {SEED_000}")
CLOCK = "SDE time t of seed 000 eq. 3"
NOISE = "symmetric alpha-stable, Lévy measure |y|^(-1-alpha) dy per coordinate (seed 000 eq. 23)"
CONDITIONS = (alpha < 2, rho < 1)

#: seed 000's unit system (001 shares it): t counts iterations (App. A.1, "t: Train iteration"), eps =
#: eta^((alpha-1)/alpha) is a pure number (sec. 1, eq. 1; App. F, after eq. 83), so the Lévy measure |y|^(-1-alpha) dy
#: of eq. 23 is per iteration and time is not rescalable; lengths (weights, distances to the boundary d, and the noise
#: scale lambda_l, which eq. 3 multiplies into a displacement) rescale, and with a pure learning rate the loss carries
#: length^2 (w_k = w_{k-1} - eta grad U, eq. 1)
CONVENTION_000 = convention(
    SEED_000, "sec. 1 eq. 1 (eps = eta^((alpha-1)/alpha)); App. A.1 (t: train iteration); App. F eqs. 79-83",
    "iterations", "t counts SGD iterations and eps is a pure number; lengths rescale (w, d, the noise scale lambda_l, "
    "taken as a length so that eps lambda_l L of eq. 3 is a displacement), loss as length^2")
convention(SEED_001, "sec. 1 eq. 1 (eps = eta^((alpha-1)/alpha)); sec. 3 eq. 3", "iterations",
           CONVENTION_000.description + " (as in seed 000)")
#: the classical exit law in its own SDE time: L_t scales as t^(1/alpha), so eps carries length time^(-1/alpha)
CONVENTION_IMKELLER = convention(
    "Imkeller & Pavlyukevich, Stoch. Proc. Appl. 116 (2006) 611-642", "sec. 1, the SDE dX = -U'(X) dt + eps dL",
    "free", "SDE time and length rescale independently; L_t has the scaling t^(1/alpha), so eps carries length "
    "time^(-1/alpha)")

#: units of seed 000's symbols in CONVENTION_000 (time entries matter only for other readings: there time is fixed)
UNITS_000 = {alpha: DIMENSIONLESS, eps: DIMENSIONLESS, rho: DIMENSIONLESS, s_t: DIMENSIONLESS, lam: LENGTH,
             d_minus: LENGTH, d_plus: LENGTH, cutoff: DIMENSIONLESS, u: TIME,
             sp.Symbol("beta_l(t)"): TIME**-1, sp.Symbol("E[S_k^l]"): TIME,
             sp.Symbol("P(first jump exits)"): DIMENSIONLESS}


def levy_measure(a=alpha) -> sp.Expr:
    """Density of the papers' Lévy measure on y > 0 (symmetric: the same on y < 0)."""
    return y ** (-1 - a)


def nu_tail(threshold: sp.Expr) -> sp.Expr:
    """nu(y > threshold) for a positive threshold, integrated by SymPy."""
    c = sp.Symbol("c", positive=True)
    return sp.integrate(levy_measure(), (y, c, sp.oo), conds="none").subs(c, threshold)


# ------------------------------------------------------------------------------ normalisation
def measure_constant() -> Derivation:
    """C_alpha with int (1 - cos(w y)) |y|^(-1-alpha) dy = C_alpha |w|^alpha, 0 < alpha < 2.

    Integrating by parts turns the integral into (2/alpha) int_0^oo sin(y) y^(-alpha) dy, a Mellin
    transform of sin at s = 1 - alpha, which SymPy evaluates.
    """
    d = Derivation("Lévy-measure normalisation: papers' measure -> characteristic exponent", sp.S.Zero)
    d.step("characteristic exponent of nu(dy) = |y|^(-1-alpha) dy at |w| = 1 (scale out |w|^alpha by y -> y/|w|)",
           sp.Integral(2 * (1 - sp.cos(y)) * levy_measure(), (y, 0, sp.oo)))
    boundary = sp.limit((1 - sp.cos(y)) * y**-alpha, y, sp.oo) - sp.limit(
        ((1 - sp.cos(y)) * y**-alpha).subs(alpha, sp.Rational(1, 2)), y, 0)
    d.step("integrate by parts: boundary terms vanish for 0 < alpha < 2 (checked at alpha = 1/2)", boundary)
    d.step("= (2/alpha) int_0^oo sin(y) y^(-alpha) dy", 2 / alpha * sp.Integral(sp.sin(y) * y**-alpha, (y, 0, sp.oo)))
    s = sp.Symbol("s")
    mellin, strip, _ = sp.mellin_transform(sp.sin(y), y, s)
    d.step(f"Mellin transform of sin, valid for {strip[0]} < Re s < {strip[1]} (s = 1 - alpha: 0 < alpha < 2)",
           mellin)
    d.result = d.step("C_alpha", sp.simplify(2 / alpha * mellin.subs(s, 1 - alpha)))
    return d


MEASURE_CONSTANT = Claim(
    id="levy.measure_constant",
    title="characteristic exponent of the papers' stable Lévy measure",
    lhs=sp.Symbol("C_alpha"), rhs=sp.pi / (sp.gamma(1 + alpha) * sp.sin(sp.pi * alpha / 2)),
    sources=(Source(None, "Lévy-Khintchine formula for a symmetric stable measure",
                    paper="classical (Samorodnitsky & Taqqu 1994, sec. 1.2)",
                    note=f"converts {SEED_000} eq. 23 to E exp(i w L_t) = exp(-t C_alpha |w|^alpha)"),),
    regime="0 < alpha < 2", conditions=(alpha < 2,), units={alpha: DIMENSIONLESS, sp.Symbol("C_alpha"): DIMENSIONLESS},
    convention=CONVENTION_000,
    clock=CLOCK, interpretation=NOISE, derivation=measure_constant(),
    notes="L_t (papers) = (C_alpha t)^(1/alpha) X, X standard SaS with E exp(i w X) = exp(-|w|^alpha)",
)

def measure_constant_near_2() -> Derivation:
    """(2 - alpha) C_alpha as alpha -> 2-, from levy.measure_constant's derived C_alpha."""
    d = Derivation("the papers' stable noise as alpha -> 2", sp.S.Zero)
    scaled = d.step("(2 - alpha) C_alpha", (2 - alpha) * MEASURE_CONSTANT.rhs)
    d.result = d.step("limit alpha -> 2-", sp.limit(scaled, alpha, 2, "-"))
    return d


MEASURE_CONSTANT_NEAR_2 = Claim(
    id="levy.measure_constant_alpha_to_2",
    title="the papers' stable noise blows up as alpha -> 2: (2 - alpha) C_alpha -> 1",
    lhs=sp.Limit((2 - alpha) * sp.Symbol("C_alpha"), alpha, 2, "-"), rhs=sp.Integer(1),
    sources=(Source(None, "alpha -> 2 limit of levy.measure_constant", paper="derived by escape-theory",
                    note=f"bears on the remark after Thm 4.1 of {SEED_000} ('alpha -> 2, nearly Gaussian')"),),
    regime="alpha -> 2-", clock=CLOCK, interpretation=NOISE,
    relations={"limit_of": ("levy.measure_constant",)}, derivation=measure_constant_near_2(),
    units={alpha: DIMENSIONLESS, sp.Symbol("C_alpha"): DIMENSIONLESS}, convention=CONVENTION_000,
    notes="with nu(dy) = |y|^(-1-alpha) dy, E exp(i w L_t) ~ exp(-t |w|^alpha / (2 - alpha)): a Gaussian limit "
          "needs the noise rescaled by (2 - alpha)^(1/alpha)",
)

STABLE_TAIL = Claim(
    id="levy.stable_tail",
    title="tail of the stable law at time 1: P(|L_1| > x) ~ nu(|y| > x)",
    lhs=sp.Symbol("P(|L_1|>x)"), rhs=sp.powsimp(2 * nu_tail(sp.Symbol("x", positive=True))),
    relation="~",
    sources=(Source(None, "tail of an infinitely divisible law with regularly varying Lévy measure",
                    paper="classical (Samorodnitsky & Taqqu 1994, Property 1.2.15)",
                    note=f"Lévy measure of {SEED_000} eq. 23"),),
    regime="x -> oo, 0 < alpha < 2", conditions=(alpha < 2,), clock=CLOCK, interpretation=NOISE,
    # L_1 is the process after one unit of time of the normalised measure: a pure number in seed 000's convention
    units={alpha: DIMENSIONLESS, sp.Symbol("x", positive=True): DIMENSIONLESS,
           sp.Symbol("P(|L_1|>x)"): DIMENSIONLESS}, convention=CONVENTION_000,
)


# ------------------------------------------------------------------------------ 1-D exit law
#: Phi = (-d-)^-alpha + (d+)^-alpha: the "horizontal width" of the domain in the exit law
PHI = (-d_minus) ** (-alpha) + d_plus ** (-alpha)


#: nu(y: eps y outside (d-, d+)): the rate of the jumps that leave the domain from near the minimum
EXIT_RATE = nu_tail(d_plus / eps) + nu_tail(-d_minus / eps)

IMKELLER_MEAN_EXIT = Claim(
    id="imkeller.mean_exit_time",
    title="1-D first exit of dX = -U'(X) dt + eps dL from (d-, d+): mean exit time",
    lhs=sp.Symbol("E[sigma]"), rhs=alpha / (eps**alpha * PHI), relation="~",
    sources=(IMKELLER_2006,),
    regime="eps -> 0; U with a single non-degenerate minimum at 0 inside (d-, d+); 0 < alpha < 2",
    # L_t scales as t^(1/alpha), so the noise scale eps carries length * time^(-1/alpha)
    conditions=(alpha < 2,), units={eps: LENGTH * TIME ** (-1 / alpha), d_minus: LENGTH, d_plus: LENGTH,
                                    alpha: DIMENSIONLESS, sp.Symbol("E[sigma]"): TIME},
    convention=CONVENTION_IMKELLER,
    clock=CLOCK, interpretation=NOISE,
    notes="1/E[sigma] = nu(y: eps y outside (d-, d+)) = eps^alpha Phi / alpha: the rate of jumps that reach "
          "outside; polynomial in eps and independent of the depth of U",
)

IMKELLER_EXIT_UPPER = Claim(
    id="imkeller.exit_probability_upper",
    title="1-D first exit: probability of leaving through d+",
    lhs=sp.Symbol("P(X_sigma >= d+)"), rhs=d_plus ** (-alpha) / PHI, relation="~",
    sources=(IMKELLER_2006,), regime=IMKELLER_MEAN_EXIT.regime, conditions=(alpha < 2,), clock=CLOCK,
    interpretation=NOISE, convention=CONVENTION_IMKELLER,
    units={alpha: DIMENSIONLESS, d_minus: LENGTH, d_plus: LENGTH, sp.Symbol("P(X_sigma >= d+)"): DIMENSIONLESS},
)

IMKELLER_SURVIVAL = Claim(
    id="imkeller.exit_time_law",
    title="1-D first exit: the exit time is asymptotically exponential",
    lhs=sp.Symbol("P(sigma > u)"), rhs=sp.exp(-u * eps**alpha * PHI / alpha), relation="~",
    sources=(IMKELLER_2006,), regime=IMKELLER_MEAN_EXIT.regime, conditions=(alpha < 2,), clock=CLOCK,
    interpretation=NOISE, convention=CONVENTION_IMKELLER,
    units={alpha: DIMENSIONLESS, d_minus: LENGTH, d_plus: LENGTH, eps: LENGTH * TIME ** (-1 / alpha), u: TIME,
           sp.Symbol("P(sigma > u)"): DIMENSIONLESS},
)


def ornstein_uhlenbeck_exit_model(a, curvature=1, lower=-1, upper=sp.Rational(3, 2)) -> Model:
    """dX = -h X dt + eps dL^alpha on (d-, d+): the model the 1-D exit law is checked on."""
    h = sp.sympify(curvature)
    return Model(f"Lévy OU (alpha={a}, h={h})", (x_,), sp.Matrix([-h * x_]), sp.Matrix([[eps]]),
                 Interval(lower, upper), (0,), noise=AlphaStable((a,)), potential=h * x_**2 / 2)


# ------------------------------------------------------------------------------ seed 000, sec. 3.2 / 4
eps_bar = s_t ** ((alpha - 1) / alpha) * eps   # seed 000 after eq. 9 and in Lemma 3.3
O_STATED = eps ** -rho * s_t ** (-rho * (alpha - 1) / alpha)

JUMP_INTENSITY = Claim(
    id="battash.eq12",
    title="jump intensity of the large-jump process",
    lhs=sp.Symbol("beta_l(t)"), rhs=2 / alpha * s_t ** (rho * (alpha - 1)) * eps ** (rho * alpha),
    sources=(Source(SEED_000, "sec. 3.2, eq. 12", note="integration bound O = eps^-rho s_t^(-rho (alpha-1)/alpha)"),),
    regime="rho in (0, 1), alpha in (0, 2)", conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE,
    units=UNITS_000,
    # a reader who takes eps as a noise scale in a free time unit (as in the exit law, imkeller.mean_exit_time)
    # finds beta ~ eps^(rho alpha) ~ time^-rho, not time^-1: the cutoff eps^-rho ties the bounds built on eq. 12
    # (Thm 4.1-C.3) to the iteration clock. In seed 000's own convention (eps a pure number, t in iterations) eq. 12
    # is consistent; the other reading is a remark, not the verdict
    other_readings=(Reading("with eps a noise scale in length time^(-1/alpha) and a free time unit", "free",
                            {eps: LENGTH * TIME ** (-1 / alpha)}),),
)


@lru_cache(maxsize=1)
def jump_intensity() -> Derivation:
    d = Derivation("beta = nu(R \\ [-O, O]) for nu(dy) = |y|^(-1-alpha) dy", sp.S.Zero)
    both_tails = d.step("two symmetric tails", 2 * nu_tail(cutoff))
    d.result = d.step("O = eps^-rho s_t^(-rho (alpha-1)/alpha)", sp.powsimp(sp.expand_power_base(
        both_tails.subs(cutoff, O_STATED), force=True), force=True))
    return d


MEAN_JUMP_GAP = Claim(
    id="battash.eq15",
    title="mean time between large jumps",
    lhs=sp.Symbol("E[S_k^l]"), rhs=alpha / 2 * eps_bar ** (-rho * alpha),
    sources=(Source(SEED_000, "sec. 4, eq. 15"),), regime="rho in (0, 1)", conditions=CONDITIONS, clock=CLOCK,
    interpretation=NOISE, relations={"corollary_of": ("battash.eq12",)},
    units=UNITS_000,
)

MEAN_JUMP_GAP_001 = Claim(
    id="battash.eq15_001",
    title="mean time between large jumps (review version)",
    lhs=sp.Symbol("E[S_k^l]"), rhs=alpha / 2 * s_t ** (-rho * alpha) * eps ** (-rho * alpha),
    sources=(Source(SEED_001, "sec. 4, eq. 15"),), regime="rho in (0, 1)", conditions=CONDITIONS,
    clock=CLOCK, interpretation=NOISE, relations={"corollary_of": ("battash.eq12",), "compare_with": ("battash.eq15",)},
    units=UNITS_000,
)

m_stated = lam * eps**alpha / alpha
FIRST_JUMP_EXIT = Claim(
    id="battash.eq13",
    title="probability that the first large jump leaves [d-, d+]",
    lhs=sp.Symbol("P(first jump exits)"),
    rhs=m_stated * PHI * s_t ** (alpha - 1) / JUMP_INTENSITY.rhs,
    sources=(Source(SEED_000, "sec. 3.2, eq. 13", note="m_l(t) = 1^T lambda_l(t) eps^alpha / alpha, "
                    "Phi_l = (-d-)^-alpha + (d+)^-alpha"),),
    regime="the exit thresholds lie beyond the large-jump cutoff: d+/(eps_bar lambda) > O, -d-/(eps_bar lambda) > O",
    conditions=CONDITIONS, clock=CLOCK, interpretation=NOISE, relations={"derived_from": ("battash.eq12",)},
    units=UNITS_000,
)


@lru_cache(maxsize=1)
def first_jump_exit() -> Derivation:
    """The large jumps have law nu restricted to |y| > O, divided by beta; the jump scaled by
    eps_bar * lambda leaves [d-, d+] when it exceeds d+/(eps_bar lambda) or falls below d-/(eps_bar lambda)."""
    d = Derivation("P(eps_bar lambda J_1 outside [d-, d+])", sp.S.Zero)
    up = nu_tail(d_plus / (eps_bar * lam))
    down = nu_tail(-d_minus / (eps_bar * lam))
    d.step("nu(y > d+/(eps_bar lambda)) + nu(y < d-/(eps_bar lambda))", up + down)
    intensity = jump_intensity().result
    d.result = d.step("divided by beta (eq. 12, derived)", sp.powsimp(sp.expand_power_base(
        sp.simplify((up + down) / intensity), force=True), force=True))
    return d


# ------------------------------------------------------------------------------ exits at single large jumps
def levy_density_constant(a, measure: str) -> sp.Expr:
    """c with Lévy density c |y|^(-1-alpha): 1 for the papers' measure (seed 000 eq. 23); 1 / C_alpha for the
    standard law exp(-t |w|^alpha), since the papers' measure gives exp(-t C_alpha |w|^alpha) (levy.measure_constant)."""
    return sp.Integer(1) if measure == "unnormalised" else 1 / MEASURE_CONSTANT.rhs.subs(alpha, a)


def large_jump_exit_hazards(model: Model) -> Derivation:
    """Exit hazards of a small-noise Lévy-driven model sitting at its stable point, one per face of its box.

    Imkeller & Pavlyukevich (2006, Thm 1), and the assumption of seed 000 sec. 4 ("the training process can exit
    from the domain only at times that coincide with large jumps"), with the process back at the minimum x* before
    each jump (eq. 15 >> eq. 14): noise coordinate l is an independent Poisson stream of jumps y with intensity
    nu_l(dy) = c_l |y|^(-1-alpha_l) dy; at time t a jump moves axis l by sigma_l f_l(t) y (f_l: the scheduler factor
    of the Model, seed 000 eq. 81), so it leaves through the upper face when y > (upper_l - x*_l) / (sigma_l f_l(t)).
    The hazard of that face is nu_l of that set: c_l (sigma_l f_l(t))^alpha_l (upper_l - x*_l)^(-alpha_l) / alpha_l.

    The model must have AlphaStable noise, a constant diagonal diffusion (noise coordinate l moves axis l only, the
    one-hot r_l of seed 000 eq. 3), a box (or interval) domain and its start at a zero of the drift. The result is
    a SymPy Dict {Symbol(side name): hazard(t)} with t = theory.model.TIME (`exit_hazards` gives it keyed by name)."""
    from .domain import Box
    from .errors import ModelError
    from .model import TIME

    if not isinstance(model.noise, AlphaStable):
        raise ModelError(f"{model.name!r} has {model.noise} noise: the large-jump exit law needs alpha-stable noise")
    sigma = model.diffusion
    if sigma.shape[0] != sigma.shape[1] or not sigma.is_diagonal() or sigma.free_symbols & set(model.state):
        raise ModelError("the large-jump exit law needs a constant diagonal diffusion (one noise coordinate per axis)")
    if not isinstance(model.domain, (Interval, Box)):
        raise ModelError(f"the large-jump exit law needs a box or an interval, not {model.domain}")
    at_start = model.drift.subs(dict(zip(model.state, model.start)))
    if any(sp.simplify(v) != 0 for v in at_start):
        raise ModelError(f"the start {model.start} is not a zero of the drift: the large-jump exit law starts at the "
                         "stable point")
    n = model.dimension
    interval = isinstance(model.domain, Interval)
    lower = [model.domain.lower] if interval else list(model.domain.lower)
    upper = [model.domain.upper] if interval else list(model.domain.upper)
    factors = model.scheduler
    factors = [sp.Integer(1)] * n if factors is None else (list(factors) if isinstance(factors, sp.MatrixBase)
                                                           else [factors] * n)
    threshold = sp.Symbol("theta", positive=True)
    d = Derivation(f"large-jump exit hazards of {model.name}", sp.S.Zero)
    tail = d.step("nu(y > theta) for nu(dy) = c |y|^(-1-alpha) dy", nu_tail(threshold))
    hazards = {}
    names = model.domain.side_names
    for axis in range(n):
        a = model.noise.alphas[axis]
        scale = sigma[axis, axis] * factors[axis]
        c = levy_density_constant(a, model.noise.measure)
        for side, distance in ((2 * axis, model.start[axis] - lower[axis]), (2 * axis + 1, upper[axis] - model.start[axis])):
            if distance.is_finite is False:
                continue
            rate = c * tail.subs(threshold, distance / sp.Abs(scale)).subs(alpha, a)
            hazards[names[side]] = d.step(f"hazard of {names[side]}: jumps beyond {distance} / |sigma f(t)|",
                                          sp.powsimp(sp.expand_power_base(rate, force=True), force=True))
    d.result = sp.Dict({sp.Symbol(name): rate for name, rate in hazards.items()})
    d.step("time variable", TIME)
    return d


def exit_hazards(model: Model) -> dict[str, sp.Expr]:
    """{side name: hazard(t)} of large_jump_exit_hazards, keyed by the domain's side names."""
    return {str(side): rate for side, rate in large_jump_exit_hazards(model).result.items()}
