"""The frame every figure widget shares: a white pyqtgraph canvas, its items, its exports.

``FigureWidget`` owns ``self.graphics`` (a ``GraphicsLayoutWidget`` filling the
widget), adds styled, mouse-locked plots with :meth:`add_plot`, remembers the
items it drew so a redraw removes exactly those, and offers the PNG/SVG/PDF
exports of :mod:`.export` under one set of names.
"""
from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from . import export, style


class FigureWidget(QWidget):
    """Base of the plot widgets; subclasses set ``export_title`` and draw into ``self.plot``."""

    #: Title written into SVG/PDF files.
    export_title = "her2desk figure"

    def __init__(self, parent: QWidget | None = None, *, name: str = "", figure_name: str = ""):
        super().__init__(parent)
        if name:
            self.setAccessibleName(name)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        if figure_name:
            self.graphics.setAccessibleName(figure_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        self._items: list[Any] = []

    def add_plot(self, **kwargs: Any) -> pg.PlotItem:
        """A plot in the canvas with the shared style; figures are not panned or zoomed."""
        plot = self.graphics.addPlot(**kwargs)
        style.style_plot(plot)
        plot.setMouseEnabled(x=False, y=False)
        return plot

    # -- items ------------------------------------------------------------------
    def _add(self, item: Any) -> Any:
        self.plot.addItem(item)
        self._items.append(item)
        return item

    def _remove_items(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []

    # -- export -----------------------------------------------------------------
    def _before_export(self) -> None:
        """Hook: bring the scene up to date before it is rendered (default: nothing)."""

    def export_png(self, path, width: int = export.DEFAULT_PNG_WIDTH):
        self._before_export()
        return export.export_png(self.graphics, path, width=width)

    def export_svg(self, path):
        self._before_export()
        return export.export_svg(self.graphics, path, title=self.export_title)

    def export_pdf(self, path):
        self._before_export()
        return export.export_pdf(self.graphics, path, title=self.export_title)

    def export(self, path, width: int = export.DEFAULT_PNG_WIDTH):
        """Pick the writer from the file's extension (.png, .svg or .pdf)."""
        self._before_export()
        return export.export_figure(self.graphics, path, width=width, title=self.export_title)
