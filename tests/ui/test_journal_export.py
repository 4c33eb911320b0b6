"""Journal-size figures: mm × DPI, fresh off-screen widgets, the window's size never matters."""
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QFileDialog

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.ui.main_window import MainWindow  # noqa: E402
from her2desk.ui.panels.common import LAST_FIGURE_FOLDER  # noqa: E402
from her2desk.ui.plots.export import ExportError  # noqa: E402
from her2desk.ui.plots.journal import pixel_width  # noqa: E402


def test_pixel_width_is_the_page_width_at_the_dpi():
    assert pixel_width(85, 600) == 2008 == round(85 / 25.4 * 600)
    assert pixel_width(170, 300) == 2008
    assert pixel_width(85, 1200) == 4016
    assert pixel_width(170, 600) == 4016


@pytest.fixture(scope="module")
def study_file(tmp_path_factory):
    return study_factory.write_study(tmp_path_factory.mktemp("journal") / "study.xlsx", n=120)


@pytest.fixture
def window(qtbot, qsettings, study_file):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.open_study(study_file)
    yield w
    w.runner.shutdown(5000)


def _resized(window, qtbot, width, height):
    window.resize(width, height)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.size().width() == width, timeout=5000)


def test_an_exported_figure_is_the_same_whatever_the_window_size(window, qtbot, tmp_path):
    survival = window.panels["Survival"]
    window.tabs.setCurrentWidget(survival)
    images = {}
    for size in ((1024, 700), (1600, 1000)):
        _resized(window, qtbot, *size)
        on_screen = survival.plot.graphics.size()
        path = survival.plot.export_journal(tmp_path / f"km-{size[0]}.png", width_mm=85, dpi=600)
        images[size] = (QImage(str(path)), on_screen)
    (small, small_screen), (large, large_screen) = images.values()
    assert small_screen != large_screen          # the window really drew the plot at two sizes
    assert small.width() == large.width() == 2008
    assert small.size() == large.size()
    # Pixel for pixel the same drawing, text included (plots.glyph_cache: large glyphs come
    # from bitmaps, not from outlines that depend on what the window drew before).
    a, b = _pixels(small), _pixels(large)
    assert int((a != b).any(axis=2).sum()) == 0
    assert len(np.unique(a[..., :3].reshape(-1, 3), axis=0)) > 50   # a real figure, not blank
    assert round(small.dotsPerMeterX() * 0.0254) == 600


def _pixels(image):
    import numpy as np

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    raw = bytes(image.constBits())[: image.sizeInBytes()]
    return np.frombuffer(raw, dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)


def test_every_format_is_written_and_readable(window, tmp_path):
    old = os.umask(0o022)
    try:
        plot = window.panels["Survival"].plot
        tiff = plot.export_journal(tmp_path / "km.tiff", width_mm=170, dpi=300)
        svg = plot.export_journal(tmp_path / "km.svg", width_mm=85, dpi=600)
        pdf = plot.export_journal(tmp_path / "km.pdf", width_mm=85, dpi=600)
        forest = window.panels["Cox"].forest.export_journal(tmp_path / "forest.png", width_mm=85, dpi=300)
        flow = window.panels["Eligibility"].flowchart.export_journal(tmp_path / "flow.png", width_mm=85,
                                                                     dpi=300)
    finally:
        os.umask(old)
    assert QImage(str(tiff)).width() == 2008
    assert QImage(str(forest)).width() == QImage(str(flow)).width() == 1004
    text = svg.read_text()
    assert QSvgRenderer(QByteArray(svg.read_bytes())).isValid()
    width_mm = float(re.search(r'<svg width="([0-9.]+)mm"', text).group(1))
    assert abs(width_mm - 85) < 0.2
    raw = pdf.read_bytes()
    assert raw[:5] == b"%PDF-"
    box = re.search(rb"/MediaBox \[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", raw)
    assert box and abs(float(box.group(1)) - 85 / 25.4 * 72) < 0.5    # 241 pt
    for f in (tiff, svg, pdf, forest, flow):
        assert f.stat().st_mode & 0o777 == 0o644, f


def test_an_export_bigger_than_a_journal_page_is_refused_in_one_sentence(window, tmp_path):
    with pytest.raises(ExportError, match="outside 10–400 mm"):
        window.panels["Survival"].plot.export_journal(tmp_path / "km.png", width_mm=900)
    with pytest.raises(ExportError, match=r"\.png, \.tiff, \.svg or \.pdf"):
        window.panels["Survival"].plot.export_journal(tmp_path / "km.eps")


def test_no_title_is_burnt_in_unless_asked(window):
    plot = window.panels["Survival"].plot
    copy = plot.fresh_copy()
    try:
        assert copy.plot.titleLabel.text == ""
        assert [c.label for c in copy.curves] == [c.label for c in plot.curves]
    finally:
        copy.deleteLater()
    titled = plot.fresh_copy(title="OS by HR status")
    try:
        assert "OS by HR status" in titled.plot.titleLabel.text
    finally:
        titled.deleteLater()


def test_eligibility_save_figure_button_saves(window, qtbot, qsettings, tmp_path, monkeypatch):
    panel = window.panels["Eligibility"]
    window.tabs.setCurrentWidget(panel)
    asked = []
    target = tmp_path / "out" / "flow.png"
    target.parent.mkdir()

    def dialog(parent, caption, start, filters):
        asked.append(start)
        return str(target), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    with qtbot.waitSignal(panel.figure_saved, timeout=30000):
        qtbot.mouseClick(panel.save_button, qtbot_left())
    qtbot.waitUntil(lambda: target.exists(), timeout=30000)
    assert asked and Path(asked[0]).name == "flowchart.png"
    assert QImage(str(target)).width() == 2008        # 85 mm at 600 dpi unless chosen otherwise
    assert qsettings.value(LAST_FIGURE_FOLDER) == str(target.parent)
    panel.save_button.click()                         # the next dialog opens in that folder
    assert Path(asked[1]).parent == target.parent


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_large_glyphs_are_drawn_from_bitmaps_unless_the_user_chose(monkeypatch):
    from her2desk.ui.plots import glyph_cache

    monkeypatch.delenv(glyph_cache.ENV, raising=False)
    assert glyph_cache.cache_large_glyphs() == "512" == os.environ[glyph_cache.ENV]
    monkeypatch.setenv(glyph_cache.ENV, "128")
    assert glyph_cache.cache_large_glyphs() == "128"
