"""The "filter rows" box: right rows, matched on a worker after a debounce, sorting kept.

Expected rows are computed here the slow, obvious way (every cell through
``format_value``), independently of the model's text index.
"""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from her2desk.ui.models import dataframe_model as dm
from her2desk.ui.models.dataframe_model import (
    DataFrameFilterProxyModel,
    DataFrameTableModel,
    TextIndex,
    format_column,
    format_value,
)
from her2desk.ui.panels.base import FilterableTable


def _frame(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    regimens = np.array(["TCbHP", "EC-THP", "THP", None], dtype=object)
    dates = pd.to_datetime(np.datetime64("2014-01-01") + rng.integers(0, 2000, n).astype("timedelta64[D]"))
    ki67 = np.round(rng.uniform(0, 90, n), 1)
    ki67[::11] = np.nan
    return pd.DataFrame({
        "patient_id": [f"P{i:05d}" for i in range(n)],
        "regimen": regimens[rng.integers(0, 4, n)],
        "diagnosis_date": dates,
        "ki67": ki67,
        "er_positive": rng.random(n) < 0.5,
        "nodes": rng.integers(0, 12, n),
    })


def _expected(frame: pd.DataFrame, text: str) -> list[str]:
    words = text.casefold().split()
    keep = []
    for _, row in frame.iterrows():
        cells = [format_value(row[c]).casefold() for c in frame.columns]
        if all(any(w in c for c in cells) for w in words):
            keep.append(row["patient_id"])
    return keep


def _shown(proxy, column: int = 0) -> list[str]:
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


@pytest.fixture
def table(qtbot):
    widget = FilterableTable()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    return widget


def test_typed_filter_runs_once_on_a_worker_and_shows_the_right_rows(qtbot, table, monkeypatch):
    frame = _frame()
    table.set_frame(frame)
    threads: list[threading.Thread] = []
    real_mask = TextIndex.mask

    def spy(self, text):
        threads.append(threading.current_thread())
        return real_mask(self, text)

    monkeypatch.setattr(TextIndex, "mask", spy)
    qtbot.keyClicks(table.search, "thp 2015")
    assert table.filter_pending()
    assert table.proxy.rowCount() == len(frame)  # nothing blocked the keys: not filtered yet
    qtbot.waitUntil(lambda: not table.filter_pending(), timeout=10_000)
    assert _shown(table.proxy) == _expected(frame, "thp 2015")
    assert len(threads) == 1, "eight quick keys must filter once (debounced)"
    assert threads[0] is not threading.main_thread()
    assert table.count_label.text() == f"{table.proxy.rowCount()} of {len(frame)} rows"


def test_sorting_keeps_the_filter_and_a_new_frame_is_filtered_too(qtbot, table):
    frame = _frame()
    table.set_frame(frame)
    qtbot.keyClicks(table.search, "ec-thp")
    qtbot.waitUntil(lambda: not table.filter_pending(), timeout=10_000)
    want = _expected(frame, "ec-thp")
    table.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # ki67, missing last
    shown = _shown(table.proxy)
    assert sorted(shown) == sorted(want)
    by_id = frame.set_index("patient_id")["ki67"]
    values = by_id[shown].to_numpy()
    present = values[~np.isnan(values)]
    assert np.all(np.diff(present) <= 0) and np.isnan(values[len(present):]).all()
    assert list(table.visible_frame()["patient_id"]) == shown

    smaller = frame.iloc[:500].copy()
    table.set_frame(smaller)
    qtbot.waitUntil(lambda: not table.filter_pending(), timeout=10_000)
    assert sorted(_shown(table.proxy)) == sorted(_expected(smaller, "ec-thp"))
    table.search.clear()
    qtbot.waitUntil(lambda: not table.filter_pending(), timeout=10_000)
    assert table.proxy.rowCount() == 500


def test_proxy_passes_the_model_tester_while_filtered_and_sorted(qtmodeltester):
    frame = _frame(200)
    model = DataFrameTableModel(frame)
    proxy = DataFrameFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.set_text_filter("thp")
    model.sort(1, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy)
    proxy.set_text_filter("no-such-text")
    assert proxy.rowCount() == 0
    qtmodeltester.check(proxy)


cells = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=32),
                  st.integers(-10**6, 10**6), st.text(max_size=6), st.booleans(),
                  st.datetimes().map(pd.Timestamp))


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, max_size=30))
def test_column_formatting_matches_cell_by_cell(values):
    array = np.array(values, dtype=object)
    assert format_column(array) == [format_value(v) for v in array]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab c", max_size=6), min_size=1, max_size=25),
       st.lists(st.text(alphabet="ab c", max_size=4), min_size=1, max_size=5))
def test_narrowing_search_equals_a_fresh_search(rows, queries):
    index = TextIndex([np.array(rows, dtype=object)], len(rows))
    for q in queries:  # each query may narrow the previous one or not
        fresh = TextIndex([np.array(rows, dtype=object)], len(rows)).mask(q)
        assert index.mask(q).tolist() == fresh.tolist()


def test_sort_order_is_stable_with_missing_last_both_ways():
    values = np.array([3.0, np.nan, 1.0, 3.0, 2.0, np.nan, 1.0])
    assert dm._sort_key_order(values, True).tolist() == [2, 6, 4, 0, 3, 1, 5]
    assert dm._sort_key_order(values, False).tolist() == [0, 3, 4, 2, 6, 1, 5]
