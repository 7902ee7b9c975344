"""The `escape` command line: list, show, derive, verify, notebook.

Exit codes: 0 the command ran (a REFUTED paper claim is a finding, not a failure); 1 some outcome is
ERROR (or, with --fail-on refuted, REFUTED); 2 a usage error, printed on one line without a traceback.
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click
import sympy as sp
from rich.console import Console
from rich.table import Table

from theory import all_claims, get_claim
from theory.errors import UserInputError

from .outputs import prepare_directory, prepare_output, write_text_atomic

console = Console()


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)  # one line, however narrow the terminal
    sys.exit(2)


class _Group(click.Group):
    """Turns a UserInputError anywhere below into the one-line message and exit code 2, and an interruption
    (Ctrl-C) into exit code 130, the shell's code for SIGINT (1 is an ERROR outcome)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserInputError as error:
            _fail(str(error))
        except KeyboardInterrupt:
            click.echo("interrupted: no report was written (a sweep keeps its finished cells in its checkpoint)",
                       err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """escape-theory: the theory of SGD escape, executable and checked."""


# ------------------------------------------------------------------------------ list / show
@main.command("list")
@click.option("--checks", is_flag=True, help="list the checks (and their suites) instead of the claims")
@click.option("--find", "find", default=None, metavar="TEXT",
              help="only the claims whose id, statement or source matches TEXT (a theorem's number: 'Thm 4.1', "
                   "'eq. 12', 'Corollary 4.6'), each with the checks that judge it")
def list_command(checks: bool, find: str | None) -> None:
    """Every registered claim with its source (or every check with --checks)."""
    from verify.suite import all_checks

    if checks:
        table = Table("check", "method", "suites", "claims", title="checks")
        table.columns[0].no_wrap = True
        for check in all_checks():
            table.add_row(check.id, check.method, ", ".join(("full", *check.suites)), ", ".join(check.claims))
    else:
        claims = all_claims() if find is None else [c for c in all_claims() if _matches(c, find)]
        if not claims:
            raise UserInputError(f"no claim matches {find!r}: try a shorter piece of its source, e.g. 'Thm 4'")
        judged_by = {}
        for check in all_checks():
            judged_by.setdefault(check.claim, []).append(check.id)
        table = Table("claim", "statement", "source", *(("checks",) if find else ()), title="claims")
        table.columns[0].no_wrap = True
        for claim in claims:
            checks_of = (", ".join(judged_by.get(claim.id, [])) or "none",) if find else ()
            table.add_row(claim.id, claim.title, "; ".join(source.short for source in claim.sources), *checks_of)
    console.print(table)


#: the paper's words and their usual abbreviations read alike when searching by a theorem's number
_ABBREVIATIONS = {"theorem": "thm", "corollary": "cor", "proposition": "prop", "lemma": "lem", "equation": "eq",
                  "definition": "def", "section": "sec", "appendix": "app"}


def _normalised(text: str) -> str:
    import re

    text = text.lower()
    for word, short in _ABBREVIATIONS.items():
        text = re.sub(rf"\b{word}s?(?![a-z])", short, text)
    return re.sub(r"[\s.()]+", "", text)


def _matches(claim, text: str) -> bool:
    """Whether `text` names this claim: its id, statement or a source locator contains it (a number is not matched
    by a longer one: 'Thm 4.1' does not find Thm 4.10; 'Thm 4' finds every Thm 4.x)."""
    import re

    wanted = re.escape(_normalised(text)) + r"(?![0-9])"
    haystack = [claim.id, claim.title, *(f"{source.seed} {source.locator}" for source in claim.sources)]
    return any(re.search(wanted, _normalised(entry)) for entry in haystack)


@main.command()
@click.argument("claim_id")
@click.option("--latex", is_flag=True, help="print the statement as LaTeX")
@click.option("--steps/--no-steps", default=True, help="print the derivation steps of a derived claim")
def show(claim_id: str, latex: bool, steps: bool) -> None:
    """One claim: statement, source, regime, units, relations (and how it was derived)."""
    claim = get_claim(claim_id)
    if latex:
        click.echo(claim.latex())
        return
    click.echo(str(claim))
    if claim.model is not None:
        click.echo("\n" + claim.model.describe())
    if steps and claim.derivation is not None:
        click.echo("\nderivation:\n" + claim.derivation.render())


# ------------------------------------------------------------------------------ derive
@main.group()
def derive() -> None:
    """Derive limits of claims, compare claims, and check a claim (a user's too) against limits and simulation."""


def _claim_and_rest(arguments: tuple, rest: int, expression: str | None, context: str | None, usage: str):
    """(claim, remaining arguments): the claim is the first argument (a claim id) or, with --expr, the user's
    claim about --model (theory.user_claim), in which case all arguments are the remaining ones."""
    from theory.user_claim import user_claim

    if expression is None and context is not None:
        raise UserInputError("--model needs --expr (the right-hand side of the claim about that model)")
    if expression is not None:
        if context is None:
            raise UserInputError("--expr needs --model: a model id (e.g. kramers.DOUBLE_WELL) or a claim id")
        claim, given = user_claim(expression, model=context), arguments
    else:
        claim, given = (get_claim(arguments[0]), arguments[1:]) if arguments else (None, ())
    if claim is None or len(given) != rest:
        raise UserInputError(f"usage: {usage}")
    return claim, given


@derive.command("limit")
@click.argument("arguments", nargs=-1, metavar="[CLAIM_ID] SYMBOL VALUE")
@click.option("--expr", "expression", default=None, help="a user's claim (its right-hand side) instead of CLAIM_ID")
@click.option("--model", "context", default=None, help="with --expr: the model id (kramers.DOUBLE_WELL) or claim id "
              "whose symbols it uses")
@click.option("--direction", type=click.Choice(["+", "-", "+-"]), default=None,
              help="side of the limit (default: from the symbol's domain, e.g. D -> 0+ for a positive D; two-sided "
                   "elsewhere; ignored at infinity)")
@click.option("--define", "definitions", multiple=True, metavar="NAME=VALUE",
              help="give another symbol a value before the limit is taken (repeatable)")
@click.option("--positive", "positives", multiple=True, metavar="NAME",
              help="declare another symbol positive before the limit is taken (repeatable)")
@click.option("--latex", is_flag=True)
@click.option("--steps", is_flag=True, help="print the derivation steps first")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="seconds SymPy may spend before the command gives up")
# 10 parameters: one per click option above (click passes each option by name)
def derive_limit(arguments: tuple, expression, context, direction, definitions, positives, latex: bool,
                 steps: bool, time_limit: float) -> None:
    """The limit of CLAIM_ID's right-hand side as SYMBOL -> VALUE (e.g. `c 0`, `D oo`); with --expr and --model,
    of a user's claim (`--expr "exp(1/(4*D))*D" --model kramers.DOUBLE_WELL D oo`)."""
    from theory.user_claim import context_symbols, parse_expression

    claim, (symbol, value) = _claim_and_rest(arguments, 2, expression, context,
                                             "escape derive limit CLAIM_ID SYMBOL VALUE, or "
                                             "escape derive limit --expr EXPR --model MODEL SYMBOL VALUE")
    symbols = context_symbols(claim=claim)
    try:  # read by the restricted parser: the value is never evaluated as Python
        target = parse_expression(value, symbols)
    except UserInputError as error:
        raise UserInputError(f"cannot read the limit value {value!r}: use a number, oo, -oo or a SymPy "
                             f"expression ({error})") from None
    claim = _specialised(claim, symbols, _assignments(definitions, "--define"), positives)
    with _time_limit(time_limit, f"lim {symbol} -> {value}"):
        limited = claim.limit(symbol, target, direction)
    if steps:
        click.echo(limited.derivation.render(latex) + "\n")
    click.echo(sp.latex(limited.rhs) if latex else sp.pretty(limited.rhs))
    if not latex:
        click.echo(f"\n{sp.sstr(limited.rhs)}")


