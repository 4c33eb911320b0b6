"""The page on screen gets its analyses first: it is filled before the other analyses finish,
and a tab switch during the analyses moves that page's stages forward."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from her2desk.ui.main_window import RESULT_PAGES, MainWindow

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402


@pytest.fixture(scope="module")
def study_file(tmp_path_factory):
    return study_factory.write_study(tmp_path_factory.mktemp("study") / "study.xlsx", n=80)


@pytest.fixture
def window(qtbot, qsettings):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.runner.shutdown(5000)


def _record(window):
    events = []
    for name in RESULT_PAGES:
        panel = window.panels[name]

        def wrapped(*a, _orig=panel.set_results, _name=name, **k):
            events.append(_name)
            return _orig(*a, **k)
        panel.set_results = wrapped
    window.results_ready.connect(lambda _r: events.append("results_ready"))
    window._stage_relay.stage_done.connect(lambda _t, stage, _p: events.append("stage:" + stage))
    return events


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        assert window.open_study(path)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)


def test_the_page_on_screen_is_filled_first(window, qtbot, study_file):
    window.tabs.setCurrentWidget(window.panels["Cox"])
    events = _record(window)
    _open(window, qtbot, study_file)
    # Its stage ran first and the page was filled as it arrived (the window's own slot runs
    # before this test's recorder).
    assert events[:2] == ["Cox", "stage:cox"]
    assert events.index("Cox") < events.index("stage:tables") < events.index("results_ready")
    # The other pages are filled once, at the end; the Cox page is not filled twice.
    assert events.count("Cox") == 1
    after = events[events.index("results_ready") - 4:events.index("results_ready")]
    assert sorted(after) == sorted(set(RESULT_PAGES) - {"Cox"})
    assert window.panels["Cox"].is_showing_contents()
    assert window.results is not None and window.panels["Baseline"].results is window.results


def test_switching_tabs_moves_that_page_forward(window, qtbot, study_file, monkeypatch):
    """While the first stage runs the user opens the Cox page (fourth by default): cox comes
    next. The first stage waits for the switch, so that it lands inside it."""
    import threading

    from her2desk.analysis import study as study_mod

    real = study_mod.baseline_table
    switched = threading.Event()

    def slow(*a, **k):                      # the first stage waits for the user's switch
        switched.wait(30)
        return real(*a, **k)
    monkeypatch.setattr(study_mod, "baseline_table", slow)
    events = _record(window)

    def switch(_loaded):
        window.tabs.setCurrentWidget(window.panels["Cox"])
        switched.set()
    window.study_loaded.connect(switch)
    _open(window, qtbot, study_file)
    stages = [e for e in events if e.startswith("stage:")]
    assert stages[:2] == ["stage:tables", "stage:cox"]
    assert events.index("Cox") < events.index("results_ready")
