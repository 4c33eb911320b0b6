"""The paper's items (analysis.paper): every id in results.json, every stated comparison computed,
the P/HR panels equal to direct comparisons, Table S3's test, and P-value adjustment against R."""
import json
import math
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pytest

from her2desk.analysis.endpoints import STANDARD_COMPARISONS, immortal_time_caution, survival_comparison
from her2desk.analysis.multiplicity import p_adjust
from her2desk.analysis.paper import (BY_ID, ITEM_IDS, PAPER_ITEMS, heterogeneity_test,
                                     stated_value)
from her2desk.cohort.schema import ER_PR_GROUPS
from her2desk.report.results_json import results_to_dict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAPER = json.loads((FIXTURES / "paper_tables.json").read_text())

#: The items the issue names: Fig 1, 2a–b, 3a–b, 4a–d, 5a–d, 6a–d, 7a–b, 8a–b, S1a–b, S2a–b;
#: Tables 1–4, S1, S2, S3, S5, S6, S7.
EXPECTED = (["Fig 1"] + [f"Fig {n}{p}" for n, ps in (("2", "ab"), ("3", "ab"), ("4", "abcd"),
                                                      ("5", "abcd"), ("6", "abcd"), ("7", "ab"),
                                                      ("8", "ab"), ("S1", "ab"), ("S2", "ab"))
                             for p in ps]
            + [f"Table {t}" for t in ("1", "2", "3", "4", "S1", "S2", "S3", "S5", "S6", "S7")])


@pytest.fixture(scope="module")
def paper_json(sample_results):
    d = results_to_dict(sample_results)
    json.dumps(d, allow_nan=False)
    return {item["id"]: item for item in d["paper"]}


def test_results_json_has_every_item(paper_json):
    assert len(EXPECTED) == 35
    assert list(paper_json) == list(ITEM_IDS)
    assert sorted(paper_json) == sorted(EXPECTED)
    for item in paper_json.values():
        assert item["caption"] and isinstance(item["n"], int)


@pytest.mark.parametrize("fig,key", [("Fig 4d", "os_erpr"), ("Fig 5d", "dfs_erpr"),
                                     ("Fig 6d", "aos_erpr")])
def test_pair_panels_equal_direct_comparisons(paper_json, sample_study, fig, key):
    spec = next(s for s in STANDARD_COMPARISONS if s.key == key)
    pairs = paper_json[fig]["pairs"]
    assert [(p["group"], p["reference"]) for p in pairs] == list(combinations(ER_PR_GROUPS, 2))
    cohort = sample_study.cohort
    for p in pairs:
        sub = cohort[cohort["er_pr_subgroup"].astype(object).isin([p["group"], p["reference"]])]
        direct = survival_comparison(sub, replace(spec, reference=p["reference"]))
        hr = direct.hazard_ratios[0]
        assert p["logrank_p"] == pytest.approx(direct.logrank_p, rel=1e-12)
        assert p["hazard_ratio"] == pytest.approx(hr.hazard_ratio, rel=1e-12)
        assert p["ci"] == pytest.approx(list(hr.ci), rel=1e-12)
        assert p["p_adjusted"] == p["logrank_p"]        # unadjusted by default, as the paper


STATED = [(item.id, s) for item in PAPER_ITEMS for s in item.stated]


@pytest.mark.parametrize("item_id,stated", STATED,
                         ids=[f"{i}:{s.group}-{s.reference}@{s.within}" for i, s in STATED])
def test_every_stated_comparison_has_a_result(sample_results, item_id, stated):
    result = next(r for r in sample_results.paper if r.id == item_id)
    value = stated_value(result, stated)
    assert value is not None and math.isfinite(value)


def test_pcr_pairs_match_paper_rates(paper_json):
    rates = {}
    for p in paper_json["Fig 3b"]["pairs"]:
        rates[(p["group"], p["within"])] = p["rate"]
        rates[(p["reference"], p["within"])] = p["rate_reference"]
    expected = PAPER["neoadjuvant"]["pcr_rate_percent_trastuzumab_ct"]
    for group, pct in expected.items():
        assert 100 * rates[(group, "trastuzumab + chemotherapy")] == pytest.approx(pct, abs=0.05)


def test_table_s3_heterogeneity_test_on_paper_counts():
    # 28/93 (30.1 %) vs 14/89 (15.7 %): the paper prints P = 0.021.
    p, test = heterogeneity_test({"HR+/HER2+": (93, 28), "HR-/HER2+": (89, 14)})
    assert test == "chi-square" and round(p, 3) == 0.021


def test_table4_totals_are_the_papers(paper_json):
    totals = paper_json["Table 4"]["totals"]
    assert totals["any HER2-targeted therapy"] == {"HR+/HER2+": [111, 132], "HR-/HER2+": [110, 131]}
    assert totals["any chemotherapy"] == {"HR+/HER2+": [109, 132], "HR-/HER2+": [120, 131]}


def test_immortal_time_cautions():
    assert immortal_time_caution("first_line_endocrine_any", "OS")
    assert immortal_time_caution("sequential_endocrine", "DFS")
    assert immortal_time_caution("site_liver", "OS")
    assert not immortal_time_caution("hr_status", "OS")
    assert not immortal_time_caution("first_line_endocrine_any", "PFS")


@pytest.mark.parametrize("case", json.loads((FIXTURES / "r_padjust" / "padjust.json").read_text()))
@pytest.mark.parametrize("method", ["holm", "BH"])
def test_p_adjust_equals_r(case, method):
    got = p_adjust(case["p"], method)
    for g, r in zip(got, case[method]):
        assert (math.isnan(g) and r is None) or g == pytest.approx(r, rel=1e-12)


def test_p_adjust_setting_reaches_every_pair(sample_study):
    from her2desk.analysis.study import run_study

    settings = sample_study.settings.replace(p_adjust="holm")
    res = run_study(sample_study.cohort, settings, flowchart=sample_study.flowchart)
    item = next(r for r in res.paper if r.id == "Fig 5d")
    assert [p.p_adjusted for p in item.pairs] == pytest.approx(
        p_adjust([p.p_value for p in item.pairs], "holm"))
    assert "Holm" in item.footnote
