"""Export study report: figures drawn offscreen and embedded; old files safe on refusal or failure."""
import io
import json
import os
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.ui.main_window import MainWindow  # noqa: E402
from her2desk.ui.report_figures import figure_plan, render_report_figures  # noqa: E402


@pytest.fixture(scope="module")
def study_file(tmp_path_factory):
    return study_factory.write_study(tmp_path_factory.mktemp("report") / "study.xlsx", n=120)


@pytest.fixture
def window(qtbot, qsettings, study_file):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.open_study(study_file)
    yield w
    w.runner.shutdown(5000)


def test_render_report_figures(window):
    figures = render_report_figures(window.results)
    titles = [t for t, _ in figure_plan(window.results)]
    assert list(figures) == titles
    # This study has no metastatic patients: the flowchart, OS and DFS curves, the neoadjuvant bars.
    from her2desk.analysis.paper import BY_ID
    assert titles[0] == "Fig 1. Study flowchart"
    assert titles[1:3] == [f"Fig 4a. {BY_ID['Fig 4a'].caption}", f"Fig 4b. {BY_ID['Fig 4b'].caption}"]
    assert any("pCR" in t for t in titles)
    for png in figures.values():
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000


def _export(window, qtbot, folder, overwrite=True):
    done = {}
    job = window.export_report(str(folder), overwrite=overwrite)
    if job is None:
        return None, None
    job.on_done = lambda paths, message: done.update(paths=paths, message=message)
    qtbot.waitUntil(lambda: "paths" in done, timeout=60000)
    return done["paths"], done["message"]


def test_export_writes_all_three_files_with_images(window, qtbot, tmp_path):
    paths, message = _export(window, qtbot, tmp_path)
    assert message == ""
    assert sorted(p.name for p in paths) == ["report.docx", "report.xlsx", "results.json"]
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    ws = wb["Figures"]
    n_figures = len(figure_plan(window.results))
    assert len(ws._images) == n_figures
    data = ws._images[0]._data()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    payload = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert payload
    assert "Report saved" in window.banner.text()


def test_declining_overwrite_leaves_files(window, qtbot, tmp_path):
    (tmp_path / "report.xlsx").write_bytes(b"old report")
    (tmp_path / "results.json").write_text("{}", encoding="utf-8")
    job = window.export_report(str(tmp_path), overwrite=False)
    assert job is None
    assert (tmp_path / "report.xlsx").read_bytes() == b"old report"


def test_asks_before_overwriting(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    (tmp_path / "results.json").write_text("{}", encoding="utf-8")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    assert window.export_report(str(tmp_path)) is None
    assert asked and "results.json" in asked[0]
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == "{}"


def test_unwritable_folder_is_a_clear_message(window, qtbot, tmp_path, monkeypatch):
    (tmp_path / "report.xlsx").write_bytes(b"old report")
    from her2desk.ui import report_figures

    # Root ignores permissions, so the refusal is simulated where the OS would give it.
    real_open = open

    def locked_open(path, mode="r", *a, **k):
        if str(path).endswith("report.xlsx") and "+" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr("builtins.open", locked_open)
    paths, message = _export(window, qtbot, tmp_path)
    assert paths is None
    assert "open in Excel" in message and "left as they were" in message
    assert "open in Excel" in window.banner.text()
    monkeypatch.undo()
    assert (tmp_path / "report.xlsx").read_bytes() == b"old report"
    assert not (tmp_path / "results.json").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in read-only folders")
def test_read_only_folder(window, qtbot, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        paths, message = _export(window, qtbot, folder)
        assert paths is None and "cannot write" in message
    finally:
        folder.chmod(0o755)
