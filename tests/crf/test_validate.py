import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest

from her2desk.crf.model import ERROR, WARNING, CRFData, Finding
from her2desk.crf.validate import (FINDING_COLUMNS, ValidationReport, validate_crf,
                                   write_validation_report)

from crf_factory import clean_patient, make_crf

TODAY = dt.date(2024, 6, 1)


def by_rule(report, rule):
    """The findings of one rule, in report order."""
    return tuple(f for f in report if f.rule == rule)


def study(*patients, first_line=(), rebiopsy=(), **kw):
    """CRFData from clean_patient() records, one-row forms in patient order."""
    forms = {"patients": [], "treatment": [], "outcomes": []}
    for recs in patients:
        for form, rec in recs.items():
            forms[form].append(rec)
    return make_crf(**forms, first_line=list(first_line), rebiopsy=list(rebiopsy), **kw)


def run(crf, **kw):
    kw.setdefault("today", TODAY)
    return validate_crf(crf, **kw)


def only(report, rule):
    hits = by_rule(report, rule)
    assert len(hits) == 1, [f.message for f in report]
    return hits[0]


def metastatic(pid="P001"):
    p = clean_patient(pid)
    p["outcomes"].update(distant_metastasis_date="2018-03-01", met_lung=True, met_bone=True,
                         first_met_lung=True)
    return p


# ---------------------------------------------------------------------------


def test_clean_study_has_no_findings():
    a, b = clean_patient("P001"), metastatic("P002")
    b["patients"].update(her2_ihc="2+", her2_fish_ratio=3.1)
    b["treatment"].update(neoadjuvant_therapy=True, miller_payne_grade="5", ypn_positive=False)
    b["outcomes"].update(vital_status="dead", death_date="2020-01-01",
                         last_followup_date="2020-01-01", cause_of_death="breast_cancer")
    crf = study(a, b, first_line=[dict(patient_id="P002", first_line_start_date="2018-03-10",
                                       first_line_her2_agents="trastuzumab+pertuzumab",
                                       progression_date="2019-05-01")],
                rebiopsy=[dict(patient_id="P002", rebiopsy_date="2018-03-05",
                               rebiopsy_her2_ihc="2+", rebiopsy_her2_fish_ratio=2.5),
                          dict(patient_id="P002", rebiopsy_date="2019-06-01",
                               rebiopsy_her2_ihc="3+")])
    report = run(crf, cutoff=dt.date(2023, 12, 31))
    assert report.findings == ()
    assert report.ok and report.counts() == {"error": 0, "warning": 0}
    assert list(report.to_frame().columns) == list(FINDING_COLUMNS)


def test_reader_problems_come_first():
    problem = Finding(ERROR, "P001", "Patients", 2, "ER (%)", "strong", "ER 'strong' is not a "
                      "number.", "er_percent", "parse")
    p = clean_patient()
    crf = study(p, problems=[problem])
    crf.forms["patients"].loc[0, "er_percent"] = np.nan
    crf.raw["patients"].loc[0, "er_percent"] = "strong"
    report = run(crf)
    # the unreadable required cell is the reader's finding, not also "required but blank"
    assert report.findings == (problem,)


def test_missing_patient_id_row_is_reported():
    p = clean_patient()
    crf = study(p, rebiopsy=[dict(patient_id="P001", rebiopsy_date="2018-01-01"),
                             dict(rebiopsy_date="2018-02-01", rebiopsy_site="liver")],
                rows={"rebiopsy": [4, 7]})
    f = only(run(crf), "missing_patient_id")
    assert (f.severity, f.patient_id, f.sheet, f.row, f.column, f.value) == (
        ERROR, "", "Rebiopsy", 7, "Patient ID", "")
    assert "no Patient ID" in f.message


def test_blank_text_id_counts_as_missing():
    p = clean_patient(pid="  ")
    hits = by_rule(run(study(p)), "missing_patient_id")
    assert [(f.sheet, f.row, f.value) for f in hits] == [
        ("Patients", 2, "  "), ("Treatment", 2, "  "), ("Outcomes", 2, "  ")]


