"""File ▸ Print…: the tab's figures (journal export at the page width) and its table, paged on a
QPrinter; offscreen the printer writes a PDF, so no dialog is shown."""
import re
import subprocess
import shutil

import pytest
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from her2desk.resources import sample_study_path
from her2desk.ui.main_window import MainWindow
from her2desk.ui.printing import current_printout, paint_pages, print_current


@pytest.fixture
def window(qtbot, qsettings):
    path = sample_study_path()
    if not path.exists():
        pytest.skip("sample not generated")
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.open_study(path)
    yield w
    w.runner.shutdown(5000)


def _pdf_printer(path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(300)
    return printer


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_survival_tab_prints_its_figures_then_its_table(window, tmp_path):
    window.tabs.setCurrentWidget(window.panels["Survival"])
    figures, table = current_printout(window)
    assert figures and window.panels["Survival"].plot in figures
    assert table is not None and table.title
    out = tmp_path / "survival.pdf"
    pages = print_current(window, _pdf_printer(out), preview=False)
    assert pages == len(figures) + 1
    assert _pages(out.read_bytes()) == pages
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert table.title.split()[0] in text and table.rows[0].texts[0] in text


def test_a_long_table_flows_over_pages(qapp, tmp_path):
    from her2desk.report.shown_table import ShownTable

    table = ShownTable.from_rows("Patients", ["ID", "Age", "HR status"],
                                 [(f"P{i:04d}", 40 + i % 30, "HR+/HER2+") for i in range(400)],
                                 ["400 rows."])
    out = tmp_path / "long.pdf"
    pages = paint_pages(_pdf_printer(out), [], table)
    assert pages > 5 and _pages(out.read_bytes()) == pages
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "P0000" in text and "P0399" in text and "400 rows." in text


def test_the_print_action_opens_a_preview_that_renders_pages(window, qtbot, monkeypatch, tmp_path):
    window.tabs.setCurrentWidget(window.panels["Baseline"])
    drawn = {}

    def fake_exec(dialog):
        # what the preview does when shown: ask for the pages on its printer
        printer = _pdf_printer(tmp_path / "preview.pdf")
        dialog.paintRequested.emit(printer)
        drawn["pages"] = _pages((tmp_path / "preview.pdf").read_bytes())
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    window.print_action.trigger()
    assert drawn["pages"] >= 1
    assert isinstance(window.print_preview, QPrintPreviewDialog)