class _OutOfTime(BaseException):
    """Raised by the alarm inside SymPy; a BaseException so that no `except Exception` on the way swallows it."""


@contextmanager
def _time_limit(seconds: float, what: str):
    """Give up on `what` after `seconds` with a one-line error (SIGALRM: SymPy is pure Python, so the alarm stops it
    between bytecodes). Only in the main thread of a Unix process; elsewhere no limit is applied."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise UserInputError(f"{what} took longer than {seconds:g} s, the time limit (--time-limit): simplify the "
                             "expression, give symbols values (--define) or raise the limit") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _specialised(claim, symbols: dict, definitions: dict, positives: tuple):
    """The claim with other symbols given values (--define) or declared positive (--positive), read by the
    restricted parser; an unknown name is a one-line error."""
    from theory.user_claim import parse_expression

    for name in [*definitions, *positives]:
        if name not in symbols:
            raise UserInputError(f"{name!r} is not a symbol of {claim.id}: its symbols are {', '.join(sorted(symbols))}")
    values = {name: parse_expression(text, symbols) for name, text in definitions.items()}
    values.update({name: sp.Symbol(name, positive=True) for name in positives if name not in values})
    return claim.subs(values) if values else claim


@derive.command("compare")
@click.argument("arguments", nargs=-1, metavar="[CLAIM_A] CLAIM_B")
@click.option("--expr", "expression", default=None, help="a user's claim (its right-hand side) instead of CLAIM_A")
@click.option("--model", "context", default=None, help="with --expr: the model id (kramers.DOUBLE_WELL) or claim id "
              "whose symbols it uses")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="seconds SymPy may spend before the command gives up")
def derive_compare(arguments: tuple, expression, context, time_limit: float) -> None:
    """Simplified difference and ratio of two claims' right-hand sides, and whether they are identical; with
    --expr and --model, of a user's claim against CLAIM_B."""
    a, (claim_b,) = _claim_and_rest(arguments, 1, expression, context,
                                    "escape derive compare CLAIM_A CLAIM_B, or "
                                    "escape derive compare --expr EXPR --model MODEL CLAIM_B")
    claim_a, b = a.id, get_claim(claim_b)
    with _time_limit(time_limit, f"the comparison of {claim_a} with {claim_b}"):
        comparison = a.compare(b)
    click.echo(f"difference ({claim_a} - {claim_b}):\n{sp.pretty(comparison.difference)}\n")
    click.echo(f"ratio ({claim_a} / {claim_b}):\n{sp.pretty(comparison.ratio)}\n")
    verdict = "identical" if comparison.identical else "different"
    click.echo(f"{verdict} (decided by {comparison.identity.decided_by})")


