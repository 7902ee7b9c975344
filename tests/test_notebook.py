"""Notebook generation (nbformat), execution (nbclient), and the shipped example."""

from pathlib import Path

import nbformat
import pytest

from verify import Context, checks_in, get_check
from verify.notebook import build_notebook, execute_notebook, write_notebook

SHIPPED = Path(__file__).resolve().parent.parent / "notebooks" / "kramers.ipynb"


def test_notebook_reads_as_claim_derivation_computation_verdict():
    notebook, name = build_notebook("kramers.asymmetric_limit")
    assert name == "kramers_asymmetric_limit"
    sources = [cell.source for cell in notebook.cells]
    assert any("$$" in s and "Source:" in s for s in sources)           # the claim in LaTeX with its source
    assert any(s.startswith("**Derivation**") for s in sources)          # the derivation steps
    assert any("get_check('kramers.asymmetric_limit').run" in s for s in sources)
    assert sources[-1].startswith("print('verdict:'")


def test_generated_notebook_executes(tmp_path):
    notebook, _ = build_notebook("kramers.asymptotic_ratio")
    path = execute_notebook(write_notebook(notebook, tmp_path / "n.ipynb"), timeout=300)
    executed = nbformat.read(path, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("verdict: VERIFIED" in o.get("text", "") for o in outputs)


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
        runs[match.group(1)] = (re.search(r"verdict: (\w+)", printed).group(1), seconds)
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
