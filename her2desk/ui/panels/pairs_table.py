"""One paper item's pairwise comparisons, under its number: a box the Survival and Neoadjuvant
tabs (and the Paper navigator) put below their figures.

It shows an ``analysis.paper.ItemResult`` as computed: the item's number and caption, any
immortal-time caution as a yellow banner, one row per pair of groups (log-rank or pCR test P,
the P adjusted as the study settings say, the hazard ratio of a survival pair, and what the
paper prints for the pair) and the item's footnote, which names the multiplicity adjustment.
Nothing here computes a statistic.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...report.format import DASH, NOT_ESTIMABLE, format_hr_with_ci, format_percent
from ..language import set_shown
from ..text import p_text
from .common import show_notes, warning_box
from .result_table import Cell, ResultTable

#: Items of this kind show hazard ratios; pCR items show the two groups' rates instead.
SURVIVAL_KINDS = ("km", "pairs")


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def pair_label(pair: Any) -> str:
    """ "ER+/PR+ vs ER-/PR-", with the stratum when the pair is within one: "(… within HR+)". """
    text = f"{pair.group} vs {pair.reference}"
    return f"{text} (within {pair.within})" if pair.within else text


def hr_cell(pair: Any) -> Cell:
    if _finite(pair.hazard_ratio) and all(_finite(x) and x > 0 for x in pair.ci) \
            and math.isfinite(pair.ci[1]):
        return Cell(format_hr_with_ci(pair.hazard_ratio, pair.ci),
                    f"Hazard ratio of {pair.group} vs {pair.reference}, a Cox model on the two "
                    "groups' patients; Wald 95 % CI.", pair.hazard_ratio)
    return Cell(NOT_ESTIMABLE, "No finite hazard ratio for this pair (e.g. no events in a group).",
                warn=True)


def rates_cell(pair: Any) -> Cell:
    if pair.rate is None or pair.rate_reference is None:
        return Cell(DASH)
    return Cell(f"{format_percent(pair.rate)} vs {format_percent(pair.rate_reference)}",
                f"pCR rate of {pair.group} vs {pair.reference}.", pair.rate)


def cautions_of(items: Iterable[Any], extra: Sequence[str] = ()) -> list[str]:
    """The items' cautions and ``extra`` ones, each once, in order."""
    out: list[str] = []
    for text in [c for i in items if i is not None for c in i.cautions] + list(extra):
        if text and text not in out:
            out.append(text)
    return out


class PairsBox(QWidget):
    """``set_item(item, cautions=())``: an ``ItemResult`` (None hides the table)."""

    def __init__(self, name: str = "Paper item", parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.title = QLabel()
        self.title.setAccessibleName(f"{name} title")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; padding: 2px 4px;")
        self.cautions = warning_box(f"{name} cautions")
        self.table = ResultTable(name=f"{name} pairs")
        self.footnote = QLabel()
        self.footnote.setAccessibleName(f"{name} footnote")
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet("color: #555; padding: 2px 6px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.cautions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footnote)
        self.item: Any = None
        self.hide()

    def set_item(self, item: Any, cautions: Sequence[str] = (), *, shown_footnote: str = "") -> None:
        """Show ``item``'s pairs; the banner shows its cautions and ``cautions``.

        ``shown_footnote``: the page's own footnote; the item's repeats it (and adds what was
        done for multiplicity), so only the rest is shown here.
        """
        self.item = item
        notes = cautions_of([item], cautions)
        show_notes(self.cautions, notes)
        if item is None or not item.pairs:
            self.title.setText("")
            self.table.set_rows([], [])
            self.footnote.setText("")
            self.title.setVisible(False)
            self.table.setVisible(False)
            self.footnote.setVisible(False)
            self.setVisible(bool(notes))
            return
        survival = item.kind in SURVIVAL_KINDS
        set_shown(self.title, f"{item.id}. {item.caption}")
        headers = ["Comparison", "n", "HR (95 % CI)" if survival else "pCR rates", "P",
                   "P adjusted", "Test", "Paper"]
        rows = []
        for p in item.pairs:
            rows.append([
                Cell(pair_label(p), bold=True),
                Cell(str(p.n), raw=p.n),
                hr_cell(p) if survival else rates_cell(p),
                Cell(p_text(p.p_value), f"{p.test or 'Test'} P, unadjusted.", p.p_value)
                if _finite(p.p_value) else Cell(DASH),
                Cell(p_text(p.p_adjusted), "P adjusted for the item's pairs as the study "
                     "settings say (see the footnote).", p.p_adjusted)
                if _finite(p.p_adjusted) else Cell(DASH),
                Cell(p.test or DASH),
                Cell(p.stated or "", "What the paper prints for this pair." if p.stated else ""),
            ])
        self.table.set_rows(headers, rows, header_tips={
            "P adjusted": "The multiplicity adjustment of the study settings (P-value adjustment): "
                          "unadjusted by default, as the paper.",
            "Paper": "The value the paper prints for this comparison, where it prints one.",
        })
        foot = item.footnote
        if shown_footnote and foot.startswith(shown_footnote):
            foot = foot[len(shown_footnote):].strip()
        set_shown(self.footnote, foot)
        for w in (self.title, self.table):
            w.setVisible(True)
        self.footnote.setVisible(bool(foot))
        self.setVisible(True)

    def rows_text(self) -> list[list[str]]:
        """The table's text, row by row (for tests and export)."""
        return [[c.text for c in row] for row in self.table.rows]

