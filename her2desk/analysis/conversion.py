"""Receptor conversion between the primary tumour and metastatic tissue (Table S7)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .tables import flag

CATEGORIES = ("concordant", "pos->neg", "neg->pos")
RECEPTORS = (("er", "ER"), ("pr", "PR"), ("her2", "HER2"))


@dataclass(frozen=True)
class ConversionRow:
    receptor: str
    n: int
    counts: dict[str, int]          # category -> n
    percent: dict[str, float]       # category -> % of n

    @property
    def discordant(self) -> int:
        return self.counts["pos->neg"] + self.counts["neg->pos"]


@dataclass(frozen=True)
class ConversionTable:
    n: int
    rows: tuple[ConversionRow, ...]
    patient_ids: dict[tuple[str, str], tuple[str, ...]]   # (receptor, category) -> ids
    footnote: str


def receptor_conversion(cohort: pd.DataFrame) -> ConversionTable:
    """Counts among eligible patients whose rebiopsy has ER, PR and HER2 results."""
    frame = cohort[flag(cohort["eligible"]) & flag(cohort["receptor_conversion_assessable"])]
    n = len(frame)
    rows, ids = [], {}
    for key, name in RECEPTORS:
        col = frame[f"{key}_conversion"]
        counts = {c: int((col == c).sum()) for c in CATEGORIES}
        pct = {c: (100.0 * v / n if n else float("nan")) for c, v in counts.items()}
        rows.append(ConversionRow(name, n, counts, pct))
        for c in CATEGORIES:
            ids[(name, c)] = tuple(frame.loc[col == c, "patient_id"].astype(str))
    foot = ("Primary tumour against the first biopsy of metastatic tissue. ER/PR positive: ≥ 1% "
            "of tumour cells stained; HER2 positive: IHC 3+ or IHC 2+ with FISH ratio at or above "
            "the study threshold.")
    return ConversionTable(n, tuple(rows), ids, foot)
