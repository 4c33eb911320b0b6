"""Studies a coordinator really opens: nobody eligible, no MBC, no neoadjuvant patients, one HR
group, only the Patients sheet. Every page must say something, never raise or stay blank."""
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))
import edge_studies  # noqa: E402

from her2desk.ui.main_window import RESULT_PAGES, MainWindow  # noqa: E402

WAITING = ("Computing the study's analyses", "Opening ")


@pytest.fixture
def window(qtbot, qsettings):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    yield w
    w.runner.shutdown(5000)
    QApplication.instance().removeEventFilter(w)


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.study_loaded, timeout=30000):
        assert window.open_study(path)
    # the analyses either finish or fail; both leave the runner idle
    qtbot.waitUntil(lambda: not window.runner.is_busy() and all(
        not window.panels[p].message.text().startswith(WAITING) or window.panels[p].is_showing_contents()
        for p in RESULT_PAGES), timeout=60000)


def _visible_text(panel) -> str:
    if not panel.is_showing_contents():
        return panel.message.text()
    return "contents"


@pytest.mark.parametrize("name", list(edge_studies.EDGE_STUDIES))
def test_every_page_of_an_edge_study_says_something(window, qtbot, tmp_path, name):
    path = edge_studies.EDGE_STUDIES[name](tmp_path / f"{name}.xlsx")
    _open(window, qtbot, path)
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(20)
        panel = window.tabs.widget(i)
        text = _visible_text(panel)
        assert text.strip() and not text.startswith(WAITING), (name, window.tabs.tabText(i), text)
    if window.results is None:      # the analyses failed: the pages say so, not "Computing…"
        assert "could not be run" in window.banner.text()
        for page in RESULT_PAGES:
            assert window.panels[page].message.text().startswith("The analyses could not be run")
        return
    survival = window.panels["Survival"]
    if name in ("no_eligible", "patients_sheet_only"):
        assert window.panels["Neoadjuvant"].message.text().startswith("No patient in the cohort had neoadjuvant")
        assert not survival.status.isHidden() and "nothing to draw" in survival.status.text()
        first_line = window.panels["First-line & conversion"]
        assert "No eligible patient has metastatic breast cancer" in first_line.table4.subtitle_label.text()
    if name == "one_hr_group":
        assert not survival.status.isHidden() and survival.status.text().startswith("Only one group")
        assert [c.label for c in survival.current.curves] == ["HR+/HER2+"]
    # every endpoint of the survival page shows a figure or a message, never an exception
    for i in range(survival.endpoint_box.count()):
        survival.endpoint_box.setCurrentIndex(i)
        qtbot.waitUntil(lambda: survival.current is not None and
                        survival.current.endpoint == survival.endpoint, timeout=20000)
        assert survival.plot.curves or survival.status.text()
