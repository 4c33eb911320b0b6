"""Colours and fonts shared by every figure, so the KM plot and bar charts match.

Okabe–Ito is safe for the common colour-vision deficiencies and prints well in grey.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics

#: Okabe–Ito, reordered so the first two (the usual two-group comparison) differ
#: strongly in both hue and lightness.
OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow (last: weak on white)
    "#000000",
)

FOREGROUND = QColor("#000000")
GRID_ALPHA = 0.15
TICK_PT = 10
LABEL_PT = 11
TITLE_PT = 12


def color(i: int) -> QColor:
    return QColor(OKABE_ITO[i % len(OKABE_ITO)])


def translucent(c: QColor, alpha: int = 50) -> QColor:
    out = QColor(c)
    out.setAlpha(alpha)
    return out


def _luminance(c: QColor) -> float:
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def text_color_on(background: QColor | str) -> QColor:
    """Black or white, whichever contrasts more with ``background`` (WCAG ratio)."""
    lum = _luminance(QColor(background))
    return QColor("#000000") if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else QColor("#ffffff")


def font(pt: int = TICK_PT, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(pt)
    f.setBold(bold)
    return f


def style_axis(axis: pg.AxisItem, label: str | None = None) -> None:
    """Black ticks and text at a readable size, whatever pg's global config is."""
    axis.setPen(pg.mkPen(FOREGROUND, width=1))
    axis.setTextPen(pg.mkPen(FOREGROUND))
    axis.setStyle(tickFont=font(TICK_PT), tickTextOffset=6)
    if label is not None:
        axis.setLabel(label, **{"font-size": f"{LABEL_PT}pt", "color": FOREGROUND.name()})


def style_plot(plot: pg.PlotItem) -> None:
    plot.getViewBox().setBackgroundColor("w")
    for name in ("left", "bottom"):
        style_axis(plot.getAxis(name))
    plot.hideButtons()
    plot.setMenuEnabled(False)


def fit_y_from_zero(plot: pg.PlotItem, top: float) -> None:
    """Y from 0 to ``top`` with half a tick label of room under 0, whatever the plot's height.

    With the grid on, pyqtgraph clips an axis' text to the plot's height, so a "0" at the very
    foot of the axis loses its lower half and is dropped; the room is computed from the
    plot's height in pixels, not a fixed fraction (bars and the yearly hazard lost their "0").
    """
    height = max(plot.getViewBox().height(), 1.0)
    half_text = QFontMetrics(font(TICK_PT)).height() / 2 + 2
    pad = min(0.25, max(0.015, half_text / height)) * top
    plot.getAxis("left").setStyle(hideOverlappingLabels=False)
    plot.setYRange(-pad, top, padding=0)
