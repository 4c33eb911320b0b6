"""A long import reports progress, lets the GUI thread keep running, and finishes."""
import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from her2desk.ui.main_window import MainWindow

N_PATIENTS = 4_000


@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory):
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_import.py"
    spec = importlib.util.spec_from_file_location("bench_import", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    target = tmp_path_factory.mktemp("big") / "big_study.xlsx"
    bench.build(target, N_PATIENTS)
    return target


def test_long_import_reports_progress_and_stays_responsive(qtbot, qsettings, big_workbook):
    window = MainWindow(settings_store=qsettings)
    qtbot.addWidget(window)
    window.show()
    fractions, texts, ticks = [], [], []
    window.runner.progress.connect(lambda key, f, t: (fractions.append(f), texts.append(t)))
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(50)
    with qtbot.waitSignal(window.study_loaded, timeout=180_000) as loaded:
        assert window.open_study(big_workbook)
        assert window.progress.isVisibleTo(window) and window.cancel_button.isVisibleTo(window)
    heartbeat.stop()
    study = loaded.args[0]
    assert len(study.cohort) == N_PATIENTS
    assert len(set(texts)) >= 3                       # several named steps were shown
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    # the GUI thread kept running its timers while the worker read the workbook
    assert len(ticks) >= 10
    assert window.counts_label.text().startswith(f"{N_PATIENTS} patients")
