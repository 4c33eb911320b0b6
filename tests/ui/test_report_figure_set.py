"""The report's figure set: forest plots and the yearly hazard join the KM and bar figures, every
figure keeps the end labels of its y axis, and the command line draws each figure once."""
import io
import sys
from pathlib import Path

import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtGui import QImage, QPainter

sys.path.insert(0, str(Path(__file__).parent))

from her2desk.ui import report_figures  # noqa: E402
from her2desk.ui.report_figures import (FIGURE_KINDS, FOREST_FIGURES, HAZARD_FIGURE,  # noqa: E402
                                        figure_kind, figure_plan, render_and_write_figures)


def _left_tick_texts(plot: pg.PlotItem) -> list[str]:
    """The tick labels the left axis would draw now (pyqtgraph drops those it cannot fit)."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = plot.getAxis("left").generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2]]


def test_plan_holds_forest_plots_hazard_and_every_kind(sample_results):
    titles = [t for t, _ in figure_plan(sample_results)]
    assert [t for t, _ in FOREST_FIGURES] == [t for t in titles if "forest plot" in t]
    assert titles[-3:-1] == [t for t, _ in FOREST_FIGURES] and titles[-1] == HAZARD_FIGURE
    assert FOREST_FIGURES[0][0].startswith("Table S5") and FOREST_FIGURES[1][0].startswith("Table S6")
    assert len(titles) >= 20
    assert {figure_kind(t) for t in titles} == {"flowchart", "km", "bars", "forest", "hazard"}
    # Every KM figure is drawn at the KM aspect (titles do not say "survival").
    assert all(figure_kind(t) == "km" for t in titles if t.startswith(("Fig 4", "Fig 5", "Fig 6"))
               and not t.startswith(("Fig 4d", "Fig 5d", "Fig 6d")))
    # the P/HR panels (every pair of ER/PR subgroups) are forest plots after their KM figure
    pairs = [t for t in titles if t.startswith(("Fig 4d", "Fig 5d", "Fig 6d"))]
    assert len(pairs) == 3 and all(figure_kind(t) == "forest" for t in pairs)
    for t in pairs:
        assert titles[titles.index(t) - 1].startswith(t[:5].replace("d", "c"))
    assert set(titles) <= set(FIGURE_KINDS)


def test_forest_and_hazard_figures_draw_the_study_numbers(qtbot, sample_results):
    plan = dict(figure_plan(sample_results))
    fig5d = next(i for i in sample_results.paper if i.id == "Fig 5d")
    pairs = plan[next(t for t in plan if t.startswith("Fig 5d"))]()
    qtbot.addWidget(pairs)
    assert [d[1] for d in pairs.drawn] == pytest.approx([p.hazard_ratio for p in fig5d.pairs])
    assert len(pairs.drawn) == 6
    forest = plan[FOREST_FIGURES[0][0]]()
    qtbot.addWidget(forest)
    model = sample_results.cox.multivariate("OS")
    assert [d[1] for d in forest.drawn] == pytest.approx([t.hazard_ratio for t in model.terms])
    hazard = plan[HAZARD_FIGURE]()
    qtbot.addWidget(hazard)
    assert list(hazard.series) == list(sample_results.hazard_over_time)


@pytest.mark.parametrize("height", [220, 300, 700])
def test_bars_and_hazard_keep_their_zero_label_at_any_height(qtbot, sample_results, height):
    plan = dict(figure_plan(sample_results))
    for title in (next(t for t in plan if t.startswith("Fig 2a. pCR")), HAZARD_FIGURE):
        w = plan[title]()
        qtbot.addWidget(w)
        w.resize(500, height)
        w.show()
        qtbot.waitExposed(w)
        texts = _left_tick_texts(w.plot)
        assert "0" in texts, (title, height, texts)


def test_hazard_legend_scales_with_the_page(qtbot, sample_results):
    w = dict(figure_plan(sample_results))[HAZARD_FIGURE]()
    qtbot.addWidget(w)
    flag = w.legend.GraphicsItemFlag.ItemIgnoresTransformations
    assert not (w.legend.flags() & flag)
    # upper left, where the yearly hazards (low in the first years) leave room
    assert w.legend.opts["offset"][0] > 0


def test_a_four_group_km_figure_is_taller_than_a_two_group_one(qtbot, sample_results):
    plan = dict(figure_plan(sample_results))
    two = plan[next(t for t in plan if t.startswith("Fig 4b"))]()
    four = plan[next(t for t in plan if t.startswith("Fig 4c"))]()
    for w in (two, four):
        qtbot.addWidget(w)
    assert two.journal_aspect() == pytest.approx(0.9)
    assert four.journal_aspect() > two.journal_aspect() + 0.2


@pytest.mark.slow
def test_command_line_draws_each_figure_once(sample_results, tmp_path, monkeypatch):
    drawn = []
    real = report_figures.render_one
    monkeypatch.setattr(report_figures, "render_one",
                        lambda title, make, **kw: drawn.append(title) or real(title, make, **kw))
    figures, files = render_and_write_figures(sample_results, tmp_path, width_mm=85, dpi=300)
    titles = [t for t, _ in figure_plan(sample_results)]
    assert drawn == titles                            # once each, not once per output
    assert list(figures) == titles and len(files) == len(titles)
    for title, f in zip(titles, files):
        assert f.read_bytes() == figures[title]      # the file is the embedded picture
        assert Image.open(io.BytesIO(figures[title])).size[0] == round(85 / 25.4 * 300)


@pytest.mark.parametrize("width", [420, 1400])
def test_forest_tick_labels_never_run_into_each_other(qtbot, sample_results, width):
    import math

    from PySide6.QtGui import QFontMetrics

    from her2desk.ui.plots import style

    w = dict(figure_plan(sample_results))[FOREST_FIGURES[0][0]]()
    qtbot.addWidget(w)
    w.resize(width, 420)
    w.show()
    qtbot.waitExposed(w)
    vb = w.plot.getViewBox()
    (x0, x1), per_unit = vb.viewRange()[0], vb.width() / (vb.viewRange()[0][1] - vb.viewRange()[0][0])
    fm = QFontMetrics(style.font(style.TICK_PT))
    ticks = w.plot.getAxis("bottom")._tickLevels[0]
    assert any(label == "1" for _, label in ticks)
    for (a, la), (b, lb) in zip(ticks, ticks[1:]):
        gap = (b - a) * per_unit
        assert gap >= (fm.horizontalAdvance(la) + fm.horizontalAdvance(lb)) / 2, (la, lb, gap)
    if width == 1400:          # room enough: the round ratios around 1 are labelled too
        assert {"0.5", "1", "2"} <= {label for _, label in ticks}
