"""Pieces shared by the panels: a message/contents stack and a filterable table."""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..language import add_shown_item, english_text, find_english, reshow, set_shown, shown
from ...i18n import N_
from ..models.dataframe_model import DataFrameFilterProxyModel, DataFrameTableModel, IssueMap
from ..workers import TaskCancelled, TaskRunner

if TYPE_CHECKING:
    from ...report.shown_table import ShownTable

ALL = N_("All")


class Panel(QWidget):
    """A tab: shows ``empty_text`` until results arrive, then its contents.

    Subclasses build ``self.contents`` and override :meth:`set_results`; the main
    window calls :meth:`clear_results` when a new study starts loading and
    :meth:`export_frame` for "Export table…".
    """

    title = ""
    empty_text = QT_TRANSLATE_NOOP("Panel", "Open a study (File ▸ Open CRF…) to see this page.")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(self.title or type(self).__name__)
        self.results: Any = None
        self._own_runner: TaskRunner | None = None
        self._message_source: str | None = None
        self._stack = QStackedWidget(self)
        self.message = QLabel(QCoreApplication.translate("Panel", self.empty_text))
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #555; font-size: 12pt; padding: 24px;")
        self.contents = QWidget()
        self._stack.addWidget(self.message)
        self._stack.addWidget(self.contents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

    def show_message(self, text: str | None = None) -> None:
        """``text`` (already in the window's language, or English the catalogue knows); the
        page's own empty text when None."""
        self._message_source = text
        self.message.setText(shown(text) if text else QCoreApplication.translate("Panel", self.empty_text))
        self._stack.setCurrentWidget(self.message)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """The language changed: the message is said again. Tables and figures follow on their
        own (they keep their English and ask the catalogue again); a panel with more adds here."""
        if not self.is_showing_contents():
            self.show_message(self._message_source)
        reshow(self)

    def show_contents(self) -> None:
        self._stack.setCurrentWidget(self.contents)

    def is_showing_contents(self) -> bool:
        return self._stack.currentWidget() is self.contents

    def set_results(self, results: Any) -> None:
        self.results = results
        if results is None:
            self.show_message()
        else:
            self.show_contents()

    def clear_results(self, text: str | None = None) -> None:
        self.results = None
        self.show_message(text)

    def export_frame(self) -> pd.DataFrame | None:
        """The table this page shows, as the user filtered and sorted it (None: nothing)."""
        return None

    def shown_table(self) -> "ShownTable | None":
        """The page's results table with its title and footnotes, for Ctrl+E, Copy and Print
        (None: the page shows a data table, exported by :meth:`export_frame`)."""
        return None

    def _runner(self) -> TaskRunner:
        # The window's runner drives the status bar's progress and Cancel; a panel
        # used on its own (tests, report rendering) gets one of its own.
        runner = getattr(self.window(), "runner", None)
        if isinstance(runner, TaskRunner):
            return runner
        if self._own_runner is None:
            self._own_runner = TaskRunner(self)
        return self._own_runner


class FilterableTable(QWidget):
    """A table of a DataFrame with a "filter rows" box and an optional choice filter.

    Typing is debounced (:attr:`FILTER_DELAY_MS` after the last key) and the rows
    are matched on a worker thread, so a 100,000-row form never freezes the
    window; the proxy then only installs the finished mask.
    """

    FILTER_DELAY_MS = 200
    #: Forms with at least this many cells get their text index built as soon as they are shown.
    PREBUILD_CELLS = 1_000_000

    def __init__(self, parent: QWidget | None = None, *, filter_column: str | None = None,
                 filter_label: str = ""):
        super().__init__(parent)
        self.model = DataFrameTableModel(parent=self)
        self.proxy = DataFrameFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.background_text = True
        self.proxy.text_mask_needed.connect(self._mask_needed)
        self._requested: tuple[str, int] | None = None
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(self.FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._run_filter)
        self._filter_runner = TaskRunner(self, max_threads=1)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        # Size columns from the first rows only: reading every cell of a 100,000-row CRF on the
        # GUI thread would freeze the window for seconds.
        self.view.horizontalHeader().setResizeContentsPrecision(60)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setAccessibleName("Table")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter rows… (type words from any column)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter rows")
        self.search.textChanged.connect(self._text_changed)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        self.filter_column = filter_column
        self.choice = QComboBox()
        self.choice.setAccessibleName(filter_label or f"Filter by {filter_column}")
        self.choice.currentIndexChanged.connect(self._choice_index_changed)
        if filter_column:
            if filter_label:  # English the catalogue knows, said again on a language change
                label = QLabel()
                set_shown(label, filter_label)
                bar.addWidget(label)
            bar.addWidget(self.choice)
        else:
            self.choice.hide()
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def set_frame(self, frame: pd.DataFrame, *, issues: IssueMap | None = None, row_key: str | None = None,
                  header_tooltips: Mapping[str, str] | None = None,
                  column_labels: Mapping[str, str] | None = None,
                  translated_columns: tuple[str, ...] = (),
                  value_labels: Mapping[str, Mapping[Hashable, str]] | None = None,
                  row_header: str | None = None, unread_text: pd.DataFrame | None = None) -> None:
        self.model.set_dataframe(frame, issues=issues, row_key=row_key,
                                 header_tooltips=header_tooltips, column_labels=column_labels,
                                 translated_columns=translated_columns,
                                 value_labels=value_labels or {}, row_header=row_header,
                                 unread_text=unread_text)
        if self.filter_column:
            previous = english_text(self.choice)
            self.choice.blockSignals(True)
            self.choice.clear()
            values = []
            if self.filter_column in frame.columns:
                values = sorted({str(v) for v in frame[self.filter_column].dropna()})
            for value in [ALL, *values]:  # shown in the window's language, filtered by the English
                add_shown_item(self.choice, value)
            self.choice.setCurrentIndex(find_english(self.choice, previous if previous in values else ALL))
            self.choice.blockSignals(False)
            self._choice_changed(english_text(self.choice))
        if frame.size >= self.PREBUILD_CELLS:
            # A big form: build the text index on the worker now, so the first key is quick.
            index = self.model.text_index()
            self._filter_runner.start("index", lambda _p, _c: index.rows())
        if self.search.text().strip():
            self._run_filter()  # the typed filter applies to the new frame too
        self.view.resizeColumnsToContents()
        for c in range(self.model.columnCount()):
            if self.view.columnWidth(c) > 320:
                self.view.setColumnWidth(c, 320)
        self._update_count()

    def _text_changed(self, text: str) -> None:
        self._schedule_filter()

    def _mask_needed(self) -> None:
        if self._requested != (self.search.text().strip().casefold(), self.model.generation):
            self._schedule_filter()

    def _schedule_filter(self) -> None:
        self._filter_timer.start()  # restarts: only the last key of a burst filters

    def _run_filter(self) -> None:
        text = self.search.text().strip().casefold()
        index, generation = self.model.text_index(), self.model.generation
        self._requested = (text, generation)

        def work(_progress, cancelled):
            if cancelled():
                raise TaskCancelled
            return text, (index.mask(text) if text else None), generation

        self._filter_runner.start("filter", work, on_finished=self._filter_ready)

    def _filter_ready(self, result) -> None:
        text, mask, generation = result
        if self.proxy.apply_text_mask(text, mask, generation):
            self._update_count()
        else:  # the table got another frame meanwhile
            self._schedule_filter()

    def filter_pending(self) -> bool:
        """True while a typed filter is waiting for its delay or its worker (for tests)."""
        return self._filter_timer.isActive() or self._filter_runner.is_busy("filter")

    def _choice_index_changed(self, _index: int) -> None:
        self._choice_changed(english_text(self.choice))

    def _choice_changed(self, value: str) -> None:
        if not self.filter_column:
            return
        self.proxy.set_column_filter(self.filter_column, None if value in ("", ALL) else value)
        self._update_count()

    def _update_count(self) -> None:
        visible, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(self.tr("{0} of {1} rows").format(visible, total) if visible != total
                                 else self.tr("{0} rows").format(total))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self.model.retranslate()
            reshow(self)
            self.search.setPlaceholderText(self.tr("Filter rows… (type words from any column)"))
            self._update_count()
        super().changeEvent(event)

    def visible_frame(self, shown: bool = False) -> pd.DataFrame:
        """The rows shown, in their order; ``shown``: cells as shown (labels, not codes)."""
        return self.proxy.visible_dataframe(shown=shown)
