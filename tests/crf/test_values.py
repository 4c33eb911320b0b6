import datetime as dt

import numpy as np
import pandas as pd
import pytest

from her2desk.crf import codebook as cb
from her2desk.crf import values as v

T = pd.Timestamp


def parse(name, cells):
    return v.parse_column(cb.field(name), np.array(cells, dtype=object))


# ------------------------------------------------------------------ cell text

@pytest.mark.parametrize("cell, text", [
    (None, ""), ("", ""), ("  a b ", "a b"), (1001.0, "1001"), (1001, "1001"),
    (0.45, "0.45"), (True, "TRUE"), (False, "FALSE"),
    (dt.datetime(2019, 3, 5), "2019-03-05"), (dt.datetime(2019, 3, 5, 10, 30), "2019-03-05 10:30:00"),
    (dt.date(2019, 3, 5), "2019-03-05"), ("00123", "00123"), (float("nan"), ""),
])
def test_cell_text(cell, text):
    assert v.cell_text(cell) == text


# ------------------------------------------------------------------ ids and text

def test_id_keeps_text_and_drops_float_tail():
    p = parse("patient_id", [1001.0, "00123", " A-7 ", None, "", 12, 1001.5])
    assert p.values.tolist() == ["1001", "00123", "A-7", None, None, "12", "1001.5"]
    assert p.values.dtype == object
    assert p.issues == []


def test_text_field():
    p = parse("rebiopsy_site", ["  liver ", None, "肺"])
    assert p.values.tolist() == ["liver", None, "肺"]
    assert p.text.tolist() == ["liver", "", "肺"]


# ------------------------------------------------------------------ dates

def test_dates_in_every_accepted_form():
    cells = [dt.datetime(2019, 3, 5), dt.datetime(2019, 3, 5, 14, 0), dt.date(2019, 3, 5),
             43529, 43529.0, 43529.75, "43529", "2019-03-05", "2019/3/5", "2019.03.05",
             "05.03.2019", "5.3.2019", "2019年3月5日", "2019年03月05", "20190305", 20190305,
             "2019-03-05 00:00:00", "２０１９－０３－０５"]
    p = parse("surgery_date", cells)
    assert p.values.dtype == "datetime64[ns]"
    assert p.values.tolist() == [T("2019-03-05")] * len(cells)
    assert p.issues == []


def test_chinese_dates_with_spaces_day_words_and_times():
    cells = ["2019 年 3 月 5 日", "2019年 03月 05日", "2019年3月5号", "２０１９年３月５日",
             "2019年3月5日 14:30", "2019年3月5日10时30分"]
    p = parse("diagnosis_date", cells)
    assert p.values.tolist() == [T("2019-03-05")] * len(cells)
    assert p.issues == []
    bad = parse("diagnosis_date", ["2019年13月5日", "2019年3月"])
    assert bad.values.isna().all()
    assert [i.rule for i in bad.issues] == ["bad_date", "bad_date"]


def test_excel_serial_edges():
    assert v.excel_serial_to_date(1) == dt.date(1900, 1, 1)
    assert v.excel_serial_to_date(59) == dt.date(1900, 2, 28)
    assert v.excel_serial_to_date(60) is None          # Excel's phantom 1900-02-29
    assert v.excel_serial_to_date(61) == dt.date(1900, 3, 1)
    assert v.excel_serial_to_date(36526) == dt.date(2000, 1, 1)
    assert v.excel_serial_to_date(0) is None
    assert v.excel_serial_to_date(80000) is None        # after 2100


def test_missing_and_unknown_dates_are_silent():
    p = parse("death_date", [None, "", "  ", "unknown", "NA", "-", "不详"])
    assert p.values.isna().all()
    assert p.issues == []


