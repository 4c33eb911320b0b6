"""The command line: exit codes, one-sentence errors, and the source file left untouched."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from her2desk.cli import main
from her2desk.resources import sample_study_path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_template_writes_every_form(tmp_path, capsys):
    out = tmp_path / "crf.xlsx"
    assert main(["template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert {"Patients", "Treatment", "Outcomes", "Codebook", "Instructions"} <= set(wb.sheetnames)


def test_cohort_json(tmp_path, capsys):
    src = sample_study_path()
    if not src.exists():
        pytest.skip("sample not generated")
    before = sha(src)
    out = tmp_path / "cohort.json"
    assert main(["cohort", str(src), "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["cohort"]["admitted"] == 3012 and data["cohort"]["eligible"] == 828
    assert data["cohort"]["groups"] == {"HR+/HER2+": 466, "HR-/HER2+": 362}
    assert data["settings"]["cutoff"] == "2022-12-31"
    assert "Eligible: 828" in capsys.readouterr().out
    assert sha(src) == before


def test_cohort_settings_flags_change_the_cohort(tmp_path, capsys):
    src = sample_study_path()
    if not src.exists():
        pytest.skip("sample not generated")
    out = tmp_path / "cohort.json"
    assert main(["cohort", str(src), "--enrol-to", "2016-12-31", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["settings"]["enrol_to"] == "2016-12-31"
    assert data["cohort"]["excluded"]["Admitted outside the enrolment window"] > 0
    assert data["cohort"]["eligible"] < 828


def test_validate_exports_findings(tmp_path, capsys):
    src = sample_study_path()
    if not src.exists():
        pytest.skip("sample not generated")
    out = tmp_path / "findings.xlsx"
    assert main(["validate", str(src), "--out", str(out)]) == 0
    assert "errors" in capsys.readouterr().out
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.max_row > 1


@pytest.mark.parametrize("content,name", [
    (b"", "empty.xlsx"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "picture.xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "locked.xlsx"),
    (b"just some words\n", "notes.txt"),
])
def test_bad_files_give_one_sentence_and_exit_1(tmp_path, capsys, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    before = sha(path)
    assert main(["cohort", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("her2desk: ") and "Traceback" not in err and len(err.splitlines()) == 1
    assert sha(path) == before


def test_directory_and_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 1
    assert main(["report", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nope.xlsx" in err


def test_bad_setting_is_refused(capsys):
    src = sample_study_path()
    assert main(["cohort", str(src), "--enrol-from", "2020-01-01", "--enrol-to", "2019-01-01"]) == 1
    assert "enrolment window" in capsys.readouterr().err


def test_module_entry_point_reports_version():
    out = subprocess.run([sys.executable, "-m", "her2desk", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("her2desk ")


def test_report_writes_tables_json_and_figures(tmp_path, capsys):
    src = sample_study_path()
    if not src.exists():
        pytest.skip("sample not generated")
    before = sha(src)
    out = tmp_path / "report"
    assert main(["report", str(src), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert "Figures" in wb.sheetnames and len(wb["Figures"]._images) >= 4
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["source"]["sha256"] == before == sha(src)
    assert data["cohort"]["eligible"] == 828
    from docx import Document

    doc = Document(out / "report.docx")
    assert len(doc.inline_shapes) == len(wb["Figures"]._images)


def test_report_no_docx_leaves_word_out(tmp_path):
    src = sample_study_path()
    if not src.exists():
        pytest.skip("sample not generated")
    out = tmp_path / "report"
    assert main(["report", str(src), "--out", str(out), "--no-docx", "--no-figures"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.xlsx", "results.json"]


def test_usage_mistakes_are_one_sentence_and_exit_1(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["cohort", "x.xlsx", "--cutoff", "31/12/2022"])
    assert stop.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "write it as 2022-12-31" in err


def test_template_never_replaces_a_file_unless_asked(tmp_path, capsys):
    out = tmp_path / "crf.xlsx"
    out.write_bytes(b"a coordinator's filled workbook")
    assert main(["template", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"a coordinator's filled workbook"
    assert main(["template", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Patients"


def test_findings_must_go_to_an_xlsx(tmp_path, capsys):
    src = sample_study_path()
    assert main(["validate", str(src), "--out", str(tmp_path / "f.csv")]) == 1
    assert "ending in .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "f.csv").exists()


def test_cutoff_before_the_end_of_enrolment_is_refused(capsys):
    src = sample_study_path()
    assert main(["report", str(src), "--cutoff", "2015-01-01", "--out", "unused"]) == 1
    assert "before the enrolment window closes" in capsys.readouterr().err


def test_cohort_json_names_the_fields_behind_each_exclusion(tmp_path, capsys):
    src = sample_study_path()
    if not src.exists():
        pytest.skip("sample not generated")
    out = tmp_path / "cohort.json"
    assert main(["cohort", str(src), "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    detail = data["excluded_detail"]
    assert all(isinstance(reasons, dict) and all(
        isinstance(fields, list) and fields and all(isinstance(f, str) for f in fields)
        for fields in reasons.values()) for reasons in detail.values())
    for label, n in data["cohort"]["excluded"].items():
        assert sum(label in reasons for reasons in detail.values()) == n, label
    incomplete = [r["Incomplete clinical information"] for r in detail.values()
                  if "Incomplete clinical information" in r]
    assert {f for fields in incomplete for f in fields} <= {
        "sex", "admission_date", "diagnosis_date", "surgery_type", "surgery_date",
        "last_followup_date", "vital_status", "death_date"}
    assert data["missing_forms"] == []


def _patients_only_csv(tmp_path: Path, n: int = 40) -> Path:
    import csv

    ws = openpyxl.load_workbook(sample_study_path(), read_only=True)["Patients"]
    path = tmp_path / "patients.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in ws.iter_rows(max_row=n + 1, values_only=True):
            writer.writerow(["" if v is None else v for v in row])
    return path


def test_a_patients_only_csv_names_the_missing_forms(tmp_path, capsys):
    if not sample_study_path().exists():
        pytest.skip("sample not generated")
    src = _patients_only_csv(tmp_path)
    out = tmp_path / "cohort.json"
    assert main(["cohort", str(src), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    for form in ("Treatment", "Outcomes", "First-line MBC", "Rebiopsy"):
        assert f"No {form} form was found in the file" in text
    assert "every patient is excluded as 'Incomplete clinical information'" in text
    assert "Eligible: 0" in text
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["missing_forms"] == ["treatment", "outcomes", "first_line", "rebiopsy"]
    assert main(["validate", str(src)]) == 0
    assert "No Outcomes form was found in the file" in capsys.readouterr().out
