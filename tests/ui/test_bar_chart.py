import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from her2desk.analysis.response import grade_distribution, rate_by_group
from her2desk.ui.plots.bar_chart import BarChartWidget, BarSeries, StackSegment


@pytest.fixture
def chart(qtbot):
    w = BarChartWidget()
    qtbot.addWidget(w)
    w.resize(640, 440)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_grouped_bars_with_ci_and_labels(chart):
    chart.set_grouped(["HR+", "HR−"], [
        BarSeries("TCbHP", [0.40, 0.625], ci_low=[0.25, 0.45], ci_high=[0.57, 0.77]),
        BarSeries("TCbH", [0.2, None]),
    ], annotation="P = 0.03")
    assert chart.bars == [("TCbHP", "HR+", 40.0, "40.0 %"), ("TCbHP", "HR−", 62.5, "62.5 %"),
                          ("TCbH", "HR+", 20.0, "20.0 %")]
    bars = [i for i in chart.plot.items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 2
    errs = [i for i in chart.plot.items if isinstance(i, pg.ErrorBarItem)]
    assert len(errs) == 1 and list(errs[0].opts["top"]) == pytest.approx([17.0, 14.5])
    # the label of a bar with a CI sits on top of its whisker
    labels = {i.toPlainText(): i.pos() for i in chart.plot.items if isinstance(i, pg.TextItem)}
    assert labels["62.5 %"].y() == pytest.approx(77.0)
    assert labels["20.0 %"].y() == pytest.approx(20.0)
    assert chart.legend.isVisible() and [l.text for _, l in chart.legend.items] == ["TCbHP", "TCbH"]
    assert chart.annotation.toPlainText() == "P = 0.03"
    ticks = chart.plot.getAxis("bottom")._tickLevels[0]
    assert ticks == [(0, "HR+"), (1, "HR−")]


def test_rate_comparison_from_analysis(chart):
    groups = pd.Series(["HR-positive"] * 10 + ["HR-negative"] * 8)
    pcr = pd.Series([True] * 3 + [False] * 7 + [True] * 6 + [False] * 2)
    cmp = rate_by_group(pcr, groups, group_order=["HR-positive", "HR-negative"])
    chart.set_rate_comparison(cmp, title="pCR")
    assert [b[3] for b in chart.bars] == ["30.0 % (3/10)", "75.0 % (6/8)"]
    assert chart.annotation.toPlainText().startswith("P = ")
    assert not chart.legend.isVisible()  # a single series needs no legend


def test_stacked_grades(chart):
    groups = pd.Series(["A"] * 4 + ["B"] * 5)
    grade = pd.Series([1, 2, 5, 5, 3, 3, 4, 5, 5])
    dist = grade_distribution(grade, groups)
    chart.set_grade_distribution(dist, title="Miller–Payne")
    by_cat = {}
    for name, cat, value, _ in chart.bars:
        by_cat.setdefault(cat, {})[name] = value
    assert by_cat["A"] == {"Grade 1": 25.0, "Grade 2": 25.0, "Grade 3": 0.0, "Grade 4": 0.0, "Grade 5": 50.0}
    assert sum(by_cat["B"].values()) == pytest.approx(100.0)
    assert [l.text for _, l in chart.legend.items] == ["Grade 5", "Grade 4", "Grade 3", "Grade 2", "Grade 1"]
    texts = {i.toPlainText() for i in chart.plot.items if isinstance(i, pg.TextItem)}
    assert {"n=4", "n=5", "50 %", "40 %"} <= texts
    assert "0 %" not in texts  # empty segments stay unlabelled


def test_stacked_small_segments_unlabelled(chart):
    chart.set_stacked(["X"], [StackSegment("a", [97.0]), StackSegment("b", [3.0])])
    assert [b[3] for b in chart.bars] == ["97 %", ""]


def test_bar_chart_exports(chart, tmp_path):
    chart.set_grouped(["A", "B", "C"], [BarSeries("pCR", [0.1, 0.5, 0.9])])
    image = QImage(str(chart.export_png(tmp_path / "bars.png", width=1200)))
    assert image.width() == 1200 and image.height() > 600
    root = ET.parse(chart.export_svg(tmp_path / "bars.svg")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    # the three bars are vector shapes filled with the first palette colour
    filled = [g for g in root.iter(f"{ns}g") if g.get("fill") == "#0072b2"
              and any(c.tag in (f"{ns}rect", f"{ns}path", f"{ns}polygon") for c in g)]
    assert filled
    assert "90.0 %" in "".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert chart.export(tmp_path / "bars.pdf").read_bytes()[:5] == b"%PDF-"