def _assignments(items: tuple, option: str) -> dict:
    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserInputError(f"{option} {item!r}: write NAME=VALUE")
        pairs[name.strip()] = value.strip()
    return pairs


@derive.command("check")
@click.argument("claim_id", required=False)
@click.option("--expr", "expression", default=None, help="the right-hand side of a user's claim (instead of CLAIM_ID)")
@click.option("--model", "context", default=None,
              help="with --expr: a model id (kramers.DOUBLE_WELL) or a claim id the new claim revises (it takes "
                   "that claim's symbols, left-hand side, relation and model)")
@click.option("--lhs", default=None, help="with --expr: the left-hand side's name (default: the claim's, else tau)")
@click.option("--relation", type=click.Choice(["=", "<=", ">=", "~"]), default=None,
              help="with --expr: default the revised claim's, else '='")
@click.option("--limit-of", nargs=3, default=None, metavar="PARENT SYMBOL VALUE",
              help="check that the claim equals lim SYMBOL -> VALUE of the claim PARENT")
@click.option("--define", "definitions", multiple=True, metavar="NAME=EXPR",
              help="with --limit-of: substitute a symbol the parent keeps for a defined quantity (repeatable)")
@click.option("--leading-order", nargs=3, default=None, metavar="CLAIM SYMBOL VALUE",
              help="check that claim / CLAIM -> 1 as SYMBOL -> VALUE")
@click.option("--direction", type=click.Choice(["+", "-", "+-"]), default=None,
              help="side of the limits (default: one-sided at the end of a symbol's range, e.g. D -> 0+)")
@click.option("--at", "at_items", multiple=True, metavar="NAME=VALUE",
              help="check the claim, as the mean exit time of its model, at these parameter values (repeatable)")
@click.option("--method", "methods", multiple=True, type=click.Choice(["montecarlo", "quadrature"]),
              help="with --at: how (repeatable; default montecarlo)")
