"""View ▸ Paper items…: every figure and table of the paper under its own number.

The list is the registry (``analysis.paper.PAPER_ITEMS``) with the study's results
(``StudyResults.paper``). Choosing an item shows its caption, population, n, cautions and
pairs here, and "Show in tab" (or a double-click) opens the tab that draws it, set up for it:
"Fig 5d" switches to the Survival tab with DFS by ER/PR subgroup and its six pairs. Nothing here
computes a statistic.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_
from ..language import shown
from ..panels.pairs_table import PairsBox

#: Which tab shows an item, by the registry's kind (tables by their source).
TAB_OF_KIND = {"flowchart": "Eligibility", "km": "Survival", "pairs": "Survival",
               "pcr": "Neoadjuvant", "cox": "Cox"}
TAB_OF_TABLE = {"table1": "Baseline", "table2": "Baseline", "table3": "First-line & conversion",
                "table4": "First-line & conversion", "conversion": "First-line & conversion",
                "table_s3": "Neoadjuvant"}


def tab_for(item_id: str) -> str:
    """The tab that shows a registry item."""
    from ...analysis.paper import BY_ID

    reg = BY_ID[item_id]
    return TAB_OF_KIND.get(reg.kind) or TAB_OF_TABLE.get(reg.source, "Baseline")


def summary_text(item: Any) -> str:
    """Caption, population, n and endpoint of an item, as rich text."""
    # English the catalogue knows, said in the window's language (the registry's captions are
    # the ones report.xlsx translates); the tab by the name the window's tab bar shows.
    tab = QCoreApplication.translate("MainWindow", tab_for(item.id))
    lines = [f"<b>{shown(f'{item.id}. {item.caption}')}</b>",
             shown(N_(f"Population: {item.population}; n = {item.n}"))]
    if item.endpoint:
        lines.append(shown(N_(f"Endpoint: {item.endpoint.replace('_', '-')}")))
    lines.append(shown(N_(f"Shown in the {tab} tab.")))
    return "<br>".join(lines)


class PaperNavigator(QDialog):
    """``item_chosen(id)`` is emitted by "Show in tab" or a double-click on an item."""

    item_chosen = Signal(str)

    def __init__(self, items: Sequence[Any], parent: QWidget | None = None,
                 on_choose: Callable[[str], None] | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paper items"))
        self.setAccessibleName("Paper items")
        self.resize(980, 560)
        self.items = {i.id: i for i in items}
        self.list = QListWidget()
        self.list.setAccessibleName("The paper's figures and tables")
        for item in items:
            entry = QListWidgetItem(f"{item.id} — {shown(item.caption)}")
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setToolTip(shown(item.caption))
            self.list.addItem(entry)
        self.summary = QLabel()
        self.summary.setAccessibleName("Item summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setStyleSheet("padding: 4px;")
        self.pairs = PairsBox("Item")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.summary)
        rl.addWidget(self.pairs, 1)
        rl.addStretch(0)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([340, 640])
        self.show_button = QPushButton(self.tr("Show in tab"))
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.choose_current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.show_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.list.currentItemChanged.connect(lambda *_: self._describe())
        self.list.itemDoubleClicked.connect(lambda *_: self.choose_current())
        if on_choose is not None:
            self.item_chosen.connect(on_choose)
        if self.list.count():
            self.list.setCurrentRow(0)

    def current_id(self) -> str | None:
        entry = self.list.currentItem()
        return None if entry is None else entry.data(Qt.ItemDataRole.UserRole)

    def select(self, item_id: str) -> None:
        """Make ``item_id`` the current item (as a click on it)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == item_id:
                self.list.setCurrentRow(row)
                return
        raise KeyError(item_id)

    def _describe(self) -> None:
        item = self.items.get(self.current_id() or "")
        if item is None:
            self.summary.setText("")
            self.pairs.set_item(None)
            return
        self.summary.setText(summary_text(item))
        self.pairs.set_item(item)

    def choose_current(self) -> None:
        item_id = self.current_id()
        if item_id is not None:
            self.item_chosen.emit(item_id)
