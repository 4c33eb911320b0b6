"""The Data tab shows the workbook: each coded cell reads as the workbook's own cell, sheets
are named as the workbook names them, and rows carry Excel's row numbers (Validation's)."""
import numpy as np
import openpyxl
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from her2desk.crf import codebook as cb
from her2desk.resources import sample_study_path
from her2desk.ui.models.dataframe_model import DataFrameTableModel, RawRole
from her2desk.ui.panels.data_panel import DataPanel, sheet_titles

D, TIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(sample_study_path(), read_only=True, data_only=True)


@pytest.fixture
def panel(qtbot, sample_study):
    p = DataPanel()
    qtbot.addWidget(p)
    p.set_results(sample_study)
    return p


def _show(panel, form):
    panel.form_choice.setCurrentIndex(panel.form_choice.findData(form))
    return panel.table.model


def _headers(ws):
    """Excel row of the header line and {header text: column number} of a template sheet."""
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=6, values_only=True), start=1):
        if "Patient ID" in row:
            return r, {str(v): c for c, v in enumerate(row, start=1) if v is not None}
    raise AssertionError(f"no header row in {ws.title}")


def test_every_coded_cell_reads_as_the_workbook_writes_it(panel, workbook):
    checked = 0
    for form in cb.FORMS:
        model = _show(panel, form)
        frame = model.dataframe
        if frame.empty:
            continue
        ws = workbook[frame["_sheet"].iloc[0]]
        _, columns = _headers(ws)
        cells = {r: row for r, row in enumerate(ws.iter_rows(values_only=True), start=1)}
        for field in cb.fields_of(form):
            if field.type != cb.CODE or field.name not in frame.columns:
                continue
            j = frame.columns.get_loc(field.name)
            c = columns[field.header]
            for i in range(len(frame)):
                excel_row = int(model.headerData(i, Qt.Orientation.Vertical, D))
                line = cells[excel_row]
                written = line[c - 1] if c <= len(line) else None   # read-only rows end at their last value
                shown = model.data(model.index(i, j), D)
                if written is None:
                    assert shown == ""
                    continue
                assert shown == str(written), (form, field.name, excel_row)
                raw = model.data(model.index(i, j), RawRole)
                if raw is not None and raw != written:   # a code shown as its label: code in the tooltip
                    assert f"Code: {raw}" in model.data(model.index(i, j), TIP)
                checked += 1
    assert checked > 2000


def test_the_surgery_code_is_its_label_with_the_code_in_the_tooltip(panel):
    model = _show(panel, "treatment")
    frame = model.dataframe
    j = frame.columns.get_loc("surgery_type")
    i = int(np.flatnonzero(frame["surgery_type"].astype(object) == "bcs")[0])
    assert model.data(model.index(i, j), D) == "Breast-conserving surgery"
    assert model.data(model.index(i, j), RawRole) == "bcs"
    assert model.data(model.index(i, j), TIP) == "Code: bcs"
    model = _show(panel, "outcomes")
    j = model.dataframe.columns.get_loc("vital_status")
    shown = {model.data(model.index(i, j), D) for i in range(model.rowCount())}
    assert shown - {""} == {cb.field("vital_status").code_labels()[c] for c in ("alive", "dead")}


def test_row_headers_are_excel_rows_the_numbers_validation_gives(panel, sample_study, workbook):
    model = _show(panel, "patients")
    frame = model.dataframe
    header_row, columns = _headers(workbook["Patients"])
    ids = {r: row[columns["Patient ID"] - 1]
           for r, row in enumerate(workbook["Patients"].iter_rows(values_only=True), start=1)}
    for i in (0, 1, len(frame) - 1):
        excel_row = int(model.headerData(i, Qt.Orientation.Vertical, D))
        assert excel_row == frame["_row"].iloc[i] and str(ids[excel_row]) == str(frame["patient_id"].iloc[i])
    assert int(model.headerData(0, Qt.Orientation.Vertical, D)) == header_row + 1
    # Every finding on this sheet tints the cell of the row headed by the finding's row.
    findings = [f for f in sample_study.validation.findings if f.sheet == "Patients" and f.row is not None]
    assert findings
    rows = {int(model.headerData(i, Qt.Orientation.Vertical, D)): i for i in range(model.rowCount())}
    for f in findings:
        column = f.field if f.field in frame.columns else "patient_id"
        index = model.index(rows[f.row], frame.columns.get_loc(column))
        assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None, (f.row, f.field)
    # Sorted, a row keeps its Excel number.
    j = frame.columns.get_loc("patient_id")
    model.sort(j, Qt.SortOrder.DescendingOrder)
    top = model.data(model.index(0, j), D)
    assert str(ids[int(model.headerData(0, Qt.Orientation.Vertical, D))]) == top


