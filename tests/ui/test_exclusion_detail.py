"""The coordinator is told why: the fields behind each exclusion, and the forms a file lacks."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from her2desk.resources import sample_study_path
from her2desk.ui.panels.eligibility_panel import EligibilityPanel

INCOMPLETE = "Incomplete clinical information"


def test_eligibility_table_and_patient_list_name_the_fields(qtbot, sample_study):
    panel = EligibilityPanel()
    qtbot.addWidget(panel)
    panel.set_results(sample_study)
    frame = panel.export_frame()
    detail = sample_study.flowchart.excluded_detail
    incomplete = frame[frame["exclusion_reason"] == INCOMPLETE]
    assert len(incomplete) == sample_study.flowchart.excluded[INCOMPLETE] > 0
    for pid, shown in zip(incomplete["patient_id"], incomplete["exclusion_fields"]):
        assert shown == "; ".join(detail[pid][INCOMPLETE])
    dialog = panel.open_box(f"excluded:{INCOMPLETE}")
    qtbot.addWidget(dialog)
    listed = dialog.frame.set_index("patient_id")["exclusion_fields"]
    assert listed.to_dict() == {pid: "; ".join(d[INCOMPLETE]) for pid, d in detail.items()
                                if INCOMPLETE in d}


def test_the_banner_names_the_forms_a_patients_only_csv_lacks(qtbot, qsettings, tmp_path):
    from her2desk.ui.main_window import MainWindow

    if not sample_study_path().exists():
        pytest.skip("sample not generated")
    ws = openpyxl.load_workbook(sample_study_path(), read_only=True)["Patients"]
    src = tmp_path / "patients.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in ws.iter_rows(max_row=31, values_only=True):
            writer.writerow(["" if v is None else v for v in row])
    window = MainWindow(settings_store=qsettings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.study_loaded, timeout=30000):
        window.open_study(src)
    text = window.banner.text()
    assert window.banner.kind == "warning"
    for form in ("Treatment", "Outcomes", "First-line MBC", "Rebiopsy"):
        assert f"No {form} form was found in the file" in text
    assert f"every patient is excluded as '{INCOMPLETE}'" in text
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=30000)
    window.runner.shutdown(5000)
