import math
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from her2desk.ui.plots.export import ExportError
from her2desk.ui.plots.km_plot import KMPlotWidget, at_risk_counts, legend_label, step_xy, value_at


def curve(label, time, event):
    """A hand-made KMCurve-like object (product-limit by hand, no analysis import)."""
    time, event = np.asarray(time, float), np.asarray(event, bool)
    ut = np.unique(time)
    n_risk = np.array([(time >= t).sum() for t in ut])
    d = np.array([(event & (time == t)).sum() for t in ut])
    s = np.cumprod(1 - d / n_risk)
    return SimpleNamespace(label=label, n=len(time), events=int(event.sum()), time=ut, survival=s,
                           ci_low=np.clip(s - 0.1, 0, 1), ci_high=np.clip(s + 0.1, 0, 1),
                           n_risk=n_risk, censor_times=np.sort(time[~event]),
                           median=float(ut[np.argmax(s <= 0.5)]) if (s <= 0.5).any() else math.nan)


@pytest.fixture
def curves():
    a = curve("HR-positive", [3, 8, 12, 12, 20, 30, 41, 55, 60, 70], [1, 0, 1, 1, 0, 1, 0, 1, 0, 0])
    b = curve("HR-negative", [2, 5, 6, 9, 15, 18, 25, 33], [1, 1, 0, 1, 1, 0, 1, 0])
    return [a, b]


@pytest.fixture
def widget(qtbot, curves):
    w = KMPlotWidget()
    qtbot.addWidget(w)
    w.resize(800, 560)
    w.set_curves(curves, annotation="Log-rank P = 0.041\nHR 0.52 (95 % CI 0.27–0.98)", show_median=True)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_step_and_lookup_helpers():
    x, y = step_xy(np.array([2.0, 5.0]), np.array([0.8, 0.5]), end=9.0)
    assert list(x) == [0, 2, 2, 5, 5, 9]
    assert list(y) == [1, 1, 0.8, 0.8, 0.5, 0.5]
    t = np.array([2.0, 5.0, 9.0])
    assert list(value_at(t, np.array([0.8, 0.5, 0.5]), [0, 2, 4.9, 5, 9])) == [1, 0.8, 0.8, 0.5, 0.5]
    assert math.isnan(value_at(t, np.array([0.8, 0.5, 0.5]), 9.5)[0])


def test_at_risk_counts_follow_r_convention(curves):
    a = curves[0]
    # follow-up >= t: at 12 months the two events at 12 still count as at risk
    assert list(at_risk_counts(a, [0, 12, 24, 36, 48, 60, 72])) == [10, 8, 5, 4, 3, 2, 0]


def test_draws_curves_legend_annotation_and_risk_table(widget, curves):
    ticks, table = widget.at_risk_table()
    assert list(ticks) == [0, 12, 24, 36, 48, 60]
    assert table == [("HR-positive", [10, 8, 5, 4, 3, 2]), ("HR-negative", [8, 4, 2, 0, 0, 0])]
    legend_texts = [label.text for _, label in widget.legend.items]
    assert legend_texts == [legend_label(c) for c in curves]
    assert legend_texts[0] == "HR-positive (n=10, events=5, median 55.0 mo)"
    assert legend_texts[1] == "HR-negative (n=8, events=5, median 15.0 mo)"
    assert widget.annotation.isVisible()
    assert "Log-rank P = 0.041" in widget.annotation.toPlainText()
    risk_texts = sorted(item.toPlainText() for item in widget.risk.items if isinstance(item, pg.TextItem))
    assert len(risk_texts) == 12 and risk_texts.count("0") == 3
    # the numbers sit exactly on the tick positions of the (linked) time axis
    xs = sorted({item.pos().x() for item in widget.risk.items if isinstance(item, pg.TextItem)})
    assert xs == list(ticks)
    assert widget.risk.getViewBox().viewRange()[0] == pytest.approx(widget.plot.getViewBox().viewRange()[0])
    assert widget.plot.getAxis("left").width() == widget.risk.getAxis("left").width()
    # the two main plots' left edges coincide on screen, so ticks and numbers line up
    x0_main = widget.plot.getViewBox().mapViewToScene(QPointF(12, 0)).x()
    x0_risk = widget.risk.getViewBox().mapViewToScene(QPointF(12, 0)).x()
    assert x0_main == pytest.approx(x0_risk, abs=0.5)


