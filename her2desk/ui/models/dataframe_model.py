"""A read-only table model over a pandas DataFrame, and a filter proxy for it.

Like Orange's table model, the DataFrame is never copied or mutated: each column
is cached once as a numpy array, cells are formatted when a view asks for them,
and sorting only computes a permutation of the rows, applied between
``layoutAboutToBeChanged`` and ``layoutChanged`` so selections and persistent
indexes follow their rows.
"""
from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

#: The value as it is in the DataFrame (Python scalar, Timestamp, or None for missing).
RawRole = Qt.ItemDataRole.UserRole
#: "error" / "warning" / None for the cell.
SeverityRole = Qt.ItemDataRole.UserRole + 1

ISSUE_COLORS = {
    "error": QColor(255, 210, 210),    # light red
    "warning": QColor(255, 233, 179),  # light amber
}
_SEVERITY_RANK = {"error": 2, "warning": 1}

IssueMap = Mapping[tuple[Hashable, str], tuple[str, str]]


def is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, np.generic):
        if isinstance(value, np.floating):
            return bool(np.isnan(value))
        if isinstance(value, (np.datetime64, np.timedelta64)):
            return bool(np.isnat(value))
    return False


def format_float(value: float) -> str:
    """Up to four decimals, trailing zeros trimmed: 2.50 -> 2.5, 12.0 -> 12."""
    if value == 0:
        return "0"
    if abs(value) < 1e-4 or abs(value) >= 1e12:
        return f"{value:.3g}"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_value(value) -> str:
    """How a cell reads in a table: dates as yyyy-mm-dd, floats trimmed, missing blank."""
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, (pd.Timestamp, _dt.datetime)):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (float, np.floating)):
        return format_float(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def to_python(value):
    """Numpy scalars to Python ones, missing to None, so views and tests see plain values."""
    if is_missing(value):
        return None
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _sort_key_order(values: np.ndarray, ascending: bool) -> np.ndarray:
    """Stable argsort with missing values last in both directions."""
    series = pd.Series(values, copy=False)
    try:
        order = series.sort_values(ascending=ascending, kind="stable", na_position="last").index
    except TypeError:  # mixed types in an object column: compare as text
        text = series.map(lambda v: None if is_missing(v) else str(v).casefold())
        order = text.sort_values(ascending=ascending, kind="stable", na_position="last").index
    return np.asarray(order, dtype=np.intp)


class DataFrameTableModel(QAbstractTableModel):
    """Read-only model of a DataFrame.

    ``issues`` maps ``(row_key, column) -> (severity, message)``, where ``row_key``
    is the value of the ``row_key`` column (or the index label when ``row_key`` is
    None) and ``column`` a column name; such cells get a tinted background and the
    message as tooltip. ``header_tooltips`` maps column name -> text.
    ``column_labels`` maps column name -> header text shown (default: the name).
    """

    def __init__(self, frame: pd.DataFrame | None = None, *, issues: IssueMap | None = None,
                 row_key: str | None = None, header_tooltips: Mapping[str, str] | None = None,
                 column_labels: Mapping[str, str] | None = None, parent=None):
        super().__init__(parent)
        self._frame = pd.DataFrame()
        self._n_rows = 0                         # cached: rowCount/data run for every cell
        self._arrays: list[np.ndarray] = []
        self._numeric: list[bool] = []
        self._perm: np.ndarray | None = None    # view row -> source position
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._cell_issues: dict[tuple[int, int], tuple[str, str]] = {}
        self._row_severity: dict[int, str] = {}
        self._search_text: dict[int, str] = {}
        self._row_key = row_key
        self._header_tooltips = dict(header_tooltips or {})
        self._column_labels = dict(column_labels or {})
        self.set_dataframe(frame if frame is not None else pd.DataFrame(), issues=issues)

    # -- our API ---------------------------------------------------------------
    def set_dataframe(self, frame: pd.DataFrame, *, issues: IssueMap | None = None,
                      row_key: str | None | type(...) = ...,
                      header_tooltips: Mapping[str, str] | None = None,
                      column_labels: Mapping[str, str] | None = None) -> None:
        self.beginResetModel()
        self._frame = frame
        if row_key is not ...:
            self._row_key = row_key
        if header_tooltips is not None:
            self._header_tooltips = dict(header_tooltips)
        if column_labels is not None:
            self._column_labels = dict(column_labels)
        self._arrays = [frame.iloc[:, j].to_numpy() for j in range(frame.shape[1])]
        self._n_rows = len(frame)
        self._numeric = [pd.api.types.is_numeric_dtype(frame.dtypes.iloc[j])
                         and not pd.api.types.is_bool_dtype(frame.dtypes.iloc[j])
                         for j in range(frame.shape[1])]
        self._perm = None
        self._search_text = {}
        self._set_issues(issues or {})
        self.endResetModel()
        column, order = self._sort
        if 0 <= column < self.columnCount():
            self.sort(column, order)
        else:
            self._sort = (-1, Qt.SortOrder.AscendingOrder)

    def set_issues(self, issues: IssueMap) -> None:
        self._set_issues(issues)
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
                                   SeverityRole])

    def _set_issues(self, issues: IssueMap) -> None:
        frame = self._frame
        keys = frame[self._row_key] if self._row_key is not None else frame.index
        positions: dict[Hashable, list[int]] = {}
        for pos, key in enumerate(keys):
            positions.setdefault(key, []).append(pos)
        col_pos = {c: j for j, c in enumerate(frame.columns)}
        self._cell_issues, self._row_severity = {}, {}
        for (key, column), (severity, message) in issues.items():
            j = col_pos.get(column)
            for i in positions.get(key, ()):
                if j is not None:
                    old = self._cell_issues.get((i, j))
                    if old is None or _SEVERITY_RANK.get(severity, 0) > _SEVERITY_RANK.get(old[0], 0):
                        self._cell_issues[(i, j)] = (severity, message)
                    elif old[1] != message and _SEVERITY_RANK.get(severity, 0) == _SEVERITY_RANK.get(old[0], 0):
                        self._cell_issues[(i, j)] = (old[0], old[1] + "\n" + message)
                prev = self._row_severity.get(i)
                if prev is None or _SEVERITY_RANK.get(severity, 0) > _SEVERITY_RANK.get(prev, 0):
                    self._row_severity[i] = severity

    @property
    def dataframe(self) -> pd.DataFrame:
        return self._frame

    def source_position(self, row: int) -> int:
        """Position in the DataFrame of the row shown at ``row``."""
        return int(self._perm[row]) if self._perm is not None else row

    def row_key(self, row: int) -> Hashable:
        pos = self.source_position(row)
        if self._row_key is not None:
            return self._frame[self._row_key].iloc[pos]
        return self._frame.index[pos]

    def raw_value(self, position: int, column: int):
        """Value at DataFrame *position* (not view row)."""
        return to_python(self._arrays[column][position])

    def row_severity(self, position: int) -> str | None:
        return self._row_severity.get(position)

    def search_text(self, position: int) -> str:
        """All cells of the row as shown, lower-cased, for the text filter."""
        text = self._search_text.get(position)
        if text is None:
            text = "\x1f".join(format_value(a[position]) for a in self._arrays).casefold()
            self._search_text[position] = text
        return text

    def sorted_dataframe(self) -> pd.DataFrame:
        """The DataFrame in the order shown (for export)."""
        return self._frame if self._perm is None else self._frame.iloc[self._perm]

    # -- Qt overrides ------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._n_rows

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._arrays)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < self._n_rows and 0 <= col < len(self._arrays)):
            return None
        pos = self.source_position(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(self._arrays[col][pos])
        if role == RawRole:
            return to_python(self._arrays[col][pos])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self._numeric[col]:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, SeverityRole):
            issue = self._cell_issues.get((pos, col))
            if issue is None:
                return None
            if role == Qt.ItemDataRole.BackgroundRole:
                colour = ISSUE_COLORS.get(issue[0])
                return QBrush(colour) if colour is not None else None
            if role == Qt.ItemDataRole.ToolTipRole:
                return issue[1]
            return issue[0]
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self._frame.shape[1]:
                return None
            name = self._frame.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return str(self._column_labels.get(name, name))
            if role == Qt.ItemDataRole.ToolTipRole:
                tip = self._header_tooltips.get(name)
                return str(tip) if tip else str(name)
            return None
        if not 0 <= section < len(self._frame):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # The original row number, so a sorted table still says which row it was.
            return str(self.source_position(section) + 1)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        order = Qt.SortOrder(order)
        if not 0 <= column < len(self._arrays):
            new_perm = None
            column = -1
        else:
            new_perm = _sort_key_order(self._arrays[column], order == Qt.SortOrder.AscendingOrder)
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_perm = self._perm
        persistent = self.persistentIndexList()
        old_pos = [int(old_perm[i.row()]) if old_perm is not None else i.row() for i in persistent]
        self._perm = new_perm
        if persistent:
            if new_perm is None:
                inverse = np.arange(len(self._frame))
            else:
                inverse = np.empty(len(new_perm), dtype=np.intp)
                inverse[new_perm] = np.arange(len(new_perm))
            self.changePersistentIndexList(
                persistent, [self.index(int(inverse[p]), i.column()) for p, i in zip(old_pos, persistent)])
        self.layoutChanged.emit()


