"""Kaplan-Meier, log-rank and interval hazards against R survival 3.5 fixtures.

Fixtures come from tests/fixtures/r_survival/make_fixtures.R (R numbers are
stored with 12 significant digits); tolerances are far tighter than the 4
significant digits the app displays.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from her2desk.analysis.survival import (
    annual_hazard,
    kaplan_meier,
    logrank_test,
    number_at_risk,
    pairwise_logrank,
    reverse_km_median_followup,
    survival_at,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "r_survival"
RTOL = 1e-8
SIZE_LEVELS = ["<=20", "20-50", ">50"]


@lru_cache(maxsize=None)
def fixtures() -> dict:
    return json.loads((FIX / "fixtures.json").read_text())


@lru_cache(maxsize=None)
def datasets() -> dict[str, pd.DataFrame]:
    month = fixtures()["meta"]["month_days"]
    rot = pd.read_csv(FIX / "rotterdam.csv")
    rot["dmonths"] = rot.dtime / month
    rot["rmonths"] = rot.rtime / month
    rot["size"] = pd.Categorical(rot["size"], categories=SIZE_LEVELS)
    gb = pd.read_csv(FIX / "gbsg.csv")
    gb["months"] = gb.rfstime / month
    return {"rotterdam": rot, "gbsg": gb}


def subset(df: pd.DataFrame, rule: str) -> pd.DataFrame:
    if rule == "all":
        return df
    if rule == "nodes==0&age<50":
        return df[(df.nodes == 0) & (df.age < 50)]
    if rule == "size==>50":
        return df[df["size"] == ">50"]
    col, val = rule.split("==")
    return df[df[col] == int(val)]


def arr(x) -> np.ndarray:
    return np.atleast_1d(np.array(x, dtype=float))


# ---------------------------------------------------------------------------------------
# Kaplan-Meier on rotterdam / gbsg
# ---------------------------------------------------------------------------------------

KM_KEYS = sorted(fixtures()["km"])


@pytest.fixture(params=KM_KEYS)
def km_case(request):
    f = fixtures()["km"][request.param]
    df = subset(datasets()[f["data"]], f["subset"])
    curve = kaplan_meier(df[f["time_col"]], df[f["event_col"]], label=request.param,
                         conf_type=f["conf_type"])
    return f, df, curve


def test_km_curve_matches_survfit(km_case):
    f, _, c = km_case
    assert c.n == f["n"] and c.events == f["events"]
    assert c.time.size == f["n_times"]
    idx = np.atleast_1d(f["index"]).astype(int)
    for ours, theirs in [("time", "time"), ("survival", "surv"), ("std_err", "std_err"),
                         ("ci_low", "lower"), ("ci_high", "upper")]:
        np.testing.assert_allclose(getattr(c, ours)[idx], arr(f[theirs]), rtol=RTOL,
                                   equal_nan=True, err_msg=ours)
    for ours, theirs in [("n_risk", "n_risk"), ("n_event", "n_event"), ("n_censor", "n_censor")]:
        np.testing.assert_array_equal(getattr(c, ours)[idx], arr(f[theirs]), err_msg=ours)


def test_km_median_matches_print_survfit(km_case):
    f, _, c = km_case
    np.testing.assert_allclose(
        [c.median, *c.median_ci], [f["median"], f["median_lcl"], f["median_ucl"]],
        rtol=RTOL, equal_nan=True)
    # on these data quantile.survfit agrees with print.survfit
    np.testing.assert_allclose(c.median, f["quantile50"], rtol=RTOL, equal_nan=True)


def test_survival_at_matches_summary_times(km_case):
    f, df, c = km_case
    at = f["at"]
    s, lo, hi = survival_at(c, at["times"])
    np.testing.assert_allclose(s, arr(at["surv"]), rtol=RTOL)
    np.testing.assert_allclose(lo, arr(at["lower"]), rtol=RTOL)
    np.testing.assert_allclose(hi, arr(at["upper"]), rtol=RTOL)
    np.testing.assert_array_equal(number_at_risk(df[f["time_col"]], at["times"]), arr(at["n_risk"]))


def test_known_values_spot_check():
    """A few R numbers written out, so a broken fixture loader cannot hide a regression."""
    gb = datasets()["gbsg"]
    c = kaplan_meier(gb.months, gb.status)
    assert c.median == pytest.approx(59.3675564682, rel=1e-9)  # 1807 days
    assert c.median_ci == pytest.approx((52.1396303901, 66.6940451745), rel=1e-9)
    s, lo, hi = survival_at(c, [60])
    assert s[0] == pytest.approx(0.4916, abs=1e-4)  # summary(fit, times = 60)
    rot = datasets()["rotterdam"]
    young = rot[(rot.nodes == 0) & (rot.age < 50)]
    cy = kaplan_meier(young.dmonths, young.death)
    assert np.isnan(cy.median) and np.isnan(cy.median_ci[1])     # not reached
    assert cy.median_ci[0] == pytest.approx(6051 / 30.4375, rel=1e-12)


# ---------------------------------------------------------------------------------------
# Tiny curves: ties, S exactly 0.5, censoring first, S reaching 0
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(fixtures()["km_tiny"]))
def test_tiny_km_matches_r(key):
    f = fixtures()["km_tiny"][key]
    d = fixtures()["tiny_data"][f["input"]]
    c = kaplan_meier(d["time"], d["event"], conf_type=f["conf_type"])
    for ours, theirs in [("time", "time"), ("survival", "surv"), ("std_err", "std_err"),
                         ("ci_low", "lower"), ("ci_high", "upper"), ("n_risk", "n_risk"),
                         ("n_event", "n_event"), ("n_censor", "n_censor")]:
        np.testing.assert_allclose(getattr(c, ours), arr(f[theirs]), rtol=RTOL,
                                   equal_nan=True, err_msg=ours)
    np.testing.assert_allclose([c.median, *c.median_ci],
                               [f["median"], f["median_lcl"], f["median_ucl"]],
                               rtol=RTOL, equal_nan=True)


def test_median_midpoint_rule_by_hand():
    # S = .75, .5, .25, 0: S sits exactly on 0.5 from t=2 until the next event at 3
    assert kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]).median == 2.5
    # 5/6, 4/6, 3/6 at t=4; censored at 6; next drop at 9 -> (4 + 9) / 2
    assert kaplan_meier([1, 3, 4, 6, 9, 12], [1, 1, 1, 0, 1, 1]).median == 6.5
    # S stays at 0.5 to the end: print.survfit gives the first time (2),
    # quantile.survfit would give 3 - we follow print.survfit / summary()$table
    c = kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0])
    assert c.median == 2.0
    assert fixtures()["km_tiny"]["flat_half_log"]["median"] == 2
    assert fixtures()["km_tiny"]["flat_half_log"]["quantile50"] == 3


def test_ties_by_hand():
    d = fixtures()["tiny_data"]["ties"]
    c = kaplan_meier(d["time"], d["event"])
    # t=1: 12 at risk, 1 death, 1 censored; t=2: 10 at risk, 2 deaths, 1 censored; t=3: 7, 1
    np.testing.assert_array_equal(c.n_risk[:3], [12, 10, 7])
    s1 = 11 / 12
    s2 = s1 * 8 / 10
    s3 = s2 * 6 / 7
    np.testing.assert_allclose(c.survival[:3], [s1, s2, s3], rtol=1e-14)
    se3 = np.sqrt(1 / (12 * 11) + 2 / (10 * 8) + 1 / (7 * 6))
    assert c.std_err[2] == pytest.approx(se3, rel=1e-14)
    assert c.ci_low[2] == pytest.approx(s3 * np.exp(-1.959963984540054 * se3), rel=1e-12)
    np.testing.assert_array_equal(c.censor_times, [1, 2, 4, 5, 7])


def test_curve_reaching_zero_gives_nan_ci_like_r():
    c = kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 1, 1])
    assert c.survival[-1] == 0 and np.isinf(c.std_err[-1])
    assert np.isnan(c.ci_low[-1]) and np.isnan(c.ci_high[-1])
    assert c.ci_low[3] == pytest.approx(0.0407029, rel=1e-5)  # R printout


def test_survival_at_edges():
    c = kaplan_meier([2, 3, 5, 7], [1, 0, 1, 0])
    s, lo, hi = survival_at(c, [0, 2, 4.9, 5, 7, 8])
    np.testing.assert_allclose(s[:5], [1, 0.75, 0.75, 0.375, 0.375])
    assert lo[0] == 1 and hi[0] == 1
    assert np.isnan(s[5])  # beyond follow-up: R drops it rather than extrapolate


def test_number_at_risk_convention():
    np.testing.assert_array_equal(number_at_risk([1, 2, 2, 3, np.nan], [0, 2, 2.5, 3, 4]), [4, 3, 1, 1, 0])


def test_reverse_km_median_followup():
    rot, gb = datasets()["rotterdam"], datasets()["gbsg"]
    ref = fixtures()["reverse_km_median"]
    assert reverse_km_median_followup(rot.dmonths, rot.death) == pytest.approx(ref["rot_death"], rel=RTOL)
    assert reverse_km_median_followup(gb.months, gb.status) == pytest.approx(ref["gbsg_rfs"], rel=RTOL)


def test_missing_rows_dropped_and_bad_input_rejected():
    c = kaplan_meier([1, 2, np.nan, 4], [1, np.nan, 1, 0])
    assert c.n == 2 and c.n_dropped == 2
    with pytest.raises(ValueError, match="0 \\(censored\\)"):
        kaplan_meier([1, 2], [1, 2])
    with pytest.raises(ValueError, match="conf_type"):
        kaplan_meier([1, 2], [1, 0], conf_type="logit")


def test_km_result_is_frozen():
    c = kaplan_meier([1, 2, 3], [1, 0, 1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.median = 3.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        c.survival[0] = 0.1


# ---------------------------------------------------------------------------------------
# Log-rank
# ---------------------------------------------------------------------------------------

def _group(df: pd.DataFrame, col: str):
    return df[col]


@pytest.mark.parametrize("key", sorted(fixtures()["logrank"]))
def test_logrank_matches_survdiff(key):
    f = fixtures()["logrank"][key]
    df = datasets()[f["data"]]
    r = logrank_test(df[f["time_col"]], df[f["event_col"]], _group(df, f["group"]))
    assert [str(g) for g in r.groups] == list(np.atleast_1d(f["groups"]))
    assert r.df == f["df"]
    assert r.chisq == pytest.approx(f["chisq"], rel=RTOL)
    assert r.p_value == pytest.approx(f["p"], rel=1e-7)
    np.testing.assert_array_equal(r.n, arr(f["n"]))
    np.testing.assert_array_equal(r.observed, arr(f["observed"]))
    np.testing.assert_allclose(r.expected, arr(f["expected"]), rtol=RTOL)
    np.testing.assert_allclose(r.variance.ravel(), arr(f["var"]), rtol=RTOL, atol=1e-9)


def test_logrank_spot_values():
    gb = datasets()["gbsg"]
    r = logrank_test(gb.months, gb.status, gb.grade)
    assert r.chisq == pytest.approx(21.0944, abs=1e-4) and r.df == 2
    assert r.p_value == pytest.approx(2.6266e-05, rel=1e-4)


def test_pairwise_logrank_matches_survdiff_on_subsets():
    rot = datasets()["rotterdam"]
    res = pairwise_logrank(rot.dmonths, rot.death, rot["size"])
    assert list(res) == [("<=20", "20-50"), ("<=20", ">50"), ("20-50", ">50")]
    for key, f in fixtures()["logrank_pairwise"].items():
        r = res[tuple(key.split("|"))]
        assert r.chisq == pytest.approx(f["chisq"], rel=RTOL)
        assert r.p_value == pytest.approx(f["p"], rel=1e-7)
    ref = pairwise_logrank(rot.dmonths, rot.death, rot["size"], reference=">50")
    assert list(ref) == [(">50", "<=20"), (">50", "20-50")]
    assert ref[(">50", "<=20")].chisq == pytest.approx(fixtures()["logrank_pairwise"]["<=20|>50"]["chisq"], rel=RTOL)


def test_logrank_drops_missing_group():
    r = logrank_test([1, 2, 3, 4, 5, 6], [1, 1, 0, 1, 1, 0], ["a", "b", None, "a", "b", "a"])
    assert r.n_dropped == 1 and r.n.sum() == 5


# ---------------------------------------------------------------------------------------
# Interval hazard
# ---------------------------------------------------------------------------------------

def test_annual_hazard_by_hand():
    # times in months; width 12
    h = annual_hazard([6, 18, 30, 30, 40], [1, 0, 1, 0, 1], width=12)
    np.testing.assert_array_equal(h.start, [0, 12, 24, 36])
    np.testing.assert_array_equal(h.n_at_risk, [5, 4, 3, 1])
    np.testing.assert_array_equal(h.events, [1, 0, 1, 1])
    # person-time: [0,12): 6+12*4 = 54; [12,24): 6+12*3 = 42; [24,36): 6+6+12 = 24; [36,48): 4
    np.testing.assert_allclose(h.person_time, [54, 42, 24, 4])
    np.testing.assert_allclose(h.hazard, [1 / 54, 0, 1 / 24, 1 / 4])
    # exact Poisson limits for 1 event: [0.0253, 5.5716] / person-time
    assert h.ci_low[0] * 54 == pytest.approx(0.02531781, rel=1e-6)
    assert h.ci_high[0] * 54 == pytest.approx(5.57164339, rel=1e-6)
    assert h.ci_low[1] == 0


def test_annual_hazard_totals_consistent_with_data():
    gb = datasets()["gbsg"]
    h = annual_hazard(gb.months, gb.status)
    assert h.events.sum() == gb.status.sum()
    assert h.person_time.sum() == pytest.approx(gb.months.sum(), rel=1e-12)


def test_logrank_without_variance_reports_no_test_instead_of_failing():
    # Everyone still at risk dies at the one event time: the variance is zero.
    res = logrank_test([1.0, 2.0, 2.0, 2.0], [0, 1, 1, 1], ["a", "a", "b", "b"])
    assert np.isnan(res.chisq) and np.isnan(res.p_value)
    assert res.observed.tolist() == [1.0, 2.0] and res.expected.tolist() == [1.0, 2.0]


def test_hazard_ratio_estimable_only_when_converged_finite_and_positive():
    from her2desk.analysis.endpoints import HazardRatio

    assert HazardRatio("a", "b", 0.66, (0.44, 0.99), 0.04, 0.04).estimable
    assert not HazardRatio("a", "b", 1e-9, (0.0, float("inf")), 1.0, 0.02).estimable
    assert not HazardRatio("a", "b", 0.66, (0.44, 0.99), 0.04, 0.04, converged=False).estimable
