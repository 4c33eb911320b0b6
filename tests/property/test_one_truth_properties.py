"""One truth per patient (issue 8 §1), on random small studies: eligibility, groups and
analyses all see a cell that validation calls an error as missing, so every eligible patient
is in exactly one HR group and one ER/PR subgroup and the by-group summaries add up.

The studies and their pipeline run are shared with test_pipeline_properties.py.
"""
from __future__ import annotations

from hypothesis import example, given

from her2desk.analysis.compare import ALL
from her2desk.analysis.tables import ER_PR_GROUPS, HR_GROUPS, flag
from her2desk.cohort.derive import UNMASKED_RULES
from her2desk.crf import codebook as cb
from her2desk.crf.model import ROW_COL, SHEET_COL

from crf_strategies import issue_8_study, studies
from pipeline import analysed, eligible_ids, outcome, same_studies


@same_studies
@given(studies())
@example(issue_8_study())
def test_every_eligible_patient_is_in_one_hr_group_and_one_er_pr_subgroup(study):
    o = outcome(study)
    if not analysed(o):
        return
    c, flow = o.loaded.cohort, o.loaded.flowchart
    eligible = c[flag(c["eligible"])]
    lost = eligible.loc[~eligible["hr_status"].isin(HR_GROUPS), "patient_id"].tolist()
    assert not lost, f"eligible but in no HR group: {lost}"
    lost = eligible.loc[~eligible["er_pr_subgroup"].isin(ER_PR_GROUPS), "patient_id"].tolist()
    assert not lost, f"eligible but in no ER/PR subgroup: {lost}"
    hr_negative = eligible["hr_status"] == "HR-/HER2+"
    assert (hr_negative == (eligible["er_pr_subgroup"] == "ER-/PR-")).all()
    assert sum(flow.groups.values()) == flow.eligible
    for g in HR_GROUPS:
        assert flow.groups[g] == int((eligible["hr_status"] == g).sum())
    # So the by-HR summaries add up to the whole.
    r = o.results
    follow = {f.group: f.n for f in r.followup}
    if "All" in follow:
        assert sum(follow.get(g, 0) for g in HR_GROUPS) == follow["All"]
    if r.heterogeneity is not None:
        assert sum(a for a, _ in r.heterogeneity.by_group.values()) == r.heterogeneity.n_assessed
    t1 = r.tables["table1"]
    assert sum(t1.group_n[g] for g in t1.groups) == t1.group_n[ALL] == flow.eligible


#: Cells without which a patient is excluded (unconditionally; more below when she needs them).
_NEEDED_FOR_ELIGIBILITY = ("sex", "admission_date", "diagnosis_date", "er_percent", "pr_percent",
                           "her2_ihc", "surgery_type", "last_followup_date", "vital_status")


def _rows_in_use(crf) -> set[tuple[str, int]]:
    """(sheet, Excel row) of every row the cohort is built from: the first row of each ID."""
    used = set()
    for form in cb.ONE_ROW_FORMS:
        frame = crf.forms[form].dropna(subset=["patient_id"]).drop_duplicates("patient_id")
        used |= set(zip(frame[SHEET_COL], frame[ROW_COL].astype(int)))
    return used


@same_studies
@given(studies())
@example(issue_8_study())
def test_an_error_cell_is_missing_for_eligibility_too(study):
    """A cell validation calls an error is missing everywhere: no eligible patient rests on one.

    (The issue's ER 150 % in a HER2 3+ patient: ER is then unknown, and she is excluded, not
    eligible on the raw cell and then lost from every HR table.)"""
    o = outcome(study)
    if not analysed(o):
        return
    c = o.loaded.cohort.set_index("patient_id")
    patients = o.loaded.crf.patients().set_index("patient_id")
    eligible = eligible_ids(o)
    used = _rows_in_use(o.loaded.crf)
    rebiopsied = set(o.loaded.crf.rebiopsies()["patient_id"].astype(str))
    wrong = []
    for f in o.loaded.validation.findings:
        if (f.severity != "error" or f.patient_id not in eligible or f.rule in UNMASKED_RULES
                or (f.row is not None and f.sheet and (f.sheet, int(f.row)) not in used)):
            continue
        p = patients.loc[f.patient_id]
        needed = set(_NEEDED_FOR_ELIGIBILITY)
        if f.patient_id in rebiopsied:   # HER2+ may come from a rebiopsy instead (DOMAIN: HER2 call)
            needed.discard("her2_ihc")
        if p["surgery_type"] != "none":
            needed.add("surgery_date")
        if p["vital_status"] == "dead":
            needed |= {"death_date", "cause_of_death"}
        if p["her2_ihc"] == "2+" and f.patient_id not in rebiopsied:
            needed.add("her2_fish_ratio")
        if f.field in needed:
            wrong.append((f.patient_id, f.field, f.rule, f.value))
    assert not wrong, f"eligible although a cell eligibility needs is an error: {wrong}"
    assert len(c) == len(patients)