def test_duplicate_patient_names_first_row():
    a, b, c = clean_patient("P001"), clean_patient("P002"), clean_patient("P001")
    crf = study(a, b, c, rows={"patients": [2, 3, 9]})
    dups = by_rule(run(crf), "duplicate_patient")
    sheets = sorted((f.sheet, f.row) for f in dups)
    assert sheets == [("Outcomes", 4), ("Patients", 9), ("Treatment", 4)]
    f = [d for d in dups if d.sheet == "Patients"][0]
    assert (f.severity, f.patient_id, f.column, f.value) == (ERROR, "P001", "Patient ID", "P001")
    assert f.message == ("Patient ID P001 appears more than once on the Patients sheet "
                         "(first on row 2); only the first row is used.")


def test_patient_missing_from_patients_sheet_and_from_outcomes():
    a, b = clean_patient("P001"), clean_patient("P002")
    del b["patients"]
    crf = study(a, b)
    unknown = by_rule(run(crf), "unknown_patient")
    assert sorted((u.sheet, u.row, u.patient_id, u.severity) for u in unknown) == [
        ("Outcomes", 3, "P002", WARNING), ("Treatment", 3, "P002", WARNING)]
    assert unknown[0].message.endswith("but not on the Patients sheet, so this row is not used.")
    c = clean_patient("P003")
    del c["outcomes"]
    f = only(run(study(a, c)), "missing_form_row")
    assert (f.severity, f.patient_id, f.sheet, f.row) == (WARNING, "P003", "Patients", 3)
    assert f.message == "Patient P003 has no row on the Outcomes sheet."


def test_required_blank():
    p = clean_patient()
    p["patients"]["sex"] = None
    p["outcomes"]["vital_status"] = None
    report = run(study(p))
    req = by_rule(report, "required")
    assert sorted((f.sheet, f.column) for f in req) == [("Outcomes", "Vital status"),
                                                         ("Patients", "Sex")]
    sex = [f for f in req if f.field == "sex"][0]
    assert (sex.severity, sex.row, sex.value, sex.message) == (
        ERROR, 2, "", "Sex is required but blank.")


def test_required_column_missing_from_file():
    p = clean_patient()
    crf = study(p)
    del crf.headers["patients"]["laterality"]
    f = only(run(crf), "required_column")
    assert (f.severity, f.sheet, f.row, f.column) == (ERROR, "Patients", None, "Affected breast")
    assert "'Affected breast' is missing from the Patients sheet" in f.message


@pytest.mark.parametrize("field, value, column, message", [
    ("er_percent", 150.0, "ER (%)", "ER 150% is outside the allowed range 0 to 100%."),
    ("age_at_diagnosis", 7, "Age at diagnosis (years)",
     "Age at diagnosis 7 years is outside the allowed range 10 to 110 years."),
    ("ecog_ps", 5, "ECOG PS", "ECOG PS 5 is outside the allowed range 0 to 4."),
    ("her2_fish_ratio", 62.5, "HER2 FISH ratio",
     "HER2 FISH ratio 62.5 is outside the allowed range 0 to 50."),
    ("ki67_percent", -3.0, "Ki-67 (%)", "Ki-67 -3% is outside the allowed range 0 to 100%."),
])
def test_number_out_of_range(field, value, column, message):
    p = clean_patient()
    p["patients"][field] = value
    if field == "age_at_diagnosis":
        p["patients"]["birth_date"] = None       # no age/birth-date mismatch as well
    report = run(study(p))
    f = only(report, "out_of_range")
    assert (f.severity, f.patient_id, f.sheet, f.row, f.column, f.field) == (
        ERROR, "P001", "Patients", 2, column, field)
    assert f.message == message
    assert len(report) == 1


def test_out_of_range_on_rebiopsy_rows():
    crf = study(clean_patient(), rebiopsy=[dict(patient_id="P001", rebiopsy_er_percent=10.0),
                                           dict(patient_id="P001", rebiopsy_er_percent=101.0)])
    f = only(run(crf), "out_of_range")
    assert (f.sheet, f.row, f.column, f.value) == ("Rebiopsy", 3, "Rebiopsy ER (%)", "101")