def test_bad_dates_give_findings():
    cells = ["2019-13-45", "2019", 2019, "05/03/2019", "March 2019", 0, 99999, "1850-01-01",
             dt.time(10, 0), "2019-02-29"]
    p = parse("surgery_date", cells)
    assert p.values.isna().all()
    assert [i.pos for i in p.issues] == list(range(len(cells)))
    assert {i.rule for i in p.issues} == {"bad_date"}
    assert {i.severity for i in p.issues} == {"error"}
    assert p.issues[0].message == ("Surgery date '2019-13-45' is not a date this program can "
                                   "read; write it as year-month-day, such as 2019-03-05.")
    assert p.issues[1].message == ("Surgery date '2019' looks like a year only; write the full "
                                   "date, such as 2019-03-05.")
    assert p.issues[2].message == p.issues[1].message
    assert p.issues[3].message == ("Surgery date '05/03/2019' could be read day-first or "
                                   "month-first; write it as 2019-03-05 or 2019-05-03, whichever "
                                   "is meant.")
    unambiguous = parse("surgery_date", ["13/05/2016", "05/13/2016"])
    assert unambiguous.values.isna().all()
    assert [i.message for i in unambiguous.issues] == [
        "Surgery date '13/05/2016' is not in year-month-day order; write it as 2016-05-13.",
        "Surgery date '05/13/2016' is not in year-month-day order; write it as 2016-05-13."]


def test_same_bad_value_reported_at_every_position():
    p = parse("surgery_date", ["x", "2019-01-01", "x"])
    assert [i.pos for i in p.issues] == [0, 2]
    assert p.values.tolist()[1] == T("2019-01-01")


# ------------------------------------------------------------------ numbers

def test_numbers():
    p = parse("her2_fish_ratio", [2.5, "2.5", "2,5", " 3 ", 4, "unknown", None, "2.5x", ">2.2"])
    assert p.values.dtype == "float64"
    assert p.values.tolist()[:5] == [2.5, 2.5, 2.5, 3.0, 4.0]
    assert p.values.iloc[5:].isna().all()
    assert [(i.pos, i.rule) for i in p.issues] == [(7, "bad_number"), (8, "bad_number")]
    assert p.issues[0].message == ("HER2 FISH ratio '2.5x' is not a number this program can read; "
                                   "write digits only, such as 2.5.")


def test_integer_field_is_float():
    p = parse("age_at_diagnosis", [45, 45.0, "45", "forty"])
    assert p.values.tolist()[:3] == [45.0, 45.0, 45.0]
    assert p.issues[0].message.startswith("Age at diagnosis 'forty' is not a whole number")


# ------------------------------------------------------------------ percent

def test_percent_points_and_percent_text():
    p = parse("er_percent", [45, "45", "45%", "45 %", "４５％", 0, 100, "1", None])
    assert p.values.tolist()[:8] == [45.0, 45.0, 45.0, 45.0, 45.0, 0.0, 100.0, 1.0]
    assert np.isnan(p.values.iloc[8])
    assert p.issues == []


def test_percent_fraction_column_is_scaled():
    # Excel percent format: 0.45 shown as 45%; all numbers within 0-1, one not whole.
    p = parse("er_percent", [0.45, 0.9, 0, 1, 0.005, "30%", None])
    assert p.values.tolist()[:6] == [45.0, 90.0, 0.0, 100.0, 0.5, 30.0]
    assert p.issues == []


def test_percent_zero_one_integers_are_points():
    p = parse("pr_percent", [0, 1, 0, 1])
    assert p.values.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_percent_column_with_a_large_value_is_points():
    p = parse("ki67_percent", [0.5, 30, 0.2])
    assert p.values.tolist() == [0.5, 30.0, 0.2]


def test_percent_less_than_one_and_ranges():
    p = parse("ki67_percent", ["<1", "<1%", "10-20", "10%-20%", "10~20", "<10%", ">90%", "abc", "NA"])
    got = p.values.tolist()
    assert got[:7] == [0.5, 0.5, 15.0, 15.0, 15.0, 5.0, 95.0]
    assert np.isnan(got[7]) and np.isnan(got[8])
    assert [(i.pos, i.severity, i.rule) for i in p.issues] == [
        (2, "warning", "percent_range"), (3, "warning", "percent_range"),
        (4, "warning", "percent_range"), (5, "warning", "percent_range"),
        (6, "warning", "percent_range"), (7, "error", "bad_number")]
    assert p.issues[0].message == ("Ki-67 '10-20' is not a single value; 15 was used, so "
                                   "write one number if it is known.")


