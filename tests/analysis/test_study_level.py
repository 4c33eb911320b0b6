"""Study-level compositions: populations, NaN handling, reference groups, edge cohorts."""
import numpy as np
import pandas as pd
import pytest

from her2desk.analysis.study import followup_summary
from her2desk.analysis.tables import population


def test_missing_eligibility_is_not_eligible(sample_study):
    cohort = sample_study.cohort.copy()
    eligible_ids = cohort.loc[cohort["eligible"], "patient_id"].head(5).tolist()
    flags = cohort["eligible"].astype(object)
    flags[cohort["patient_id"].isin(eligible_ids)] = np.nan    # NaN used to count as True
    cohort["eligible"] = flags
    assert len(population(cohort, "table1")) == 828 - 5
    mbc = population(sample_study.cohort, "table3")
    assert len(mbc) == 263
    cohort2 = sample_study.cohort.copy()
    cohort2["mbc"] = cohort2["mbc"].astype(object).where(~cohort2["patient_id"].isin(
        mbc["patient_id"].head(3)), None)
    assert len(population(cohort2, "table3")) == 260


def test_followup_with_missing_death_flag(sample_study):
    cohort = sample_study.cohort.copy()
    base = {f.group: f for f in followup_summary(cohort)}
    ids = cohort.loc[cohort["eligible"] & (cohort["os_event"] == False), "patient_id"].head(40)  # noqa: E712
    cohort.loc[cohort["patient_id"].isin(ids), "os_event"] = pd.NA
    after = {f.group: f for f in followup_summary(cohort)}
    # Observed follow-up still counts every patient with a follow-up time ...
    assert after["All"].n == base["All"].n
    assert after["All"].median == base["All"].median
    # ... and the reverse KM runs without the unknown flags (it used to fail or count them as deaths).
    assert np.isfinite(after["All"].reverse_km_median)


# --------------------------------------------------------------------------------------
# Edge cohorts: run_study returns results with notes, and the report still writes
# --------------------------------------------------------------------------------------

EVENTS = ("os_event", "dfs_event", "advanced_os_event", "pfs_event")


def _censor(cohort, mask):
    out = cohort.copy()
    for col in EVENTS:
        known = out[col].notna() & mask
        out.loc[known, col] = False
    return out


def _run_and_write(cohort, tmp_path):
    import json

    import openpyxl

    from her2desk.analysis.study import run_study
    from her2desk.cohort.loading import flowchart
    from her2desk.report.study_report import write_study_report

    results = run_study(cohort, flowchart=flowchart(cohort))
    write_study_report(results, tmp_path)
    payload = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)
    settings = [r[0] for r in wb["Settings"].iter_rows(values_only=True)]
    wb.close()
    assert payload["notes"] == list(results.notes)
    for note in results.notes:
        assert note in settings           # every note is on the report's first sheet
    return results, payload


def test_zero_eligible_patients(sample_study, tmp_path):
    cohort = sample_study.cohort.assign(eligible=False)
    results, payload = _run_and_write(cohort, tmp_path)
    assert results.notes[0].startswith("No eligible patients")
    assert payload["cohort"]["eligible"] == 0
    assert all(s["groups"] == [] and s["logrank_p"] is None for s in payload["survival"])
    assert payload["pcr"]["n"] == 0 and payload["conversion"]["n"] == 0
    assert payload["cox"]["models"] == []


def test_no_metastatic_disease(sample_study, sample_results, tmp_path):
    results, payload = _run_and_write(sample_study.cohort.assign(mbc=False), tmp_path)
    assert any("No eligible patient has metastatic disease" in n for n in results.notes)
    assert all(r["total"] == 0 for r in payload["tables"]["table4"])
    aos = next(s for s in payload["survival"] if s["key"] == "aos_hr")
    assert aos["groups"] == [] and aos["hazard_ratio"] is None
    assert aos["notes"] == ["No patients with MBC have advanced-OS times: nothing to estimate."]
    os_hr = next(s for s in payload["survival"] if s["key"] == "os_hr")
    from her2desk.report.results_json import results_to_dict
    full = next(s for s in results_to_dict(sample_results)["survival"] if s["key"] == "os_hr")
    assert os_hr["hazard_ratio"] == pytest.approx(full["hazard_ratio"], rel=1e-6)   # untouched by MBC


def test_one_hr_group_only(sample_study, tmp_path):
    c = sample_study.cohort
    cohort = c[(c["hr_status"] == "HR+/HER2+") | ~c["eligible"]]
    results, payload = _run_and_write(cohort, tmp_path)
    assert results.notes[0].startswith("Only one hr status group among eligible patients (HR+/HER2+)")
    t1 = payload["tables"]["table1"]
    assert all(set(r["counts"]) == {"HR+/HER2+"} and r["p_value"] is None for r in t1)
    os_hr = next(s for s in payload["survival"] if s["key"] == "os_hr")
    assert [g["label"] for g in os_hr["groups"]] == ["HR+/HER2+"]
    assert [g["n"] for g in os_hr["groups"]] == [466]
    assert os_hr["logrank_p"] is None and os_hr["hazard_ratio"] is None
    # the Cox models still run, without the HR-status term
    os_multi = next(m for m in payload["cox"]["models"]
                    if m["endpoint"] == "OS" and m["kind"] == "multivariate")
    assert "hr_status" not in {t["variable"] for t in os_multi["terms"]}


def test_all_censored(sample_study, tmp_path):
    cohort = _censor(sample_study.cohort, sample_study.cohort["eligible"])
    results, payload = _run_and_write(cohort, tmp_path)
    for s in payload["survival"]:
        assert s["logrank_p"] is None and s["hazard_ratio"] is None and s["hazard_ratios"] == []
        for g in s["groups"]:
            assert g["events"] == 0 and g["median_months"] is None
            # S = 1 throughout; null only past the group's last follow-up (R: NA)
            assert g["survival_1y"] in (1.0, None)
    assert payload["cox"]["models"] == []
    assert "Cox: OS: no Cox models, since no patient has an event (828 patients at risk)." in results.notes


def test_zero_events_in_one_group_warns_instead_of_crashing(sample_study, tmp_path):
    c = sample_study.cohort
    cohort = _censor(c, c["hr_status"] == "HR+/HER2+")
    results, payload = _run_and_write(cohort, tmp_path)
    os_hr = next(s for s in payload["survival"] if s["key"] == "os_hr")
    assert [g["events"] for g in os_hr["groups"]] == [0, 53]
    assert os_hr["logrank_p"] < 1e-10                        # the log-rank test still stands
    assert os_hr["hazard_ratio"] < 1e-3                       # Cox estimate runs off to 0 ...
    assert any("may be infinite" in n for n in os_hr["notes"])   # ... and says so
    # within HR+ alone there are no events at all: a note, not an exception
    aos_et = next(s for s in payload["survival"] if s["key"] == "aos_et")
    assert aos_et["hazard_ratio"] is None and aos_et["notes"][0].startswith("No events")


def test_every_population_reads_the_eligible_flag_the_same_way(sample_study):
    from her2desk.analysis.conversion import receptor_conversion
    from her2desk.analysis.endpoints import OS, endpoint_frame
    from her2desk.analysis.neoadjuvant import neoadjuvant_population

    cohort = sample_study.cohort.copy()
    cohort["eligible"] = cohort["eligible"].astype(object).where(cohort["eligible"], np.nan)
    assert len(population(cohort, "table1")) == 828
    assert len(endpoint_frame(cohort, OS)) == 828
    assert len(neoadjuvant_population(cohort)) == 329
    assert receptor_conversion(cohort).n == 131
