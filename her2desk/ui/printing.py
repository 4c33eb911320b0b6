"""File ▸ Print…: the current tab's figures and table on paper, through Qt's print support.

What is printed is what a manuscript would carry, not a grab of the window: each figure the tab
shows is drawn by the journal export (:mod:`.plots.journal`) at the printable width of the page
and the printer's resolution (at most 600 dpi), one figure per page; the table is laid out by a
QTextDocument from the same HTML the clipboard gets (title, journal rules, footnotes) and flows
over as many pages as it needs. :func:`print_current` shows a QPrintPreviewDialog; tests and
"print to PDF" call :func:`paint_pages` with a QPrinter directly, no dialog.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from ..report.shown_table import ShownTable, to_html

if TYPE_CHECKING:
    from .main_window import MainWindow

MAX_PRINT_DPI = 600


def printable_figures(panel: QWidget) -> list[Any]:
    """The figures ``panel`` shows now (KM plot, bars, forest, hazard, flowchart), top to bottom."""
    from .plots.figure import FigureWidget
    from .plots.flowchart import FlowchartView

    found = [w for w in panel.findChildren(QWidget)
             if isinstance(w, (FigureWidget, FlowchartView)) and w.isVisibleTo(panel)]
    return sorted(found, key=lambda w: w.mapTo(panel, w.rect().topLeft()).y())


def _page_rect(printer: QPrinter) -> QRectF:
    rect = printer.pageLayout().paintRectPixels(printer.resolution())
    return QRectF(0, 0, rect.width(), rect.height())


def _figure_image(figure: Any, printer: QPrinter) -> QImage:
    width_mm = printer.pageLayout().paintRect(QPageLayout.Unit.Millimeter).width()
    dpi = max(72, min(MAX_PRINT_DPI, printer.resolution()))
    with tempfile.TemporaryDirectory(prefix="her2desk-print-") as tmp:
        path = Path(tmp) / "figure.png"
        figure.export_journal(path, width_mm=min(400.0, max(10.0, width_mm)), dpi=dpi)
        return QImage(str(path))


def paint_pages(printer: QPrinter, figures: list[Any], table: ShownTable | None) -> int:
    """Draw ``figures`` (one page each) then ``table`` (as many pages as it needs) with one
    painter on ``printer``; returns the number of pages. Nothing to print draws nothing."""
    if not figures and table is None:
        return 0
    images = [_figure_image(f, printer) for f in figures]
    document = None
    page = _page_rect(printer)
    if table is not None:
        document = QTextDocument()
        document.documentLayout().setPaintDevice(printer)      # points at the printer's DPI
        document.setHtml(to_html(table))
        document.setPageSize(QSizeF(page.width(), page.height()))
    pages = 0
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("The printer could not be started.")
    try:
        for image in images:
            if pages:
                printer.newPage()
            scale = min(page.width() / max(1, image.width()), page.height() / max(1, image.height()))
            painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)
            pages += 1
        if document is not None:
            for i in range(document.pageCount()):
                if pages:
                    printer.newPage()
                painter.save()
                painter.translate(0, -i * page.height())
                document.drawContents(painter, QRectF(0, i * page.height(), page.width(), page.height()))
                painter.restore()
                pages += 1
    finally:
        painter.end()
    return pages


def current_printout(window: "MainWindow") -> tuple[list[Any], ShownTable | None]:
    """What File ▸ Print prints for the current tab: its figures and its table."""
    from .table_actions import shown_table_of

    panel = window.current_panel()
    return printable_figures(panel), shown_table_of(panel)


def print_current(window: "MainWindow", printer: QPrinter | None = None, *,
                  preview: bool = True) -> int:
    """Print the current tab; with ``preview`` through a QPrintPreviewDialog (the user prints or
    cancels there). Returns the pages drawn without preview, 0 when there is nothing to print."""
    figures, table = current_printout(window)
    if not figures and table is None:
        window.show_banner(QCoreApplication.translate("printing", "This page has nothing to print yet."), "info")
        return 0
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    if not preview:
        return paint_pages(printer, figures, table)
    dialog = QPrintPreviewDialog(printer, window)
    dialog.setWindowTitle(QCoreApplication.translate("printing", "Print preview"))
    dialog.paintRequested.connect(lambda p: paint_pages(p, figures, table))
    window.print_preview = dialog
    dialog.exec()
    return 0


def install_print_action(window: "MainWindow", menu: Any, before: Any = None) -> None:
    """File ▸ Print… (Ctrl+P), as ``window.print_action``."""
    from PySide6.QtGui import QAction, QKeySequence

    action = QAction(QCoreApplication.translate("printing", "Pr&int…"), window)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
    action.setStatusTip(QCoreApplication.translate("printing", "Print this page's figures and table, with a preview"))
    action.triggered.connect(lambda _checked=False: print_current(window))
    window.addAction(action)
    menu.insertAction(before, action) if before is not None else menu.addAction(action)
    window.print_action = action
