"""The sample study's headline numbers against R's survival package (tests/fixtures/r_study).

``make_expected.R`` ran survdiff / coxph / survfit / cox.zph on ``sample_eligible.csv`` (the
sample study's eligible patients); here the same numbers must come out of ``run_study`` and
``results.json`` to 4 significant digits. CI has no R, so both files are committed.
"""
import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from her2desk.report.results_json import results_to_dict

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "r_study"
KEYS = {"os": "os_hr", "dfs": "dfs_hr", "pfs": "pfs_hr"}
GROUPS = ("HR+/HER2+", "HR-/HER2+")


@pytest.fixture(scope="module")
def r():
    with open(HERE / "expected.csv", newline="") as fh:
        return {row["key"]: (None if row["value"] == "NA" else float(row["value"]))
                for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def payload(sample_results):
    return results_to_dict(sample_results)


def close(ours, theirs):
    if theirs is None:
        return ours is None
    return ours is not None and math.isclose(ours, theirs, rel_tol=5e-5)


def test_fixture_is_the_sample_cohort(sample_study):
    fixture = pd.read_csv(HERE / "sample_eligible.csv")
    cohort = sample_study.cohort[sample_study.cohort["eligible"]]
    assert fixture["patient_id"].tolist() == cohort["patient_id"].tolist()
    assert (fixture["os_months"] - cohort["os_months"].to_numpy(float)).abs().max() < 1e-9
    assert fixture["dfs_event"].fillna(-1).tolist() == cohort["dfs_event"].astype("Int64").fillna(-1).tolist()


@pytest.mark.parametrize("ep", ["os", "dfs", "pfs"])
def test_logrank_and_hazard_ratio_match_r(payload, r, ep):
    s = next(s for s in payload["survival"] if s["key"] == KEYS[ep])
    assert s["reference_group"] == "HR-/HER2+"
    assert close(s["logrank_p"], r[f"{ep}.logrank_p"])
    assert close(s["logrank_chisq"], r[f"{ep}.logrank_chisq"])
    assert close(s["hazard_ratio"], r[f"{ep}.hr"])
    assert close(s["hazard_ratio_ci"][0], r[f"{ep}.hr_low"])
    assert close(s["hazard_ratio_ci"][1], r[f"{ep}.hr_high"])
    assert close(s["hazard_ratio_p"], r[f"{ep}.hr_p"])


@pytest.mark.parametrize("ep", ["os", "dfs", "pfs"])
def test_km_medians_and_landmarks_match_r(payload, r, ep):
    s = next(s for s in payload["survival"] if s["key"] == KEYS[ep])
    groups = {g["label"]: g for g in s["groups"]}
    assert list(groups) == list(GROUPS)
    for lab in GROUPS:
        g, k = groups[lab], f"{ep}.{lab}."
        assert g["n"] == r[k + "n"] and g["events"] == r[k + "events"]
        assert close(g["median_months"], r[k + "median"])
        assert close(g["median_ci"][0], r[k + "median_low"])
        assert close(g["median_ci"][1], r[k + "median_high"])
        for yr in (1, 3, 5):
            assert close(g[f"survival_{yr}y"], r[k + f"survival_{yr}y"]), (lab, yr)


def test_five_year_pfs_is_null_where_r_gives_na(payload, r):
    s = next(s for s in payload["survival"] if s["key"] == "pfs_hr")
    hr_neg = next(g for g in s["groups"] if g["label"] == "HR-/HER2+")
    assert r["pfs.HR-/HER2+.survival_5y"] is None
    assert hr_neg["survival_5y"] is None and hr_neg["survival_5y_ci"] == [None, None]


def _check_model(model, r, prefix):
    """One Cox model of results.json against R's coxph / cox.zph under ``prefix``."""
    assert model["n"] == r[f"{prefix}.n"] and model["events"] == r[f"{prefix}.events"], prefix
    r_terms = {k[len(prefix) + 1:-3] for k in r if k.startswith(prefix + ".") and k.endswith(".hr")}
    assert {f"{t['variable']}{t['level']}" for t in model["terms"]} == r_terms, prefix
    for t in model["terms"]:
        k = f"{prefix}.{t['variable']}{t['level']}"
        assert close(t["hazard_ratio"], r[k + ".hr"]), k
        assert close(t["ci"][0], r[k + ".low"]) and close(t["ci"][1], r[k + ".high"]), k
        assert close(t["p_value"], r[k + ".p"]), k
        # cox.zph 3.x tests each covariate as one term (a factor's levels together).
        zph = r[f"{prefix}.zph.{t['variable']}"]
        assert close(t["ph_p"], zph), (k, t["ph_p"], zph)
    assert close(model["ph_global_p"], r[f"{prefix}.zph.GLOBAL"]), prefix


@pytest.mark.parametrize("ep", ["OS", "DFS"])
def test_paper_multivariate_cox_matches_r(payload, r, ep):
    """The paper's model (the covariates make_expected.R spells out from the paper's text)."""
    model = next(m for m in payload["cox"]["models"]
                 if m["endpoint"] == ep and m["kind"] == "multivariate")
    _check_model(model, r, f"cox.{ep.lower()}")


@pytest.mark.parametrize("ep", ["OS", "DFS"])
def test_univariate_screen_matches_r(payload, r, ep):
    """Every univariate model of Tables S5–S6, and no more, against R's coxph."""
    e = ep.lower()
    ours = {m["variables"][0]: m for m in payload["cox"]["models"]
            if m["endpoint"] == ep and m["kind"] == "univariate"}
    theirs = {k.split(".")[2] for k in r if k.startswith(f"uni.{e}.") and k.endswith(".n")}
    assert set(ours) == theirs
    for var, model in ours.items():
        _check_model(model, r, f"uni.{e}.{var}")
