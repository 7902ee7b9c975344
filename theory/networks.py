"""Empirical claims of the papers' network experiments (seed 000 sec. 5, 001 sec. 5): stated as Claims so that
the experiment checks have a source and a statement to confront."""

from __future__ import annotations

import sympy as sp

from .claim import Claim, Source
from .units import DIMENSIONLESS, LENGTH, LOSS, TIME
from .sources import SEED_000, SEED_001, SEED_002

#: empirical claims compare like with like (two fit statistics, two accuracies, two noise amplitudes): both sides carry
#: one unit, and these declarations hold in any clock (a rate times a time, a probability, a count)


SGN_FIT = Claim(
    id="battash.sgn_fit",
    title="stochastic gradient noise is fitted better by SaS (per-parameter alpha) than by a Gaussian",
    lhs=sp.Symbol("SSE(SaS)"), rhs=sp.Symbol("SSE(Gauss)"), relation="<=",
    sources=(Source(SEED_000, "sec. 5, Tables 1-2 and Fig. 8 (alpha per parameter); appendix A.2"),
             Source(SEED_001, "sec. 5, Tables 1-3 (SSE and Chi2)")),
    regime="at a trained minimum, per parameter, over many mini-batches (000 A.2)", clock="iterations",
    interpretation="empirical", units={sp.Symbol("SSE(SaS)"): DIMENSIONLESS, sp.Symbol("SSE(Gauss)"): DIMENSIONLESS},
)

ESCAPE_VS_LEARNING_RATE = Claim(
    id="battash.escape_vs_lr",
    title="the mean escape time of SGD from a trained minimum against the learning rate follows the Lévy form "
          "(polynomial in eta) better than the Kramers form of Xie et al. [63] (exponential in 1/eta)",
    lhs=sp.Symbol("chi2(Levy form)"), rhs=sp.Symbol("chi2(Kramers form)"), relation="<=",
    sources=(Source(SEED_000, "sec. 5 'Mean escape time', Fig. 2; appendix A.4, G.3 Fig. 7 (Thm 4.1, Cor 4.2)"),
             Source(SEED_001, "sec. 4 eq. 17 (the escape time as a polynomial in eta)")),
    regime="3-layer ReLU MLP, minimum by the A.4 criterion, escape when the loss exceeds L(w*) + Delta L, "
           "100 seeds per learning rate, both forms with the same number of free parameters",
    clock="iterations", interpretation="empirical",
    units={sp.Symbol("chi2(Levy form)"): DIMENSIONLESS, sp.Symbol("chi2(Kramers form)"): DIMENSIONLESS},
)

ESCAPE_SURVIVAL_EXPONENTIAL = Claim(
    id="battash.escape_survival",
    title="the probability of escaping after u iterations decays exponentially in u (Thm 4.5 as gamma -> 1, "
          "Cor 4.6: P(sigma > u) = C exp(-m Phi u))",
    lhs=sp.Symbol("P(sigma > u)"), rhs=sp.Symbol("C") * sp.exp(-sp.Symbol("lambda") * sp.Symbol("u")), relation="~",
    sources=(Source(SEED_000, "sec. 4 Thm 4.5 and Cor 4.6 (eq. 22); sec. 5 'P(escape after u)'"),),
    regime="SGD from a trained minimum at a fixed learning rate (no decay: gamma = 1)", clock="iterations",
    interpretation="empirical", relations={"compare_with": ("battash.cor4_6",)},
    units={sp.Symbol("P(sigma > u)"): DIMENSIONLESS, sp.Symbol("C"): DIMENSIONLESS, sp.Symbol("lambda"): TIME**-1,
           sp.Symbol("u"): TIME},
)


def escape_time_forms() -> dict:
    """The three theories' mean escape time in iterations as a function of the learning rate eta, each with two free
    parameters (prefactor c and one rate), for fitting measured escape times (000 sec. 5 fits "ours" and [63] "with
    the same amount of free parameters"). Iterations = continuous time / eta (the clock t = k eta).

    - Lévy (000 Thm 4.1 / Cor 4.2; 001 eq. 17): the denominator is a sum of powers of eta (learning_rate_powers);
      with one dominant term the escape time is c eta^(-p).
    - Kramers / Xie et al. 2020 ([63] in 000; 003 Table 1): continuous time c exp(k / eta), so (c / eta) exp(k / eta).
    - Power law (002 Thm 6, eq. 11), taken from the claim meng.thm6 itself: 2 pi / sqrt(H_a |H_b|) -> c and
      1 + mu Delta_L / sigma -> R, the ratio of the noise diffusion on the boundary to that at the minimum
      (002 eq. 10: D = mu l + sigma, so D(boundary) / D(w*) = 1 + mu Delta_L / sigma), which is measured, not fitted.

    Returns {name: (expression in eta, (free parameters), source)}; the expressions also hold R where used."""
    from .power_law import Delta_L, H_a, H_b, THM_6, mu, sigma
    from .power_law import eta as eta_power_law

    eta_sym, c, p, k, ratio = sp.symbols("eta c p k R", positive=True)
    power_law = THM_6.rhs.subs(Delta_L, (ratio - 1) * sigma / mu).subs(H_b, (2 * sp.pi / c) ** 2 / H_a)
    power_law = power_law.subs(eta_power_law, eta_sym) / eta_sym
    return {
        "Lévy (000 Cor 4.2, 001 eq. 17)": (c * eta_sym ** (-p), (c, p), "000 Thm 4.1 / Cor 4.2; 001 eq. 17"),
        "Kramers (Xie et al. 2020)": (c / eta_sym * sp.exp(k / eta_sym), (c, k), "000 sec. 5 [63]; 003 Table 1"),
        "power law (002 Thm 6)": (power_law, (c, mu), "002 Thm 6, eq. 11"),
    }

