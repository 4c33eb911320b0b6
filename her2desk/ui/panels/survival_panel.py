"""Survival tab: one Kaplan–Meier figure per comparison, chosen from a list."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ..plots import export
from ..plots.km_plot import KMPlotWidget
from .base import Panel


def _p(p: float | None) -> str:
    from ...analysis.compare import format_p

    return format_p(p)


def annotation_for(comparison: Any) -> str:
    """'Log-rank P = …' and one 'HR … (95 % CI …)' line per group vs the reference."""
    lines = []
    p = getattr(comparison, "logrank_p", None)
    if p is not None and math.isfinite(p):
        text = _p(p)
        lines.append(f"Log-rank P {text}" if text[:1] in "<>" else f"Log-rank P = {text}")
    for hr in getattr(comparison, "hazard_ratios", ()) or ():
        if hr.hazard_ratio is None or not math.isfinite(hr.hazard_ratio):
            continue
        lines.append(f"HR {hr.hazard_ratio:.2f} (95 % CI {hr.ci[0]:.2f}–{hr.ci[1]:.2f}), "
                     f"{hr.group} vs {hr.reference}")
    return "\n".join(lines)


class SurvivalPanel(Panel):
    """``set_results(comparisons, time_unit="months")``: a sequence of
    ``analysis.endpoints.SurvivalComparison`` (title, curves, logrank_p, hazard_ratios, footnote)."""

    title = "Survival"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setAccessibleName("Survival comparison shown")
        self.choice.currentIndexChanged.connect(self._show)
        self.save_button = QPushButton("Save figure…")
        self.save_button.setAccessibleName("Save the Kaplan–Meier figure")
        self.save_button.clicked.connect(self.save_figure)
        self.plot = KMPlotWidget()
        self.footnote = QLabel()
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet("color: #555; padding: 2px 6px;")
        top = QHBoxLayout()
        top.addWidget(QLabel("Comparison:"))
        top.addWidget(self.choice, 1)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.footnote)
        self.comparisons: list[Any] = []
        self.time_unit = "months"

    def set_results(self, comparisons: Sequence[Any] | None, time_unit: str = "months") -> None:
        super().set_results(comparisons)
        if comparisons is None:
            return
        self.comparisons = [c for c in comparisons if getattr(c, "curves", None)]
        self.time_unit = time_unit
        self.choice.blockSignals(True)
        self.choice.clear()
        for c in self.comparisons:
            self.choice.addItem(c.title)
        self.choice.blockSignals(False)
        if not self.comparisons:
            self.show_message("No survival comparison has enough patients to draw.")
            return
        self._show(0)

    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.comparisons):
            return
        c = self.comparisons[index]
        self.plot.set_curves(c.curves, annotation=annotation_for(c), title=c.title,
                             time_unit=self.time_unit)
        self.footnote.setText(getattr(c, "footnote", ""))

    def save_figure(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save figure", "", export.FIGURE_FILTER)
        if path:
            self.window().run_export(lambda: self.plot.export(path), path) \
                if hasattr(self.window(), "run_export") else self.plot.export(path)

    def export_frame(self) -> pd.DataFrame | None:
        """The at-risk table of the figure shown."""
        if not self.comparisons:
            return None
        ticks, rows = self.plot.at_risk_table()
        return pd.DataFrame({label: counts for label, counts in rows},
                            index=pd.Index(ticks, name=f"time ({self.time_unit})"))
