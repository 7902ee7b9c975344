"""The HTML report and the catalogue (issue 8, "Report"), the page checked in a real headless Chromium."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from theory import all_claims
from theory.errors import UserInputError
from verify import get_check, run_suite
from verify.catalogue import NOT_RUN, render_catalogue
from verify.cli import main
from verify.html_report import key_number, render_html, write_html
from verify.outcome import Outcome, Verdict
from verify.report import claim_verdict, outcomes_by_claim, read_json, write_json

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: a small real run: Meng et al.'s Thm 4 / 6 / 9 / 10 checks, symbolic, quadrature and Monte Carlo, several of them
#: REFUTED with an evidence plot, one check naming three claims (about 10 s on two cores)
ONLY = "meng.thm*"


@pytest.fixture(scope="module")
def report():
    return run_suite("quick", only=ONLY, device="cpu")


@pytest.fixture(scope="module")
def page(report, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "report.html"
    write_html(report, path)
    return path


class _Page(HTMLParser):
    """The parts of a page the tests look at: title, summary rows, images, articles, external references."""

    def __init__(self) -> None:
        super().__init__()
        self.title, self.rows, self.images, self.references, self.tags = "", [], [], [], set()
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self._in_title = tag == "title"
        if tag == "tr" and attrs.get("class") == "claim-row":
            self.rows.append(attrs["data-claim"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for name in ("src", "href"):
            if name in attrs and not attrs[name].startswith(("#", "data:")):
                self.references.append(attrs[name])

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def _parse(text: str) -> _Page:
    parsed = _Page()
    parsed.feed(text)
    return parsed


def _articles(text: str) -> dict[str, str]:
    """claim id -> the HTML of its <article> section."""
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<article class="claim" id="claim-[^"]*"><h3><code>([^<]+)</code>(.*?)</article>', text, re.S)}


def test_small_run_has_what_the_page_must_show(report):
    verdicts = {o.check: o.verdict for o in report.outcomes}
    plotted_refuted = [o for o in report.outcomes if o.verdict is Verdict.REFUTED and get_check(o.check).plot]
    assert plotted_refuted, f"the run must hold a REFUTED check with a plot: {verdicts}"
    assert any(len(o.claim.split(", ")) > 1 for o in report.outcomes), "and a check naming several claims"


def test_page_is_self_contained_with_one_row_per_claim(report, page):
    text = page.read_text(encoding="utf-8")
    parsed = _parse(text)
    assert parsed.title.startswith("escape-theory verification report")
    assert sorted(parsed.rows) == sorted(outcomes_by_claim(report.outcomes))
    assert len(parsed.rows) == len(set(parsed.rows))
    assert not parsed.references, f"external resources: {parsed.references}"
    assert not {"script", "link", "iframe"} & parsed.tags
    plotted = {o.check for o in report.outcomes if get_check(o.check).plot and o.verdict is not Verdict.ERROR}
    assert len(parsed.images) >= len(plotted) > 0
    for src in parsed.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1], validate=True).startswith(PNG_SIGNATURE)


def test_refuted_claims_show_stated_derived_and_plot(report, page):
    articles = _articles(page.read_text(encoding="utf-8"))
    grouped = outcomes_by_claim(report.outcomes)
    assert set(articles) == set(grouped)
    refuted = [c for c, outcomes in grouped.items() if claim_verdict(c, outcomes) is Verdict.REFUTED]
    assert refuted
    for claim_id in refuted:
        section = articles[claim_id]
        assert "<math" in section and "LaTeX:" in section, claim_id  # the stated formula, MathML and TeX
        for outcome in grouped[claim_id]:
            if outcome.verdict is Verdict.REFUTED and outcome.correction:
                assert "derived by the toolkit" in section, (claim_id, outcome.check)
            if outcome.verdict is Verdict.REFUTED and get_check(outcome.check).plot:
                assert f'alt="evidence plot of {outcome.check}"' in section, (claim_id, outcome.check)


_PROBE = """<img id="broken-control" src="data:image/png;base64,iVBORw0KGgoAAAAA">
<script>window.addEventListener('load', function () {
  var out = document.createElement('pre'); out.id = 'image-status';
  out.textContent = JSON.stringify(Array.from(document.images).map(function (i) {
    return {id: i.id, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}; }));
  document.body.appendChild(out); });</script>"""


def _chromium(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", *arguments],
                          capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (Debian: apt-get install -y chromium)")
def test_page_renders_in_headless_chromium(report, page, tmp_path):
    """Chromium loads the page; after load a probe writes every image's decoded size into the DOM. The probe's own
    broken image (a truncated PNG) must read 0 wide: it shows that the probe can see an image fail."""
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    run = _chromium("--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000", "--dump-dom",
                    probe.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    dom = _parse(run.stdout)
    assert dom.title.startswith("escape-theory verification report")
    assert sorted(dom.rows) == sorted(outcomes_by_claim(report.outcomes))
    status = re.search(r'<pre id="image-status">(.*?)</pre>', run.stdout, re.S)
    assert status, "the load handler did not run"
    images = json.loads(status.group(1).replace("&quot;", '"'))
    control = [i for i in images if i["id"] == "broken-control"]
    loaded = [i for i in images if i["id"] != "broken-control"]
    assert control == [{"id": "broken-control", "complete": True, "width": 0, "height": 0}]
    assert len(loaded) == len(_parse(page.read_text(encoding="utf-8")).images) > 0
    assert all(i["complete"] and i["width"] > 0 and i["height"] > 0 for i in loaded), images


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (Debian: apt-get install -y chromium)")
def test_page_screenshot_is_not_blank(page, tmp_path):
    import matplotlib.image

    shot = tmp_path / "shot.png"
    run = _chromium("--window-size=1200,1600", f"--screenshot={shot}", page.as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (1600, 1200)
    assert pixels[..., :3].std() > 0.05  # text, table and verdict badges drawn, not a blank page


def _outcome(check: str, claims: str, verdict: Verdict, evidence: dict | None = None) -> Outcome:
    return Outcome(check, claims, "source", "symbolic", verdict, "summary", evidence or {})


def test_claim_verdict_is_decided_by_the_checks_that_test_the_claim_first():
    outcomes = [_outcome("a.own", "a", Verdict.VERIFIED), _outcome("b.vs_a", "b, a", Verdict.REFUTED),
                _outcome("c.vs_a", "c, a", Verdict.INCONCLUSIVE)]
    grouped = outcomes_by_claim(outcomes)
    assert [o.check for o in grouped["a"]] == ["a.own", "b.vs_a", "c.vs_a"]
    assert claim_verdict("a", grouped["a"]) is Verdict.VERIFIED  # b's refutation is about b
    assert claim_verdict("b", grouped["b"]) is Verdict.REFUTED
    # with no check of its own, a claim takes every check that names it, REFUTED > ERROR > INCONCLUSIVE > VERIFIED
    assert claim_verdict("a", grouped["a"][1:]) is Verdict.REFUTED
    assert claim_verdict("a", [grouped["a"][2]]) is Verdict.INCONCLUSIVE
    assert claim_verdict("x", [_outcome("x1", "x", Verdict.VERIFIED), _outcome("x2", "x", Verdict.ERROR)]) \
        is Verdict.ERROR


def test_key_number_reads_value_and_uncertainty_from_the_evidence():
    def key(evidence):
        return key_number(_outcome("k", "k", Verdict.VERIFIED, evidence))

    assert key({"seed": 3, "simulated mean": 7.0, "stderr": 0.0705}) == "simulated mean = 7 ± 0.0705"
    assert key({"mc_mean": 2.5, "other": 1.0, "mc_stderr": 0.1}) == "mc_mean = 2.5 ± 0.1"  # the named one
    assert key({"mc ratio": 3.288, "mc ratio interval": [2.889, 3.742]}) == "mc ratio = 3.288 [2.889, 3.742]"
    # an interval that does not hold the number is a parameter, not its confidence interval
    assert key({"rho": 4.0, "interval": [-1.0, 1.0]}) == "no number in the evidence"
    assert key({"runs": [{"D": 0.5, "mc_mean": 3.0, "mc_stderr": 0.2}, {"D": 0.25, "mc_mean": 14.4,
                                                                         "mc_stderr": 0.12}]}) \
        == "mc_mean at D = 0.25 = 14.4 ± 0.12"
    assert key({"difference": "2*t", "decided_by": "sympy"}) == "derived − stated = 2*t (exact, sympy)"
    assert key({"key number": {"name": "slope", "value": -0.999, "uncertainty": 0.0003}, "stderr": 5.0}) \
        == "slope = -0.999 ± 0.0003"
    assert key({"ratio": 2.027, "tolerance": 1e-6}) == "ratio = 2.027 (no uncertainty in the evidence)"


def test_read_json_round_trip_and_errors(report, tmp_path):
    path = write_json(report, tmp_path / "r.json")
    again = read_json(path)
    assert again.to_json() == report.to_json()
    assert render_html(again).count('class="claim-row"') == len(outcomes_by_claim(report.outcomes))
    with pytest.raises(UserInputError, match="no report at"):
        read_json(tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text('{"suite": "quick"}')
    with pytest.raises(UserInputError, match="not a JSON report"):
        read_json(tmp_path / "bad.json")


def test_catalogue_lists_every_claim_with_its_verdict(report, tmp_path):
    path = write_json(report, tmp_path / "full.json")
    text = render_catalogue(path)
    grouped = outcomes_by_claim(report.outcomes)
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([^`]+)` \|.*\| \*\*([^*]+)\*\* \|", text, re.M)}
    claims = all_claims()
    assert sorted(rows) == sorted(c.id for c in claims)
    for claim in claims:
        expected = claim_verdict(claim.id, grouped[claim.id]).value if claim.id in grouped else NOT_RUN
        assert rows[claim.id] == expected, claim.id
    assert set(rows.values()) > {NOT_RUN}
    absent = render_catalogue(tmp_path / "absent.json")
    assert "No report at" in absent and absent.count(f"**{NOT_RUN}**") == len(claims)


def test_cli_html_and_catalogue(tmp_path):
    runner = CliRunner()
    html_path, json_path = tmp_path / "r.html", tmp_path / "r.json"
    result = runner.invoke(main, ["verify", "--suite", "quick", "--only", "kramers.units", "--device", "cpu",
                                  "--no-progress", "--json", str(json_path), "--html", str(html_path)])
    assert result.exit_code == 0, result.output
    assert _parse(html_path.read_text(encoding="utf-8")).rows == ["kramers.mean_escape_time"]
    result = runner.invoke(main, ["catalogue", "--from", str(json_path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\| `kramers.mean_escape_time` \|.*\| \*\*VERIFIED\*\* \|", result.output, re.M)
    out = tmp_path / "catalogue.md"
    result = runner.invoke(main, ["catalogue", "--from", str(tmp_path / "absent.json"), "-o", str(out)])
    assert result.exit_code == 0 and f"**{NOT_RUN}**" in out.read_text()
    (tmp_path / "bad.json").write_text("not json")
    result = runner.invoke(main, ["catalogue", "--from", str(tmp_path / "bad.json")])
    assert result.exit_code == 2 and "not a JSON report" in result.output
