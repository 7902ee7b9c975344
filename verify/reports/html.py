"""The HTML report of a suite run: one self-contained page (no script, no external resource).

What it shows (issue 8, "Report"; issue 14, "Every verdict earns its word"): a legend of the verdicts and the
bases they rest on; a summary table with one row per claim that the run judged or cited (id, paper,
theorem/equation, the claim's verdict by report.claim_verdict, the bases of the checks that judge it, its key number
with its uncertainty, the checks that judge it and those that only cite it); then one section per paper (seed file),
and under each claim the outcome of every check that judges it, with its verdict, its basis, its comparators and its
remarks (another convention's reading, beside the verdict), and a line for every check that only cites it as a
comparator (that check's verdict is about another claim and is not shown as this claim's). A claim that agrees with
nothing but its own proof reads CONSISTENT WITH ITS PROOF, drawn apart from VERIFIED and counted apart. Each claim
shows its stated formula (MathML from the claim's SymPy equation, its LaTeX beside it as text) and each check its
evidence plot (the Check's `plot`, embedded as a base64 PNG data URI). What the toolkit derived in place of a
refuted formula (the Finding's `correction`) is printed as a derived replacement only when report.correction_status
confirms it; otherwise the page says that the correct form is not known, shows what was derived and why it is not a
checked correction.

The key number of a check: a check may name it in its evidence as
``evidence["key number"] = {"name": ..., "value": ..., "uncertainty": ...}``; otherwise it is read from the
evidence by naming convention (a value followed by its ``stderr`` / ``uncertainty`` / confidence interval, a
p-value, or the exact symbolic difference), and where none is found the cell says so rather than guessing.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections import Counter
from pathlib import Path

import sympy as sp

from theory import get_claim
from theory.claim import Claim
from theory.errors import UnknownIdError
from theory.sources import paper

from ..outcome import Outcome, Verdict
from ..outputs import write_text_atomic
from ..runner import Report
from ..verdicts import (
    BASIS_MEANINGS,
    ONLY_CITED,
    VERDICT_MEANINGS,
    basis_label,
    claim_bases,
    claim_verdict_label,
    correction_entries,
    correction_status,
    decisive_outcome,
    outcomes_by_claim,
)
from .text import format_value, short_summary

_COLOURS = {"VERIFIED": "#1a7f37", "REFUTED": "#a0148c", "INCONCLUSIVE": "#9a6700", "ERROR": "#cf222e",
            # agreement with the paper's own proof only: a colour of its own (and a dashed outline, see _STYLE)
            "CONSISTENT WITH ITS PROOF": "#0a5c99", ONLY_CITED: "#6e7781"}
_UNCERTAINTY = re.compile(r"std ?err|standard error|uncertainty|\bse\b", re.IGNORECASE)
_INTERVAL = re.compile(r"\bci\s?\d*|interval|confidence limit", re.IGNORECASE)
_P_VALUE = re.compile(r"p-?value", re.IGNORECASE)
#: names of numbers that compare a claim with a computation (used when no uncertainty is given)
_COMPARISON = re.compile(r"ratio|differ|worst|gap|exponent|relative|error|\|.* - .*\|", re.IGNORECASE)
_RATIO_COLUMN = re.compile(r" / ")  # a table column "stated / exact" is a comparison too
_SHOWN_EXPRESSION = 90  # characters of a symbolic difference shown in the summary table


# ------------------------------------------------------------------------------ claims and papers
def _claim(claim_id: str) -> Claim | None:
    try:
        return get_claim(claim_id)
    except UnknownIdError:
        return None


def paper_of(claim: Claim | None) -> tuple[str, str]:
    """(section key, heading) of the paper a claim comes from: its first source's seed file, else the cited paper."""
    if claim is None or not claim.sources:
        return "unregistered", "claims not in the registry"
    source = claim.sources[0]
    if source.seed:
        known = paper(source.seed)
        return source.seed, f"{source.seed}: {known if known else 'seed file'}"
    return source.paper or "other", source.paper or "other sources"


def locator_of(claim: Claim | None) -> str:
    """The theorem/equation of every source (both versions where 000 and 001 differ)."""
    if claim is None:
        return "?"
    if len(claim.sources) == 1:
        return claim.sources[0].locator
    return "; ".join(f"{(s.seed or s.paper)[:3]}: {s.locator}" for s in claim.sources)


# ------------------------------------------------------------------------------ key number
def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _interval(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)


