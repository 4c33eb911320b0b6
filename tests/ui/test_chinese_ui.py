"""The window in Chinese, switched while a study is open: tables, headers, footnotes, findings,
the flowchart and the figures follow at once, and back to English leaves no Chinese behind."""
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from her2desk.ui.app import switch_language
from her2desk.ui.main_window import MainWindow
from her2desk.ui.report_figures import figure_texts

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def study_file(tmp_path_factory):
    return study_factory.write_study(tmp_path_factory.mktemp("study") / "study.xlsx", n=120)


@pytest.fixture
def window(qtbot, qsettings):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    switch_language(w, "en")
    QApplication.processEvents()
    w.runner.shutdown(5000)


def _headers(model):
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def _shown(window):
    validation = window.panels["Validation"].table.model
    from her2desk.ui.panels.report_table import ReportTable

    tables = [t for t in window.findChildren(ReportTable) if t.model.rowCount()]
    from her2desk.ui.plots.flowchart import FlowchartView
    from her2desk.ui.plots.km_plot import KMPlotWidget

    flow = window.findChildren(FlowchartView)[0]
    km = [w for w in window.findChildren(KMPlotWidget) if w.curves][0]
    return {"validation headers": _headers(validation),
            "message": validation.index(0, list(validation.dataframe.columns).index("message")).data(),
            "table headers": [h for t in tables for h in t.model.headers()],
            "row labels": [t.model.display_text(r, 0) for t in tables for r in range(t.model.rowCount())],
            "titles": [t.title_label.text() for t in tables],
            "notes": [t.notes_label.text() for t in tables],
            "flowchart": flow.box_text("admitted"),
            "km": figure_texts(km),
            "empty": window.panels["Data"].message.text()}


def test_switching_to_chinese_translates_what_the_study_shows_and_back(window, qtbot, study_file):
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.open_study(study_file)
    english = _shown(window)
    switch_language(window, "zh_CN")
    QApplication.processEvents()
    chinese = _shown(window)
    assert "需核对的内容" in chinese["validation headers"]
    assert CJK.search(chinese["message"]), chinese["message"]
    assert "特征" in chinese["table headers"]
    share = lambda texts: sum(bool(CJK.search(t)) for t in texts) / max(1, len(texts))  # noqa: E731
    english_left = [t for t in chinese["row labels"] if re.search(r"\b[a-z]{4,}\b", t)]
    assert len(english_left) <= 0.1 * len(chinese["row labels"]), english_left
    assert share(chinese["titles"]) == 1.0
    assert share([n for n in chinese["notes"] if n]) == 1.0
    assert chinese["flowchart"].startswith("入组") or CJK.search(chinese["flowchart"])
    # (log-rank is what Chinese papers call the test too)
    assert not [t for t in chinese["km"] if re.search(r"\b[a-z]{4,}\b", t.replace("log-rank", ""))], chinese["km"]
    switch_language(window, "en")
    QApplication.processEvents()
    back = _shown(window)
    assert back == english
    assert not any(CJK.search(str(v)) for v in back.values())


#: Names Chinese papers print in Latin letters too.
_LATIN_NAMES = re.compile(r"Kaplan|Meier|Miller|Payne|Fisher|Cox|log-rank|Wald|Efron|Ki-67|IHC|FISH")


def _row_labels(forest) -> list[str]:
    return [label for _y, label in forest.plot.getAxis("left")._tickLevels[0]]


def _redrawn(figure):
    for name, (args, kwargs) in dict(figure.__dict__.get("_drawn", {})).items():
        getattr(figure, name)(*args, **kwargs)
    return figure


def _english_words(text: str) -> list[str]:
    return re.findall(r"\b[A-Za-z]{4,}\b", _LATIN_NAMES.sub("", re.sub(r"<[^>]+>", "", text)))


def test_chinese_window_banner_eligibility_filter_heterogeneity_and_paper_items(window, qtbot, study_file):
    from PySide6.QtWidgets import QLabel

    from her2desk.ui.dialogs.paper_navigator import summary_text

    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.open_study(study_file)
    assert window.banner.isVisible() and "cells need fixing" in window.banner.label.text()
    switch_language(window, "zh_CN")
    QApplication.processEvents()
    # the banner made when the study opened follows the switch
    banner = window.banner.label.text()
    assert CJK.search(banner) and not _english_words(banner), banner
    # the eligibility page's reason filter: its label and every entry, "All" first
    elig = window.panels["Eligibility"].table
    labels = [w.text() for w in elig.findChildren(QLabel) if w.text().endswith("：")]
    assert "排除原因：" in labels, labels
    entries = [elig.choice.itemText(i) for i in range(elig.choice.count())]
    assert entries[0] == "全部" and len(entries) > 1
    assert all(CJK.search(e) for e in entries), entries
    # choosing a translated entry still filters by the English reason
    elig.choice.setCurrentIndex(1)
    shown_reasons = {elig.proxy.index(r, 0).data() for r in range(elig.proxy.rowCount())}
    assert elig.proxy.rowCount() < elig.model.rowCount() and shown_reasons
    elig.choice.setCurrentIndex(0)
    data = window.panels["Data"]
    forms = [data.form_choice.itemText(i) for i in range(data.form_choice.count())]
    assert forms and all(re.fullmatch(r".*[\u4e00-\u9fff].*（[\d,]+ 行）", f) for f in forms), forms
    assert CJK.search(elig.search.placeholderText()), elig.search.placeholderText()
    cox = window.panels["Cox"]
    # the model's notes (a covariate left out, named in the note) under their ⚠ mark
    for note in cox.warnings_label.text().split("\n"):
        assert note.startswith("⚠ ") and not _english_words(note), note
    assert cox.picker_box.title() == "多因素模型", cox.picker_box.title()
    assert cox.model_label.text().startswith("<b>多因素模型"), cox.model_label.text()
    het = window.panels["First-line & conversion"].het_summary.text()
    assert CJK.search(het) and not _english_words(het), het
    # the paper navigator's captions, populations and tabs (View ▸ Paper items…)
    leftover = {i.id: _english_words(summary_text(i)) for i in window.results.paper}
    assert not any(leftover.values()), {k: v for k, v in leftover.items() if v}
    # a journal export of the on-screen forest plot draws a fresh copy: its row labels (axis
    # ticks) in Chinese as on screen; a report figure asked for in Chinese likewise
    forest = window.panels["Cox"].forest
    on_screen = _row_labels(forest)
    copy = forest.fresh_copy()
    assert copy.parent() is None and _row_labels(copy) == on_screen
    assert on_screen and all(CJK.search(t) for t in on_screen), on_screen
    from her2desk.ui.report_figures import translate_figure

    report_copy = forest.fresh_copy()
    report_copy.drawing_language = "en"
    assert not any(CJK.search(t) for t in _row_labels(_redrawn(report_copy)))
    assert _row_labels(translate_figure(report_copy, "zh_CN")) == on_screen
    switch_language(window, "en")
    QApplication.processEvents()
    assert "cells need fixing" in window.banner.label.text()
    assert elig.choice.itemText(0) == "All"
    assert data.form_choice.itemText(0).endswith(" rows)")
    assert cox.picker_box.title() == "Multivariate model" and "Multivariate model" in cox.model_label.text()
    assert not CJK.search(window.panels["First-line & conversion"].het_summary.text())
