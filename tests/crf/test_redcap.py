"""REDCap exports: the sample study written as REDCap writes it imports to the same cohort.

The export comes from her2desk/cohort/sample/redcap.py (variables named bc_01..., so
every field is found by its label; numbered choices; yesno; two checkbox fields; a
repeating rebiopsy instrument; two events). Small hand-written exports check the
dictionary's rules one at a time and the sentences for bad input.
"""
import csv
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import pytest

from her2desk.cli import main
from her2desk.cohort.sample.redcap import write_redcap_export
from her2desk.crf import redcap
from her2desk.crf.headers import save_mapping
from her2desk.crf.model import CRFReadError
from her2desk.crf.reader import read_crf
from her2desk.crf.validate import validate_crf
from her2desk.resources import sample_study_path

sys.path.insert(0, str(Path(__file__).parent))
from redcap_factory import DICT_HEADER, dict_row, small_project, write_csv  # noqa: E402

CUTOFF = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("redcap")
    raw, dictionary = write_redcap_export(sample_study_path(), out)
    labels, _ = write_redcap_export(sample_study_path(), out, labels=True)
    return {"raw": raw, "labels": labels, "dictionary": dictionary, "dir": out}


def _cohort_json(args, path):
    assert main(["cohort", *args, "--json", str(path)]) == 0
    payload = json.loads(path.read_text())
    payload.pop("source")
    return payload


@pytest.mark.parametrize("variant", ["raw", "labels"])
def test_cohort_json_equals_the_workbooks(export, variant, tmp_path, capsys):
    book = _cohort_json([str(sample_study_path())], tmp_path / "book.json")
    records = export[variant]
    before = hashlib.sha256(records.read_bytes()).hexdigest()
    got = _cohort_json([str(records), "--dictionary", str(export["dictionary"])],
                       tmp_path / "redcap.json")
    assert got == book
    assert got["cohort"]["eligible"] == 828
    assert got["cohort"]["groups"] == {"HR+/HER2+": 466, "HR-/HER2+": 362}
    assert hashlib.sha256(records.read_bytes()).hexdigest() == before     # only read
    capsys.readouterr()


@pytest.mark.parametrize("variant", ["raw", "labels"])
def test_forms_and_findings_equal_the_workbooks(export, variant):
    book = read_crf(sample_study_path(), {})
    rc = read_crf(export[variant], {}, dictionary=export["dictionary"])
    assert rc.layout == "redcap" and rc.dictionary == export["dictionary"]
    # *_complete, event and repeat columns are understood: nothing is reported unknown.
    assert rc.unmatched_columns == [] and rc.ignored_sheets == []
    sites = {f"{p}{s}" for p in ("met_", "first_met_") for s in redcap.cb.MET_SITES}
    for form in book.forms:
        a = book.forms[form].drop(columns=["_sheet", "_row"])
        b = rc.forms[form].drop(columns=["_sheet", "_row"])
        assert a.shape == b.shape, form
        for col in a.columns:
            if col in sites:
                # REDCap writes an unticked checkbox as 0: blank in the workbook is No here.
                assert a[col].fillna(False).equals(b[col]), col
            else:
                assert a[col].equals(b[col]), (form, col)
    # The repeating instrument gave the Rebiopsy form, one row per instance.
    assert set(rc.forms["rebiopsy"]["_sheet"]) == {"metastatic_biopsy"}
    key = lambda r: sorted((f.patient_id, f.field, f.rule, f.severity) for f in r.findings)  # noqa: E731
    assert key(validate_crf(rc, cutoff=CUTOFF)) == key(validate_crf(book, cutoff=CUTOFF))


def test_findings_name_record_instrument_and_variable(export):
    rc = read_crf(export["raw"], {}, dictionary=export["dictionary"])
    findings = validate_crf(rc, cutoff=CUTOFF).findings
    planted = next(f for f in findings if f.patient_id == "XJ2014-0112" and f.field == "er_percent")
    assert planted.sheet == "baseline_characteristics" and planted.column == "bc_15"
    assert planted.message.startswith("REDCap record XJ2014-0112, instrument "
                                      "baseline_characteristics (baseline_arm_1), variable bc_15: ")
    # The row is the records file's own row (header = row 1), as Excel shows the CSV.
    with export["raw"].open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[planted.row - 1][0] == "XJ2014-0112"
    assert rows[planted.row - 1][1] == "baseline_arm_1"


# ------------------------------------------------------------------ small hand-made projects

