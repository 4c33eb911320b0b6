"""Column mapping: an unrecognised header mapped in the dialog is read as that field next time."""
import json
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.crf.headers import mapping_path  # noqa: E402
from her2desk.crf.reader import load_mapping, read_crf  # noqa: E402
from her2desk.ui.dialogs.column_mapping import IGNORE, ColumnMappingDialog  # noqa: E402

RENAMED = "Ki67 index"


@pytest.fixture
def study(tmp_path):
    path = study_factory.write_study(tmp_path / "study.xlsx", n=30)
    wb = openpyxl.load_workbook(path)
    ws = wb["Patients"]
    for row in ws.iter_rows(min_row=1, max_row=5):
        for c in row:
            if c.value == "Ki-67 (%)":
                c.value = RENAMED
    ws.cell(row=1, column=ws.max_column + 1, value="Zzqx notes")
    wb.save(path)
    return path


def test_mapping_is_saved_and_used(qtbot, study):
    crf = read_crf(study)
    unmatched = crf.unmatched_columns
    headers = [h for _, h in unmatched]
    assert RENAMED in headers
    assert crf.forms["patients"]["ki67_percent"].isna().all()

    dialog = ColumnMappingDialog(study, unmatched)
    qtbot.addWidget(dialog)
    choices = dialog.choices()
    sheet = next(s for s, h in unmatched if h == RENAMED)
    assert choices[f"{sheet}!{RENAMED}"] == "ki67_percent"     # suggest_field preselected
    assert all(v == IGNORE for k, v in choices.items() if not k.endswith(RENAMED)
               and not k.endswith("Ki-67"))
    path = dialog.save()
    assert path == mapping_path(study)
    saved = json.loads(path.read_text(encoding="utf-8"))["column_mapping"]
    assert saved[f"{sheet}!{RENAMED}"] == "ki67_percent"
    assert load_mapping(study)[f"{sheet}!{RENAMED}"] == "ki67_percent"

    again = read_crf(study)
    assert RENAMED not in [h for _, h in again.unmatched_columns]
    assert again.forms["patients"]["ki67_percent"].notna().sum() == 30
    assert again.unmatched_columns == []        # the ignored column is no longer reported


def test_mapping_keeps_other_keys_and_user_choice(qtbot, study):
    target = mapping_path(study)
    target.write_text(json.dumps({"settings": {"cutoff": "2022-12-31"}}), encoding="utf-8")
    crf = read_crf(study)
    dialog = ColumnMappingDialog(study, crf.unmatched_columns)
    qtbot.addWidget(dialog)
    dialog.set_choice(RENAMED, "er_percent")
    dialog.save()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["settings"] == {"cutoff": "2022-12-31"}
    assert list(data["column_mapping"].values()).count("er_percent") == 1


def test_window_banner_and_menu(qtbot, qsettings, study, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from her2desk.ui.main_window import MainWindow

    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.study_loaded, timeout=30000):
        w.open_study(study)
    assert "not recognised" in w.banner.text() and "Map columns" in w.banner.text()
    assert w.map_columns_action.text().replace("&", "") == "Map columns…"
    seen = {}

    def fake_exec(self):
        seen["n"] = len(self.unmatched)
        self.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("her2desk.ui.dialogs.column_mapping.ColumnMappingDialog.exec", fake_exec)
    with qtbot.waitSignal(w.study_loaded, timeout=30000):
        w.banner.label.linkActivated.emit("map-columns")
    assert seen["n"] == 2
    assert w.loaded.crf.forms["patients"]["ki67_percent"].notna().sum() == 30
    w.runner.shutdown(5000)