@click.option("--paths", "n_paths", type=click.IntRange(min=1), default=20_000, show_default=True,
              help="Monte Carlo paths")
@click.option("--dt", type=click.FloatRange(min=0, min_open=True), default=0.01, show_default=True,
              help="Euler-Maruyama step")
@click.option("--max-time", type=click.FloatRange(min=0, min_open=True), default=None,
              help="simulation horizon (default: 50 x the claim's value)")
@click.option("--tolerance", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="relative error the claim itself neglects (e.g. an asymptotic formula at finite D), stated")
@click.option("--false-alarm", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=1e-4,
              show_default=True, help="probability that Monte Carlo refutes a true claim")
@click.option("--seed", default=0, show_default=True)
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or cuda:N")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="write the outcomes as JSON here")
# 19 parameters: one per click option above (click passes each option by name)
def derive_check(claim_id, expression, context, lhs, relation, limit_of, definitions, leading_order, direction,
                 at_items, methods, n_paths, dt, max_time, tolerance, false_alarm, seed, device, json_path) -> None:
    """Check a claim (CLAIM_ID, or a user's claim given by --expr and --model) against a parent's limit, a
    reference to leading order, and its model by Monte Carlo or quadrature (verify.user_check). Exit code 1
    when a check ends in ERROR; a REFUTED claim is a finding (0)."""
    import json

    from theory.user_claim import user_claim
    from verify.outcome import Verdict
    from verify.user_check import run_checks, user_checks

    if json_path:
        prepare_output(json_path, "--json")
    if expression is not None:
        if claim_id is not None or context is None:
            raise UserInputError("give either CLAIM_ID or --expr with --model (a model id or a claim id)")
        claim = user_claim(expression, model=context, lhs=lhs, relation=relation)
    elif claim_id is None or context is not None or lhs is not None or relation is not None:
        raise UserInputError("give either CLAIM_ID, or --expr EXPR --model MODEL (--lhs and --relation go with --expr)")
    else:
        claim = get_claim(claim_id)
    at = _assignments(at_items, "--at") if at_items else None
    if at is not None and "montecarlo" in (methods or ("montecarlo",)):
        from numerics.infra.device import resolve_device

        resolve_device(device)  # an unknown device is a usage error, not an ERROR outcome
    checks = user_checks(claim, limit_of=limit_of, leading_order=leading_order, at=at,
                         methods=methods or ("montecarlo",), definitions=list(definitions), direction=direction,
                         n_paths=n_paths, dt=dt, max_time=max_time, tolerance=tolerance, false_alarm=false_alarm)
    click.echo(str(claim))
    if claim.derivation is not None:
        click.echo("\nderivation:\n" + claim.derivation.render())
    outcomes = run_checks(claim, checks, seed=seed, device=device)
    for outcome in outcomes:
        click.echo(f"\n{outcome.verdict.value:>12}  {outcome.check} ({outcome.seconds:.1f} s)\n  {outcome.summary}")
        for key in ("difference", "derived", "limit of the ratio", "interval", "allowed gap", "exact / claim",
                    "confidence"):
            if key in outcome.evidence:
                click.echo(f"  {key}: {outcome.evidence[key]}")
        if outcome.correction:
            origin = outcome.correction.get("from") or outcome.correction.get("claim") or "the derivation above"
            click.echo(f"  derived replacement (from {origin}; not a checked correction until a claim stating it "
                       f"passes its own checks): {outcome.correction['text']}")
        if "derivation" in outcome.evidence:  # the steps of the derived limit, as `escape show` prints them
            click.echo("  derivation:\n    " + outcome.evidence["derivation"].replace("\n", "\n    "))
    if json_path:
        write_text_atomic(json_path, json.dumps([o.to_json() for o in outcomes], indent=1))
        click.echo(f"\nJSON: {json_path}")
    if any(o.verdict is Verdict.ERROR for o in outcomes):
        sys.exit(1)


# ------------------------------------------------------------------------------ verify
@main.command()
@click.option("--suite", default="quick", show_default=True, help="quick, full, or a family suite")
@click.option("--only", default=None, help="run only checks whose id (or claim) matches this glob / substring")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or cuda:N")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="base seed: the seed of checks that fix none, combined with the own seed of those that do (0 keeps "
                   "every check's own)")
