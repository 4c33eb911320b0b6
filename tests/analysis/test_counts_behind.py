"""Every count the app shows equals the number of patient IDs behind it (issue 8 invariant)."""
from __future__ import annotations

import pytest

from her2desk.analysis.endpoints import ENDPOINTS, SUBSETS, endpoint_frame
from her2desk.analysis.tables import (GROUPINGS, TABLE_SPECS, baseline_table, first_line_table,
                                      patients_behind)


@pytest.mark.parametrize("grouping", list(GROUPINGS))
@pytest.mark.parametrize("key", list(TABLE_SPECS))
def test_every_baseline_cell_counts_the_patients_behind_it(sample_study, key, grouping):
    cohort = sample_study.cohort
    table = baseline_table(cohort, key, grouping=grouping)
    cells = 0
    for comp in table.comparisons:
        if comp.kind != "categorical":
            continue
        for level in comp.counts.index:
            for group in comp.counts.columns:
                ids = patients_behind(cohort, key, comp.variable, level, group, grouping=grouping)
                assert int(comp.counts.loc[level, group]) == len(ids) == len(set(ids)), (
                    comp.variable, level, group)
                cells += 1
    for group, n in table.group_n.items():
        assert n == len(patients_behind(cohort, key, table.comparisons[0].variable, None, group,
                                        grouping=grouping))
    assert cells > 20


@pytest.mark.parametrize("grouping", list(GROUPINGS))
def test_every_table4_cell_counts_the_patients_behind_it(sample_study, grouping):
    table = first_line_table(sample_study.cohort, grouping=grouping)
    for row in table.rows:
        assert row.counts == {g: len(ids) for g, ids in row.patient_ids.items()}, row.level


def test_every_endpoint_population_is_a_subset_of_the_eligible(sample_study, sample_results):
    cohort = sample_study.cohort
    eligible = set(cohort.loc[cohort["eligible"], "patient_id"])
    for endpoint in ENDPOINTS:
        for subset in SUBSETS:
            ids = set(endpoint_frame(cohort, endpoint, subset)["patient_id"])
            assert ids <= eligible, (endpoint, subset)
    for comp in sample_results.survival:
        for group in comp.groups:
            assert set(group.patient_ids) <= eligible and len(group.patient_ids) == group.n
            assert set(group.event_ids) <= set(group.patient_ids)
            assert len(group.event_ids) == group.events
    for analysis in sample_results.neoadjuvant.analyses:
        for group, ids in analysis.patient_ids.items():
            assert set(ids) <= eligible, (analysis.key, group)
            assert set(analysis.responder_ids.get(group, ())) <= set(ids)
    for ids in sample_results.conversion.patient_ids.values():
        assert set(ids) <= eligible