def test_death_before_surgery_message_value_and_header():
    p = clean_patient()
    p["patients"]["diagnosis_date"] = "2015-01-05"
    p["patients"]["admission_date"] = "2015-01-02"
    p["patients"]["age_at_diagnosis"] = 54
    p["treatment"]["surgery_date"] = "2016-01-10"
    p["outcomes"].update(vital_status="dead", death_date="2015-03-02",
                         last_followup_date="2015-03-02", cause_of_death="breast_cancer")
    crf = study(p, raw={"outcomes": [{"death_date": "2015/3/2"}]},
                headers={"outcomes": {"death_date": "死亡日期"}})
    f = only(run(crf), "date_order")
    assert (f.severity, f.patient_id, f.sheet, f.row, f.column, f.value, f.field) == (
        ERROR, "P001", "Outcomes", 2, "死亡日期", "2015/3/2", "death_date")
    assert f.message == "Death date 2015-03-02 is before surgery date 2016-01-10."


@pytest.mark.parametrize("form, field, value, expected", [
    ("patients", "birth_date", "2016-03-01",
     "Birth date 2016-03-01 is after diagnosis date 2016-01-05."),
    ("treatment", "surgery_date", "2015-12-20",
     "Surgery date 2015-12-20 is before diagnosis date 2016-01-05."),
    ("outcomes", "locoregional_recurrence_date", "2015-06-01",
     "Locoregional recurrence date 2015-06-01 is before diagnosis date 2016-01-05."),
    ("outcomes", "distant_metastasis_date", "2015-11-30",
     "Distant metastasis date 2015-11-30 is before diagnosis date 2016-01-05."),
    ("outcomes", "last_followup_date", "2015-12-31",
     "Last follow-up date 2015-12-31 is before diagnosis date 2016-01-05."),
])
def test_dates_before_diagnosis(form, field, value, expected):
    p = clean_patient()
    p[form][field] = value
    if field == "birth_date":
        p["patients"]["age_at_diagnosis"] = None
    report = run(study(p))
    f = [x for x in by_rule(report, "date_order") if x.field == field]
    assert len(f) == 1 and f[0].message == expected and f[0].severity == ERROR
    assert f[0].sheet == {"patients": "Patients", "treatment": "Treatment",
                          "outcomes": "Outcomes"}[form]


def test_first_line_dates():
    p = metastatic()
    crf = study(p, first_line=[dict(patient_id="P001", first_line_start_date="2018-02-01",
                                    progression_date="2018-01-15")])
    report = run(crf)
    prog = [f for f in by_rule(report, "date_order") if f.field == "progression_date"]
    assert [f.message for f in prog] == [
        "Progression date 2018-01-15 is before first-line start date 2018-02-01."]
    assert (prog[0].sheet, prog[0].row, prog[0].column) == ("First-line MBC", 2,
                                                           "Progression date")
    start = [f for f in by_rule(report, "date_order") if f.field == "first_line_start_date"][0]
    assert start.severity == WARNING
    assert start.message == (
        "First-line start date 2018-02-01 is before distant metastasis date 2018-03-01; "
        "first-line treatment for metastatic disease normally starts after metastasis is "
        "diagnosed.")


def test_last_followup_before_death_is_a_warning():
    p = clean_patient()
    p["outcomes"].update(vital_status="dead", death_date="2019-05-05",
                         cause_of_death="breast_cancer", last_followup_date="2019-01-01")
    f = only(run(study(p)), "followup_order")
    assert (f.severity, f.column, f.value) == (WARNING, "Last follow-up date", "2019-01-01")
    assert f.message == ("Last follow-up date 2019-01-01 is before death date 2019-05-05; for a "
                         "patient who died, the last follow-up date should be the death date.")


def test_event_after_last_followup_is_a_warning():
    p = clean_patient()
    p["outcomes"]["locoregional_recurrence_date"] = "2021-01-01"
    f = only(run(study(p)), "followup_order")
    assert f.field == "locoregional_recurrence_date" and f.severity == WARNING


def test_dates_after_cutoff_and_in_future():
    p = clean_patient()
    p["outcomes"]["last_followup_date"] = "2024-02-01"
    p["patients"]["admission_date"] = "2030-01-01"
    report = run(study(p), cutoff=dt.date(2023, 12, 31))
    cut = only(report, "after_cutoff")
    assert (cut.severity, cut.sheet, cut.column, cut.value) == (
        ERROR, "Outcomes", "Last follow-up date", "2024-02-01")
    assert cut.message == "Last follow-up date 2024-02-01 is after the data cutoff 2023-12-31."
    fut = only(report, "future_date")
    assert (fut.severity, fut.field) == (ERROR, "admission_date")
    assert fut.message == "Admission date 2030-01-01 is in the future (today is 2024-06-01)."
    # without a cutoff only the future date is an error
    assert [f.rule for f in run(study(p)).errors] == ["future_date"]