@click.option("--seeds", "seed_range", default=None, metavar="A-B|A,B,...",
              help="rerun the stochastic checks (Monte Carlo, experiments) at these base seeds too, and report every "
                   "verdict that moves (a robustness table in every report)")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="write the JSON report here")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False), help="write the Markdown report here")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="write the self-contained HTML report (plots embedded) here")
@click.option("--fail-on", type=click.Choice(["error", "refuted"]), default="error", show_default=True,
              help="exit 1 on ERROR outcomes only, or on REFUTED ones too")
@click.option("--progress/--no-progress", default=None, help="progress bars (default: when on a terminal)")
# 10 parameters: one per click option above (click passes each option by name)
def verify(suite, only, device, seed, seed_range, json_path, markdown_path, html_path, fail_on, progress) -> None:
    """Run a suite of checks and report a verdict per claim."""
    from rich.markup import escape

    from verify.outcome import Verdict
    from verify.reports import basis_label
    from verify.runner import run_suite

    seeds = _seed_list(seed_range) if seed_range else None
    outputs = {what: prepare_output(path, f"--{what}")   # refused before the suite runs, not after
               for what, path in (("json", json_path), ("markdown", markdown_path), ("html", html_path)) if path}
    progress = sys.stderr.isatty() if progress is None else progress
    table = Table("check", "verdict", "basis", "seconds", "summary", title=f"suite {suite}")
    # CONSISTENT WITH ITS PROOF has its own colour: agreement with the paper's own lines is not VERIFIED
    colours = {Verdict.VERIFIED: "green", Verdict.CONSISTENT: "cyan", Verdict.REFUTED: "magenta",
               Verdict.INCONCLUSIVE: "yellow", Verdict.ERROR: "red"}
    width = max(len(v.value) for v in Verdict)

    def show_outcome(outcome) -> None:
        colour = colours[outcome.verdict]
        comparators = f" (comparators: {', '.join(outcome.comparators)})" if outcome.comparators else ""
        console.print(f"[{colour}]{outcome.verdict.value:>{width}}[/] {escape(outcome.check)} "
                      f"({escape(basis_label(outcome))}, {outcome.seconds:.1f} s){escape(comparators)}",
                      highlight=False)
        summary = "\n".join([outcome.summary + comparators, *(f"remark: {r}" for r in outcome.remarks)])
        table.add_row(escape(outcome.check), f"[{colour}]{outcome.verdict.value}[/]", escape(basis_label(outcome)),
                      f"{outcome.seconds:.1f}", escape(summary))

    report = run_suite(suite, only=only, device=device, seed=seed, progress=progress, on_outcome=show_outcome)
    report.command = _command_line(click.get_current_context())
    console.print(table)
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n)
    claim_counts = ", ".join(f"{n} {v}" for v, n in report.claim_counts().items() if n)
    console.print(f"{len(report.outcomes)} checks in {report.seconds:.1f} s on {report.device}: {counts}",
                  highlight=False)
    console.print(f"{len(report.claim_verdicts())} claims: {claim_counts}", highlight=False)
    if seeds:
        _robustness(report, seeds, device, progress)
    _write_reports(report, outputs)
    failing = {Verdict.ERROR} | ({Verdict.REFUTED} if fail_on == "refuted" else set())
    if any(o.verdict in failing for o in report.outcomes):
        sys.exit(1)


def _seed_list(text: str) -> list[int]:
    """--seeds: "0-7" (inclusive) or "0,3,5"; one-line error otherwise."""
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            seeds = list(range(first, last + 1))
        else:
            seeds = [int(part) for part in text.split(",")]
    except ValueError:
        raise UserInputError(f"--seeds {text!r}: write A-B (e.g. 0-7) or A,B,... with integers >= 0") from None
    if not seeds or min(seeds) < 0 or len(seeds) > 64:
        raise UserInputError(f"--seeds {text!r}: between 1 and 64 seeds, each >= 0")
    return seeds


