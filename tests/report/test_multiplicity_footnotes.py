"""The study setting p_adjust is named in every footnote of a table that shows a P value, and
it adjusts the pairs of the paper's items as R's p.adjust (tests/fixtures/r_padjust covers the
arithmetic): unadjusted by default, as the paper."""
import dataclasses

import pytest

from her2desk.analysis.multiplicity import p_adjust
from her2desk.analysis.paper import paper_results
from her2desk.report.report_tables import P_FORMAT, study_report_tables

WORDS = {"none": "unadjusted for multiplicity (as the paper", "holm": "Holm-adjusted",
         "BH": "Benjamini–Hochberg-adjusted"}


@pytest.fixture(scope="module", params=["none", "holm", "BH"])
def adjusted(request, sample_study, sample_results):
    method = request.param
    settings = sample_results.settings.replace(p_adjust=method)
    results = dataclasses.replace(sample_results, settings=settings)
    results = dataclasses.replace(results, paper=paper_results(sample_study.cohort, results))
    return method, results


def test_every_table_with_a_p_names_the_adjustment(adjusted):
    method, results = adjusted
    with_p = [t for t in study_report_tables(results)
              if any(p.number_format == P_FORMAT for c in t.columns for p in c.parts)]
    assert {"Table 1", "Table 2", "Table 3", "pCR", "Survival", "Cox", "Paper pairs"} <= \
        {t.key for t in with_p}
    for table in with_p:
        assert any(WORDS[method] in f for f in table.footnotes), (table.key, table.footnotes)


def test_pairs_are_adjusted_within_each_item(adjusted):
    method, results = adjusted
    for item in results.paper:
        if not item.pairs:
            continue
        raw = [p.p_value for p in item.pairs]
        assert [p.p_adjusted for p in item.pairs] == pytest.approx(p_adjust(raw, method),
                                                                   nan_ok=True)
        assert WORDS[method] in item.footnote or (method == "none" and
                                                  "unadjusted" in item.footnote)
    fig5d = next(i for i in results.paper if i.id == "Fig 5d")
    if method == "none":
        assert all(p.p_adjusted == p.p_value for p in fig5d.pairs)
    else:           # six pairs: an adjusted P is never below its raw P, and one is above
        assert all(p.p_adjusted >= p.p_value for p in fig5d.pairs)
        assert any(p.p_adjusted > p.p_value for p in fig5d.pairs)
