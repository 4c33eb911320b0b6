"""Every figure widget shares FigureWidget: one canvas, redraws that replace, the same exports."""
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from her2desk.ui.panels.survival_panel import HazardPlotWidget
from her2desk.ui.plots.bar_chart import BarChartWidget, BarSeries
from her2desk.ui.plots.figure import FigureWidget
from her2desk.ui.plots.forest_plot import ForestPlotWidget, ForestRow
from her2desk.ui.plots.km_plot import KMPlotWidget

SVG = "{http://www.w3.org/2000/svg}"


def _km_curve():
    t = np.array([2.0, 5.0, 9.0, 14.0])
    s = np.array([0.9, 0.75, 0.6, 0.6])
    return SimpleNamespace(label="HR-positive", n=10, events=3, time=t, survival=s, ci_low=s - 0.1,
                           ci_high=np.minimum(s + 0.1, 1.0), n_risk=np.array([10, 8, 6, 4]),
                           censor_times=np.array([14.0]), median=float("nan"))


def _draw(widget):
    if isinstance(widget, BarChartWidget):
        widget.set_grouped(["A", "B"], [BarSeries("pCR", [0.25, 0.5])])
    elif isinstance(widget, ForestPlotWidget):
        widget.set_rows([ForestRow("Age: ≥50 vs <50", 1.8, 1.1, 2.9, 0.02)])
    elif isinstance(widget, KMPlotWidget):
        widget.set_curves([_km_curve()])
    else:
        hz = SimpleNamespace(start=np.array([0.0, 12.0]), end=np.array([12.0, 24.0]),
                             hazard=np.array([0.01, 0.02]), n_at_risk=np.array([40, 30]))
        widget.set_hazards([("HR-positive", hz)])


@pytest.mark.parametrize("cls, title", [(BarChartWidget, "Bar chart"), (ForestPlotWidget, "Forest plot"),
                                        (KMPlotWidget, "Kaplan–Meier plot"),
                                        (HazardPlotWidget, "Yearly hazard plot")])
def test_figure_exports_carry_their_title(qtbot, tmp_path, cls, title):
    w = cls()
    qtbot.addWidget(w)
    w.resize(600, 420)
    w.show()
    qtbot.waitExposed(w)
    assert isinstance(w, FigureWidget) and w.export_title == title
    _draw(w)
    png = QImage(str(w.export(tmp_path / "f.png", width=900)))
    assert png.width() == 900 and png.height() > 300
    # export() by extension now names the figure in the SVG as export_svg() does
    for path in (w.export(tmp_path / "f.svg"), w.export_svg(tmp_path / "g.svg")):
        assert ET.parse(path).getroot().find(f"{SVG}title").text == title
    assert w.export(tmp_path / "f.pdf").read_bytes()[:5] == b"%PDF-"
    assert w.export_pdf(tmp_path / "g.pdf").read_bytes()[:5] == b"%PDF-"


def test_redraw_replaces_the_items_it_drew(qtbot):
    bars = BarChartWidget()
    qtbot.addWidget(bars)
    bars.set_grouped(["A", "B"], [BarSeries("pCR", [0.25, 0.5])])
    bars.set_grouped(["A"], [BarSeries("pCR", [0.75])])
    assert len([i for i in bars.plot.items if isinstance(i, pg.BarGraphItem)]) == 1
    forest = ForestPlotWidget()
    qtbot.addWidget(forest)
    forest.set_rows([ForestRow("a", 2.0, 1.0, 4.0), ForestRow("b", 0.5, 0.25, 1.0)])
    forest.set_rows([ForestRow("a", 2.0, 1.0, 4.0)])
    assert len([i for i in forest.plot.items if isinstance(i, pg.ScatterPlotItem)]) == 1
    assert forest.drawn == [("a", pytest.approx(2.0), pytest.approx(1.0), pytest.approx(4.0))]
    km = KMPlotWidget()
    qtbot.addWidget(km)
    km.set_curves([_km_curve(), _km_curve()])
    km.set_curves([_km_curve()])
    assert len([i for i in km.plot.items if isinstance(i, pg.PlotDataItem)]) == 1
    # both plots of the KM figure are locked like every figure
    assert not any(km.risk.getViewBox().state["mouseEnabled"])
    assert not any(km.plot.getViewBox().state["mouseEnabled"])