def test_age_inconsistent_with_dates():
    p = clean_patient()
    p["patients"]["age_at_diagnosis"] = 57     # dates give 55.7 years
    f = only(run(study(p)), "age_mismatch")
    assert (f.severity, f.column, f.value) == (WARNING, "Age at diagnosis (years)", "57")
    assert f.message == ("Age at diagnosis 57 does not match the birth and diagnosis dates, "
                         "which give 55 years.")
    p["patients"]["age_at_diagnosis"] = 56     # within a year: fine
    assert by_rule(run(study(p)), "age_mismatch") == ()


def test_ihc_2plus_without_fish_primary_and_rebiopsy():
    p = clean_patient()
    p["patients"]["her2_ihc"] = "2+"
    crf = study(p, rebiopsy=[dict(patient_id="P001", rebiopsy_her2_ihc="3+"),
                             dict(patient_id="P001", rebiopsy_her2_ihc="2+")])
    hits = by_rule(run(crf), "her2_fish_missing")
    assert [(f.sheet, f.row, f.column, f.severity) for f in hits] == [
        ("Patients", 2, "HER2 FISH ratio", WARNING),
        ("Rebiopsy", 3, "Rebiopsy HER2 FISH ratio", WARNING)]
    assert hits[0].message == ("HER2 is IHC 2+ but no FISH ratio is recorded (positive from 2.2), "
                               "so HER2 status is unknown; the patient is excluded unless a "
                               "metastatic biopsy is HER2-positive.")


def test_her2_negative_is_not_a_data_problem():
    """Eligibility explains HER2-negative exclusions; validation stays quiet about them."""
    p = clean_patient()
    p["patients"].update(her2_ihc="2+", her2_fish_ratio=2.1)
    q = clean_patient("P002")
    q["patients"]["her2_ihc"] = "1+"
    report = run(study(p, q))
    assert [f for f in report.findings if f.field.startswith("her2")] == []


def test_vital_status_rules():
    dead = clean_patient("P001")
    dead["outcomes"].update(vital_status="dead", cause_of_death="breast_cancer")
    alive = clean_patient("P002")
    alive["outcomes"].update(death_date="2019-01-01", cause_of_death="non_cancer")
    nocause = clean_patient("P003")
    nocause["outcomes"].update(vital_status="dead", death_date="2020-06-30")
    report = run(study(dead, alive, nocause))
    f = only(report, "death_date_missing")
    assert (f.patient_id, f.severity, f.column, f.row) == ("P001", ERROR, "Death date", 2)
    assert f.message == "Vital status is Dead but the death date is blank."
    f = only(report, "vital_status_conflict")
    assert (f.patient_id, f.severity, f.column, f.value) == ("P002", ERROR, "Vital status",
                                                            "alive")
    assert f.message == "A death date (2019-01-01) is recorded but vital status is Alive."
    f = only(report, "cause_of_death_missing")
    assert (f.patient_id, f.severity, f.column) == ("P003", WARNING, "Cause of death")
    assert "eligibility rules exclude" in f.message


def test_metastatic_site_without_date_and_first_site_conflict():
    p = clean_patient()
    p["outcomes"].update(met_liver=True, met_bone=False, first_met_liver=True,
                         first_met_bone=True)
    report = run(study(p))
    f = only(report, "metastasis_date_missing")
    assert (f.severity, f.column, f.value) == (ERROR, "Distant metastasis date", "")
    assert f.message == ("Metastatic sites are recorded (liver, bone) but the distant metastasis "
                         "date is blank.")
    f = only(report, "first_site_conflict")
    assert (f.severity, f.field, f.column, f.value) == (ERROR, "first_met_bone",
                                                       "First site: bone", "Yes")
    assert f.message == ("The bone is marked as a first metastatic site but not as a metastatic "
                         "site at any time.")


