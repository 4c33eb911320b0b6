"""Kaplan–Meier figure: step curves, censor ticks, CI bands, medians, at-risk table.

The widget draws result objects; it never fits anything. A curve is anything
with the attributes of ``her2desk.analysis.survival.KMCurve`` that are used
here: ``label, n, events, time, survival, ci_low, ci_high, n_risk,
censor_times, median`` — times in months, arrays over every distinct observed
time (R's ``survfit`` layout), survival right-continuous.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainterPath
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from ...i18n import N_
from ...report.format import NR, format_number, format_percent
from . import export, style
from .figure import FigureWidget

MONTHS_PER_YEAR = 12.0

# Nice tick steps: a 10-year study in months gets a tick every 12 months.
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120)
_YEAR_STEPS = (0.25, 0.5, 1, 2, 5, 10, 20)


def _tick_symbol() -> QPainterPath:
    """A vertical bar, the conventional censor mark (pyqtgraph scales it by ``size``)."""
    path = QPainterPath()
    path.moveTo(0, -0.5)
    path.lineTo(0, 0.5)
    return path


CENSOR_SYMBOL = _tick_symbol()


def step_xy(time: np.ndarray, values: np.ndarray, start: float = 1.0,
            end: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Explicit step vertices (0, start) … (end, last value) of a right-continuous step."""
    t = np.asarray(time, dtype=float)
    v = np.asarray(values, dtype=float)
    if t.size == 0:
        return np.array([0.0, end or 0.0]), np.array([start, start])
    end = float(t[-1]) if end is None else float(end)
    x = np.concatenate(([0.0], np.repeat(t, 2), [end]))
    y = np.repeat(np.concatenate(([start], v)), 2)
    return x, y


def value_at(time: np.ndarray, values: np.ndarray, t: np.ndarray | float, start: float = 1.0) -> np.ndarray:
    """Read a right-continuous step at ``t`` (NaN after the last observed time)."""
    tq = np.atleast_1d(np.asarray(t, dtype=float))
    time = np.asarray(time, dtype=float)
    idx = np.searchsorted(time, tq, side="right") - 1
    out = np.where(idx >= 0, np.asarray(values, dtype=float)[np.clip(idx, 0, None)], start)
    if time.size:
        out = np.where(tq > time[-1], np.nan, out)
    return out


def at_risk_counts(curve: Any, times: np.ndarray) -> np.ndarray:
    """Number with follow-up ≥ t, read from the curve's own ``n_risk`` table."""
    time = np.asarray(curve.time, dtype=float)
    n_risk = np.asarray(curve.n_risk)
    tq = np.atleast_1d(np.asarray(times, dtype=float))
    idx = np.searchsorted(time, tq, side="left")
    padded = np.concatenate((n_risk, [0]))
    return padded[idx].astype(int)


def nice_ticks(t_max: float, unit: str = "months", max_ticks: int = 9) -> np.ndarray:
    steps = _YEAR_STEPS if unit == "years" else _MONTH_STEPS
    t_max = max(float(t_max), 1e-9)
    step = next((s for s in steps if t_max / s <= max_ticks), steps[-1])
    return np.arange(0.0, t_max + 1e-9, step)


def _fmt_time(value: float) -> str:
    return f"{value:g}"


def median_text(curve: Any, unit: str, scale: float) -> str:
    median = getattr(curve, "median", float("nan"))
    if median is None or not math.isfinite(median):
        return N_(f"median {NR}")
    short = "mo" if unit == "months" else "y"
    return N_(f"median {format_number(median * scale, 1)} {short}")


def legend_label(curve: Any, unit: str = "months", scale: float = 1.0) -> str:
    return N_(f"{curve.label} (n={curve.n}, events={curve.events}, "
              f"{median_text(curve, unit, scale)})")


