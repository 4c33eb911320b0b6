"""Neoadjuvant tab: pCR rates (Wilson CIs) and Miller–Payne grades per analysis."""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout

from ..plots.bar_chart import BarChartWidget
from .base import Panel


class NeoadjuvantPanel(Panel):
    """``set_results(neo)``: ``analysis.neoadjuvant.NeoadjuvantResults`` (``analyses`` with
    ``title``, ``pcr`` RateComparison and ``grades`` GradeDistribution; ``footnote``)."""

    title = "Neoadjuvant"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setAccessibleName("Neoadjuvant analysis shown")
        self.choice.currentIndexChanged.connect(self._show)
        self.pcr_chart = BarChartWidget()
        self.pcr_chart.setAccessibleName("pCR rates")
        self.grade_chart = BarChartWidget()
        self.grade_chart.setAccessibleName("Miller–Payne grades")
        self.footnote = QLabel()
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet("color: #555; padding: 2px 6px;")
        top = QHBoxLayout()
        top.addWidget(QLabel("Analysis:"))
        top.addWidget(self.choice, 1)
        split = QSplitter()
        split.addWidget(self.pcr_chart)
        split.addWidget(self.grade_chart)
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.footnote)
        self.analyses: list[Any] = []

    def set_results(self, neo: Any) -> None:
        super().set_results(neo)
        if neo is None:
            return
        self.analyses = list(neo.analyses)
        self.footnote.setText(getattr(neo, "footnote", ""))
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItems([a.title for a in self.analyses])
        self.choice.blockSignals(False)
        if not self.analyses:
            self.show_message("No patient in the cohort had neoadjuvant therapy with a recorded grade.")
            return
        self._show(0)

    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.analyses):
            return
        a = self.analyses[index]
        self.pcr_chart.set_rate_comparison(a.pcr, title="Pathological complete response")
        self.grade_chart.set_grade_distribution(a.grades, title="Miller–Payne grade")

    def export_frame(self) -> pd.DataFrame | None:
        if not self.analyses:
            return None
        return self.analyses[self.choice.currentIndex()].pcr.to_frame()
