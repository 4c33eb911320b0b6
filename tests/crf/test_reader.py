import datetime as dt
import hashlib
import json
import os

import numpy as np
import openpyxl
import pandas as pd
import pytest

from her2desk.crf import codebook as cb
from her2desk.crf.model import CRFReadError
from her2desk.crf.reader import ReadCancelled, load_mapping, read_crf, save_mapping

T = pd.Timestamp
ENGINES = ("calamine", "openpyxl")


def header(name):
    return cb.field(name).header


def write_template(path, rows_by_form, title_rows=(), extra_sheets=(), codebook_sheet=True):
    """Template-like workbook: one sheet per form named FORMS[form], header = Field.header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for form, title in cb.FORMS.items():
        ws = wb.create_sheet(title)
        for t in title_rows:
            ws.append(t)
        fields = cb.fields_of(form)
        ws.append([f.header for f in fields])
        for row in rows_by_form.get(form, []):
            ws.append([row.get(f.name) for f in fields])
    if codebook_sheet:
        cbs = wb.create_sheet("Codebook")
        cbs.append(["Field", "Type"])
        cbs.append(["patient_id", "id"])
    for name, rows in extra_sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def write_sheet(path, rows, title="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


TEMPLATE_ROWS = {
    "patients": [
        {"patient_id": "00123", "sex": "Female", "admission_date": dt.datetime(2015, 1, 2),
         "birth_date": "1970-05-06", "age_at_diagnosis": 44, "diagnosis_date": 42006,
         "ecog_ps": 1, "menopausal_status": "Premenopausal", "laterality": "左",
         "family_history": "Yes", "her2_ihc": "3+", "er_percent": "45%", "pr_percent": "<1",
         "ki67_percent": 30, "t_stage": "T2", "m_stage": 0},
        {"patient_id": 1002, "sex": 2, "admission_date": "2016/3/5",
         "diagnosis_date": "05.03.2016", "laterality": "Right", "family_history": "否",
         "her2_ihc": 2, "her2_fish_ratio": 2.4, "er_percent": 0, "pr_percent": "10-20",
         "m_stage": "M1"},
        {"patient_id": "P3", "sex": "女", "diagnosis_date": "2017年8月9日", "her2_ihc": "+++",
         "er_percent": 90, "family_history": "unknown", "laterality": "middle"},
    ],
    "treatment": [
        {"patient_id": "00123", "surgery_type": "MRM", "surgery_date": "2019-13-45",
         "adjuvant_chemotherapy": 1},
        {"patient_id": 1002, "surgery_type": "保乳术", "surgery_date": dt.datetime(2016, 4, 1)},
    ],
    "outcomes": [
        {"patient_id": "00123", "last_followup_date": "20210101", "vital_status": "Alive"},
        {"patient_id": 1002, "last_followup_date": dt.datetime(2020, 6, 1), "vital_status": "死亡",
         "death_date": dt.datetime(2020, 6, 1), "cause_of_death": "未知"},
    ],
    "first_line": [
        {"patient_id": 1002, "first_line_start_date": dt.datetime(2016, 5, 1),
         "first_line_her2_agents": " trastuzumab+pertuzumab ", "first_line_endocrine": "同步"},
    ],
    "rebiopsy": [
        {"patient_id": 1002, "rebiopsy_date": dt.datetime(2018, 1, 1), "rebiopsy_site": "liver",
         "rebiopsy_er_percent": 10, "rebiopsy_her2_ihc": "2+"},
        {"patient_id": 1002, "rebiopsy_date": dt.datetime(2019, 1, 1), "rebiopsy_site": "lung"},
    ],
}


@pytest.fixture
def template(tmp_path):
    return write_template(tmp_path / "study.xlsx", TEMPLATE_ROWS,
                          extra_sheets=[("Notes", [["free text"], ["more"]])])


# ------------------------------------------------------------------ template layout

@pytest.mark.parametrize("engine", ENGINES)
def test_template_values(template, engine):
    data = read_crf(template, engine=engine)
    assert data.layout == "template"
    assert data.ignored_sheets == ["Notes"]            # Codebook skipped silently
    assert data.unmatched_columns == []
    pts = data.forms["patients"]
    assert pts["patient_id"].tolist() == ["00123", "1002", "P3"]
    assert pts["sex"].tolist() == ["female"] * 3
    assert pts["admission_date"].tolist()[:2] == [T("2015-01-02"), T("2016-03-05")]
    assert pts["diagnosis_date"].tolist() == [T("2015-01-02"), T("2016-03-05"), T("2017-08-09")]
    assert pts["birth_date"].iloc[0] == T("1970-05-06")
    assert pts["age_at_diagnosis"].iloc[0] == 44.0
    assert pts["menopausal_status"].tolist() == ["premenopausal", None, None]
    assert pts["laterality"].tolist() == ["left", "right", None]
    assert pts["family_history"].tolist() == [True, False, pd.NA]
    assert pts["her2_ihc"].tolist() == ["3+", "2+", "3+"]
    assert pts["her2_fish_ratio"].iloc[1] == 2.4
    assert pts["er_percent"].tolist() == [45.0, 0.0, 90.0]
    assert pts["pr_percent"].tolist()[:2] == [0.5, 15.0]
    assert pts["m_stage"].tolist() == ["M0", "M1", None]
    assert pts["_sheet"].tolist() == ["Patients"] * 3
    assert pts["_row"].tolist() == [2, 3, 4]
    assert list(pts.columns) == [f.name for f in cb.fields_of("patients")] + ["_sheet", "_row"]

    tr = data.forms["treatment"]
    assert tr["patient_id"].tolist() == ["00123", "1002"]
    assert tr["surgery_type"].tolist() == ["mastectomy", "bcs"]
    assert tr["surgery_date"].isna().tolist() == [True, False]
    assert tr["surgery_date"].iloc[1] == T("2016-04-01")
    assert tr["adjuvant_chemotherapy"].tolist() == [True, pd.NA]

    out = data.forms["outcomes"]
    assert out["last_followup_date"].tolist() == [T("2021-01-01"), T("2020-06-01")]
    assert out["vital_status"].tolist() == ["alive", "dead"]
    assert out["cause_of_death"].tolist() == [None, "unknown"]

    fl = data.forms["first_line"]
    assert fl["patient_id"].tolist() == ["1002"]
    assert fl["first_line_her2_agents"].tolist() == ["trastuzumab+pertuzumab"]
    assert fl["first_line_endocrine"].tolist() == ["concurrent"]

    rb = data.forms["rebiopsy"]
    assert rb["patient_id"].tolist() == ["1002", "1002"]
    assert rb["rebiopsy_site"].tolist() == ["liver", "lung"]
    assert rb["rebiopsy_er_percent"].iloc[0] == 10.0
    assert rb["_row"].tolist() == [2, 3]
    assert rb["_sheet"].tolist() == ["Rebiopsy", "Rebiopsy"]

    # dtypes follow the codebook
    assert pts["diagnosis_date"].dtype == "datetime64[ns]"
    assert pts["er_percent"].dtype == "float64"
    assert str(pts["family_history"].dtype) == "boolean"
    assert data.forms["first_line"]["progression_date"].dtype == "datetime64[ns]"

    # joined on patient_id by the model
    joined = data.patients()
    assert joined.set_index("patient_id").loc["1002", "surgery_type"] == "bcs"


@pytest.mark.parametrize("engine", ENGINES)
def test_template_findings_raw_and_headers(template, engine):
    data = read_crf(template, engine=engine)
    got = [(f.sheet, f.row, f.column, f.value, f.patient_id, f.field, f.rule, f.severity)
           for f in data.problems]
    assert got == [
        ("Patients", 3, "PR (%)", "10-20", "1002", "pr_percent", "percent_range", "warning"),
        ("Patients", 4, "Affected breast", "middle", "P3", "laterality", "bad_code", "error"),
        ("Treatment", 2, "Surgery date", "2019-13-45", "00123", "surgery_date", "bad_date", "error"),
    ]
    assert data.problems[2].message == ("Surgery date '2019-13-45' is not a date this program "
                                        "can read; write it as year-month-day, such as 2019-03-05.")
    raw = data.raw["patients"]
    assert raw["patient_id"].tolist() == ["00123", "1002", "P3"]
    assert raw["er_percent"].tolist() == ["45%", "0", "90"]
    assert raw["diagnosis_date"].tolist() == ["42006", "05.03.2016", "2017年8月9日"]
    assert raw["birth_date"].tolist() == ["1970-05-06", "", ""]
    assert raw["_row"].tolist() == [2, 3, 4]
    assert raw.shape == data.forms["patients"].shape
    assert data.headers["patients"]["age_at_diagnosis"] == "Age at diagnosis (years)"
    assert data.headers["treatment"]["patient_id"] == "Patient ID"
    assert data.headers["rebiopsy"]["rebiopsy_er_percent"] == "Rebiopsy ER (%)"
    assert data.mapping_used["Treatment!Surgery"] == "surgery_type"


def test_engines_give_identical_frames(template):
    a = read_crf(template, engine="calamine")
    b = read_crf(template, engine="openpyxl")
    for form in cb.FORMS:
        pd.testing.assert_frame_equal(a.forms[form], b.forms[form])
        pd.testing.assert_frame_equal(a.raw[form], b.raw[form])
    assert a.problems == b.problems
    assert a.headers == b.headers
    assert a.sha256 == b.sha256


def test_source_untouched_and_hashed(template):
    before = template.read_bytes()
    mtime = os.stat(template).st_mtime_ns
    data = read_crf(template)
    read_crf(template, engine="openpyxl")
    assert template.read_bytes() == before
    assert os.stat(template).st_mtime_ns == mtime
    assert data.sha256 == hashlib.sha256(before).hexdigest()
    assert data.source == template
    assert not (template.parent / "study.her2desk.json").exists()


def test_title_rows_above_headers_shift_row_numbers(tmp_path):
    path = write_template(tmp_path / "t.xlsx", TEMPLATE_ROWS,
                          title_rows=[["HER2 cohort CRF"], ["Version 2", None, "2020"], []])
    data = read_crf(path)
    assert data.forms["patients"]["_row"].tolist() == [5, 6, 7]
    assert data.forms["patients"]["patient_id"].tolist() == ["00123", "1002", "P3"]
    assert data.forms["rebiopsy"]["_row"].tolist() == [5, 6]
    assert [f.row for f in data.problems] == [6, 7, 5]


def test_sheets_matched_by_content_when_names_say_nothing(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["Surgery", "Patient ID", "Surgery date"])
    ws.append(["bcs", "A1", "2019-01-02"])
    ws2 = wb.create_sheet("Sheet2")
    ws2.append(["patient_id", "sex", "her2_ihc", "diagnosis_date"])
    ws2.append(["A1", "F", "3+", "2018-12-01"])
    wb.save(tmp_path / "x.xlsx")
    data = read_crf(tmp_path / "x.xlsx")
    assert data.forms["treatment"][["patient_id", "surgery_type", "_sheet"]].values.tolist() == \
        [["A1", "bcs", "Sheet1"]]
    assert data.forms["patients"][["patient_id", "sex", "her2_ihc", "_sheet"]].values.tolist() == \
        [["A1", "female", "3+", "Sheet2"]]
    assert data.forms["outcomes"].empty
    assert data.layout == "template"


# ------------------------------------------------------------------ flat sheet

def flat_rows():
    # title row, then shuffled English/Chinese headers of several forms, an extra column
    return [
        ["乳腺癌队列 CRF 导出"],
        ["性别", "患者编号", "入院日期", "年龄（岁）", "ER表达（%）", "HER2免疫组化", "手术方式",
         "生存状态", "再活检日期", "转移灶ER", "备注", "PR (%)"],
        ["女", "00007", dt.datetime(2014, 7, 1), 51, 0.45, "3+", "改良根治术", "存活", None, None,
         "note", "20%"],
        ["女", "00008", 41821, 63, 0.9, 2, "无", "死亡", dt.datetime(2019, 2, 3), 0.05, None, 0],
        [None, None, None, None, None, None, None, None, None, None, None, None],
        ["F", "00009", "2014/7/3", None, 0, "IHC 1+", "bcs", "alive", None, None, None, None],
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_flat_sheet(tmp_path, engine):
    path = write_sheet(tmp_path / "flat.xlsx", flat_rows(), title="导出")
    data = read_crf(path, engine=engine)
    assert data.layout == "flat"
    assert data.unmatched_columns == [("导出", "备注")]
    pts = data.forms["patients"]
    assert pts["patient_id"].tolist() == ["00007", "00008", "00009"]
    assert pts["_row"].tolist() == [3, 4, 6]                 # empty row 5 skipped
    assert pts["admission_date"].tolist() == [T("2014-07-01"), T("2014-07-01"), T("2014-07-03")]
    assert pts["age_at_diagnosis"].tolist()[:2] == [51.0, 63.0]
    # ER column is Excel-percent (all within 0-1, some fractional) -> x100
    assert pts["er_percent"].tolist() == [45.0, 90.0, 0.0]
    assert pts["pr_percent"].tolist()[:2] == [20.0, 0.0]
    assert pts["her2_ihc"].tolist() == ["3+", "2+", "1+"]
    tr = data.forms["treatment"]
    assert tr["surgery_type"].tolist() == ["mastectomy", "none", "bcs"]
    assert tr["_row"].tolist() == [3, 4, 6]
    assert data.forms["outcomes"]["vital_status"].tolist() == ["alive", "dead", "alive"]
    # one rebiopsy row, only for the patient whose rebiopsy cells are filled
    rb = data.forms["rebiopsy"]
    assert rb["patient_id"].tolist() == ["00008"]
    assert rb["rebiopsy_date"].tolist() == [T("2019-02-03")]
    assert rb["rebiopsy_er_percent"].tolist() == [5.0]
    assert rb["_row"].tolist() == [4]
    # forms without any column still have every field, no rows
    fl = data.forms["first_line"]
    assert fl.empty and "first_line_start_date" in fl.columns
    assert data.headers["patients"]["age_at_diagnosis"] == "年龄（岁）"
    assert data.headers["treatment"]["patient_id"] == "患者编号"
    assert data.problems == []


def test_flat_sheet_engines_identical(tmp_path):
    path = write_sheet(tmp_path / "flat.xlsx", flat_rows())
    a, b = read_crf(path, engine="calamine"), read_crf(path, engine="openpyxl")
    for form in cb.FORMS:
        pd.testing.assert_frame_equal(a.forms[form], b.forms[form])
        pd.testing.assert_frame_equal(a.raw[form], b.raw[form])


def test_leading_zero_ids_and_numeric_ids(tmp_path):
    path = write_sheet(tmp_path / "ids.xlsx", [["patient_id", "sex"], ["00123", "F"], [1001, "F"],
                                               [1001.0, "F"], [" 7 ", "F"]])
    for engine in ENGINES:
        ids = read_crf(path, engine=engine).forms["patients"]["patient_id"].tolist()
        assert ids == ["00123", "1001", "1001", "7"]


def test_excel_percent_formatted_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["patient_id", "ER", "PR", "Ki-67"])
    for pid, er, pr, ki in [("a", 0.45, 45, "45%"), ("b", 0.05, 5, "5%"), ("c", 1, 100, "100%")]:
        ws.append([pid, er, pr, ki])
        ws.cell(ws.max_row, 2).number_format = "0%"
    wb.save(tmp_path / "p.xlsx")
    pts = read_crf(tmp_path / "p.xlsx").forms["patients"]
    assert pts["er_percent"].tolist() == [45.0, 5.0, 100.0]
    assert pts["pr_percent"].tolist() == [45.0, 5.0, 100.0]
    assert pts["ki67_percent"].tolist() == [45.0, 5.0, 100.0]


def test_xlsm_extension(tmp_path):
    path = write_sheet(tmp_path / "m.xlsm", [["patient_id", "sex"], ["1", "F"]])
    assert read_crf(path).forms["patients"]["sex"].tolist() == ["female"]


# ------------------------------------------------------------------ CSV

def test_csv_utf8_bom_comma(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("患者编号,性别,入院日期,ER (%)\n00123,女,2019-03-05,45%\n00124,男,2019/3/6,\n"
                     .encode("utf-8-sig"))
    data = read_crf(path)
    assert data.layout == "csv"
    pts = data.forms["patients"]
    assert pts["patient_id"].tolist() == ["00123", "00124"]
    assert pts["sex"].tolist() == ["female", "male"]
    assert pts["admission_date"].tolist() == [T("2019-03-05"), T("2019-03-06")]
    assert pts["er_percent"].tolist()[0] == 45.0
    assert pts["_sheet"].tolist() == ["c", "c"]
    assert pts["_row"].tolist() == [2, 3]


def test_csv_gbk_semicolon(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("患者编号;性别;HER2 FISH ratio\n1;女;2,5\n2;女;3\n".encode("gbk"))
    pts = read_crf(path).forms["patients"]
    assert pts["patient_id"].tolist() == ["1", "2"]
    assert pts["sex"].tolist() == ["female", "female"]
    assert pts["her2_fish_ratio"].tolist() == [2.5, 3.0]


def test_csv_tab(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("patient_id\tsex\tsurgery_date\n0012\tF\t20190305\n", encoding="utf-8")
    data = read_crf(path)
    assert data.forms["patients"]["patient_id"].tolist() == ["0012"]
    assert data.forms["treatment"]["surgery_date"].tolist() == [T("2019-03-05")]


# ------------------------------------------------------------------ mapping

def test_user_mapping_overrides_and_ignores(tmp_path):
    path = write_sheet(tmp_path / "m.xlsx", [["ID", "Op", "Op date", "Comment", "sex"],
                                             ["1", "bcs", "2019-01-01", "x", "F"]], title="Data")
    data = read_crf(path, mapping={})
    assert ("Data", "Op") in data.unmatched_columns
    assert data.forms["treatment"].empty
    mapping = {"Data!Op": "surgery_type", "Op date": "surgery_date", "Comment": "", "sex": ""}
    data = read_crf(path, mapping=mapping)
    assert data.unmatched_columns == []
    assert data.forms["treatment"][["patient_id", "surgery_type", "surgery_date"]].values.tolist() \
        == [["1", "bcs", T("2019-01-01")]]
    assert data.forms["patients"]["sex"].isna().all()          # mapped to "" = ignored
    assert data.headers["treatment"]["surgery_type"] == "Op"


def test_saved_mapping_round_trip_is_used_and_keeps_settings(tmp_path):
    path = write_sheet(tmp_path / "cohort.xlsx", [["ID", "Op"], ["1", "保乳"]], title="Data")
    side = tmp_path / "cohort.her2desk.json"
    side.write_text(json.dumps({"settings": {"cutoff": "2022-12-31"}}), encoding="utf-8")
    save_mapping(path, {"Data!Op": "surgery_type"})
    assert load_mapping(path) == {"Data!Op": "surgery_type"}
    assert json.loads(side.read_text(encoding="utf-8"))["settings"] == {"cutoff": "2022-12-31"}
    data = read_crf(path)                                  # mapping=None -> saved mapping
    assert data.forms["treatment"]["surgery_type"].tolist() == ["bcs"]
    with pytest.raises(CRFReadError, match="has a patient ID column but no other column"):
        read_crf(path, mapping={})                         # explicit empty mapping: not used


def test_mapping_to_unknown_field_warns_and_falls_back(tmp_path):
    path = write_sheet(tmp_path / "m.xlsx", [["patient_id", "Sex"], ["1", "F"]])
    data = read_crf(path, mapping={"Sex": "gender_typo"})
    assert data.forms["patients"]["sex"].tolist() == ["female"]
    assert [f.rule for f in data.problems] == ["bad_mapping"]


def test_duplicate_columns_first_wins(tmp_path):
    path = write_sheet(tmp_path / "d.xlsx", [["patient_id", "sex", "Gender"], ["1", "F", "M"]])
    data = read_crf(path)
    assert data.forms["patients"]["sex"].tolist() == ["female"]
    assert data.unmatched_columns == [("Sheet1", "Gender")]
    assert [f.rule for f in data.problems] == ["duplicate_column"]


def test_sheet_without_patient_id_is_reported(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patients"
    ws.append(["patient_id", "sex"])
    ws.append(["1", "F"])
    ws2 = wb.create_sheet("Treatment")
    ws2.append(["Surgery", "Surgery date"])
    ws2.append(["bcs", "2019-01-01"])
    wb.save(tmp_path / "n.xlsx")
    data = read_crf(tmp_path / "n.xlsx")
    assert data.ignored_sheets == ["Treatment"]
    assert [(f.sheet, f.rule) for f in data.problems] == [("Treatment", "no_patient_id")]
    assert data.forms["treatment"].empty


# ------------------------------------------------------------------ progress / cancel

def test_progress_and_cancel(template):
    seen = []
    read_crf(template, progress=lambda f, t: seen.append((f, t)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("Treatment" in t for _, t in seen)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(ReadCancelled):
        read_crf(template, cancelled=cancel)


# ------------------------------------------------------------------ bad input

def _error(path, **kw):
    with pytest.raises(CRFReadError) as info:
        read_crf(path, **kw)
    return str(info.value)


def test_missing_file(tmp_path):
    assert "There is no file at" in _error(tmp_path / "nope.xlsx")


def test_directory(tmp_path):
    d = tmp_path / "folder.xlsx"
    d.mkdir()
    assert _error(d) == "'folder.xlsx' is a folder, not a file; choose the CRF workbook inside it."


def test_empty_file(tmp_path):
    for name in ("e.xlsx", "e.csv"):
        (tmp_path / name).write_bytes(b"")
        assert "is empty (0 bytes)" in _error(tmp_path / name)


def test_png_renamed(tmp_path):
    p = tmp_path / "pic.xlsx"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "is not an Excel workbook" in _error(p)
    c = tmp_path / "pic.csv"
    c.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "is not a text (CSV) file" in _error(c)


def test_text_renamed_xlsx(tmp_path):
    p = tmp_path / "t.xlsx"
    p.write_text("patient_id,sex\n1,F\n", encoding="utf-8")
    assert "is not an Excel workbook" in _error(p)


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile
    p = tmp_path / "z.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    for engine in (None, "openpyxl", "calamine"):
        assert "could not be read as an Excel workbook" in _error(p, engine=engine)


def test_password_protected(tmp_path):
    p = tmp_path / "secret.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    msg = _error(p)
    assert "password-protected" in msg and "secret.xlsx" in msg


def test_unsupported_extension(tmp_path):
    p = tmp_path / "crf.pdf"
    p.write_bytes(b"%PDF-1.4")
    assert _error(p) == ("'.pdf' files cannot be read; her2desk opens Excel workbooks (.xlsx, "
                         ".xlsm, .xls) and CSV files (.csv, .tsv), so save the CRF as one of those.")


def test_no_patient_id_column(tmp_path):
    p = write_sheet(tmp_path / "n.xlsx", [["sex", "ER"], ["F", 10]])
    assert _error(p) == ("No sheet has a Patient ID column; each sheet needs a header row with "
                         "columns such as Patient ID, Sex and Diagnosis date, as in the template.")
    q = write_sheet(tmp_path / "blank.xlsx", [["hello", "world"]])
    assert _error(q).startswith("No sheet has a Patient ID column")


def test_headers_but_no_rows(tmp_path):
    p = write_template(tmp_path / "empty_template.xlsx", {})
    msg = _error(p)
    assert "headers but no data rows" in msg and "'Patients'" in msg
    c = tmp_path / "h.csv"
    c.write_text("patient_id,sex\n", encoding="utf-8")
    assert _error(c) == "The sheet 'h' has headers but no data rows; enter one row per patient " \
                        "below the header row."


def test_bad_engine_name(template):
    with pytest.raises(ValueError):
        read_crf(template, engine="xlrd")


def test_wrong_sheet_dimension_is_ignored(tmp_path):
    """Some exporters write <dimension ref="A1"/>; both engines must still see every cell."""
    import re
    import zipfile
    src = write_sheet(tmp_path / "src.xlsx", [["title"], ["patient_id", "sex", "ER"],
                                              ["1", "F", 10], ["2", "M", 20]])
    dst = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1"/>', data)
                assert n == 1
            zout.writestr(item, data)
    for engine in ENGINES:
        pts = read_crf(dst, engine=engine).forms["patients"]
        assert pts["sex"].tolist() == ["female", "male"]
        assert pts["er_percent"].tolist() == [10.0, 20.0]
        assert pts["_row"].tolist() == [3, 4]


def test_round_trip_through_the_template_writer(template, tmp_path):
    tpl = pytest.importorskip("her2desk.crf.template")
    first = read_crf(template)
    out = tmp_path / "rewritten.xlsx"
    tpl.write_crf_workbook(out, first.forms)
    second = read_crf(out)
    assert second.layout == "template"
    assert second.ignored_sheets == []            # Instructions, Codebook, Lists skipped silently
    assert second.unmatched_columns == []
    assert second.problems == []                  # bad cells were already dropped to missing
    for form in cb.FORMS:
        pd.testing.assert_frame_equal(first.forms[form], second.forms[form])


def test_generic_headers_on_the_rebiopsy_sheet_mean_the_rebiopsy_fields(tmp_path):
    """'ER (%)', 'HER2', 'FISH' also name the primary tumour's fields; on the Rebiopsy sheet
    they must fill the rebiopsy fields, not add a second Patients row for the patient."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patients"
    ws.append(["Patient ID", "Sex", "Diagnosis date", "ER (%)", "PR (%)", "HER2 IHC"])
    ws.append(["P1", "F", "2019-03-05", 80, 20, "3+"])
    reb = wb.create_sheet("Rebiopsy")
    reb.append(["Patient ID", "Date", "Site", "ER (%)", "PR", "HER2", "FISH"])
    reb.append(["P1", "2021-01-01", "liver", 0, 5, "2+", 2.5])
    path = tmp_path / "reb.xlsx"
    wb.save(path)
    crf = read_crf(path, mapping={})
    pat = crf.forms["patients"]
    assert pat["patient_id"].tolist() == ["P1"]
    assert (pat.loc[0, "er_percent"], pat.loc[0, "her2_ihc"]) == (80.0, "3+")
    assert pd.isna(pat.loc[0, "her2_fish_ratio"])
    r = crf.forms["rebiopsy"].iloc[0]
    assert (r["rebiopsy_date"], r["rebiopsy_site"], r["rebiopsy_er_percent"],
            r["rebiopsy_pr_percent"], r["rebiopsy_her2_ihc"], r["rebiopsy_her2_fish_ratio"]) == (
        pd.Timestamp("2021-01-01"), "liver", 0.0, 5.0, "2+", 2.5)
    assert crf.mapping_used["Rebiopsy!HER2"] == "rebiopsy_her2_ihc"
    assert crf.unmatched_columns == []
    # a user mapping still wins
    crf2 = read_crf(path, mapping={"Rebiopsy!Site": ""})
    assert crf2.forms["rebiopsy"]["rebiopsy_site"].isna().all()


def test_csv_with_a_title_row_and_chinese_dates(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('"HER2-positive cohort, CRF export",,,\n,,,\n'
                    "Patient ID,Sex,Diagnosis date,ER (%)\n"
                    "1001,女,2019年3月5日,45%\n1002,F,2019 年 3 月 6 日,30\n", encoding="utf-8")
    crf = read_crf(path, mapping={})
    pat = crf.forms["patients"]
    assert pat["patient_id"].tolist() == ["1001", "1002"]
    assert pat["_row"].tolist() == [4, 5]
    assert pat["sex"].tolist() == ["female", "female"]
    assert pat["diagnosis_date"].tolist() == [pd.Timestamp("2019-03-05"), pd.Timestamp("2019-03-06")]
    assert pat["er_percent"].tolist() == [45.0, 30.0]
    assert crf.problems == [] and crf.layout == "csv"
