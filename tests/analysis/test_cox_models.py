"""Study Cox models: a ticked covariate that cannot enter the model is reported, not dropped silently."""
from __future__ import annotations

import json

import openpyxl
import pytest

from her2desk.analysis.cox_models import (ALL_COVARIATES, BY_VARIABLE, COVARIATES, PAPER_MODEL,
                                          PER_UNIT, fit_model, model_cautions, study_cox_models)

#: A baseline-adjusted model (the app's model before the paper's preset) with T stage in it.
MULTIVARIATE_DEFAULT = ("hr_status", "age_group", "histological_grade", "t_stage", "n_stage",
                        "ki67_group", "adjuvant_her2_targeted")

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
    d = study_cox_models(cohort, multivariate=MULTIVARIATE_DEFAULT).as_dict()
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
        assert multi["skipped"] == [ADJ_SKIP]      # the paper's models have no T stage
    assert f"Cox: OS univariate model of T stage: not fitted. {T_SKIP}" in payload["notes"]
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)
    cox_cells = [r[0] for r in wb["Cox"].iter_rows(values_only=True) if r]
    wb.close()
    for ep in ("OS", "DFS"):                                                  # both models say so
        assert cox_cells.count(f"{ep}: {ADJ_SKIP}") == 1
    assert f"DFS univariate model of T stage: not fitted. {T_SKIP}" in cox_cells


def test_paper_model_is_the_papers_covariates(sample_results):
    """The multivariate models of the report are the paper's (Results: the independent factors
    of OS and DFS), each covariate entering with one term against its reference."""
    cox = sample_results.cox
    assert cox.multivariate("OS").variables == PAPER_MODEL["OS"] == (
        "hr_status", "ki67_group", "her2_heterogeneity_seen", "her2_status", "axillary_nodes",
        "neoadjuvant_therapy", "adjuvant_her2_targeted", "metastasis_liver",
        "metastasis_brain_cns")
    assert cox.multivariate("DFS").variables == PAPER_MODEL["DFS"] == (
        "hr_status", "axillary_nodes", "adjuvant_radiotherapy", "adjuvant_her2_targeted")
    for ep in ("OS", "DFS"):
        terms = cox.multivariate(ep).terms
        assert [t.variable for t in terms] == list(PAPER_MODEL[ep])
        assert {(t.level, t.reference) for t in terms if t.variable == "her2_status"} <= {
            ("IHC 2+ and FISH+", "IHC 3+")}
        assert {(t.level, t.reference) for t in terms if t.variable == "axillary_nodes"} == {
            ("Positive", "Negative")}


def test_immortal_time_caution_for_covariates_known_after_the_origin(sample_results):
    """OS starts at surgery; HER2 heterogeneity and metastatic sites are known only at MBC
    diagnosis, so the OS model carries one caution for each, and the DFS model none."""
    os_cautions = model_cautions(sample_results.cox.multivariate("OS"))
    assert len(os_cautions) == 3
    for label in ("HER2 heterogeneity", "Liver metastasis", "Brain/CNS metastasis"):
        assert sum(label in c for c in os_cautions) == 1, label
    assert model_cautions(sample_results.cox.multivariate("DFS")) == ()


def test_univariate_screen_covers_tables_1_and_2(sample_results):
    """Every categorical row of Tables 1–2 is screened for OS, plus the paper's extra factors."""
    from her2desk.analysis.tables import TABLE1_ROWS, TABLE2_ROWS

    screened = {m.variables[0] for m in sample_results.cox.univariate("OS")}
    rows = {r.variable for r in TABLE1_ROWS + TABLE2_ROWS if r.kind == "categorical"}
    assert rows <= screened
    assert {"hr_status", "her2_status", "her2_heterogeneity_seen", "axillary_nodes",
            "metastasis_liver", "metastasis_brain_cns", "metastasis_lung",
            "metastasis_bone"} <= screened
    # DFS: no stage IV, heterogeneity or metastatic site (those are DFS events or excluded)
    dfs = {m.variables[0] for m in sample_results.cox.univariate("DFS")}
    assert dfs == {c.variable for c in COVARIATES if "DFS" in c.endpoints}
    assert not any(v.startswith("metastasis_") or v in ("tnm_stage", "her2_heterogeneity_seen")
                   for v in dfs)


def test_any_derived_variable_can_be_a_covariate(sample_study):
    """A flag (pCR), a number (age) and an uncurated grouping enter a model like the others."""
    from her2desk.cohort.schema import COLUMNS

    cohort = sample_study.cohort[sample_study.cohort["eligible"]]
    groupings = {c.name for c in COLUMNS if c.kind == "category"}
    assert groupings - {"os_origin"} <= set(BY_VARIABLE)
    assert len({c.variable for c in ALL_COVARIATES}) == len(ALL_COVARIATES)
    m = fit_model(cohort, "OS", ["hr_status", "age_at_diagnosis", "her2_heterogeneity"])
    age = next(t for t in m.terms if t.variable == "age_at_diagnosis")
    assert age.level == PER_UNIT and age.estimable
    het = next(t for t in m.terms if t.variable == "her2_heterogeneity")
    assert (het.level, het.reference) == ("Yes", "No")
    # missing heterogeneity (fewer than two HER2 assays) leaves those patients out
    assert m.n == int(cohort["her2_heterogeneity"].notna().sum())
    er_pr = fit_model(cohort, "DFS", ["er_pr_subgroup"])
    assert {t.reference for t in er_pr.terms} == {"ER-/PR-"} and len(er_pr.terms) == 3