def test_dictionary_decides_codes_types_and_forms(tmp_path):
    records, dictionary = small_project(tmp_path)
    crf = read_crf(records, {}, dictionary=dictionary)
    p = crf.forms["patients"].set_index("patient_id")
    # radio/dropdown codes decode to their labels: code 1 is Male here, code 0 is IHC '0'.
    assert p.loc["A1", "sex"] == "female" and p.loc["B2", "sex"] == "male"
    assert p.loc["A1", "her2_ihc"] == "0" and p.loc["B2", "her2_ihc"] == "3+"
    assert bool(p.loc["A1", "second_primary_tumor"]) is False
    assert bool(p.loc["B2", "second_primary_tumor"]) is True
    # date_dmy: exported year-month-day, or day-month-year as displayed.
    assert p.loc["A1", "diagnosis_date"] == dt.datetime(2019, 3, 5)
    assert p.loc["B2", "diagnosis_date"] == dt.datetime(2018, 4, 17)
    # checkbox choices are the codebook's site fields ("Metastatic sites: lung" -> met_lung).
    o = crf.forms["outcomes"].set_index("patient_id")
    assert list(o.loc["A1", ["met_lung", "met_liver", "met_brain_cns"]]) == [True, False, True]
    assert list(o.loc["B2", ["met_lung", "met_liver", "met_brain_cns"]]) == [False, False, False]
    # the repeating instrument is the Rebiopsy form, one row per instance.
    r = crf.forms["rebiopsy"]
    assert list(r["patient_id"]) == ["A1", "A1"]
    assert list(r["rebiopsy_er_percent"]) == [40.0, 150.0]
    assert list(r["rebiopsy_date"]) == [dt.datetime(2020, 1, 2), dt.datetime(2021, 1, 31)]
    assert list(r["_row"]) == [3, 4]
    assert crf.unmatched_columns == []


def test_finding_names_the_instance(tmp_path):
    records, dictionary = small_project(tmp_path)
    crf = read_crf(records, {}, dictionary=dictionary)
    f = next(f for f in validate_crf(crf, cutoff=CUTOFF).findings
             if f.field == "rebiopsy_er_percent")
    assert (f.patient_id, f.sheet, f.row, f.column) == ("A1", "biopsy", 4, "bx_er")
    assert f.message.startswith("REDCap record A1, instrument biopsy, instance 2, variable bx_er: ")
    from her2desk.i18n import translate

    english = f.message.split(": ", 1)[1]
    chinese = translate(f.message, "zh_CN")
    assert chinese.startswith("REDCap 记录 A1，表单 biopsy，第 2 次重复，变量 bx_er：")
    assert chinese.endswith(translate(english, "zh_CN")) and translate(english, "zh_CN") != english


def test_saved_mapping_is_reused(tmp_path):
    records, dictionary = small_project(tmp_path)
    rows = list(csv.reader(records.open(newline="", encoding="utf-8")))
    rows[0].append("fam")
    for r in rows[1:]:
        r.append("")
    rows[1][-1] = "1"
    write_csv(records, rows)
    drows = list(csv.reader(dictionary.open(newline="", encoding="utf-8")))
    drows.append(dict_row("fam", "enrolment", "yesno", "Relatives with tumours"))
    write_csv(dictionary, drows)
    crf = read_crf(records, None, dictionary=dictionary)
    assert ("enrolment", "fam") in crf.unmatched_columns
    assert crf.forms["patients"]["family_history"].isna().all()
    save_mapping(records, {"enrolment!fam": "family_history"})
    crf = read_crf(records, None, dictionary=dictionary)         # None: the saved mapping
    assert crf.unmatched_columns == []
    assert crf.mapping_used["enrolment!fam"] == "family_history"
    fam = crf.forms["patients"].set_index("patient_id")["family_history"]
    assert bool(fam["A1"]) is True and fam.isna()["B2"] and not fam.isna()["A1"]


def test_dictionary_found_beside_the_records(tmp_path):
    records, dictionary = small_project(tmp_path)
    assert redcap.dictionary_beside(records) == dictionary
    write_csv(tmp_path / "Other_DataDictionary_2026-12-01.csv", [DICT_HEADER])
    assert redcap.dictionary_beside(records) == dictionary            # same project wins
    assert redcap.dictionary_beside(dictionary) is None
    lone = tmp_path / "elsewhere"
    lone.mkdir()
    assert redcap.dictionary_beside(write_csv(lone / "x.csv", [["a"]])) is None


