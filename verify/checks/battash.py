"""Checks of the scheduler theorems of seeds 000/001 (theory/battash.py): proofs recomputed, gamma -> 1
limits against the stated corollaries, main text against appendix, 000 against 001."""

from __future__ import annotations

import sympy as sp

from theory import battash as B
from theory import levy
from theory.claim import Claim

from ..check import Check, Context, Finding
from ..methods import identity_finding
from ..outcome import Verdict
from ..suite import register_check

SUITES = ("quick", "levy")


def _derived(stated: Claim, rhs: sp.Expr, derivation=None, suffix: str = "derived") -> Claim:
    return Claim(id=f"{stated.id}|{suffix}", title=f"{stated.title} ({suffix})", lhs=stated.lhs, rhs=rhs,
                 sources=stated.sources, derivation=derivation, conditions=B.CONDITIONS)


def _gamma_to_one(claim: Claim) -> tuple[sp.Expr, str]:
    """lim gamma -> 1 of the claim's term: SymPy's limit, or the value where the term is continuous
    at gamma = 1 and SymPy's limit cannot handle the special function (the incomplete Gamma)."""
    try:
        return sp.simplify(sp.limit(claim.rhs, B.gamma, 1)), "sympy limit"
    except NotImplementedError:
        return sp.simplify(claim.rhs.subs(B.gamma, 1)), "value at gamma = 1 (the term is continuous there)"


def thm4_1(context: Context, params: dict) -> Finding:
    """Recompute the last integral of the proof (eq. 27, the line before the last) and compare with Thm 4.1."""
    derivation = B.power_exponential_integral(B.EQ27_INTEGRAND)
    return identity_finding(B.THM_4_1, _derived(B.THM_4_1, derivation.result, derivation, "eq. 27 integrated"),
                            "Thm 4.1 vs the integral of eq. 27 recomputed")


def thm4_1_appendix(context: Context, params: dict) -> Finding:
    derivation = B.power_exponential_integral(B.EQ27_INTEGRAND)
    finding = identity_finding(B.THM_4_1_APPENDIX, _derived(B.THM_4_1_APPENDIX, derivation.result, derivation,
                                                            "eq. 27 integrated"),
                               "appendix B.1 result vs the integral of eq. 27 recomputed")
    if finding.verdict is Verdict.REFUTED:
        last_line = B.power_exponential_integral(B.EQ27_LAST_INTEGRAND).result
        finding.evidence["the appendix's own last integrand integrates to its result"] = \
            B.THM_4_1_APPENDIX.compare(_derived(B.THM_4_1_APPENDIX, last_line)).identical
        finding.evidence["diagnosis"] = ("the last line of eq. 27 writes exp(-t^(1 + (gamma-1) rho (alpha_l-1)) m Phi); "
                                         "the line above has s_t^(alpha_l-1) m Phi t = t^(1 + (gamma-1)(alpha_l-1)) m Phi "
                                         "with s_t = t^(gamma-1): a spurious rho, which the main-text Theorem 4.1 "
                                         "does not have")
    return finding


def cor4_2(context: Context, params: dict) -> Finding:
    limit, how = _gamma_to_one(B.THM_4_1)
    # at gamma = 1, s_t = 1: beta_l = beta_bar_l and m_bar_l as Thm 4.1 defines them
    explicit = sp.simplify(limit.subs({B.beta_l: B.beta_bar, B.m_sym: B.m_bar}))
    finding = identity_finding(B.COR_4_2, _derived(B.COR_4_2, explicit, None, "limit of Thm 4.1"),
                               f"Cor 4.2 vs the gamma -> 1 limit of Thm 4.1 ({how})")
    finding.evidence["limit before substituting beta_bar_l, m_bar_l"] = limit
    return finding


