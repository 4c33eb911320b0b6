"""Journal-size figure export: width in mm, DPI, PNG/TIFF/SVG/PDF, drawn off-screen.

Every figure kind goes through :func:`render_figure`. It builds a *fresh*
widget (never the one in the window), lays it out at its physical size (the
width in mm at the screen's logical DPI, so fonts given in points come out at
their point size on paper), and renders that scene scaled to the requested
DPI. What the window looks like, or how big it is, therefore never changes an
exported figure: 85 mm at 600 dpi is always ``round(85 / 25.4 * 600)`` = 2008
pixels wide.

Qt draws pyqtgraph's "cosmetic" pens one device pixel per pixel of width,
which at 600 dpi would be a hairline; the fresh widget's pens are widened by
the magnification so lines keep their width on the page (at least 0.5 pt).
EPS is not offered: neither Qt nor a well-kept pure-Python library writes it
from a Qt scene cleanly (pdf → eps needs Ghostscript, which users lack).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from . import export

MM_PER_INCH = 25.4
WIDTH_PRESETS_MM = (85.0, 170.0)
DPI_CHOICES = (300, 600, 1200)
FORMATS = ("png", "tiff", "svg", "pdf")
#: height / width per figure kind (the flowchart keeps its own shape).
ASPECTS = {"km": 0.9, "hazard": 0.7, "bars": 0.8, "forest": 0.6, "flowchart": None}
MIN_LINE_PT = 0.5
#: Journal figures set text at 7–8 pt: the widgets' fonts (10 pt ticks) are laid out on a canvas
#: this much larger than the page and scaled down with it, so ticks print at 7 pt.
JOURNAL_TICK_PT = 7.0
JOURNAL_FILTER = ("PNG image (*.png);;TIFF image (*.tif *.tiff);;SVG vector figure (*.svg);;PDF (*.pdf)")


@dataclass(frozen=True)
class FigureSize:
    """Width on the page and the raster resolution of one export."""

    width_mm: float = 85.0
    dpi: int = 600

    def pixels(self, aspect: float) -> tuple[int, int]:
        w = round(self.width_mm / MM_PER_INCH * self.dpi)
        return w, max(1, round(w * aspect))


def pixel_width(width_mm: float, dpi: int) -> int:
    """Pixels across a raster figure ``width_mm`` wide at ``dpi`` (85 mm, 600 dpi -> 2008)."""
    return round(float(width_mm) / MM_PER_INCH * int(dpi))


def format_of(path: str | os.PathLike) -> str:
    ext = Path(path).suffix.lower().lstrip(".")
    fmt = {"tif": "tiff"}.get(ext, ext)
    if fmt not in FORMATS:
        raise export.ExportError(
            f"Figures can be saved as .png, .tiff, .svg or .pdf, not {('.' + ext) if ext else 'a file without extension'}.")
    return fmt


def _scaled_pen(pen: QPen | None, factor: float, min_px: float) -> QPen | None:
    if pen is None or not isinstance(pen, QPen) or pen.style() == Qt.PenStyle.NoPen:
        return pen
    if not (pen.isCosmetic() or pen.widthF() == 0):
        return pen
    out = QPen(pen)
    out.setCosmetic(True)
    out.setWidthF(max(pen.widthF() or 1.0, min_px) * factor)
    return out


def widen_pens(scene, factor: float, logical_dpi: float) -> None:
    """Widen every cosmetic pen of ``scene`` by ``factor`` (a throw-away figure's scene only)."""
    min_px = MIN_LINE_PT * logical_dpi / 72.0 * _layout_scale()
    for item in scene.items():
        if isinstance(item, pg.AxisItem):
            item.setPen(_scaled_pen(item.pen(), factor, min_px))
            if item._tickPen is not None:
                item.setTickPen(_scaled_pen(pg.mkPen(item._tickPen), factor, min_px))
            continue
        if isinstance(item, pg.InfiniteLine):
            item.setPen(_scaled_pen(item.pen, factor, min_px))
            continue
        opts = getattr(item, "opts", None)
        if isinstance(item, pg.ScatterPlotItem):
            item.opts["pen"] = _scaled_pen(pg.mkPen(item.opts["pen"]), factor, min_px)
            pens = item.data["pen"]
            for i, p in enumerate(pens):
                if isinstance(p, QPen):
                    pens[i] = _scaled_pen(p, factor, min_px)
            continue
        if isinstance(item, pg.PlotCurveItem):
            item.opts["pen"] = _scaled_pen(pg.mkPen(item.opts["pen"]), factor, min_px)
            continue
        if isinstance(item, (pg.ErrorBarItem, pg.BarGraphItem)) and isinstance(opts, dict):
            if opts.get("pen") is not None:
                item.setOpts(pen=_scaled_pen(pg.mkPen(opts["pen"]), factor, min_px))
            continue
        if isinstance(item, pg.LegendItem):
            item.opts["pen"] = _scaled_pen(pg.mkPen(item.opts["pen"]), factor, min_px)
            continue
        pen_of, set_pen = getattr(item, "pen", None), getattr(item, "setPen", None)
        if callable(pen_of) and callable(set_pen):
            try:
                pen = pen_of()
            except TypeError:
                continue
            if isinstance(pen, QPen):
                set_pen(_scaled_pen(pen, factor, min_px))


def _layout_scale() -> float:
    from . import style

    return style.TICK_PT / JOURNAL_TICK_PT


def _graphics_of(widget: QWidget) -> QGraphicsView:
    graphics = getattr(widget, "graphics", None)
    return graphics if isinstance(graphics, QGraphicsView) else widget


def _lay_out(widget: QWidget, width_px: int, height_px: int) -> None:
    """Show ``widget`` off-screen at exactly this size, with only its canvas."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    graphics = _graphics_of(widget)
    layout = widget.layout() if graphics is not widget else None
    if layout is not None:
        for i in range(layout.count()):
            w = layout.itemAt(i).widget()
            if w is not None and w is not graphics:
                w.hide()
        layout.setSpacing(0)
    widget.resize(width_px, height_px)
    widget.show()
    QApplication.processEvents()
    if graphics is not widget:
        # The canvas must be exactly the layout size whatever the widget's own minimums.
        graphics.resize(width_px, height_px)
        QApplication.processEvents()


class _Source:
    """What plots.export renders: a fixed scene rectangle of a view."""

    def __init__(self, view: QGraphicsView, rect: QRectF, dpi: float):
        self._view, self._rect, self._dpi = view, rect, dpi

    def scene(self):
        return self._view.scene()

    def viewport(self):
        return self

    def rect(self):
        return self._rect.toAlignedRect()

    def mapToScene(self, _rect):
        from PySide6.QtGui import QPolygonF
        return QPolygonF(self._rect)

    def logicalDpiX(self) -> float:
        return self._dpi


def render_figure(make: Callable[[], QWidget], path: str | os.PathLike, *, kind: str,
                  width_mm: float = 85.0, dpi: int = 600, title: str = "her2desk figure") -> Path:
    """Draw a fresh widget from ``make()`` at ``width_mm`` and write ``path`` (format from its suffix).

    PNG and TIFF are ``pixel_width(width_mm, dpi)`` pixels wide and carry the DPI;
    SVG and PDF are vector, ``width_mm`` wide on the page. Written atomically,
    mode 0644 under the usual umask.
    """
    fmt = format_of(path)
    if not (10.0 <= float(width_mm) <= 400.0):
        raise export.ExportError(f"A figure width of {width_mm:g} mm is outside 10–400 mm.")
    if int(dpi) < 72 or int(dpi) > 2400:
        raise export.ExportError(f"{dpi} dpi is outside 72–2400.")
    widget = make()
    try:
        logical = float(widget.logicalDpiX())
        lw = max(1, round(width_mm / MM_PER_INCH * logical * _layout_scale()))
        # A figure can ask for more height than its kind's (a KM plot of four groups has four
        # legend lines, four at-risk rows and four HR lines to fit around its curves).
        own = getattr(widget, "journal_aspect", None)
        aspect = own() if callable(own) and own() else ASPECTS.get(kind)
        view = _graphics_of(widget)
        if aspect is None:  # the flowchart: its scene's own shape
            rect = view.scene().itemsBoundingRect().adjusted(-6, -6, 6, 6)
            aspect = rect.height() / max(rect.width(), 1.0)
            lh = max(1, round(lw * aspect))
            _lay_out(widget, lw, lh)
        else:
            lh = max(1, round(lw * aspect))
            _lay_out(widget, lw, lh)
            if hasattr(widget, "_before_export"):
                widget._before_export()
            QApplication.processEvents()
            rect = QRectF(view.mapToScene(view.viewport().rect()).boundingRect())
            rect = QRectF(rect.x(), rect.y(), lw, lh)
        source = _Source(view, rect, logical)
        if fmt in ("png", "tiff"):
            w, h = pixel_width(width_mm, dpi), max(1, round(pixel_width(width_mm, dpi) * aspect))
            widen_pens(view.scene(), w / rect.width(), logical)
            return _write_raster(source, path, w, h, dpi, logical, fmt)
        widen_pens(view.scene(), 1.0, logical)
        if fmt == "svg":
            return _write_svg(source, path, rect, width_mm, logical, title)
        return _write_pdf(source, path, rect, width_mm, logical, title)
    finally:
        widget.hide()
        widget.deleteLater()


def _write_raster(source: _Source, path, w: int, h: int, dpi: int, logical: float, fmt: str) -> Path:
    image = QImage(w, h, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    dpm = round(logical / 0.0254)   # text laid out at the screen DPI, as in the widget
    image.setDotsPerMeterX(dpm)
    image.setDotsPerMeterY(dpm)
    painter = QPainter(image)
    try:
        export._render(source, painter, QRectF(0, 0, w, h))
    finally:
        painter.end()
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    with export.atomic_path(path, "." + fmt) as tmp:
        if not image.save(str(tmp), fmt.upper()):
            raise export.ExportError(f"The image could not be saved as {Path(path).name}.")
    return Path(path)


def _write_svg(source: _Source, path, rect: QRectF, width_mm: float, logical: float,
               title: str) -> Path:
    from PySide6.QtSvg import QSvgGenerator

    w, h = round(rect.width()), round(rect.height())
    # Fonts are converted at the screen DPI as in the widget; the page size says width_mm.
    page_w = round(width_mm / MM_PER_INCH * logical)
    page_h = max(1, round(page_w * h / max(w, 1)))
    with export.atomic_path(path, ".svg") as tmp:
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
        gen.setSize(QSize(page_w, page_h))
        gen.setViewBox(QRectF(0, 0, w, h))
        gen.setResolution(round(logical))
        gen.setTitle(title)
        gen.setDescription("Made with her2desk")
        painter = QPainter()
        if not painter.begin(gen):
            raise export.ExportError(f"The SVG file {Path(path).name} could not be started.")
        try:
            export._render(source, painter, QRectF(0, 0, w, h))
        finally:
            painter.end()
    return Path(path)


def _write_pdf(source: _Source, path, rect: QRectF, width_mm: float, logical: float, title: str) -> Path:
    width_pt = width_mm / MM_PER_INCH * 72.0
    size_pt = QSizeF(width_pt, width_pt * rect.height() / max(rect.width(), 1.0))
    with export.atomic_path(path, ".pdf") as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(title)
        writer.setCreator("her2desk")
        writer.setResolution(round(logical))
        writer.setPageSize(QPageSize(size_pt, QPageSize.Unit.Point))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        painter = QPainter()
        if not painter.begin(writer):
            raise export.ExportError(f"The PDF file {Path(path).name} could not be started.")
        try:
            target = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
            target.moveTo(0, 0)
            export._render(source, painter, target)
        finally:
            painter.end()
    return Path(path)


def render_bytes(make: Callable[[], QWidget], *, kind: str, width_mm: float = 85.0, dpi: int = 600,
                 fmt: str = "png") -> bytes:
    """The file :func:`render_figure` would write, as bytes (for report.xlsx / report.docx)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="her2desk-fig-") as tmp:
        target = Path(tmp) / f"figure.{fmt}"
        render_figure(make, target, kind=kind, width_mm=width_mm, dpi=dpi)
        return target.read_bytes()