COVARIANCE_QUADRATIC = Claim(
    id="meng.sec5_1",
    title="the trace of the SGD noise covariance near a minimum is well approximated by a quadratic in the distance",
    lhs=sp.Symbol("Tr Sigma(w* + s)"), rhs=sp.Symbol("a") + sp.Symbol("c") * sp.Symbol("s") ** 2, relation="~",
    sources=(Source(SEED_002, "sec. 5.1, Fig. 2 (points w*_layer +- i Scale, i = 1..10); Prop. 1"),),
    regime="one layer shifted, the others fixed, at a GD-trained minimum", clock="iterations", interpretation="empirical",
    # 002's units (power_law.CONVENTION_002): a trace of the gradient covariance is a squared gradient
    units={sp.Symbol("Tr Sigma(w* + s)"): (LOSS / LENGTH) ** 2, sp.Symbol("a"): (LOSS / LENGTH) ** 2,
           sp.Symbol("c"): (LOSS / LENGTH**2) ** 2, sp.Symbol("s"): LENGTH},
)

PLSGD_LARGE_BATCH = Claim(
    id="meng.sec5_3",
    title="with a large batch, PL-SGD (eq. 13) reaches higher test accuracy and a lower generalisation gap than SGD; "
          "SGLD (eq. 14, state-independent noise) does not improve the test accuracy of SGD",
    lhs=sp.Symbol("TestAcc(PL-SGD) - TestAcc(SGD)"), rhs=sp.Integer(0), relation=">=",
    sources=(Source(SEED_002, "sec. 5.3, Fig. 4, eqs. 13-14 (batch 2048, 90 epochs, lr 0.1 -> 0.01 after 45; "
                    "best lambda_1 = 0.02, lambda_2 = 1e-4, lambda_3 = 1e-3, variances)"),),
    regime="large-batch SGD (ResNet-18 on CIFAR-10 in the paper), no data augmentation or weight decay; noise "
           "levels tuned by grid search", clock="epochs", interpretation="empirical",
    units={sp.Symbol("TestAcc(PL-SGD) - TestAcc(SGD)"): DIMENSIONLESS},
    notes="three parts: Delta test accuracy > 0 and Delta gap (train - test accuracy) < 0 for PL-SGD against SGD; "
          "SGLD's test accuracy is at most comparable with SGD's. The paper tuned on test accuracy; the check tunes "
          "on a validation split.",
)

LR_DECAY_BATCH_INCREASE = Claim(
    id="battash.lr_decay_batch_increase",
    title="LR decay and the equivalent batch-size increase reach the same accuracy, both better than neither",
    lhs=sp.Symbol("acc(LRdecay)"), rhs=sp.Symbol("acc(batch increase)"), relation="~",
    sources=(Source(SEED_000, "sec. 5, 'Learning rate decay' paragraph: ResNet20, 90 epochs, LRdecay or batch "
                              "increase at epochs 30 and 60 (top-1 66.7 / 66.4) vs neither (53)"),),
    regime="same epochs and milestones; the batch grows by the factor the learning rate would shrink by (the "
           "paper does not state its batch factor; Smith et al. 2018, the paper's ref. [58])",
    clock="epochs", interpretation="empirical",
    units={sp.Symbol("acc(LRdecay)"): DIMENSIONLESS, sp.Symbol("acc(batch increase)"): DIMENSIONLESS},
    notes="and acc(LRdecay) > acc(neither), acc(batch increase) > acc(neither)",
)

LR_DECAY_NOISE = Claim(
    id="battash.lr_decay_noise",
    title="after the learning-rate decay the stochastic gradient noise of a parameter has a lower amplitude and less "
          "variance",
    lhs=sp.Symbol("amplitude(SGN after decay)"), rhs=sp.Symbol("amplitude(SGN without decay)"), relation="<=",
    sources=(Source(SEED_000, "sec. 5, 'Learning rate decay' paragraph and Fig. 4 (appendix G.1): ResNet110 on "
                              "CIFAR100, decay by 10 at epoch 280, noise at epochs 279 / 281 / 280 without decay"),),
    regime="one parameter, many mini-batches at fixed weights, one epoch either side of the decay",
    clock="epochs", interpretation="empirical",
    # a gradient-noise amplitude (loss per length) on both sides
    units={sp.Symbol("amplitude(SGN after decay)"): LOSS / LENGTH,
           sp.Symbol("amplitude(SGN without decay)"): LOSS / LENGTH},
    notes="Fig. 4's caption says 'stochastic gradient noise'; the text's 'LRdecay decreases the step size and the "
          "noise amplitude' concerns the update noise lr * SGN, which drops with the lr by construction",
)