def test_first_line_without_metastatic_disease():
    a, b = clean_patient("P001"), clean_patient("P002")
    b["patients"]["m_stage"] = "M1"
    b["outcomes"]["met_bone"] = True
    b["outcomes"]["distant_metastasis_date"] = "2016-01-05"
    c = clean_patient("P003")
    crf = study(a, b, c, first_line=[
        dict(patient_id="P001", first_line_chemotherapy=True),
        dict(patient_id="P002", first_line_start_date="2016-01-20"),
        dict(patient_id="P003")])               # an empty row is no data
    f = only(run(crf), "first_line_without_mbc")
    assert (f.patient_id, f.severity, f.sheet, f.row, f.column, f.value) == (
        "P001", ERROR, "First-line MBC", 2, "First-line chemotherapy", "Yes")
    assert "no metastatic disease" in f.message
    # de novo M1 counts as metastatic even without a metastasis date
    b["outcomes"]["distant_metastasis_date"] = None
    b["outcomes"]["met_bone"] = None
    crf = study(b, first_line=[dict(patient_id="P002", first_line_start_date="2016-01-20")])
    assert by_rule(run(crf), "first_line_without_mbc") == ()


def test_miller_payne_rules():
    no_neo = clean_patient("P001")
    no_neo["treatment"].update(neoadjuvant_therapy=False, miller_payne_grade="3")
    neo_no_grade = clean_patient("P002")
    neo_no_grade["treatment"]["neoadjuvant_therapy"] = True
    g5 = clean_patient("P003")
    g5["treatment"].update(neoadjuvant_therapy=True, miller_payne_grade="5")
    report = run(study(no_neo, neo_no_grade, g5))
    f = only(report, "miller_payne_without_neoadjuvant")
    assert (f.patient_id, f.severity, f.column, f.value) == ("P001", WARNING,
                                                            "Miller-Payne grade", "3")
    assert f.message == "Miller–Payne grade 3 is recorded but neoadjuvant therapy is No."
    f = only(report, "miller_payne_missing")
    assert (f.patient_id, f.severity, f.row) == ("P002", WARNING, 3)
    f = only(report, "ypn_missing")
    assert (f.patient_id, f.severity, f.column, f.value) == ("P003", WARNING, "ypN positive", "")
    assert "counted as pCR" in f.message
    assert len(report) == 3


def test_report_helpers():
    a = clean_patient("P001")
    a["patients"].update(sex=None, er_percent=120.0)
    b = clean_patient("P002")
    b["patients"]["her2_ihc"] = "2+"
    report = run(study(a, b))
    assert report.counts() == {"error": 2, "warning": 1}
    assert report.errors_by_patient() == {"P001": {"sex", "er_percent"}}
    assert not report.ok
    frame = report.to_frame()
    assert list(frame.columns) == list(FINDING_COLUMNS)
    assert frame["row"].tolist() == [2, 2, 3]
    table = report.counts_by_rule()
    assert table.set_index("rule")[["errors", "warnings"]].to_dict("index") == {
        "required": {"errors": 1, "warnings": 0},
        "out_of_range": {"errors": 1, "warnings": 0},
        "her2_fish_missing": {"errors": 0, "warnings": 1}}
    assert isinstance(report, ValidationReport) and len(report) == 3


