"""A workbook in which every row is invalid still gives a clean run: findings, no crash, no writes."""
import hashlib

import openpyxl

from her2desk.cli import main


def test_every_row_invalid(tmp_path, capsys):
    path = tmp_path / "all_bad.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["patient_id", "sex", "diagnosis_date", "er_percent", "her2_ihc"])
    for i in range(5):
        ws.append([f"P{i}", "X", "not a date", "lots", "9+"])
    wb.save(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Sex 'X' is not one of the allowed values" in out
    assert "not a date" in out

    assert main(["cohort", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Admitted: 5" in out and "Eligible: 0" in out

    assert main(["report", str(path), "--out", str(tmp_path / "r"), "--no-figures"]) == 0
    assert (tmp_path / "r" / "results.json").exists()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
