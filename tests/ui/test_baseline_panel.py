"""Baseline tab: the manuscript table of a small hand-made cohort whose numbers are known."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from scipy import stats

from her2desk.analysis.tables import baseline_table
from her2desk.ui.models.report_table_model import HasPatientsRole
from her2desk.ui.panels.baseline_panel import BaselinePanel, describe_level, pretty_group

HR_POS, HR_NEG = "HR+/HER2+", "HR-/HER2+"


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    # 8 HR+ (Ki-67 >30%: 6 of 8) and 4 HR- (1 of 4) eligible patients, plus one excluded.
    rows = []
    hr_pos_ages = [40, 42, 44, 46, 50, 52, 54, 60]
    for i, age in enumerate(hr_pos_ages):
        rows.append(dict(patient_id=f"A{i + 1:02d}", eligible=True, hr_status=HR_POS,
                         er_pr_subgroup="ER+/PR+" if i < 5 else "ER+/PR-",
                         ki67_group=">30%" if i < 6 else "<=30%", age_at_diagnosis=float(age)))
    for i, age in enumerate([55, 61, 65, 70]):
        rows.append(dict(patient_id=f"B{i + 1:02d}", eligible=True, hr_status=HR_NEG,
                         er_pr_subgroup="ER-/PR-", ki67_group=">30%" if i == 0 else "<=30%",
                         age_at_diagnosis=float(age)))
    rows.append(dict(patient_id="X01", eligible=False, hr_status=None, er_pr_subgroup=None,
                     ki67_group=">30%", age_at_diagnosis=33.0))
    return pd.DataFrame(rows)


@pytest.fixture
def panel(qtbot, cohort):
    table = baseline_table(cohort, "table1")
    results = SimpleNamespace(tables={"table1": table}, grouping="hr_status",
                              settings=SimpleNamespace(include_unknown_in_test=False))
    p = BaselinePanel()
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.set_results(results, cohort=cohort)
    p.show()
    qtbot.waitExposed(p)
    return p


def _row(model, variable, level=None) -> int:
    r = model.find_row(lambda row: row.key == (variable, level))
    assert r >= 0, (variable, level)
    return r


def test_headers_counts_and_continuous_rows(panel):
    model = panel.table.model
    assert panel.is_showing_contents()
    assert model.headers() == ["Characteristic", "HR+/HER2+ (n = 8)", "HR−/HER2+ (n = 4)",
                               "Total (n = 12)", "P"]
    # Two-line header on screen, one line in copies.
    assert model.headerData(1, Qt.Orientation.Horizontal) == "HR+/HER2+\n(n = 8)"
    r = _row(model, "ki67_group", ">30%")
    assert [model.index(r, c).data() for c in range(5)] == ["    >30%", "6 (75.0)", "1 (25.0)",
                                                            "7 (58.3)", ""]
    r = _row(model, "ki67_group", "<=30%")
    assert model.index(r, 0).data() == "    ≤30%"
    assert model.index(r, 2).data() == "3 (75.0)"
    header = _row(model, "ki67_group")
    assert model.index(header, 0).data() == "Ki-67, n (%)ᵃ"
    assert model.index(header, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(header, 1).data() == ""
    age = _row(model, "age_at_diagnosis")
    assert [model.index(age, c).data() for c in range(4)] == [
        "Age at diagnosis (years), median (range)", "48 (40–60)", "63 (55–70)", "53 (40–70)"]


def test_p_cell_names_the_test_and_why(panel):
    model = panel.table.model
    header = _row(model, "ki67_group")
    p_index = model.index(header, 4)
    expected = stats.fisher_exact([[6, 2], [1, 3]]).pvalue
    assert p_index.data() == f"{expected:.3f}"
    tip = p_index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Fisher's exact test: 4 of 4 cells have expected count < 5.")
    assert f"P = {expected:.4g}" in tip
    age = _row(model, "age_at_diagnosis")
    mwu = stats.mannwhitneyu([40, 42, 44, 46, 50, 52, 54, 60], [55, 61, 65, 70],
                             alternative="two-sided", method="asymptotic").pvalue
    assert model.index(age, 4).data() == f"{mwu:.3f}"
    assert "Mann–Whitney U" in model.index(age, 4).data(Qt.ItemDataRole.ToolTipRole)
    # The footnotes under the table: the method and the per-row mark.
    notes = panel.table.notes_label.text()
    assert "Fisher's exact test when an expected count is below 5" in notes
    assert "ᵃ Fisher's exact test." in notes


def test_copy_as_tab_separated_text(panel, qtbot):
    clipboard = QApplication.clipboard()
    clipboard.clear()
    panel.table.copy_button.click()
    lines = clipboard.text().splitlines()
    assert lines[0] == "Table 1. Baseline characteristics"
    assert lines[1] == "Characteristic\tHR+/HER2+ (n = 8)\tHR−/HER2+ (n = 4)\tTotal (n = 12)\tP"
    assert "    >30%\t6 (75.0)\t1 (25.0)\t7 (58.3)\t" in lines
    assert "Age at diagnosis (years), median (range)\t48 (40–60)\t63 (55–70)\t53 (40–70)\t" \
           f"{stats.mannwhitneyu([40, 42, 44, 46, 50, 52, 54, 60], [55, 61, 65, 70], method='asymptotic').pvalue:.3f}" \
           in lines
    table_lines = lines[1:1 + panel.table.model.rowCount() + 1]
    assert all(line.count("\t") == 4 for line in table_lines)
    assert "<table" in clipboard.mimeData().html() and "<b>Ki-67, n (%)ᵃ</b>" in clipboard.mimeData().html()
    # Ctrl+C in the table copies the same text.
    clipboard.clear()
    panel.table.view.setFocus()
    qtbot.keyClick(panel.table.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text().splitlines() == lines


def test_export_frame_is_the_table_shown(panel):
    frame = panel.export_frame()
    assert list(frame.columns) == ["Characteristic", "HR+/HER2+ (n = 8)", "HR−/HER2+ (n = 4)",
                                   "Total (n = 12)", "P"]
    row = frame[frame["Characteristic"] == "    >30%"].iloc[0]
    assert row["HR+/HER2+ (n = 8)"] == "6 (75.0)"


def test_double_click_a_count_lists_its_patients(panel, qtbot):
    model, view = panel.table.model, panel.table.view
    r = _row(model, "ki67_group", ">30%")
    index = model.index(r, 1)
    assert index.data(HasPatientsRole)
    pos = view.visualRect(index).center()
    # As a user does it: the first click selects, the second makes it a double-click.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    dialog = panel.last_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.heading == "HR+/HER2+, Ki-67 >30%: 6 patients"
    assert dialog.patient_ids == ["A01", "A02", "A03", "A04", "A05", "A06"]
    frame = dialog.frame
    assert list(frame["patient_id"]) == dialog.patient_ids
    assert set(frame["ki67_group"]) == {">30%"} and set(frame["hr_status"]) == {HR_POS}
    # The total column counts every group; the excluded patient X01 is not among them.
    assert panel.table.request_patients(model.index(r, 3))
    assert panel.last_dialog.patient_ids == ["A01", "A02", "A03", "A04", "A05", "A06", "B01"]
    assert panel.last_dialog.heading == "All eligible patients, Ki-67 >30%: 7 patients"
    # A variable header row is not a count.
    assert not panel.table.request_patients(model.index(_row(model, "ki67_group"), 1))
    dialog.close()


def test_grouping_change_recomputes_in_the_background(panel, qtbot):
    box = panel.grouping_box
    assert [box.itemData(i) for i in range(box.count())] == ["hr_status", "er_pr_subgroup"]
    with qtbot.waitSignal(panel.grouping_ready, timeout=20000) as blocker:
        box.setCurrentIndex(box.findData("er_pr_subgroup"))
        # Started, not done: the window keeps responding meanwhile.
        assert panel.runner.is_busy("baseline")
        assert not panel.table.view.isEnabled()
        assert "ER/PR subgroup" in panel.status.text()
    assert blocker.args == ["er_pr_subgroup"]
    model = panel.table.model
    assert model.headers() == ["Characteristic", "ER+/PR+ (n = 5)", "ER+/PR− (n = 3)",
                               "ER−/PR− (n = 4)", "Total (n = 12)", "P"]
    r = _row(model, "ki67_group", ">30%")
    assert [model.index(r, c).data() for c in range(1, 5)] == ["5 (100.0)", "1 (33.3)", "1 (25.0)",
                                                               "7 (58.3)"]
    assert panel.table.view.isEnabled() and panel.status.text() == ""
    assert "compared by ER/PR subgroup" in panel.table.subtitle_label.text()
    # Counts now trace to the ER/PR groups.
    assert panel.table.request_patients(model.index(r, 2))
    assert panel.last_dialog.heading == "ER+/PR−, Ki-67 >30%: 1 patient"
    assert panel.last_dialog.patient_ids == ["A06"]
    panel.last_dialog.close()
    # Back to HR status: already computed, shown at once.
    with qtbot.waitSignal(panel.grouping_ready, timeout=1000):
        box.setCurrentIndex(box.findData("hr_status"))
    assert model.headers()[1] == "HR+/HER2+ (n = 8)"


def test_clear_and_words():
    assert pretty_group("HR-/HER2+") == "HR−/HER2+" and pretty_group("ER+/PR-") == "ER+/PR−"
    assert describe_level("Ki-67", "<=30%") == "Ki-67 ≤30%"
    assert describe_level("Menopausal status", "Premenopausal") == "Menopausal status = Premenopausal"


def test_no_results_shows_message(qtbot):
    p = BaselinePanel()
    qtbot.addWidget(p)
    assert not p.is_showing_contents()
    assert p.export_frame() is None


def test_window_fills_baseline_and_first_line_tabs(qtbot, qsettings, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import study_factory
    from her2desk.ui.main_window import MainWindow

    study = study_factory.write_study(tmp_path / "study.xlsx", n=60)
    window = MainWindow(settings_store=qsettings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.results_ready, timeout=30000):
        window.open_study(study)
    baseline = window.panels["Baseline"]
    assert baseline.is_showing_contents() and baseline.cohort is window.loaded.cohort
    # The factory alternates HR+ and HR-; P004 (HR-) is excluded as HER2-negative, and
    # P006 (HR-) as incomplete: validation masks her diagnosis date in 2030.
    assert baseline.table.model.headers()[1:4] == ["HR+/HER2+ (n = 30)", "HR−/HER2+ (n = 28)",
                                                   "Total (n = 58)"]
    window.tabs.setCurrentWidget(baseline)
    assert list(window.current_panel().export_frame().columns)[1] == "HR+/HER2+ (n = 30)"
    first_line = window.panels["First-line & conversion"]
    assert first_line.is_showing_contents()
    # No factory patient has MBC: the tab says so instead of showing an empty table.
    assert "No eligible patient has metastatic breast cancer" in first_line.table4.subtitle_label.text()
    eligibility = window.panels["Eligibility"]
    assert eligibility.flowchart.box_text("eligible") == "Eligible (n = 58)"
    window.runner.shutdown(5000)
