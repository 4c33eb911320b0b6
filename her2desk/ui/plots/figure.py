"""The frame every figure widget shares: a white pyqtgraph canvas, its items, its exports.

``FigureWidget`` owns ``self.graphics`` (a ``GraphicsLayoutWidget`` filling the
widget), adds styled, mouse-locked plots with :meth:`add_plot`, remembers the
items it drew so a redraw removes exactly those, and offers the PNG/SVG/PDF
exports of :mod:`.export` under one set of names.
"""
from __future__ import annotations

import functools
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...i18n import ENGLISH, translate
from ..language import ui_language
from . import export, style


def translate_figure_texts(widget: QWidget, language: str) -> QWidget:
    """Every text of a drawn figure (title, axis labels, legend, annotations) through the
    Qt-free catalogue, line by line; numbers and unknown text pass through unchanged.

    Each item keeps its English text, so translating again (another language, or back to
    English) starts from the source, never from a translation."""
    def tr(text: str) -> str:
        return "\n".join(translate(line, language) for line in str(text).split("\n"))

    def again(item: Any, current: str, put) -> None:
        source = item.__dict__.get("_her2desk_source")
        if source is None or current != item.__dict__.get("_her2desk_shown"):
            source = current             # first time, or redrawn since: the new English
        new = tr(source) if language != ENGLISH else source
        if new != current:
            put(new)
        item.__dict__["_her2desk_source"], item.__dict__["_her2desk_shown"] = source, new

    if getattr(widget, "redraw_on_language_change", False) and widget.parent() is None \
            and getattr(widget, "drawing_language", None) != language:
        # Ticks the walk below cannot reach: a parentless figure draws itself again in ``language``.
        widget.drawing_language = language
        for name, (args, kwargs) in dict(widget.__dict__.get("_drawn", {})).items():
            getattr(widget, name)(*args, **kwargs)
    scenes = {v.scene() for v in widget.findChildren(pg.GraphicsView) if v.scene() is not None}
    for scene in scenes:
        for item in scene.items():
            if isinstance(item, pg.AxisItem) and item.labelText:
                again(item, item.labelText, lambda t, i=item: i.setLabel(t, units=i.labelUnits or None))
            elif isinstance(item, pg.LabelItem) and item.text:
                again(item, item.text, item.setText)
            elif isinstance(item, pg.TextItem) and item.toPlainText().strip():
                again(item, item.toPlainText(), item.setText)
    return widget


