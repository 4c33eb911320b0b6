import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from her2desk.ui.models.dataframe_model import (
    ISSUE_COLORS,
    DataFrameFilterProxyModel,
    DataFrameTableModel,
    RawRole,
    SeverityRole,
    format_value,
)

D = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def frame():
    return pd.DataFrame({
        "patient_id": ["P003", "P001", "P002", "P004"],
        "sheet": ["Patients", "Patients", "Surgery", "Surgery"],
        "age": [52.0, 47.5, np.nan, 61.25],
        "ki67": pd.array([30, None, 15, 80], dtype="Int64"),
        "diagnosis_date": pd.to_datetime(["2015-03-02", "2013-11-20", None, "2019-07-09"]),
        "er_positive": pd.array([True, False, None, True], dtype="boolean"),
        "regimen": pd.Categorical(["TCbHP", "TCbH", "TCbHP", None]),
    })


def texts(model, column):
    return [model.data(model.index(r, column), D) for r in range(model.rowCount())]


def test_qtmodeltester_and_display_formats(qtmodeltester, frame):
    model = DataFrameTableModel(frame, row_key="patient_id",
                                issues={("P002", "age"): ("error", "Age is missing.")})
    qtmodeltester.check(model)
    assert model.rowCount() == 4 and model.columnCount() == 7
    assert texts(model, 2) == ["52", "47.5", "", "61.25"]
    assert texts(model, 3) == ["30", "", "15", "80"]
    assert texts(model, 4) == ["2015-03-02", "2013-11-20", "", "2019-07-09"]
    assert texts(model, 5) == ["Yes", "No", "", "Yes"]
    assert texts(model, 6) == ["TCbHP", "TCbH", "TCbHP", ""]
    # raw values keep their type; missing is None
    assert model.data(model.index(0, 4), RawRole) == pd.Timestamp("2015-03-02")
    assert model.data(model.index(3, 3), RawRole) == 80
    assert model.data(model.index(2, 2), RawRole) is None
    assert model.headerData(0, Qt.Orientation.Horizontal, D) == "patient_id"


def test_float_and_date_formatting():
    assert format_value(2.50) == "2.5"
    assert format_value(12.0) == "12"
    assert format_value(1 / 3) == "0.3333"
    assert format_value(0.00001234) == "1.23e-05"
    assert format_value(np.datetime64("2020-01-31")) == "2020-01-31"
    assert format_value(pd.NA) == "" and format_value(pd.NaT) == "" and format_value(None) == ""


def test_issue_tint_and_tooltip(frame):
    model = DataFrameTableModel(frame, row_key="patient_id", issues={
        ("P002", "age"): ("error", "Age is missing."),
        ("P004", "ki67"): ("warning", "Ki-67 of 80 % is unusually high."),
        ("P999", "age"): ("error", "row not in table"),
    })
    bg = model.data(model.index(2, 2), Qt.ItemDataRole.BackgroundRole)
    assert bg.color() == ISSUE_COLORS["error"]
    assert model.data(model.index(2, 2), Qt.ItemDataRole.ToolTipRole) == "Age is missing."
    assert model.data(model.index(3, 3), Qt.ItemDataRole.BackgroundRole).color() == ISSUE_COLORS["warning"]
    assert model.data(model.index(3, 3), SeverityRole) == "warning"
    assert model.data(model.index(0, 2), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) is None


def test_header_tooltips_and_labels(frame):
    model = DataFrameTableModel(frame, header_tooltips={"ki67": "Ki-67 index (%) at diagnosis"},
                                column_labels={"ki67": "Ki-67 (%)"})
    assert model.headerData(3, Qt.Orientation.Horizontal, D) == "Ki-67 (%)"
    assert model.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == \
        "Ki-67 index (%) at diagnosis"


def test_sort_by_permutation_keeps_frame_and_persistent_indexes(qtmodeltester, frame):
    model = DataFrameTableModel(frame, row_key="patient_id",
                                issues={("P002", "age"): ("error", "Age is missing.")})
    before = frame.copy()
    keep = QPersistentModelIndex(model.index(1, 0))  # P001
    with_signals = []
    model.layoutAboutToBeChanged.connect(lambda *a: with_signals.append("about"))
    model.layoutChanged.connect(lambda *a: with_signals.append("changed"))
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert with_signals == ["about", "changed"]
    assert texts(model, 0) == ["P001", "P003", "P004", "P002"]  # missing age last
    assert keep.row() == 0 and keep.data() == "P001"
    # issues follow their row
    assert model.data(model.index(3, 2), Qt.ItemDataRole.ToolTipRole) == "Age is missing."
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert texts(model, 0) == ["P004", "P003", "P001", "P002"]  # missing still last
    assert keep.row() == 2
    model.sort(4, Qt.SortOrder.AscendingOrder)
    assert texts(model, 4) == ["2013-11-20", "2015-03-02", "2019-07-09", ""]
    assert model.headerData(0, Qt.Orientation.Vertical, D) == "2"  # original row number
    pd.testing.assert_frame_equal(frame, before)
    assert list(model.sorted_dataframe()["patient_id"]) == ["P001", "P003", "P004", "P002"]
    model.sort(-1)
    assert texts(model, 0) == ["P003", "P001", "P002", "P004"]
    qtmodeltester.check(model)


def test_mixed_object_column_sorts_as_text():
    model = DataFrameTableModel(pd.DataFrame({"v": ["b", 3, None, "A"]}))
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert texts(model, 0) == ["3", "A", "b", ""]


def test_proxy_text_column_and_severity_filters(qtmodeltester, frame):
    model = DataFrameTableModel(frame, row_key="patient_id", issues={
        ("P002", "age"): ("error", "Age is missing."),
        ("P004", "ki67"): ("warning", "High Ki-67."),
    })
    proxy = DataFrameFilterProxyModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 4
    proxy.set_text_filter("tcbhp")
    assert sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount())) == ["P002", "P003"]
    proxy.set_text_filter("tcbhp 2015")  # every word must match somewhere in the row
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P003"]
    proxy.set_text_filter("")
    proxy.set_column_filter("sheet", "Surgery")
    assert sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount())) == ["P002", "P004"]
    proxy.set_severity_filter({"error"})
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P002"]
    proxy.set_severity_filter(None)
    proxy.set_column_filter("sheet", None)
    # sorting through the proxy goes to the model's permutation and filters still hold
    proxy.set_text_filter("patients")
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["P001", "P003"]
    assert list(proxy.visible_dataframe()["patient_id"]) == ["P001", "P003"]
    qtmodeltester.check(proxy)


def test_empty_and_replaced_frame(qtmodeltester, frame):
    model = DataFrameTableModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0 and model.columnCount() == 0
    model.set_dataframe(frame)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_dataframe(frame.iloc[:2])  # sort order survives a new frame
    assert texts(model, 0) == ["P003", "P001"]
    qtmodeltester.check(model)
