"""Tests for her2desk.analysis.compare and .contingency against the paper's published P values
and R."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from her2desk.analysis.compare import (
    ALL,
    UNKNOWN,
    RowSpec,
    categorical_comparison,
    comparison_table,
    continuous_comparison,
)
from her2desk.analysis.contingency import (
    TEST_CHISQ,
    TEST_FISHER,
    TEST_FISHER_MC,
    TEST_KW,
    TEST_MWU,
    contingency_test,
    fisher_exact_rx2,
    fisher_monte_carlo,
    rank_test,
)
from her2desk.report.format import format_median_range, format_n_percent, format_p

R = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "r_compare" / "r_reference.json").read_text()
)
GROUPS = ("HR+", "HR-")


def series_from_counts(levels, *counts, groups=GROUPS):
    """Patient-level Series (values, groups) reproducing a levels x groups count table."""
    values, labels = [], []
    for j, col in enumerate(counts):
        for lvl, k in zip(levels, col):
            values += [lvl] * k
            labels += [groups[j]] * k
    return pd.Series(values, dtype=object), pd.Series(labels, dtype=object)


def compare_counts(levels, *counts, **kw):
    v, g = series_from_counts(levels, *counts)
    return categorical_comparison(v, g, levels=levels, group_order=GROUPS, **kw)


# ---------------------------------------------------------------- published P values (paper)

PUBLISHED = [
    # label, levels, HR+ counts, HR- counts, kwargs, published P
    ("menopausal", ["Pre", "Post"], [286, 180], [212, 150], {}, "0.413"),
    ("affected breast", ["Left", "Right"], [245, 221], [198, 164], {}, "0.544"),
    ("HER2 status", ["IHC3+", "IHC2+/FISH+"], [350, 116], [303, 59], {}, "0.003"),
    ("Ki-67", ["<=30%", ">30%", "Unknown"], [214, 250, 2], [136, 222, 4],
     {"include_unknown_in_test": True, "test": "chi-square"}, "0.034"),
    ("N stage", ["N0", "N1", "N2", "N3", "Nx"], [180, 177, 59, 50, 0], [128, 124, 48, 60, 2],
     {"unknown_levels": ("Nx",)}, "0.084"),
    ("neoadjuvant", ["Yes", "No"], [170, 296], [159, 203], {}, "0.030"),
    ("adjuvant endocrine", ["Yes", "No"], [375, 91], [23, 339], {}, "<0.001"),
    ("lung metastasis", ["Yes", "No"], [47, 85], [67, 64], {}, "0.011"),
    ("bone metastasis", ["Yes", "No"], [81, 51], [51, 80], {}, "<0.001"),
    ("visceral sites", [0, 1, 2, 3], [42, 52, 27, 11], [33, 52, 38, 8], {}, "0.332"),
    ("first site lung", ["Yes", "No"], [34, 98], [49, 82], {}, "0.042"),
    ("first site other", ["Yes", "No"], [37, 95], [52, 79], {}, "0.046"),
]


@pytest.mark.parametrize("name,levels,hr_pos,hr_neg,kw,published", PUBLISHED,
                         ids=[c[0] for c in PUBLISHED])
def test_published_p_values(name, levels, hr_pos, hr_neg, kw, published):
    res = compare_counts(levels, hr_pos, hr_neg, **kw)
    assert res.test == TEST_CHISQ
    assert format_p(res.p_value) == published
    assert res.counts[list(GROUPS)].to_numpy().T.tolist() == [hr_pos, hr_neg]


def test_ki67_auto_rule_uses_fisher_when_unknown_included():
    # Unknown row (2 vs 4) has expected counts 3.4 and 2.6: the study rule picks Fisher's
    # exact (R fisher.test 0.02923); the paper's 0.034 is chi-square regardless.
    res = compare_counts(["<=30%", ">30%", "Unknown"], [214, 250, 2], [136, 222, 4],
                         include_unknown_in_test=True)
    assert res.test == TEST_FISHER
    assert res.p_value == pytest.approx(0.029226078551677, rel=1e-9)
    assert "2 of 6 cells have expected count < 5" in res.test_reason
    assert "Freeman–Halton" in res.test_reason
    assert res.footnote == "P includes Unknown. Fisher's exact test."


def test_ki67_unknown_excluded_by_default():
    res = compare_counts(["<=30%", ">30%", "Unknown"], [214, 250, 2], [136, 222, 4])
    assert res.test == TEST_CHISQ
    assert res.test_levels == ("<=30%", ">30%")
    assert res.excluded_levels == (UNKNOWN,)
    assert res.footnote == "P excludes Unknown."
    # R: chisq.test(matrix(c(214,250,136,222),2), correct=FALSE) -> X-squared 5.46566326031
    assert res.statistic == pytest.approx(5.46566326031, rel=1e-10)
    assert res.p_value == pytest.approx(0.0193936919412, rel=1e-10)
    assert res.df == 1
    assert format_p(res.p_value) == "0.019"


def test_chi_square_statistic_df_and_reason():
    res = compare_counts([0, 1, 2, 3], [42, 52, 27, 11], [33, 52, 38, 8])
    ref = R["chisq"][1]
    assert res.statistic == pytest.approx(ref["statistic"], rel=1e-12)
    assert res.df == ref["df"] == 3
    assert res.p_value == pytest.approx(ref["p"], rel=1e-10)
    assert res.test_reason.startswith("Pearson's chi-square test without continuity correction")
    assert res.footnote == ""


# ---------------------------------------------------------------- counts, percentages, levels

def test_counts_percent_totals_and_all_column():
    res = compare_counts(["Left", "Right"], [245, 221], [198, 164])
    assert list(res.counts.columns) == ["HR+", "HR-", ALL]
    assert res.counts.loc["Left"].tolist() == [245, 198, 443]
    assert res.totals.tolist() == [466, 362, 828]
    assert res.percent.at["Left", "HR+"] == pytest.approx(245 / 466 * 100)
    assert format_n_percent(res.counts.at["Left", "HR+"], res.totals["HR+"]) == "245 (52.6)"
    assert format_n_percent(res.counts.at["Right", ALL], res.totals[ALL]) == "385 (46.5)"
    assert res.label == ""  # no label and no variable given
    assert res.kind == "categorical"


def test_missing_values_become_unknown_and_percent_uses_full_denominator():
    v = pd.Series(["Pre", "Post", None, "Pre", np.nan, "Post", "Pre"], dtype=object)
    g = pd.Series(["a", "a", "a", "b", "b", "b", "b"])
    res = categorical_comparison(v, g, levels=["Pre", "Post"], variable="meno")
    assert res.levels == ("Pre", "Post", UNKNOWN)
    assert res.counts.loc[UNKNOWN].tolist() == [1, 1, 2]
    assert res.percent.at[UNKNOWN, "a"] == pytest.approx(100 / 3)
    assert res.label == "meno"
    assert UNKNOWN not in res.test_levels


def test_listed_empty_level_is_shown_but_not_tested():
    res = compare_counts(["A", "B", "C"], [10, 12, 0], [11, 9, 0])
    assert res.levels == ("A", "B", "C")
    assert res.counts.loc["C"].tolist() == [0, 0, 0]
    assert res.test_levels == ("A", "B")
    assert res.df == 1


def test_unlisted_observed_level_is_appended():
    v = pd.Series(["x", "y", "z", "x"])
    g = pd.Series([1, 1, 2, 2])
    res = categorical_comparison(v, g, levels=["y", "x"])
    assert res.levels == ("y", "x", "z")
    assert res.groups == (1, 2)


def test_single_level_gives_no_p():
    res = compare_counts(["Yes", "No"], [10, 0], [7, 0])
    assert res.p_value is None and res.test is None
    assert "fewer than 2 levels" in res.test_reason
    assert format_p(res.p_value) == "—"


def test_single_group_gives_no_p():
    v, g = series_from_counts(["Yes", "No"], [3, 4], [0, 0])
    res = categorical_comparison(v, g, group_order=GROUPS)
    assert res.groups == GROUPS
    assert res.totals["HR-"] == 0
    assert np.isnan(res.percent.at["Yes", "HR-"])
    assert res.p_value is None
    assert "fewer than 2 groups" in res.test_reason


def test_missing_group_rows_are_dropped():
    v = pd.Series(["a", "b", "a", "b"])
    g = pd.Series(["x", None, "y", "y"])
    res = categorical_comparison(v, g)
    assert res.totals[ALL] == 3


def test_misaligned_index_rejected():
    with pytest.raises(ValueError):
        categorical_comparison(pd.Series([1, 2]), pd.Series(["a", "b"], index=[5, 6]))


def test_group_named_all_rejected():
    with pytest.raises(ValueError):
        categorical_comparison(pd.Series([1, 2]), pd.Series(["All", "b"]))


def test_unknown_group_order_rejected():
    with pytest.raises(ValueError):
        categorical_comparison(pd.Series([1, 2]), pd.Series(["a", "b"]), group_order=["a"])


# ---------------------------------------------------------------- Fisher's exact vs R

@pytest.mark.parametrize("case", R["fisher_2x2"], ids=lambda c: str(c["table"]))
def test_fisher_2x2_matches_r(case):
    table = np.array(case["table"])
    res = contingency_test(table, test="fisher")
    assert res.test == TEST_FISHER
    assert res.p_value == pytest.approx(case["p"], rel=1e-9)
    auto = contingency_test(table)
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    if (expected < 5).any():
        assert auto.test == TEST_FISHER and auto.p_value == res.p_value
        assert f"{(expected < 5).sum()} of 4 cells have expected count < 5" in auto.reason
    else:
        assert auto.test == TEST_CHISQ


@pytest.mark.parametrize("case", R["fisher_rx2"], ids=lambda c: str(c["table"]))
def test_freeman_halton_rx2_matches_r(case):
    table = np.array(case["table"])
    assert fisher_exact_rx2(table if table.shape[1] == 2 else table.T) == pytest.approx(
        case["p"], rel=1e-7)
    res = contingency_test(table, test="fisher")
    assert res.test == TEST_FISHER
    assert res.p_value == pytest.approx(case["p"], rel=1e-7)


def test_n_stage_with_nx_included_uses_exact_test():
    res = compare_counts(["N0", "N1", "N2", "N3", "Nx"], [180, 177, 59, 50, 0],
                         [128, 124, 48, 60, 2], unknown_levels=("Nx",),
                         include_unknown_in_test=True)
    assert res.test == TEST_FISHER
    assert res.p_value == pytest.approx(R["fisher_rx2"][1]["p"], rel=1e-7)


@pytest.mark.parametrize("case", R["fisher_rxc"], ids=lambda c: str(c["table"]))
def test_rxc_fisher_is_exact_as_r(case):
    """r x c tables are enumerated exactly now (her2desk.analysis.fisher_exact), not simulated."""
    res = contingency_test(case["table"])
    assert res.test == TEST_FISHER and res.replicates is None and res.mc_se is None
    assert res.p_value == pytest.approx(case["p"], rel=1e-9)


def test_monte_carlo_p_has_r_form():
    p = fisher_monte_carlo([[3, 1, 0], [2, 5, 1], [0, 2, 6]], replicates=999, seed=1)
    assert (p * 1000) == pytest.approx(round(p * 1000))  # (1 + #extreme) / (B + 1)
    assert 1 / 1000 <= p <= 1


def test_forced_chi_square_reports_small_expected():
    res = contingency_test([[1, 9], [4, 3]], test="chi-square")
    assert res.test == TEST_CHISQ
    assert "(requested)" in res.reason and "cells have expected count < 5" in res.reason


def test_contingency_test_rejects_bad_input():
    with pytest.raises(ValueError):
        contingency_test([[1, -1], [2, 3]])
    with pytest.raises(ValueError):
        contingency_test([[1, 2], [2, 3]], test="g-test")


def test_chi_square_matches_r_3x3():
    ref = R["chisq"][2]
    res = contingency_test(ref["table"])
    assert res.test == TEST_CHISQ
    assert res.statistic == pytest.approx(ref["statistic"], rel=1e-12)
    assert res.p_value == pytest.approx(ref["p"], rel=1e-10)


# ---------------------------------------------------------------- continuous

def _two_groups(x, y):
    values = pd.Series(list(x) + list(y), dtype=float)
    groups = pd.Series(["x"] * len(x) + ["y"] * len(y))
    return values, groups


@pytest.mark.parametrize("case", R["wilcox"], ids=range(len(R["wilcox"])))
def test_mann_whitney_matches_r_wilcox(case):
    v, g = _two_groups(case["x"], case["y"])
    res = continuous_comparison(v, g, group_order=["x", "y"], variable="age")
    assert res.test == TEST_MWU
    assert res.statistic == pytest.approx(case["W"], rel=1e-12)
    assert res.p_value == pytest.approx(case["p"], rel=1e-9)
    assert res.median["x"] == pytest.approx(case["median_x"])
    assert res.q1["x"] == pytest.approx(case["q1_x"])
    assert res.q3["x"] == pytest.approx(case["q3_x"])
    assert res.iqr["x"] == pytest.approx(case["q3_x"] - case["q1_x"])
    assert res.n.tolist() == [len(case["x"]), len(case["y"]), len(case["x"]) + len(case["y"])]
    assert "continuity" in res.test_reason


@pytest.mark.parametrize("case", R["kruskal"], ids=range(len(R["kruskal"])))
def test_kruskal_matches_r(case):
    values, groups = [], []
    for i, sample in enumerate(case["samples"]):
        values += sample
        groups += [f"g{i}"] * len(sample)
    res = continuous_comparison(pd.Series(values, dtype=float), pd.Series(groups))
    assert res.test == TEST_KW
    assert res.statistic == pytest.approx(case["statistic"], rel=1e-10)
    assert res.df == case["df"]
    assert res.p_value == pytest.approx(case["p"], rel=1e-9)


def test_continuous_summary_missing_and_range_text():
    v = pd.Series([30, 41, np.nan, 52, 60, 35, 49.5, np.nan])
    g = pd.Series(["a", "a", "a", "a", "b", "b", "b", "b"])
    res = continuous_comparison(v, g, label="Age, years")
    assert res.n.to_dict() == {"a": 3, "b": 3, ALL: 6}
    assert res.n_missing.to_dict() == {"a": 1, "b": 1, ALL: 2}
    assert (res.median["a"], res.minimum["a"], res.maximum["a"]) == (41, 30, 52)
    assert (res.median["b"], res.minimum["b"], res.maximum["b"]) == (49.5, 35, 60)
    assert format_median_range(res.median["b"], res.minimum["b"], res.maximum["b"]) == "50 (35–60)"
    assert res.median[ALL] == pytest.approx(45.25)
    assert res.footnote == "2 missing values excluded."
    assert res.label == "Age, years"


def test_continuous_degenerate_cases():
    res = continuous_comparison(pd.Series([5.0, 5.0, 5.0]), pd.Series(["a", "b", "b"]))
    assert res.p_value is None and "identical" in res.test_reason
    res = continuous_comparison(pd.Series([1.0, 2.0]), pd.Series(["a", "a"]),
                                group_order=["a", "b"])
    assert res.p_value is None and res.n["b"] == 0
    assert np.isnan(res.median["b"]) and res.n_missing["b"] == 0


def test_rank_test_skips_empty_groups_and_matches_two_group_test():
    a, b = np.array([1.0, 2.0, 4.0]), np.array([3.0, 5.0, 6.0, 7.0])
    two = rank_test([a, b])
    with_empty = rank_test([a, np.array([]), b])
    assert two.test == TEST_MWU and with_empty == two
    assert rank_test([a]).p_value is None
    assert rank_test([np.array([2.0, 2.0]), np.array([2.0])]).reason.endswith("identical.")


# ---------------------------------------------------------------- table builder

def test_comparison_table_and_rows():
    frame = pd.DataFrame({
        "hr": ["HR+"] * 6 + ["HR-"] * 4,
        "meno": ["Pre", "Post", "Pre", "Pre", None, "Post", "Post", "Pre", "Post", "Post"],
        "age": [45, 52, 38, 41, 60, 55, 49, 36, 58, 62],
    })
    specs = [RowSpec("age", "Age", kind="continuous"),
             RowSpec("meno", "Menopausal status", levels=("Pre", "Post"))]
    comps = comparison_table(frame, "hr", specs, group_order=GROUPS)
    assert [c.kind for c in comps] == ["continuous", "categorical"]
    age, meno = comps
    # medians 48.5, 53.5, 50.5 (a half-up "49", "54", "51" in the tables)
    assert list(age.median) == [48.5, 53.5, 50.5]
    assert (list(age.minimum), list(age.maximum)) == ([38, 36, 36], [60, 62, 62])
    assert list(meno.levels) == ["Pre", "Post", UNKNOWN]
    assert meno.counts.loc["Pre"].tolist() == [3, 1, 4]
    assert meno.totals.tolist() == [6, 4, 10]
    assert meno.test == TEST_FISHER  # 2x2 with expected counts < 5
    assert age.test == TEST_MWU
    with pytest.raises(KeyError):
        comparison_table(frame, "hr", [RowSpec("nope")])


def test_categorical_dtype_orders_levels_by_categories():
    v = pd.Series(pd.Categorical(["T2", "T1", "T4", "T2"], categories=["T1", "T2", "T3", "T4"]))
    g = pd.Series(["a", "b", "a", "b"])
    res = categorical_comparison(v, g)
    assert res.levels == ("T1", "T2", "T3", "T4")
    assert res.counts.loc["T3"].tolist() == [0, 0, 0]
    assert res.test_levels == ("T1", "T2", "T4")
