"""Study Cox models: a ticked covariate that cannot enter the model is reported, not dropped silently."""
from __future__ import annotations

import json

import openpyxl
import pytest

from her2desk.analysis.cox_models import MULTIVARIATE_DEFAULT, fit_model, study_cox_models

T_SKIP = "T stage left out: no patient in the reference level T1."
ADJ_SKIP = "Adjuvant HER2-targeted therapy left out: every patient has the same value (Yes)."


@pytest.fixture(scope="module")
def no_t1_all_adjuvant(sample_study):
    c = sample_study.cohort
    return c[c["t_stage"] != "T1"].assign(adjuvant_her2_targeted="Yes")


def test_skipped_covariates_are_named_with_their_reason(no_t1_all_adjuvant):
    cohort = no_t1_all_adjuvant
    m = fit_model(cohort, "OS", MULTIVARIATE_DEFAULT)
    assert m.skipped == (T_SKIP, ADJ_SKIP)
    assert m.warnings[:2] == (T_SKIP, ADJ_SKIP)            # shown wherever warnings are shown
    assert {t.variable for t in m.terms} == {"hr_status", "age_group", "histological_grade",
                                             "n_stage", "ki67_group"}
    # the fit is exactly the model of the covariates that remain
    kept = [v for v in MULTIVARIATE_DEFAULT if v not in ("t_stage", "adjuvant_her2_targeted")]
    ref = fit_model(cohort, "OS", kept)
    assert ref.skipped == ()
    assert (m.n, m.events) == (ref.n, ref.events)
    for a, b in zip(m.terms, ref.terms):
        assert (a.variable, a.level) == (b.variable, b.level)
        assert a.hazard_ratio == pytest.approx(b.hazard_ratio, rel=1e-12)
        assert a.ci == pytest.approx(b.ci, rel=1e-12)
    d = study_cox_models(cohort).as_dict()
    multi = next(x for x in d["models"] if x["endpoint"] == "OS" and x["kind"] == "multivariate")
    assert multi["skipped"] == [T_SKIP, ADJ_SKIP]
    assert multi["warnings"][:2] == [T_SKIP, ADJ_SKIP]


def test_univariate_model_of_a_skipped_covariate_is_noted(no_t1_all_adjuvant):
    res = study_cox_models(no_t1_all_adjuvant)
    assert not any(m.variables == ("t_stage",) for m in res.models)
    assert res.notes == (
        f"OS univariate model of T stage: not fitted. {T_SKIP}",
        f"OS univariate model of Adjuvant HER2-targeted therapy: not fitted. {ADJ_SKIP}",
        f"DFS univariate model of T stage: not fitted. {T_SKIP}",
        f"DFS univariate model of Adjuvant HER2-targeted therapy: not fitted. {ADJ_SKIP}")


def test_full_sample_study_skips_nothing(sample_results):
    assert all(m.skipped == () for m in sample_results.cox.models)
    assert sample_results.cox.notes == ()


def test_skipped_covariates_reach_results_json_and_report(no_t1_all_adjuvant, tmp_path):
    from her2desk.analysis.study import run_study
    from her2desk.cohort.loading import flowchart
    from her2desk.report.study_report import write_study_report

    results = run_study(no_t1_all_adjuvant, flowchart=flowchart(no_t1_all_adjuvant))
    write_study_report(results, tmp_path)
    payload = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    for ep in ("OS", "DFS"):
        multi = next(m for m in payload["cox"]["models"]
                     if m["endpoint"] == ep and m["kind"] == "multivariate")
        assert multi["skipped"] == [T_SKIP, ADJ_SKIP]
    assert f"Cox: OS univariate model of T stage: not fitted. {T_SKIP}" in payload["notes"]
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)
    cox_cells = [r[0] for r in wb["Cox"].iter_rows(values_only=True) if r]
    wb.close()
    for ep in ("OS", "DFS"):                                                  # both models say so
        assert cox_cells.count(f"{ep}: {T_SKIP}") == 1 and cox_cells.count(f"{ep}: {ADJ_SKIP}") == 1
    assert f"DFS univariate model of T stage: not fitted. {T_SKIP}" in cox_cells