def test_export_round_trip(tmp_path):
    a = clean_patient("P001")
    a["patients"]["er_percent"] = 120.0
    a["outcomes"]["vital_status"] = "dead"
    report = run(study(a))
    path = tmp_path / "findings.xlsx"
    write_validation_report(report, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Findings", "Summary"]
    ws = wb["Findings"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:I{len(report) + 1}"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Severity", "Patient ID", "Sheet", "Row", "Column", "Value", "Message",
                       "Field", "Rule")
    back = [Finding(r[0], r[1] or "", r[2] or "", r[3], r[4] or "", r[5] or "", r[6], r[7] or "",
                    r[8] or "") for r in rows[1:]]
    assert tuple(back) == report.findings
    assert ws["A1"].font.bold
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert summary[0] == ("Rule", "Description", "Errors", "Warnings", "Total")
    assert summary[-1] == ("Total", None, report.n_errors, report.n_warnings, len(report))
    assert ("out_of_range", "Number outside the allowed range", 1, 0, 1) in summary


def test_export_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "findings.xlsx"
    path.write_bytes(b"previous")
    monkeypatch.setattr(openpyxl.Workbook, "save", lambda self, f: (_ for _ in ()).throw(
        OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        write_validation_report(ValidationReport(), path)
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.xlsx"]


@pytest.mark.slow
def test_hundred_thousand_patients_validate_fast():
    n = 100_000
    base = study(clean_patient("X"), first_line=[dict(patient_id="X")])
    forms, raws = {}, {}
    for name, frame in base.forms.items():
        if not len(frame):
            forms[name], raws[name] = frame, base.raw[name]
            continue
        pick = np.zeros(n, dtype=int)
        big = frame.iloc[pick].reset_index(drop=True)
        rawbig = base.raw[name].iloc[pick].reset_index(drop=True)
        ids = [f"P{i:06d}" for i in range(n)]
        big["patient_id"], rawbig["patient_id"] = ids, ids
        big["_row"] = rawbig["_row"] = np.arange(2, n + 2)
        forms[name], raws[name] = big, rawbig
    bad = np.arange(0, n, 50)
    forms["patients"].loc[bad, "er_percent"] = 150.0
    forms["outcomes"].loc[bad, "death_date"] = pd.Timestamp("2015-01-01")
    crf = CRFData(forms=forms, raw=raws, headers=base.headers)
    report = validate_crf(crf, cutoff=dt.date(2023, 1, 1), today=TODAY)
    counts = report.counts_by_rule().set_index("rule")["total"].to_dict()
    # per bad patient: ER out of range; death before diagnosis and before surgery;
    # death date with vital status alive; no cause of death
    assert counts == {"out_of_range": len(bad), "date_order": 2 * len(bad),
                      "vital_status_conflict": len(bad), "cause_of_death_missing": len(bad)}


def test_metastasis_shortly_before_diagnosis_is_de_novo_not_an_error():
    near = clean_patient("P001")
    near["outcomes"].update(distant_metastasis_date="2015-12-20", met_bone=True)  # 16 days
    far = clean_patient("P002")
    far["outcomes"].update(distant_metastasis_date="2015-10-01", met_bone=True)   # 96 days
    report = run(study(near, far))
    hits = by_rule(report, "date_order")
    assert [(f.patient_id, f.severity) for f in hits] == [("P001", WARNING), ("P002", ERROR)]
    assert hits[0].message == ("Distant metastasis date 2015-12-20 is before diagnosis date "
                               "2016-01-05; it is within 30 days, so the patient is counted as "
                               "de novo metastatic disease.")
    assert hits[1].message == ("Distant metastasis date 2015-10-01 is before diagnosis date "
                               "2016-01-05.")
    # the window is a setting
    wide = by_rule(run(study(near, far), de_novo_window_days=100), "date_order")
    assert [f.severity for f in wide] == [WARNING, WARNING]


def test_last_followup_before_surgery_is_an_error():
    p = clean_patient()
    p["outcomes"]["last_followup_date"] = "2016-02-01"       # surgery 2016-02-10
    f = only(run(study(p)), "date_order")
    assert (f.severity, f.field, f.value) == (ERROR, "last_followup_date", "2016-02-01")
    assert f.message == ("Last follow-up date 2016-02-01 is before surgery date 2016-02-10, but "
                         "follow-up is counted from surgery, so it cannot be earlier.")


def test_every_message_is_one_plain_sentence():
    """No field names, no Python reprs, one sentence (a single full stop, at the end)."""
    import re
    from her2desk.crf import codebook as cb
    a = metastatic("P001")
    a["outcomes"].update(first_met_bone=True, met_bone=False, last_followup_date="2018-01-01",
                         vital_status="dead", death_date="2018-06-01")
    a["patients"].update(her2_ihc="2+", er_percent=150, age_at_diagnosis=30)
    a["treatment"].update(neoadjuvant_therapy=True, miller_payne_grade="5")
    b = clean_patient("P002")
    b["outcomes"]["last_followup_date"] = "2016-02-01"
    report = run(study(a, b, first_line=[dict(patient_id="P002", first_line_start_date="2017-01-01")]),
                 cutoff=dt.date(2017, 12, 31))
    assert len({f.rule for f in report}) >= 8
    names = [f.name for f in cb.FIELDS if "_" in f.name]
    for f in report:
        m = f.message
        assert m.endswith(".") and not re.search(r"[.!?] +[A-Z]", m), m
        assert not any(n in m for n in names), m
        assert "None" not in m and "nan" not in m and "Timestamp" not in m, m