def test_sheets_are_named_as_the_workbook_names_them(panel, workbook):
    shown = [panel.form_choice.itemText(i).rsplit(" (", 1)[0] for i in range(panel.form_choice.count())]
    assert shown == [s for s in workbook.sheetnames if s in cb.FORMS.values()]
    assert "First-line MBC" in shown and "first_line" not in shown


def test_forms_of_one_flat_sheet_say_which_form_they_are():
    one = pd.DataFrame({"_sheet": ["Export", "Export"], "_row": [2, 3]})
    titles = sheet_titles({"patients": one, "treatment": one, "rebiopsy": pd.DataFrame({"_sheet": ["随访"]}),
                           "first_line": pd.DataFrame()})
    assert titles == {"patients": "Export — Patients", "treatment": "Export — Treatment",
                      "rebiopsy": "随访", "first_line": "First-line MBC"}


def test_labelled_cells_filter_and_sort_by_what_they_show(qtmodeltester):
    frame = pd.DataFrame({"surgery_type": ["mastectomy", "bcs", None, "odd code"], "_row": [5, 6, 7, 9.0]})
    labels = {"surgery_type": {"bcs": "Breast-conserving surgery", "mastectomy": "Mastectomy"}}
    model = DataFrameTableModel(frame, value_labels=labels, row_header="_row")
    qtmodeltester.check(model)
    shown = [model.data(model.index(i, 0), D) for i in range(4)]
    assert shown == ["Mastectomy", "Breast-conserving surgery", "", "odd code"]
    assert model.data(model.index(3, 0), TIP) is None          # an unknown code is shown as written
    assert [model.headerData(i, Qt.Orientation.Vertical, D) for i in range(4)] == ["5", "6", "7", "9"]
    index = model.text_index()
    assert index.mask("conserving").tolist() == [False, True, False, False]
    assert index.mask("bcs").tolist() == [False, True, False, False]    # the code still finds it
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [model.data(model.index(i, 0), D) for i in range(4)] == [
        "Breast-conserving surgery", "Mastectomy", "odd code", ""]
    assert model.headerData(0, Qt.Orientation.Vertical, D) == "6"
    assert model.data(model.index(0, 0), RawRole) == "bcs"


def test_export_table_writes_the_workbook_labels_not_the_codes(panel, workbook, tmp_path):
    """Ctrl+E on the Data tab writes what it shows: each coded cell as the sample workbook
    holds it (its drop-down label), under the workbook's own column headers."""
    from her2desk.report.files import write_table

    model = _show(panel, "treatment")
    out = write_table(tmp_path / "treatment.xlsx", panel.export_frame())
    ws_out = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    exported = list(ws_out.iter_rows(values_only=True))
    header = list(exported[0])
    frame = model.dataframe
    ws = workbook[frame["_sheet"].iloc[0]]
    _, columns = _headers(ws)
    cells = {r: row for r, row in enumerate(ws.iter_rows(values_only=True), start=1)}
    assert header[header.index("Excel row")] == "Excel row" and "surgery_type" not in header
    checked = labelled = 0
    for field in cb.fields_of("treatment"):
        if field.type != cb.CODE or field.header not in header:
            continue
        k, c = header.index(field.header), columns[field.header]
        for line in exported[1:]:
            excel_row = int(line[header.index("Excel row")])
            written = cells[excel_row][c - 1] if c <= len(cells[excel_row]) else None
            assert line[k] == written, (field.name, excel_row)
            checked += 1
            labelled += written == "Breast-conserving surgery"
    assert checked > 100 and labelled > 0
    assert "bcs" not in {v for line in exported[1:] for v in line}
