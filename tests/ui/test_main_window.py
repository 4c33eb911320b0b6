import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from her2desk.ui.main_window import TAB_TITLES, MainWindow, versions_text

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def study_file(tmp_path_factory):
    return study_factory.write_study(tmp_path_factory.mktemp("study") / "study.xlsx", n=120)


def _mime(*paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _drop(widget, mime):
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    widget.dragEnterEvent(enter)
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(drop)
    return enter, drop


def test_tabs_and_shortcuts(window, qtbot):
    assert [window.tabs.tabText(i).replace("&&", "&") for i in range(window.tabs.count())] == list(TAB_TITLES)
    assert window.tabs.tabText(7) == "First-line && conversion"  # shown as '&', not a mnemonic
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == len(TAB_TITLES) - 1
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Data"
    assert window.export_table_action.shortcut().toString() == "Ctrl+E"
    assert window.open_action.shortcut().toString() == "Ctrl+O"


def test_dropping_a_non_spreadsheet_is_refused_inline(window, tmp_path):
    pdf = tmp_path / "protocol.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    enter, drop = _drop(window, _mime(pdf))
    assert enter.isAccepted()  # accepted so that the refusal can be explained on drop
    assert window.banner.isVisible() and window.banner.kind == "error"
    assert window.banner.text() == ("protocol.pdf is not a CRF workbook: her2desk opens .xlsx, .xlsm, "
                                    ".xls, .csv or .tsv files.")
    assert not window.overlay.isVisible()
    assert not window.runner.is_busy() and window.loaded is None


def test_drag_shows_the_drop_cue(window, tmp_path):
    mime = _mime(tmp_path / "study.xlsx")
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert window.overlay.isVisible() and window.overlay.accepting
    assert window.overlay.text == "Drop the CRF workbook to open it"
    assert window.overlay.geometry() == window.centralWidget().rect()
    window.dragLeaveEvent(None)
    assert not window.overlay.isVisible()


def test_open_study_runs_in_background_and_fills_tabs(window, qtbot, study_file, qsettings):
    with qtbot.waitSignal(window.study_loaded, timeout=30000):
        assert window.open_study(study_file)
        # returns at once: the work is on a pool thread and the status bar shows progress
        assert window.loaded is None and window.runner.is_busy("load")
        assert window.panels["Data"].message.text() == "Opening study.xlsx…"
        assert window.cancel_button.isVisibleTo(window)
    assert window.counts_label.text() == "120 patients · 117 eligible · 43 errors · 116 warnings"
    assert window.banner.kind == "warning" and "Validation tab" in window.banner.text()
    data = window.panels["Data"]
    assert data.is_showing_contents() and data.table.model.rowCount() == 120
    model = data.table.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Diagnosis date" in headers
    col = headers.index("Diagnosis date")
    row = list(model.dataframe["patient_id"]).index("P006")
    assert model.index(row, col).data() == "2030-01-01"
    assert "in the future" in model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, col).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#ffd2d2"
    elig = window.panels["Eligibility"].table
    elig.choice.setCurrentText("HER2-negative or HER2 status unknown")
    assert elig.proxy.rowCount() == 1 and elig.proxy.index(0, 0).data() == "P004"
    validation = window.panels["Validation"]
    assert validation.table.model.rowCount() == 159
    validation.severity.setCurrentText("Errors only")
    assert validation.table.proxy.rowCount() == 43
    with qtbot.waitSignal(window.results_ready, timeout=30000):
        pass
    survival = window.panels["Survival"]
    assert survival.is_showing_contents()
    assert survival.choice.count() >= 6
    assert survival.plot.curves and survival.plot.legend.items
    neo = window.panels["Neoadjuvant"]
    assert neo.pcr_chart.bars and neo.grade_chart.bars
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    assert not window.cancel_button.isVisibleTo(window)
    assert window.recent_files() == [str(study_file.resolve())]
    assert qsettings.value("recent_files") == [str(study_file.resolve())]
    assert window.windowTitle() == "study.xlsx — her2desk"


def test_export_table_of_the_current_page(window, qtbot, study_file, tmp_path):
    with qtbot.waitSignal(window.study_loaded, timeout=30000):
        window.open_study(study_file)
    window.tabs.setCurrentWidget(window.panels["Validation"])
    window.panels["Validation"].severity.setCurrentText("Errors only")
    out = tmp_path / "errors.csv"
    window.export_table(str(out))
    qtbot.waitUntil(out.exists, timeout=10000)
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert len(frame) == 43 and set(frame["severity"]) == {"error"}


