"""run_study in the order the page on screen needs: any order gives the same results, each
stage is announced once with the results so far, and the order can change between stages."""
from __future__ import annotations

import pytest

from her2desk.analysis.study import STAGES, run_study
from her2desk.report.results_json import results_to_dict


@pytest.fixture(scope="module")
def small_study(tmp_path_factory):
    from her2desk.cohort.loading import load_study
    from tests.ui.study_factory import write_study

    return load_study(write_study(tmp_path_factory.mktemp("s") / "s.xlsx", n=80))


def _run(study, **kw):
    return run_study(study.cohort, study.settings, flowchart=study.flowchart, **kw)


def test_any_order_gives_the_same_results(small_study):
    default = results_to_dict(_run(small_study))
    seen = []
    reordered = _run(small_study, first=("cox", "conversion", "survival"),
                     on_stage=lambda name, partial: seen.append(name))
    assert seen == ["cox", "conversion", "survival", "tables", "neoadjuvant"]
    assert results_to_dict(reordered) == default


def test_partials_hold_the_stages_done(small_study):
    partials = {}
    _run(small_study, first=("survival",), on_stage=lambda n, p: partials.setdefault(n, p))
    after_survival = partials["survival"]
    assert after_survival.survival and after_survival.followup
    assert after_survival.cox is None and after_survival.tables == {}
    assert after_survival.neoadjuvant is None and after_survival.paper == ()
    last = partials[STAGES[-1]]
    assert last.cox is not None and set(last.tables) == {"table1", "table2", "table3", "table4"}


def test_priority_is_asked_before_every_stage(small_study):
    wanted = ["tables"]
    seen = []

    def on_stage(name, partial):
        seen.append(name)
        if name == "tables":          # the user switched to the Cox page meanwhile
            wanted[:] = ["cox"]

    _run(small_study, first=lambda: tuple(wanted), on_stage=on_stage)
    assert seen[:2] == ["tables", "cox"] and sorted(seen) == sorted(STAGES)