def _replayable(method):
    """Remember the outermost drawing call (name, args) so a fresh widget can redraw the figure."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        depth = self.__dict__.get("_draw_depth", 0)
        if depth == 0:
            drawn = self.__dict__.setdefault("_drawn", {})
            drawn.pop(method.__name__, None)
            if method.__name__ == "clear":
                drawn.clear()
            drawn[method.__name__] = (args, kwargs)
        self.__dict__["_draw_depth"] = depth + 1
        try:
            out = method(self, *args, **kwargs)
        finally:
            self.__dict__["_draw_depth"] = depth
        if depth == 0:
            if self.__dict__.get("figure_style") is not None:
                self._apply_style()      # the user's title and axis labels win over the drawing's
            self._follow_language()
        return out
    wrapper._replayable = True
    return wrapper


class FigureWidget(QWidget):
    """Base of the plot widgets; subclasses set ``export_title`` and draw into ``self.plot``.

    Every public ``set_…``/``clear`` call is remembered, so :meth:`fresh_copy` can
    redraw the same figure in a new widget: journal exports are drawn from that
    copy at the page's size, never from the widget the window shows.
    """

    #: Title written into SVG/PDF files.
    export_title = "her2desk figure"
    #: The journal export's figure kind (chooses the aspect): km, hazard, bars, forest.
    figure_kind = "bars"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, fn in list(vars(cls).items()):
            if (name.startswith("set_") or name == "clear") and callable(fn) \
                    and not getattr(fn, "_replayable", False):
                setattr(cls, name, _replayable(fn))

    def fresh_copy(self, title: str | None = "") -> "FigureWidget":
        """A new, unshown widget of this class drawing the same figure (``title`` replaces any
        title given; None keeps it), in the language this one shows."""
        copy = type(self)()
        if self._follows_window():      # drawn in the window's language (ticks too), unparented
            copy.drawing_language = ui_language()
        # The style goes with the copy: a title the user switched on is drawn, the default none.
        if self.figure_style is not None:
            copy.figure_style = self.figure_style
        for name, (args, kwargs) in dict(self.__dict__.get("_drawn", {})).items():
            if name == "set_style":
                continue
            if title is not None and "title" in kwargs:
                kwargs = {**kwargs, "title": title}
            getattr(copy, name)(*args, **kwargs)
        if self._follows_window():
            translate_figure_texts(copy, ui_language())
        return copy

    # -- the user's style (report.figure_style) ---------------------------------------------
    #: None: drawn as the caller asks; a FigureStyle: its choices win (set by :meth:`set_style`).
    figure_style: Any = None

    def set_style(self, figure_style: Any) -> None:
        """Draw with ``figure_style`` (a report.figure_style.FigureStyle, or None): the last
        drawing is redrawn with it, so colours, legends and axes follow at once."""
        self.figure_style = figure_style
        drawn = {k: v for k, v in self.__dict__.get("_drawn", {}).items() if k != "set_style"}
        for name, (args, kwargs) in drawn.items():
            getattr(self, name)(*args, **kwargs)

    def edit_options(self, *_: Any) -> None:
        """Figure options…: the dialog, then the choice saved with the study and drawn."""
        from ..figure_styles import edit_figure_style

        edit_figure_style(self)

    def colour(self, index: int, group: object = "") -> Any:
        """The colour of the ``index``-th group: the style's choice, else the shared palette."""
        from PySide6.QtGui import QColor

        if self.figure_style is not None:
            return QColor(self.figure_style.colour(str(group), index))
        return style.color(index)

    def drawn_title(self) -> str:
        """The title the last drawing call was given (what "title on" shows by default)."""
        for _name, (_args, kwargs) in reversed(list(self.__dict__.get("_drawn", {}).items())):
            if "title" in kwargs:
                return str(kwargs["title"] or "")
        return ""

    def _apply_style(self) -> None:
        """Title (off unless switched on) and axis labels of the user's style, on ``self.plot``."""
        st, plot = self.figure_style, getattr(self, "plot", None)
        if st is None or plot is None:
            return
        plot.setTitle(st.shown_title(self.drawn_title()) or None, size=f"{style.TITLE_PT}pt",
                      color=style.FOREGROUND.name())
        for axis, text in (("bottom", st.x_label), ("left", st.y_label)):
            if text:
                style.style_axis(plot.getAxis(axis), text)

    # -- language -----------------------------------------------------------------
    #: The language a parentless figure draws its ticks in (a journal copy of a figure shown in
    #: the Chinese window, a Chinese report figure); None: the window's inside it, else English.
    drawing_language: str | None = None

    def text_language(self) -> str:
        """The language of the text this figure draws itself (row labels on its axis ticks)."""
        if self.drawing_language is not None:
            return self.drawing_language
        return ui_language() if self._follows_window() else ENGLISH

    def _follows_window(self) -> bool:
        """A figure inside the window speaks the window's language; a parentless one (a report
        figure, a journal copy) stays English until its caller translates it."""
        return self.parent() is not None

    def _follow_language(self) -> None:
        if self._follows_window() and ui_language() != ENGLISH:
            translate_figure_texts(self, ui_language())

    #: Figures with text the item walk cannot reach (axis ticks) draw themselves again instead.
    redraw_on_language_change = False

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange and self._follows_window():
            if self.redraw_on_language_change:
                for name, (args, kwargs) in dict(self.__dict__.get("_drawn", {})).items():
                    getattr(self, name)(*args, **kwargs)
            translate_figure_texts(self, ui_language())
        super().changeEvent(event)

    def export_journal(self, path, *, width_mm: float = 85.0, dpi: int = 600,
                       title: str | None = ""):
        """Write this figure at journal size (see :mod:`.journal`), whatever this widget's size."""
        from .journal import render_figure

        return render_figure(lambda: self.fresh_copy(title), path, kind=self.figure_kind,
                             width_mm=width_mm, dpi=dpi, title=self.export_title)

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
        # Right-click on any plot: its title, labels, colours and axes (saved with the study).
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction

        self.options_action = QAction(self.tr("Figure options…"), self)
        self.options_action.triggered.connect(self.edit_options)
        self.graphics.addAction(self.options_action)
        self.graphics.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
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
