"""The command line and the study's side file: refused values and unreadable files are one
sentence on stderr, the study still runs on defaults; bad flags are exit 1."""
import json
import sys
from pathlib import Path

import pytest

from her2desk.cli import main

sys.path.insert(0, str(Path(__file__).parent / "ui"))
import study_factory  # noqa: E402


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    return study_factory.write_study(tmp_path_factory.mktemp("cli") / "study.xlsx", n=40)


@pytest.fixture
def study(tmp_path, master):
    path = tmp_path / "study.xlsx"
    path.write_bytes(master.read_bytes())
    return path


def _cohort(study, capsys, *flags):
    out = study.parent / "cohort.json"
    code = main(["cohort", str(study), "--json", str(out), *flags])
    captured = capsys.readouterr()
    data = json.loads(out.read_text(encoding="utf-8")) if code == 0 else None
    return code, data, captured.err


def test_nan_in_the_side_file_is_refused_with_a_sentence(study, capsys):
    study.with_name("study.her2desk.json").write_text('{"settings": {"fish_threshold": NaN}}',
                                                      encoding="utf-8")
    code, data, err = _cohort(study, capsys)
    assert code == 0 and data["settings"]["fish_threshold"] == 2.2
    assert err == ("her2desk: The FISH ratio threshold (fish_threshold) NaN must be a HER2/CEP17 ratio "
                   "from 1 to 10, such as 2.2. In study.her2desk.json it was refused and 2.2 is used "
                   "instead.\n")


def test_a_number_written_as_text_is_accepted(study, capsys):
    study.with_name("study.her2desk.json").write_text('{"settings": {"fish_threshold": "2.5"}}',
                                                      encoding="utf-8")
    code, data, err = _cohort(study, capsys)
    assert (code, err) == (0, "") and data["settings"]["fish_threshold"] == 2.5


def test_a_truncated_side_file_is_set_aside_and_the_study_runs(study, capsys):
    side = study.with_name("study.her2desk.json")
    side.write_bytes(b'{"settings": {"cutoff": "20')
    code, data, err = _cohort(study, capsys)
    assert code == 0 and data["settings"]["cutoff"] == "2022-12-31"
    (kept,) = [p for p in study.parent.iterdir() if ".corrupt-" in p.name]
    assert kept.read_bytes() == b'{"settings": {"cutoff": "20' and not side.exists()
    assert err.count("\n") == 1 and kept.name in err and "Traceback" not in err
    # the next run is quiet: the bad file is out of the way
    assert _cohort(study, capsys)[2] == ""


@pytest.mark.parametrize("flag, value, words", [
    ("--fish-threshold", "nan", "The FISH ratio threshold (fish_threshold) NaN must be"),
    ("--fish-threshold", "inf", "The FISH ratio threshold (fish_threshold) inf must be"),
    ("--cutoff", "2010-01-01", "The data cutoff 2010-01-01 is before the enrolment window closes"),
])
def test_a_refused_flag_is_exit_1_and_one_sentence(study, capsys, flag, value, words):
    code, _, err = _cohort(study, capsys, flag, value)
    assert code == 1 and err.startswith(f"her2desk: {words}") and err.count("\n") == 1


def test_the_saved_mapping_is_used_and_a_corrupt_one_is_said(study, tmp_path, capsys):
    csv = tmp_path / "ids.csv"
    csv.write_text("Code,Sex,Diagnosis date\nP1,female,2015-01-02\n", encoding="utf-8")
    side = tmp_path / "ids.her2desk.json"
    side.write_text(json.dumps({"column_mapping": {"Code": "patient_id"}}), encoding="utf-8")
    assert main(["validate", str(csv)]) == 0
    assert "in 1 patients" in capsys.readouterr().out
    side.write_text(json.dumps({"column_mapping": "Code=patient_id"}), encoding="utf-8")
    assert main(["validate", str(csv)]) == 1
    err = capsys.readouterr().err
    assert "The saved column mapping in ids.her2desk.json is not a list of columns and fields" in err


def test_a_mapping_that_hides_the_patient_id_says_so(tmp_path, capsys):
    csv = tmp_path / "ids.csv"
    csv.write_text("Patient ID,Sex,Diagnosis date\nP1,female,2015-01-02\n", encoding="utf-8")
    (tmp_path / "ids.her2desk.json").write_text(json.dumps({"column_mapping": {"Patient ID": ""}}),
                                                encoding="utf-8")
    assert main(["cohort", str(csv)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("her2desk: No sheet has a Patient ID column")
    assert ("The saved column mapping in ids.her2desk.json tells her2desk to ignore 'Patient ID', "
            "which is the Patient ID column") in err
