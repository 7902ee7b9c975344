"""The `escape` command line: list, show, derive, verify, notebook.

Exit codes: 0 the command ran (a REFUTED paper claim is a finding, not a failure); 1 some outcome is
ERROR (or, with --fail-on refuted, REFUTED); 2 a usage error, printed on one line without a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sympy as sp
from rich.console import Console
from rich.table import Table

from theory import all_claims, get_claim
from theory.errors import UserInputError

console = Console()


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)  # one line, however narrow the terminal
    sys.exit(2)


class _Group(click.Group):
    """Turns a UserInputError anywhere below into the one-line message and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserInputError as error:
            _fail(str(error))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """escape-theory: the theory of SGD escape, executable and checked."""


# ------------------------------------------------------------------------------ list / show
@main.command("list")
@click.option("--checks", is_flag=True, help="list the checks (and their suites) instead of the claims")
def list_command(checks: bool) -> None:
    """Every registered claim with its source (or every check with --checks)."""
    if checks:
        from verify.suite import all_checks

        table = Table("check", "method", "suites", "claims", title="checks")
        table.columns[0].no_wrap = True
        for check in all_checks():
            table.add_row(check.id, check.method, ", ".join(("full", *check.suites)), ", ".join(check.claims))
    else:
        table = Table("claim", "statement", "source", title="claims")
        table.columns[0].no_wrap = True
        for claim in all_claims():
            table.add_row(claim.id, claim.title, "; ".join(source.short for source in claim.sources))
    console.print(table)


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
    """Derive limits of claims and compare claims."""


@derive.command("limit")
@click.argument("claim_id")
@click.argument("symbol")
@click.argument("value")
@click.option("--direction", type=click.Choice(["+", "-", "+-"]), default="+-", show_default=True,
              help="side of the limit (ignored at infinity)")
@click.option("--latex", is_flag=True)
def derive_limit(claim_id: str, symbol: str, value: str, direction: str, latex: bool) -> None:
    """The limit of CLAIM_ID's right-hand side as SYMBOL -> VALUE (e.g. `c 0`, `D oo`)."""
    claim = get_claim(claim_id)
    try:
        target = sp.sympify(value)
    except (sp.SympifyError, SyntaxError):
        raise UserInputError(f"cannot read the limit value {value!r}: use a number, oo, -oo or a SymPy expression")
    limited = claim.limit(symbol, target, direction)
    click.echo(sp.latex(limited.rhs) if latex else sp.pretty(limited.rhs))
    if not latex:
        click.echo(f"\n{sp.sstr(limited.rhs)}")


@derive.command("compare")
@click.argument("claim_a")
@click.argument("claim_b")
def derive_compare(claim_a: str, claim_b: str) -> None:
    """Simplified difference and ratio of two claims' right-hand sides, and whether they are identical."""
    a, b = get_claim(claim_a), get_claim(claim_b)
    comparison = a.compare(b)
    click.echo(f"difference ({claim_a} - {claim_b}):\n{sp.pretty(comparison.difference)}\n")
    click.echo(f"ratio ({claim_a} / {claim_b}):\n{sp.pretty(comparison.ratio)}\n")
    verdict = "identical" if comparison.identical else "different"
    click.echo(f"{verdict} (decided by {comparison.identity.decided_by})")


# ------------------------------------------------------------------------------ verify
@main.command()
@click.option("--suite", default="quick", show_default=True, help="quick, full, or a family suite")
@click.option("--only", default=None, help="run only checks whose id (or claim) matches this glob / substring")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or cuda:N")
@click.option("--seed", default=0, show_default=True, help="base seed of checks that do not fix their own")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="write the JSON report here")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False), help="write the Markdown report here")
@click.option("--fail-on", type=click.Choice(["error", "refuted"]), default="error", show_default=True,
              help="exit 1 on ERROR outcomes only, or on REFUTED ones too")
@click.option("--progress/--no-progress", default=None, help="progress bars (default: when on a terminal)")
def verify(suite, only, device, seed, json_path, markdown_path, fail_on, progress) -> None:
    """Run a suite of checks and report a verdict per claim."""
    from verify.outcome import Verdict
    from verify.report import write_json, write_markdown
    from verify.runner import run_suite

    progress = sys.stderr.isatty() if progress is None else progress
    table = Table("check", "verdict", "seconds", "summary", title=f"suite {suite}")
    colours = {"VERIFIED": "green", "REFUTED": "magenta", "INCONCLUSIVE": "yellow", "ERROR": "red"}

    def show_outcome(outcome) -> None:
        colour = colours[outcome.verdict.value]
        console.print(f"[{colour}]{outcome.verdict.value:>12}[/] {outcome.check} ({outcome.seconds:.1f} s)",
                      highlight=False)
        table.add_row(outcome.check, f"[{colour}]{outcome.verdict.value}[/]", f"{outcome.seconds:.1f}",
                      outcome.summary)

    report = run_suite(suite, only=only, device=device, seed=seed, progress=progress, on_outcome=show_outcome)
    console.print(table)
    console.print(f"{len(report.outcomes)} checks in {report.seconds:.1f} s on {report.device}: "
                  + ", ".join(f"{n} {v}" for v, n in report.counts().items() if n), highlight=False)
    if json_path:
        console.print(f"JSON report: {write_json(report, json_path)}")
    if markdown_path:
        console.print(f"Markdown report: {write_markdown(report, markdown_path)}")
    failing = {Verdict.ERROR} | ({Verdict.REFUTED} if fail_on == "refuted" else set())
    if any(o.verdict in failing for o in report.outcomes):
        sys.exit(1)


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
@click.option("--paths", type=int, default=None, help="Monte Carlo paths per cell (default: the sweep's)")
@click.option("--seed", default=0, show_default=True, help="base seed; each cell derives its own from it")
@click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); without it --backend dask starts a local cluster")
@click.option("--workers", default=1, show_default=True, help="local processes, or workers of a local Dask cluster")
@click.option("--checkpoint", type=click.Path(file_okay=False), default=None,
              help="directory of finished cells: a rerun resumes from it instead of recomputing them")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="write the table as JSON here")
@click.option("--progress/--no-progress", default=None, help="progress bar (default: when on a terminal)")
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
        Path(json_path).write_text(json.dumps({"sweep": name, "fingerprint": plan.fingerprint,
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
def notebook(target: str, output_dir: str, execute: bool, suite_sizes: str, timeout: int) -> None:
    """Generate a theory-vs-simulation notebook for a check id or a suite name."""
    from verify.notebook import build_notebook, execute_notebook, write_notebook

    nb, name = build_notebook(target, suite_sizes)
    path = write_notebook(nb, Path(output_dir) / f"{name}.ipynb")
    if execute:
        execute_notebook(path, timeout=timeout)
    click.echo(f"notebook: {path}" + (" (executed)" if execute else ""))


if __name__ == "__main__":
    main()
