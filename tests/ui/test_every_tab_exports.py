"""Every page's table exports to a file a coordinator can open, and every table model is sound."""
import openpyxl
import pandas as pd
import pytest

from her2desk.resources import sample_study_path
from her2desk.ui.main_window import MainWindow
from her2desk.ui.models.report_table_model import ReportTableModel


@pytest.fixture(scope="module")
def study_file():
    path = sample_study_path()       # the sample has every kind of patient, MBC included
    if not path.exists():
        pytest.skip("sample not generated")
    return path


@pytest.fixture
def loaded_window(qtbot, qsettings, study_file):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.open_study(study_file)
    yield w
    w.runner.shutdown(5000)


def test_each_page_exports_its_table_to_xlsx(loaded_window, qtbot, tmp_path):
    window = loaded_window
    exported = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        frame = window.current_panel().export_frame()
        if frame is None:
            continue
        out = tmp_path / f"page{index}.xlsx"
        window.export_table(str(out))
        # generous: the 3,012-row eligibility table takes seconds on a busy two-core machine
        qtbot.waitUntil(out.exists, timeout=60000)
        qtbot.waitUntil(lambda: not window.runner.is_busy("export"), timeout=60000)
        shown = window.current_panel().shown_table()
        if shown is None:       # a data page: one header row, then its rows
            back = pd.read_excel(out, engine="openpyxl")
            assert list(back.columns) == [str(c) for c in frame.columns]
            assert len(back) == len(frame) > 0
        else:                   # a results page: title, two header rows, rows, footnotes
            ws = openpyxl.load_workbook(out).worksheets[0]
            assert ws.cell(1, 1).value == shown.title
            labels = [ws.cell(r, 1).value for r in range(4, 4 + len(shown.rows))]
            assert [str(v or "").strip() for v in labels] == [r.texts[0].strip() for r in shown.rows]
            assert len(shown.rows) == len(frame) > 0
        exported.append(window.tabs.tabText(index))
    # the data, validation, eligibility, baseline, neoadjuvant, survival, Cox and first-line pages
    assert len(exported) == window.tabs.count(), exported


def test_report_table_models_pass_qtmodeltester(loaded_window, qtmodeltester):
    window = loaded_window
    models = [v.model() for v in window.findChildren(type(window.panels["Data"].table.view))
              if isinstance(v.model(), ReportTableModel) and v.model().rowCount() > 0]
    assert models, "no manuscript table was filled"
    for model in models:
        qtmodeltester.check(model)


def test_study_report_export_from_the_window(loaded_window, qtbot, tmp_path):
    out = tmp_path / "report"
    loaded_window.export_report(str(out), overwrite=True)
    qtbot.waitUntil(lambda: (out / "results.json").exists() and (out / "report.xlsx").exists(),
                    timeout=60000)
    qtbot.waitUntil(lambda: not loaded_window.runner.is_busy("report"), timeout=60000)
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert {"Table 1", "Survival", "Cox", "Figures"} <= set(wb.sheetnames)
