"""Reports of a suite run: JSON and Markdown (text), a self-contained HTML page (html), the catalogue of every claim
(catalogue) and the per-family notebooks (notebook). Every renderer takes a claim's verdict and the gate on
corrections from the one verdict policy, verify.verdicts (re-exported here)."""

from ..verdicts import (
                        BASIS_MEANINGS,
                        ONLY_CITED,
                        VERDICT_MEANINGS,
                        VERDICT_ORDER,
                        basis_label,
                        claim_bases,
                        claim_verdict,
                        claim_verdict_label,
                        correction_entries,
                        correction_status,
                        deciding_outcomes,
                        decisive_outcome,
                        outcomes_by_claim,
)
from .catalogue import render_catalogue, write_catalogue
from .html import render_html, write_html
from .text import read_json, render_markdown, write_json, write_markdown

__all__ = ["render_catalogue", "write_catalogue", "render_html", "write_html", "read_json", "render_markdown",
           "write_json", "write_markdown", "BASIS_MEANINGS", "ONLY_CITED", "VERDICT_MEANINGS", "VERDICT_ORDER",
           "basis_label", "claim_bases", "claim_verdict", "claim_verdict_label", "correction_entries",
           "correction_status", "decisive_outcome", "deciding_outcomes", "outcomes_by_claim"]
