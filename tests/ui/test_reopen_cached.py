"""Reopening a study the window opened before comes from the user's cache folder: the file is
not read again, the analyses are not recomputed, and every tab shows the same numbers."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from her2desk.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402


@pytest.fixture
def window(qtbot, qsettings, tmp_path, monkeypatch):
    monkeypatch.setenv("HER2DESK_CACHE_DIR", str(tmp_path / "cache"))
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.runner.shutdown(5000)


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.results_ready, timeout=60000) as blocker:
        assert window.open_study(path)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    return blocker.args[0]


def test_reopening_skips_reading_and_the_analyses(window, qtbot, tmp_path, monkeypatch):
    from her2desk.analysis import study as study_mod
    from her2desk.cohort import loading
    from her2desk.report.results_json import results_to_dict

    path = study_factory.write_study(tmp_path / "study.xlsx", n=60)
    reads, runs = [], []
    real_read, real_run = loading._read_and_derive, study_mod.run_study
    monkeypatch.setattr(loading, "_read_and_derive",
                        lambda *a, **k: reads.append(1) or real_read(*a, **k))
    monkeypatch.setattr(study_mod, "run_study", lambda *a, **k: runs.append(1) or real_run(*a, **k))
    first = _open(window, qtbot, path)
    counts = window.counts_label.text()
    window.loaded = None                     # as after a restart: nothing in memory
    second = _open(window, qtbot, path)
    assert (len(reads), len(runs)) == (1, 1)
    assert window.counts_label.text() == counts
    assert results_to_dict(second) == results_to_dict(first)
    # An analysis setting changed: recomputed (and cached under its own key), never reused.
    window.apply_settings(window.loaded.settings.replace(km_conf_type="plain"))
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=60000)
    assert len(runs) == 2
