"""The papers the toolkit checks and the classical works it cites, each once: seed file name (the key a Claim's
Source names), authors, title, year and what the file is (../shared/seeds/INDEX.md). Claims, reports and the
catalogue cite these; nothing else types a seed file name or a title."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    key: str
    authors: str
    title: str
    year: str
    note: str = ""

    def __str__(self) -> str:
        return f'{self.authors}, "{self.title}" ({self.year})' + (f", {self.note}" if self.note else "")


SEED_000 = "000_6ac092e84b589a62.txt"
SEED_001 = "001_8289d68cf3bd5d68.txt"
SEED_002 = "002_0bd15634cbfb0ce4.txt"
SEED_003 = "003_363d0c39ed306341.txt"
SEED_004 = "004_f9c6c18a0b16f13c.txt"

PAPERS = {paper.key: paper for paper in (
    Paper(SEED_000, "Battash & Lindenbaum", "Revisiting the Noise Model of Stochastic Gradient Descent", "2023",
          "conference version, with appendices"),
    Paper(SEED_001, "Battash & Lindenbaum", "Revisiting the Noise Model of Stochastic Gradient Descent", "2023",
          "journal-review version, no appendix"),
    Paper(SEED_002, "Meng, Gong, Chen, Ma & Liu", "Dynamic of Stochastic Gradient Descent with State-Dependent Noise",
          "2020"),
    Paper(SEED_003, "Ibayashi & Imaizumi",
          "Exponential Escape Efficiency of SGD from Sharp Minima in Non-Stationary Regime", "2023"),
    Paper(SEED_004, "Chen, Du, Ma & Meng", "Power-law dynamic arising from machine learning", "2023"),
)}


def paper(key: str) -> Paper | None:
    """The paper a seed file name names, or None for a source outside the seeds."""
    return PAPERS.get(key)
