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


@dataclass(frozen=True)
class HeterogeneitySummary:
    """HER2 heterogeneity among eligible MBC patients with at least two HER2 assays."""
    assessed_ids: tuple[str, ...]
    heterogeneous_ids: tuple[str, ...]
    by_group: dict[str, tuple[int, int]]      # HR group -> (assessed, heterogeneous)

    @property
    def n_assessed(self) -> int:
        return len(self.assessed_ids)

    @property
    def n_heterogeneous(self) -> int:
        return len(self.heterogeneous_ids)


def her2_heterogeneity(cohort: pd.DataFrame) -> HeterogeneitySummary:
    from ..cohort.schema import HR_GROUPS
    from .tables import flag

    frame = cohort[flag(cohort["eligible"]) & flag(cohort["mbc"]) & cohort["her2_heterogeneity"].notna()]
    het = (frame["her2_heterogeneity"] == True).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    by_group = {}
    for g in HR_GROUPS:
        in_g = (frame["hr_status"] == g).to_numpy()
        by_group[g] = (int(in_g.sum()), int((in_g & het).sum()))
    return HeterogeneitySummary(tuple(frame["patient_id"].astype(str)),
                                tuple(frame.loc[het, "patient_id"].astype(str)), by_group)
