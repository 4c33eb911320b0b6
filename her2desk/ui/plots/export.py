"""PNG, SVG and PDF export of a pyqtgraph scene, written atomically.

pyqtgraph's SVGExporter raises on PySide6 6.12 (pyqtgraph issue 3485), so vector
output goes through Qt's own QSvgGenerator / QPdfWriter rendering the scene.
Every writer renders to a temporary file next to the target and then
``os.replace``s it, so a failed export never leaves half a figure behind and a
figure open in another program is replaced in one step.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from ...errors import Her2deskError

DEFAULT_PNG_WIDTH = 2400  # ~ 8 inches at 300 dpi
#: Set this attribute to True on a scene item (crosshair, hover text) to leave it out of exports.
NO_EXPORT = "her2desk_no_export"


def mark_no_export(item) -> None:
    setattr(item, NO_EXPORT, True)


class ExportError(Her2deskError):
    """An export that could not be written; the message is one sentence for the user."""


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str) -> Iterator[Path]:
    target = Path(path)
    if not target.parent.exists():
        raise ExportError(f"The folder {target.parent} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if not tmp_path.exists() or tmp_path.stat().st_size == 0:
            raise ExportError(f"Nothing could be written to {target.name}.")
        # mkstemp makes 0600 files; a figure is an ordinary document (0644 under umask 022).
        os.chmod(tmp_path, 0o666 & ~current_umask())
        os.replace(tmp_path, target)
    except PermissionError as exc:
        raise ExportError(f"{target.name} could not be written; is it open in another program?") from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _source(view: QGraphicsView) -> tuple[QGraphicsScene, QRectF]:
    scene = view.scene()
    rect = view.mapToScene(view.viewport().rect()).boundingRect()
    if rect.width() < 2 or rect.height() < 2:
        rect = scene.sceneRect()
    return scene, rect


def _render(view: QGraphicsView, painter: QPainter, target: QRectF) -> None:
    scene, source = _source(view)
    hidden = [item for item in scene.items() if getattr(item, NO_EXPORT, False) and item.isVisible()]
    for item in hidden:
        item.hide()
    # pyqtgraph items draw for export when told so: scatter symbols become vector
    # paths instead of cached bitmaps, as its own exporters arrange.
    scale = target.width() / max(source.width(), 1.0)
    opts = {"antialias": True, "background": QColor("white"), "painter": painter,
            "resolutionScale": scale}
    exporting = [item for item in scene.items() if hasattr(item, "setExportMode")]
    for item in exporting:
        item.setExportMode(True, opts)
    try:
        painter.fillRect(target, QColor("white"))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        for item in exporting:
            item.setExportMode(False)
        for item in hidden:
            item.show()


def _aspect(view: QGraphicsView) -> float:
    _, source = _source(view)
    return source.height() / max(source.width(), 1.0)


def export_png(view: QGraphicsView, path: str | os.PathLike, width: int = DEFAULT_PNG_WIDTH) -> Path:
    """Render the scene as shown, magnified to ``width`` pixels (height keeps the aspect)."""
    width = int(width)
    height = max(1, round(width * _aspect(view)))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    # Paint at the screen's DPI: point-sized fonts are converted with the device DPI
    # and would otherwise grow a second time on top of the magnification.
    dpm = round(view.logicalDpiX() / 0.0254)
    image.setDotsPerMeterX(dpm)
    image.setDotsPerMeterY(dpm)
    painter = QPainter(image)
    try:
        _render(view, painter, QRectF(0, 0, width, height))
    finally:
        painter.end()
    # Stored as 300 dpi so word processors place it at a sensible print size.
    image.setDotsPerMeterX(11811)
    image.setDotsPerMeterY(11811)
    with atomic_path(path, ".png") as tmp:
        if not image.save(str(tmp), "PNG"):
            raise ExportError(f"The image could not be saved as {Path(path).name}.")
    return Path(path)


def export_svg(view: QGraphicsView, path: str | os.PathLike, title: str = "her2desk figure") -> Path:
    from PySide6.QtSvg import QSvgGenerator  # only needed when exporting

    _, source = _source(view)
    w, h = max(1, round(source.width())), max(1, round(source.height()))
    with atomic_path(path, ".svg") as tmp:
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
        gen.setSize(QSize(w, h))
        gen.setViewBox(QRectF(0, 0, w, h))
        gen.setResolution(view.logicalDpiX())  # fonts in points, sized as on screen
        gen.setTitle(title)
        gen.setDescription("Made with her2desk")
        painter = QPainter()
        if not painter.begin(gen):
            raise ExportError(f"The SVG file {Path(path).name} could not be started.")
        try:
            _render(view, painter, QRectF(0, 0, w, h))
        finally:
            painter.end()
    return Path(path)


def export_pdf(view: QGraphicsView, path: str | os.PathLike, title: str = "her2desk figure") -> Path:
    _, source = _source(view)
    # Page sized to the figure, so the PDF drops into a manuscript as is; painted at
    # the screen's DPI so point-sized fonts keep their size relative to the figure.
    dpi = view.logicalDpiX()
    size_pt = QSizeF(source.width() * 72.0 / dpi, source.height() * 72.0 / dpi)
    with atomic_path(path, ".pdf") as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(title)
        writer.setCreator("her2desk")
        writer.setResolution(dpi)
        writer.setPageSize(QPageSize(size_pt, QPageSize.Unit.Point))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportError(f"The PDF file {Path(path).name} could not be started.")
        try:
            rect = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
            rect.moveTo(0, 0)
            _render(view, painter, rect)
        finally:
            painter.end()
    return Path(path)


def export_figure(view: QGraphicsView, path: str | os.PathLike, width: int = DEFAULT_PNG_WIDTH,
                  title: str = "her2desk figure") -> Path:
    """Pick the writer from the file's extension (.png, .svg or .pdf)."""
    ext = Path(path).suffix.lower()
    if ext == ".png":
        return export_png(view, path, width=width)
    if ext == ".svg":
        return export_svg(view, path, title=title)
    if ext == ".pdf":
        return export_pdf(view, path, title=title)
    raise ExportError(f"Figures can be saved as .png, .svg or .pdf, not {ext or 'a file without extension'}.")


FIGURE_FILTER = "PNG image (*.png);;SVG vector figure (*.svg);;PDF (*.pdf)"
