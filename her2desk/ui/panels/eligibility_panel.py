"""Eligibility tab: the Fig 1 flowchart, the settings behind it, and who was excluded for what."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_
from ..language import set_shown
from ..dialogs.patient_list import PatientListDialog, show_patient_list
from ..plots.flowchart import FlowchartView
from ..text import column_label, fields_text
from .base import FilterableTable, Panel
from .common import figures_over_table, journal_writer, save_figure_to

_COLUMNS = ("patient_id", "eligible", "exclusion_reason", "exclusion_fields", "hr_status")


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


def settings_text(settings: Any) -> str:
    """The study settings that decide who is eligible, in one line of words."""
    if settings is None:
        return ""
    get = lambda name: getattr(settings, name, "—")  # noqa: E731
    return N_(f"<b>Settings used:</b> enrolment {get('enrol_from')} to {get('enrol_to')} · "
              f"data cutoff {get('cutoff')} · HER2 FISH positive at ratio ≥ {get('fish_threshold')} · "
              f"de novo MBC within {get('de_novo_window_days')} days "
              "<span style='color:#555'>(File ▸ Study settings…)</span>")


def flow_patients(cohort: pd.DataFrame, key: str, rule_keys: dict[str, str] | None = None) -> list[str]:
    """Patient IDs behind one flowchart box, from the cohort's eligibility columns."""
    eligible = cohort["eligible"]
    if key == "admitted":
        mask = pd.Series(True, index=cohort.index)
    elif key == "eligible":
        mask = eligible
    elif key == "excluded":
        mask = ~eligible
    elif key.startswith("excluded:"):
        label = key.split(":", 1)[1]
        rule = (rule_keys or {}).get(label, label)
        mask = ~eligible & (cohort["exclusion_reason"] == rule)
    elif key.startswith("group:"):
        mask = eligible & (cohort["hr_status"] == key.split(":", 1)[1])
    else:
        raise KeyError(key)
    return cohort.loc[mask.to_numpy(dtype=bool), "patient_id"].astype(str).tolist()


class EligibilityPanel(Panel):
    """``set_results(loaded)``: anything with ``flowchart`` (cohort.loading.Flowchart),
    ``cohort`` (DataFrame with patient_id, eligible, exclusion_reason, hr_status…) and,
    optionally, ``settings``."""

    title = "Eligibility"
    figure_saved = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cohort: pd.DataFrame | None = None
        self.rule_keys: dict[str, str] = {}
        self.last_dialog: PatientListDialog | None = None
        self.flowchart = FlowchartView()
        self.flowchart.box_double_clicked.connect(self.open_box)
        # Kept for the window's accessibility/tests: the same counts as text.
        self.flow_label = QLabel()
        self.flow_label.setAccessibleName("Flowchart counts")
        self.flow_label.setTextFormat(Qt.TextFormat.RichText)
        self.flow_label.hide()
        self.settings_label = QLabel()
        self.settings_label.setAccessibleName("Settings used")
        self.settings_label.setTextFormat(Qt.TextFormat.RichText)
        self.settings_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save figure…"))
        self.save_button.setToolTip(self.tr("Save the flowchart as PNG, SVG or PDF"))
        # clicked(bool) would arrive as the file name: the button must ask for one.
        self.save_button.clicked.connect(lambda _checked=False: self.save_figure())
        hint = QLabel(self.tr("Double-click a box to see its patients."))
        hint.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.addWidget(self.settings_label, 1)
        bar.addWidget(hint)
        bar.addWidget(self.save_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.flowchart, 1)
        self.table = FilterableTable(filter_column="exclusion_reason", filter_label=N_("Reason:"))
        split = figures_over_table(top, [self.table], stretch=(3, 2), sizes=(420, 300))
        self.splitter = split
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)

    def set_results(self, loaded: Any) -> None:
        super().set_results(loaded)
        if loaded is None:
            self.flowchart.set_flowchart(None)
            self.cohort = None
            return
        flow = loaded.flowchart
        self.flowchart.set_flowchart(flow)
        self.flow_label.setText(flowchart_html(flow))
        set_shown(self.settings_label, settings_text(getattr(loaded, "settings", None)))
        self.rule_keys = dict(getattr(flow, "rule_keys", {}) or {})
        cohort = loaded.cohort
        self.cohort = cohort
        cols = [c for c in _COLUMNS if c in cohort.columns] + \
               [c for c in cohort.columns if c not in _COLUMNS]
        frame = cohort[cols]
        labels = {key: label for label, key in self.rule_keys.items()}
        if labels and "exclusion_reason" in frame.columns:
            # Show the rule as the flowchart words it, not its machine key.
            frame = frame.assign(exclusion_reason=frame["exclusion_reason"].map(
                lambda k: labels.get(k, k) if isinstance(k, str) else k))
        if "exclusion_fields" in frame.columns:
            frame = frame.assign(exclusion_fields=frame["exclusion_fields"].map(fields_text))
        # Readable headers (Table 1–3 row labels where there is one); the column's own
        # name stays in the tooltip, as exports and the codebook use it.
        self.table.set_frame(frame, column_labels={c: column_label(c) for c in frame.columns},
                             header_tooltips={c: f"Column: {c}" for c in frame.columns},
                             translated_columns=("eligible", "exclusion_reason", "hr_status"))

    # -- explain a box ----------------------------------------------------------------
    def open_box(self, key: str) -> PatientListDialog | None:
        if self.cohort is None or key not in self.flowchart.boxes:
            return None
        ids = flow_patients(self.cohort, key, self.rule_keys)
        what = self.flowchart.box_text(key).split("\n", 1)[0]
        what = what.rsplit(" (n = ", 1)[0]
        if key.startswith("excluded:"):
            what = f"Excluded: {what}"
        labels = {rule: label for label, rule in self.rule_keys.items()}
        self.last_dialog = show_patient_list(self, what, ids, self.cohort,
                                             value_labels={"exclusion_reason": labels})
        return self.last_dialog

    # -- export ----------------------------------------------------------------------
    def save_figure(self, path: str | None = None) -> Path | None:
        if self.flowchart.flow is None:
            return None
        path = save_figure_to(self, journal_writer(self, self.flowchart), path, caption="Save flowchart",
                              start=str(Path.home() / "flowchart.png"))
        if path is None:
            return None
        self.figure_saved.emit(path)
        return Path(path)

    def export_frame(self) -> pd.DataFrame | None:
        return self.table.visible_frame() if self.results is not None else None
