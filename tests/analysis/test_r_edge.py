"""R's behaviour at the edges: KM limits before the first observed time and Cox collinearity.

Expected values come from R itself (tests/fixtures/r_edge/make_km_cox.R; CI has no R, the
JSON is committed).
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from her2desk.analysis.cox import TOLER_CHOL, fit_cox
from her2desk.analysis.survival import kaplan_meier, survival_at

FIX = Path(__file__).parents[1] / "fixtures"
REF = json.loads((FIX / "r_edge" / "km_cox.json").read_text(),
                 parse_constant=lambda c: {"Infinity": np.inf, "NaN": np.nan}[c])


def _arr(x):
    return np.array([np.nan if v is None else v for v in x], dtype=float)


@pytest.mark.parametrize("case", REF["km_start"], ids=lambda c: f"{c['conf_type']}-{c['time'][0]}")
def test_km_limits_match_r_summary_times(case):
    curve = kaplan_meier(case["time"], case["event"], conf_type=case["conf_type"])
    s, lo, hi = survival_at(curve, case["times"])
    np.testing.assert_allclose(s, _arr(case["surv"]), rtol=1e-12)
    np.testing.assert_allclose(lo, _arr(case["lower"]), rtol=1e-10)   # NaN where R has NA
    np.testing.assert_allclose(hi, _arr(case["upper"]), rtol=1e-10)


@pytest.mark.parametrize("case", REF["km_start"], ids=lambda c: f"{c['conf_type']}-{c['time'][0]}")
def test_km_start_row_is_survfit0(case):
    curve = kaplan_meier(case["time"], case["event"], conf_type=case["conf_type"])
    f = curve.to_frame(start=True)
    np.testing.assert_allclose(f["time"], case["s0_time"])
    np.testing.assert_allclose(f["survival"], case["s0_surv"], rtol=1e-12)
    np.testing.assert_allclose(f["std_err"], _arr(case["s0_std_err"]), rtol=1e-10)
    np.testing.assert_allclose(f["ci_low"], _arr(case["s0_lower"]), rtol=1e-10)
    np.testing.assert_allclose(f["ci_high"], _arr(case["s0_upper"]), rtol=1e-10)
    np.testing.assert_array_equal(f["n_risk"], case["s0_n_risk"])
    assert (f.iloc[0][["ci_low", "ci_high"]] == 1.0).all()
    assert len(curve.to_frame()) == len(f) - 1


def test_toler_chol_is_r_value():
    assert TOLER_CHOL == REF["toler_chol"]


@pytest.fixture(scope="module")
def gbsg():
    gb = pd.read_csv(FIX / "r_survival" / "gbsg.csv")
    gb["months"] = gb["rfstime"] / 30.4375
    for g in (1, 2, 3):
        gb[f"grade{g}"] = (gb["grade"] == g).astype(float)
    noise = np.random.default_rng(9).standard_normal(len(gb))  # R's noise is not reproduced:
    gb["age_lin"] = 2 * gb["age"] + 1                          # exact cases take R's data,
    gb["const"] = 1.0                                          # near ones are checked below
    return gb, noise


@pytest.mark.parametrize("case", [c for c in REF["cox_collinear"]
                                  if not {"age_tiny", "age_mid", "age_small"} & set(c["covariates"])],
                         ids=lambda c: "+".join(c["covariates"]) + "-" + c["ties"])
def test_collinear_terms_are_na_as_r(case, gbsg):
    gb, _ = gbsg
    fit = fit_cox(gb, "months", "status", case["covariates"], ties=case["ties"])
    np.testing.assert_allclose(fit.coef, _arr(case["coef"]), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fit.se, _arr(case["se"]), rtol=1e-6)
    np.testing.assert_allclose(fit.loglik, case["loglik"], rtol=1e-10)
    assert fit.lr_test.df == int(case["df"])
    dropped = [n for n, a in zip(fit.names, fit.aliased) if a]
    assert dropped == [n for n, c in zip(case["covariates"], case["coef"]) if c is None]
    # R's own words (coxph(singular.ok = FALSE) stops with them), naming the variables.
    assert case["singular_message"].startswith("X matrix deemed to be singular; variable")
    r_msg = case["singular_message"]
    for d in dropped:
        w = next(w for w in fit.warnings if w.startswith(f"'{d}' is constant or collinear"))
        assert f'R: "{r_msg}"' in w


def test_near_collinear_follows_toler_chol(gbsg):
    """R keeps age + 1e-3·noise (huge SEs) and drops age + 5e-6·noise and age + 1e-7·noise."""
    gb, noise = gbsg
    by = {tuple(c["covariates"]): c for c in REF["cox_collinear"] if c["ties"] == "efron"}
    for name, scale in (("age_tiny", 1e-7), ("age_mid", 5e-6), ("age_small", 1e-3)):
        gb = gb.assign(**{name: gb["age"] + scale * noise})
        fit = fit_cox(gb, "months", "status", ["hormon", "age", name])
        r_dropped = by[("hormon", "age", name)]["coef"][2] is None
        assert fit.aliased[2] == r_dropped, name
        if r_dropped:    # then the rest is the model without it, exactly as R
            np.testing.assert_allclose(fit.coef[:2], _arr(by[("hormon", "age", name)]["coef"])[:2],
                                       rtol=1e-6)


def test_study_model_reports_collinear_term_as_not_estimable(sample_study):
    from her2desk.analysis.cox_models import COLLINEAR_REASON, CoxResults, fit_model

    c = sample_study.cohort.copy()
    c["menopausal_status"] = c["age_group"].map({"<50": "Premenopausal", ">=50": "Postmenopausal"})
    m = fit_model(c, "OS", ["age_group", "menopausal_status"])
    age, meno = m.terms
    assert age.not_estimable == "" and np.isfinite(age.hazard_ratio)
    assert meno.not_estimable == COLLINEAR_REASON and np.isnan(meno.hazard_ratio)
    assert any(w.startswith("'menopausal_status=Postmenopausal' is constant or collinear")
               for w in m.warnings)
    d = CoxResults("efron", (m,)).as_dict()["models"][0]["terms"]
    assert [t["estimable"] for t in d] == [True, False]
    assert d[1]["not_estimable_reason"] == COLLINEAR_REASON and d[1]["hazard_ratio"] is None
