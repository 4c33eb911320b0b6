"""Forest plot of hazard ratios: log-scale HR axis, 95 % CI whiskers, reference line at 1.

Draws numbers handed to it (:class:`ForestRow`); ``set_cox_model`` adapts a
``her2desk.analysis.cox_models.CoxModel`` (duck-typed). The HR axis is drawn in
log10 units with ticks labelled as ratios, so 0.5 and 2 sit equally far from 1.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from ...i18n import translate
from ...report.format import format_hr_with_ci, pretty_label
from . import style
from .figure import FigureWidget

_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
HR_MIN, HR_MAX = 0.01, 100.0


@dataclass(frozen=True)
class ForestRow:
    label: str
    hazard_ratio: float
    ci_low: float
    ci_high: float
    p_value: float | None = None
    #: The analysis layer's verdict (``CoxTerm.estimable``); a row that is not is listed, not drawn.
    estimable: bool = True


def _finite_pos(v: Any) -> bool:
    try:
        return v is not None and math.isfinite(float(v)) and float(v) > 0
    except (TypeError, ValueError):
        return False


def hr_text(row: ForestRow) -> str:
    """ "2.00 (1.20–3.40)" or "not estimable", as in the tables (:mod:`her2desk.report.format`)."""
    return format_hr_with_ci(row.hazard_ratio, (row.ci_low, row.ci_high),
                             row.estimable and _finite_pos(row.hazard_ratio))


def hr_ticks(low: float, high: float) -> list[float]:
    """Ratios to label between ``low`` and ``high``, always including 1."""
    ticks = [t for t in _TICKS if low <= t <= high]
    if 1 not in ticks:
        ticks.append(1)
    # Too many labels crowd the axis: keep 1 and the round ones.
    if len(ticks) > 7:
        ticks = [t for t in ticks if t in (0.01, 0.1, 0.5, 1, 2, 10, 100)]
    return sorted(ticks)


class ForestPlotWidget(FigureWidget):
    """Rows top to bottom: term label on the left, HR (95 % CI) text on the right."""

    redraw_on_language_change = True

    export_title = "Forest plot"
    figure_kind = "forest"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, name="Forest plot", figure_name="Forest plot figure")
        self.plot: pg.PlotItem = self.add_plot()
        self.plot.showAxis("right")
        for name in ("left", "right"):
            axis = self.plot.getAxis(name)
            style.style_axis(axis)
            axis.setPen(pg.mkPen(None))
            axis.setStyle(tickLength=0)
        self.plot.showGrid(x=True, y=False, alpha=style.GRID_ALPHA)
        self.rows: list[ForestRow] = []
        #: What is drawn, for tests: (label, HR, low, high) with CI clipped to the axis.
        self.drawn: list[tuple[str, float, float, float]] = []
        self._hr_ticks: list[float] = []
        self.plot.getViewBox().sigResized.connect(self._thin_ticks)

    def clear(self) -> None:
        self._remove_items()
        self.drawn = []

    def set_rows(self, rows: Sequence[ForestRow], *, title: str = "",
                 x_label: str = "Hazard ratio (95 % CI, log scale)") -> None:
        self.clear()
        self.rows = list(rows)
        n = len(self.rows)
        ys = np.arange(n)[::-1].astype(float)   # first row at the top
        values = [v for r in self.rows if r.estimable
                  for v in (r.hazard_ratio, r.ci_low, r.ci_high) if _finite_pos(v)]
        low = max(HR_MIN, min(values + [1.0]) / 1.25)
        high = min(HR_MAX, max(values + [1.0]) * 1.25)
        low, high = min(low, 0.5), max(high, 2.0)
        lx, hx = math.log10(low), math.log10(high)

        seg_x, seg_y, px, py = [], [], [], []
        for y, r in zip(ys, self.rows):
            if not (r.estimable and _finite_pos(r.hazard_ratio)):
                continue
            x = math.log10(min(max(r.hazard_ratio, low), high))
            a = math.log10(min(max(r.ci_low, low), high)) if _finite_pos(r.ci_low) else lx
            b = math.log10(min(max(r.ci_high, low), high)) if _finite_pos(r.ci_high) else hx
            seg_x += [a, b]
            seg_y += [y, y]
            px.append(x)
            py.append(y)
            self.drawn.append((r.label, 10 ** x, 10 ** a, 10 ** b))
        ref = pg.InfiniteLine(pos=0.0, angle=90, movable=False,
                              pen=pg.mkPen("#555555", width=1.2, style=Qt.PenStyle.DashLine))
        self._add(ref)
        if seg_x:
            self._add(pg.PlotCurveItem(np.array(seg_x), np.array(seg_y), connect="pairs",
                                       pen=pg.mkPen(style.FOREGROUND, width=1.6)))
            self._add(pg.ScatterPlotItem(np.array(px), np.array(py), symbol="s", size=10,
                                         pen=pg.mkPen(self.colour(0)), brush=pg.mkBrush(self.colour(0))))
        left = self.plot.getAxis("left")
        right = self.plot.getAxis("right")
        # Row labels are ticks, which the figure's text translation does not reach: said here.
        labels = [translate(r.label, self.text_language()) for r in self.rows]
        left.setTicks([[(float(y), label) for y, label in zip(ys, labels)], []])
        right.setTicks([[(float(y), hr_text(r)) for y, r in zip(ys, self.rows)], []])
        fm = QFontMetrics(style.font(style.TICK_PT))
        left.setWidth(max([fm.horizontalAdvance(label) for label in labels] + [60]) + 14)
        right.setWidth(max([fm.horizontalAdvance(hr_text(r)) for r in self.rows] + [60]) + 14)
        bottom = self.plot.getAxis("bottom")
        bottom.enableAutoSIPrefix(False)   # the axis is in log10 units; "(x0.001)" would mislead
        style.style_axis(bottom, x_label)
        self._hr_ticks = hr_ticks(low, high)
        self.plot.setTitle(title or None, size=f"{style.TITLE_PT}pt", color=style.FOREGROUND.name())
        self.plot.setXRange(lx, hx, padding=0.02)
        self._thin_ticks()
        self.plot.setYRange(-0.7, max(n, 1) - 0.3, padding=0)

    def set_cox_model(self, model: Any, *, title: str = "") -> None:
        """One row per model term: 'Variable: level vs reference'."""
        rows = [ForestRow(f"{t.label}: {pretty_label(t.level)} vs {pretty_label(t.reference)}",
                          t.hazard_ratio, t.ci[0], t.ci[1],
                          t.p_value, t.estimable) for t in model.terms]
        self.set_rows(rows, title=title)

    def _thin_ticks(self, *_: Any) -> None:
        """Label only the ratios that fit side by side at the plot's width: 1 first, then the
        roundest (0.1, 10, 0.5, 2...). At 85 mm the long row labels leave the axis a few
        centimetres, and "0.5" ran into "1"."""
        ticks = getattr(self, "_hr_ticks", [])
        if not ticks:
            return
        vb = self.plot.getViewBox()
        (x0, x1), width = vb.viewRange()[0], max(vb.width(), 1.0)
        per_unit = width / max(x1 - x0, 1e-9)
        fm = QFontMetrics(style.font(style.TICK_PT))
        order = sorted(ticks, key=lambda t: (t != 1, abs(math.log10(t)) % 1 != 0,
                                             str(t).strip("0.").lstrip("0") not in ("5", "2"),
                                             abs(math.log10(t))))
        kept: list[float] = []
        for t in order:
            half = (fm.horizontalAdvance(f"{t:g}") + 6) / 2
            if all(abs(math.log10(t) - math.log10(k)) * per_unit
                   >= half + (fm.horizontalAdvance(f"{k:g}") + 6) / 2 for k in kept):
                kept.append(t)
        self.plot.getAxis("bottom").setTicks([[(math.log10(t), f"{t:g}") for t in sorted(kept)], []])

    def _before_export(self) -> None:
        # New label widths reach the layout through posted events; an export right
        # after set_rows would otherwise draw the old, too narrow axes without labels.
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