def _pair_in(values: dict) -> tuple[str, float, str] | None:
    """(name, value, uncertainty text) from one evidence dict: a number whose uncertainty or interval follows it."""
    keys = list(values)
    for i, key in enumerate(keys):
        spread = values[key]
        if not ((_UNCERTAINTY.search(key) and _is_number(spread)) or (_INTERVAL.search(key) and _interval(spread))):
            continue
        stem = _INTERVAL.sub("", _UNCERTAINTY.sub("", key)).strip(" _-:").lower()
        before = [k for k in reversed(keys[:i]) if _is_number(values[k])]
        named = [k for k in before if stem and (k.lower().startswith(stem) or stem in k.lower())]
        if not (named or before):
            continue
        name = (named or before)[0]
        if _interval(spread) and not spread[0] <= values[name] <= spread[1]:
            continue  # an interval that does not hold the number is not its confidence interval
        text = f"± {spread:.3g}" if _is_number(spread) else f"[{spread[0]:.4g}, {spread[1]:.4g}]"
        return name, values[name], text
    for key in keys:
        if _P_VALUE.search(key) and _is_number(values[key]):
            return key, values[key], "(exact test)"
    return None


def _search(evidence: dict) -> tuple[str, float, str] | None:
    """Depth first: this level, then nested dicts, then the last row of each table (the decisive regime)."""
    found = _pair_in(evidence)
    if found:
        return found
    for key, value in evidence.items():
        if isinstance(value, dict):
            found = _search(value)
            if found:
                return (key + ": " + found[0], *found[1:]) if found[0] not in key else found
    for key, value in evidence.items():
        if isinstance(value, list) and value and isinstance(value[-1], dict):
            row = value[-1]
            found = _pair_in(row)
            if found:
                first = next(iter(row))
                where = f" at {first} = {_number(row[first])}" if first != found[0] else ""
                return (f"{found[0]}{where}", *found[1:])
    return None


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def key_number(outcome: Outcome) -> str:
    """The number that decided the check, with its uncertainty, as text (see the module docstring)."""
    evidence = outcome.evidence or {}
    explicit = evidence.get("key number")
    if isinstance(explicit, dict) and "value" in explicit:
        uncertainty = explicit.get("uncertainty")
        text = f"{explicit.get('name', 'value')} = {_number(explicit['value'])}"
        if isinstance(uncertainty, str):      # a stated resolution or decision band rather than a standard error
            return f"{text} ({uncertainty})"
        return text + (f" ± {_number(uncertainty)}" if uncertainty is not None else "")
    found = _search(evidence)
    if found:
        name, value, spread = found
        return f"{name} = {_number(value)} {spread}"
    if "difference" in evidence:
        difference = str(evidence["difference"])
        if len(difference) > _SHOWN_EXPRESSION:
            difference = difference[:_SHOWN_EXPRESSION] + "…"
        return f"derived − stated = {difference} (exact, {evidence.get('decided_by', 'symbolic')})"
    if "residuals" in evidence and isinstance(evidence["residuals"], dict):
        return "residuals: " + ", ".join(f"{k} = {v}" for k, v in evidence["residuals"].items())[:_SHOWN_EXPRESSION]
    if "lhs_factor" in evidence and "rhs_factor" in evidence:
        return f"lhs scales by {evidence['lhs_factor']}, rhs by {evidence['rhs_factor']} (exact)"
    comparison = _comparison(evidence)
    if comparison:
        return f"{comparison[0]} = {_number(comparison[1])} (no uncertainty in the evidence)"
    return "no number in the evidence"


def _comparison(evidence: dict) -> tuple[str, float] | None:
    """A number named as a comparison (ratio, gap, worst error, ...): at the top level, else in a table's last row."""
    for key, value in evidence.items():
        if _COMPARISON.search(key) and "tolerance" not in key.lower() and _is_number(value):
            return key, value
    for key, value in evidence.items():
        if isinstance(value, list) and value and isinstance(value[-1], dict):
            row = value[-1]
            first = next(iter(row))
            for column, cell in row.items():
                if column != first and (_COMPARISON.search(column) or _RATIO_COLUMN.search(column)) \
                        and _is_number(cell):
                    return f"{column} at {first} = {_number(row[first])}", cell
    return None


# ------------------------------------------------------------------------------ formulas
def _math(inner: str) -> str:
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">{inner}</math>'


