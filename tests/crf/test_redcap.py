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

import pytest

from her2desk.cli import main
from her2desk.cohort.sample.redcap import write_redcap_export
from her2desk.crf import redcap
from her2desk.crf.headers import save_mapping
from her2desk.crf.model import CRFReadError
from her2desk.crf.reader import read_crf
from her2desk.crf.validate import validate_crf
from her2desk.resources import sample_study_path

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

DICT_HEADER = [t for t, _ in redcap.DICTIONARY_COLUMNS]


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _dict_row(var, form, ftype, label, choices="", validation=""):
    row = [var, form, "", ftype, label, choices, "", validation] + [""] * 10
    return row


def _small_project(tmp_path):
    dictionary = _write(tmp_path / "Small_DataDictionary_2026-12-01.csv", [
        DICT_HEADER,
        _dict_row("rid", "enrolment", "text", "Record ID"),
        _dict_row("sx", "enrolment", "radio", "Gender", "1, Male | 2, Female"),
        _dict_row("dxd", "enrolment", "text", "Diagnosis date", validation="date_dmy"),
        _dict_row("ih", "enrolment", "dropdown", "HER2 IHC", "0, 0 | 1, 1+ | 2, 2+ | 3, 3+"),
        _dict_row("sp", "enrolment", "yesno", "Second primary tumour"),
        _dict_row("intro", "enrolment", "descriptive", "Please fill in"),
        _dict_row("sites", "follow", "checkbox", "Metastatic sites",
                  "1, lung | 2, liver | 3, brain/CNS"),
        _dict_row("bx_er", "biopsy", "text", "Rebiopsy ER (%)", validation="number"),
        _dict_row("bx_d", "biopsy", "text", "Rebiopsy date", validation="date_mdy"),
    ])
    records = _write(tmp_path / "Small_DATA_2026-12-01_0900.csv", [
        ["rid", "redcap_repeat_instrument", "redcap_repeat_instance", "sx", "dxd", "ih", "sp",
         "enrolment_complete", "sites___1", "sites___2", "sites___3", "follow_complete",
         "bx_er", "bx_d", "biopsy_complete"],
        ["A1", "", "", "2", "2019-03-05", "0", "0", "2", "1", "0", "1", "2", "", "", ""],
        ["A1", "biopsy", "1", "", "", "", "", "", "", "", "", "", "40", "2020-01-02", "2"],
        ["A1", "biopsy", "2", "", "", "", "", "", "", "", "", "", "150", "01/31/2021", "2"],
        ["B2", "", "", "1", "17/04/2018", "3", "1", "2", "0", "0", "0", "0", "", "", ""],
    ])
    return records, dictionary


def test_dictionary_decides_codes_types_and_forms(tmp_path):
    records, dictionary = _small_project(tmp_path)
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
    records, dictionary = _small_project(tmp_path)
    crf = read_crf(records, {}, dictionary=dictionary)
    f = next(f for f in validate_crf(crf, cutoff=CUTOFF).findings
             if f.field == "rebiopsy_er_percent")
    assert (f.patient_id, f.sheet, f.row, f.column) == ("A1", "biopsy", 4, "bx_er")
    assert f.message.startswith("REDCap record A1, instrument biopsy, instance 2, variable bx_er: ")


def test_saved_mapping_is_reused(tmp_path):
    records, dictionary = _small_project(tmp_path)
    rows = list(csv.reader(records.open(newline="", encoding="utf-8")))
    rows[0].append("fam")
    for r in rows[1:]:
        r.append("")
    rows[1][-1] = "1"
    _write(records, rows)
    drows = list(csv.reader(dictionary.open(newline="", encoding="utf-8")))
    drows.append(_dict_row("fam", "enrolment", "yesno", "Relatives with tumours"))
    _write(dictionary, drows)
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
    records, dictionary = _small_project(tmp_path)
    assert redcap.dictionary_beside(records) == dictionary
    _write(tmp_path / "Other_DataDictionary_2026-12-01.csv", [DICT_HEADER])
    assert redcap.dictionary_beside(records) == dictionary            # same project wins
    assert redcap.dictionary_beside(dictionary) is None
    lone = tmp_path / "elsewhere"
    lone.mkdir()
    assert redcap.dictionary_beside(_write(lone / "x.csv", [["a"]])) is None


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
    records, dictionary = _small_project(tmp_path)
    drows = list(csv.reader(dictionary.open(newline="", encoding="utf-8")))
    rrows = list(csv.reader(records.open(newline="", encoding="utf-8")))
    if case == "no_columns":
        _write(dictionary, [[c for c in r if c != "Form Name"] for r in drows[:1]] + drows[1:])
    elif case == "bad_choices":
        drows[2][5] = "Male; Female"
        _write(dictionary, drows)
    elif case == "other_project":
        _write(records, [["study", "age"], ["1", "50"]])
    elif case == "no_record_id":
        _write(records, [[c for c in r[1:]] for r in rrows])
    elif case == "swapped":
        records, dictionary = dictionary, records
    elif case == "dictionary_xlsx":
        dictionary = tmp_path / "dictionary.xlsx"
        dictionary.write_bytes(b"PK\x03\x04")
    elif case == "twice":
        _write(dictionary, drows + [drows[2]])
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (records, dictionary)}
    assert main(["validate", str(records), "--dictionary", str(dictionary)]) == 1
    err = capsys.readouterr().err
    assert sentence in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in hashes} == hashes
    if case != "dictionary_xlsx":
        with pytest.raises(CRFReadError):
            read_crf(records, {}, dictionary=dictionary)