@pytest.mark.parametrize("case, sentence", [
    ("no_columns", "is not a REDCap data dictionary (it has no 'Form Name' column)"),
    ("bad_choices", "The radio field 'sx' in the data dictionary"),
    ("other_project", "None of the columns of"),
    ("no_record_id", "has no column for the record ID 'rid'"),
    ("swapped", "is a data dictionary, not a records export"),
    ("dictionary_xlsx", "The REDCap data dictionary is a CSV file"),
    ("twice", "lists the variable 'sx' twice"),
])
def test_bad_dictionary_or_records_is_one_sentence(tmp_path, capsys, case, sentence):
    records, dictionary = small_project(tmp_path)
    drows = list(csv.reader(dictionary.open(newline="", encoding="utf-8")))
    rrows = list(csv.reader(records.open(newline="", encoding="utf-8")))
    if case == "no_columns":
        write_csv(dictionary, [[c for c in r if c != "Form Name"] for r in drows[:1]] + drows[1:])
    elif case == "bad_choices":
        drows[2][5] = "Male; Female"
        write_csv(dictionary, drows)
    elif case == "other_project":
        write_csv(records, [["study", "age"], ["1", "50"]])
    elif case == "no_record_id":
        write_csv(records, [[c for c in r[1:]] for r in rrows])
    elif case == "swapped":
        records, dictionary = dictionary, records
    elif case == "dictionary_xlsx":
        dictionary = tmp_path / "dictionary.xlsx"
        dictionary.write_bytes(b"PK\x03\x04")
    elif case == "twice":
        write_csv(dictionary, drows + [drows[2]])
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (records, dictionary)}
    assert main(["validate", str(records), "--dictionary", str(dictionary)]) == 1
    err = capsys.readouterr().err
    assert sentence in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in hashes} == hashes
    if case != "dictionary_xlsx":
        with pytest.raises(CRFReadError):
            read_crf(records, {}, dictionary=dictionary)


def test_a_dictionary_opened_as_data_says_so(tmp_path, capsys):
    records, dictionary = small_project(tmp_path)
    assert redcap.sniff_dictionary(dictionary) and not redcap.sniff_dictionary(records)
    assert not redcap.sniff_dictionary(tmp_path / "missing.csv")
    assert main(["cohort", str(dictionary)]) == 1
    err = capsys.readouterr().err
    assert "is a REDCap data dictionary, not patient data" in err and err.count("\n") == 1


def test_labels_export_with_two_fields_of_one_label(tmp_path):
    """REDCap's labels export heads columns by label; two fields may share one."""
    dictionary = write_csv(tmp_path / "d.csv", [
        DICT_HEADER,
        dict_row("rid", "enrolment", "text", "Record ID"),
        dict_row("er1", "enrolment", "text", "ER (%)", validation="number"),
        dict_row("rer", "biopsy", "text", "ER (%)", validation="number"),
    ])
    records = write_csv(tmp_path / "r.csv", [
        ["Record ID", "ER (%)", "Repeat Instrument", "Repeat Instance", "ER (%)"],
        ["A1", "80", "", "", ""],
        ["A1", "", "Biopsy", "1", "5"],
    ])
    crf = read_crf(records, {}, dictionary=dictionary)
    assert list(crf.forms["patients"]["er_percent"]) == [80.0]
    assert list(crf.forms["rebiopsy"]["rebiopsy_er_percent"]) == [5.0]
    assert crf.unmatched_columns == []


@pytest.mark.slow
def test_raw_and_labels_exports_are_the_same_data(export, tmp_path, capsys):
    """`her2desk diff` of REDCap's raw export against its labels export (each read through
    the dictionary) finds no patient, cell, group, event or result that differs."""
    out = tmp_path / "diff.xlsx"
    assert main(["diff", str(export["raw"]), str(export["labels"]), "--out", str(out),
                 "--dictionary", str(export["dictionary"]),
                 "--new-dictionary", str(export["dictionary"])]) == 0
    text = capsys.readouterr().out
    assert "Patients added: 0" in text and "Patients removed: 0" in text
    assert "Cells changed: 0" in text and "Headline results that moved: 0" in text


def test_records_without_their_dictionary_are_refused(tmp_path, capsys):
    """Read alone, a raw export's numbered answers would be taken by the codebook's own
    spellings (sex '1' is male there, female in this project): refused with one sentence."""
    records, _dictionary = small_project(tmp_path)
    assert main(["cohort", str(records)]) == 1
    err = capsys.readouterr().err
    assert "is a REDCap records export; open it together with its data dictionary" in err
    assert err.count("\n") == 1
    assert redcap.looks_like_records(["rid", "Complete?"])
    assert not redcap.looks_like_records(["Patient ID", "Sex", "treatment completed"])
    # A classic project (no events, no repeats) is known by its form-status columns.
    assert redcap.looks_like_records(["rid", "sx", "enrolment_complete"], [["A1", "1", "2"]])
    assert not redcap.looks_like_records(["id", "surgery_complete"], [["A1", "yes"]])
