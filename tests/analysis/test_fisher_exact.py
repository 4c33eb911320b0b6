"""r x c Fisher's exact test against R's fisher.test (tests/fixtures/r_edge/make_fisher.R).

Includes a sample-study table R answers only with a 1000-fold workspace, and one R cannot
answer exactly at all (there, her2desk's Monte Carlo P must agree with R's 1e6-draw one
within Monte Carlo error and carry its standard error).
"""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from her2desk.analysis.contingency import TEST_FISHER, TEST_FISHER_MC, contingency_test
from her2desk.analysis.fisher_exact import (fisher_exact_rxc, fisher_network_p,
                                            fisher_simulated_p)

REF = json.loads((Path(__file__).parents[1] / "fixtures" / "r_edge" / "fisher.json").read_text())


@pytest.mark.parametrize("case", REF["default"], ids=lambda c: str(c["table"]))
def test_exact_matches_r_fisher_test(case):
    assert fisher_network_p(case["table"]) == pytest.approx(case["p"], rel=1e-9)
    res = contingency_test(case["table"], test="fisher")
    assert res.test == TEST_FISHER and res.mc_se is None
    assert res.p_value == pytest.approx(case["p"], rel=1e-9)


@pytest.mark.parametrize("case", REF["big_workspace"], ids=lambda c: str(c["table"]))
def test_exact_where_r_needs_a_thousandfold_workspace(case):
    assert "FEXACT error" in case["default_error"]
    p = fisher_network_p(case["table"], max_work=50_000_000)
    assert p == pytest.approx(case["p"], rel=1e-9)


def test_orientation_and_order_do_not_matter():
    t = np.array(REF["default"][7]["table"])
    p = fisher_network_p(t)
    assert fisher_network_p(t.T) == pytest.approx(p, rel=1e-12)
    assert fisher_network_p(t[::-1, ::-1]) == pytest.approx(p, rel=1e-12)


def test_over_budget_gives_none_then_simulation():
    t = REF["big_workspace"][0]["table"]
    assert fisher_network_p(t, max_work=1_000) is None
    res = fisher_exact_rxc(t, seed=1, max_work=1_000, max_replicates=20_000)
    assert not res.exact and res.replicates == 20_000 and res.mc_se > 0


@pytest.mark.parametrize("case", REF["simulated"], ids=lambda c: str(c["table"]))
def test_simulated_where_r_cannot_enumerate(case):
    assert "FEXACT error" in case["workspace_2e7_error"]
    res = contingency_test(case["table"])
    assert res.test == TEST_FISHER_MC
    assert res.mc_se == pytest.approx(math.sqrt(res.p_value * (1 - res.p_value) / res.replicates))
    assert abs(res.p_value - case["p"]) < 4 * math.hypot(res.mc_se, case["se"])
    assert f"Monte Carlo SE {res.mc_se:.2g}" in res.reason


def test_simulation_stops_once_three_decimals_are_settled():
    # Perfect association on 15 patients: P = 7.9e-6, far below 0.001 after one batch.
    t = REF["default"][8]["table"]
    res = fisher_simulated_p(t, seed=3, batch=5_000, max_replicates=80_000)
    assert res.replicates == 5_000 and res.p_value + 2 * res.mc_se < 0.001
    # A P near 0.2 cannot settle the third decimal with few draws: it keeps drawing to the cap.
    res = fisher_simulated_p(REF["big_workspace"][0]["table"], seed=3, batch=5_000,
                             max_replicates=20_000)
    assert res.replicates == 20_000



# --- the work budget is checked before compositions are built (issue 12) -------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

from her2desk.analysis import fisher_exact as _fe  # noqa: E402


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=5), st.data())
def test_composition_count_and_budget_verdict_match_enumeration(caps, data):
    caps = np.array(caps, dtype=np.int64)
    total = data.draw(st.integers(0, int(caps.sum())))
    n = _fe._compositions(caps, total).shape[0]
    assert _fe._n_compositions(caps, total) == n
    work = data.draw(st.integers(0, 60))
    per = data.draw(st.integers(1, 4))
    budget = data.draw(st.integers(0, 4000))
    assert _fe._over_budget(caps, total, work, per, budget) == (work + n * per > budget)


def test_large_table_never_builds_more_than_its_budget(monkeypatch):
    """A 5 x 4 grade table at 100,000 patients: simulated at once, no billion-row enumeration."""
    big = (np.array([[6, 2, 1, 6], [19, 6, 0, 17], [33, 14, 2, 36], [16, 6, 6, 27],
                     [36, 17, 6, 73]]) * 300)
    largest = []
    real = _fe._compositions

    def spy(caps, total):
        out = real(caps, total)
        largest.append(out.shape[0])
        return out
    monkeypatch.setattr(_fe, "_compositions", spy)
    assert _fe.fisher_network_p(big, max_work=_fe.DEFAULT_MAX_WORK) is None
    assert max(largest, default=0) <= _fe.DEFAULT_MAX_WORK


def test_fisher_rxc_is_memoised_on_table_and_arguments():
    table = [[3, 1, 4], [1, 5, 9], [2, 6, 5]]
    first = _fe.fisher_exact_rxc(table, seed=1)
    assert _fe.fisher_exact_rxc(np.array(table), seed=1) is first
    assert _fe.fisher_exact_rxc(table, seed=1, max_work=10).p_value != first.p_value \
        or not _fe.fisher_exact_rxc(table, seed=1, max_work=10).exact