def claim_mathml(claim: Claim) -> str:
    """The stated formula as presentation MathML (SymPy's printer; "~" drawn between the two sides)."""
    if claim.relation == "~":
        inner = (f"<mrow>{sp.mathml(claim.lhs, printer='presentation')}<mo>&sim;</mo>"
                 f"{sp.mathml(claim.rhs, printer='presentation')}</mrow>")
    else:
        inner = sp.mathml(claim.equation, printer="presentation")
    return _math(inner)


def _tex(latex: str) -> str:
    return f'<code class="tex">{html.escape(latex)}</code>'


def formula_html(claim: Claim) -> str:
    try:
        rendered = claim_mathml(claim)
    except Exception as error:  # a printer gap must not lose the report: fall back to the LaTeX text
        rendered = f'<p class="note">(no MathML: {html.escape(type(error).__name__)})</p>'
    return f'{rendered}<p class="tex-line">LaTeX: {_tex(claim.latex())}</p>'


def _expression_mathml(text: str) -> str | None:
    """MathML for a correction written as SymPy's str() of an expression; None for prose.

    The text must read back to itself (sympify then str), so that prose is never reinterpreted as algebra."""
    try:
        expression = sp.sympify(text)
        if not isinstance(expression, sp.Basic) or re.sub(r"\s", "", str(expression)) != re.sub(r"\s", "", text):
            return None
        return _math(sp.mathml(expression, printer="presentation"))
    except Exception:  # sympify raises many types on prose (SympifyError, SyntaxError, TypeError, ...)
        return None


def correction_html(correction: dict) -> str:
    """What was derived: each entry as MathML where it is an expression, as text (or TeX) otherwise; the
    replacement's claim id, where it is one, last."""
    items = []
    for label, value in correction_entries(correction):
        mathml = _expression_mathml(value)
        body = mathml + f'<p class="tex-line">{html.escape(value)}</p>' if mathml else html.escape(value)
        items.append(f"<li><b>{html.escape(label)}</b>: {body}</li>")
    if correction.get("latex"):
        items.append(f"<li>LaTeX: {_tex(str(correction['latex']))}</li>")
    if correction.get("claim"):
        items.append(f"<li>registered as the claim <code>{html.escape(str(correction['claim']))}</code></li>")
    return "<ul class=\"correction\">" + "".join(items) + "</ul>"


def gated_correction_html(outcome: Outcome, outcomes: list[Outcome]) -> str:
    """The correction as report.correction_status allows: a derived replacement only once confirmed (with the checks
    that confirmed it); otherwise "the correct form is not known", what was derived, and why it is not a checked
    correction."""
    status, reasons = correction_status(outcome, outcomes)
    if status == "none":
        return ""
    if status == "confirmed":
        return (f'<div class="correction confirmed"><p><b>derived replacement</b> (checked by: '
                f"{html.escape(', '.join(reasons))}):</p>{correction_html(outcome.correction)}</div>")
    if status == "not run":
        return (f'<div class="correction not-run"><p><b>derived replacement, not confirmed in this report</b>:</p>'
                f"{correction_html(outcome.correction)}"
                f'<p class="note">{html.escape("; ".join(reasons))}</p></div>')
    return (f'<div class="correction {status}"><p><b>the correct form is not known</b>; what was derived:</p>'
            f"{correction_html(outcome.correction)}"
            f'<p class="note">not a checked correction: {html.escape("; ".join(reasons))}</p></div>')


# ------------------------------------------------------------------------------ plots
def figure_data_uri(figure) -> str:
    """A matplotlib Figure as a base64 PNG data URI (closed afterwards, so a long report does not hold figures)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    finally:
        plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plot_html(outcome: Outcome, cache: dict) -> str:
    """The check's evidence plot, drawn once per check; a plot that fails says why instead of breaking the page."""
    if outcome.check not in cache:
        from ..suite import get_check

        try:
            check = get_check(outcome.check)
        except UnknownIdError:
            check = None
        if check is None or check.plot is None or outcome.verdict is Verdict.ERROR:
            cache[outcome.check] = ""
        else:
            try:
                uri = figure_data_uri(check.plot(outcome))
                cache[outcome.check] = (f'<figure><img src="{uri}" alt="evidence plot of {html.escape(outcome.check)}">'
                                        f"<figcaption>evidence of <code>{html.escape(outcome.check)}</code>"
                                        "</figcaption></figure>")
            except Exception as error:  # the evidence may lack what the plot needs (e.g. a censored run)
                cache[outcome.check] = (f'<p class="note">plot of {html.escape(outcome.check)} unavailable: '
                                        f"{html.escape(type(error).__name__)}: {html.escape(str(error))}</p>")
    return cache[outcome.check]