class DataFrameFilterProxyModel(QSortFilterProxyModel):
    """Text filter across all columns plus optional exact filters on named columns.

    Sorting is passed down to the DataFrameTableModel (a numpy permutation) instead
    of the proxy's per-row comparisons, which are slow on big tables.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._column_filters: dict[str, frozenset] = {}
        self._severity: frozenset[str] | None = None
        self.setDynamicSortFilter(False)

    def source(self) -> DataFrameTableModel:
        model = self.sourceModel()
        assert isinstance(model, DataFrameTableModel)
        return model

    def set_text_filter(self, text: str) -> None:
        text = text.strip().casefold()
        if text != self._text:
            self._begin()
            self._text = text
            self._end()

    def set_column_filter(self, column: str, values: Iterable | None) -> None:
        """Keep rows whose ``column`` value is one of ``values`` (None removes the filter)."""
        self._begin()
        if values is None:
            self._column_filters.pop(column, None)
        else:
            if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                values = [values]
            self._column_filters[column] = frozenset(values)
        self._end()

    def set_severity_filter(self, severities: Iterable[str] | None) -> None:
        """Keep rows having an issue of one of these severities (None: all rows)."""
        self._begin()
        self._severity = None if severities is None else frozenset(severities)
        self._end()

    # Qt 6.9 replaced invalidateFilter() with this begin/end pair.
    def _begin(self) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()

    def _end(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        if not isinstance(model, DataFrameTableModel):
            return True
        pos = model.source_position(source_row)
        frame = model.dataframe
        for column, allowed in self._column_filters.items():
            if column not in frame.columns:
                continue
            j = frame.columns.get_loc(column)
            if model.raw_value(pos, j) not in allowed:
                return False
        if self._severity is not None and model.row_severity(pos) not in self._severity:
            return False
        if self._text:
            return all(word in model.search_text(pos) for word in self._text.split())
        return True

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, DataFrameTableModel):
            model.sort(column, order)
        else:
            super().sort(column, order)

    def visible_dataframe(self) -> pd.DataFrame:
        """Rows that pass the filters, in the order shown (for export)."""
        model = self.source()
        rows = [model.source_position(self.mapToSource(self.index(r, 0)).row())
                for r in range(self.rowCount())]
        return model.dataframe.iloc[rows]
