"""Ctrl+E writes a results table with its title and footnotes, numbers as numbers, on a sheet
named after it; File ▸ Copy table puts every tab's table on the clipboard as HTML and TSV."""
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from her2desk.report.report_tables import P_FORMAT
from her2desk.report.shown_table import (SUPERSCRIPTS, ShownRow, ShownTable, orphan_markers,
                                         sheet_name, to_report_table)
from her2desk.resources import sample_study_path
from her2desk.ui.main_window import MainWindow

NUMERIC_TEXT = re.compile(r"^[<>]?-?\d+(\.\d+)?( ?%)?$|^-?\d+(\.\d+)? \(-?\d+(\.\d+)?\)$")


@pytest.fixture(scope="module")
def study_file():
    path = sample_study_path()
    if not path.exists():
        pytest.skip("sample not generated")
    return path


@pytest.fixture
def window(qtbot, qsettings, study_file):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.open_study(study_file)
    yield w
    w.runner.shutdown(5000)


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self._row = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._row.append("")

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._row:
            self._row[-1] += data


def _export_through_the_action(window, qtbot, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.export_table_action.trigger()
    qtbot.waitUntil(path.exists, timeout=60000)
    qtbot.waitUntil(lambda: not window.runner.is_busy("export"), timeout=60000)


def test_ctrl_e_writes_table_1_with_title_footnotes_and_numbers(window, qtbot, monkeypatch, tmp_path):
    window.tabs.setCurrentWidget(window.panels["Baseline"])
    shown = window.current_panel().shown_table()
    assert shown.title.startswith("Table 1") and shown.footnotes
    out = tmp_path / "table1.xlsx"
    _export_through_the_action(window, qtbot, monkeypatch, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Table 1"]
    ws = wb["Table 1"]
    assert ws.cell(1, 1).value == shown.title
    values = [c for row in ws.iter_rows(min_row=4) for c in row if c.value is not None]
    texts = [c.value for c in values if isinstance(c.value, str)]
    # every footnote is written under the table, so no ᵃ marker is left unexplained
    for note in shown.footnotes:
        assert note in texts
    markers = {ch for t in texts for ch in t if ch in SUPERSCRIPTS}
    assert markers and not orphan_markers(shown)
    notes_text = " ".join(shown.footnotes)
    assert all(m in notes_text for m in markers)
    # numbers are numbers: the paper's 466 HR+/HER2+ patients' counts, P values with their format
    numeric_text = [t for t in texts if NUMERIC_TEXT.match(t.strip())]
    numbers = [c for c in values if isinstance(c.value, (int, float))]
    assert len(numeric_text) < 0.02 * (len(numbers) + len(numeric_text)), numeric_text[:10]
    p_cells = [c for c in numbers if c.number_format == P_FORMAT]
    assert p_cells and all(0 <= c.value <= 1 for c in p_cells)
    header = [ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
    assert any(h and "(n = 466)" in str(h) for h in header)


def test_ctrl_e_on_every_results_tab_names_the_sheet_after_the_table(window, qtbot, monkeypatch,
                                                                     tmp_path):
    for name in ("Baseline", "Neoadjuvant", "Survival", "Cox"):
        panel = next(p for p in window.panels.values() if p.title == name or name in p.title)
        window.tabs.setCurrentWidget(panel)
        shown = panel.shown_table()
        out = tmp_path / f"{name}.xlsx"
        _export_through_the_action(window, qtbot, monkeypatch, out)
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames == [sheet_name(shown.title)] and wb.sheetnames[0] != "Sheet1"
        assert wb.worksheets[0].cell(1, 1).value == shown.title


def test_copy_table_on_every_tab_gives_html_and_tsv(window):
    clipboard = QApplication.clipboard()
    copied = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        panel = window.current_panel()
        if panel.export_frame() is None:
            continue
        clipboard.clear()
        window.copy_table_action.trigger()
        mime = clipboard.mimeData()
        assert mime.hasHtml() and mime.hasText(), window.tabs.tabText(index)
        parser = _Cells()
        parser.feed(mime.html())
        lines = mime.text().rstrip("\n").split("\n")
        frame = panel.export_frame()
        assert len(parser.rows) == len(frame) + 1            # header row + every row shown
        assert [" ".join(h.split()) for h in parser.rows[0]] == \
            [" ".join(str(c).split()) for c in frame.columns]
        header = "\t".join(" ".join(str(c).split("\n")) for c in frame.columns)
        assert lines.index(header) <= 1                   # under the title, one line per row
        assert len(lines) >= len(frame) + 1
        copied.append(window.tabs.tabText(index))
    assert len(copied) == window.tabs.count(), copied


def test_sheet_names_are_excel_safe():
    assert sheet_name("Table 1. Baseline characteristics") == "Table 1"
    assert sheet_name("Fig 4b. OS by HR status") == "Fig 4b"
    name = sheet_name("Kaplan–Meier: OS [all]/by HR? * " + "x" * 40)
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert sheet_name("") == "Table"


def test_shown_table_splits_numbers_and_keeps_the_exact_p():
    shown = ShownTable("T", ("Group", "n (%)", "HR (95 % CI)", "P"), (
        ShownRow(("A", "52 (11.2)", "0.66 (0.44–0.99)", "<0.001"), (None, 52, 0.66, 0.00042)),
        ShownRow(("B", "7 (3.0)", "Reference", "0.038"), (None, 7, None, 0.0381)),
    ))
    table = to_report_table(shown)
    assert [len(c.parts) for c in table.columns] == [0, 2, 3, 1]
    assert table.rows[0].cells[1].values == (52, 11.2)
    assert table.rows[0].cells[2].values == (0.66, 0.44, 0.99)
    assert table.rows[0].cells[3].values == (0.00042,)
    assert table.rows[1].cells[2].values == ("Reference", None, None)
    assert table.columns[3].parts[0].number_format == P_FORMAT
