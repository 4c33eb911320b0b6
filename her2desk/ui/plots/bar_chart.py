"""Bar charts for the neoadjuvant figures: pCR rates with Wilson CIs, Miller–Payne grades.

Like the KM plot this only draws numbers handed to it: ``set_grouped`` /
``set_stacked`` take plain sequences, and ``set_rate_comparison`` /
``set_grade_distribution`` adapt the result objects of
``her2desk.analysis.response`` (duck-typed).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget

from ...report.format import format_percent
from . import style
from .figure import FigureWidget


@dataclass(frozen=True)
class BarSeries:
    """One colour of bars: a value per category (None = no bar), optional CI and text."""

    name: str
    values: Sequence[float | None]
    ci_low: Sequence[float | None] | None = None
    ci_high: Sequence[float | None] | None = None
    labels: Sequence[str] | None = None    # text above each bar; default: the value


@dataclass(frozen=True)
class StackSegment:
    """One layer of a stacked bar: a value per category (e.g. percent with grade 3)."""

    name: str
    values: Sequence[float | None]


def _num(v: Any) -> float:
    if v is None:
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _format_p_text(result: Any) -> str:
    p = getattr(result, "p_value", None)
    if p is None or not math.isfinite(p):
        return ""
    from ..text import p_phrase  # one P style across tables and figures

    test = getattr(result, "test", None)
    text = p_phrase("P", p)
    return f"{text} ({test})" if test else text


class BarChartWidget(FigureWidget):
    """Grouped bars with CI whiskers, or stacked percentage bars, with value labels."""

    export_title = "Bar chart"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, name="Bar chart", figure_name="Bar chart figure")
        self.plot: pg.PlotItem = self.add_plot()
        self.plot.showGrid(x=False, y=True, alpha=style.GRID_ALPHA)
        self._y_top = 1.0
        self.plot.getViewBox().sigResized.connect(self._fit_y)
        self.legend = pg.LegendItem(offset=(-10, 10), labelTextSize=f"{style.TICK_PT}pt",
                                    labelTextColor=style.FOREGROUND, brush=pg.mkBrush(255, 255, 255, 230),
                                    pen=pg.mkPen("#bbbbbb"))
        self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self.legend.setParentItem(self.plot.getViewBox())
        self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 10))
        self.annotation = pg.TextItem("", color=style.FOREGROUND, anchor=(0, 0),
                                      fill=pg.mkBrush(255, 255, 255, 220))
        self.annotation.setFont(style.font(style.TICK_PT))
        self.annotation.setParentItem(self.plot.getViewBox())
        self.annotation.setPos(QPointF(8, 8))
        self.annotation.setZValue(40)
        self.categories: list[str] = []
        self.mode = ""
        #: What is drawn, for tests and accessibility: (series, category, value, label).
        self.bars: list[tuple[str, str, float, str]] = []

    # -- public API --------------------------------------------------------------
    def clear(self) -> None:
        self._remove_items()
        self.legend.clear()
        self.bars = []
        self.annotation.setText("")
        self.annotation.hide()

    def set_grouped(self, categories: Sequence[str], series: Sequence[BarSeries], *,
                    y_label: str = "pCR rate (%)", annotation: str = "", title: str = "",
                    percent: bool = True, decimals: int = 1) -> None:
        """Bars side by side within each category; values are proportions when ``percent``."""
        self.clear()
        self.mode = "grouped"
        self.categories = [str(c) for c in categories]
        k = max(1, len(series))
        width = 0.8 / k
        factor = 100.0 if percent else 1.0
        unit = " %" if percent else ""
        top_needed = 0.0
        for s_i, s in enumerate(series):
            colour = self.colour(s_i, s.name)
            offset = (s_i - (k - 1) / 2) * width
            xs = np.arange(len(self.categories)) + offset
            vals = np.array([_num(v) for v in s.values]) * factor
            ok = np.isfinite(vals)
            if ok.any():
                bars = pg.BarGraphItem(x=xs[ok], height=vals[ok], width=width * 0.92,
                                       brush=pg.mkBrush(colour), pen=pg.mkPen("w", width=1))
                self._add(bars)
                if k > 1:
                    self.legend.addItem(bars, self.figure_style.legend_label(s.name) if self.figure_style else s.name)
            tops = vals.copy()
            if s.ci_low is not None and s.ci_high is not None:
                lo = np.array([_num(v) for v in s.ci_low]) * factor
                hi = np.array([_num(v) for v in s.ci_high]) * factor
                ci_ok = ok & np.isfinite(lo) & np.isfinite(hi)
                if ci_ok.any():
                    self._add(pg.ErrorBarItem(x=xs[ci_ok], y=vals[ci_ok], top=hi[ci_ok] - vals[ci_ok],
                                              bottom=vals[ci_ok] - lo[ci_ok], beam=width * 0.3,
                                              pen=pg.mkPen(style.FOREGROUND, width=1.3)))
                    tops = np.where(ci_ok, hi, vals)
            for i, cat in enumerate(self.categories):
                if not ok[i]:
                    continue
                text = (s.labels[i] if s.labels is not None and i < len(s.labels)
                        else f"{vals[i]:.{decimals}f}{unit}")
                label = pg.TextItem(text, color=style.FOREGROUND, anchor=(0.5, 1.0))
                label.setFont(style.font(style.TICK_PT - 1))
                label.setPos(float(xs[i]), float(tops[i]))
                self._add(label)
                self.bars.append((s.name, cat, float(vals[i]), text))
                top_needed = max(top_needed, float(tops[i]))
        y_max = 100.0 if percent else (top_needed or 1.0)
        # Head-room above 100 % for the value labels and the P annotation.
        self._finish(y_label, title, annotation, max(y_max, top_needed) * 1.22, percent)

    def set_stacked(self, categories: Sequence[str], segments: Sequence[StackSegment], *,
                    y_label: str = "Patients (%)", annotation: str = "", title: str = "",
                    min_label: float = 6.0, decimals: int = 0,
                    category_notes: Sequence[str] | None = None) -> None:
        """Stacked bars (values in percent, each category summing to 100).

        Segments smaller than ``min_label`` percent are left unlabelled, so text
        never overflows a thin band; ``category_notes`` (e.g. "n=38") go on top.
        """
        self.clear()
        self.mode = "stacked"
        self.categories = [str(c) for c in categories]
        xs = np.arange(len(self.categories), dtype=float)
        bottom = np.zeros(len(self.categories))
        legend_entries = []
        for s_i, seg in enumerate(segments):
            colour = self.colour(s_i, seg.name)
            vals = np.nan_to_num(np.array([_num(v) for v in seg.values]), nan=0.0)
            bars = pg.BarGraphItem(x=xs, y0=bottom.copy(), height=vals, width=0.6,
                                   brush=pg.mkBrush(colour), pen=pg.mkPen("w", width=1))
            self._add(bars)
            legend_entries.append((bars, self.figure_style.legend_label(seg.name) if self.figure_style else seg.name))
            text_colour = style.text_color_on(colour)
            for i, cat in enumerate(self.categories):
                text = f"{vals[i]:.{decimals}f} %"
                self.bars.append((seg.name, cat, float(vals[i]), text if vals[i] >= min_label else ""))
                if vals[i] >= min_label:
                    label = pg.TextItem(text, color=text_colour, anchor=(0.5, 0.5))
                    label.setFont(style.font(style.TICK_PT - 1))
                    label.setPos(float(xs[i]), float(bottom[i] + vals[i] / 2))
                    self._add(label)
            bottom += vals
        for bars, name in reversed(legend_entries):  # legend reads top-down like the stack
            self.legend.addItem(bars, name)
        if category_notes:
            for i, note in enumerate(category_notes):
                label = pg.TextItem(str(note), color=style.FOREGROUND, anchor=(0.5, 1.0))
                label.setFont(style.font(style.TICK_PT - 1))
                label.setPos(float(xs[i]), float(bottom[i]))
                self._add(label)
        # Room on the right for the legend, so it never hides a bar.
        self._finish(y_label, title, annotation, 122.0, True, right_room=0.9 if segments else 0.0)

    def set_rate_comparison(self, comparison: Any, *, title: str = "",
                            y_label: str = "pCR rate (%)") -> None:
        """Draw a ``RateComparison``: one bar per group, Wilson CI, 'k/n' under the rate."""
        rates = list(comparison.rates)
        series = BarSeries(
            name="pCR",
            values=[r.rate for r in rates],
            ci_low=[r.ci_low for r in rates],
            ci_high=[r.ci_high for r in rates],
            labels=[f"{format_percent(r.rate or 0)} ({r.k}/{r.n})" for r in rates],
        )
        self.set_grouped([str(r.group) for r in rates], [series], y_label=y_label, title=title,
                         annotation=_format_p_text(comparison.overall))

    def set_grade_distribution(self, dist: Any, *, title: str = "",
                               grade_names: dict | None = None) -> None:
        """Draw a ``GradeDistribution``: stacked Miller–Payne grades per group, n on top."""
        percent = dist.percent
        groups = [str(g) for g in dist.groups]
        segments = []
        for grade in dist.grades:
            name = (grade_names or {}).get(grade, f"Grade {grade}")
            row = percent.loc[grade] if grade in percent.index else None
            segments.append(StackSegment(name, [None if row is None else row.get(g, None) for g in dist.groups]))
        notes = [f"n={int(dist.n[g])}" for g in dist.groups] if getattr(dist, "n", None) is not None else None
        self.set_stacked(groups, segments, title=title, annotation=_format_p_text(dist.overall),
                         category_notes=notes)

    # -- helpers -------------------------------------------------------------------
    def _fit_y(self, *_: Any) -> None:
        style.fit_y_from_zero(self.plot, self._y_top)     # keeps the "0" label at any height

    def _finish(self, y_label: str, title: str, annotation: str, y_max: float, percent: bool,
                right_room: float = 0.0) -> None:
        style.style_axis(self.plot.getAxis("left"), y_label)
        bottom = self.plot.getAxis("bottom")
        style.style_axis(bottom)
        bottom.setTicks([[(i, c) for i, c in enumerate(self.categories)], []])
        if percent:
            self.plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in range(0, 101, 20)], []])
        else:
            self.plot.getAxis("left").setTicks(None)
        self.plot.setTitle(title or None, size=f"{style.TITLE_PT}pt", color=style.FOREGROUND.name())
        n = max(1, len(self.categories))
        self.plot.setXRange(-0.6, n - 0.4 + right_room, padding=0)
        self._y_top = y_max
        self._fit_y()
        self.legend.setVisible(bool(self.legend.items))
        self.annotation.setText(annotation or "", color=style.FOREGROUND)
        self.annotation.setVisible(bool(annotation))
