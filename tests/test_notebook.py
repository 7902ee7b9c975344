"""Notebook generation (nbformat), execution (nbclient), and the shipped example."""

from pathlib import Path

import nbformat
import pytest

from verify import Context, checks_in, get_check
from verify.reports.notebook import build_notebook, claims_markdown, execute_notebook, outcome_markdown, write_notebook
from verify.outcome import Basis, Outcome, Verdict

SHIPPED = Path(__file__).resolve().parent.parent / "notebooks" / "kramers.ipynb"


def test_notebook_reads_as_claim_derivation_computation_verdict():
    notebook, name = build_notebook("kramers.asymmetric_limit")
    assert name == "kramers_asymmetric_limit"
    sources = [cell.source for cell in notebook.cells]
    assert any("$$" in s and "Source:" in s for s in sources)           # the claim in LaTeX with its source
    assert any(s.startswith("**Derivation**") for s in sources)          # the derivation steps
    assert any("get_check('kramers.asymmetric_limit').run" in s for s in sources)
    assert sources[-3].startswith("print('verdict:'") and ".basis" in sources[-3]   # the verdict with its basis
    assert sources[-2].startswith("## Verdicts per claim")                        # then one verdict per claim
    assert sources[-1].endswith("show_claims([outcome_kramers_asymmetric_limit])")
    # the judged claim, then its comparator, labelled as such
    roles = [s.split("\n")[0] for s in sources if s.startswith("*The claim") or s.startswith("*A comparator")]
    assert roles == ["*The claim this check judges:*", "*A comparator: the check cites this claim; it keeps its own "
                                                        "verdict:*"]


def test_generated_notebook_executes(tmp_path):
    notebook, _ = build_notebook("kramers.asymptotic_ratio")
    path = execute_notebook(write_notebook(notebook, tmp_path / "n.ipynb"), timeout=300)
    executed = nbformat.read(path, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("verdict: VERIFIED (exact numerics)" in o.get("text", "") for o in outputs)
    markdown = "".join(o.get("data", {}).get("text/markdown", "") for o in outputs)
    assert "**VERIFIED** (basis: exact numerics)" in markdown and "| `kramers.mean_escape_time` | **VERIFIED** |" \
        in markdown


def test_shipped_notebook_has_its_outputs():
    notebook = nbformat.read(SHIPPED, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.outputs for c in code)
    texts = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert texts.count("verdict: ") == texts.count("verdict: VERIFIED") >= 7
    assert sum("image/png" in o.get("data", {}) for c in code for o in c.outputs) >= 2


@pytest.mark.parametrize("name", ["levy", "power_law", "large_deviations", "networks"])
def test_shipped_family_notebook_has_outputs_and_findings(name):
    notebook = nbformat.read(SHIPPED.parent / f"{name}.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.outputs for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    texts = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert "verdict: REFUTED" in texts and "verdict: VERIFIED" in texts
    assert sum("image/png" in o.get("data", {}) for c in code for o in c.outputs) >= 1


FAMILIES = ["kramers", "levy", "power_law", "large_deviations", "networks"]


def _shipped(name):
    import re

    notebook = nbformat.read(SHIPPED.parent / f"{name}.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    sizes = re.search(r"SIZES = '(\w+)'", code[0].source).group(1)
    runs = {}   # check id -> (verdict printed in the notebook, seconds it took there)
    for cell, following in zip(code, code[1:] + [None]):
        match = re.search(r"get_check\('([^']+)'\)\.run", cell.source)
        if not match:
            continue
        markdown = "".join(o.get("data", {}).get("text/markdown", "") for o in cell.outputs)
        seconds = float(re.search(r"\*([\d.]+) s, seed", markdown).group(1))
        verdict_cells = [c for c in code if f"outcome_{match.group(1).replace('.', '_')}.verdict" in c.source]
        printed = "".join(o.get("text", "") for c in verdict_cells for o in c.outputs)
        # the whole verdict word: CONSISTENT WITH ITS PROOF has spaces
        runs[match.group(1)] = (re.search(r"verdict: ([A-Z]+(?: [A-Z]+)*)", printed).group(1), seconds)
    return notebook, sizes, runs


@pytest.mark.parametrize("name", FAMILIES)
def test_shipped_notebook_is_the_generated_one(name):
    """Regenerated from the registry, the notebook has the same code as the shipped one (no stale notebook)."""
    shipped, sizes, runs = _shipped(name)
    generated, _ = build_notebook(name, sizes)
    code = lambda nb: [c.source for c in nb.cells if c.cell_type == "code"]  # noqa: E731
    assert code(generated) == code(shipped)
    assert set(runs) == {c.id for c in checks_in(name)}


@pytest.mark.parametrize("name", FAMILIES)
def test_shipped_verdicts_match_the_suite(name):
    """Every check that ran in under 3 s in the shipped notebook is run again with the notebook's sizes and seed:
    the verdict must be the same (the slow ones are covered by their own tests and by the suite run in CI's main job)."""
    _, sizes, runs = _shipped(name)
    cheap = {check_id: verdict for check_id, (verdict, seconds) in runs.items() if seconds < 3}
    for check_id, verdict in cheap.items():
        assert get_check(check_id).run(Context(suite=sizes, seed=0)).verdict.value == verdict, check_id


def _outcome(check, claim, verdict, basis, method="symbolic", **extra):
    return Outcome(check, claim, "source", method, verdict, f"summary of {check}", {"difference": "0"},
                   basis=str(basis), **extra)


def test_notebook_verdict_display_shows_basis_comparators_remarks_and_gated_corrections():
    consistent = _outcome("n.proof", "battash.thm4_1_appendix", Verdict.CONSISTENT, Basis.PAPER,
                          comparators=["battash.thm4_1"], remarks=["in 001's clock the rate is per iteration"])
    refuted = _outcome("n.quad", "kramers.symmetric_quartic_time", Verdict.REFUTED, Basis.EXACT, "quadrature",
                       correction={"text": "sqrt(2)*pi*(3*D/2 + 1)*exp(1/(4*D))",
                                   "claim": "kramers.symmetric_quartic_correction"})
    fixed = _outcome("n.fix", "kramers.symmetric_quartic_correction", Verdict.VERIFIED, Basis.EXACT, "quadrature")
    text = outcome_markdown(consistent)
    assert text.startswith("**CONSISTENT WITH ITS PROOF** (basis: the paper's own proof) — summary of n.proof")
    assert "- comparators (cited; they keep their own verdicts): `battash.thm4_1`" in text
    assert "- remark: in 001's clock the rate is per iteration" in text
    # alone (its replacement's checks did not run) the replacement is not confirmed; with its verified check it is
    alone = outcome_markdown(refuted)
    assert "derived replacement, not confirmed in this report: `sqrt(2)*pi*(3*D/2 + 1)*exp(1/(4*D))`" in alone
    assert "no check of kramers.symmetric_quartic_correction ran" in alone
    assert "- derived replacement (checked by: n.fix)" in outcome_markdown(refuted, [refuted, fixed])
    summary = claims_markdown([consistent, refuted, fixed])
    assert summary.startswith("4 claims: 1 VERIFIED, 1 CONSISTENT WITH ITS PROOF, 1 REFUTED, 1 only cited")
    assert "| `battash.thm4_1_appendix` | **CONSISTENT WITH ITS PROOF** | n.proof (CONSISTENT WITH ITS PROOF, the " \
           "paper's own proof) | — |" in summary
    assert "| `battash.thm4_1` | **only cited** | — | n.proof (judges battash.thm4_1_appendix) |" in summary
    assert "derived replacement (checked by: n.fix)" in summary