def _robustness(report, seeds: list[int], device: str, progress: bool) -> None:
    from verify.runner import moving_verdicts, rerun_over_seeds

    table = rerun_over_seeds(report, seeds, device=device, progress=progress)
    moving = moving_verdicts(table)
    console.print(f"robustness: {len(table)} stochastic checks at base seeds {seeds[0]}..{seeds[-1]}: "
                  + (f"{len(moving)} verdict(s) move: " + ", ".join(moving) if moving else "no verdict moves"),
                  highlight=False)


def _command_line(ctx: click.Context) -> str:
    """The command as it could be typed again: the command path and every option that differs from its default."""
    import shlex

    words = ["escape", *ctx.command_path.split()[1:]]   # the installed name, whatever argv[0] was
    for parameter in ctx.command.params:
        value = ctx.params.get(parameter.name)
        if value == parameter.default or value is None or not parameter.opts:
            continue
        option = max(parameter.opts, key=len)
        if isinstance(value, bool):
            words.append(option if value else (parameter.secondary_opts or [option])[0])
        else:
            words += [option, str(value)]
    return shlex.join(words)


def _write_reports(report, outputs: dict) -> None:
    """Write every requested report; one that fails does not stop the others, and each failure names its path
    (exit 2 after all were tried)."""
    from verify.reports import write_html, write_json, write_markdown

    writers = {"json": ("JSON report", write_json), "markdown": ("Markdown report", write_markdown),
               "html": ("HTML report", write_html)}
    failures = []
    for what, path in outputs.items():
        label, write = writers[what]
        try:
            console.print(f"{label}: {write(report, path)}")
        except OSError as error:
            failures.append(f"{label} {path}: {error.strerror or error}")
    if failures:
        _fail("could not write " + "; ".join(failures) + " (the others were written)")


@main.command()
@click.option("--from", "report_path", default="reports/full.json", show_default=True,
              type=click.Path(dir_okay=False), help="the JSON report of the last run (absent: every verdict 'not run')")
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False),
              help="write the Markdown here (default: standard output)")
@click.option("--without-verdicts", is_flag=True,
              help="list the claims even though no report exists (every verdict then reads 'not run')")
def catalogue(report_path: str, output_path: str | None, without_verdicts: bool) -> None:
    """Every encoded claim with its source and its verdict from the last run, as Markdown."""
    from verify.reports.catalogue import render_catalogue, write_catalogue

    if output_path:
        prepare_output(output_path, "-o")
    if not Path(report_path).exists() and not without_verdicts:
        raise UserInputError(f"no report at {report_path}: run `escape verify --suite full --json {report_path}` "
                             "first, or add --without-verdicts for a catalogue of the claims alone")
    if output_path:
        click.echo(f"catalogue: {write_catalogue(report_path, output_path)}")
    else:
        click.echo(render_catalogue(report_path), nl=False)