class KMPlotWidget(FigureWidget):
    """Kaplan–Meier plot with the number-at-risk table aligned under the time ticks.

    Feed it with :meth:`set_curves`; export with :meth:`export_png`,
    :meth:`export_svg` or :meth:`export_pdf`. ``hovered(time, text)`` is emitted
    as the crosshair moves (``time`` in the displayed unit).
    """

    hovered = Signal(float, str)

    export_title = "Kaplan–Meier plot"
    figure_kind = "km"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, name="Kaplan–Meier plot", figure_name="Kaplan–Meier figure")
        self.curves: list[Any] = []
        self.time_unit = "months"
        self._scale = 1.0
        self._ticks = np.array([0.0])
        self._colors: list[QColor] = []

        self.readout = QLabel(" ")
        self.readout.setAccessibleName("Survival at the pointer")
        self.readout.setStyleSheet("color: #333; padding: 2px 6px;")
        self.graphics.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.layout().setSpacing(0)
        self.layout().addWidget(self.readout)

        # Row 0 holds the legend, above the plot area, where it covers no curve or band.
        self.plot: pg.PlotItem = self.add_plot(row=1, col=0)
        self.risk: pg.PlotItem = self.add_plot(row=2, col=0)
        self.graphics.ci.layout.setVerticalSpacing(4)
        self._setup_main()
        self._setup_risk()

        self._crosshair_v = pg.InfiniteLine(angle=90, movable=False,
                                            pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine))
        self._crosshair_h = pg.InfiniteLine(angle=0, movable=False,
                                            pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DashLine))
        for line in (self._crosshair_v, self._crosshair_h):
            export.mark_no_export(line)
            line.setZValue(50)
            line.hide()
            self.plot.addItem(line, ignoreBounds=True)
        self._mouse_proxy = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=30,
                                           slot=self._mouse_moved)
        self.annotation = pg.TextItem("", color=style.FOREGROUND, anchor=(0, 1),
                                      fill=pg.mkBrush(255, 255, 255, 220))
        self.annotation.setFont(style.font(style.TICK_PT))
        self.annotation.setParentItem(self.plot.getViewBox())  # pixel coordinates of the box
        self.annotation.setZValue(40)
        self.plot.getViewBox().sigResized.connect(self._place_annotation)
        self.legend = pg.LegendItem(labelTextSize=f"{style.TICK_PT}pt",
                                    labelTextColor=style.FOREGROUND, verSpacing=-6)
        # pyqtgraph makes legends ignore transformations, which would leave them
        # unscaled in a magnified export; as a layout cell they need no such guard.
        self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self.graphics.ci.addItem(self.legend, row=0, col=0)
        # The at-risk numbers: a pool of text items reused from one drawing to the next
        # (_risk_items are the ones shown). Removing and deleting dozens of items on each
        # switch of grouping crashed the process now and then (PySide6/pyqtgraph, in
        # scene.removeItem); hidden, emptied items cost nothing.
        self._risk_pool: list[Any] = []
        self._risk_items: list[Any] = []
        self.set_curves([])

    # -- set-up ----------------------------------------------------------------
    def _setup_main(self) -> None:
        p = self.plot
        p.showGrid(x=False, y=True, alpha=style.GRID_ALPHA)
        style.style_axis(p.getAxis("left"), "Survival probability")
        style.style_axis(p.getAxis("bottom"), "Time (months)")
        p.getAxis("left").setTicks([[(v, f"{v:.1f}") for v in np.linspace(0, 1, 6)], []])
        # 0.0 and 1.0 sit at the ends of the axis: pyqtgraph would drop them as "overlapping"
        # the axis' edge in a short plot (seen from a 1024×700 window).
        p.getAxis("left").setStyle(hideOverlappingLabels=False)
        p.setYRange(-0.03, 1.03, padding=0)
        p.getViewBox().setDefaultPadding(0.0)

    def _setup_risk(self) -> None:
        r = self.risk
        r.setXLink(self.plot)
        r.hideAxis("bottom")
        left = r.getAxis("left")
        style.style_axis(left)
        left.setPen(pg.mkPen(None))
        left.setStyle(tickLength=0)
        r.getViewBox().invertY(True)
        r.setTitle("Number at risk", size=f"{style.LABEL_PT}pt", color=style.FOREGROUND.name(),
                   justify="left")

    # -- public API --------------------------------------------------------------
    def set_curves(self, curves: Sequence[Any], *, annotation: str = "", title: str = "",
                   time_unit: str = "months", y_label: str = "Survival probability",
                   show_ci: bool = True, show_median: bool = False, show_censor: bool = True,
                   colors: Sequence[QColor | str] | None = None) -> None:
        """Draw ``curves`` (KMCurve-like, times in months).

        ``annotation`` is the text shown at the lower left, e.g. the log-rank P
        and the HR with its 95 % CI; ``time_unit`` "months" or "years" sets the axis.
        """
        if time_unit not in ("months", "years"):
            raise ValueError(f"time_unit must be 'months' or 'years', not {time_unit!r}")
        self.curves = list(curves)
        self.time_unit = time_unit
        self._scale = 1.0 / MONTHS_PER_YEAR if time_unit == "years" else 1.0
        self._colors = [QColor(colors[i]) if colors and i < len(colors)
                        else self.colour(i, self.curves[i].label) for i in range(len(self.curves))]
        self._remove_items()
        self.legend.clear()
        self.legend.setVisible(bool(self.curves))
        self.plot.setTitle(title or None, size=f"{style.TITLE_PT}pt", color=style.FOREGROUND.name())
        style.style_axis(self.plot.getAxis("left"), y_label)
        style.style_axis(self.plot.getAxis("bottom"), f"Time ({time_unit})")

        t_max = 0.0
        for i, curve in enumerate(self.curves):
            t_max = max(t_max, self._draw_curve(curve, self._colors[i], show_ci, show_median, show_censor))
        t_max = t_max if t_max > 0 else 12.0 * self._scale * 5
        self._ticks = nice_ticks(t_max, time_unit)
        x_end = max(t_max, self._ticks[-1])
        st = self.figure_style
        if st is not None and (st.x_max or st.x_tick):
            # The user's time axis: its end and tick interval (the at-risk table follows).
            x_end, step = st.time_ticks(x_end)
            self._ticks = np.arange(0.0, x_end + 1e-9, step) if step else nice_ticks(x_end, time_unit)
        self.plot.getAxis("bottom").setTicks([[(v, _fmt_time(v)) for v in self._ticks], []])
        # A little room left of 0 so the first at-risk numbers and the "0" tick are not clipped.
        self.plot.setXRange(-0.045 * x_end, x_end * 1.02, padding=0)
        self._fit_y_range()
        self.set_annotation(annotation)
        self._draw_risk_table()
        self.readout.setText(" ")

    def _group_label(self, label: object) -> str:
        st = self.figure_style
        return st.legend_label(str(label)) if st is not None else str(label)

    def _risk_options(self) -> tuple[bool, bool]:
        st = self.figure_style
        return (True, False) if st is None else (st.at_risk, st.cumulative_events)

    def journal_aspect(self) -> float:
        """Height / width on the page: the kind's 0.9 for two groups, and room for one more legend
        line, at-risk row and annotation line per further group, so the plot area keeps its
        height and the annotation in the lower left never covers the curves (four ER/PR
        groups at 85 mm lost the plot under their HR lines)."""
        from .journal import ASPECTS

        lines = max(len(self.curves), len(self.annotation.toPlainText().splitlines()))
        base = ASPECTS["km"] if self._risk_options()[0] else ASPECTS["km"] - 0.2
        return base + 0.13 * max(0, lines - 2)

    def set_annotation(self, text: str) -> None:
        self.annotation.setText(text or "", color=style.FOREGROUND)
        self.annotation.setVisible(bool(text))
        self._place_annotation()

    def clear(self) -> None:
        self.set_curves([])

    def at_risk_table(self) -> tuple[np.ndarray, list[tuple[str, list[int]]]]:
        """The numbers shown under the axis: (tick times, [(label, counts)])."""
        return self._ticks.copy(), [
            (c.label, [int(n) for n in at_risk_counts(c, self._ticks / self._scale)])
            for c in self.curves]

    def survival_text_at(self, t_display: float) -> str:
        """Readout for one time on the axis, e.g. '24 months — HR+ 81.2 % · HR− 74.0 %'."""
        t = t_display / self._scale
        parts = []
        for curve in self.curves:
            s = value_at(curve.time, curve.survival, t)[0]
            parts.append(f"{curve.label} {format_percent(s)}")
        unit = self.time_unit
        return f"{t_display:.1f} {unit} — " + " · ".join(parts)

    # -- drawing -------------------------------------------------------------------
    def _draw_curve(self, curve: Any, colour: QColor, show_ci: bool, show_median: bool,
                    show_censor: bool) -> float:
        scale = self._scale
        time = np.asarray(curve.time, dtype=float)
        surv = np.asarray(curve.survival, dtype=float)
        end = float(time[-1]) if time.size else 0.0
        if show_ci and getattr(curve, "ci_low", None) is not None and time.size:
            low = self._fill_nan(np.asarray(curve.ci_low, dtype=float), surv)
            high = self._fill_nan(np.asarray(curve.ci_high, dtype=float), surv)
            xl, yl = step_xy(time * scale, low)
            xh, yh = step_xy(time * scale, high)
            c_low = self._add(pg.PlotCurveItem(xl, yl, pen=pg.mkPen(None)))
            c_high = self._add(pg.PlotCurveItem(xh, yh, pen=pg.mkPen(None)))
            band = self._add(pg.FillBetweenItem(c_low, c_high, brush=pg.mkBrush(style.translucent(colour, 45))))
            band.setZValue(-10)
        x, y = step_xy(time * scale, surv)
        line = self._add(pg.PlotDataItem(x, y, pen=pg.mkPen(colour, width=2.2), name=curve.label))
        line.setZValue(10)
        name = self._group_label(curve.label)
        if name != curve.label:       # the user's label, the same n, events and median after it
            import dataclasses

            curve = dataclasses.replace(curve, label=name)
        self.legend.addItem(line, legend_label(curve, self.time_unit, scale))
        censor = np.asarray(getattr(curve, "censor_times", []), dtype=float)
        if show_censor and censor.size:
            cy = value_at(time, surv, censor)
            dots = self._add(pg.ScatterPlotItem(censor * scale, cy, symbol=CENSOR_SYMBOL, size=9,
                                                pen=pg.mkPen(colour, width=1.5), brush=pg.mkBrush(None)))
            dots.setZValue(11)
        median = getattr(curve, "median", None)
        if show_median and median is not None and math.isfinite(median):
            m = median * scale
            dash = pg.mkPen(colour, width=1.2, style=Qt.PenStyle.DashLine)
            self._add(pg.PlotDataItem([0, m, m], [0.5, 0.5, 0.0], pen=dash)).setZValue(5)
        return end * scale

    @staticmethod
    def _fill_nan(band: np.ndarray, surv: np.ndarray) -> np.ndarray:
        # R leaves the CI undefined where S = 0 (log) or S in {0, 1} (log-log):
        # collapse the band onto the curve there rather than break it.
        return np.where(np.isfinite(band), band, surv)

    def _draw_risk_table(self) -> None:
        for item in self._risk_items:
            item.setText("")
            item.hide()
        self._risk_items = []
        show, cumulative = self._risk_options()
        layout = self.graphics.ci
        if not show:
            # No table: the plot takes its room (a hidden layout cell would keep its height).
            if self.risk in layout.items:
                layout.removeItem(self.risk)
                self.risk.hide()
            layout.layout.setRowFixedHeight(2, 0)
            return
        if self.risk not in layout.items:
            layout.addItem(self.risk, row=2, col=0)
            self.risk.show()
        self.risk.setTitle("Number at risk (cumulative events)" if cumulative else "Number at risk",
                          size=f"{style.LABEL_PT}pt", color=style.FOREGROUND.name(), justify="left")
        n = len(self.curves)
        left = self.risk.getAxis("left")
        names = [self._group_label(c.label) for c in self.curves]
        left.setTicks([[(i, name) for i, name in enumerate(names)], []])
        fm = QFontMetrics(style.font(style.TICK_PT))
        label_w = max((fm.horizontalAdvance(name) for name in names), default=0)
        # Both left axes get the same width, so the two plots share one x mapping on screen.
        width = max(72, label_w + 18)
        self.plot.getAxis("left").setWidth(width)
        left.setWidth(width)
        row_h = fm.height() + 6
        self.graphics.ci.layout.setRowFixedHeight(2, max(1, n) * row_h + fm.height() + 14)
        self.risk.setYRange(-0.5, max(n, 1) - 0.5, padding=0)
        from ...analysis.survival import cumulative_events

        for i, curve in enumerate(self.curves):
            counts = at_risk_counts(curve, self._ticks / self._scale)
            events = (cumulative_events(curve, self._ticks / self._scale) if cumulative
                      else [None] * len(counts))
            for t, count, ev in zip(self._ticks, counts, events):
                shown = str(int(count)) if ev is None else f"{int(count)} ({int(ev)})"
                text = self._risk_text(len(self._risk_items))
                text.setText(shown, color=self._colors[i])
                text.setFont(style.font(style.TICK_PT))
                text.setPos(float(t), float(i))
                text.show()
                self._risk_items.append(text)

    def _risk_text(self, index: int) -> Any:
        """The pool's text item number ``index``, made (once) and added to the at-risk plot."""
        while len(self._risk_pool) <= index:
            text = pg.TextItem("", anchor=(0.5, 0.5))
            self.risk.addItem(text, ignoreBounds=True)
            self._risk_pool.append(text)
        return self._risk_pool[index]

    def _fit_y_range(self, *_: Any) -> None:
        """Leave half a tick label of room above 1.0 and below 0.0 whatever the plot's height.

        With the grid on, pyqtgraph clips the axis' text to the plot's height: a
        fixed padding lost both end labels in a short plot (a 1024×700 window).
        """
        height = max(self.plot.getViewBox().height(), 1.0)
        half_text = QFontMetrics(style.font(style.TICK_PT)).height() / 2 + 2
        pad = min(0.25, max(0.03, half_text / height))
        self.plot.setYRange(-pad, 1 + pad, padding=0)

    def _place_annotation(self, *_: Any) -> None:
        self._fit_y_range()
        rect = self.plot.getViewBox().rect()
        # A line longer than the plot is wide (an HR line at 85 mm) wraps inside the plot
        # instead of running off its right edge.
        text = self.annotation.textItem
        text.setTextWidth(-1)
        room = rect.width() - 16
        if room > 0 and text.document().idealWidth() > room:
            text.setTextWidth(room)
        self.annotation.updateTextPos()
        self.annotation.setPos(QPointF(8, rect.height() - 8))

    def _mouse_moved(self, event: tuple) -> None:
        pos = event[0]
        vb = self.plot.getViewBox()
        if not self.curves or not vb.sceneBoundingRect().contains(pos):
            self._crosshair_v.hide()
            self._crosshair_h.hide()
            return
        point = vb.mapSceneToView(pos)
        t = max(0.0, point.x())
        self._crosshair_v.setPos(t)
        self._crosshair_h.setPos(point.y())
        self._crosshair_v.show()
        self._crosshair_h.show()
        text = self.survival_text_at(t)
        self.readout.setText(text)
        self.hovered.emit(t, text)
