"""Tests for her2desk.analysis.response against R (prop.test, fisher.test, chisq.test)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from her2desk.analysis.contingency import TEST_CHISQ, TEST_FISHER
from her2desk.analysis.response import grade_distribution, rate_by_group, wilson_ci

R = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "r_compare" / "r_reference.json").read_text()
)


@pytest.mark.parametrize("case", R["wilson"], ids=lambda c: f"{c['k']:g}/{c['n']:g}@{c['conf']}")
def test_wilson_matches_r_prop_test_without_correction(case):
    low, high = wilson_ci(int(case["k"]), int(case["n"]), case["conf"])
    assert low == pytest.approx(case["low"], rel=1e-9, abs=1e-15)
    assert high == pytest.approx(case["high"], rel=1e-9, abs=1e-15)


def test_wilson_known_value_and_bounds():
    # 170/466: Wald would be 0.3648 ± 0.0437; Wilson is shifted toward 0.5.
    low, high = wilson_ci(170, 466)
    assert (round(low, 4), round(high, 4)) == (0.3224, 0.4095)
    assert wilson_ci(0, 10)[0] == 0.0
    assert wilson_ci(10, 10)[1] == 1.0


@pytest.mark.parametrize("k,n,conf", [(1, 0, 0.95), (5, 4, 0.95), (-1, 4, 0.95), (1, 4, 1.0)])
def test_wilson_rejects_bad_input(k, n, conf):
    with pytest.raises(ValueError):
        wilson_ci(k, n, conf)


def _rates_frame(ks, ns, labels):
    success, groups = [], []
    for k, n, lab in zip(ks, ns, labels):
        success += [True] * k + [False] * (n - k)
        groups += [lab] * n
    return pd.Series(success, dtype=object), pd.Series(groups)


def test_rate_by_group_matches_r():
    ref = R["rates"]
    ks, ns = [int(x) for x in ref["k"]], [int(x) for x in ref["n"]]
    success, groups = _rates_frame(ks, ns, ["A", "B", "C"])
    res = rate_by_group(success, groups)
    assert res.groups == ("A", "B", "C") and res.reference == "A"
    assert [(r.k, r.n) for r in res.rates] == [(30, 80), (12, 60), (7, 9)]
    assert res.rate("B").rate == pytest.approx(0.2)
    assert (res.rate("A").ci_low, res.rate("A").ci_high) == wilson_ci(30, 80)
    # Overall 2x3: min expected 2.96 -> Fisher (Freeman–Halton exact).
    assert res.test == TEST_FISHER
    assert res.p_value == pytest.approx(ref["overall_p"], rel=1e-9)
    # A vs B: all expected >= 5 -> chi-square; A vs C: small -> Fisher.
    pb, pc = res.pairwise_for("B"), res.pairwise_for("C")
    assert (pb.test, pc.test) == (TEST_CHISQ, TEST_FISHER)
    assert pb.p_value == pytest.approx(ref["p_B"], rel=1e-10)
    assert pc.p_value == pytest.approx(ref["p_C"], rel=1e-9)
    assert [t.group for t in res.pairwise] == ["B", "C"]
    frame = res.to_frame()
    assert frame.loc["C", "k"] == 7 and np.isnan(frame.loc["A", "p_vs_reference"])
    assert frame.loc["B", "p_vs_reference"] == pytest.approx(ref["p_B"], rel=1e-10)


def test_rate_by_group_reference_order_and_missing():
    success = pd.Series([True, False, None, 1, 0, 0, np.nan, True])
    groups = pd.Series(["HR-", "HR-", "HR-", "HR+", "HR+", "HR+", "HR+", None])
    res = rate_by_group(success, groups, group_order=["HR+", "HR-"], reference="HR-")
    assert res.groups == ("HR+", "HR-")
    assert res.reference == "HR-"
    assert [t.group for t in res.pairwise] == ["HR+"]
    assert res.rate("HR+").n == 3 and res.rate("HR+").k == 1
    assert res.rate("HR+").n_missing == 1
    assert res.rate("HR-").n == 2 and res.rate("HR-").k == 1
    assert res.n_missing == 2  # the missing-group row is not counted at all
    # 2 groups: the pairwise test is the overall test.
    assert res.pairwise[0].p_value == res.p_value
    assert res.test == TEST_FISHER


def test_rate_by_group_empty_group_and_bad_values():
    success, groups = _rates_frame([3, 4], [10, 12], ["a", "b"])
    res = rate_by_group(success, groups, group_order=["a", "b", "c"])
    c = res.rate("c")
    assert (c.n, c.rate, c.ci_low) == (0, None, None)
    assert res.pairwise_for("c").p_value is None
    assert res.p_value == pytest.approx(rate_by_group(success, groups).p_value)
    with pytest.raises(ValueError):
        rate_by_group(pd.Series(["yes", "no"]), pd.Series(["a", "b"]))
    with pytest.raises(ValueError):
        rate_by_group(success, groups, reference="z")


def test_rate_by_group_large_table_uses_monte_carlo_when_needed():
    # 2 x 4 tables are still exact (2 rows); Monte Carlo only appears for r x c with r, c > 2.
    success, groups = _rates_frame([1, 2, 0, 3], [4, 5, 3, 6], ["a", "b", "c", "d"])
    res = rate_by_group(success, groups)
    assert res.test == TEST_FISHER


def test_grade_distribution_matches_r():
    ref = R["grades"]
    table = np.array(ref["table"], dtype=int)
    grade, groups = [], []
    for g_idx, lab in enumerate(["X", "Y"]):
        for gr, k in zip(range(1, 6), table[:, g_idx]):
            grade += [gr] * k
            groups += [lab] * k
    grade += [np.nan, np.nan]
    groups += ["X", "Y"]
    res = grade_distribution(pd.Series(grade), pd.Series(groups))
    assert res.grades == (1, 2, 3, 4, 5)
    assert res.counts.to_numpy().tolist() == table.tolist()
    assert res.n.tolist() == [51, 60]
    assert res.n_missing.tolist() == [1, 1]
    assert res.percent["X"].sum() == pytest.approx(100.0)
    assert res.percent.at[5, "Y"] == pytest.approx(35 / 60 * 100)
    assert res.test == TEST_FISHER
    assert res.p_value == pytest.approx(ref["p"], rel=1e-9)


def test_grade_distribution_three_groups_exact_and_empty_grade():
    grade = pd.Series([1, 2, 2, 3, 5, 5, 5, 3, 2, 5, 5, 4])
    groups = pd.Series(list("aaaabbbbcccc"))
    res = grade_distribution(grade, groups)
    assert res.counts.loc[4].tolist() == [0, 0, 1]
    assert res.test == TEST_FISHER      # r x c tables are exact now (fisher_exact)
    assert 0 < res.p_value <= 1
    with pytest.raises(ValueError):
        grade_distribution(pd.Series([1, 6]), pd.Series(["a", "b"]))
