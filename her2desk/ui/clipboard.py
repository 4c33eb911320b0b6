"""Copy a table: one QMimeData with text/html (Word and Excel paste a real table) and text/plain
(tab-separated, for Excel and e-mail), both from the same :class:`ShownTable`."""
from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from ..report.shown_table import ShownTable, to_html, to_tsv


def table_mime(table: ShownTable) -> QMimeData:
    mime = QMimeData()
    mime.setText(to_tsv(table))
    mime.setHtml(to_html(table))
    return mime


def copy_table(table: ShownTable) -> None:
    QApplication.clipboard().setMimeData(table_mime(table))
