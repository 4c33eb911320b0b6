"""Chinese renders even where no CJK font is installed: the bundled subset covers every
character the app shows (zh_CN catalogue, codebook synonyms, report catalogue), and text laid
out with the application font maps to real glyphs, not the .notdef box."""
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture(autouse=True)
def _restore_application_font(qapp):
    """These tests put the bundled CJK family into the application font; later tests (PDF text
    extraction among them) expect the font the session started with."""
    from PySide6.QtGui import QFont

    font = QFont(qapp.font())
    yield
    qapp.setFont(font)


def chinese_the_app_shows() -> str:
    chars = set()
    ts = ROOT / "resources" / "translations" / "her2desk_zh_CN.ts"
    for message in ET.parse(ts).getroot().iter("message"):
        chars.update(CJK.findall(message.findtext("translation") or ""))
    for source in ("crf/codebook.py", "crf/headers.py", "crf/values.py", "cohort/derive.py", "ui/app.py"):
        chars.update(CJK.findall((ROOT / "her2desk" / source).read_text(encoding="utf-8")))
    catalogue = ROOT / "her2desk" / "i18n_zh_CN.json"
    if catalogue.exists():
        chars.update(CJK.findall(catalogue.read_text(encoding="utf-8")))
    return "".join(sorted(chars))


def test_the_bundled_font_has_every_character(qapp):
    from PySide6.QtGui import QFont, QRawFont

    from her2desk.ui.fonts import BUNDLED_FAMILY, bundled_cjk_family

    assert bundled_cjk_family() == BUNDLED_FAMILY
    raw = QRawFont.fromFont(QFont(BUNDLED_FAMILY))
    assert raw.familyName() == BUNDLED_FAMILY
    text = chinese_the_app_shows()
    assert len(text) > 200            # the catalogue and the codebook, not a handful
    missing = [c for c in text if not raw.supportsCharacter(ord(c))]
    assert not missing, "".join(missing)


def test_the_application_font_draws_chinese_without_boxes(qapp):
    """Lay the text out as a label would and check every glyph run: glyph 0 is the box."""
    from PySide6.QtGui import QFontMetrics, QTextLayout

    from her2desk.ui.fonts import setup_cjk_font

    family = setup_cjk_font(qapp, prefer_system=False)   # the fallback path, whatever is installed
    assert family is not None and family in qapp.font().families()
    text = chinese_the_app_shows()
    layout = QTextLayout(text, qapp.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    glyphs = [(run.rawFont().familyName(), index) for run in layout.glyphRuns() for index in run.glyphIndexes()]
    assert len(glyphs) == len(text)
    assert all(index != 0 for _, index in glyphs)
    assert {name for name, _ in glyphs} == {family}
    metrics = QFontMetrics(qapp.font())
    assert metrics.horizontalAdvance("雌激素受体") > 0


def test_a_pdf_figure_embeds_the_chinese_glyphs(qapp, tmp_path):
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    from her2desk.ui.fonts import setup_cjk_font
    from her2desk.ui.plots.export import export_pdf

    setup_cjk_font(qapp, prefer_system=False)
    scene = QGraphicsScene()
    scene.addText("总生存期 曲妥珠单抗", qapp.font())
    view = QGraphicsView(scene)
    view.resize(400, 200)
    out = export_pdf(view, tmp_path / "zh.pdf")
    data = out.read_bytes()
    assert b"/FontFile" in data and b"NotoSansSC-her2desk" in data   # the subset is embedded, not referenced


def test_report_figures_are_drawn_in_chinese(qapp, sample_results):
    from her2desk.ui.report_figures import figure_plan, figure_texts, translate_figure

    title, make = next((t, m) for t, m in figure_plan(sample_results) if t.startswith("Fig 4a"))
    widget = translate_figure(make(), "zh_CN")
    texts = figure_texts(widget)
    widget.deleteLater()
    for english in ("Survival probability", "Time (months)", "Number at risk"):
        assert not any(english in t for t in texts)
    assert {"生存概率", "时间（月）", "风险人数"} <= set(texts)


def test_latin_text_keeps_the_font_it_had(qapp):
    """The CJK family is only a fallback: Latin letters and digits stay in the font Qt drew them
    with before (the offscreen default is the alias "Sans Serif", which Qt would otherwise skip
    for the CJK subset)."""
    from PySide6.QtGui import QFontInfo, QTextLayout

    from her2desk.ui.fonts import setup_cjk_font

    before = QFontInfo(qapp.font()).family()
    family = setup_cjk_font(qapp, prefer_system=False)
    if before == family:
        pytest.skip("the system has no Latin font of its own")
    layout = QTextLayout("400 rows. HR 0.66 (95 % CI 0.44-0.99) 总生存期", qapp.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = {run.rawFont().familyName() for run in layout.glyphRuns()}
    assert runs == {before, family}