def test_years_axis_and_readout(widget, curves):
    widget.set_curves(curves, time_unit="years")
    ticks, table = widget.at_risk_table()
    assert list(ticks) == [0, 1, 2, 3, 4, 5]
    assert table[0][1] == [10, 8, 5, 4, 3, 2]
    assert widget.plot.getAxis("bottom").labelText == "Time (years)"
    assert widget.survival_text_at(1.0) == "1.0 years — HR-positive 67.5 % · HR-negative 60.0 %"
    with pytest.raises(ValueError):
        widget.set_curves(curves, time_unit="weeks")


def test_crosshair_follows_mouse(widget, qtbot):
    seen = []
    widget.hovered.connect(lambda t, text: seen.append(text))
    scene_pos = widget.plot.getViewBox().mapViewToScene(QPointF(24, 0.5))
    widget._mouse_moved((scene_pos,))
    assert seen and seen[-1].startswith("24.0 months — HR-positive 67.5 % · HR-negative 45.0 %")
    assert widget.readout.text() == seen[-1]
    assert widget._crosshair_v.isVisible() and widget._crosshair_v.value() == pytest.approx(24, abs=0.01)


def test_export_png_svg_pdf(widget, tmp_path):
    widget._mouse_moved((widget.plot.getViewBox().mapViewToScene(QPointF(24, 0.5)),))
    png = widget.export_png(tmp_path / "km.png", width=1600)
    image = QImage(str(png))
    assert image.width() == 1600
    assert image.height() == round(1600 * widget.graphics.viewport().height() / widget.graphics.viewport().width())
    # white background, not pyqtgraph's black
    assert image.pixelColor(3, 3).name() == "#ffffff"
    assert widget._crosshair_v.isVisible()  # hidden only while exporting

    svg = widget.export_svg(tmp_path / "km.svg")
    root = ET.parse(svg).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == ns + "svg"
    paths = root.findall(f".//{ns}path")
    # 2 curves + 2 CI bands + 2 median lines + one vector path per censor tick (5 + 3)
    assert len(paths) >= 14
    assert not root.findall(f".//{ns}image")  # nothing rasterised
    texts = "".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert "Number at risk" in texts and "HR-positive" in texts

    pdf = widget.export_pdf(tmp_path / "km.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["km.pdf", "km.png", "km.svg"]  # no temp files left

    with pytest.raises(ExportError, match="png, .svg or .pdf"):
        widget.export(tmp_path / "km.tiff")
    with pytest.raises(ExportError, match="does not exist"):
        widget.export_png(tmp_path / "no-such-folder" / "km.png")


def test_empty_plot_is_harmless(qtbot, tmp_path):
    w = KMPlotWidget()
    qtbot.addWidget(w)
    w.resize(500, 400)
    w.show()
    assert w.at_risk_table()[1] == []
    assert not w.annotation.isVisible()
    assert QImage(str(w.export_png(tmp_path / "empty.png", width=500))).width() == 500


def test_redrawing_reuses_the_at_risk_texts(widget, curves, qtbot):
    """Switching groupings back and forth draws the at-risk numbers into the same text items:
    the pool holds what the largest table needed, and the texts not shown are hidden and empty,
    so neither a redraw nor the figure's text (exports, translations) keeps a stale number."""
    one = [curves[0]]
    for _ in range(25):
        widget.set_curves(curves)
        qtbot.wait(1)
        widget.set_curves(one)
    shown = widget._risk_items
    pool = widget._risk_pool
    assert len(shown) == len(widget.at_risk_table()[0])          # one row of numbers
    assert len(pool) == 2 * len(shown)                           # the two-group table, no more
    spare = [t for t in pool if t not in shown]
    assert all(not t.isVisible() and t.toPlainText() == "" for t in spare)
    assert [t.toPlainText() for t in shown] == [str(n) for n in widget.at_risk_table()[1][0][1]]


def test_a_long_annotation_line_wraps_inside_a_narrow_plot(widget, qtbot):
    """An HR line wider than the plot (a KM figure 85 mm wide) wraps instead of running off the
    plot's right edge; a short one keeps its own width."""
    long_line = "Log-rank P = 0.039\nHR 0.65 (95 % CI 0.44–0.98), HR+/HER2+ vs HR-/HER2+ and more words"
    widget.set_annotation(long_line)
    widget.resize(420, 560)
    qtbot.wait(20)
    widget._place_annotation()
    box = widget.plot.getViewBox().rect()
    shown = widget.annotation.mapRectToParent(widget.annotation.boundingRect())
    assert shown.left() >= 0 and shown.right() <= box.width()
    assert widget.annotation.textItem.textWidth() > 0                      # wrapped
    widget.set_annotation("Log-rank P = 0.039")
    assert widget.annotation.textItem.textWidth() == -1                    # its own width