def cor4_6(context: Context, params: dict) -> Finding:
    limit, how = _gamma_to_one(B.THM_4_5)
    return identity_finding(B.COR_4_6, _derived(B.COR_4_6, limit, None, "limit of Thm 4.5"),
                            f"Cor 4.6 vs the gamma -> 1 limit of Thm 4.5 ({how})")


def eq31(context: Context, params: dict) -> Finding:
    limit, how = _gamma_to_one(B.THM_4_3)
    return identity_finding(B.EQ_31, _derived(B.EQ_31, limit, None, "limit of Thm 4.3"),
                            f"eq. 31 vs the gamma -> 1 limit of Thm 4.3 ({how})")


def thm4_3_face(context: Context, params: dict) -> Finding:
    """The factor of Thm 4.3 for 'the jump of parameter i leaves through d_i^+' against the jump law:
    nu(y > d_i^+ / (eps_bar lambda)) / beta_i = m_bar_i (d_i^+)^-alpha_i / beta_i."""
    derived = levy.nu_tail(levy.d_plus / (levy.eps_bar * levy.lam)) / levy.jump_intensity().result
    # in Thm 4.3's symbols: m_bar_i = (eps_bar lambda)^alpha / alpha, beta_i, d_i^+
    in_theorem_symbols = sp.simplify(derived * levy.JUMP_INTENSITY.rhs / (levy.eps_bar * levy.lam) ** levy.alpha
                                     * levy.alpha).subs(levy.d_plus, B.d_plus_i).subs(levy.alpha, B.alpha_i) \
        * B.m_i / (B.alpha_i * B.beta_i) * B.alpha_i
    stated = Claim(id="battash.thm4_3|face factor", title="Thm 4.3: factor for the exit face", lhs=sp.Symbol("P_face"),
                   rhs=B.FACE_FACTOR_STATED, sources=B.THM_4_3.sources)
    finding = identity_finding(stated, _derived(stated, sp.simplify(in_theorem_symbols)),
                               "face factor of Thm 4.3 vs the Lévy-measure tail through d_i^+")
    if finding.verdict is Verdict.REFUTED:
        finding.evidence["diagnosis"] = ("Phi_i already contains (d_i^+)^-alpha_i; multiplying by both counts the "
                                         "face twice and leaves the factor with units length^-alpha_i")
    return finding


def eq15_001(context: Context, params: dict) -> Finding:
    return identity_finding(levy.MEAN_JUMP_GAP_001, _derived(levy.MEAN_JUMP_GAP_001, 1 / levy.jump_intensity().result),
                            "001 eq. 15 vs 1 / beta from eq. 12")


for check in (
    Check("battash.thm4_1", ("battash.thm4_1",), "symbolic", "Thm 4.1 against its proof's integral, recomputed",
          thm4_1, suites=SUITES),
    Check("battash.thm4_1_appendix", ("battash.thm4_1_appendix", "battash.thm4_1"), "symbolic",
          "appendix B.1's final expression against the recomputed integral (main text vs appendix)", thm4_1_appendix,
          suites=SUITES),
    Check("battash.cor4_2", ("battash.cor4_2", "battash.thm4_1"), "limit", "Cor 4.2 against gamma -> 1 of Thm 4.1",
          cor4_2, suites=SUITES),
    Check("battash.cor4_6", ("battash.cor4_6", "battash.thm4_5"), "limit", "Cor 4.6 against gamma -> 1 of Thm 4.5",
          cor4_6, suites=SUITES),
    Check("battash.eq31", ("battash.eq31", "battash.thm4_3"), "limit", "eq. 31 against gamma -> 1 of Thm 4.3", eq31,
          suites=SUITES),
    Check("battash.thm4_3_face", ("battash.thm4_3",), "symbolic", "Thm 4.3's exit-face factor against the jump law",
          thm4_3_face, suites=SUITES),
    Check("battash.eq15_001", ("battash.eq15_001", "battash.eq12"), "symbolic",
          "review version's eq. 15 against 1 / beta (eq. 12)", eq15_001, suites=SUITES),
):
    register_check(check)