# ------------------------------------------------------------------------------ evidence
def evidence_html(evidence: dict) -> str:
    """Nested evidence as nested lists; lists of rows as tables."""
    items = []
    for key, value in evidence.items():
        if key == "traceback":
            items.append(f"<li><b>traceback</b><pre>{html.escape(str(value))}</pre></li>")
        elif isinstance(value, dict):
            items.append(f"<li><b>{html.escape(key)}</b>: {evidence_html(value)}</li>")
        elif isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
            columns = list(dict.fromkeys(k for row in value for k in row))
            head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(format_value(row.get(c, '')))}</td>" for c in columns)
                           + "</tr>" for row in value)
            items.append(f'<li><b>{html.escape(key)}</b>:<table class="evidence"><thead><tr>{head}</tr></thead>'
                         f"<tbody>{body}</tbody></table></li>")
        else:
            items.append(f"<li><b>{html.escape(key)}</b>: {html.escape(format_value(value))}</li>")
    return "<ul>" + "".join(items) + "</ul>"


# ------------------------------------------------------------------------------ page
def _anchor(kind: str, name: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _verdict(verdict: Verdict | None) -> str:
    """A verdict badge (None: a claim only cited as a comparator); its class names the verdict
    (verdict-verified, verdict-consistent, ..., verdict-only-cited)."""
    label = claim_verdict_label(verdict)
    kind = verdict.name.lower() if verdict is not None else "only-cited"
    return f'<span class="verdict verdict-{kind}" style="background:{_COLOURS[label]}">{html.escape(label)}</span>'


def _basis(outcome: Outcome) -> str:
    return f'<span class="basis">basis: {html.escape(basis_label(outcome))}</span>'


def _remarks(outcome: Outcome) -> str:
    return "".join(f'<p class="remark">remark: {html.escape(remark)}</p>' for remark in outcome.remarks)


def _legend() -> str:
    verdicts = "".join(f"<dt>{_verdict(v)}</dt><dd>{html.escape(meaning)}</dd>"
                       for v, meaning in VERDICT_MEANINGS.items())
    verdicts += (f"<dt>{_verdict(None)}</dt><dd>no check judges the claim; checks cite it as a comparator, and their "
                 "verdicts are about other claims</dd>")
    bases = "".join(f"<dt><i>{html.escape(b.value)}</i></dt><dd>{html.escape(meaning)}</dd>"
                    for b, meaning in BASIS_MEANINGS.items())
    return ('<details id="legend" open><summary>legend: verdicts and bases</summary><dl class="legend">'
            f"{verdicts}</dl><dl class=\"legend\">{bases}</dl><p class=\"note\">A claim's verdict combines the checks "
            "that judge it: its truth is decided by the independent bases (REFUTED first); the paper's own proof "
            "decides only where nothing independent judged it; units alone never verify. Comparators are claims a "
            "check cites; they keep their own verdicts. A remark is another convention's reading that would change "
            "the verdict, shown beside it.</p></details>")


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 90em; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
#claims td { overflow-wrap: anywhere; max-width: 28em; }
th, td { border: 1px solid #d0d7de; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.verdict { color: white; padding: 0.1em 0.45em; border-radius: 0.3em; font-size: 0.85em; font-weight: 600;
           white-space: nowrap; }
.verdict-consistent { outline: 2px dashed #0a5c99; outline-offset: 1px; }
.verdict-only-cited { font-weight: 400; font-style: italic; }
.basis { color: #57606a; font-size: 0.85em; margin-left: 0.5em; }
.remark { border-left: 3px solid #9a6700; padding-left: 0.5em; color: #57606a; font-size: 0.9em; }
div.check.cited { border-left-style: dotted; color: #57606a; }
div.correction.unconfirmed, div.correction.unchecked { border: 1px dashed #9a6700; padding: 0 0.6em; }
dl.legend { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; font-size: 0.9em; }
dl.legend dd { margin: 0; }
section.paper { border-top: 2px solid #d0d7de; margin-top: 2em; }
article.claim { margin: 1.2em 0 1.6em 0; }
div.check { border-left: 3px solid #d0d7de; padding-left: 1em; margin: 0.8em 0; }
.note, .tex-line { color: #57606a; font-size: 0.9em; }
code.tex { white-space: pre-wrap; }
figure img { max-width: 100%; border: 1px solid #d0d7de; }
math[display=block] { overflow-x: auto; overflow-y: hidden; margin: 0.4em 0; font-size: 1.15em; }
table.evidence { font-size: 0.85em; }
"""


def _robustness_html(robustness: dict | None) -> str:
    """The robustness table (`escape verify --seeds`): every stochastic check's verdict per base seed, moving first."""
    if not robustness:
        return ""
    from ..runner import robustness_rows

    finding, seeds, rows = robustness_rows(robustness)
    body = "".join(f"<tr><td>{html.escape(check)}</td>" + "".join(f"<td>{html.escape(v)}</td>" for v in verdicts)
                   + f"<td>{'yes' if moves else 'no'}</td></tr>" for check, verdicts, moves in rows)
    header = "".join(f"<th>seed {html.escape(seed)}</th>" for seed in seeds)
    return (f'<h2 id="robustness">Robustness over base seeds</h2><p>{html.escape(finding)}</p><table><thead><tr>'
            f"<th>check</th>{header}<th>moves</th></tr></thead><tbody>{body}</tbody></table>")


def _header_html(report: Report, claims: int) -> str:
    """The page's head and the run's facts: command line and base seed, time, device, counts, versions."""
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n)
    claim_counts = ", ".join(f"{n} {v}" for v, n in report.claim_counts().items() if n)
    title = f"escape-theory verification report: suite {report.suite}"
    return "".join([
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><ul>",
        f'<li id="command">command: <code>{html.escape(report.command or "(run from Python)")}</code>, base seed '
        f"{report.seed}</li>",
        f"<li>started {html.escape(report.started)}, wall time {report.seconds:.1f} s on "
        f"{html.escape(report.device)}" + (f", only <code>{html.escape(report.only)}</code>" if report.only
                                           else "") + "</li>",
        f'<li id="check-counts">{len(report.outcomes)} checks: {html.escape(counts)}</li>',
        f'<li id="claim-counts">{claims} claims: {html.escape(claim_counts)} (each decided by the checks '
        "that judge it; every check's own verdict and basis is listed under the claim)</li>",
        "<li>versions: " + html.escape(", ".join(f"{k} {v}" for k, v in report.versions.items())) + "</li></ul>"])


def render_html(report: Report) -> str:
    """The whole page as a string (see the module docstring)."""
    grouped = outcomes_by_claim(report.outcomes)
    claims = {claim_id: _claim(claim_id) for claim_id in grouped}
    verdicts = report.claim_verdicts()
    papers: dict[str, tuple[str, list[str]]] = {}
    for claim_id in sorted(grouped, key=lambda c: (paper_of(claims[c])[0], c)):
        key, heading = paper_of(claims[claim_id])
        papers.setdefault(key, (heading, []))[1].append(claim_id)
    plots: dict[str, str] = {}

    parts = [_header_html(report, len(grouped)), _legend(), _robustness_html(report.robustness),
             '<h2 id="summary">Claims</h2><table id="claims"><thead><tr><th>claim</th><th>paper</th>'
             "<th>theorem / equation</th><th>verdict</th><th>basis</th><th>key number (uncertainty)</th>"
             "<th>checks</th></tr></thead><tbody>"]
    for key, (heading, claim_ids) in papers.items():
        for claim_id in claim_ids:
            outcomes, verdict = grouped[claim_id], verdicts[claim_id]
            decisive = decisive_outcome(claim_id, outcomes, verdict)
            judged = [o for o in outcomes if o.claim == claim_id]
            cited = [o for o in outcomes if o.claim != claim_id]
            checks = ", ".join(f'<a href="#{_anchor("check", claim_id + "-" + o.check)}">{html.escape(o.check)}</a>'
                               for o in judged)
            if cited:
                checks += ("; " if checks else "") + "cited as a comparator by " + ", ".join(
                    f'<a href="#{_anchor("cite", claim_id + "-" + o.check)}">{html.escape(o.check)}</a>'
                    for o in cited)
            number = key_number(decisive) if decisive is not None else "— (only cited as a comparator)"
            parts.append(f'<tr class="claim-row" data-claim="{html.escape(claim_id)}">'
                         f'<td><a href="#{_anchor("claim", claim_id)}">{html.escape(claim_id)}</a></td>'
                         f"<td>{html.escape(key)}</td><td>{html.escape(locator_of(claims[claim_id]))}</td>"
                         f"<td>{_verdict(verdict)}</td>"
                         f"<td>{html.escape(', '.join(claim_bases(claim_id, outcomes))) or '—'}</td>"
                         f"<td>{html.escape(number)}</td><td>{checks}</td></tr>")
    parts.append("</tbody></table>")

    for key, (heading, claim_ids) in papers.items():
        tally = Counter(claim_verdict_label(verdicts[claim_id]) for claim_id in claim_ids)
        parts.append(f'<section class="paper" id="{_anchor("paper", key)}"><h2>{html.escape(heading)}</h2>'
                     f'<p class="paper-counts">{len(claim_ids)} statements checked: '
                     + html.escape(", ".join(f"{n} {label}" for label, n in tally.most_common())) + "</p>")
        for claim_id in claim_ids:
            parts.append(_claim_section(claim_id, claims[claim_id], grouped[claim_id], verdicts, plots,
                                        report.outcomes))
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "".join(parts)


def _claim_section(claim_id: str, claim: Claim | None, outcomes: list[Outcome], verdicts: dict, plots: dict,
                   everything: list[Outcome]) -> str:
    """One claim: its statement, every check that judges it in full, and a line for every check that cites it."""
    parts = [f'<article class="claim" id="{_anchor("claim", claim_id)}">'
             f"<h3><code>{html.escape(claim_id)}</code> {_verdict(verdicts[claim_id])}</h3>"]
    if claim is None:
        parts.append('<p class="note">not in the claim registry</p>')
    else:
        parts.append(f"<p>{html.escape(claim.title)}</p><p><b>source</b>: {html.escape(claim.source)}</p>")
        if claim.regime:
            parts.append(f"<p><b>regime</b>: {html.escape(claim.regime)}</p>")
        parts.append("<p><b>stated</b>:</p>" + formula_html(claim))
    for outcome in outcomes:
        if outcome.claim != claim_id:  # cited as a comparator: that verdict is about another claim
            judged_check = _anchor("check", outcome.claim + "-" + outcome.check)
            parts.append(f'<div class="check cited" id="{_anchor("cite", claim_id + "-" + outcome.check)}"><p>'
                         f'cited as a comparator by check <a href="#{judged_check}">'
                         f"<code>{html.escape(outcome.check)}</code></a>, which judges "
                         f'<a href="#{_anchor("claim", outcome.claim)}"><code>{html.escape(outcome.claim)}</code></a> '
                         f"(its verdict there, {html.escape(outcome.verdict.value)} on "
                         f"{html.escape(basis_label(outcome))}, is about that claim, not this one)</p></div>")
            continue
        comparators = ", ".join(f'<a href="#{_anchor("claim", c)}"><code>{html.escape(c)}</code></a> '
                                f"({html.escape(claim_verdict_label(verdicts.get(c)))})" for c in outcome.comparators)
        parts.append(f'<div class="check" id="{_anchor("check", claim_id + "-" + outcome.check)}">'
                     f"<h4>check <code>{html.escape(outcome.check)}</code> ({html.escape(outcome.method)}) "
                     f"{_verdict(outcome.verdict)}{_basis(outcome)}</h4>{_remarks(outcome)}"
                     + (f'<p class="comparators">comparators (cited; they keep their own verdicts): {comparators}</p>'
                        if comparators else "")
                     + f"<p>{html.escape(short_summary(outcome.summary))}</p>"
                     f'<p class="note">seed {outcome.seed}, {outcome.seconds:.2f} s; key number: '
                     f"{html.escape(key_number(outcome))}</p>")
        if outcome.correction:
            parts.append(gated_correction_html(outcome, everything))
        elif outcome.verdict is Verdict.REFUTED:
            parts.append('<p class="note">no derived replacement: the evidence below shows where the statement '
                         "fails</p>")
        parts.append(_plot_html(outcome, plots))
        full = (f"<p><b>summary in full</b>: {html.escape(outcome.summary)}</p>"
                if short_summary(outcome.summary) != " ".join(outcome.summary.split()) else "")
        parts.append(f"<details><summary>evidence</summary>{full}{evidence_html(outcome.evidence)}</details></div>")
    parts.append("</article>")
    return "".join(parts)


def write_html(report: Report, path: str | Path) -> Path:
    path = Path(path)
    write_text_atomic(path, render_html(report))
    return path
