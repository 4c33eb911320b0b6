import datetime as dt
import os

import numpy as np
import openpyxl
import pandas as pd
import pytest

from her2desk.crf import atomic, codebook as cb, template
from her2desk.crf.atomic import AtomicWriteError, atomic_path, atomic_write
from her2desk.crf.template import write_crf_workbook

from crf_factory import make_crf


def _validations(ws):
    """{column letter: DataValidation} for a form sheet (one rule per column)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            letter = rng.coord.split(":")[0].rstrip("0123456789")
            assert letter not in out
            out[letter] = dv
    return out


def _col(form, name):
    names = [f.name for f in cb.fields_of(form)]
    return openpyxl.utils.get_column_letter(names.index(name) + 1)


@pytest.fixture(scope="module")
def empty_wb(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "crf.xlsx"
    write_crf_workbook(path)
    return openpyxl.load_workbook(path)


def test_sheets_present_in_order_and_lists_hidden(empty_wb):
    assert empty_wb.sheetnames == ["Patients", "Treatment", "Outcomes", "First-line MBC",
                                   "Rebiopsy", "Instructions", "Codebook", "Lists"]
    assert empty_wb["Lists"].sheet_state == "hidden"
    assert empty_wb["Patients"].sheet_state == "visible"


@pytest.mark.parametrize("form", list(cb.FORMS))
def test_headers_frozen_and_styled(empty_wb, form):
    ws = empty_wb[cb.FORMS[form]]
    headers = [c.value for c in ws[1]]
    assert headers == [f.header for f in cb.fields_of(form)]
    assert headers[0] == "Patient ID"
    assert ws.freeze_panes == "B2"
    assert ws.max_row == 1
    first = ws["A1"]
    assert first.font.bold and first.fill.fgColor.rgb.endswith("DCE6F1")
    assert ws.column_dimensions["A"].width >= 10


def test_header_notes_carry_description_unit_and_codes(empty_wb):
    ws = empty_wb["Patients"]
    age = ws[f"{_col('patients', 'age_at_diagnosis')}1"]
    assert age.value == "Age at diagnosis (years)"
    assert "Age in whole years at diagnosis" in age.comment.text
    assert "Unit: years." in age.comment.text
    assert "Allowed range: 10 to 110." in age.comment.text
    ihc = ws[f"{_col('patients', 'her2_ihc')}1"].comment.text
    assert "Choose: 0, 1+, 2+, 3+." in ihc and "Required." in ihc


def test_every_coded_and_yesno_column_has_its_label_list(empty_wb):
    for form, title in cb.FORMS.items():
        dvs = _validations(empty_wb[title])
        for fld in cb.fields_of(form):
            if fld.type in (cb.CODE, cb.YESNO):
                dv = dvs[_col(form, fld.name)]
                assert dv.type == "list"
                labels = ["Yes", "No"] if fld.type == cb.YESNO else [c.label for c in fld.codes]
                assert dv.formula1 == '"' + ",".join(labels) + '"'
                letter = _col(form, fld.name)
                assert str(dv.sqref) == f"{letter}2:{letter}1001"
    p = _validations(empty_wb["Patients"])
    assert p[_col("patients", "sex")].formula1 == '"Female,Male"'
    assert p[_col("patients", "her2_ihc")].formula1 == '"0,1+,2+,3+"'
    assert p[_col("patients", "family_history")].formula1 == '"Yes,No"'
    assert p[_col("patients", "histological_grade")].formula1 == '"I,II,III"'


def test_number_and_date_validations(empty_wb):
    p = _validations(empty_wb["Patients"])
    age = p[_col("patients", "age_at_diagnosis")]
    assert (age.type, age.operator, age.formula1, age.formula2) == ("whole", "between", "10", "110")
    er = p[_col("patients", "er_percent")]
    assert (er.type, er.formula1, er.formula2) == ("decimal", "0", "100")
    fish = p[_col("patients", "her2_fish_ratio")]
    assert (fish.type, fish.formula1, fish.formula2) == ("decimal", "0", "50")
    dx = p[_col("patients", "diagnosis_date")]
    assert dx.type == "date" and dx.formula1 == "1"
    # a field without bounds or codes has no rule
    assert _col("patients", "patient_id") not in p
    assert _col("first_line", "first_line_her2_agents") not in _validations(
        empty_wb["First-line MBC"])


def test_codebook_sheet_has_one_row_per_field(empty_wb):
    ws = empty_wb["Codebook"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(template.CODEBOOK_COLUMNS)
    assert len(rows) - 1 == len(cb.FIELDS)
    by_name = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    sex = by_name["sex"]
    assert sex["form"] == "Patients" and sex["required"] == "yes"
    assert sex["codes"] == "female = Female; male = Male"
    assert "gender" in sex["synonyms"]
    assert by_name["er_percent"]["unit"] == "%" and by_name["er_percent"]["max"] == 100
    assert by_name["met_lung"]["codes"] == "Yes; No"
    assert by_name["progression_date"]["form"] == "First-line MBC"


def test_instructions_sheet(empty_wb):
    text = "\n".join(str(r[0]) for r in empty_wb["Instructions"].iter_rows(values_only=True)
                     if r[0])
    assert "one patient" in text and "Patient ID" in text
    assert "Rebiopsy sheet may have several rows" in text
    assert "blank" in text.lower() and "0 to 100" in text and "2016-03-25" in text


def test_data_rows_round_trip_as_labels(tmp_path):
    crf = make_crf(
        patients=[dict(patient_id="P001", sex="female", diagnosis_date="2016-01-05",
                       age_at_diagnosis=55, her2_ihc="2+", her2_fish_ratio=2.6,
                       er_percent=35.5, family_history=True, histological_grade="3"),
                  dict(patient_id="P002", sex="male", family_history=False)],
        rebiopsy=[dict(patient_id="P001", rebiopsy_date="2018-01-01", rebiopsy_her2_ihc="1+"),
                  dict(patient_id="P001", rebiopsy_date="2019-02-02", rebiopsy_site="liver")])
    path = tmp_path / "filled.xlsx"
    write_crf_workbook(path, crf.forms)
    wb = openpyxl.load_workbook(path)
    ws = wb["Patients"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 2
    p1, p2 = rows
    assert p1["Patient ID"] == "P001" and p1["Sex"] == "Female" and p2["Sex"] == "Male"
    assert p1["Diagnosis date"] == dt.datetime(2016, 1, 5)
    assert p1["Age at diagnosis (years)"] == 55 and isinstance(p1["Age at diagnosis (years)"], int)
    assert p1["HER2 IHC"] == "2+" and p1["HER2 FISH ratio"] == pytest.approx(2.6)
    assert p1["ER (%)"] == pytest.approx(35.5)
    assert p1["Family history"] == "Yes" and p2["Family history"] == "No"
    assert p1["Histological grade"] == "III"
    assert p2["Diagnosis date"] is None and p2["ER (%)"] is None
    dcol = _col("patients", "diagnosis_date")
    assert ws[f"{dcol}2"].number_format == "yyyy-mm-dd"
    assert ws[f"{_col('patients', 'er_percent')}2"].number_format == "0.0"
    reb = list(wb["Rebiopsy"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in reb] == ["P001", "P001"]
    assert reb[0][1] == dt.datetime(2018, 1, 1) and reb[1][2] == "liver"
    assert reb[0][5] == "1+"
    # forms not given still have their header, and no data rows
    assert wb["Treatment"].max_row == 1


def test_validation_range_grows_with_data(tmp_path):
    n = 800
    frame = pd.DataFrame({"patient_id": [f"P{i}" for i in range(n)],
                          "sex": ["female"] * n})
    path = tmp_path / "big.xlsx"
    write_crf_workbook(path, {"patients": frame})
    ws = openpyxl.load_workbook(path)["Patients"]
    assert ws.max_row == n + 1
    assert str(_validations(ws)["B"].sqref) == f"B2:B{n + 500 + 1}"


def test_unknown_form_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="Unknown form"):
        write_crf_workbook(tmp_path / "x.xlsx", {"labs": pd.DataFrame()})
    assert not (tmp_path / "x.xlsx").exists()


def test_new_codebook_field_appears_everywhere(tmp_path, monkeypatch):
    long_codes = tuple(cb.Code(f"c{i}", f"Long clinical category label number {i:02d}")
                       for i in range(12))
    new = cb.Field("tumour_board", "treatment", cb.CODE, "Tumour board decision.",
                   "Tumour board", codes=long_codes)
    new_num = cb.Field("bmi", "patients", cb.NUMBER, "Body-mass index.", "BMI", unit="kg/m2",
                       min=10, max=80)
    monkeypatch.setattr(cb, "FIELDS", cb.FIELDS + (new, new_num))
    path = tmp_path / "new.xlsx"
    write_crf_workbook(path)
    wb = openpyxl.load_workbook(path)
    t_headers = [c.value for c in wb["Treatment"][1]]
    assert t_headers[-1] == "Tumour board"
    assert [c.value for c in wb["Patients"][1]][-1] == "BMI (kg/m2)"
    codebook_names = [r[0] for r in wb["Codebook"].iter_rows(min_row=2, values_only=True)]
    assert codebook_names[-2:] == ["tumour_board", "bmi"]
    assert len(codebook_names) == len(cb.FIELDS)
    # the list is longer than Excel's 255-character limit: it is kept on the Lists sheet
    assert len(",".join(c.label for c in long_codes)) > 255
    letter = openpyxl.utils.get_column_letter(len(t_headers))
    dv = _validations(wb["Treatment"])[letter]
    assert dv.type == "list" and dv.formula1 == "'Lists'!$A$2:$A$13"
    lists = list(wb["Lists"].iter_rows(values_only=True))
    assert lists[0][0] == "tumour_board"
    assert [r[0] for r in lists[1:13]] == [c.label for c in long_codes]
    bmi = _validations(wb["Patients"])[openpyxl.utils.get_column_letter(
        len(cb.fields_of("patients")))]
    assert (bmi.type, bmi.formula1, bmi.formula2) == ("decimal", "10", "80")


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "crf.xlsx"
    target.write_bytes(b"old contents")

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crf.xlsx"]   # no temp left


def test_template_write_failure_leaves_old_file(tmp_path, monkeypatch):
    target = tmp_path / "crf.xlsx"
    target.write_bytes(b"old contents")

    real_save = openpyxl.Workbook.save

    def fail(self, filename):
        real_save(self, filename)          # the temp file is complete...
        raise OSError(28, "No space left on device")   # ...but finishing it fails

    monkeypatch.setattr(openpyxl.Workbook, "save", fail)
    with pytest.raises(OSError, match="No space left"):
        write_crf_workbook(target)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["crf.xlsx"]


def test_replace_refused_gives_plain_error_and_keeps_file(tmp_path, monkeypatch):
    target = tmp_path / "crf.xlsx"
    target.write_bytes(b"old contents")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(AtomicWriteError) as info:
        write_crf_workbook(target)
    assert isinstance(info.value, OSError)
    assert "open in another program such as Excel" in str(info.value)
    assert info.value.path == target
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["crf.xlsx"]


def test_unwritable_targets_raise_atomic_write_error(tmp_path):
    with pytest.raises(AtomicWriteError, match="does not exist"):
        write_crf_workbook(tmp_path / "missing" / "crf.xlsx")
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(AtomicWriteError, match="is a folder"):
        write_crf_workbook(tmp_path / "dir.xlsx")


def test_read_only_folder_gives_plain_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(AtomicWriteError) as info:
        write_crf_workbook(tmp_path / "crf.xlsx")
    assert str(info.value) == (f"Cannot save crf.xlsx: the folder {tmp_path} cannot be written "
                               "to (Permission denied).")
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_keeps_suffix_and_normal_mode(tmp_path):
    target = tmp_path / "out.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".xlsx" and tmp != target
        tmp.write_text("new")
    assert target.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.slow
def test_three_thousand_patients_write_fast(tmp_path):
    rng = np.random.default_rng(1)
    n = 3000
    forms = {}
    for form in cb.FORMS:
        data = {}
        for fld in cb.fields_of(form):
            if fld.type == cb.ID:
                data[fld.name] = [f"P{i:05d}" for i in range(n)]
            elif fld.type == cb.DATE:
                data[fld.name] = pd.Timestamp("2010-01-01") + pd.to_timedelta(
                    rng.integers(0, 4000, n), unit="D")
            elif fld.type in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
                data[fld.name] = rng.uniform(0, 100, n).round(1)
            elif fld.type == cb.CODE:
                data[fld.name] = rng.choice([c.code for c in fld.codes], n)
            elif fld.type == cb.YESNO:
                data[fld.name] = pd.array(rng.integers(0, 2, n).astype(bool), dtype="boolean")
            else:
                data[fld.name] = ["trastuzumab"] * n
        forms[form] = pd.DataFrame(data)
    write_crf_workbook(tmp_path / "big.xlsx", forms)
    ws = openpyxl.load_workbook(tmp_path / "big.xlsx", read_only=True)["Outcomes"]
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == n + 1
