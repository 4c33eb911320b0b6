"""Cox models, hazard ratios and cox.zph against R survival 3.5 fixtures."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from her2desk.analysis.cox import dummies, fit_cox, fit_cox_arrays, hazard_ratio, ph_test

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "r_survival"
RTOL = 1e-7
SIZE_LEVELS = ["<=20", "20-50", ">50"]
SIZE_TERM = {"size": ["size20-50", "size>50"]}


@lru_cache(maxsize=None)
def fixtures() -> dict:
    return json.loads((FIX / "fixtures.json").read_text())


@lru_cache(maxsize=None)
def datasets() -> dict[str, pd.DataFrame]:
    fx = fixtures()
    month = fx["meta"]["month_days"]
    rot = pd.read_csv(FIX / "rotterdam.csv")
    rot["dmonths"] = rot.dtime / month
    rot["rmonths"] = rot.rtime / month
    rot = pd.concat([rot, dummies(pd.Categorical(rot["size"], categories=SIZE_LEVELS), prefix="size")], axis=1)
    gb = pd.read_csv(FIX / "gbsg.csv")
    gb["months"] = gb.rfstime / month
    gb_na = gb.copy()
    gb_na.loc[:4, "pgr"] = np.nan          # same five rows as the R script
    return {"rotterdam": rot, "gbsg": gb, "gbsg_na": gb_na,
            "tiny": pd.DataFrame(fx["tiny_cox_data"]), "separation": pd.DataFrame(fx["sep_data"])}


def arr(x) -> np.ndarray:
    return np.atleast_1d(np.array(x, dtype=float))


def fit_from_fixture(f: dict):
    df = datasets()[f["data"]]
    return fit_cox(df, f["time_col"], f["event_col"], list(np.atleast_1d(f["covariates"])), ties=f["ties"])


REGULAR = sorted(k for k in fixtures()["cox"] if not k.startswith("separation"))


@pytest.mark.parametrize("key", REGULAR)
def test_cox_matches_coxph(key):
    f = fixtures()["cox"][key]
    r = fit_from_fixture(f)
    assert list(r.names) == list(np.atleast_1d(f["names"]))
    for ours, theirs in [("coef", "coef"), ("se", "se"), ("z", "z"), ("p", "p"),
                         ("hazard_ratio", "hr"), ("ci_low", "lower"), ("ci_high", "upper")]:
        np.testing.assert_allclose(getattr(r, ours), arr(f[theirs]), rtol=RTOL, err_msg=ours)
    np.testing.assert_allclose(r.loglik, arr(f["loglik"]), rtol=1e-10)
    for ours, theirs in [("lr_test", "lr"), ("wald_test", "wald"), ("score_test", "score")]:
        stat, df, p = f[theirs]
        t = getattr(r, ours)
        assert t.stat == pytest.approx(stat, rel=RTOL), ours
        assert t.df == df
        assert t.p == pytest.approx(p, rel=1e-6), ours
    assert (r.n, r.events, r.n_dropped) == (f["n"], f["nevent"], f["n_dropped"])
    assert r.converged and r.iterations == f["iter"]


@pytest.mark.parametrize("key", [k for k in REGULAR if "zph" in fixtures()["cox"][k]])
def test_ph_test_matches_cox_zph(key):
    f = fixtures()["cox"][key]
    r = fit_from_fixture(f)
    z = ph_test(r, terms=SIZE_TERM if "size>50" in r.names else None)
    tab = z.to_frame()
    ref = f["zph"]
    assert list(tab.index) == list(np.atleast_1d(ref["terms"]))
    np.testing.assert_allclose(tab["chisq"], arr(ref["chisq"]), rtol=RTOL)
    np.testing.assert_array_equal(tab["df"], arr(ref["df"]))
    np.testing.assert_allclose(tab["p"], arr(ref["p"]), rtol=1e-6)
    # a flag for every term R finds significant, and none for the others
    sig = [t for t, p in zip(np.atleast_1d(ref["terms"]), arr(ref["p"])) if p < 0.05 and t != "GLOBAL"]
    assert [fl.split("'")[1] for fl in z.flags if fl.startswith("Proportional")] == sig


@pytest.mark.parametrize("transform", ["identity", "rank", "log"])
def test_ph_test_other_transforms_match_r(transform):
    r = fit_from_fixture(fixtures()["cox"]["gbsg_multi_efron"])
    ref = fixtures()["zph_transforms"][transform]
    tab = ph_test(r, transform=transform).to_frame()
    np.testing.assert_allclose(tab["chisq"], arr(ref["chisq"]), rtol=RTOL)
    np.testing.assert_allclose(tab["p"], arr(ref["p"]), rtol=1e-6)


def test_known_values_spot_check():
    """R printout of coxph(Surv(rfstime, status) ~ hormon, gbsg), written out."""
    gb = datasets()["gbsg"]
    r = fit_cox(gb, "months", "status", ["hormon"])
    assert r.hazard_ratio[0] == pytest.approx(0.6949, abs=1e-4)
    assert (r.ci_low[0], r.ci_high[0]) == pytest.approx((0.5438, 0.8879), abs=1e-4)
    assert r.score_test.stat == pytest.approx(8.57, abs=0.01)  # = survdiff chisq 8.565


def test_efron_and_breslow_differ_with_ties_and_agree_without():
    tiny = datasets()["tiny"]
    e = fit_cox(tiny, "time", "status", ["x", "z"], ties="efron")
    b = fit_cox(tiny, "time", "status", ["x", "z"], ties="breslow")
    fe, fb = fixtures()["cox"]["tiny_efron"], fixtures()["cox"]["tiny_breslow"]
    assert not np.allclose(fe["coef"], fb["coef"], rtol=1e-4)     # R: the methods differ here
    np.testing.assert_allclose(e.coef, arr(fe["coef"]), rtol=RTOL)
    np.testing.assert_allclose(b.coef, arr(fb["coef"]), rtol=RTOL)
    rng = np.random.default_rng(1)
    t = rng.exponential(10, 200)
    ev = (rng.random(200) < 0.7).astype(int)
    x = rng.normal(size=(200, 2))
    e = fit_cox_arrays(t, ev, x, ties="efron")
    b = fit_cox_arrays(t, ev, x, ties="breslow")
    np.testing.assert_allclose(e.coef, b.coef, rtol=1e-12)


def test_separation_warns_like_r():
    f = fixtures()["cox"]["separation_efron"]
    assert any("may be infinite" in w for w in f["warnings"])       # R's own warning
    r = fit_from_fixture(f)
    assert r.coef[0] > 15 and r.se[0] > 1000
    np.testing.assert_allclose(r.loglik, arr(f["loglik"]), rtol=1e-8)
    assert r.lr_test.stat == pytest.approx(f["lr"][0], rel=1e-6)
    assert r.coef[1] == pytest.approx(f["coef"][1], rel=1e-5)
    assert any("'x' may be infinite" in w for w in r.warnings)
    assert not any("'z' may be infinite" in w for w in r.warnings)


def test_events_per_variable_warning():
    tiny = fit_cox(datasets()["tiny"], "time", "status", ["x", "z"])
    assert any("events per covariate" in w for w in tiny.warnings)
    gb = fit_from_fixture(fixtures()["cox"]["gbsg_multi_efron"])
    assert gb.warnings == ()


def test_every_event_alone_in_its_risk_set_is_na_like_r_not_a_crash():
    """Information 0 and log-likelihood exactly 0 for every beta (found by the property tests:
    an HR group of two where only the later patient dies). Before the toler.chol rule this
    raised ZeroDivisionError out of run_study; R reports NA, and so do we: no estimable
    covariate, which survival_comparison turns into a note."""
    with pytest.raises(ValueError, match="no estimable covariates"):
        hazard_ratio(np.array([1.0, 2.0]), np.array([False, True]), pd.Series(["A", "B"]),
                     reference="A")


def test_collinear_covariate_gets_nan_like_r():
    gb = datasets()["gbsg"].copy()
    gb["age2"] = 2 * gb["age"] + 1
    r = fit_cox(gb, "months", "status", ["hormon", "age", "age2"])
    ref = fit_cox(gb, "months", "status", ["hormon", "age"])
    assert np.isnan(r.coef[2]) and np.isnan(r.hazard_ratio[2])
    np.testing.assert_allclose(r.coef[:2], ref.coef, rtol=1e-12)
    assert r.lr_test.df == 2
    assert any("age2" in w and "collinear" in w for w in r.warnings)


def test_dummies_names_reference_and_missing():
    s = pd.Series(["b", "a", "c", None, "a"], name="arm")
    d = dummies(s)
    assert list(d.columns) == ["armb", "armc"]
    np.testing.assert_array_equal(d["armb"].to_numpy(), [1, 0, 0, np.nan, 0])
    d2 = dummies(s, reference="c")
    assert list(d2.columns) == ["arma", "armb"]
    cat = pd.Series(pd.Categorical(["<=20", ">50"], categories=SIZE_LEVELS), name="size")
    assert list(dummies(cat).columns) == ["size20-50", "size>50"]   # coxph's labels
    with pytest.raises(ValueError):
        dummies(s, reference="zzz")


def test_hazard_ratio_two_and_three_groups():
    gb = datasets()["gbsg"]
    h = hazard_ratio(gb.months, gb.status, gb.hormon, reference=0)
    fc, fl = fixtures()["cox"]["gbsg_hormon_efron"], fixtures()["logrank"]["gbsg_hormon"]
    assert h.levels == (1,) and h.reference == 0
    np.testing.assert_allclose([h.hazard_ratio[0], h.ci_low[0], h.ci_high[0], h.p_value[0]],
                               [arr(fc[k])[0] for k in ("hr", "lower", "upper", "p")], rtol=RTOL)
    assert h.logrank_p == pytest.approx(fl["p"], rel=1e-8)

    rot = datasets()["rotterdam"]
    size = pd.Categorical(rot["size"], categories=SIZE_LEVELS)
    h3 = hazard_ratio(rot.dmonths, rot.death, size)
    fc3, fl3 = fixtures()["cox"]["rot_size_efron"], fixtures()["logrank"]["rot_death_size"]
    assert h3.levels == ("20-50", ">50")
    np.testing.assert_allclose(h3.hazard_ratio, arr(fc3["hr"]), rtol=RTOL)
    np.testing.assert_allclose(h3.ci_high, arr(fc3["upper"]), rtol=RTOL)
    assert h3.logrank_p == pytest.approx(fl3["p"], rel=1e-7)
    assert list(h3.to_frame().index) == ["20-50", ">50"]


def test_non_numeric_covariate_rejected_and_arrays_api():
    rot = datasets()["rotterdam"]
    with pytest.raises(TypeError, match="dummies"):
        fit_cox(rot, "dmonths", "death", ["size"])
    f = fixtures()["cox"]["rot_chemo_efron"]
    r = fit_cox_arrays(rot.dmonths.to_numpy(), rot.death.to_numpy(), rot.chemo.to_numpy(), names=["chemo"])
    assert r.coef[0] == pytest.approx(arr(f["coef"])[0], rel=RTOL)
    with pytest.raises(ValueError, match="no events"):
        fit_cox_arrays([1, 2, 3], [0, 0, 0], [1, 0, 1])


def test_100k_rows_six_covariates_recovers_true_coefficients():
    """Scale check on values; speed itself is measured by tests/benchmarks/bench_survival.py."""
    rng = np.random.default_rng(7)
    n = 100_000
    x = np.column_stack([rng.integers(0, 2, n), rng.normal(55, 11, n), rng.poisson(2, n),
                         rng.integers(0, 2, n), rng.integers(0, 2, n), rng.gamma(4, 6, n)])
    beta = np.array([-0.35, 0.01, 0.08, 0.4, -0.2, 0.01])
    t_ev = rng.exponential(1 / (0.008 * np.exp((x - x.mean(0)) @ beta)))
    cens = rng.uniform(6, 150, n)
    t = np.round(np.minimum(t_ev, cens), 1) + 0.05
    r = fit_cox_arrays(t, (t_ev <= cens).astype(int), x)
    assert r.converged
    np.testing.assert_allclose(r.coef, beta, atol=0.05)


def test_information_by_covariate_pattern_equals_the_row_sum(monkeypatch):
    """Dummy covariates: the information summed per covariate pattern (the fast path at
    100,000 patients) is the row-by-row sum, for the fit and for the PH test."""
    from her2desk.analysis import cox as cox_mod

    rng = np.random.default_rng(12)
    n = 3000
    x = np.column_stack([rng.integers(0, 2, n), rng.integers(0, 2, n),
                         rng.integers(0, 3, n) == 1]).astype(float)
    t = np.round(rng.exponential(20 * np.exp(-0.4 * x[:, 0] + 0.3 * x[:, 1]), n), 1) + 0.1
    e = (rng.random(n) < 0.7).astype(float)
    used = []
    real = cox_mod._CoxEngine._row_patterns

    def spy(self):
        out = real(self)
        used.append(out is not None)
        return out
    monkeypatch.setattr(cox_mod._CoxEngine, "_row_patterns", spy)
    fast = fit_cox_arrays(t, e, x, ties="efron")
    fast_ph = ph_test(fast)
    assert any(used)
    monkeypatch.setattr(cox_mod._CoxEngine, "_row_patterns", lambda self: None)
    slow = fit_cox_arrays(t, e, x, ties="efron")
    slow_ph = ph_test(slow)
    np.testing.assert_allclose(fast.coef, slow.coef, rtol=1e-12)
    np.testing.assert_allclose(fast.var, slow.var, rtol=1e-10)
    np.testing.assert_allclose(fast_ph.chisq, slow_ph.chisq, rtol=1e-10)
    assert fast.iterations == slow.iterations


def test_a_continuous_covariate_keeps_the_row_sum():
    from her2desk.analysis.cox import _CoxEngine

    rng = np.random.default_rng(3)
    x = np.column_stack([rng.integers(0, 2, 1000), rng.normal(size=1000)]).astype(float)
    eng = _CoxEngine(rng.exponential(size=1000), np.ones(1000, bool), x, "efron")
    assert eng._row_patterns() is None
