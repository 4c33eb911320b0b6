"""View ▸ Paper items…: every registry item is reachable under its number, and the Survival and
Neoadjuvant tabs show the item's pairs (the numbers of results.paper, not recomputed) with its
immortal-time cautions."""
import math

import pytest

from her2desk.analysis.paper import ITEM_IDS
from her2desk.report.format import format_hr_with_ci
from her2desk.resources import sample_study_path
from her2desk.ui.main_window import MainWindow
from her2desk.ui.text import p_text


@pytest.fixture(scope="module")
def study_file():
    path = sample_study_path()
    if not path.exists():
        pytest.skip("sample not generated")
    return path


@pytest.fixture(scope="module")
def window(qapp, study_file, tmp_path_factory):
    """One window on the sample for the module (opening it is the slow part); each test
    chooses the items it looks at."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    store = QSettings(str(tmp_path_factory.mktemp("navigator") / "settings.ini"),
                      QSettings.Format.IniFormat)
    w = MainWindow(settings_store=store)
    w.show()
    loop = QEventLoop()
    w.results_ready.connect(lambda _r: loop.quit())
    QTimer.singleShot(60000, loop.quit)
    w.open_study(study_file)
    loop.exec()
    assert w.results is not None, "the sample's analyses did not finish within a minute"
    yield w
    w.runner.shutdown(5000)
    w.close()
    w.deleteLater()


def _item(window, item_id):
    return next(i for i in window.results.paper if i.id == item_id)


def test_view_menu_has_the_navigator_with_all_35_items(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Help"]
    assert window.paper_items_action in window.view_menu.actions()
    dialog = window.show_paper_items()
    ids = [dialog.list.item(r).text().split(" — ")[0] for r in range(dialog.list.count())]
    assert ids == list(ITEM_IDS) and len(ids) == 35
    dialog.select("Fig 4d")
    assert "Fig 4d." in dialog.summary.text() and "Survival" in dialog.summary.text()
    assert len(dialog.pairs.table.rows) == 6
    dialog.close()


def test_fig_5d_opens_dfs_by_er_pr_with_its_six_pairs(window, qtbot):
    dialog = window.show_paper_items()
    dialog.select("Fig 5d")
    dialog.choose_current()
    panel = window.panels["Survival"]
    assert window.tabs.currentWidget() is panel
    assert panel.endpoint == "DFS" and panel.grouping.column == "er_pr_subgroup"
    assert panel.current.key == "dfs_erpr" and "(Fig 5c)" in panel.current.title
    assert set(panel.item_ids) == {"Fig 5c", "Fig 5d"}
    box = panel.pairs_box
    item = _item(window, "Fig 5d")
    assert box.item is item and box.isVisibleTo(panel)
    assert box.title.text().startswith("Fig 5d. ")
    rows = box.rows_text()
    assert len(rows) == 6
    for row, pair in zip(rows, item.pairs):
        assert row[0] == f"{pair.group} vs {pair.reference}"
        assert row[3] == p_text(pair.p_value) and row[4] == p_text(pair.p_adjusted)
        if math.isfinite(pair.hazard_ratio):
            assert row[2] == format_hr_with_ci(pair.hazard_ratio, pair.ci)
    # the pair the paper prints P = 0.042 for, with the paper's value beside ours
    r = next(r for r in rows if r[0] == "ER+/PR+ vs ER-/PR+")
    assert r[6] == "P = 0.042; HR 0.49 (0.19–1.25)"
    assert "unadjusted" in box.footnote.text().lower()
    dialog.close()


def test_every_item_is_reachable_and_lands_on_its_tab(window, qtbot):
    from her2desk.ui.dialogs.paper_navigator import tab_for

    for item_id in ITEM_IDS:
        window.show_paper_item(item_id)
        assert window.tabs.currentWidget() is window.panels[tab_for(item_id)], item_id
        qtbot.wait(20)           # the event loop runs between choices, as between clicks
    window.show_paper_item("Table S6")
    cox = window.panels["Cox"]
    assert cox.endpoint == "DFS"
    assert cox.chosen() == ["hr_status", "axillary_nodes", "adjuvant_radiotherapy",
                            "adjuvant_her2_targeted"]


def test_fig_7a_shows_its_immortal_time_caution(window):
    window.show_paper_item("Fig 7a")
    box = window.panels["Survival"].pairs_box
    assert not box.cautions.isHidden()
    assert "Immortal-time caution" in box.cautions.text()
    assert set(_item(window, "Fig 7a").cautions) <= set(
        line.removeprefix("⚠ ") for line in box.cautions.text().split("\n"))
    window.show_paper_item("Fig 4b")            # OS by HR status: no caution
    assert box.cautions.isHidden()
    assert box.rows_text()[0][0] == "HR+/HER2+ vs HR-/HER2+"


def test_neoadjuvant_tab_shows_all_pairs(window):
    window.show_paper_item("Fig 2b")
    panel = window.panels["Neoadjuvant"]
    assert panel.current.key == "erpr"
    item = _item(window, "Fig 2b")
    assert len(panel.pairs_box.rows_text()) == len(item.pairs) == 6
    window.show_paper_item("Table S1")
    assert panel.current.key.startswith("regimen_")
    assert panel.pairs_box.title.text().startswith("Table S1. ")
    rows = panel.pairs_box.rows_text()
    s1 = _item(window, "Table S1")
    assert [r[0] for r in rows] == [
        f"{p.group} vs {p.reference}" + (f" (within {p.within})" if p.within else "")
        for p in s1.pairs]
    # switching analysis shows that analysis's own item
    panel.select("erpr_trastuzumab + chemotherapy")
    assert panel.pairs_box.item.id == "Fig 3b"


def test_a_page_filled_early_gets_its_pairs_when_the_items_arrive(qtbot, qsettings, study_file):
    """The visible result page is drawn from partial results, before the paper's items exist;
    their pairs join it when the last stage is done."""
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    w.tabs.setCurrentWidget(w.panels["Survival"])
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.open_study(study_file)
    panel = w.panels["Survival"]
    assert panel.current.key == "os_hr"
    assert panel.pairs_box.item is _item(w, "Fig 4b")
    assert panel.pairs_box.rows_text()[0][0] == "HR+/HER2+ vs HR-/HER2+"
    w.runner.shutdown(5000)
