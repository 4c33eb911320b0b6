"""Colours and fonts shared by every figure, so the KM plot and bar charts match.

Okabe–Ito is safe for the common colour-vision deficiencies and prints well in grey.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

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
