"""report.xlsx and results.json when an estimate does not exist: no "nan", "inf" or misleading "NR"."""
from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import openpyxl
import pytest

from her2desk.analysis.endpoints import GroupSurvival
from her2desk.analysis.survival import kaplan_meier
from her2desk.report.excel_report import build_report_workbook
from her2desk.report.format import format_median_ci
from her2desk.report.results_json import _num, results_to_dict
from her2desk.report.study_report import write_study_report

from report_sheets import footnotes, row, table_rows

EVENTS = ("os_event", "dfs_event", "advanced_os_event", "pfs_event")


def _write(cohort, out):
    from her2desk.analysis.study import run_study
    from her2desk.cohort.loading import flowchart

    results = run_study(cohort, flowchart=flowchart(cohort))
    write_study_report(results, out)
    payload = json.loads((out / "results.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(out / "report.xlsx")
    return results, payload, wb


def _no_nan_or_inf_text(wb):
    for ws in wb.worksheets:
        for r in ws.iter_rows(values_only=True):
            for v in r or ():
                if isinstance(v, str):
                    assert not {"nan", "inf"} & set(v.replace("(", " ").replace(")", " ")
                                                    .replace("–", " ").split()), (ws.title, v)
                elif isinstance(v, float):
                    assert math.isfinite(v), (ws.title, v)


HR, LO, HI = ("HR (95% CI)", "HR"), ("HR (95% CI)", "95% CI lower"), ("HR (95% CI)", "95% CI upper")


# -- Cox sheet: a coefficient R reports as NA ---------------------------------------------------

@pytest.fixture(scope="module")
def t4_not_estimable(sample_study, tmp_path_factory):
    """Every patient with liver metastasis lacks Ki-67, so liver metastasis (Yes vs No) cannot
    be estimated in the paper's multivariate OS model (its patients are dropped)."""
    c = sample_study.cohort.copy()
    c.loc[c["metastasis_liver"] == "Yes", "ki67_group"] = None
    return _write(c, tmp_path_factory.mktemp("t4"))


def test_cox_sheet_prints_not_estimable_instead_of_nan(t4_not_estimable):
    results, payload, wb = t4_not_estimable
    m = results.cox.multivariate("OS")
    t4 = next(t for t in m.terms if t.variable == "metastasis_liver")
    assert math.isnan(t4.hazard_ratio) and all(math.isnan(x) for x in t4.ci)
    ws = wb["Cox"]
    title = (f"OS: multivariate model (n = {m.n}, events = {m.events}, "
             f"{m.n_dropped} rows dropped for missing values)")
    level = ("Level vs reference", None)
    r4 = row(ws, title, "Liver metastasis", "Yes vs No", level)
    assert r4[HR].startswith("not estimable") and (r4[LO], r4[HI], r4[("P", "P")]) == (None, None, "—")
    t2 = next(t for t in m.terms if t.variable == "metastasis_brain_cns")
    r2 = row(ws, title, "Brain/CNS metastasis", "Yes vs No", level)
    assert (r2[HR], r2[LO], r2[HI]) == (pytest.approx(t2.hazard_ratio), pytest.approx(t2.ci[0]),
                                        pytest.approx(t2.ci[1]))
    labels = [r["label"] for r in table_rows(ws)]
    assert ws.cell(4 + labels.index("Brain/CNS metastasis"), 3).number_format == "0.00"
    assert any(n.startswith("OS: 'metastasis_liver=Yes' is constant or collinear")
               for n in footnotes(ws))
    js = next(x for x in payload["cox"]["models"] if x["endpoint"] == "OS" and x["kind"] == "multivariate")
    jt4 = next(t for t in js["terms"] if t["variable"] == "metastasis_liver")
    assert (jt4["hazard_ratio"], jt4["ci"], jt4["p_value"]) == (None, [None, None], None)
    _no_nan_or_inf_text(wb)


# -- Survival sheet and results.json: one group without events ---------------------------------

@pytest.fixture(scope="module")
def hr_pos_without_events(sample_study, tmp_path_factory):
    c = sample_study.cohort.copy()
    mask = c["hr_status"] == "HR+/HER2+"
    for col in EVENTS:
        c.loc[c[col].notna() & mask, col] = False
    return _write(c, tmp_path_factory.mktemp("noevents"))


def test_survival_hr_with_infinite_ci_is_not_estimable(hr_pos_without_events):
    results, payload, wb = hr_pos_without_events
    s = next(x for x in results.survival if x.key == "os_hr")
    h = s.hazard_ratios[0]
    assert h.hazard_ratio < 1e-3 and h.ci[0] == 0.0 and math.isinf(h.ci[1])
    ws = wb["Survival"]
    r = row(ws, s.title, "HR+/HER2+")
    assert (r[("n", "n")], r[("Events", "Events")]) == (s.groups[0].n, 0)
    # no events: genuinely not reached
    assert r[("Median, months", "Median, months")] == "NR"
    assert (r[("95% CI", "95% CI lower")], r[("95% CI", "95% CI upper")]) == ("NR", "NR")
    assert (r[HR], r[("Cox P", "P")]) == ("not estimable", "—")
    assert row(ws, s.title, "HR-/HER2+")[HR] == "1 (reference)"
    # the reason is printed under the table and carried in results.json
    note = next(n for n in s.notes if "may be infinite" in n)
    assert f"{s.title}: {note}" in footnotes(ws)
    js = next(x for x in payload["survival"] if x["key"] == "os_hr")
    assert js["hazard_ratio_ci"] == [0.0, None]                 # inf -> null
    assert js["hazard_ratios"][0]["ci"] == [0.0, None]
    assert note in js["notes"]
    _no_nan_or_inf_text(wb)


def test_json_nulls_every_non_finite_number(sample_results, tmp_path):
    assert [_num(x) for x in (math.inf, -math.inf, math.nan, np.float32("inf"), np.float64("-inf"),
                              np.float64(2.5), np.int64(3))] == [None, None, None, None, None, 2.5, 3]
    s = next(x for x in sample_results.survival if x.key == "os_hr")
    h = dataclasses.replace(s.hazard_ratios[0], hazard_ratio=math.inf, ci=(math.nan, math.inf))
    broken = dataclasses.replace(sample_results, survival=(dataclasses.replace(
        s, hazard_ratios=(h,), notes=("The HR is infinite.",)),))
    js = results_to_dict(broken)["survival"][0]
    assert (js["hazard_ratio"], js["hazard_ratio_ci"]) == (None, [None, None])
    assert js["hazard_ratios"][0]["hazard_ratio"] is None
    assert js["notes"] == ["The HR is infinite."]
    write_study_report(broken, tmp_path)                       # allow_nan=False would raise
    wb = build_report_workbook(broken)
    r = row(wb["Survival"], s.title, "HR+/HER2+")
    assert (r[HR], r[("Cox P", "P")]) == ("not estimable", "—")


# -- Median CI: NE (not estimable) vs NR (not reached) ----------------------------------------

def test_median_ci_lower_limit_ne_when_median_reached():
    # 1 death at month 1 of 20, then the other 19 at month 2: S drops 0.95 -> 0, so the log-scale
    # band is NA at S = 0 and the lower band never reaches 0.5 (R: median 2, LCL NA, UCL NA).
    km = kaplan_meier([1.0] + [2.0] * 19, [1] * 20)
    assert km.median == 2.0 and all(math.isnan(x) for x in km.median_ci)
    assert format_median_ci(*km.median_ci, km.median) == "NE–NR"
    censored = kaplan_meier([1.0, 2.0, 3.0], [0, 0, 0])          # no events: nothing reached
    assert math.isnan(censored.median)
    assert format_median_ci(*censored.median_ci, censored.median) == "NR–NR"
    km3 = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    assert (km3.median, km3.median_ci[0]) == (2.5, 1.0) and math.isnan(km3.median_ci[1])
    assert format_median_ci(*km3.median_ci, km3.median) == "1.0–NR"


def test_survival_sheet_median_ci_ne_and_footnote(sample_results):
    km = kaplan_meier([1.0] + [2.0] * 19, [1] * 20)
    s = next(x for x in sample_results.survival if x.key == "os_all")
    g = dataclasses.replace(s.groups[0], n=km.n, events=km.events, median=km.median,
                            median_ci=km.median_ci)
    assert isinstance(g, GroupSurvival)
    results = dataclasses.replace(sample_results, survival=(dataclasses.replace(s, groups=(g,)),))
    ws = build_report_workbook(results)["Survival"]
    r = row(ws, s.title, g.label)
    assert (r[("n", "n")], r[("Events", "Events")], r[("Median, months", "Median, months")]) == (20, 20, 2.0)
    assert (r[("95% CI", "95% CI lower")], r[("95% CI", "95% CI upper")]) == ("NE", "NR")
    foot = " ".join(footnotes(ws))
    assert s.footnote in foot
    assert "NR, not reached within follow-up" in foot
    assert "NE, the lower limit cannot be estimated" in foot
