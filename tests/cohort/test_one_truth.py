"""One truth per patient: a cell validation rejects is missing for eligibility as for every
derived variable, and the cohort always adds up (issue 8, the ER/PR corruption repro)."""
from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest

from her2desk.cohort.invariants import CohortInvariantError, check_invariants
from her2desk.cohort.loading import flowchart, load_study
from her2desk.cohort.schema import ER_PR_GROUPS, HR_GROUPS
from her2desk.resources import sample_study_path

ER_PR_UNKNOWN = "ER and/or PR status unknown"


def _column(ws, header: str) -> int:
    row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
    return list(row).index(header) + 1


@pytest.fixture(scope="module")
def corrupted(tmp_path_factory, sample_study):
    """The sample with ER 150 % and PR 250 % for seven eligible women with HER2 IHC 3+."""
    cohort = sample_study.cohort
    picked = cohort.loc[cohort["eligible"] & (cohort["her2_status"] == "IHC 3+"),
                        "patient_id"].head(7).tolist()
    path = tmp_path_factory.mktemp("corrupt") / "study.xlsx"
    shutil.copy(sample_study_path(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Patients"]
    id_col, er_col, pr_col = (_column(ws, h) for h in ("Patient ID", "ER (%)", "PR (%)"))
    rows = {}
    for r in range(2, ws.max_row + 1):
        pid = ws.cell(r, id_col).value
        if pid in picked:
            ws.cell(r, er_col).value = 150
            ws.cell(r, pr_col).value = 250
            rows[pid] = r
    wb.save(path)
    assert set(rows) == set(picked)
    return load_study(path), rows, sample_study


def test_corrupted_receptors_exclude_the_patients_and_the_flowchart_adds_up(corrupted):
    study, rows, before = corrupted
    flow = study.flowchart
    assert flow.admitted == before.flowchart.admitted
    assert flow.eligible == before.flowchart.eligible - len(rows)
    assert flow.excluded[ER_PR_UNKNOWN] == before.flowchart.excluded[ER_PR_UNKNOWN] + len(rows)
    assert flow.admitted == flow.eligible + flow.excluded_total
    assert sum(flow.groups.values()) == flow.eligible
    cohort = study.cohort.set_index("patient_id")
    for pid in rows:
        assert not cohort.loc[pid, "eligible"]
        assert cohort.loc[pid, "exclusion_reason"] == "er_pr_unknown"


def test_each_exclusion_names_the_masked_cells(corrupted):
    study, rows, _ = corrupted
    for pid, row in rows.items():
        assert study.flowchart.excluded_detail[pid] == {ER_PR_UNKNOWN: [
            f"er_percent (Patients row {row})", f"pr_percent (Patients row {row})"]}


def test_every_eligible_patient_is_in_one_hr_group_and_one_er_pr_subgroup(corrupted):
    for study in corrupted[0], corrupted[2]:
        eligible = study.cohort[study.cohort["eligible"]]
        assert eligible["hr_status"].isin(HR_GROUPS).all()
        assert eligible["er_pr_subgroup"].isin(ER_PR_GROUPS).all()


def test_incomplete_names_the_missing_fields(sample_study):
    cohort = sample_study.cohort
    incomplete = cohort[cohort["exclusion_reason"] == "incomplete"]
    assert len(incomplete) == sample_study.flowchart.excluded["Incomplete clinical information"]
    detail = sample_study.flowchart.excluded_detail
    for pid in incomplete["patient_id"]:
        fields = detail[pid]["Incomplete clinical information"]
        assert fields
        row = sample_study.crf.patients().set_index("patient_id").loc[pid]
        for name in fields:
            assert pd.isna(row[name.split(" ", 1)[0]])


def test_check_invariants_names_a_broken_flowchart(sample_study):
    check_invariants(sample_study.cohort, sample_study.flowchart)
    broken = sample_study.cohort.copy()
    first = broken.index[broken["eligible"]][0]
    broken.loc[first, "hr_status"] = pd.NA
    with pytest.raises(CohortInvariantError, match="hr_status"):
        check_invariants(broken, flowchart(broken))
    with pytest.raises(CohortInvariantError, match="admitted"):
        from dataclasses import replace
        check_invariants(sample_study.cohort, replace(sample_study.flowchart, eligible=1))