def test_unreadable_workbook_gives_a_sentence_not_a_crash(window, qtbot, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a zip file")
    window.open_study(bad)
    qtbot.waitUntil(lambda: window.banner.isVisible() and window.banner.kind == "error", timeout=10000)
    assert window.banner.text().startswith("broken.xlsx could not be opened.")
    assert "Traceback" not in window.banner.text()
    window.open_study(tmp_path / "missing.xlsx")
    assert window.banner.text() == (f"There is no file at {tmp_path / 'missing.xlsx'}; it may have "
                                    f"been moved or renamed.")


def test_cancel_stops_loading(window, qtbot, study_file):
    window.open_study(study_file)
    window.cancel_work()
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    assert window.loaded is None


def test_geometry_saved(window, qsettings):
    window.resize(900, 650)
    window.tabs.setCurrentIndex(4)
    window.close()
    assert not qsettings.value("window/geometry").isEmpty()
    assert int(qsettings.value("window/tab")) == 4


def test_versions_without_importing_lifelines():
    code = ("import sys; sys.path.insert(0, %r); from her2desk.ui import main_window as m; "
            "text = m.versions_text(); print('lifelines' in sys.modules, 'scipy' in sys.modules); print(text)"
            % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
                              "PYTHONDONTWRITEBYTECODE": "1"})   # no .pyc in the checkout
    first, *rest = out.stdout.splitlines()
    assert first == "False False", out.stderr
    text = "\n".join(rest)
    assert "lifelines 0." in text and "Qt 6." in text and "Python 3." in text
    assert versions_text().splitlines()[0].startswith("her2desk ")


def _loaded_with_errors(eligible: dict[str, bool], errors: dict[str, set[str]]):
    from types import SimpleNamespace

    cohort = pd.DataFrame({"patient_id": list(eligible), "eligible": list(eligible.values())})
    validation = SimpleNamespace(errors_by_patient=lambda: errors)
    return SimpleNamespace(cohort=cohort, validation=validation)


def test_errors_only_in_excluded_patients_are_not_called_harmless():
    # P2 is excluded *because* of its unreadable date: fixing it may make P2 eligible.
    loaded = _loaded_with_errors({"P1": True, "P2": False, "P3": False},
                                 {"P2": {"diagnosis_date"}, "P3": {"death_date", "vital_status"}})
    text = MainWindow._errors_message(loaded, 3)
    assert text == ("3 cells need fixing in 2 excluded patients; fixing them may change who is "
                    "eligible. See the Validation tab.")
    assert "anyway" not in text and "not affected" not in text
    one = _loaded_with_errors({"P1": True, "P2": False}, {"P2": {"diagnosis_date"}})
    assert MainWindow._errors_message(one, 1) == (
        "1 cell needs fixing in 1 excluded patient; fixing it may change who is eligible. "
        "See the Validation tab.")
    # Errors without a patient ID (e.g. a row with no ID): no patient count to give.
    none = _loaded_with_errors({"P1": True}, {})
    assert MainWindow._errors_message(none, 2) == (
        "2 cells need fixing; fixing them may change who is eligible. See the Validation tab.")
    # Eligible patients with errors: the wording that says analyses lose them is kept.
    hit = _loaded_with_errors({"P1": True, "P2": False}, {"P1": {"ecog_ps"}, "P2": {"death_date"}})
    assert MainWindow._errors_message(hit, 2) == (
        "2 cells need fixing; 1 eligible patient has errors, so some of their analyses are left "
        "out: see the Validation tab.")


def test_sample_study_errors_message_names_the_eligible_patients_with_errors():
    import json

    from her2desk.cohort.loading import load_study
    from her2desk.resources import resource_path, sample_study_path

    path = sample_study_path()
    record = resource_path("sample_study_planted.json")
    if not path.exists() or record is None:
        pytest.skip("sample not generated")
    # the generator's record of what it planted, written beside the workbook
    planted_eligible = {e["patient_id"] for e in json.loads(record.read_text(encoding="utf-8"))
                        if e["eligible"]}
    assert planted_eligible
    loaded = load_study(path)
    cohort = loaded.cohort.set_index(loaded.cohort["patient_id"].astype(str))
    eligible = set(cohort.index[cohort["eligible"].fillna(False).astype(bool)])
    assert set(loaded.validation.errors_by_patient()) & eligible == planted_eligible
    n = loaded.validation.n_errors
    k = len(planted_eligible)
    assert MainWindow._errors_message(loaded, n) == (
        f"{n} cells need fixing; {k} eligible patient{'s' * (k != 1)} have errors, so some of "
        "their analyses are left out: see the Validation tab.")