# ------------------------------------------------------------------------------ sweep
def _sweep_value(text: str):
    """A grid value as typed: an int, else a float, else the string itself."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@main.command()
@click.argument("name")
@click.option("--grid", "grid_items", multiple=True, metavar="PARAM=V1,V2,...",
              help="replace one axis of the default grid (repeatable), e.g. --grid D=0.25,0.5 --grid replicate=0,1,2")
@click.option("--paths", type=click.IntRange(min=1), default=None,
              help="Monte Carlo paths per cell (default: the sweep's)")
@click.option("--seed", default=0, show_default=True, help="base seed; each cell derives its own from it")
@click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); without it --backend dask starts a local cluster")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="local processes, or workers of a local Dask cluster")
@click.option("--checkpoint", type=click.Path(file_okay=False), default=None,
              help="directory of finished cells: a rerun resumes from it instead of recomputing them")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="write the table as JSON here")
@click.option("--progress/--no-progress", default=None, help="progress bar (default: when on a terminal)")
# 10 parameters: one per click option above (click passes each option by name)
def sweep(name, grid_items, paths, seed, backend, scheduler, workers, checkpoint, json_path, progress) -> None:
    """Run the named parameter sweep NAME (kramers: Monte Carlo vs exact mean exit time over D and replicates)."""
    import json
    import time

    from numerics.sweep import NAMED_SWEEPS, DaskExecutor, LocalExecutor, Sweep, run_sweep

    if name not in NAMED_SWEEPS:
        from theory.errors import UnknownIdError

        raise UnknownIdError("sweep", name, sorted(NAMED_SWEEPS))
    function, grid, fixed, _ = NAMED_SWEEPS[name]
    grid, fixed = dict(grid), dict(fixed)
    for item in grid_items:
        parameter, _, values = item.partition("=")
        if not parameter or not values:
            raise UserInputError(f"--grid {item!r}: write PARAM=V1,V2,... (e.g. D=0.25,0.5)")
        grid[parameter.strip()] = [_sweep_value(v.strip()) for v in values.split(",")]
    if paths is not None:
        fixed["n_paths"] = paths
    if scheduler and backend != "dask":
        raise UserInputError("--scheduler needs --backend dask")
    if json_path:
        prepare_output(json_path, "--json")
    if checkpoint:
        prepare_directory(checkpoint, "--checkpoint")
    plan = Sweep(function, grid, seed=seed, fixed=fixed)
    executor = DaskExecutor(scheduler, workers=workers) if backend == "dask" else LocalExecutor(workers)
    started = time.perf_counter()
    with executor:
        result = run_sweep(plan, executor, checkpoint=checkpoint,
                           progress=sys.stderr.isatty() if progress is None else progress)
    table = Table(*(n for n in result.names if n != "seed"), title=f"sweep {name} ({plan.name})")
    for row in result.rows:
        table.add_row(*(f"{row.get(n):.6g}" if isinstance(row.get(n), float) else str(row.get(n))
                        for n in result.names if n != "seed"))
    console.print(table)
    console.print(f"{len(result)} cells on {result.executor} in {time.perf_counter() - started:.1f} s: "
                  f"{result.computed} computed, {result.loaded} loaded from the checkpoint", highlight=False)
    if json_path:
        write_text_atomic(json_path, json.dumps({"sweep": name, "fingerprint": plan.fingerprint,
                                                 "executor": result.executor, "rows": result.rows}, indent=1))
        console.print(f"JSON table: {json_path}")


# ------------------------------------------------------------------------------ notebook
@main.command()
@click.argument("target")
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False),
              help="directory to write the notebook into")
@click.option("--execute", is_flag=True, help="execute it with nbclient so that it ships with its outputs")
@click.option("--suite-sizes", default="quick", show_default=True, help="which suite's sizes the notebook uses")
@click.option("--timeout", default=1200, show_default=True, help="seconds allowed per cell when executing")
@click.option("--force", is_flag=True, help="overwrite a notebook that exists (e.g. a shipped one in notebooks/)")
# 6 parameters: one per click option above (click passes each option by name)
def notebook(target: str, output_dir: str, execute: bool, suite_sizes: str, timeout: int, force: bool) -> None:
    """Generate a theory-vs-simulation notebook for a check id or a suite name."""
    from verify.reports.notebook import build_notebook, execute_notebook, write_notebook

    nb, name = build_notebook(target, suite_sizes)   # an unknown target is refused before anything is created
    prepare_directory(output_dir, "-o")
    path = Path(output_dir) / f"{name}.ipynb"
    if path.exists() and not force:
        raise UserInputError(f"{path} exists (a shipped notebook is regenerated on purpose only): add --force to "
                             "overwrite it, or write elsewhere with -o")
    path = write_notebook(nb, path)
    if execute:
        execute_notebook(path, timeout=timeout)
    click.echo(f"notebook: {path}" + (" (executed)" if execute else ""))


# ------------------------------------------------------------------------------ bench
@main.command()
@click.option("--paths", type=int, default=None, help="engine paths per workload [default: 1000000; --quick 100000]")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or cuda:N")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="write the measurements as JSON here")
@click.option("--quick", is_flag=True, help="small sizes, no memory probe (a smoke run, not the measurement)")
def bench(paths, device, json_path, quick) -> None:
    """Engine throughput against the random-number ceiling, a naive loop and torchsde, measured in one run."""
    from numerics.bench import format_report, run_benchmark, settings, write_json

    if json_path:
        prepare_output(json_path, "--json")
    report = run_benchmark(device=device, **settings(quick=quick, paths=paths))
    click.echo(format_report(report))
    if json_path:
        click.echo(f"JSON: {write_json(report, json_path)}")


if __name__ == "__main__":
    main()
