"""Eligibility tab: the flowchart counts and who was excluded for what."""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout
from PySide6.QtCore import Qt

from .base import FilterableTable, Panel

_COLUMNS = ("patient_id", "eligible", "exclusion_reason", "hr_status")


def flowchart_html(flow: Any) -> str:
    rows = [f"<p><b>{flow.admitted}</b> patients admitted</p><ul>"]
    for label, n in flow.excluded.items():
        if n:
            rows.append(f"<li>{n} excluded: {label}</li>")
    rows.append(f"</ul><p><b>{flow.eligible}</b> eligible</p><ul>")
    for label, n in flow.groups.items():
        rows.append(f"<li>{label}: <b>{n}</b></li>")
    rows.append("</ul>")
    return "".join(rows)


class EligibilityPanel(Panel):
    """``set_results(loaded)``: anything with ``flowchart`` (cohort.loading.Flowchart) and
    ``cohort`` (DataFrame with patient_id, eligible, exclusion_reason, hr_status…)."""

    title = "Eligibility"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.flow_label = QLabel()
        self.flow_label.setAccessibleName("Flowchart counts")
        self.flow_label.setTextFormat(Qt.TextFormat.RichText)
        self.flow_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.flow_label.setStyleSheet("font-size: 11pt; padding: 8px;")
        self.flow_label.setWordWrap(True)
        self.flow_label.setMinimumWidth(300)
        self.table = FilterableTable(filter_column="exclusion_reason", filter_label="Reason:")
        split = QSplitter()
        split.addWidget(self.flow_label)
        split.addWidget(self.table)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 900])
        QVBoxLayout(self.contents).addWidget(split)

    def set_results(self, loaded: Any) -> None:
        super().set_results(loaded)
        if loaded is None:
            return
        self.flow_label.setText(flowchart_html(loaded.flowchart))
        cohort = loaded.cohort
        cols = [c for c in _COLUMNS if c in cohort.columns] + \
               [c for c in cohort.columns if c not in _COLUMNS]
        frame = cohort[cols]
        labels = {key: label for label, key in getattr(loaded.flowchart, "rule_keys", {}).items()}
        if labels and "exclusion_reason" in frame.columns:
            # Show the rule as the flowchart words it, not its machine key.
            frame = frame.assign(exclusion_reason=frame["exclusion_reason"].map(
                lambda k: labels.get(k, k) if isinstance(k, str) else k))
        self.table.set_frame(frame, column_labels={
            "patient_id": "Patient", "eligible": "Eligible", "exclusion_reason": "Excluded because",
            "hr_status": "HR status"})

    def export_frame(self) -> pd.DataFrame | None:
        return self.table.visible_frame() if self.results is not None else None