# ------------------------------------------------------------------ codes

def test_codes_from_labels_numbers_and_chinese():
    p = parse("sex", ["Female", "F", "female", 2, "2", "女", "女性", "Male", 1.0, "男", None])
    assert p.values.tolist() == ["female"] * 7 + ["male"] * 3 + [None]
    assert p.issues == []


def test_ihc_codes():
    p = parse("her2_ihc", ["3+", 3, "+++", "IHC 3+", "ihc2+", "2+", 1, "0", 0, "阴性", "Ⅲ"])
    assert p.values.tolist()[:10] == ["3+", "3+", "3+", "3+", "2+", "2+", "1+", "0", "0", "0"]
    assert p.values.iloc[10] is None
    assert [i.pos for i in p.issues] == [10]


def test_roman_grade_and_stage():
    p = parse("histological_grade", ["III", "Ⅱ", "G1", "grade 2", 3])
    assert p.values.tolist() == ["3", "2", "1", "2", "3"]
    p = parse("t_stage", ["T1c", "t2", 4, "Tx"])
    assert p.values.tolist() == ["T1", "T2", "T4", "Tx"]


def test_unknown_code_is_missing_without_finding():
    p = parse("menopausal_status", ["unknown", "UNK", "NA", "n/a", "-", "?", "未知", "不详"])
    assert p.values.tolist() == [None] * 8
    assert p.issues == []


def test_cause_of_death_keeps_explicit_unknown():
    p = parse("cause_of_death", ["Unknown", "未知", "9", "not known", "NA", "-", "Breast cancer", 1])
    assert p.values.tolist() == ["unknown"] * 4 + [None, None, "breast_cancer", "breast_cancer"]
    assert p.issues == []


def test_bad_code_lists_allowed_labels():
    p = parse("laterality", ["left", "middle"])
    assert p.values.tolist() == ["left", None]
    (issue,) = p.issues
    assert (issue.pos, issue.rule, issue.severity) == (1, "bad_code", "error")
    assert issue.message == ("Affected breast 'middle' is not one of the allowed values "
                             "(Left, Right, Bilateral).")


# ------------------------------------------------------------------ yes/no

def test_yes_no():
    cells = ["Yes", "y", "YES", 1, 1.0, "1", True, "是", "有", "阳性",
             "No", "n", 0, "0", False, "否", "无", "阴性",
             "unknown", None, "maybe"]
    p = parse("family_history", cells)
    assert str(p.values.dtype) == "boolean"
    assert p.values.iloc[:10].tolist() == [True] * 10
    assert p.values.iloc[10:18].tolist() == [False] * 8
    assert p.values.iloc[18:].isna().all()
    (issue,) = p.issues
    assert (issue.pos, issue.rule) == (20, "bad_yesno")
    assert issue.message == ("Family history 'maybe' is not yes or no; write Yes, No or Unknown.")


def test_empty_column_dtypes():
    assert v.empty_column(cb.field("surgery_date"), 2).dtype == "datetime64[ns]"
    assert v.empty_column(cb.field("er_percent"), 2).dtype == "float64"
    assert str(v.empty_column(cb.field("met_lung"), 2).dtype) == "boolean"
    assert v.empty_column(cb.field("sex"), 2).tolist() == [None, None]


def test_surgery_in_the_words_chinese_records_use():
    p = parse("surgery_type", ["保乳手术", "乳腺癌改良根治术", "改良根治术", "保乳", "未手术"])
    assert list(p.values) == ["bcs", "mastectomy", "mastectomy", "bcs", "none"]
    assert p.issues == []
